//! The blocked driver: validates the operands, then splits `C` between the threads along
//! columns (`NR`-column panels) or rows (`MR`-row panels), whichever wastes less, in chunks
//! that the threads claim one at a time.
//!
//! One operand is *shared*: packed `K` block by `K` block when a thread first needs the
//! block, both threads helping (`shared.rs`; no barrier, so the two halves may also run one
//! after the other), and read by both from then on. The other is *private*: for each chunk
//! it claims, a thread packs, block by block, only what the chunk needs, into a buffer that
//! stays in its L2. With a column split `A` is shared and the private blocks are `KC × NC`
//! of `B`; with a row split `B` is shared and they are `MC × KC` of `A`. Every element of
//! `A` and `B` is packed once. The micro-kernel's stationary panel (held across the
//! innermost loop) comes from the shared operand, which is larger than L2 on big products;
//! each tile of a sweep therefore pulls its share of the *next* stationary panel into L2
//! (`Tile::ahead`). Measured on the Xeon (1024³ float64, two threads): with it, 16 chunks
//! ran as fast as 8 (12.7–13.5 ms against 13.5–14.8), without it 16 chunks were 10 % slower.
//!
//! Every `C` element is summed over the same `K` blocks in the same order whatever the split,
//! the chunks and the thread count, so the bits do not depend on them.

use super::kernel::Tile;
use super::pack::{pack_a, pack_b};
use super::shared::{shared_len, SharedPack};
use super::{available, Element, Epilogue, MatRef};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Packing buffers above this many elements are not kept for the next call.
const KEEP_MAX: usize = 1 << 24;

/// Bytes of one private packed block (`KC × NC` of `B` or `MC × KC` of `A`): a quarter of
/// L2 (measured a little faster than half on the benchmark shapes).
const BLOCK_BYTES: usize = 1 << 19;

