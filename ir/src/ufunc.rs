//! Ufunc type resolution: which inner-loop dtype NumPy picks for given input dtypes.
//!
//! NumPy promotes the inputs (NEP 50) and then takes the first registered loop the promoted
//! dtype casts to safely. Each ufunc here has a loop set; e.g. `sqrt` has float16/32/64 and
//! complex loops, so `sqrt(int8)` runs the float16 loop and `sqrt(int64)` the float64 one.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::op::{BinaryOp, UnaryOp};

/// A set of loop dtypes, searched in promotion order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopSet(u16);

const fn bit(d: DType) -> u16 {
    1 << (d as u16)
}

impl LoopSet {
    /// Every dtype.
    pub const ALL: LoopSet = LoopSet(0x3fff);
    /// Everything but bool (a bool input then runs the int8 loop).
    pub const NUMBER: LoopSet = LoopSet(0x3fff & !bit(DType::Bool));
    /// Integers and reals, no bool, no complex.
    pub const INT_REAL: LoopSet = LoopSet(0x0fff & !bit(DType::Bool));
    /// Reals only.
    pub const FLOAT: LoopSet =
        LoopSet(bit(DType::Float16) | bit(DType::Float32) | bit(DType::Float64));
    /// Reals and complex.
    pub const INEXACT: LoopSet =
        LoopSet(Self::FLOAT.0 | bit(DType::Complex64) | bit(DType::Complex128));
    /// Bool, integers and reals (no complex).
    pub const REAL_ALL: LoopSet = LoopSet(0x0fff);
    /// Bool and integers.
    pub const BOOL_INT: LoopSet = LoopSet(0x01ff);
    /// Integers only.
    pub const INT: LoopSet = LoopSet(0x01ff & !bit(DType::Bool));

    /// Whether `d` has a loop.
    pub fn contains(self, d: DType) -> bool {
        self.0 & bit(d) != 0
    }

    /// The first loop `d` casts to safely.
    pub fn resolve(self, d: DType) -> Option<DType> {
        DType::ALL
            .into_iter()
            .find(|&l| self.contains(l) && d.can_cast_safely(l))
    }
}

/// The loop set of a unary ufunc.
pub fn unary_loops(op: UnaryOp) -> LoopSet {
    use UnaryOp::*;
    match op {
        Neg | Sign | Square | Reciprocal => LoopSet::NUMBER,
        Abs | LogicalNot | IsNan | IsInf | IsFinite => LoopSet::ALL,
        Floor | Ceil | Trunc => LoopSet::REAL_ALL,
        Conj => LoopSet::NUMBER,
        Cbrt | Degrees | Radians => LoopSet::FLOAT,
        Invert => LoopSet::BOOL_INT,
        Real | Imag => LoopSet::ALL,
        _ => LoopSet::INEXACT,
    }
}

/// The loop set of a binary ufunc.
pub fn binary_loops(op: BinaryOp) -> LoopSet {
    use BinaryOp::*;
    match op {
        Add | Mul | Maximum | Minimum | Fmax | Fmin => LoopSet::ALL,
        Eq | Ne | Lt | Le | Gt | Ge | LogicalAnd | LogicalOr | LogicalXor => LoopSet::ALL,
        Sub | Pow => LoopSet::NUMBER,
        Div => LoopSet::INEXACT,
        FloorDiv | Rem => LoopSet::INT_REAL,
        Arctan2 | Hypot | Complex => LoopSet::FLOAT,
        BitAnd | BitOr | BitXor => LoopSet::BOOL_INT,
        Shl | Shr => LoopSet::INT,
    }
}

/// Loop and result dtypes of a unary ufunc applied to `input`.
///
/// ```
/// use numfuse_ir::{DType::*, UnaryOp};
/// use numfuse_ir::ufunc::resolve_unary;
/// assert_eq!(resolve_unary(UnaryOp::Sqrt, Int64).unwrap(), (Float64, Float64));
/// assert_eq!(resolve_unary(UnaryOp::Sqrt, Int8).unwrap(), (Float16, Float16));
/// assert_eq!(resolve_unary(UnaryOp::Abs, Complex128).unwrap(), (Complex128, Float64));
/// ```
pub fn resolve_unary(op: UnaryOp, input: DType) -> Result<(DType, DType)> {
    if op == UnaryOp::Neg && input == DType::Bool {
        return Err(Error::Type(
            "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.".into(),
        ));
    }
    if op == UnaryOp::Sign && input == DType::Bool {
        return Err(Error::UFuncType(
            "ufunc 'sign' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None".into(),
        ));
    }
    let unsupported = || Error::UnsupportedType {
        op: op.name(),
        dtypes: vec![input],
    };
    let lp = unary_loops(op).resolve(input).ok_or_else(unsupported)?;
    let out = match op {
        _ if op.returns_bool() => DType::Bool,
        UnaryOp::Abs | UnaryOp::Real | UnaryOp::Imag => lp.real_type(),
        _ => lp,
    };
    Ok((lp, out))
}

/// The loop for two *array* inputs: the first loop both cast to safely (NumPy's legacy
/// resolution, which differs from promote-then-resolve for e.g. `arctan2(int8, uint8)` →
/// float16); `None` when no loop accepts both.
pub fn direct_binary_loop(op: BinaryOp, a: DType, b: DType) -> Option<DType> {
    let set = binary_loops(op);
    DType::ALL
        .into_iter()
        .find(|&l| set.contains(l) && a.can_cast_safely(l) && b.can_cast_safely(l))
}

/// Loop and result dtypes of a binary ufunc on inputs already promoted to `promoted`.
///
/// ```
/// use numfuse_ir::{DType::*, BinaryOp};
/// use numfuse_ir::ufunc::resolve_binary;
/// assert_eq!(resolve_binary(BinaryOp::Div, Int64).unwrap(), (Float64, Float64));
/// assert_eq!(resolve_binary(BinaryOp::Lt, Int8).unwrap(), (Int8, Bool));
/// ```
pub fn resolve_binary(op: BinaryOp, promoted: DType) -> Result<(DType, DType)> {
    if op == BinaryOp::Sub && promoted == DType::Bool {
        return Err(Error::Type(
            "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.".into(),
        ));
    }
    if op == BinaryOp::Div && !promoted.is_inexact() {
        // NumPy's true-division resolver sends every integer input to the float64 loop
        return Ok((DType::Float64, DType::Float64));
    }
    let lp = binary_loops(op)
        .resolve(promoted)
        .ok_or_else(|| Error::UnsupportedType {
            op: op.name(),
            dtypes: vec![promoted, promoted],
        })?;
    Ok((lp, op.result_dtype(lp)))
}
