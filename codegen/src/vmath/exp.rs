//! Exponential family: `exp`, `exp2`, `expm1`, `sinh`, `cosh`, `tanh`.
//!
//! All of them share [`exp_core`]: `x = k ln2 + r` with `k = round(x / ln2)` (Cody–Waite, the
//! reduced argument kept as a double-double `r + r_lo`), then `e^r - 1` from a degree-12
//! polynomial, returned unevaluated as `r + em_lo` so that each caller can finish in extra
//! precision. Results are scaled by `2^k` in two steps ([`scale2`]), which rounds subnormal
//! results correctly and overflows to `inf` exactly at the threshold.

use super::consts::*;
use super::driver::Unary;
use super::exp_table::{INV_LN2_N, LN2_HI_N, LN2_LO_N, SBITS, TAIL};
use super::fp::*;

/// `e^(x + xlo) = 2^k (1 + r + em_lo)`, for `|x| <= 1100`. Returns `(k, r, em_lo)`.
/// `LO` says whether `xlo` may be non-zero (then `r` is renormalised).
#[inline(always)]
pub(super) fn exp_core<const F: bool, const LO: bool>(x: f64, xlo: f64) -> (i64, f64, f64) {
    let (kf, ki) = round_int::<F>(x, LOG2_E);
    let a = x - kf * LN2_HI; // exact: k * LN2_HI has <= 53 bits and a is a Sterbenz difference
    let b = kf * LN2_LO;
    let (r, r_lo) = if LO {
        two_sum(a, xlo - b)
    } else {
        fast_two_sum(a, -b)
    };
    let q = poly2::<F, 11>(r, &EXP_Q);
    // e^(r + r_lo) - 1 = expm1(r) + r_lo e^r, with e^r ~ 1 + r for the tiny term.
    let em_lo = mla::<F>(r * r, q, mla::<F>(r_lo, r, r_lo));
    (ki, r, em_lo)
}

/// `1 + r + em_lo` rounded once (the mantissa of `e^x`).
#[inline(always)]
pub(super) fn one_plus(r: f64, em_lo: f64) -> f64 {
    let (s, e) = fast_two_sum(1.0, r);
    s + (e + em_lo)
}

/// `e^x` over the whole domain (the path for `|x| > 708`, infinities and NaN).
#[inline(always)]
pub(super) fn exp_any<const F: bool>(x: f64) -> f64 {
    // Outside [-746, 710] the result is 0 or inf; clamping keeps NaN (comparisons fail).
    let xc = x.clamp(-746.0, 710.0);
    let (k, r, em_lo) = exp_core::<F, false>(xc, 0.0);
    scale2(one_plus(r, em_lo), k)
}

/// `|x|` up to which [`exp_table`] applies (its results are normal and its scale finite).
pub(super) const EXP_TABLE_MAX: f64 = 708.0;

/// `e^x` for `|x| <= 708`, table-driven (as in ARM's optimized-routines): `x = k ln2/16 + r`
/// with `k = 16 m + j` nearest to `16 x / ln 2`, so `|r| <= ln2/32`; then
/// `e^x = 2^m H[j] (1 + TAIL[j]) e^r`, with `e^r - 1` from its degree-7 Taylor polynomial
/// (remainder `r^8/8! < 2^-59.5`; degree 8 measured the same worst case and cost one more
/// multiply-add per element, 6 % of the routine on AMD Zen 4; degree 6 measured 4.3 ulp) and
/// one final fused rounding. `x - k LN2_HI_N` is exact (the product is exact and the
/// difference a Sterbenz one, so a fused multiply-add gives the same bits); the roundings of
/// the small terms (`r - k LN2_LO_N`, `TAIL[j] + r` and the two outer multiply-adds, each at
/// most `2^-59.5` relative), the truncation and the final rounding bound the error by about
/// 0.56 ulp.
/// [`super::exp512`] computes the same bits with explicit AVX-512 code: the 16-entry tables
/// sit in two registers each and are read by one permute instead of a gather, which LLVM would
/// emit for this loop and which costs ~12 cycles per vector on AMD Zen 5.
#[inline(always)]
pub(super) fn exp_table<const F: bool>(x: f64) -> f64 {
    let (kd, ki) = round_int::<F>(x, INV_LN2_N);
    let r = mla::<F>(-kd, LN2_LO_N, mla::<F>(-kd, LN2_HI_N, x));
    let j = (ki & 15) as usize;
    let scale = f64::from_bits(SBITS[j].wrapping_add((ki as u64).wrapping_shl(48)));
    scale_poly::<F>(r, TAIL[j], scale)
}

