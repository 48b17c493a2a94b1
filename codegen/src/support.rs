//! What the JIT compiles: the dtypes, ops and casts with a code path in `emit`. The
//! scheduler asks [`node_supported`] and turns everything else into library steps (the
//! runtime's routines), so a kernel never contains an op the code generator cannot emit.

use numfuse_ir::{BinaryOp, DType, Graph, Node, Op, UnaryOp};

/// Dtypes with native machine representations (float16 and complex go to library steps).
pub fn dtype_supported(d: DType) -> bool {
    !matches!(d, DType::Float16 | DType::Complex64 | DType::Complex128)
}

/// Whether the scalar code path handles `op` on loop dtype `d`.
pub fn unary_supported(op: UnaryOp, d: DType) -> bool {
    use UnaryOp::*;
    if !dtype_supported(d) {
        return false;
    }
    match op {
        LogicalNot | IsNan | IsInf | IsFinite | Abs | Floor | Ceil | Trunc | Real | Imag | Conj => {
            true
        }
        Invert => !d.is_float(),
        Neg | Sign | Square => !d.is_bool(),
        Sqrt | Reciprocal | Degrees | Radians | Rint => d.is_float(),
        _ => false,
    }
}

/// Whether the scalar code path handles `op` on loop dtype `d`.
pub fn binary_supported(op: BinaryOp, d: DType) -> bool {
    use BinaryOp::*;
    if !dtype_supported(d) {
        return false;
    }
    match op {
        Add | Mul | Maximum | Minimum | Fmax | Fmin | Eq | Ne | Lt | Le | Gt | Ge | LogicalAnd
        | LogicalOr | LogicalXor => true,
        Sub => !d.is_bool(),
        Div => d.is_float(),
        BitAnd | BitOr | BitXor => !d.is_float(),
        FloorDiv | Rem | Shl | Shr => d.is_integer(),
        _ => false,
    }
}

/// Whether a graph node can be part of a compiled kernel.
pub fn node_supported(node: &Node, g: &Graph) -> bool {
    let input = |i: usize| g.node(node.inputs[i]).dtype;
    if !dtype_supported(node.dtype) {
        return false;
    }
    match &node.op {
        Op::Unary(u) => unary_supported(*u, input(0)),
        Op::Binary(b) => binary_supported(*b, input(0)),
        Op::Where | Op::Copy => true,
        Op::Cast(_) => dtype_supported(input(0)),
        Op::Reduce { .. } => dtype_supported(input(0)),
        Op::Const { .. } => true,
        op if op.is_movement() => true,
        _ => false,
    }
}
