//! `cbrt`, `sqrt` and `hypot`.
//!
//! `sqrt` is the hardware square root, correctly rounded (`f32` through `f64`, which rounds
//! once more without double-rounding error since 53 ≥ 2·24 + 2): the same bits as the
//! JIT's `sqrtpd`, at the full vector width of the AVX-512 build — on AMD Zen 5 an 8-lane
//! `vsqrtpd` costs about what a 2-lane one does, so the JIT (128-bit vectors) hands large
//! square roots to this routine (`runtime/src/libcall.rs::prefers_vmath`).
//!
//! `cbrt`: an integer estimate from the exponent bits (divide the biased high word by 3, as in
//! fdlibm), two Halley steps, then one Newton step whose residual `a - t³` is computed exactly,
//! which rounds to within about half an ulp. `hypot`: operands pre-scaled by a power of two,
//! `sqrt(x² + y²)` with the squares and the sum as a double-double.

use super::driver::{Binary, Unary};
use super::fp::*;

/// Square root.
pub(super) struct Sqrt;
impl Unary for Sqrt {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        x.sqrt()
    }
}

/// Cube root.
pub(super) struct Cbrt;
impl Unary for Cbrt {
    #[inline(always)]
    fn f64<const F: bool>(x: f64) -> f64 {
        let a = abs(x);
        let sub = a < MIN_NORMAL;
        let huge = a > 1e300;
        // Scale subnormals up by 2^54 and huge values down by 2^-300 (so t^3 cannot overflow).
        let a = if sub {
            a * TWO54
        } else if huge {
            a * 4.909093465297727e-91
        } else {
            a
        };
        // cbrt(2^e m) ~ bits / 3 + (2/3) bias (minus 0.0331 to centre the error).
        const B1: u32 = 715094163;
        let hi = (a.to_bits() >> 32) as u32;
        let mut t = f64::from_bits(((hi / 3 + B1) as u64) << 32);
        // Halley: t <- t (t^3 + 2a) / (2 t^3 + a); error 3% -> 1e-5 -> 1e-15.
        for _ in 0..2 {
            let t3 = t * t * t;
            t *= (t3 + 2.0 * a) / mla::<F>(2.0, t3, a);
        }
        // Newton with an exact residual: t + (a - t^3) / (3 t^2).
        let (t2, t2e) = two_prod::<F>(t, t);
        let (t3, t3e) = two_prod::<F>(t2, t);
        let t3l = mla::<F>(t2e, t, t3e);
        let v = t + ((a - t3) - t3l) / (3.0 * t2);
        let v = if sub {
            v * 3.814697265625e-6 // 2^-18
        } else if huge {
            v * 1.2676506002282294e30 // 2^100
        } else {
            v
        };
        if a == 0.0 || !a.is_finite() {
            x
        } else {
            copysign(v, x)
        }
    }
}

/// `hypot(x, y) = sqrt(x² + y²)` without undue overflow or underflow.
pub(super) struct Hypot;
impl Binary for Hypot {
    #[inline(always)]
    fn f64<const F: bool>(x: f64, y: f64) -> f64 {
        let ax = abs(x);
        let ay = abs(y);
        let (b, s) = if ax > ay { (ax, ay) } else { (ay, ax) };
        let (up, down) = if b > 1e150 {
            (2.409919865102884e-181, 4.149515568880993e180) // 2^-600, 2^600
        } else if b < 1e-150 {
            (4.149515568880993e180, 2.409919865102884e-181)
        } else {
            (1.0, 1.0)
        };
        let (b, s) = (b * up, s * up);
        let (p, pe) = two_prod::<F>(b, b);
        let (q, qe) = two_prod::<F>(s, s);
        let (h, he) = fast_two_sum(p, q);
        let (r, rl) = sqrt_dd::<F>(h, he + pe + qe);
        let v = (r + rl) * down;
        let v = if s == 0.0 { b * down } else { v };
        let signaling = is_signaling(x) || is_signaling(y);
        if (ax == f64::INFINITY || ay == f64::INFINITY) && !signaling {
            f64::INFINITY
        } else if x.is_nan() || y.is_nan() {
            x + y
        } else {
            v
        }
    }

    /// `f32` inputs: the squares and their sum are exact enough in `f64`.
    #[inline(always)]
    fn f32<const F: bool>(x32: f32, y32: f32) -> f32 {
        let signaling = is_signaling_f32(x32) || is_signaling_f32(y32);
        let (x, y) = (x32 as f64, y32 as f64);
        let v = mla::<F>(x, x, y * y).sqrt();
        if (x.is_infinite() || y.is_infinite()) && !signaling {
            f32::INFINITY
        } else {
            v as f32
        }
    }
}
