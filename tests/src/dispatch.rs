//! From a fixture case to a numfuse call: the NumPy function name selects the numfuse method
//! or free function, arguments become [`Array`]s / weak [`Operand`]s, keyword arguments become
//! [`nf::Axes`] options and method parameters. Calls numfuse cannot express are
//! [`Outcome::Unsupported`] with a reason (`fn[feature]`), never approximated silently; where a
//! NumPy argument is *emulated* (`dtype=` on creation functions via `.astype()`), [`note`]
//! says so and the runner prints it next to any failure.

mod creation;
mod linalg;
mod movement;

use crate::fixture::{Arg, Case};
use numfuse as nf;
use numfuse::{Array, DType, NdArray, Operand};
use serde_json::Value as Json;

/// What a dispatched call produced.
pub enum Outcome {
    /// Lazy results (one, or several for tuple results), evaluated by the runner.
    Lazy(Vec<Array>),
    /// Concrete results (functions numfuse defines on [`NdArray`]).
    Concrete(Vec<NdArray>),
    /// A dtype (`result_type`).
    DType(DType),
    /// No numfuse equivalent; the reason names the function and the missing feature.
    Unsupported(String),
}

/// Result of a dispatch: numfuse's error when the call itself (graph building) fails.
pub type Dispatched = nf::Result<Outcome>;

/// Runs the case's call in the current mode (see [`nf::with_mode`]).
pub fn dispatch(case: &Case) -> Dispatched {
    let f = case.func.as_str();
    if let Some(op) = unary(f) {
        return Ok(one(op(&array_arg(case, 0))?));
    }
    if let Some(op) = binary(f) {
        return binary_call(case, op);
    }
    match f {
        "round" => {
            let d = kw_i64(case, "decimals").unwrap_or(0) as i32;
            Ok(one(array_arg(case, 0).try_round(d)?))
        }
        "nan_to_num" => {
            let nan = kw(case, "nan").map_or(0.0, crate::fixture::json_f64);
            let pos = kw(case, "posinf").map(crate::fixture::json_f64);
            let neg = kw(case, "neginf").map(crate::fixture::json_f64);
            Ok(one(array_arg(case, 0).try_nan_to_num_with(nan, pos, neg)?))
        }
        "where" => {
            let (c, x, y) = (operand(case, 0), operand(case, 1), operand(case, 2));
            Ok(one(nf::try_where(c, x, y)?))
        }
        "clip" => {
            let (a, lo, hi) = (operand(case, 0), operand(case, 1), operand(case, 2));
            Ok(one(nf::try_clip(a, lo, hi)?))
        }
        "sum" | "prod" | "mean" | "var" | "std" | "min" | "max" | "any" | "all" | "ptp" => {
            reduction(case)
        }
        "argmax" | "argmin" | "cumsum" | "cumprod" => one_axis(case),
        "astype" => {
            let d = crate::fixture::dtype_of(kw(case, "dtype").expect("astype dtype"));
            Ok(one(array_arg(case, 0).try_astype(d)?))
        }
        "result_type" => Ok(creation::result_type(case)),
        _ if creation::handles(f) => creation::dispatch(case),
        _ if movement::handles(f) => movement::dispatch(case),
        _ if linalg::handles(f) => linalg::dispatch(case),
        _ => Ok(Outcome::Unsupported(f.to_string())),
    }
}

/// A remark about how the harness expresses the case, printed with its failures.
pub fn note(case: &Case) -> Option<&'static str> {
    let creation = creation::handles(&case.func) && case.func != "diag";
    if creation && kw(case, "dtype").is_some() {
        return Some("dtype= emulated with .astype() on numfuse's default result");
    }
    let weak = case.args.iter().any(|a| matches!(a, Arg::Weak(_)));
    match case.func.as_str() {
        "array" => Some("harness infers NumPy's default dtype of the literal, builds nested Vecs"),
        "result_type" if weak => Some("weak scalars folded in with numfuse_ir::promote_weak"),
        _ => None,
    }
}

pub(crate) fn one(a: Array) -> Outcome {
    Outcome::Lazy(vec![a])
}

pub(crate) fn unsupported(case: &Case, feature: &str) -> Dispatched {
    Ok(Outcome::Unsupported(format!("{}[{feature}]", case.func)))
}

