//! Elementwise operations: NumPy's type resolution (NEP 50 weak scalars, then the ufunc's
//! first safe loop), broadcasting with errors that name both shapes and where each operand was
//! created, and the node construction shared by every ufunc, `where_` and `clip`.

use crate::array::Array;
use crate::convert::Operand;
use crate::creation::const_node;
use numfuse_ir::ufunc::{direct_binary_loop, resolve_binary, resolve_unary};
use numfuse_ir::{
    broadcast_shapes, promote, promote_weak, BinaryOp, DType, Error, Op, Result, Scalar, Shape,
    UnaryOp,
};
use std::panic::Location;

type Loc = &'static Location<'static>;

impl Array {
    /// `astype(dtype)` without the panic.
    #[track_caller]
    pub fn try_astype(&self, dtype: DType) -> Result<Array> {
        cast_to(self, dtype, Location::caller())
    }
}

pub(crate) fn cast_to(a: &Array, dtype: DType, origin: Loc) -> Result<Array> {
    if a.dtype() == dtype {
        return Ok(a.clone());
    }
    Array::from_op(Op::Cast(dtype), vec![a.clone()], origin)
}

pub(crate) fn broadcast_to(a: &Array, shape: &Shape, origin: Loc) -> Result<Array> {
    if a.shape() == shape {
        return Ok(a.clone());
    }
    Array::from_op(Op::Broadcast(shape.clone()), vec![a.clone()], origin)
}

/// Broadcasts arrays to their common shape, with NumPy's error naming every shape.
pub(crate) fn broadcast_all(arrays: &[Array], origin: Loc) -> Result<Vec<Array>> {
    let shapes: Vec<Shape> = arrays.iter().map(|a| a.shape().clone()).collect();
    let shape = broadcast_shapes(&shapes).ok_or_else(|| Error::Broadcast {
        shapes: shapes.clone(),
        origins: arrays.iter().map(|a| a.origin_opt()).collect(),
    })?;
    arrays
        .iter()
        .map(|a| broadcast_to(a, &shape, origin))
        .collect()
}

/// Checks that a weak integer fits an integer array dtype (NumPy raises OverflowError).
pub(crate) fn check_weak_int(s: Scalar, dtype: DType) -> Result<()> {
    if let (Some(v), Some((lo, hi))) = (s.as_i128(), dtype.integer_range()) {
        if dtype.is_integer() && matches!(s, Scalar::Int(_) | Scalar::UInt(_)) && (v < lo || v > hi)
        {
            return Err(Error::ScalarOutOfRange { value: v, dtype });
        }
    }
    Ok(())
}

/// The dtype NumPy promotes the operands to (before loop selection).
/// `check` = false skips NumPy's out-of-range check for weak integers (comparisons, `clip`
/// and `where` accept any Python integer).
pub(crate) fn promote_operands(ops: &[&Operand], check: bool) -> Result<DType> {
    let arrays: Vec<DType> = ops
        .iter()
        .filter_map(|o| match o {
            Operand::Array(a) => Some(a.dtype()),
            Operand::Scalar(_) => None,
        })
        .collect();
    let scalars: Vec<Scalar> = ops
        .iter()
        .filter_map(|o| match o {
            Operand::Scalar(s) => Some(*s),
            Operand::Array(_) => None,
        })
        .collect();
    let mut d = match arrays.is_empty() {
        false => numfuse_ir::dtype::promote_all(&arrays),
        true => {
            // only scalars: the first is strong (its default dtype), the rest weak
            let first = scalars[0];
            let strong = crate::creation::scalar_array(first, Location::caller()).dtype();
            scalars[1..]
                .iter()
                .fold(strong, |acc, s| promote_weak(acc, s.kind()))
        }
    };
    if !arrays.is_empty() {
        for s in &scalars {
            d = promote_weak(d, s.kind());
        }
    }
    if check {
        for s in &scalars {
            check_weak_int(*s, d)?;
        }
    }
    Ok(d)
}

fn operand_as(o: Operand, dtype: DType, origin: Loc) -> Result<Array> {
    match o {
        // an implicit cast belongs to its operand: errors name where the operand was made
        Operand::Array(a) => cast_to(&a, dtype, a.origin()),
        Operand::Scalar(s) => Ok(const_node(s, dtype, origin)),
    }
}

