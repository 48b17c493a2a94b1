//! Which steps are inexact (may differ between engines on identical inputs), the tolerated
//! differences ([`TRANSCENDENTAL_ULPS`], [`ALLOW_ZERO_SIGN_IN_MAX_MIN`]) and the interpreter's
//! step-by-step reference values ([`reference_values`]).

use numfuse as nf;
use numfuse::{Array, DType, Error, Mode, NdArray};
use numfuse_ir::{BinaryOp, UnaryOp};

use super::program::Case;
use super::replay::{apply, guarded, Outcome};
use super::spec::{Red, Spec};

/// Transcendental ufuncs: the JIT may use its own approximations (≤ 4 ulp).
fn is_transcendental(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Cbrt | Exp
            | Exp2
            | Expm1
            | Log
            | Log2
            | Log10
            | Log1p
            | Sin
            | Cos
            | Tan
            | Arcsin
            | Arccos
            | Arctan
            | Sinh
            | Cosh
            | Tanh
            | Arcsinh
            | Arccosh
            | Arctanh
    )
}

/// The ulps (of the result dtype) by which one step may differ on identical inputs.
pub const TRANSCENDENTAL_ULPS: f64 = 4.0;

/// Known, deliberately tolerated difference: the sign of a zero produced by a `max`/`min`
/// *reduction* over a group holding both `0.0` and `-0.0`. `maximum(-0.0, 0.0)` returns its
/// first argument, so the result depends on the order of the comparisons; the JIT's vector
/// lanes compare in a different order than the interpreter's loop (NumPy's SIMD loops are
/// order-dependent the same way). Only the zero's sign is tolerated (one subnormal ulp at 0).
pub const ALLOW_ZERO_SIGN_IN_MAX_MIN: bool = true;

pub(super) fn own_ulps(spec: &Spec, arg_dt: &dyn Fn(usize) -> DType, out: DType) -> f64 {
    match spec {
        Spec::Unary(op, a) => {
            let cplx = arg_dt(*a).is_complex();
            if (is_transcendental(*op) && out.is_inexact())
                || (cplx
                    && matches!(
                        op,
                        UnaryOp::Abs
                            | UnaryOp::Sqrt
                            | UnaryOp::Square
                            | UnaryOp::Reciprocal
                            | UnaryOp::Sign
                    ))
            {
                TRANSCENDENTAL_ULPS
            } else {
                0.0
            }
        }
        Spec::Binary(op, ..) => match op {
            BinaryOp::Pow | BinaryOp::Arctan2 | BinaryOp::Hypot if out.is_inexact() => {
                TRANSCENDENTAL_ULPS
            }
            BinaryOp::Mul | BinaryOp::Div if out.is_complex() => TRANSCENDENTAL_ULPS,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

/// The outcome of evaluating the program step by step (NumPy's eager model): the first
/// error in step order, which is what `Mode::Eager` raises when a program has both a
/// data-dependent error and a later build-time error.
pub(super) fn stepwise_outcome(case: &Case) -> Outcome {
    let mut refs: Vec<NdArray> = Vec::with_capacity(case.nodes.len());
    for spec in &case.nodes {
        let r = guarded(|| {
            nf::with_mode(Mode::Interpret, || {
                let get = |i: usize| Array::from_ndarray(&refs[i]);
                apply(spec, &get, &case.inputs).and_then(|a| a.try_eval())
            })
        });
        match r {
            Ok(Ok(v)) => refs.push(v),
            Ok(Err(e)) => return Outcome::Error(e),
            Err(p) => return Outcome::Panic(p),
        }
    }
    match refs.pop() {
        Some(v) => Outcome::Value(v),
        None => Outcome::Error(Error::Value("empty program".into())),
    }
}

/// Whether a step may differ between engines even on identical inputs (summation order,
/// approximations of transcendental functions).
pub(super) fn inexact_step(spec: &Spec, arg_dt: &dyn Fn(usize) -> DType, out: DType) -> bool {
    match spec {
        Spec::Reduce(r, a, args) => match r {
            Red::Sum | Red::Prod => out.is_inexact() || arg_dt(*a).is_inexact(),
            Red::Mean | Red::Var | Red::Std => true,
            // the sign of a zero maximum/minimum depends on the comparison order
            Red::Max | Red::Min => ALLOW_ZERO_SIGN_IN_MAX_MIN && out.is_inexact(),
            _ => args.dtype.is_some(),
        },
        Spec::Scan { .. } => out.is_inexact(),
        s => own_ulps(s, arg_dt, out) > 0.0,
    }
}

/// The interpreter's value of every step, evaluated step by step from concrete leaves
/// (`None` from the first error on).
pub fn reference_values(case: &Case) -> Vec<Option<NdArray>> {
    let mut refs: Vec<Option<NdArray>> = Vec::with_capacity(case.nodes.len());
    let mut failed = false;
    for spec in &case.nodes {
        if failed {
            refs.push(None);
            continue;
        }
        let r = guarded(|| {
            nf::with_mode(Mode::Interpret, || {
                let get = |i: usize| Array::from_ndarray(refs[i].as_ref().expect("earlier value"));
                apply(spec, &get, &case.inputs).and_then(|a| a.try_eval())
            })
        });
        match r {
            Ok(Ok(v)) => refs.push(Some(v)),
            _ => {
                failed = true;
                refs.push(None);
            }
        }
    }
    refs
}
