//! An AVX-512 float64 GEMM for large products (`matrixmultiply` has no AVX-512 kernels).
//!
//! Goto/BLIS structure: `B` is packed in `KC × NR` column panels and `A` in `MR × KC` row
//! panels (both read through the operands' strides, so views are never copied first); a
//! 12×16 micro-kernel keeps the `C` tile in 24 zmm accumulators and does 24 FMAs per two
//! loads of `B` and twelve broadcasts of `A`. Rows of `C` are split between two threads
//! (each packs its own `A`; `C` row blocks are disjoint slices). Partial edge tiles are
//! computed into a local tile and copied. Opt-in (`NUMFUSE_GEMM=avx512`, see [`enabled`]).
//!
//! The `unsafe` here is the micro-kernel (`#[target_feature]` intrinsics on raw pointers into
//! the packed buffers and the `C` tile); each block states its bounds argument.

use std::arch::x86_64::*;

const MR: usize = 12;
const NR: usize = 16;
const KC: usize = 256;
const MC: usize = 96;

/// Whether the AVX-512 kernel can run here.
pub fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

/// Whether `matmul` uses this kernel for large float64 products: only when
/// `NUMFUSE_GEMM=avx512` is set, because on the shared benchmark machine it has not yet
/// measured faster than `matrixmultiply` (see the bench `benches/benches/linalg.rs`).
pub fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("NUMFUSE_GEMM").is_ok_and(|v| v == "avx512") && available())
}

/// A strided operand: element `(i, j)` is `data[off + i*rs + j*cs]`.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// The storage.
    pub data: &'a [f64],
    /// Element offset of `(0, 0)`.
    pub off: isize,
    /// Row stride.
    pub rs: isize,
    /// Column stride.
    pub cs: isize,
}

impl View<'_> {
    #[inline(always)]
    fn at(&self, i: usize, j: usize) -> f64 {
        self.data[(self.off + i as isize * self.rs + j as isize * self.cs) as usize]
    }
}

/// Packs rows `r0..r0+mc`, columns `k0..k0+kc` of `a` into `MR`-row panels, k-major, zero
/// padded.
fn pack_a(a: &View, r0: usize, mc: usize, k0: usize, kc: usize, out: &mut Vec<f64>) {
    let panels = mc.div_ceil(MR);
    out.clear();
    out.resize(panels * kc * MR, 0.0);
    for p in 0..panels {
        let rows = MR.min(mc - p * MR);
        let base = p * kc * MR;
        for kk in 0..kc {
            let dst = &mut out[base + kk * MR..base + kk * MR + rows];
            for (i, d) in dst.iter_mut().enumerate() {
                *d = a.at(r0 + p * MR + i, k0 + kk);
            }
        }
    }
}

/// Packs rows `k0..k0+kc` of `b` (all `n` columns) into `NR`-column panels, k-major.
fn pack_b(b: &View, k0: usize, kc: usize, n: usize, out: &mut Vec<f64>) {
    let panels = n.div_ceil(NR);
    out.clear();
    out.resize(panels * kc * NR, 0.0);
    for q in 0..panels {
        let cols = NR.min(n - q * NR);
        let base = q * kc * NR;
        for kk in 0..kc {
            let dst = &mut out[base + kk * NR..base + kk * NR + cols];
            for (j, d) in dst.iter_mut().enumerate() {
                *d = b.at(k0 + kk, q * NR + j);
            }
        }
    }
}

