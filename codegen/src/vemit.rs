//! Vector instruction selection for the innermost loop: 128-bit `F64X2`/`F32X4` lanes (all
//! Cranelift 0.135 supports on x86-64; integer lanes live in [`crate::vint`]), booleans as all-ones/all-zeros lane masks, min/max
//! built from compare + bitselect with NumPy's NaN rules, and the eligibility check that
//! decides whether a kernel gets a vector main loop at all.

use crate::emit::{clif_type, fconst};
use cranelift::prelude::*;
use numfuse_ir::kernel::{InnerStride, KInst, Kernel, Role};
use numfuse_ir::{BinaryOp, DType, ReduceOp, Scalar, UnaryOp};

/// The vector shape of a kernel's innermost loop.
#[derive(Clone, Copy, Debug)]
pub struct Lanes {
    /// The element dtype (float32 or float64).
    pub elem: DType,
    /// The vector type (`F64X2` or `F32X4`).
    pub vt: Type,
    /// The matching mask type (`I64X2` or `I32X4`).
    pub mt: Type,
    /// Lanes per vector.
    pub n: i64,
}

fn vector_unary(op: UnaryOp, d: DType, elem: DType) -> bool {
    use UnaryOp::*;
    if d == DType::Bool {
        return matches!(op, LogicalNot | Invert);
    }
    if elem.is_integer() {
        return crate::vint::has_unary(op, d, elem);
    }
    d == elem
        && matches!(
            op,
            Neg | Abs
                | Sqrt
                | Square
                | Reciprocal
                | Floor
                | Ceil
                | Trunc
                | Rint
                | Degrees
                | Radians
                | Real
                | Conj
                | IsNan
                | LogicalNot
        )
}

fn vector_binary(op: BinaryOp, d: DType, elem: DType) -> bool {
    use BinaryOp::*;
    if d == DType::Bool {
        return matches!(
            op,
            LogicalAnd | LogicalOr | LogicalXor | BitAnd | BitOr | BitXor | Eq | Ne
        );
    }
    if elem.is_integer() {
        return crate::vint::has_binary(op, d, elem);
    }
    d == elem
        && matches!(
            op,
            Add | Sub | Mul | Div | Maximum | Minimum | Fmax | Fmin | Eq | Ne | Lt | Le | Gt | Ge
        )
}

/// The lanes of the vector main loop, if the kernel's per-element code can use one: every
/// operand read or written per element is contiguous or broadcast along the innermost
/// dimension (or, in an outer-order reduction, a strided input) and has one float dtype,
/// and every instruction has a vector form.
pub fn lanes_for(k: &Kernel) -> Option<Lanes> {
    if k.rank == 0 {
        return None;
    }
    let used: Vec<u32> = k
        .pre
        .iter()
        .filter_map(|i| {
            if let KInst::Load(o) = i {
                Some(*o)
            } else {
                None
            }
        })
        .collect();
    let elem = used
        .first()
        .map(|&o| k.operands[o as usize].dtype)
        .unwrap_or(DType::Float64);
    if !matches!(elem, DType::Float32 | DType::Float64) && !elem.is_integer() {
        return None;
    }
    let per_element = |o: &u32| {
        used.contains(o) || (k.accs.is_empty() && k.stores.iter().any(|s| s.operand == *o))
    };
    // strided inputs are gathered lane by lane, worth it only in outer-order reductions (their
    // vector loop runs along a kept dimension, over rows too short to vectorize)
    let gathered = |op: &numfuse_ir::kernel::KOperand| k.outer_reduce && op.role == Role::Input;
    for (o, op) in k.operands.iter().enumerate() {
        if per_element(&(o as u32))
            && (op.dtype != elem
                || (op.inner == InnerStride::Strided && !gathered(op))
                || (op.role == Role::Output && op.inner != InnerStride::Contiguous))
        {
            return None;
        }
    }
    let ok = insts_vectorize(k, false, elem);
    let accs_ok = k.accs.iter().all(|a| {
        a.dtype == elem
            && if elem.is_integer() {
                crate::vint::has_fold(a.op, elem)
            } else {
                matches!(
                    a.op,
                    ReduceOp::Sum | ReduceOp::Prod | ReduceOp::Max | ReduceOp::Min
                )
            }
    });
    if !ok || !accs_ok {
        return None;
    }
    if elem.is_integer() {
        return Some(crate::vint::int_lanes(elem));
    }
    Some(if elem == DType::Float64 {
        Lanes {
            elem,
            vt: types::F64X2,
            mt: types::I64X2,
            n: 2,
        }
    } else {
        Lanes {
            elem,
            vt: types::F32X4,
            mt: types::I32X4,
            n: 4,
        }
    })
}