macro_rules! element {
    ($t:ty, $tile:ident, $kc:expr) => {
        impl Element for $t {
            const ZERO: Self = 0.0;
            const MR: usize = 12;
            const NR: usize = 2 * 64 / std::mem::size_of::<$t>();
            fn kc() -> usize {
                $kc
            }
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
// K block depths. For float64 on AMD Zen 5, 128 measured 10.6-11.2 ms on the 1024³ product
// (48 KB L1: the 128 × 16 stationary `B` panel takes 16 KB) against 11.8-13.2 ms with 256; on
// Intel Xeon (Emerald Rapids, 48 KB L1, 2 MB L2) one thread ran it at 67-70 GFLOP/s with
// 256 against 50-56 with 128 and about 50 with 512. float32 measured the same with 128 and
// 256 on Zen 5 (dense layer 256×1024·1024×1024: 1.39 ms), and the same from 128 to 1024 on
// the Xeon (3.73-4.04 ms on one thread).
element!(f64, tile_f64, if super::is_intel() { 256 } else { 128 });
element!(f32, tile_f32, 256);

/// `buf[..len]`, growing `buf` (with zeros) when it is shorter; packing overwrites every
/// element it hands to the kernel, so old contents never leak into results.
fn take<T: Element>(buf: &mut Vec<T>, len: usize) -> &mut [T] {
    if buf.len() < len {
        buf.resize(len, T::ZERO);
    }
    &mut buf[..len]
}

/// `C`'s storage as a raw pointer the threads share; each writes only its own region.
#[derive(Clone, Copy)]
struct CPtr<T>(*mut T);
// SAFETY: the pointer is only dereferenced (by the micro-kernel) inside the chunks of `C` a
// thread claimed; each chunk is claimed by one thread only (`Chunks::claim`) and chunks are
// disjoint, so no element is accessed by two threads, and `gemm` holds the `&mut [T]`
// borrow until the threads are joined.
unsafe impl<T: Send> Send for CPtr<T> {}
// SAFETY: as for `Send`: shared references only hand the pointer to disjoint chunks.
unsafe impl<T: Send> Sync for CPtr<T> {}

/// The sizes of one product.
#[derive(Clone, Copy)]
pub(super) struct Dims {
    /// Rows of `A` and `C`.
    pub m: usize,
    /// Columns of `A`, rows of `B`.
    pub k: usize,
    /// Columns of `B` and `C`.
    pub n: usize,
    /// `MR`-row panels of `A`.
    pub mp: usize,
    /// `NR`-column panels of `B`.
    pub np: usize,
    /// Depth of one `K` block ([`Element::kc`]).
    pub kc: usize,
}

impl Dims {
    /// First row and depth of `K` block `kb`.
    pub fn block(&self, kb: usize) -> (usize, usize) {
        let k0 = kb * self.kc;
        (k0, self.kc.min(self.k - k0))
    }
}

/// The chunks of panels along the split dimension (`NR`-column panels when splitting by
/// columns, else `MR`-row panels), `step` panels each, handed out one at a time to whichever
/// thread asks first: a thread slowed by other load on the machine just takes fewer.
struct Chunks {
    next: AtomicUsize,
    step: usize,
    panels: usize,
}

impl Chunks {
    /// The next unclaimed chunk's panels `s0..s1`; each chunk is returned once in all.
    fn claim(&self) -> Option<(usize, usize)> {
        let s0 = self
            .next
            .fetch_add(1, Ordering::Relaxed)
            .checked_mul(self.step)?;
        (s0 < self.panels).then(|| (s0, self.panels.min(s0 + self.step)))
    }
}

/// `c = epilogue(a · b)` for `a` (`m × k`) and `b` (`k × n`) strided views and `c` the
/// C-ordered `m × n` output, on `threads` (1 or 2; the result does not depend on it).
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
    let d = Dims {
        m,
        k,
        n,
        mp: m.div_ceil(T::MR),
        np: n.div_ceil(T::NR),
        kc: T::kc(),
    };
    // the split that leaves the busier thread the fewest tiles (columns on a tie: the
    // private B blocks then hold the larger operand of the wide products)
    let by_cols = d.mp * d.np.div_ceil(2) <= d.mp.div_ceil(2) * d.np;
    let two = threads >= 2 && if by_cols { d.np >= 2 } else { d.mp >= 2 };
    let cp = CPtr(c.as_mut_ptr());
    T::with_buffers(|[shared, priv0, priv1]| {
        let shared = take(shared, shared_len::<T>(d, by_cols));
        // a private block holds BLOCK_BYTES of one K block: `lines` columns of B (by
        // columns) or rows of A (by rows); two threads get 2..=8 chunks of >= 2^21
        // multiply-adds (the faster takes more)
        let lines = BLOCK_BYTES / (d.kc * size_of::<T>());
        let (panels, block) = if by_cols {
            (d.np, lines / T::NR)
        } else {
            (d.mp, lines / T::MR)
        };
        let parts = ((m * n).saturating_mul(k) >> 21).clamp(2, 8);
        let step = if two { panels.div_ceil(parts) } else { panels };
        let chunks = &Chunks {
            next: AtomicUsize::new(0),
            step: step.clamp(1, block),
            panels,
        };
        let shared = &SharedPack::new(a, b, d, by_cols, shared);
        let (a, b) = (&a, &b);
        if two {
            crate::workers::join(
                || region(a, b, d, by_cols, shared, priv0, chunks, cp, epi),
                || region(a, b, d, by_cols, shared, priv1, chunks, cp, epi),
            );
        } else {
            region(a, b, d, by_cols, shared, priv0, chunks, cp, epi);
        }
        true
    })
}

/// The chunks of `c = epi(a · b)` this thread claims from `chunks` (all rows of its
/// columns, or all columns of its rows), with the shared operand packed in `shared` (see
/// [`pack_shared`]) and `own` for this thread's private blocks of the other.
#[allow(clippy::too_many_arguments)]
fn region<T: Element>(
    a: &MatRef<T>,
    b: &MatRef<T>,
    d: Dims,
    by_cols: bool,
    shared: &SharedPack<T>,
    own: &mut Vec<T>,
    chunks: &Chunks,
    c: CPtr<T>,
    epi: &Epilogue<T>,
) {
    let (mr, nr) = (T::MR, T::NR);
    let nk = d.k.div_ceil(d.kc);
    while let Some((s0, s1)) = chunks.claim() {
        for kb in 0..nk {
            let (k0, kc) = d.block(kb);
            let tile = |p: usize, q: usize, ap: &[T], bp: &[T], ahead: &[T]| {
                run_tile(d, kb, nk, kc, p, q, ap, bp, ahead, c, epi);
            };
            if by_cols {
                let bp = take(own, (s1 - s0) * kc * nr);
                // SAFETY: `b` was validated by `gemm` (`MatRef::is_valid`).
                unsafe { pack_b(b, k0, kc, s0, s1, bp) };
                let ablock = shared.block(kb);
                // the A panel stays in L1 while the B panels stream past from L2
                for p in 0..d.mp {
                    let ap = &ablock[p * kc * mr..][..kc * mr];
                    let next = ablock.get((p + 1) * kc * mr..).unwrap_or_default();
                    let next = &next[..next.len().min(kc * mr)];
                    for (j, (q, bpanel)) in (s0..s1).zip(bp.chunks_exact(kc * nr)).enumerate() {
                        tile(p, q, ap, bpanel, share(next, j, s1 - s0));
                    }
                }
            } else {
                let r0 = s0 * mr;
                let ap = take(own, (s1 - s0) * kc * mr);
                // SAFETY: `a` was validated by `gemm` (`MatRef::is_valid`).
                unsafe { pack_a(a, r0, (s1 * mr).min(d.m) - r0, k0, kc, ap) };
                let bblock = shared.block(kb);
                // the B panel stays in L1 while the A panels stream past from L2
                for q in 0..d.np {
                    let bpanel = &bblock[q * kc * nr..][..kc * nr];
                    let next = bblock.get((q + 1) * kc * nr..).unwrap_or_default();
                    let next = &next[..next.len().min(kc * nr)];
                    for (j, (p, apanel)) in (s0..s1).zip(ap.chunks_exact(kc * mr)).enumerate() {
                        tile(p, q, apanel, bpanel, share(next, j, s1 - s0));
                    }
                }
            }
        }
    }
}

/// Part `j` of `tiles` equal parts of `next`: the piece of the next stationary panel (read
/// from L3: the shared operand is larger than L2) that tile `j` of the current sweep pulls
/// into L2 while it computes, so that the next sweep does not wait on L3 latency.
fn share<T>(next: &[T], j: usize, tiles: usize) -> &[T] {
    let per = next.len().div_ceil(tiles.max(1));
    let lo = (j * per).min(next.len());
    &next[lo..(lo + per).min(next.len())]
}

/// The micro-tile of row panel `p` and column panel `q` for `K` block `kb` of `nk`, pulling
/// `ahead` into L2 on the way.
#[allow(clippy::too_many_arguments)]
fn run_tile<T: Element>(
    d: Dims,
    kb: usize,
    nk: usize,
    kc: usize,
    p: usize,
    q: usize,
    ap: &[T],
    bp: &[T],
    ahead: &[T],
    c: CPtr<T>,
    epi: &Epilogue<T>,
) {
    let (mr, nr) = (T::MR, T::NR);
    assert!(ap.len() == kc * mr && bp.len() == kc * nr && p < d.mp && q < d.np);
    let last = kb + 1 == nk;
    let bias = match epi.bias {
        Some(bias) if last => bias[q * nr..].as_ptr(),
        _ => std::ptr::null(),
    };
    let t = Tile {
        kc,
        a: ap.as_ptr(),
        b: bp.as_ptr(),
        ahead: ahead.as_ptr(),
        ahead_lines: (std::mem::size_of_val(ahead) / 64).min(kc),
        c: c.0.wrapping_add(p * mr * d.n + q * nr),
        ldc: d.n,
        rows: mr.min(d.m - p * mr),
        cols: nr.min(d.n - q * nr),
        accumulate: kb > 0,
        last,
        scale: epi.scale,
        bias,
        relu: epi.relu,
    };
    // SAFETY: AVX-512F was detected by `gemm`; the panels hold kc*MR and kc*NR elements
    // (asserted); the C tile, rows p*MR.. (at most m) and columns q*NR.. (at most n) of the
    // m×n `c`, lies in a chunk this thread claimed, which no other thread touches (`CPtr`); the
    // bias slice starts at column q*NR of a length-n bias, so `cols` elements are readable.
    unsafe { T::tile(&t) };
}