/// `tile (MR×NR, row stride NR) (+)= apanel · bpanel` over `kc`.
///
/// # Safety
/// The CPU must support AVX-512F; `ap` holds `kc*MR` and `bp` `kc*NR` elements.
#[target_feature(enable = "avx512f")]
unsafe fn kernel(kc: usize, ap: &[f64], bp: &[f64], tile: &mut [f64; MR * NR], add: bool) {
    assert!(ap.len() >= kc * MR && bp.len() >= kc * NR);
    let (pa, pb, pt) = (ap.as_ptr(), bp.as_ptr(), tile.as_mut_ptr());
    // 24 named accumulators so that they live in zmm registers for the whole k loop
    macro_rules! rows {
        ($($i:literal => $x:ident, $y:ident);*) => {
            $(let mut $x = _mm512_setzero_pd(); let mut $y = _mm512_setzero_pd();)*
            for kk in 0..kc {
                // SAFETY: kk < kc and the asserted panel lengths bound every read.
                unsafe {
                    let b0 = _mm512_loadu_pd(pb.add(kk * NR));
                    let b1 = _mm512_loadu_pd(pb.add(kk * NR + 8));
                    let a = pa.add(kk * MR);
                    $(
                        let av = _mm512_set1_pd(*a.add($i));
                        $x = _mm512_fmadd_pd(av, b0, $x);
                        $y = _mm512_fmadd_pd(av, b1, $y);
                    )*
                }
            }
            $(
                // SAFETY: the tile holds MR*NR elements; row $i is [$i*NR, $i*NR + 16).
                unsafe {
                    let (p0, p1) = (pt.add($i * NR), pt.add($i * NR + 8));
                    if add {
                        $x = _mm512_add_pd($x, _mm512_loadu_pd(p0));
                        $y = _mm512_add_pd($y, _mm512_loadu_pd(p1));
                    }
                    _mm512_storeu_pd(p0, $x);
                    _mm512_storeu_pd(p1, $y);
                }
            )*
        };
    }
    rows!(0 => c0, d0; 1 => c1, d1; 2 => c2, d2; 3 => c3, d3; 4 => c4, d4; 5 => c5, d5;
          6 => c6, d6; 7 => c7, d7; 8 => c8, d8; 9 => c9, d9; 10 => c10, d10; 11 => c11, d11);
}

/// `c (m×n, C order) = a (m×k) · b (k×n)` on one thread for rows `r0..r0+m` of `a`.
fn gemm_rows(a: &View, b: &View, r0: usize, m: usize, k: usize, n: usize, c: &mut [f64]) {
    let (mut ap, mut bp) = (Vec::new(), Vec::new());
    let mut tile = [0.0f64; MR * NR];
    let mut k0 = 0;
    while k0 < k {
        let kc = KC.min(k - k0);
        pack_b(b, k0, kc, n, &mut bp);
        let mut m0 = 0;
        while m0 < m {
            let mc = MC.min(m - m0);
            pack_a(a, r0 + m0, mc, k0, kc, &mut ap);
            // B micro-panel (KC×NR, 32 KB) stays in L1 while the A block (MC×KC) in L2 is
            // swept, BLIS's loop order
            for q in 0..n.div_ceil(NR) {
                let cols = NR.min(n - q * NR);
                let bpanel = &bp[q * kc * NR..(q + 1) * kc * NR];
                for p in 0..mc.div_ceil(MR) {
                    let rows = MR.min(mc - p * MR);
                    let apanel = &ap[p * kc * MR..(p + 1) * kc * MR];
                    // load the C tile (accumulate after the first k block)
                    let add = k0 > 0;
                    if add {
                        for i in 0..rows {
                            let src = (m0 + p * MR + i) * n + q * NR;
                            tile[i * NR..i * NR + cols].copy_from_slice(&c[src..src + cols]);
                        }
                    }
                    // SAFETY: `available()` was checked by `dgemm`; the panels have kc*MR and
                    // kc*NR elements by construction.
                    unsafe { kernel(kc, apanel, bpanel, &mut tile, add) };
                    for i in 0..rows {
                        let dst = (m0 + p * MR + i) * n + q * NR;
                        c[dst..dst + cols].copy_from_slice(&tile[i * NR..i * NR + cols]);
                    }
                }
            }
            m0 += mc;
        }
        k0 += kc;
    }
}

/// `c = a · b` for `a (m×k)`, `b (k×n)` strided views and a C-ordered `c` of `m*n`
/// elements; two threads split the rows. Returns `false` (doing nothing) without AVX-512F.
pub fn dgemm(a: View, b: View, m: usize, k: usize, n: usize, c: &mut [f64]) -> bool {
    if !available() {
        return false;
    }
    if k == 0 {
        c.fill(0.0);
        return true;
    }
    let half = (m / 2).div_ceil(MR) * MR;
    if m < 2 * MR || half >= m {
        gemm_rows(&a, &b, 0, m, k, n, c);
        return true;
    }
    let (top, bottom) = c.split_at_mut(half * n);
    std::thread::scope(|s| {
        s.spawn(|| gemm_rows(&a, &b, 0, half, k, n, top));
        gemm_rows(&a, &b, half, m - half, k, n, bottom);
    });
    true
}