/// Whether every instruction of a phase (`post` for the epilogue, whose accumulator reads
/// are vectors of the fold's dtype) has a vector form on lanes of `elem`.
pub(crate) fn insts_vectorize(k: &Kernel, post: bool, elem: DType) -> bool {
    let insts = if post { &k.post } else { &k.pre };
    insts.iter().all(|i| match i {
        KInst::Load(_) => true,
        KInst::Const(_, d) => *d == elem || *d == DType::Bool,
        KInst::Unary(op, d, _) => vector_unary(*op, *d, elem),
        KInst::Binary(op, d, _, _) => vector_binary(*op, *d, elem),
        KInst::Select(_, a, _) => {
            let d = k.value_dtype(post, *a);
            d == elem || d == DType::Bool
        }
        KInst::Acc(n) => post && k.accs[*n as usize].dtype == elem,
        KInst::Cast(..) => false,
    })
}

fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(cranelift::codegen::ir::Endianness::Little)
}

/// A mask reinterpreted as the float vector type (for `bitselect`).
fn as_float(b: &mut FunctionBuilder, l: &Lanes, m: Value) -> Value {
    b.ins().bitcast(l.vt, little(), m)
}

/// A splatted constant (float lanes, or a mask for bool).
pub fn vconst(b: &mut FunctionBuilder, l: &Lanes, s: Scalar, d: DType) -> Value {
    if d == DType::Bool {
        let lane = l.mt.lane_type();
        let v = if s.as_f64() != 0.0 || s.imag_f64() != 0.0 {
            -1
        } else {
            0
        };
        let c = crate::emit::iconst(b, lane, v);
        return b.ins().splat(l.mt, c);
    }
    if l.elem.is_integer() {
        return crate::vint::vconst(b, l, s);
    }
    let c = fconst(b, clif_type(l.elem), s.as_f64());
    b.ins().splat(l.vt, c)
}

/// `cond ? x : y` lane-wise (`cond` is a mask).
pub fn vselect(b: &mut FunctionBuilder, l: &Lanes, c: Value, x: Value, y: Value) -> Value {
    if b.func.dfg.value_type(x) == l.mt {
        return b.ins().bitselect(c, x, y);
    }
    let cf = as_float(b, l, c);
    b.ins().bitselect(cf, x, y)
}

/// A vector unary op.
pub fn vunary(b: &mut FunctionBuilder, l: &Lanes, op: UnaryOp, d: DType, x: Value) -> Value {
    use UnaryOp::*;
    if d == DType::Bool {
        return b.ins().bnot(x);
    }
    if l.elem.is_integer() {
        return crate::vint::vunary(b, l, op, x);
    }
    match op {
        Neg => b.ins().fneg(x),
        Abs => b.ins().fabs(x),
        Sqrt => b.ins().sqrt(x),
        Square => b.ins().fmul(x, x),
        Reciprocal => {
            let one = vconst(b, l, Scalar::float(1.0), l.elem);
            b.ins().fdiv(one, x)
        }
        Floor => b.ins().floor(x),
        Ceil => b.ins().ceil(x),
        Trunc => b.ins().trunc(x),
        Rint => b.ins().nearest(x),
        Degrees | Radians => {
            let c = if op == Degrees {
                180.0 / std::f64::consts::PI
            } else {
                std::f64::consts::PI / 180.0
            };
            let c = vconst(b, l, Scalar::float(c), l.elem);
            b.ins().fmul(x, c)
        }
        IsNan => b.ins().fcmp(FloatCC::Unordered, x, x),
        LogicalNot => {
            let z = vconst(b, l, Scalar::float(0.0), l.elem);
            b.ins().fcmp(FloatCC::Equal, x, z)
        }
        _ => x,
    }
}

/// NaN-propagating (`maximum`) or NaN-ignoring (`fmax`) selection: `x` when `x cc y` or
/// `nan_of` is NaN.
fn pick(
    b: &mut FunctionBuilder,
    l: &Lanes,
    cc: FloatCC,
    x: Value,
    y: Value,
    nan_of: Value,
) -> Value {
    let c = b.ins().fcmp(cc, x, y);
    let n = b.ins().fcmp(FloatCC::Unordered, nan_of, nan_of);
    let m = b.ins().bor(c, n);
    vselect(b, l, m, x, y)
}

