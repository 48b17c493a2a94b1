//! `pow(x, y)` with C99 special cases.
//!
//! `|x|^y = exp(y log|x|)`. The logarithm is computed in double-double to about `2^-66`
//! relative ([`log_dd`]: `log(m) = 2s + s z (2/3 + z T2(z))`, `s = (m-1)/(m+1)`, with every
//! leading term in double-double), so that `y log|x|` is known to about `2^-57` absolute
//! even at the overflow threshold; the exponential takes the double-double argument through
//! [`exp_core`]. Signs, zeros, infinities, NaNs and negative bases are handled with selects.
//! For `f32` operands the plain-double logarithm of `super::log` is accurate enough.

use super::consts::*;
use super::driver::Binary;
use super::exp::{exp_core, one_plus};
use super::fp::*;
use super::log::{finish_ln, log_core};

/// `log(x)` as a double-double `(hi, lo)` for finite `x > 0` (subnormals included).
#[inline(always)]
fn log_dd<const F: bool>(x: f64) -> (f64, f64) {
    let sub = x < MIN_NORMAL;
    let xs = if sub { x * TWO54 } else { x };
    let u = xs
        .to_bits()
        .wrapping_add(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd);
    let kf = f64::from_bits(0x4330_0000_0000_0000 | (u >> 52))
        - (4503599627370496.0 + 1023.0)
        - if sub { 54.0 } else { 0.0 };
    let m = f64::from_bits((u & 0x000f_ffff_ffff_ffff) + 0x3fe6_a09e_667f_3bcd);
    let f = m - 1.0; // exact
    let (dh, dl) = two_sum(m, 1.0);
    // s = f / (m + 1) in double-double.
    let sh = f / dh;
    let (p, pe) = two_prod::<F>(sh, dh);
    let sl = ((f - p) - pe - sh * dl) / dh;
    // z = s^2
    let (zh, ze) = two_prod::<F>(sh, sh);
    let zl = mla::<F>(2.0 * sh, sl, ze);
    // c = 2/3 + z T2(z)
    let (ch, ce) = fast_two_sum(TWO_THIRDS_HI, zh * poly2::<F, 8>(zh, &LOG_T2));
    let cl = ce + TWO_THIRDS_LO;
    // b = s z
    let (bh, be) = two_prod::<F>(sh, zh);
    let bl = mla::<F>(sh, zl, mla::<F>(sl, zh, be));
    // e = b c
    let (eh, ee) = two_prod::<F>(bh, ch);
    let el = mla::<F>(bh, cl, mla::<F>(bl, ch, ee));
    // log(m) = 2s + e
    let (gh, ge) = two_sum(2.0 * sh, eh);
    let gl = ge + mla::<F>(2.0, sl, el);
    // + k ln2 (k LN2_HI exact)
    let (hh, he) = two_sum(kf * LN2_HI, gh);
    let hl = he + mla::<F>(kf, LN2_LO, gl);
    fast_two_sum(hh, hl)
}

/// Whether the (finite or infinite) `y` is an integer, and whether it is an odd one.
#[inline(always)]
fn int_parity(y: f64) -> (bool, bool) {
    let a = abs(y);
    const TWO52: f64 = 4503599627370496.0;
    let t = a + TWO52; // exact when a < 2^52 is an integer
    let small_int = (t - TWO52) == a;
    let is_int = a >= TWO52 || small_int; // false for NaN, true for inf
    let odd_small = a < TWO52 && small_int && (t.to_bits() & 1) == 1;
    let odd_big = (TWO52..2.0 * TWO52).contains(&a) && (a.to_bits() & 1) == 1;
    (is_int, odd_small || odd_big)
}

/// `pow(x, y)` with C99 special cases; `LITE` (used for `f32` operands) takes `log|x|` in
/// plain double precision, which is ample once the result is rounded to `f32`.
#[inline(always)]
fn pow<const F: bool, const LITE: bool>(x: f64, y: f64) -> f64 {
    let ax = abs(x);
    let (is_int, odd) = int_parity(y);
    // Clamp y: beyond 2^64 the result over/underflows anyway unless |x| == 1, and the
    // clamp keeps the products below finite (also for y = +-inf).
    let yc = y.clamp(-1.8446744073709552e19, 1.8446744073709552e19);
    let (wh, wl) = if LITE {
        let (k, hi, lo) = log_core::<F>(ax, 0.0);
        (yc * finish_ln::<F>(k, hi, lo), 0.0)
    } else {
        let (lh, ll) = log_dd::<F>(ax);
        let (wh, we) = two_prod::<F>(yc, lh);
        (wh, mla::<F>(yc, ll, we))
    };
    let far = abs(wh) >= 1100.0 || wh.is_nan();
    let wh = if far { copysign(1100.0, wh) } else { wh };
    let wl = if far { 0.0 } else { wl };
    let (k, r, em_lo) = exp_core::<F, true>(wh, wl);
    let mag = scale2(one_plus(r, em_lo), k);
    // Sign for negative bases with odd integer exponents; NaN for non-integer ones.
    let neg = x.to_bits() & SIGN != 0;
    let v = xorsign(mag, neg && odd);
    let v = if x < 0.0 && !is_int { f64::NAN } else { v };
    // x = +-0 or +-inf: magnitude 0 or inf depending on the sign of y (and of log|x|).
    let zero_or_inf = ax == 0.0 || ax == f64::INFINITY;
    let inf_result = (ax == 0.0) == (y < 0.0);
    let zi = xorsign(if inf_result { f64::INFINITY } else { 0.0 }, neg && odd);
    let v = if zero_or_inf { zi } else { v };
    // NaN operands propagate, except pow(x, 0) = 1 and pow(1, y) = 1 — unless an operand is
    // a signaling NaN, which glibc (and so NumPy) turns into a quiet NaN even there.
    let v = if x.is_nan() || y.is_nan() { x + y } else { v };
    if (y == 0.0 || x == 1.0) && !is_signaling(x) && !is_signaling(y) {
        1.0
    } else {
        v
    }
}

/// `pow(x, y)` (first operand the base, second the exponent).
pub(super) struct Pow;
impl Binary for Pow {
    #[inline(always)]
    fn f64<const F: bool>(x: f64, y: f64) -> f64 {
        pow::<F, false>(x, y)
    }
    #[inline(always)]
    fn f32<const F: bool>(x: f32, y: f32) -> f32 {
        let v = pow::<F, true>(x as f64, y as f64) as f32;
        // The conversions quieted a signaling NaN, which must not become pow(x, 0) = 1.
        if is_signaling_f32(x) || is_signaling_f32(y) {
            x + y
        } else {
            v
        }
    }
}