/// `scale · (1 + tail + (e^r - 1))`, the last step of [`exp_table`] (`exp512.rs` performs
/// the same operations in the same order, lane for lane).
#[inline(always)]
pub(super) fn scale_poly<const F: bool>(r: f64, tail: f64, scale: f64) -> f64 {
    let r2 = r * r;
    let r4 = r2 * r2;
    let a = mla::<F>(r, EXP_TAYLOR[3], EXP_TAYLOR[2]);
    let b = mla::<F>(r, EXP_TAYLOR[5], EXP_TAYLOR[4]);
    let c = mla::<F>(r, EXP_TAYLOR[7], EXP_TAYLOR[6]);
    let hi = mla::<F>(r2, c, b);
    let p = mla::<F>(r4, hi, mla::<F>(r2, a, tail + r));
    mla::<F>(scale, p, scale)
}

/// `1/n!` for `n = 0..=7` (the entries used are `n >= 2`).
pub(super) const EXP_TAYLOR: [f64; 8] = [
    1.0,
    1.0,
    0.5,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
];

/// `e^x`: [`exp_table`] in the vector loop, [`exp_any`] per element for `|x| > 708`,
/// infinities and NaN.
pub(super) struct Exp;
impl Unary for Exp {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        exp_table::<F>(x.clamp(-EXP_TABLE_MAX, EXP_TABLE_MAX))
    }
    const HAS_SLOW: bool = true;
    #[inline(always)]
    fn is_slow(x: f64) -> bool {
        // true for NaN too
        abs(x) > EXP_TABLE_MAX || x.is_nan()
    }
    fn slow64(x: f64) -> f64 {
        exp_any::<false>(x)
    }
    const BLOCKS_PATCH: bool = true;
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn block_avx512(c: &mut [f64; 2 * super::driver::BLOCK]) {
        // SAFETY: the caller guarantees AVX-512F/DQ.
        unsafe { super::exp512::exp_block(c) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn block_avx2(c: &mut [f64; 2 * super::driver::BLOCK]) {
        // SAFETY: the caller guarantees AVX2 and FMA.
        unsafe { super::exp256::exp_block(c) }
    }
}

/// Lanes `l` of `out` with bit `l` of `mask` set get `Exp::slow64(inputs[l])` (the explicit
/// block routines call it for their `|x| > 708` and NaN lanes).
#[cold]
#[inline(never)]
pub(super) fn patch_lanes(out: &mut [f64], inputs: &[f64], mask: u32) {
    for (l, (o, &x)) in out.iter_mut().zip(inputs).enumerate() {
        if mask >> l & 1 == 1 {
            *o = Exp::slow64(x);
        }
    }
}

/// `2^x`.
pub(super) struct Exp2;
impl Unary for Exp2 {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let xc = x.clamp(-1076.0, 1025.0);
        // 2^x = 2^k 2^f with f = x - round(x) exact, and 2^f = e^(f ln2) with f ln2 in dd.
        let (kf, ki) = round_int::<F>(xc, 1.0);
        let f = xc - kf;
        let (h, l) = two_prod::<F>(f, LN2_HI);
        let l = mla::<F>(f, LN2_LO, l);
        let (k2, r, em_lo) = exp_core::<F, true>(h, l);
        scale2(one_plus(r, em_lo), ki.wrapping_add(k2))
    }
}

/// `e^x - 1 = (2^k - 1) + 2^k (r + em_lo)` as an unnormalised double-double, from the
/// output of [`exp_core`] with `k <= 1022`.
#[inline(always)]
fn expm1_dd<const F: bool>(k: i64, r: f64, em_lo: f64) -> (f64, f64) {
    let kc = if k > 1022 { 1022 } else { k };
    let p = pow2i(kc);
    let (s, e) = two_sum(p - 1.0, p * r);
    (s, mla::<F>(p, em_lo, e))
}

/// `e^x - 1`.
pub(super) struct Expm1;
impl Unary for Expm1 {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let xc = x.clamp(-50.0, 710.0);
        let (k, r, em_lo) = exp_core::<F, false>(xc, 0.0);
        let (s, l) = expm1_dd::<F>(k, r, em_lo);
        // k >= 1023: e^x - 1 rounds like e^x; use two-step scaling.
        let res = if k > 1022 {
            scale2(one_plus(r, em_lo), k)
        } else {
            s + l
        };
        // expm1(+-0) = +-0 (the sum above would give +0 for -0).
        if abs(x) < 1e-17 {
            x
        } else {
            res
        }
    }
}

