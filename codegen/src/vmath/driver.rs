//! Kernel traits and the slice drivers that LLVM vectorises.
//!
//! A kernel is a zero-sized type implementing [`Unary`] or [`Binary`]: branch-free scalar code
//! (`#[inline(always)]`) that the drivers below apply over a slice. The drivers are themselves
//! `#[inline(always)]` and are instantiated inside the `#[target_feature]` functions of
//! `super::dispatch`, so one source is compiled three times (AVX-512, AVX2+FMA, baseline) and
//! the loop vectoriser widens it to the register width of each target.

/// A unary elementwise function: the `f64` kernel (also used, on widened inputs and rounded
/// once, for `f32`) and an optional scalar fallback for rare inputs the vector code does not
/// cover (huge arguments of `sin`, ...).
pub(super) trait Unary {
    /// The `f64` kernel; `F` says whether FMA instructions may be used.
    fn f64<const F: bool>(x: f64) -> f64;
    /// Whether [`Unary::is_slow`] can ever be true (enables the fallback pass).
    const HAS_SLOW: bool = false;
    /// Inputs (as `f64`) that need the scalar fallback.
    #[inline(always)]
    fn is_slow(_x: f64) -> bool {
        false
    }
    /// Whether [`Unary::block_avx512`] and [`Unary::block_avx2`] give the final result on
    /// every lane themselves (they test their inputs for [`Unary::is_slow`] in registers and
    /// apply [`Unary::slow64`] to those lanes), so the drivers skip their own test pass over
    /// full blocks (12 % of `exp`'s time on AMD Zen 4).
    const BLOCKS_PATCH: bool = false;
    /// Scalar fallback for the `f64` routine.
    fn slow64(x: f64) -> f64 {
        x
    }
    /// Scalar fallback for the `f32` routine.
    fn slow32(x: f32) -> f32 {
        Self::slow64(x as f64) as f32
    }
    /// The kernel (with FMA) over one full block, in the AVX-512 build. By default the
    /// autovectorised loop; a kernel whose loop LLVM vectorises badly (table reads become
    /// gathers) overrides it with explicit AVX-512 code computing the same bits.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and AVX-512DQ.
    #[inline(always)]
    unsafe fn block_avx512(c: &mut [f64; 2 * BLOCK]) {
        for v in c.iter_mut() {
            *v = Self::f64::<true>(*v);
        }
    }
    /// The kernel (with FMA) over one full block, in the AVX2 build; by default the
    /// autovectorised loop (see [`Unary::block_avx512`]).
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[inline(always)]
    unsafe fn block_avx2(c: &mut [f64; 2 * BLOCK]) {
        for v in c.iter_mut() {
            *v = Self::f64::<true>(*v);
        }
    }
}

/// A binary elementwise function `x[i] = f(x[i], y[i])`.
pub(super) trait Binary {
    /// The `f64` kernel.
    fn f64<const F: bool>(x: f64, y: f64) -> f64;
    /// The `f32` kernel; by default the `f64` kernel on widened inputs, rounded once.
    #[inline(always)]
    fn f32<const F: bool>(x: f32, y: f32) -> f32 {
        Self::f64::<F>(x as f64, y as f64) as f32
    }
}

/// The instruction-set build a driver is instantiated in (its `W` parameter): the baseline,
/// AVX2 + FMA (full blocks run [`Unary::block_avx2`]) or AVX-512 ([`Unary::block_avx512`]).
pub(super) const BASE: u8 = 0;
/// See [`BASE`].
pub(super) const AVX2: u8 = 1;
/// See [`BASE`].
pub(super) const AVX512: u8 = 2;

/// Whether a full block in build `W` runs an explicit routine that patches its own lanes
/// ([`Unary::BLOCKS_PATCH`]).
#[inline(always)]
const fn blocks_patch<K: Unary, const F: bool, const W: u8>() -> bool {
    K::BLOCKS_PATCH && F && (W == AVX2 || W == AVX512)
}

/// Elements per block of the fallback-aware drivers.
pub(super) const BLOCK: usize = 32;

/// Applies `K` to every element of `xs` in place. Kernels with a scalar fallback go block by
/// block: a block without inputs that need it (one vectorised test) runs the plain vector
/// loop; only a block that holds some keeps a copy of its inputs and patches those lanes.
/// `W` is the instruction-set build ([`BASE`], [`AVX2`], [`AVX512`]).
///
/// # Safety
/// The CPU must support the instructions of build `W`.
#[inline(always)]
pub(super) unsafe fn unary_f64<K: Unary, const F: bool, const W: u8>(xs: &mut [f64]) {
    let mut blocks = xs.chunks_exact_mut(2 * BLOCK);
    for c in &mut blocks {
        let c: &mut [f64; 2 * BLOCK] = c.try_into().expect("exact chunk");
        let test = K::HAS_SLOW && !blocks_patch::<K, F, W>();
        if test && c.iter().fold(false, |any, &v| any | K::is_slow(v)) {
            // SAFETY: forwarded from the caller.
            unsafe { patched_f64::<K, F, W>(c) };
            continue;
        }
        // SAFETY: forwarded from the caller.
        unsafe { full_block::<K, F, W>(c) };
    }
    let rest = blocks.into_remainder();
    if K::HAS_SLOW {
        // SAFETY: forwarded from the caller.
        unsafe { patched_f64::<K, F, W>(rest) };
    } else {
        for v in rest {
            *v = K::f64::<F>(*v);
        }
    }
}

