//! Circular functions `sin`, `cos`, `tan`.
//!
//! Reduction `x = q π/2 + r` with `q = round(2x/π)` and `π/2` held as three doubles: the
//! products `q P1`, `q P2` are formed exactly ([`two_prod`]) and summed error-free, so `r` is a
//! double-double accurate to about `2^-140` absolute. That is valid for `|x| < 2^20`
//! ([`SLOW`]); larger (and non-finite) arguments take the driver's scalar fallback, a
//! Payne–Hanek reduction (`super::pio2`) followed by the same kernels.
//! `sin r` and `cos r` come from fdlibm-style kernels (degree 13 and 14 polynomials) that take
//! the low part of `r` into account; `tan` divides them in double-double.

use super::consts::*;
use super::driver::Unary;
use super::fp::*;
use super::pio2::rem_pio2_large;

/// Arguments at or above this magnitude use the scalar fallback.
pub(super) const SLOW: f64 = 1048576.0; // 2^20

/// `x = q π/2 + (r + rl)`, `|r| <= π/4 + tiny`. Returns `(r, rl, q mod 4)`.
#[inline(always)]
fn reduce<const F: bool>(x: f64) -> (f64, f64, u64) {
    let (qf, qi) = round_int::<F>(x, INV_PIO2);
    let (ph1, pl1) = two_prod::<F>(qf, PIO2_1);
    let a = x - ph1; // exact (Sterbenz)
    let (ph2, pl2) = two_prod::<F>(qf, PIO2_2);
    let (s1, e1) = two_sum(a, -pl1);
    let (s2, e2) = two_sum(s1, -ph2);
    let lo = (e1 + e2) - mla::<F>(qf, PIO2_3, pl2);
    let (r, rl) = fast_two_sum(s2, lo);
    (r, rl, (qi as u64) & 3)
}

/// `sin(r + rl) = r + tail`.
#[inline(always)]
fn sin_tail<const F: bool>(r: f64, rl: f64) -> f64 {
    let z = r * r;
    let v = z * r;
    // r^3 S(z) + rl (1 - z/2)
    mla::<F>(v, poly2::<F, 7>(z, &SIN_S), mla::<F>(-0.5 * z, rl, rl))
}

/// `cos(r + rl) = w + tail`, returns `(w, tail)`.
#[inline(always)]
fn cos_parts<const F: bool>(r: f64, rl: f64) -> (f64, f64) {
    let z = r * r;
    let hz = 0.5 * z;
    let (w, e) = fast_two_sum(1.0, -hz);
    let c = poly2::<F, 6>(z, &COS_C);
    (w, e + mla::<F>(z * z, c, -r * rl))
}

/// `sin(q π/2 + r + rl)` for `n = q mod 4`.
#[inline(always)]
fn sin_from<const F: bool>(r: f64, rl: f64, n: u64) -> f64 {
    let s = r + sin_tail::<F>(r, rl);
    let (w, t) = cos_parts::<F>(r, rl);
    let c = w + t;
    let v = if n & 1 == 1 { c } else { s };
    xorsign(v, n & 2 == 2)
}

/// `cos(q π/2 + r + rl)` for `n = q mod 4`.
#[inline(always)]
fn cos_from<const F: bool>(r: f64, rl: f64, n: u64) -> f64 {
    let s = r + sin_tail::<F>(r, rl);
    let (w, t) = cos_parts::<F>(r, rl);
    let c = w + t;
    let v = if n & 1 == 1 { s } else { c };
    xorsign(v, (n + 1) & 2 == 2)
}

/// `tan(q π/2 + r + rl)` for `n = q mod 4`: `sin/cos` or `-cos/sin` in double-double.
#[inline(always)]
fn tan_from<const F: bool>(r: f64, rl: f64, n: u64) -> f64 {
    let (sh, sl) = fast_two_sum(r, sin_tail::<F>(r, rl));
    let (w, t) = cos_parts::<F>(r, rl);
    let (ch, cl) = fast_two_sum(w, t);
    let odd = n & 1 == 1;
    let (nh, nl) = if odd { (ch, cl) } else { (sh, sl) };
    let (dh, dl) = if odd { (sh, sl) } else { (ch, cl) };
    let q = nh / dh;
    let (p, pe) = two_prod::<F>(q, dh);
    let v = q + (((nh - p) - pe) + mla::<F>(-q, dl, nl)) / dh;
    xorsign(v, odd)
}

/// Scalar fallback: Payne–Hanek reduction, then the same kernels; NaN for non-finite `x`.
fn slow(x: f64, f: fn(f64, f64, u64) -> f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.is_infinite() {
        return f64::NAN;
    }
    let (n, r, rl) = rem_pio2_large(x);
    f(r, rl, n)
}

/// `sin(x)`.
pub(super) struct Sin;
impl Unary for Sin {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (r, rl, n) = reduce::<F>(x);
        let v = sin_from::<F>(r, rl, n);
        if x == 0.0 {
            x
        } else {
            v
        }
    }
    const HAS_SLOW: bool = true;
    #[inline(always)]
    fn is_slow(x: f64) -> bool {
        abs(x) >= SLOW || x.is_nan()
    }
    fn slow64(x: f64) -> f64 {
        slow(x, sin_from::<false>)
    }
}

/// `cos(x)`.
pub(super) struct Cos;
impl Unary for Cos {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (r, rl, n) = reduce::<F>(x);
        cos_from::<F>(r, rl, n)
    }
    const HAS_SLOW: bool = true;
    #[inline(always)]
    fn is_slow(x: f64) -> bool {
        abs(x) >= SLOW || x.is_nan()
    }
    fn slow64(x: f64) -> f64 {
        slow(x, cos_from::<false>)
    }
}

/// `tan(x)`.
pub(super) struct Tan;
impl Unary for Tan {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (r, rl, n) = reduce::<F>(x);
        let v = tan_from::<F>(r, rl, n);
        if x == 0.0 {
            x
        } else {
            v
        }
    }
    const HAS_SLOW: bool = true;
    #[inline(always)]
    fn is_slow(x: f64) -> bool {
        abs(x) >= SLOW || x.is_nan()
    }
    fn slow64(x: f64) -> f64 {
        slow(x, tan_from::<false>)
    }
}