/// A vector binary op.
pub fn vbinary(
    b: &mut FunctionBuilder,
    l: &Lanes,
    op: BinaryOp,
    d: DType,
    x: Value,
    y: Value,
) -> Value {
    use BinaryOp::*;
    if d == DType::Bool {
        return match op {
            LogicalAnd | BitAnd => b.ins().band(x, y),
            LogicalOr | BitOr => b.ins().bor(x, y),
            Eq => {
                let t = b.ins().bxor(x, y);
                b.ins().bnot(t)
            }
            _ => b.ins().bxor(x, y),
        };
    }
    if l.elem.is_integer() {
        return crate::vint::vbinary(b, l, op, x, y);
    }
    match op {
        Add => b.ins().fadd(x, y),
        Sub => b.ins().fsub(x, y),
        Mul => b.ins().fmul(x, y),
        Div => b.ins().fdiv(x, y),
        Maximum => pick(b, l, FloatCC::GreaterThanOrEqual, x, y, x),
        Minimum => pick(b, l, FloatCC::LessThanOrEqual, x, y, x),
        Fmax => pick(b, l, FloatCC::GreaterThanOrEqual, x, y, y),
        Fmin => pick(b, l, FloatCC::LessThanOrEqual, x, y, y),
        Eq => b.ins().fcmp(FloatCC::Equal, x, y),
        Ne => b.ins().fcmp(FloatCC::NotEqual, x, y),
        Lt => b.ins().fcmp(FloatCC::LessThan, x, y),
        Le => b.ins().fcmp(FloatCC::LessThanOrEqual, x, y),
        Gt => b.ins().fcmp(FloatCC::GreaterThan, x, y),
        Ge => b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, y),
        _ => unreachable!("{op} has no vector form"),
    }
}

/// Folds `x` into accumulator `acc` (both vectors or both scalars).
pub fn fold(
    b: &mut FunctionBuilder,
    l: Option<&Lanes>,
    op: ReduceOp,
    acc: Value,
    x: Value,
) -> Value {
    if let Some(l) = l.filter(|l| l.elem.is_integer()) {
        return crate::vint::fold(b, l.elem.is_signed_integer(), op, acc, x);
    }
    let pick_max = |b: &mut FunctionBuilder, cc: FloatCC| {
        let c = b.ins().fcmp(cc, acc, x);
        let n = b.ins().fcmp(FloatCC::Unordered, acc, acc);
        let keep = b.ins().bor(c, n);
        match l {
            Some(l) => vselect(b, l, keep, acc, x),
            None => b.ins().select(keep, acc, x),
        }
    };
    match op {
        ReduceOp::Sum => b.ins().fadd(acc, x),
        ReduceOp::Prod => b.ins().fmul(acc, x),
        ReduceOp::Max => pick_max(b, FloatCC::GreaterThanOrEqual),
        ReduceOp::Min => pick_max(b, FloatCC::LessThanOrEqual),
        _ => unreachable!("{op} has no float vector fold"),
    }
}

/// A float vector `max`/`min` fold that ignores NaN: `(acc < x) ? x : acc` (resp. `x < acc`),
/// which Cranelift lowers to one `maxpd`/`minpd`. It equals [`fold`] whenever neither operand
/// is NaN (ties keep the accumulator, as there), so callers must detect NaN themselves.
pub fn fold_ordered(
    b: &mut FunctionBuilder,
    l: &Lanes,
    op: ReduceOp,
    acc: Value,
    x: Value,
) -> Value {
    let c = match op {
        ReduceOp::Max => b.ins().fcmp(FloatCC::LessThan, acc, x),
        ReduceOp::Min => b.ins().fcmp(FloatCC::LessThan, x, acc),
        _ => unreachable!("{op} is not an ordered fold"),
    };
    let mask = as_float(b, l, c);
    b.ins().bitselect(mask, x, acc)
}

/// The identity of a float fold, splatted or scalar.
pub fn identity(op: ReduceOp) -> f64 {
    match op {
        ReduceOp::Sum => 0.0,
        ReduceOp::Prod => 1.0,
        ReduceOp::Max => f64::NEG_INFINITY,
        ReduceOp::Min => f64::INFINITY,
        ReduceOp::Any => 0.0,
        ReduceOp::All => 1.0,
    }
}
