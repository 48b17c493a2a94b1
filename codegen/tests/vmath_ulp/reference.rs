//! Exact values ([`Ref`]: a double-double with a binary scale), output precisions
//! ([`Prec`]) and the error in ulps ([`ulp_err`]).

use crate::double_double::{dd, ilogb, ldexp, DD};

/// An exact value `(hi + lo) 2^e` (the scale keeps overflowing and subnormal results exact).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ref {
    pub(crate) hi: f64,
    pub(crate) lo: f64,
    pub(crate) e: i32,
}

impl Ref {
    pub(crate) fn exact(x: f64) -> Ref {
        Ref {
            hi: x,
            lo: 0.0,
            e: 0,
        }
    }
    pub(crate) fn of(d: DD) -> Ref {
        Ref::scaled(d, 0)
    }
    pub(crate) fn scaled(d: DD, e: i32) -> Ref {
        Ref {
            hi: d.hi,
            lo: d.lo,
            e,
        }
    }
    pub(crate) fn neg(self) -> Ref {
        Ref {
            hi: -self.hi,
            lo: -self.lo,
            e: self.e,
        }
    }
    pub(crate) fn with_sign(self, negative: bool) -> Ref {
        if negative {
            self.neg()
        } else {
            self
        }
    }
    /// A value far beyond the `f64` range (`+-inf` after rounding) or far below it (`+-0`).
    pub(crate) fn huge(negative: bool) -> Ref {
        Ref::scaled(dd(1.0), 5000).with_sign(negative)
    }
    pub(crate) fn tiny() -> Ref {
        Ref::scaled(dd(1.0), -5000)
    }
}

/// Output precision of a routine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Prec {
    F64,
    F32,
}

/// Distance of `ours` from the exact value in ulps of the output precision (`inf` when the
/// special-value class is wrong: NaN vs number, sign of zero, ...).
pub(crate) fn ulp_err(ours: f64, r: Ref, p: Prec) -> f64 {
    let (mant, emin, emax, maxv) = match p {
        Prec::F64 => (52, -1074, 1023, f64::MAX),
        Prec::F32 => (23, -149, 127, f32::MAX as f64),
    };
    if r.hi.is_nan() {
        return if ours.is_nan() { 0.0 } else { f64::INFINITY };
    }
    if ours.is_nan() {
        return f64::INFINITY;
    }
    if r.hi.is_infinite() || (r.hi == 0.0 && r.lo == 0.0) {
        // Exact special result: must match, with the sign of zero.
        return if ours.to_bits() == r.hi.to_bits() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let neg = r.hi < 0.0;
    let e_true = ilogb(r.hi) + r.e;
    if e_true > emax {
        // Beyond the finite range: inf is right unless the value rounds to MAX.
        let v_over_max = ldexp(r.hi.abs(), r.e) / maxv; // may be inf
        if ours.is_infinite() && (ours < 0.0) == neg {
            return if v_over_max >= 1.0 + 2f64.powi(-(mant + 1)) {
                0.0
            } else {
                1.0
            };
        }
    }
    if ours.is_infinite() {
        return f64::INFINITY;
    }
    let ulp_e = (e_true - mant).max(emin);
    let d = (ldexp(ours, -r.e) - r.hi) - r.lo;
    (ldexp(d, r.e - ulp_e)).abs()
}