/// A keyword argument (`null` counts as absent).
pub(crate) fn kw<'a>(case: &'a Case, name: &str) -> Option<&'a Json> {
    case.kwargs.get(name).filter(|v| !v.is_null())
}

pub(crate) fn kw_i64(case: &Case, name: &str) -> Option<i64> {
    kw(case, name).map(|v| {
        v.as_i64()
            .unwrap_or_else(|| panic!("fixture: {name} not an int"))
    })
}

pub(crate) fn kw_bool(case: &Case, name: &str) -> Option<bool> {
    kw(case, name).map(|v| {
        v.as_bool()
            .unwrap_or_else(|| panic!("fixture: {name} not a bool"))
    })
}

/// The `i`-th argument as a lazy array (a leaf over the fixture's view).
pub(crate) fn array_arg(case: &Case, i: usize) -> Array {
    match &case.args[i] {
        Arg::Array(nd) => Array::from_ndarray(nd),
        other => panic!(
            "fixture {}: argument {i} is not an array: {other:?}",
            case.id
        ),
    }
}

/// The `i`-th argument as an operand (arrays strong, Python scalars weak).
fn operand(case: &Case, i: usize) -> Operand {
    match &case.args[i] {
        Arg::Array(nd) => Operand::Array(Array::from_ndarray(nd)),
        Arg::Weak(s) => Operand::Scalar(*s),
        other => panic!(
            "fixture {}: argument {i} is not an operand: {other:?}",
            case.id
        ),
    }
}

/// An `axis` keyword: absent/`null`, one axis, or a tuple of axes.
pub(crate) enum AxisArg {
    /// `axis=None`.
    All,
    /// `axis=i`.
    One(isize),
    /// `axis=(i, j, ...)`.
    Many(Vec<isize>),
}

pub(crate) fn axis_kw(case: &Case, name: &str) -> AxisArg {
    match kw(case, name) {
        None => AxisArg::All,
        Some(Json::Array(v)) => AxisArg::Many(
            v.iter()
                .map(|x| x.as_i64().expect("axis") as isize)
                .collect(),
        ),
        Some(v) => AxisArg::One(v.as_i64().expect("axis") as isize),
    }
}

type UnaryFn = fn(&Array) -> nf::Result<Array>;

fn unary(name: &str) -> Option<UnaryFn> {
    Some(match name {
        "negative" => Array::try_negative,
        "absolute" => Array::try_abs,
        "sign" => Array::try_sign,
        "sqrt" => Array::try_sqrt,
        "cbrt" => Array::try_cbrt,
        "square" => Array::try_square,
        "reciprocal" => Array::try_reciprocal,
        "exp" => Array::try_exp,
        "exp2" => Array::try_exp2,
        "expm1" => Array::try_expm1,
        "log" => Array::try_log,
        "log2" => Array::try_log2,
        "log10" => Array::try_log10,
        "log1p" => Array::try_log1p,
        "sin" => Array::try_sin,
        "cos" => Array::try_cos,
        "tan" => Array::try_tan,
        "arcsin" => Array::try_arcsin,
        "arccos" => Array::try_arccos,
        "arctan" => Array::try_arctan,
        "sinh" => Array::try_sinh,
        "cosh" => Array::try_cosh,
        "tanh" => Array::try_tanh,
        "arcsinh" => Array::try_arcsinh,
        "arccosh" => Array::try_arccosh,
        "arctanh" => Array::try_arctanh,
        "degrees" => Array::try_degrees,
        "radians" => Array::try_radians,
        "floor" => Array::try_floor,
        "ceil" => Array::try_ceil,
        "trunc" => Array::try_trunc,
        "rint" => Array::try_rint,
        "logical_not" => Array::try_logical_not,
        "invert" => Array::try_invert,
        "isnan" => Array::try_isnan,
        "isinf" => Array::try_isinf,
        "isfinite" => Array::try_isfinite,
        "conjugate" => Array::try_conj,
        _ => return None,
    })
}

type BinaryFn = fn(Operand, Operand) -> nf::Result<Array>;

