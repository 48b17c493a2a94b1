//! The blocked driver: validates the operands, packs `B` (all `K` blocks, split between the
//! threads), then each thread runs BLIS's loops over its rows of `C`: `K` blocks, `MC`-row
//! blocks of `A` packed into L2-sized buffers, `NR`-column panels of `B` (L1-resident while
//! the `A` panels stream past), `MR`-row micro-tiles.

use super::kernel::Tile;
use super::pack::{pack_a, pack_b};
use super::{available, Element, Epilogue, MatRef};

/// Packing buffers above this many elements are not kept for the next call.
const KEEP_MAX: usize = 1 << 24;

/// Elements of `B` from which the two threads pack it together.
const PAR_PACK_MIN: usize = 1 << 15;

macro_rules! element {
    ($t:ty, $tile:ident, $kc:expr, $mc:expr) => {
        impl Element for $t {
            const ZERO: Self = 0.0;
            const MR: usize = 12;
            const NR: usize = 2 * 64 / std::mem::size_of::<$t>();
            const KC: usize = $kc;
            const MC: usize = $mc;
            fn mul(self, s: Self) -> Self {
                self * s
            }
            fn add(self, y: Self) -> Self {
                self + y
            }
            unsafe fn tile(t: &Tile<Self>) {
                // SAFETY: forwarded: the caller guarantees AVX-512F and Tile's requirements.
                unsafe { super::kernel::$tile(t) }
            }
            fn with_buffers<R>(f: impl FnOnce(&mut [Vec<Self>; 3]) -> R) -> R {
                thread_local! {
                    static BUFS: std::cell::RefCell<[Vec<$t>; 3]> = Default::default();
                }
                BUFS.with(|cell| match cell.try_borrow_mut() {
                    Ok(mut bufs) => {
                        let r = f(&mut bufs);
                        for v in bufs.iter_mut().filter(|v| v.len() > KEEP_MAX) {
                            *v = Vec::new();
                        }
                        r
                    }
                    Err(_) => f(&mut Default::default()),
                })
            }
        }
    };
}
element!(f64, tile_f64, 256, 96);
element!(f32, tile_f32, 256, 96);

/// `buf[..len]`, growing `buf` (with zeros) when it is shorter; packing overwrites every
/// element it hands to the kernel, so old contents never leak into results.
fn take<T: Element>(buf: &mut Vec<T>, len: usize) -> &mut [T] {
    if buf.len() < len {
        buf.resize(len, T::ZERO);
    }
    &mut buf[..len]
}

/// `c = epilogue(a · b)` for `a` (`m × k`) and `b` (`k × n`) strided views and `c` the
/// C-ordered `m × n` output, on `threads` (1 or 2; rows of `c` are split, so the result does
/// not depend on it).
///
/// Returns `false`, leaving `c` untouched, when the CPU lacks AVX-512F or the arguments do
/// not fit together (`a.cols != b.rows`, `c.len() != m*n`, a view reaching outside its
/// data, a bias whose length is not `n`); `true` when `c` holds the result.
pub fn gemm<T: Element>(
    a: MatRef<T>,
    b: MatRef<T>,
    c: &mut [T],
    threads: usize,
    epi: &Epilogue<T>,
) -> bool {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let fits = b.rows == k
        && m.checked_mul(n) == Some(c.len())
        && epi.bias.is_none_or(|bias| bias.len() == n)
        && a.is_valid()
        && b.is_valid();
    if !fits || !available() {
        return false;
    }
    if m == 0 || n == 0 {
        return true;
    }
    if k == 0 {
        for row in c.chunks_exact_mut(n) {
            for (j, x) in row.iter_mut().enumerate() {
                *x = epi.apply(T::ZERO, j);
            }
        }
        return true;
    }
    T::with_buffers(|[bbuf, a0, a1]| {
        let np = n.div_ceil(T::NR);
        let bp = take(bbuf, k * np * T::NR);
        let two = threads >= 2;
        pack_all_b(&b, bp, two && k * n >= PAR_PACK_MIN);
        let bp: &[T] = bp;
        // rows of C split at a multiple of MR
        let half = (m / 2).div_ceil(T::MR) * T::MR;
        if !two || m < 2 * T::MR || half >= m {
            compute(&a, bp, n, 0, m, c, a0, epi);
        } else {
            let (top, bottom) = c.split_at_mut(half * n);
            std::thread::scope(|s| {
                s.spawn(|| compute(&a, bp, n, half, m, bottom, a1, epi));
                compute(&a, bp, n, 0, half, top, a0, epi);
            });
        }
        true
    })
}

