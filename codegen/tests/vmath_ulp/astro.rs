//! The arbitrary-precision (`astro-float`) reference, used to check the double-double one
//! and for large `sin`/`cos`/`tan` arguments.

use astro_float::{BigFloat, Consts, RoundingMode, Sign};
use numfuse_codegen::vmath::{BinaryFn, UnaryFn};
use std::cell::RefCell;

use crate::double_double::{fast_two_sum, ilogb};
use crate::reference::Ref;

thread_local! {
    static CONSTS: RefCell<Consts> = RefCell::new(Consts::new().expect("astro-float constants"));
}

const AP: usize = 192;
const RM: RoundingMode = RoundingMode::ToEven;

fn big(x: f64) -> BigFloat {
    BigFloat::from_f64(x, AP)
}

/// Converts an `astro-float` number to a [`Ref`] (about 128 bits).
fn astro_to_ref(b: &BigFloat) -> Ref {
    if b.is_nan() {
        return Ref::exact(f64::NAN);
    }
    if b.is_inf_pos() {
        return Ref::exact(f64::INFINITY);
    }
    if b.is_inf_neg() {
        return Ref::exact(f64::NEG_INFINITY);
    }
    let Some((m, _, s, e, _)) = b.as_raw_parts() else {
        return Ref::exact(f64::NAN);
    };
    let n = m.len();
    let top = m[n - 1];
    if top == 0 {
        return Ref::exact(0.0);
    }
    let next = if n >= 2 { m[n - 2] } else { 0 };
    let t = top as f64;
    let rem = (top as i128 - t as u128 as i128) as f64 + next as f64 * 2f64.powi(-64);
    let r = Ref::scaled(fast_two_sum(t * 2f64.powi(-64), rem * 2f64.powi(-64)), e);
    r.with_sign(s == Sign::Neg)
}

/// `f(x)` in arbitrary precision (`None` where this file does not define it).
pub(crate) fn astro_unary(f: UnaryFn, x: f64) -> Option<Ref> {
    CONSTS.with(|cc| {
        let cc = &mut *cc.borrow_mut();
        let b = big(x);
        // Extra bits for cancellation in expm1/log1p near 0.
        let extra = if x != 0.0 {
            (-ilogb(x)).max(0) as usize
        } else {
            0
        };
        let pe = AP + extra + 64;
        let pt = AP
            + if x != 0.0 {
                ilogb(x).max(0) as usize
            } else {
                0
            };
        let v = match f {
            UnaryFn::Exp => b.exp(AP, RM, cc),
            UnaryFn::Exp2 => big(2.0).pow(&b, AP, RM, cc),
            UnaryFn::Expm1 => BigFloat::from_f64(x, pe)
                .exp(pe, RM, cc)
                .sub(&big(1.0), pe, RM),
            UnaryFn::Log => b.ln(AP, RM, cc),
            UnaryFn::Log2 => b.log2(AP, RM, cc),
            UnaryFn::Log10 => b.log10(AP, RM, cc),
            UnaryFn::Log1p => BigFloat::from_f64(x, pe)
                .add(&big(1.0), pe, RM)
                .ln(pe, RM, cc),
            // The reduction of huge arguments needs about as many extra bits as the exponent.
            UnaryFn::Sin => BigFloat::from_f64(x, pt).sin(pt, RM, cc),
            UnaryFn::Cos => BigFloat::from_f64(x, pt).cos(pt, RM, cc),
            UnaryFn::Tan => BigFloat::from_f64(x, pt).tan(pt, RM, cc),
            UnaryFn::Arcsin => b.asin(AP, RM, cc),
            UnaryFn::Arccos => b.acos(AP, RM, cc),
            UnaryFn::Arctan => b.atan(AP, RM, cc),
            UnaryFn::Sinh => b.sinh(AP, RM, cc),
            UnaryFn::Cosh => b.cosh(AP, RM, cc),
            UnaryFn::Tanh => b.tanh(AP, RM, cc),
            UnaryFn::Arcsinh => b.asinh(AP, RM, cc),
            UnaryFn::Arccosh => b.acosh(AP, RM, cc),
            UnaryFn::Arctanh => b.atanh(AP, RM, cc),
            UnaryFn::Cbrt => b.cbrt(AP, RM),
            UnaryFn::Sqrt => b.sqrt(AP, RM),
        };
        Some(astro_to_ref(&v))
    })
}

/// `f(x, y)` in arbitrary precision, for finite non-zero operands.
pub(crate) fn astro_binary(f: BinaryFn, x: f64, y: f64) -> Option<Ref> {
    CONSTS.with(|cc| {
        let cc = &mut *cc.borrow_mut();
        let v = match f {
            BinaryFn::Pow => {
                let odd = y.fract() == 0.0 && (y / 2.0).fract() != 0.0;
                let pw = AP + 64;
                let l = BigFloat::from_f64(x.abs(), pw).ln(pw, RM, cc);
                let r = l.mul(&BigFloat::from_f64(y, pw), pw, RM).exp(pw, RM, cc);
                return Some(astro_to_ref(&r).with_sign(x < 0.0 && odd));
            }
            BinaryFn::Atan2 => {
                let (ay, ax) = (big(x.abs()), big(y.abs()));
                let t = ay.div(&ax, AP, RM).atan(AP, RM, cc);
                let t = if y < 0.0 {
                    astro_pi(cc).sub(&t, AP, RM)
                } else {
                    t
                };
                return Some(astro_to_ref(&t).with_sign(x < 0.0));
            }
            BinaryFn::Hypot => big(x)
                .mul(&big(x), AP, RM)
                .add(&big(y).mul(&big(y), AP, RM), AP, RM)
                .sqrt(AP, RM),
        };
        Some(astro_to_ref(&v))
    })
}

fn astro_pi(cc: &mut Consts) -> BigFloat {
    big(1.0).atan(AP, RM, cc).mul(&big(4.0), AP, RM)
}
