//! The AVX-512 micro-kernels: one `MR × NR` tile of `C` (12 rows × two zmm vectors: 12×16
//! for float64, 12×32 for float32) accumulated over one `K` block in 24 zmm registers. Per
//! step of `k`: two loads of the packed `B` row, twelve broadcast loads of the packed `A`
//! column, twenty-four FMAs, and prefetches (the panel streaming from L2 into L1, and one
//! line of [`Tile::ahead`] into L2). The tile is written straight into `C` with masked
//! loads/stores (partial edge tiles need no scratch tile), adding to `C` after the first
//! `K` block and applying the [`Epilogue`](super::Epilogue) after the last.

use std::arch::x86_64::*;

/// How many steps of `k` ahead the `A` panel is prefetched.
const PF: usize = 4;

/// How many steps of `k` ahead the `B` panel is prefetched.
const PF_B: usize = 8;

/// One micro-tile job, by raw pointers into packed panels and `C`.
///
/// Requirements (the caller's, checked by construction in `driver.rs`): `a` points at
/// `kc * MR` readable elements (an `A` panel, `MR` per step of `k`), `b` at `kc * NR` (a `B`
/// panel, `NR` per step), `c` at a `rows × cols` block of `C` with row stride `ldc`
/// (`1 ≤ rows ≤ MR`, `1 ≤ cols ≤ NR`) that no other thread touches, and `bias` is null or
/// points at `cols` readable elements.
pub struct Tile<T> {
    /// Depth of the `K` block (≥ 1).
    pub kc: usize,
    /// Packed `A` panel.
    pub a: *const T,
    /// Packed `B` panel.
    pub b: *const T,
    /// Memory to pull into L2 while the tile computes, one 64-byte line per step of `k`
    /// (only prefetched, never read: any address is allowed).
    pub ahead: *const T,
    /// Lines of `ahead` to prefetch (at most `kc`).
    pub ahead_lines: usize,
    /// Top-left element of the `C` tile.
    pub c: *mut T,
    /// Row stride of `C` in elements.
    pub ldc: usize,
    /// Valid rows of the tile.
    pub rows: usize,
    /// Valid columns of the tile.
    pub cols: usize,
    /// Add to the values in `C` (every `K` block after the first).
    pub accumulate: bool,
    /// Apply the epilogue (the last `K` block).
    pub last: bool,
    /// Epilogue multiplier.
    pub scale: Option<T>,
    /// Epilogue bias at the tile's first column, or null.
    pub bias: *const T,
    /// Epilogue ReLU.
    pub relu: bool,
}

