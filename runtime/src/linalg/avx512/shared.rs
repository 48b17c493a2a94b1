//! The shared operand's packing (`A` for a column split, `B` for a row split), done on
//! demand by whichever thread needs a `K` block first, with the other helping.
//!
//! The operand is cut into *units* (one `MR`-row or `NR`-column panel of one `K` block) and
//! the units into *grains* of a few panels within one `K` block. Before a thread reads block
//! `kb` it calls [`SharedPack::block`]: it claims unpacked grains of blocks `..= kb` one at a
//! time (an atomic counter, so each grain is packed exactly once, by one thread) and packs
//! them, then waits until every grain of `kb` is done. No thread ever waits for work that
//! nobody has claimed, so it also completes when the two halves of a split run one after the
//! other on one thread. Compared with packing the whole operand behind a barrier, computing
//! starts after one block, and a thread that starts late finds blocks already packed.

use super::driver::Dims;
use super::pack::{pack_a, pack_b};
use super::{Element, MatRef};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Panels per grain (claimed and packed as one piece).
const GRAIN: usize = 4;

/// The packing state of the shared operand; see the module docs.
pub(super) struct SharedPack<'a, T> {
    a: MatRef<'a, T>,
    b: MatRef<'a, T>,
    d: Dims,
    by_cols: bool,
    buf: *mut T,
    len: usize,
    /// The next unclaimed grain (grains are numbered block by block).
    next: AtomicUsize,
    /// Per `K` block: the panels packed so far.
    done: Vec<AtomicUsize>,
}

// SAFETY: `buf` points into a `&mut [T]` borrowed for `'a`; threads write only the grains
// they claimed (each claimed once, `next`) and read only blocks whose every grain is done
// (`done`, with acquire/release ordering), so no element is written while another thread
// reads or writes it.
unsafe impl<T: Send + Sync> Sync for SharedPack<'_, T> {}

impl<'a, T: Element> SharedPack<'a, T> {
    /// The state for packing `a` (`by_cols`) or `b` into `buf`, which holds at least
    /// [`shared_len`] elements.
    pub(super) fn new(
        a: MatRef<'a, T>,
        b: MatRef<'a, T>,
        d: Dims,
        by_cols: bool,
        buf: &'a mut [T],
    ) -> Self {
        assert!(buf.len() >= shared_len::<T>(d, by_cols));
        SharedPack {
            a,
            b,
            d,
            by_cols,
            buf: buf.as_mut_ptr(),
            len: buf.len(),
            next: AtomicUsize::new(0),
            done: (0..d.k.div_ceil(d.kc))
                .map(|_| AtomicUsize::new(0))
                .collect(),
        }
    }

    /// Panels of the shared operand per `K` block, and the width of one panel.
    fn panels(&self) -> (usize, usize) {
        panel_shape::<T>(self.d, self.by_cols)
    }

    /// `K` block `kb`, packed (this thread helping), as its `panels × kc × width` slice.
    pub(super) fn block(&self, kb: usize) -> &[T] {
        let (panels, width) = self.panels();
        let per_block = panels.div_ceil(GRAIN);
        let end = (kb + 1) * per_block;
        let mut g = self.next.load(Ordering::Relaxed);
        while g < end {
            match self
                .next
                .compare_exchange_weak(g, g + 1, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    let (gkb, p0) = (g / per_block, (g % per_block) * GRAIN);
                    let p1 = panels.min(p0 + GRAIN);
                    self.pack(gkb, p0, p1);
                    self.done[gkb].fetch_add(p1 - p0, Ordering::Release);
                    g += 1;
                }
                Err(now) => g = now,
            }
        }
        let mut spins = 0u32;
        while self.done[kb].load(Ordering::Acquire) < panels {
            // the other thread is packing this block's last grains
            spins += 1;
            if spins < 1 << 12 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        let (k0, kc) = self.d.block(kb);
        let lo = k0 * panels * width;
        let n = panels * kc * width;
        assert!(lo + n <= self.len);
        // SAFETY: lo..lo+n is block kb inside the buffer (asserted); every grain of it was
        // packed (done, acquired above) and no thread writes a packed grain again, so the
        // elements are initialised and only read from now on.
        unsafe { std::slice::from_raw_parts(self.buf.add(lo), n) }
    }

