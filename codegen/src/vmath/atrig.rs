//! Inverse circular functions `arctan`, `arcsin`, `arccos` and `arctan2`.
//!
//! `atan` uses fdlibm's five-interval reduction (`atan(y/x) = atan(c) + atan((y - cx)/(x + cy))`
//! for `c` in `{0, 1/2, 1, 3/2, ∞}`), chosen with selects, and a degree-23 odd polynomial on
//! `|t| <= 7/16`; the quotient is formed in double-double so `atan2` needs no separate
//! division. `asin`/`acos` use `asin(a) = a + a³ U(a²)` for `a <= 1/2` and
//! `asin(a) = π/2 - 2 asin(sqrt((1 - a)/2))` above, with the square root as a double-double.

use super::consts::*;
use super::driver::{Binary, Unary};
use super::fp::*;

/// Operands are clamped to this so that the exact products below cannot overflow.
const BIG: f64 = 8.452712498170644e270; // 2^900
/// Exponent bits of an `f64`.
const EXP_MASK: u64 = 0x7ff0_0000_0000_0000;

/// `atan(y / x)` for `x, y >= 0` (not both zero), as `(hi, lo)` in `[0, π/2]`. Infinite
/// operands are clamped to `2^900` (callers select the exact special results).
#[inline(always)]
fn atan_core<const F: bool>(y: f64, x: f64) -> (f64, f64) {
    let y = if y > BIG { BIG } else { y };
    let x = if x > BIG { BIG } else { x };
    let i1 = y >= 0.4375 * x;
    let i2 = y >= 0.6875 * x;
    let i3 = y >= 1.1875 * x;
    let i4 = y >= 2.4375 * x;
    // (num, den, base) per interval: t = num / den, atan(y/x) = base + atan(t).
    let (num, den, bh, bl) = if i4 {
        (-x, y, PIO2_HI, PIO2_LO)
    } else if i3 {
        (
            mla::<F>(-3.0, x, 2.0 * y),
            mla::<F>(3.0, y, 2.0 * x),
            ATAN_3_2_HI,
            ATAN_3_2_LO,
        )
    } else if i2 {
        (y - x, x + y, PIO4_HI, PIO4_LO)
    } else if i1 {
        (
            mla::<F>(2.0, y, -x),
            mla::<F>(2.0, x, y),
            ATAN_HALF_HI,
            ATAN_HALF_LO,
        )
    } else {
        (y, x, 0.0, 0.0)
    };
    let t = num / den;
    let (p, pe) = two_prod::<F>(t, den);
    let tl = ((num - p) - pe) / den;
    let z = t * t;
    let a = poly2::<F, 12>(z, &ATAN_A);
    // atan(t + tl) = t - t^3 A(z) + tl / (1 + z)
    let tail = mla::<F>(-t * z, a, mla::<F>(-tl, z, tl));
    let (h, e) = fast_two_sum(bh, t);
    (h, e + (bl + tail))
}

/// `arctan(x)`.
pub(super) struct Atan;
impl Unary for Atan {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let (h, l) = atan_core::<F>(abs(x), 1.0);
        copysign(h + l, x)
    }
}

/// `asin(sqrt(t))` for `t` in `[0, 1/4]` as `(s, w)` meaning `s + w`, `s = sqrt(t)` rounded.
#[inline(always)]
fn asin_sqrt<const F: bool>(t: f64) -> (f64, f64) {
    let (s, sl) = sqrt_dd::<F>(t, 0.0);
    let sl = if t == 0.0 { 0.0 } else { sl };
    let u = poly2::<F, 15>(t, &ASIN_U);
    (s, mla::<F>(s * t, u, sl))
}

/// `arcsin(x)`.
pub(super) struct Asin;
impl Unary for Asin {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let a = abs(x);
        let z = a * a;
        let small = mla::<F>(a * z, poly2::<F, 15>(z, &ASIN_U), a);
        // a > 1/2: π/2 - 2 (s + w), t = (1 - a)/2 exact; NaN for a > 1 via sqrt.
        let (s, w) = asin_sqrt::<F>(0.5 * (1.0 - a));
        let (h, e) = two_sum(PIO2_HI, -2.0 * s);
        let big = h + (e + mla::<F>(-2.0, w, PIO2_LO));
        copysign(if a <= 0.5 { small } else { big }, x)
    }
}

/// `arccos(x)`.
pub(super) struct Acos;
impl Unary for Acos {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let a = abs(x);
        let z = x * x;
        // |x| <= 1/2: π/2 - asin(x).
        let tail = mla::<F>(x * z, poly2::<F, 15>(z, &ASIN_U), -PIO2_LO);
        let (h, e) = two_sum(PIO2_HI, -x);
        let mid = h + (e - tail);
        // |x| > 1/2: 2 asin(sqrt((1 - |x|)/2)), or π minus that for x < 0.
        let (s, w) = asin_sqrt::<F>(0.5 * (1.0 - a));
        let pos = 2.0 * (s + w);
        let (h2, e2) = two_sum(PI_HI, -2.0 * s);
        let neg = h2 + (e2 + mla::<F>(-2.0, w, PI_LO));
        if a <= 0.5 {
            mid
        } else if x > 0.0 {
            pos
        } else {
            neg
        }
    }
}

/// `arctan2(y, x)` (C99 `atan2(x[i], y[i])` with the slice order of [`Binary`]: the first
/// operand is `y`).
pub(super) struct Atan2;
impl Binary for Atan2 {
    #[inline(always)]
    fn f64<const F: bool>(y: f64, x: f64) -> f64 {
        let ay = abs(y);
        let ax = abs(x);
        let m = if ay > ax { ay } else { ax };
        let m = if m > BIG { BIG } else { m };
        // Scale both by a power of two that brings the larger one to [1, 2): the interval
        // tests and the exact products in `atan_core` then see no subnormal intermediates
        // (unless the ratio itself is below 2^-1022) and cannot overflow.
        let pre = if m < 1e-290 {
            4.149515568880993e180 // 2^600
        } else {
            1.0
        };
        let sc =
            f64::from_bits(0x7fe0_0000_0000_0000u64.wrapping_sub((m * pre).to_bits() & EXP_MASK));
        let (h, l) = atan_core::<F>(ay * pre * sc, ax * pre * sc);
        // Quadrant: x < 0 (or -0) gives π - θ.
        let (ph, pe) = two_sum(PI_HI, -h);
        let left = ph + (pe + (PI_LO - l));
        let neg_x = x.to_bits() & SIGN != 0;
        let v = if neg_x { left } else { h + l };
        // Special cases: y = 0 gives 0 or π; both infinite gives π/4 or 3π/4.
        // y = 0 or x = inf: 0 or π; y = inf: π/2; both infinite: π/4 or 3π/4.
        let flat = ay == 0.0 || (ax == f64::INFINITY && ay < f64::INFINITY);
        let v = if flat {
            if neg_x {
                PI_HI
            } else {
                0.0
            }
        } else {
            v
        };
        let v = if ay == f64::INFINITY && ax < f64::INFINITY {
            PIO2_HI
        } else {
            v
        };
        let both_inf = ay == f64::INFINITY && ax == f64::INFINITY;
        let v = if both_inf {
            if neg_x {
                3.0 * PIO4_HI
            } else {
                PIO4_HI
            }
        } else {
            v
        };
        let v = copysign(v, y);
        if x.is_nan() || y.is_nan() {
            x + y
        } else {
            v
        }
    }
}
