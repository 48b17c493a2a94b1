//! Logarithm family: `log`, `log2`, `log10`, `log1p`, `arcsinh`, `arccosh`, `arctanh`.
//!
//! [`log_core`] follows the fdlibm design (`x = 2^k (1 + f)` with `1 + f` in `[√½, √2)`,
//! `s = f / (2 + f)`, `log(1 + f) = f - f²/2 + s (f²/2 + R(s²))`) but returns the result as
//! `k ln2 + hi + lo` so that the callers can scale by `1/ln2` or `1/ln10` and add an input
//! correction in extra precision before the single final rounding. The inverse hyperbolic
//! functions build their log argument as a double-double (`a + sqrt(a² + 1)`, ...) and pass
//! its low part as a relative correction.

use super::consts::*;
use super::driver::Unary;
use super::fp::*;

/// `log(x (1 + c)) ~= k ln2 + hi + lo` for finite `x > 0` (subnormals included) and a small
/// relative correction `c`. Returns `(k, hi, lo)` with `k` as `f64`.
#[inline(always)]
pub(super) fn log_core<const F: bool>(x: f64, c: f64) -> (f64, f64, f64) {
    let sub = x < MIN_NORMAL;
    let xs = if sub { x * TWO54 } else { x };
    // Shift so that the mantissa range [√½, √2) maps to one exponent (musl's trick).
    let u = xs
        .to_bits()
        .wrapping_add(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd);
    let kf = f64::from_bits(0x4330_0000_0000_0000 | (u >> 52))
        - (4503599627370496.0 + 1023.0)
        - if sub { 54.0 } else { 0.0 };
    let m = f64::from_bits((u & 0x000f_ffff_ffff_ffff) + 0x3fe6_a09e_667f_3bcd);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let hfsq = 0.5 * f * f;
    let t = mla::<F>(z, poly2::<F, 8>(z, &LOG_T2), TWO_THIRDS_HI);
    let (hi, e) = fast_two_sum(f, -hfsq);
    let lo = mla::<F>(s, mla::<F>(z, t, hfsq), e) + c;
    (kf, hi, lo)
}

/// `k ln2 + hi + lo` rounded once.
#[inline(always)]
pub(super) fn finish_ln<const F: bool>(kf: f64, hi: f64, lo: f64) -> f64 {
    let (s, e) = two_sum(kf * LN2_HI, hi);
    s + (e + mla::<F>(kf, LN2_LO, lo))
}

/// Special values of `log`-like functions on their argument `x` (domain `x > 0`).
#[inline(always)]
fn log_special(x: f64, v: f64) -> f64 {
    if x > 0.0 && x < f64::INFINITY {
        v
    } else if x < 0.0 {
        f64::NAN
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else {
        x // +inf or NaN
    }
}

/// Natural logarithm.
pub(super) struct Log;
impl Unary for Log {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (k, hi, lo) = log_core::<F>(x, 0.0);
        log_special(x, finish_ln::<F>(k, hi, lo))
    }
}

/// Base-2 logarithm.
pub(super) struct Log2;
impl Unary for Log2 {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (k, hi, lo) = log_core::<F>(x, 0.0);
        let (ph, pl) = two_prod::<F>(hi, INV_LN2_HI);
        let tail = pl + mla::<F>(lo, INV_LN2_HI, hi * INV_LN2_LO);
        let (s, e) = two_sum(k, ph);
        log_special(x, s + (e + tail))
    }
}

/// Base-10 logarithm.
pub(super) struct Log10;
impl Unary for Log10 {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (k, hi, lo) = log_core::<F>(x, 0.0);
        let (ph, pl) = two_prod::<F>(hi, INV_LN10_HI);
        let tail = pl + mla::<F>(lo, INV_LN10_HI, mla::<F>(hi, INV_LN10_LO, k * LOG10_2_LO));
        let (s, e) = two_sum(k * LOG10_2_HI, ph);
        log_special(x, s + (e + tail))
    }
}

/// `log(1 + x)`.
pub(super) struct Log1p;
impl Unary for Log1p {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (u, ul) = two_sum(1.0, x);
        let (k, hi, lo) = log_core::<F>(u, ul / u);
        let v = finish_ln::<F>(k, hi, lo);
        if abs(x) < 1e-17 {
            x
        } else {
            log_special(u, v)
        }
    }
}

/// `log(w + wl) + kadd ln2` for a double-double `w + wl` (`w > 0`, normal).
#[inline(always)]
fn ln_dd<const F: bool>(w: f64, wl: f64, kadd: f64) -> f64 {
    let (k, hi, lo) = log_core::<F>(w, wl / w);
    finish_ln::<F>(k + kadd, hi, lo)
}

/// Above this, `asinh(a) = log(2a)` and `acosh(a) = log(2a)` to within rounding.
const HUGE: f64 = 268435456.0; // 2^28
/// Below this, `asinh(a) = atanh(a) = a` to within rounding.
const TINY: f64 = 3.725290298461914e-9; // 2^-28

/// Inverse hyperbolic sine.
pub(super) struct Asinh;
impl Unary for Asinh {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let a = abs(x);
        let big = a > HUGE;
        let ac = if big { HUGE } else { a };
        // w = a + sqrt(a^2 + 1) as a double-double.
        let (p, pe) = two_prod::<F>(ac, ac);
        let (s, se) = two_sum(p, 1.0);
        let (r, rl) = sqrt_dd::<F>(s, se + pe);
        let (w, we) = fast_two_sum(r, ac);
        let v = if big {
            ln_dd::<F>(a, 0.0, 1.0)
        } else {
            ln_dd::<F>(w, we + rl, 0.0)
        };
        if a < TINY || !a.is_finite() {
            x
        } else {
            copysign(v, x)
        }
    }
}

/// Inverse hyperbolic cosine.
pub(super) struct Acosh;
impl Unary for Acosh {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let big = x > HUGE;
        let xc = if big { HUGE } else { x };
        // w = x + sqrt(x^2 - 1) as a double-double.
        let (p, pe) = two_prod::<F>(xc, xc);
        let (s, se) = two_sum(p, -1.0);
        let (r, rl) = sqrt_dd::<F>(s, se + pe);
        let (w, we) = fast_two_sum(xc, r);
        let v = if big {
            ln_dd::<F>(x, 0.0, 1.0)
        } else {
            ln_dd::<F>(w, we + rl, 0.0)
        };
        if x > 1.0 && x < f64::INFINITY {
            v
        } else if x == 1.0 {
            0.0
        } else if x < 1.0 {
            f64::NAN
        } else {
            x // +inf or NaN
        }
    }
}

/// Inverse hyperbolic tangent.
pub(super) struct Atanh;
impl Unary for Atanh {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let a = abs(x);
        // atanh(a) = log((1 + a) / (1 - a)) / 2, the quotient as a double-double.
        let (n, nl) = fast_two_sum(1.0, a);
        let (d, dl) = two_sum(1.0, -a);
        let q = n / d;
        let (pp, ppe) = two_prod::<F>(q, d);
        let ql = (((n - pp) - ppe) + mla::<F>(-q, dl, nl)) / d;
        let v = copysign(0.5 * ln_dd::<F>(q, ql, 0.0), x);
        if a < TINY || a.is_nan() {
            x
        } else if a < 1.0 {
            v
        } else if a == 1.0 {
            copysign(f64::INFINITY, x)
        } else {
            f64::NAN
        }
    }
}