    /// Packs panels `p0..p1` of `K` block `kb` (a grain this thread claimed).
    fn pack(&self, kb: usize, p0: usize, p1: usize) {
        let (panels, width) = self.panels();
        let (k0, kc) = self.d.block(kb);
        let lo = k0 * panels * width + p0 * kc * width;
        let n = (p1 - p0) * kc * width;
        assert!(lo + n <= self.len);
        // SAFETY: lo..lo+n lies in the buffer (asserted) and belongs to this grain alone,
        // which this thread claimed; nobody reads it before its panels count in `done`.
        let dst = unsafe { std::slice::from_raw_parts_mut(self.buf.add(lo), n) };
        let d = self.d;
        // SAFETY: `a` and `b` were validated by `gemm` (`MatRef::is_valid`).
        unsafe {
            if self.by_cols {
                let r0 = p0 * T::MR;
                pack_a(&self.a, r0, (p1 * T::MR).min(d.m) - r0, k0, kc, dst);
            } else {
                pack_b(&self.b, k0, kc, p0, p1, dst);
            }
        }
    }
}

/// Elements of the packed shared operand: every `K` block's panels, zero-padded to whole
/// panels.
pub(super) fn shared_len<T: Element>(d: Dims, by_cols: bool) -> usize {
    let (panels, width) = panel_shape::<T>(d, by_cols);
    d.k * panels * width
}

/// Panels of the shared operand per `K` block and the width of one panel: `a`'s `MR`-row
/// panels (`by_cols`) or `b`'s `NR`-column panels.
fn panel_shape<T: Element>(d: Dims, by_cols: bool) -> (usize, usize) {
    if by_cols {
        (d.mp, T::MR)
    } else {
        (d.np, T::NR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 50 × 70 float64 matrix with distinct elements, as a row-major view.
    fn matrix(data: &[f64]) -> MatRef<'_, f64> {
        MatRef {
            data,
            off: 0,
            rows: 50,
            cols: 70,
            rs: 70,
            cs: 1,
        }
    }

    fn dims(by_cols: bool) -> Dims {
        let (m, k, n, kc) = if by_cols {
            (50, 70, 40, 16)
        } else {
            (40, 50, 70, 16)
        };
        Dims {
            m,
            k,
            n,
            mp: m.div_ceil(12),
            np: n.div_ceil(16),
            kc,
        }
    }

    /// The packing of every `K` block done directly, in order, as the reference.
    fn reference(x: &MatRef<f64>, d: Dims, by_cols: bool) -> Vec<f64> {
        let mut out = vec![0.0; shared_len::<f64>(d, by_cols)];
        for kb in 0..d.k.div_ceil(d.kc) {
            let (k0, kc) = d.block(kb);
            // SAFETY: the views are valid (row-major, inside their data).
            unsafe {
                if by_cols {
                    let dst = &mut out[k0 * d.mp * 12..][..d.mp * kc * 12];
                    pack_a(x, 0, d.m, k0, kc, dst);
                } else {
                    let dst = &mut out[k0 * d.np * 16..][..d.np * kc * 16];
                    pack_b(x, k0, kc, 0, d.np, dst);
                }
            }
        }
        out
    }

    /// Runs `check` on a fresh `SharedPack` over `data` (both operand roles), with the
    /// directly packed reference and the dimensions.
    fn with_fixture(data: &[f64], check: impl Fn(&SharedPack<f64>, &[f64], Dims)) {
        for by_cols in [true, false] {
            let (x, d) = (matrix(data), dims(by_cols));
            let want = reference(&x, d, by_cols);
            let mut buf = vec![f64::NAN; want.len()];
            check(&SharedPack::new(x, x, d, by_cols, &mut buf), &want, d);
        }
    }

    #[test]
    fn blocks_asked_out_of_order_on_one_thread_match_direct_packing() {
        let data: Vec<f64> = (0..3500).map(|i| i as f64 * 0.5 - 7.0).collect();
        with_fixture(&data, |sp, want, d| {
            let nk = d.k.div_ceil(d.kc);
            let (panels, width) = sp.panels();
            let mut got = Vec::new();
            for kb in (0..nk).rev().chain(0..nk) {
                let (k0, _) = d.block(kb);
                got.push((k0 * panels * width, sp.block(kb).to_vec()));
            }
            for (lo, block) in got {
                assert_eq!(block, want[lo..lo + block.len()]);
            }
        });
    }

    #[test]
    fn two_threads_packing_together_match_direct_packing() {
        let data: Vec<f64> = (0..3500).map(|i| (i as f64).sin()).collect();
        with_fixture(&data, |sp, want, d| {
            let nk = d.k.div_ceil(d.kc);
            let all = |sp: &SharedPack<f64>| -> Vec<f64> {
                (0..nk).flat_map(|kb| sp.block(kb).to_vec()).collect()
            };
            let (g0, g1) = crate::workers::join(|| all(sp), || all(sp));
            assert_eq!(g0, want);
            assert_eq!(g1, want);
        });
    }
}