/// The vector kernel over one full block: [`Unary::block_avx512`] in the AVX-512 build,
/// [`Unary::block_avx2`] in the AVX2 one, the autovectorised loop otherwise.
///
/// # Safety
/// The CPU must support the instructions of build `W`.
#[inline(always)]
unsafe fn full_block<K: Unary, const F: bool, const W: u8>(c: &mut [f64; 2 * BLOCK]) {
    if W == AVX512 && F {
        // SAFETY: the caller guarantees AVX-512F/DQ in this build.
        unsafe { K::block_avx512(c) }
    } else if W == AVX2 && F {
        // SAFETY: the caller guarantees AVX2 and FMA in this build.
        unsafe { K::block_avx2(c) }
    } else {
        for v in c.iter_mut() {
            *v = K::f64::<F>(*v);
        }
    }
}

/// The vector kernel over `xs` (at most `2 * BLOCK` elements), then the scalar fallback for the
/// lanes whose input needs it.
///
/// # Safety
/// The CPU must support the instructions of build `W`.
#[inline(always)]
unsafe fn patched_f64<K: Unary, const F: bool, const W: u8>(xs: &mut [f64]) {
    let mut orig = [0.0f64; 2 * BLOCK];
    orig[..xs.len()].copy_from_slice(xs);
    match <&mut [f64; 2 * BLOCK]>::try_from(&mut *xs) {
        // SAFETY: forwarded from the caller.
        Ok(c) => unsafe { full_block::<K, F, W>(c) },
        Err(_) => {
            for v in xs.iter_mut() {
                *v = K::f64::<F>(*v);
            }
        }
    }
    for (v, &o) in xs.iter_mut().zip(orig.iter()) {
        if K::is_slow(o) {
            *v = K::slow64(o);
        }
    }
}

/// Applies `K` to every element of `xs` in place: widened to `f64` in blocks, so the kernel
/// loop is the same 8-lane `f64` loop as [`unary_f64`] (a loop over `f32` directly lets LLVM
/// pick 16 lanes, i.e. two `f64` registers per value; that measured 2–3× slower for some
/// kernels). `W` as in [`unary_f64`].
///
/// # Safety
/// The CPU must support the instructions of build `W`.
#[inline(always)]
pub(super) unsafe fn unary_f32<K: Unary, const F: bool, const W: u8>(xs: &mut [f32]) {
    let mut buf = [0.0f64; 2 * BLOCK];
    for c in xs.chunks_mut(2 * BLOCK) {
        let n = c.len();
        for (b, &v) in buf.iter_mut().zip(c.iter()) {
            *b = v as f64;
        }
        let test = K::HAS_SLOW && !(n == 2 * BLOCK && blocks_patch::<K, F, W>());
        let any = test && buf[..n].iter().fold(false, |a, &b| a | K::is_slow(b));
        if n == 2 * BLOCK {
            // SAFETY: forwarded from the caller.
            unsafe { full_block::<K, F, W>(&mut buf) };
        } else {
            for b in buf[..n].iter_mut() {
                *b = K::f64::<F>(*b);
            }
        }
        if K::HAS_SLOW && any {
            // `c` still holds the inputs: take the scalar fallback where needed.
            for (v, &b) in c.iter_mut().zip(buf.iter()) {
                *v = if K::is_slow(*v as f64) {
                    K::slow32(*v)
                } else {
                    b as f32
                };
            }
        } else {
            for (v, &b) in c.iter_mut().zip(buf.iter()) {
                *v = b as f32;
            }
        }
    }
}

/// `x[i] = K(x[i], y[i])` for `i < min(x.len(), y.len())`.
#[inline(always)]
pub(super) fn binary_f64<K: Binary, const F: bool>(x: &mut [f64], y: &[f64]) {
    for (a, &b) in x.iter_mut().zip(y) {
        *a = K::f64::<F>(*a, b);
    }
}

/// `x[i] = K(x[i], y[i])` for `i < min(x.len(), y.len())`.
#[inline(always)]
pub(super) fn binary_f32<K: Binary, const F: bool>(x: &mut [f32], y: &[f32]) {
    for (a, &b) in x.iter_mut().zip(y) {
        *a = K::f32::<F>(*a, b);
    }
}
