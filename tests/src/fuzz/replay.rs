//! Replaying a program with the public API ([`apply`], [`build`]) and running it in one mode
//! ([`run_mode`]), turning panics into an [`Outcome`] without printing them.

use numfuse as nf;
use numfuse::{Array, Error, Mode, NdArray, Operand, Shape};
use numfuse_ir::{BinaryOp, UnaryOp};
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use super::program::Case;
use super::spec::{Arg, Red, Spec};

fn unary(op: UnaryOp, x: &Array) -> nf::Result<Array> {
    use UnaryOp::*;
    match op {
        Neg => x.try_negative(),
        Abs => x.try_abs(),
        Sign => x.try_sign(),
        Sqrt => x.try_sqrt(),
        Cbrt => x.try_cbrt(),
        Square => x.try_square(),
        Reciprocal => x.try_reciprocal(),
        Exp => x.try_exp(),
        Exp2 => x.try_exp2(),
        Expm1 => x.try_expm1(),
        Log => x.try_log(),
        Log2 => x.try_log2(),
        Log10 => x.try_log10(),
        Log1p => x.try_log1p(),
        Sin => x.try_sin(),
        Cos => x.try_cos(),
        Tan => x.try_tan(),
        Arcsin => x.try_arcsin(),
        Arccos => x.try_arccos(),
        Arctan => x.try_arctan(),
        Sinh => x.try_sinh(),
        Cosh => x.try_cosh(),
        Tanh => x.try_tanh(),
        Arcsinh => x.try_arcsinh(),
        Arccosh => x.try_arccosh(),
        Arctanh => x.try_arctanh(),
        Degrees => x.try_degrees(),
        Radians => x.try_radians(),
        Floor => x.try_floor(),
        Ceil => x.try_ceil(),
        Trunc => x.try_trunc(),
        Rint => x.try_rint(),
        LogicalNot => x.try_logical_not(),
        Invert => x.try_invert(),
        IsNan => x.try_isnan(),
        IsInf => x.try_isinf(),
        IsFinite => x.try_isfinite(),
        Conj => x.try_conj(),
        Real => x.try_real(),
        Imag => x.try_imag(),
    }
}

fn binary(op: BinaryOp, a: Operand, b: Operand) -> nf::Result<Array> {
    use BinaryOp::*;
    match op {
        Add => nf::try_add(a, b),
        Sub => nf::try_subtract(a, b),
        Mul => nf::try_multiply(a, b),
        Div => nf::try_divide(a, b),
        FloorDiv => nf::try_floor_divide(a, b),
        Rem => nf::try_remainder(a, b),
        Pow => nf::try_power(a, b),
        Arctan2 => nf::try_arctan2(a, b),
        Hypot => nf::try_hypot(a, b),
        Maximum => nf::try_maximum(a, b),
        Minimum => nf::try_minimum(a, b),
        Fmax => nf::try_fmax(a, b),
        Fmin => nf::try_fmin(a, b),
        Eq => nf::try_equal(a, b),
        Ne => nf::try_not_equal(a, b),
        Lt => nf::try_less(a, b),
        Le => nf::try_less_equal(a, b),
        Gt => nf::try_greater(a, b),
        Ge => nf::try_greater_equal(a, b),
        LogicalAnd => nf::try_logical_and(a, b),
        LogicalOr => nf::try_logical_or(a, b),
        LogicalXor => nf::try_logical_xor(a, b),
        BitAnd => nf::try_bitwise_and(a, b),
        BitOr => nf::try_bitwise_or(a, b),
        BitXor => nf::try_bitwise_xor(a, b),
        Shl => nf::try_left_shift(a, b),
        Shr => nf::try_right_shift(a, b),
        Complex => Err(Error::Value(
            "complex() is not part of the public API".into(),
        )),
    }
}