fn binary(name: &str) -> Option<BinaryFn> {
    Some(match name {
        "add" => |a, b| nf::try_add(a, b),
        "subtract" => |a, b| nf::try_subtract(a, b),
        "multiply" => |a, b| nf::try_multiply(a, b),
        "divide" => |a, b| nf::try_divide(a, b),
        "floor_divide" => |a, b| nf::try_floor_divide(a, b),
        "remainder" => |a, b| nf::try_remainder(a, b),
        "power" => |a, b| nf::try_power(a, b),
        "arctan2" => |a, b| nf::try_arctan2(a, b),
        "hypot" => |a, b| nf::try_hypot(a, b),
        "maximum" => |a, b| nf::try_maximum(a, b),
        "minimum" => |a, b| nf::try_minimum(a, b),
        "fmax" => |a, b| nf::try_fmax(a, b),
        "fmin" => |a, b| nf::try_fmin(a, b),
        "equal" => |a, b| nf::try_equal(a, b),
        "not_equal" => |a, b| nf::try_not_equal(a, b),
        "less" => |a, b| nf::try_less(a, b),
        "less_equal" => |a, b| nf::try_less_equal(a, b),
        "greater" => |a, b| nf::try_greater(a, b),
        "greater_equal" => |a, b| nf::try_greater_equal(a, b),
        "logical_and" => |a, b| nf::try_logical_and(a, b),
        "logical_or" => |a, b| nf::try_logical_or(a, b),
        "logical_xor" => |a, b| nf::try_logical_xor(a, b),
        "bitwise_and" => |a, b| nf::try_bitwise_and(a, b),
        "bitwise_or" => |a, b| nf::try_bitwise_or(a, b),
        "bitwise_xor" => |a, b| nf::try_bitwise_xor(a, b),
        "left_shift" => |a, b| nf::try_left_shift(a, b),
        "right_shift" => |a, b| nf::try_right_shift(a, b),
        _ => return None,
    })
}

fn binary_call(case: &Case, op: BinaryFn) -> Dispatched {
    if case.args.iter().any(|a| matches!(a, Arg::Plain(_))) {
        // a Python int that needs more than 64 bits
        return unsupported(case, "weak int beyond 64 bits");
    }
    Ok(one(op(operand(case, 0), operand(case, 1))?))
}

/// `sum`/`prod`/`mean`/`var`/`std`/`min`/`max`/`any`/`all`/`ptp` with axis, keepdims, dtype
/// and ddof through [`nf::Axes`].
fn reduction(case: &Case) -> Dispatched {
    let a = array_arg(case, 0);
    let mut ax = match axis_kw(case, "axis") {
        AxisArg::All => nf::axis(None::<isize>),
        AxisArg::One(i) => nf::axis(i),
        AxisArg::Many(v) => nf::axis(v.as_slice()),
    };
    if let Some(k) = kw_bool(case, "keepdims") {
        ax = ax.keepdims(k);
    }
    if let Some(d) = kw(case, "dtype") {
        ax = ax.dtype(crate::fixture::dtype_of(d));
    }
    if let Some(d) = kw_i64(case, "ddof") {
        ax = ax.ddof(d as usize);
    }
    let r = match case.func.as_str() {
        "sum" => a.try_sum(ax),
        "prod" => a.try_prod(ax),
        "mean" => a.try_mean(ax),
        "var" => a.try_var(ax),
        "std" => a.try_std(ax),
        "min" => a.try_min(ax),
        "max" => a.try_max(ax),
        "any" => a.try_any(ax),
        "all" => a.try_all(ax),
        _ => a.try_ptp(ax),
    };
    Ok(one(r?))
}

/// `argmax`/`argmin`/`cumsum`/`cumprod`: one optional axis, no keepdims.
fn one_axis(case: &Case) -> Dispatched {
    let a = array_arg(case, 0);
    let axis = match axis_kw(case, "axis") {
        AxisArg::All => None,
        AxisArg::One(i) => Some(i),
        AxisArg::Many(_) => return unsupported(case, "axis tuple (TypeError in NumPy)"),
    };
    if kw_bool(case, "keepdims") == Some(true) {
        return unsupported(case, "keepdims");
    }
    let r = match case.func.as_str() {
        "argmax" => a.try_argmax(axis),
        "argmin" => a.try_argmin(axis),
        "cumsum" => a.try_cumsum(axis),
        _ => a.try_cumprod(axis),
    };
    Ok(one(r?))
}
