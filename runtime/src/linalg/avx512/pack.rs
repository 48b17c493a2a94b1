//! Packing: copies blocks of the strided operands into the contiguous panels the
//! micro-kernel reads. An `A` block becomes `MR`-row panels (`MR` elements per step of `k`),
//! a `B` block `NR`-column panels (`NR` per step of `k`); rows/columns beyond the matrix are
//! zero. Reads go through the views' strides, with a fast path for a unit stride along the
//! panel (a contiguous copy per step of `k`); otherwise step by step of `k`, reading the
//! lanes as parallel sequential streams and writing each panel row contiguously. (A
//! lane-by-lane loop for a unit stride along `k`, scattering into the panel, took twice as
//! long: 9.9 % of a 1024³ float64 product against 4.8 %, and the product 5–10 % longer on
//! two threads.)

use super::{Element, MatRef};

/// Copies one panel: element `(w, kk)` of the source, at `src + w*sw + kk*sk`, goes to
/// `out[kk*width + w]` for `w < valid`; lanes `valid..width` are zero.
///
/// # Safety
/// `src + w*sw + kk*sk` is a readable element for every `w < valid`, `kk < out.len()/width`.
#[inline(always)]
unsafe fn panel<T: Element>(
    src: *const T,
    sw: isize,
    sk: isize,
    valid: usize,
    width: usize,
    out: &mut [T],
) {
    if valid < width {
        for row in out.chunks_exact_mut(width) {
            row[valid..].fill(T::ZERO);
        }
    }
    if sw == 1 && valid == width {
        // full panel rows: `width` is the constant MR or NR here (inlined), so each copy
        // is a few vector moves instead of a `memcpy` call per step of `k`
        for (kk, row) in out.chunks_exact_mut(width).enumerate() {
            // SAFETY: elements w < width of step kk are readable (the caller's guarantee,
            // valid == width) and contiguous because sw == 1.
            let s = unsafe { std::slice::from_raw_parts(src.offset(kk as isize * sk), width) };
            row.copy_from_slice(s);
        }
    } else if sw == 1 {
        for (kk, row) in out.chunks_exact_mut(width).enumerate() {
            // SAFETY: elements w < valid of step kk are readable (the caller's guarantee)
            // and contiguous because sw == 1.
            let s = unsafe { std::slice::from_raw_parts(src.offset(kk as isize * sk), valid) };
            row[..valid].copy_from_slice(s);
        }
    } else {
        for (kk, row) in out.chunks_exact_mut(width).enumerate() {
            for (w, d) in row[..valid].iter_mut().enumerate() {
                // SAFETY: w < valid, kk < kc: a readable element by the caller's guarantee.
                *d = unsafe { *src.offset(w as isize * sw + kk as isize * sk) };
            }
        }
    }
}

/// Packs rows `r0..r0+mc`, columns `k0..k0+kc` of `a` into `MR`-row panels
/// (`out.len() == mc.div_ceil(MR) * kc * MR`).
///
/// # Safety
/// `a` is valid ([`MatRef::is_valid`]).
pub unsafe fn pack_a<T: Element>(
    a: &MatRef<T>,
    r0: usize,
    mc: usize,
    k0: usize,
    kc: usize,
    out: &mut [T],
) {
    assert!(r0 + mc <= a.rows && k0 + kc <= a.cols && kc > 0);
    assert_eq!(out.len(), mc.div_ceil(T::MR) * kc * T::MR);
    for (p, dst) in out.chunks_exact_mut(kc * T::MR).enumerate() {
        let i = r0 + p * T::MR;
        let valid = T::MR.min(r0 + mc - i);
        // SAFETY: (i, k0) is an element of the valid view (asserted ranges), so the pointer
        // is in bounds, and so is every (i + w, k0 + kk) with w < valid, kk < kc.
        unsafe {
            let src = a
                .data
                .as_ptr()
                .offset(a.off + i as isize * a.rs + k0 as isize * a.cs);
            panel(src, a.rs, a.cs, valid, T::MR, dst);
        }
    }
}

/// Packs rows `k0..k0+kc` of `b`, `NR`-column panels `q0..q1` (columns `q0*NR..`), into
/// `out` (`(q1 - q0) * kc * NR` elements).
///
/// # Safety
/// `b` is valid ([`MatRef::is_valid`]).
pub unsafe fn pack_b<T: Element>(
    b: &MatRef<T>,
    k0: usize,
    kc: usize,
    q0: usize,
    q1: usize,
    out: &mut [T],
) {
    assert!(k0 + kc <= b.rows && kc > 0 && q1 <= b.cols.div_ceil(T::NR));
    assert_eq!(out.len(), (q1 - q0) * kc * T::NR);
    for (q, dst) in (q0..q1).zip(out.chunks_exact_mut(kc * T::NR)) {
        let j = q * T::NR;
        let valid = T::NR.min(b.cols - j);
        // SAFETY: (k0, j) is an element of the valid view (asserted ranges), and so is every
        // (k0 + kk, j + w) with kk < kc, w < valid.
        unsafe {
            let src = b
                .data
                .as_ptr()
                .offset(b.off + k0 as isize * b.rs + j as isize * b.cs);
            panel(src, b.cs, b.rs, valid, T::NR, dst);
        }
    }
}