/// Builds `op(a, b)` with NumPy's type resolution and broadcasting.
pub(crate) fn binary_at(op: BinaryOp, a: Operand, b: Operand, origin: Loc) -> Result<Array> {
    let mut promoted = promote_operands(&[&a, &b], !op.returns_bool())?;
    if op.returns_bool() {
        // comparisons with a Python int beyond the dtype compare mathematically
        for s in [&a, &b].into_iter().filter_map(|o| match o {
            Operand::Scalar(s) => Some(*s),
            Operand::Array(_) => None,
        }) {
            if check_weak_int(s, promoted).is_err() {
                let wide = if matches!(s, Scalar::UInt(_)) {
                    DType::UInt64
                } else {
                    DType::Int64
                };
                promoted = promote(promoted, wide);
            }
        }
    }
    let (lp, _) = resolve_binary(op, promoted).map_err(|e| match e {
        Error::UnsupportedType { op, .. } => Error::UnsupportedType {
            op,
            dtypes: [&a, &b]
                .iter()
                .map(|o| operand_dtype(o, promoted))
                .collect(),
        },
        e => e,
    })?;
    // two arrays: NumPy takes the first loop both cast to, which may be smaller
    let lp = match (&a, &b) {
        (Operand::Array(x), Operand::Array(y)) if op != BinaryOp::Div => {
            direct_binary_loop(op, x.dtype(), y.dtype()).unwrap_or(lp)
        }
        _ => lp,
    };
    let x = operand_as(a, lp, origin)?;
    let y = operand_as(b, lp, origin)?;
    let xy = broadcast_all(&[x, y], origin)?;
    Array::from_op(Op::Binary(op), xy, origin)
}

fn operand_dtype(o: &Operand, promoted: DType) -> DType {
    match o {
        Operand::Array(a) => a.dtype(),
        Operand::Scalar(_) => promoted,
    }
}

/// Builds `op(a)` with NumPy's loop selection (e.g. `sqrt(int8)` runs in float16).
pub(crate) fn unary_at(op: UnaryOp, a: &Array, origin: Loc) -> Result<Array> {
    let (lp, _) = resolve_unary(op, a.dtype())?;
    let x = cast_to(a, lp, origin)?;
    Array::from_op(Op::Unary(op), vec![x], origin)
}

/// `np.where(cond, x, y)`.
pub(crate) fn where_at(cond: Operand, x: Operand, y: Operand, origin: Loc) -> Result<Array> {
    let d = promote_operands(&[&x, &y], false)?;
    let c = match cond {
        Operand::Array(a) => cast_to(&a, DType::Bool, origin)?,
        Operand::Scalar(s) => const_node(s, DType::Bool, origin),
    };
    let x = operand_as(x, d, origin)?;
    let y = operand_as(y, d, origin)?;
    let all = broadcast_all(&[c, x, y], origin)?;
    Array::from_op(Op::Where, all, origin)
}

/// `np.clip(a, lo, hi)` = `minimum(maximum(a, lo), hi)` with NumPy's promotion of all three.
pub(crate) fn clip_at(a: Operand, lo: Operand, hi: Operand, origin: Loc) -> Result<Array> {
    let d = promote_operands(&[&a, &lo, &hi], false)?;
    // a Python int bound beyond an integer dtype's range does not clip (NumPy saturates it)
    let saturate = |o: Operand| match (o, d.integer_range()) {
        (Operand::Scalar(s), Some((lo, hi))) if d.is_integer() => match s.as_i128() {
            Some(v) if v < lo => Operand::Scalar(Scalar::Int(lo as i64)),
            Some(v) if v > hi => Operand::Scalar(Scalar::from(hi as u64)),
            _ => Operand::Scalar(s),
        },
        (o, _) => o,
    };
    let (lo, hi) = (saturate(lo), saturate(hi));
    let a = operand_as(a, d, origin)?;
    let lo = operand_as(lo, d, origin)?;
    let hi = operand_as(hi, d, origin)?;
    let all = broadcast_all(&[a, lo, hi], origin)?;
    let m = binary_at(
        BinaryOp::Maximum,
        all[0].clone().into(),
        all[1].clone().into(),
        origin,
    )?;
    binary_at(BinaryOp::Minimum, m.into(), all[2].clone().into(), origin)
}