/// Applies one step with the public API; `get(i)` is the value of node `i`.
pub fn apply(spec: &Spec, get: &dyn Fn(usize) -> Array, inputs: &[NdArray]) -> nf::Result<Array> {
    let op = |a: &Arg| match a {
        Arg::Node(i) => Operand::Array(get(*i)),
        Arg::Scalar(s) => Operand::Scalar(*s),
    };
    match spec {
        Spec::Input(k) => Ok(Array::from_ndarray(&inputs[*k])),
        Spec::Unary(u, a) => unary(*u, &get(*a)),
        Spec::Binary(b, x, y) => binary(*b, op(x), op(y)),
        Spec::Where(c, x, y) => nf::try_where(op(c), op(x), op(y)),
        Spec::Clip(a, lo, hi) => nf::try_clip(get(*a), op(lo), op(hi)),
        Spec::Cast(a, d) => get(*a).try_astype(*d),
        Spec::Slice(a, s) => get(*a).try_slice(s),
        Spec::Permute(a, p) => get(*a).try_permute(p),
        Spec::Reshape(a, d) => get(*a).try_reshape(d.clone()),
        Spec::ExpandDims(a, x) => get(*a).try_expand_dims(*x),
        Spec::Squeeze(a, x) => get(*a).try_squeeze(*x),
        Spec::BroadcastTo(a, s) => get(*a).try_broadcast_to(Shape::from(s.clone())),
        Spec::Diag(a, k) => nf::try_diag(get(*a), *k),
        Spec::Copy(a) => Ok(get(*a).copy()),
        Spec::Round(a, d) => get(*a).try_round(*d),
        Spec::NanToNum(a) => get(*a).try_nan_to_num_with(0.0, None, None),
        Spec::Reduce(r, a, args) => {
            let x = get(*a);
            let ax = args.to_axes();
            match r {
                Red::Sum => x.try_sum(ax),
                Red::Prod => x.try_prod(ax),
                Red::Max => x.try_max(ax),
                Red::Min => x.try_min(ax),
                Red::Any => x.try_any(ax),
                Red::All => x.try_all(ax),
                Red::Mean => x.try_mean(ax),
                Red::Var => x.try_var(ax),
                Red::Std => x.try_std(ax),
            }
        }
        Spec::Scan { prod, arg, axis } => {
            if *prod {
                get(*arg).try_cumprod(*axis)
            } else {
                get(*arg).try_cumsum(*axis)
            }
        }
        Spec::ArgRed { min, arg, axis } => {
            if *min {
                get(*arg).try_argmin(*axis)
            } else {
                get(*arg).try_argmax(*axis)
            }
        }
    }
}

/// Builds the whole program (in the current mode) and returns the output handle.
pub fn build(case: &Case) -> nf::Result<Array> {
    let mut vals: Vec<Array> = Vec::with_capacity(case.nodes.len());
    for spec in &case.nodes {
        let a = {
            let get = |i: usize| vals[i].clone();
            apply(spec, &get, &case.inputs)?
        };
        vals.push(a);
    }
    vals.pop()
        .ok_or_else(|| Error::Value("empty program".into()))
}

/// What one mode produced.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// A value.
    Value(NdArray),
    /// A typed error.
    Error(Error),
    /// A panic (message and location).
    Panic(String),
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let p = info.payload();
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "<non-string panic>".into());
                let at = info
                    .location()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                LAST_PANIC.with(|m| *m.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                prev(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Err(message)` without printing it.
pub(super) fn guarded<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_panic_hook();
    let was = QUIET.with(|q| q.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|_| {
        LAST_PANIC
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "panic".into())
    })
}

/// Builds and evaluates the program in `mode`.
pub fn run_mode(case: &Case, mode: Mode) -> Outcome {
    match guarded(|| nf::with_mode(mode, || build(case).and_then(|a| a.try_eval()))) {
        Ok(Ok(v)) => Outcome::Value(v),
        Ok(Err(e)) => Outcome::Error(e),
        Err(p) => Outcome::Panic(p),
    }
}