macro_rules! micro_kernel {
    ($name:ident, $t:ty, $lanes:expr, $mask:ty, $zero:ident, $load:ident, $set1:ident,
     $fma:ident, $mload:ident, $mstore:ident, $add:ident, $mul:ident, $max:ident,
     [$($i:literal => $x:ident, $y:ident);*]) => {
        /// The micro-kernel; see [`Tile`] for the pointer requirements.
        ///
        /// # Safety
        /// The CPU supports AVX-512F and `t` satisfies [`Tile`]'s requirements.
        #[target_feature(enable = "avx512f")]
        pub unsafe fn $name(t: &Tile<$t>) {
            const L: usize = $lanes;
            let full: $mask = !0;
            let m0: $mask = if t.cols >= L { full } else { ((1u32 << t.cols) - 1) as $mask };
            let m1: $mask = if t.cols >= 2 * L {
                full
            } else if t.cols > L {
                ((1u32 << (t.cols - L)) - 1) as $mask
            } else {
                0
            };
            let (pa, pb) = (t.a, t.b);
            // warm the C tile's lines while the K loop runs (prefetches never fault; the
            // addresses are formed with wrapping arithmetic)
            for i in 0..t.rows {
                let p = t.c.wrapping_add(i * t.ldc) as *const i8;
                _mm_prefetch::<_MM_HINT_T0>(p);
                _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64 + 63));
            }
                    $(let mut $x = $zero(); let mut $y = $zero();)*
                    for kk in 0..t.kc {
                        // SAFETY: kk < kc; the A panel holds kc*MR and the B panel kc*NR
                        // elements (Tile's requirements), so every read is in bounds.
                        unsafe {
                            let b0 = $load(pb.add(kk * 2 * L));
                            let b1 = $load(pb.add(kk * 2 * L + L));
                            let a = pa.add(kk * 12);
                            // whichever panel streams from L2 (B with a column split,
                            // A with a row split): fetch it ahead (never faults)
                            let q = pb.wrapping_add((kk + PF_B) * 2 * L) as *const i8;
                            _mm_prefetch::<_MM_HINT_T0>(q);
                            _mm_prefetch::<_MM_HINT_T0>(q.wrapping_add(64));
                            _mm_prefetch::<_MM_HINT_T0>(
                                a.wrapping_add(PF * 12) as *const i8,
                            );
                            if kk < t.ahead_lines {
                                let l2 = (t.ahead as *const i8).wrapping_add(kk * 64);
                                _mm_prefetch::<_MM_HINT_T1>(l2);
                            }
                            $(
                                let av = $set1(*a.add($i));
                                $x = $fma(av, b0, $x);
                                $y = $fma(av, b1, $y);
                            )*
                        }
                    }
                    let (bias0, bias1) = if t.last && !t.bias.is_null() {
                        // SAFETY: a non-null bias has `cols` readable elements; the masks
                        // enable exactly lanes < cols (the second vector's pointer is only
                        // formed with wrapping arithmetic and read under its mask).
                        unsafe { ($mload(m0, t.bias), $mload(m1, t.bias.wrapping_add(L))) }
                    } else {
                        ($zero(), $zero())
                    };
                    $(
                        if $i < t.rows {
                            let p0 = t.c.wrapping_add($i * t.ldc);
                            let p1 = p0.wrapping_add(L);
                            if t.accumulate {
                                // SAFETY: row $i < rows of the C tile; lanes < cols only.
                                unsafe {
                                    $x = $add($mload(m0, p0), $x);
                                    $y = $add($mload(m1, p1), $y);
                                }
                            }
                            if t.last {
                                if let Some(s) = t.scale {
                                    let sv = $set1(s);
                                    $x = $mul($x, sv);
                                    $y = $mul($y, sv);
                                }
                                if !t.bias.is_null() {
                                    $x = $add($x, bias0);
                                    $y = $add($y, bias1);
                                }
                                if t.relu {
                                    // max(0, x) returns its second operand for NaN and
                                    // for ±0, as NumPy's maximum(x, 0)
                                    $x = $max($zero(), $x);
                                    $y = $max($zero(), $y);
                                }
                            }
                            // SAFETY: row $i < rows of the C tile, lanes < cols only; the
                            // tile is this thread's alone.
                            unsafe {
                                $mstore(p0, m0, $x);
                                $mstore(p1, m1, $y);
                            }
                        }
                    )*
        }
    };
}

micro_kernel!(
    tile_f64,
    f64,
    8,
    __mmask8,
    _mm512_setzero_pd,
    _mm512_loadu_pd,
    _mm512_set1_pd,
    _mm512_fmadd_pd,
    _mm512_maskz_loadu_pd,
    _mm512_mask_storeu_pd,
    _mm512_add_pd,
    _mm512_mul_pd,
    _mm512_max_pd,
    [0 => c0, d0; 1 => c1, d1; 2 => c2, d2; 3 => c3, d3; 4 => c4, d4; 5 => c5, d5;
     6 => c6, d6; 7 => c7, d7; 8 => c8, d8; 9 => c9, d9; 10 => c10, d10; 11 => c11, d11]
);
micro_kernel!(
    tile_f32,
    f32,
    16,
    __mmask16,
    _mm512_setzero_ps,
    _mm512_loadu_ps,
    _mm512_set1_ps,
    _mm512_fmadd_ps,
    _mm512_maskz_loadu_ps,
    _mm512_mask_storeu_ps,
    _mm512_add_ps,
    _mm512_mul_ps,
    _mm512_max_ps,
    [0 => c0, d0; 1 => c1, d1; 2 => c2, d2; 3 => c3, d3; 4 => c4, d4; 5 => c5, d5;
     6 => c6, d6; 7 => c7, d7; 8 => c8, d8; 9 => c9, d9; 10 => c10, d10; 11 => c11, d11]
);