/// Packs every `K` block of `b` into `out`: block `kb` (depth `kc`) at `kb*KC*np*NR`, its
/// panel `q` at `q*kc*NR` within. With `par`, the second half of the (block, panel) units
/// is packed on another thread.
fn pack_all_b<T: Element>(b: &MatRef<T>, out: &mut [T], par: bool) {
    let (k, np) = (b.rows, b.cols.div_ceil(T::NR));
    let units = k.div_ceil(T::KC) * np;
    // offset of unit u = (kb, q) in `out`
    let offset = |u: usize| {
        let (kb, q) = (u / np, u % np);
        kb * T::KC * np * T::NR + q * T::KC.min(k - kb * T::KC) * T::NR
    };
    let run = |u0: usize, u1: usize, out: &mut [T]| {
        let mut u = u0;
        while u < u1 {
            let (kb, q) = (u / np, u % np);
            let q1 = np.min(q + (u1 - u));
            let k0 = kb * T::KC;
            let kc = T::KC.min(k - k0);
            let (lo, hi) = (
                offset(u) - offset(u0),
                offset(u) - offset(u0) + (q1 - q) * kc * T::NR,
            );
            // SAFETY: `b` was validated by `gemm` (`MatRef::is_valid`).
            unsafe { pack_b(b, k0, kc, q, q1, &mut out[lo..hi]) };
            u += q1 - q;
        }
    };
    if par && units >= 2 {
        let mid = units / 2;
        let (first, second) = out.split_at_mut(offset(mid));
        std::thread::scope(|s| {
            s.spawn(|| run(mid, units, second));
            run(0, mid, first);
        });
    } else {
        run(0, units, out);
    }
}

/// Rows `r0..r1` of `c = epi(a · b)` into `c` (those rows only, row stride `n`), with the
/// packed `bp` from [`pack_all_b`] and `abuf` for the packed `A` blocks.
#[allow(clippy::too_many_arguments)]
fn compute<T: Element>(
    a: &MatRef<T>,
    bp: &[T],
    n: usize,
    r0: usize,
    r1: usize,
    c: &mut [T],
    abuf: &mut Vec<T>,
    epi: &Epilogue<T>,
) {
    let (k, np) = (a.cols, n.div_ceil(T::NR));
    let (mr, nr) = (T::MR, T::NR);
    assert!(c.len() == (r1 - r0) * n && bp.len() == k * np * nr);
    let nk = k.div_ceil(T::KC);
    for kb in 0..nk {
        let k0 = kb * T::KC;
        let kc = T::KC.min(k - k0);
        let bblock = &bp[k0 * np * nr..k0 * np * nr + np * kc * nr];
        let mut ic = r0;
        while ic < r1 {
            let mc = T::MC.min(r1 - ic);
            let ap = take(abuf, mc.div_ceil(mr) * kc * mr);
            // SAFETY: `a` was validated by `gemm` (`MatRef::is_valid`).
            unsafe { pack_a(a, ic, mc, k0, kc, ap) };
            for q in 0..np {
                let bpanel = &bblock[q * kc * nr..(q + 1) * kc * nr];
                let cols = nr.min(n - q * nr);
                for (p, apanel) in ap.chunks_exact(kc * mr).enumerate() {
                    let row = ic - r0 + p * mr;
                    let rows = mr.min(r1 - r0 - row);
                    let last = kb + 1 == nk;
                    let bias = match epi.bias {
                        Some(bias) if last => bias[q * nr..].as_ptr(),
                        _ => std::ptr::null(),
                    };
                    let t = Tile {
                        kc,
                        a: apanel.as_ptr(),
                        b: bpanel.as_ptr(),
                        c: c[row * n + q * nr..].as_mut_ptr(),
                        ldc: n,
                        rows,
                        cols,
                        accumulate: kb > 0,
                        last,
                        scale: epi.scale,
                        bias,
                        relu: epi.relu,
                    };
                    // SAFETY: AVX-512F was detected by `gemm`; the panels hold kc*MR and
                    // kc*NR elements (chunks of exactly that size); the C tile's rows
                    // row..row+rows < r1-r0 and columns q*NR..q*NR+cols <= n lie inside this
                    // thread's `c`, which holds (r1-r0)*n elements; the bias slice starts at
                    // column q*NR of a length-n bias, so `cols` elements are readable.
                    unsafe { T::tile(&t) };
                }
            }
            ic += mc;
        }
    }
}
