//! Integer vector lanes: `I8X16`/`I16X8`/`I32X4`/`I64X2` (unsigned types share them) with
//! wrap-around arithmetic, bitwise ops, signed or unsigned comparisons and min/max, and
//! the folds of integer reductions — NumPy's C-loop semantics, lane by lane, so results are
//! bitwise equal to the scalar path. Division, remainder and shifts (NumPy defines results
//! the hardware does not give) stay scalar.

use crate::vemit::Lanes;
use cranelift::prelude::*;
use numfuse_ir::{BinaryOp, DType, ReduceOp, Scalar, UnaryOp};

/// The lanes for an integer element dtype.
pub fn int_lanes(elem: DType) -> Lanes {
    let (vt, n) = match elem.itemsize() {
        1 => (types::I8X16, 16),
        2 => (types::I16X8, 8),
        4 => (types::I32X4, 4),
        _ => (types::I64X2, 2),
    };
    Lanes {
        elem,
        vt,
        mt: vt,
        n,
    }
}

/// Whether a unary op on `d` has an integer vector form for lanes of `elem`.
pub fn has_unary(op: UnaryOp, d: DType, elem: DType) -> bool {
    use UnaryOp::*;
    d == elem
        && matches!(
            op,
            Neg | Abs | Square | Invert | LogicalNot | Floor | Ceil | Trunc | Real | Conj
        )
        && !(op == Square && elem.itemsize() == 1)
}

/// Whether a binary op on `d` has an integer vector form for lanes of `elem`.
pub fn has_binary(op: BinaryOp, d: DType, elem: DType) -> bool {
    use BinaryOp::*;
    d == elem
        && match op {
            // x86 has no byte multiply
            Mul => elem.itemsize() > 1,
            Add | Sub | BitAnd | BitOr | BitXor | Maximum | Minimum | Fmax | Fmin => true,
            Eq | Ne | Lt | Le | Gt | Ge => true,
            _ => false,
        }
}

/// Whether a reduction folds in integer vectors.
pub fn has_fold(op: ReduceOp, elem: DType) -> bool {
    match op {
        ReduceOp::Sum | ReduceOp::Max | ReduceOp::Min => true,
        ReduceOp::Prod => elem.itemsize() > 1,
        ReduceOp::Any | ReduceOp::All => false,
    }
}

/// A splatted integer constant (converted exactly as the scalar path converts it).
pub fn vconst(b: &mut FunctionBuilder, l: &Lanes, s: Scalar) -> Value {
    let c = crate::emit::constant(b, s, l.elem);
    b.ins().splat(l.vt, c)
}

/// An integer vector unary op.
pub fn vunary(b: &mut FunctionBuilder, l: &Lanes, op: UnaryOp, x: Value) -> Value {
    use UnaryOp::*;
    let signed = l.elem.is_signed_integer();
    match op {
        Neg => b.ins().ineg(x),
        Abs if signed => b.ins().iabs(x),
        Square => b.ins().imul(x, x),
        Invert => b.ins().bnot(x),
        LogicalNot => {
            let z = vconst(b, l, Scalar::Int(0));
            b.ins().icmp(IntCC::Equal, x, z)
        }
        _ => x,
    }
}

/// An integer vector binary op (comparisons give lane masks).
pub fn vbinary(b: &mut FunctionBuilder, l: &Lanes, op: BinaryOp, x: Value, y: Value) -> Value {
    use BinaryOp::*;
    let s = l.elem.is_signed_integer();
    let cmp = |b: &mut FunctionBuilder, signed: IntCC, unsigned: IntCC| {
        b.ins().icmp(if s { signed } else { unsigned }, x, y)
    };
    match op {
        Add => b.ins().iadd(x, y),
        Sub => b.ins().isub(x, y),
        Mul => b.ins().imul(x, y),
        BitAnd => b.ins().band(x, y),
        BitOr => b.ins().bor(x, y),
        BitXor => b.ins().bxor(x, y),
        Maximum | Fmax => fold(b, s, ReduceOp::Max, x, y),
        Minimum | Fmin => fold(b, s, ReduceOp::Min, x, y),
        Eq => b.ins().icmp(IntCC::Equal, x, y),
        Ne => b.ins().icmp(IntCC::NotEqual, x, y),
        Lt => cmp(b, IntCC::SignedLessThan, IntCC::UnsignedLessThan),
        Le => cmp(
            b,
            IntCC::SignedLessThanOrEqual,
            IntCC::UnsignedLessThanOrEqual,
        ),
        Gt => cmp(b, IntCC::SignedGreaterThan, IntCC::UnsignedGreaterThan),
        Ge => cmp(
            b,
            IntCC::SignedGreaterThanOrEqual,
            IntCC::UnsignedGreaterThanOrEqual,
        ),
        _ => unreachable!("{op} has no integer vector form (checked by lanes_for)"),
    }
}

/// Folds `x` into `acc` (vectors or scalars of one integer type), wrapping like NumPy.
pub fn fold(b: &mut FunctionBuilder, signed: bool, op: ReduceOp, acc: Value, x: Value) -> Value {
    match op {
        ReduceOp::Sum => b.ins().iadd(acc, x),
        ReduceOp::Prod => b.ins().imul(acc, x),
        ReduceOp::Max if signed => b.ins().smax(acc, x),
        ReduceOp::Max => b.ins().umax(acc, x),
        ReduceOp::Min if signed => b.ins().smin(acc, x),
        ReduceOp::Min => b.ins().umin(acc, x),
        ReduceOp::Any | ReduceOp::All => unreachable!("no integer vector fold for {op}"),
    }
}