/// `cosh(|x|)` or `sinh(|x|)` (`SINH`), valid for `|x| >= 1` in the sinh case.
#[inline(always)]
fn cosh_sinh<const F: bool, const SINH: bool>(a: f64) -> f64 {
    let ac = if a > 711.0 { 711.0 } else { a };
    let (k, r, em_lo) = exp_core::<F, false>(ac, 0.0);
    // e^a = 2^k m, e^-a = 2^-k / m; result = 2^(k-1) (m +- 2^(-2k) / m).
    let (s0, e0) = fast_two_sum(1.0, r);
    let (mh, ml) = fast_two_sum(s0, e0 + em_lo);
    let ih = 1.0 / mh;
    let (p, pe) = two_prod::<F>(mh, ih);
    let il = ((1.0 - p) - pe - ml * ih) * ih;
    let kk = if k > 40 { 40 } else { k };
    let f = if k > 40 {
        0.0
    } else {
        pow2i(kk.wrapping_mul(-2))
    };
    let (fh, fl) = if SINH {
        (-f * ih, -f * il)
    } else {
        (f * ih, f * il)
    };
    let (s, se) = two_sum(mh, fh);
    scale2(s + (se + ml + fl), k.wrapping_sub(1))
}

/// `sinh(x)`.
pub(super) struct Sinh;
impl Unary for Sinh {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let a = abs(x);
        let z = x * x;
        let small = mla::<F>(x * z, poly2::<F, 8>(z, &SINH_V), x);
        let big = copysign(cosh_sinh::<F, true>(a), x);
        if a < 1.0 {
            small
        } else {
            big
        }
    }
}

/// `cosh(x)`.
pub(super) struct Cosh;
impl Unary for Cosh {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        cosh_sinh::<F, false>(abs(x))
    }
}

/// `tanh(x)`.
pub(super) struct Tanh;
impl Unary for Tanh {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let a = abs(x);
        // tanh(a) = E / (E + 2) with E = expm1(2a); tanh rounds to 1 beyond a = 19.1.
        let ac = if a > 20.0 { 20.0 } else { a };
        let (k, r, em_lo) = exp_core::<F, false>(2.0 * ac, 0.0);
        let (e0, e1) = expm1_dd::<F>(k, r, em_lo);
        let (eh, el) = two_sum(e0, e1);
        let (dh, de) = two_sum(eh, 2.0);
        let dl = de + el;
        let q = eh / dh;
        let (p, pe) = two_prod::<F>(q, dh);
        let t = q + (((eh - p) - pe) + (el - q * dl)) / dh;
        let res = copysign(t, x);
        if a < 1e-9 {
            x
        } else {
            res
        }
    }
}

/// Asserts that `block` (an explicit-intrinsics `exp` over 64 lanes) gives the bits of
/// [`exp_table`] over every table index, both signs and the bounds `±708`, and those of
/// [`exp_any`] beyond and for NaN and infinities: 4000 blocks of 64 inputs.
#[cfg(test)]
pub(super) fn assert_block_matches_scalar(block: &dyn Fn(&mut [f64; 64])) {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut checked = 0;
    for round in 0..4000 {
        let mut c = [0.0f64; 64];
        for (i, v) in c.iter_mut().enumerate() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            *v = match (round + i) % 4 {
                0 => (u - 0.5) * 1420.0,
                1 => (u - 0.5) * 2.0,
                2 => (u - 0.5) * 1e-6,
                _ => (i as f64 - 32.0) * std::f64::consts::LN_2 / 32.0,
            };
        }
        c[0] = 708.0;
        c[1] = -708.0;
        c[2] = 800.0;
        c[3] = -0.0;
        c[4 + round % 8] = [
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            -745.5,
            709.9,
            -708.1,
            1e300,
            -1e-300,
        ][round % 8];
        let input = c;
        block(&mut c);
        for (i, (&got, &x)) in c.iter().zip(&input).enumerate() {
            let want = if abs(x) <= EXP_TABLE_MAX {
                exp_table::<true>(x)
            } else {
                exp_any::<false>(x)
            };
            let same = got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan());
            assert!(
                same,
                "round {round} lane {i}: exp({x}) = {got}, want {want}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4000 * 64);
}
