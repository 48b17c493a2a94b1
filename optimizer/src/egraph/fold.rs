//! Constant folding with NumPy's scalar semantics, bit for bit.
//!
//! Only operations whose result is fully determined by IEEE 754 or two's-complement wrapping
//! are folded, on the dtypes bool, int32, int64, float32 and float64 — exactly what the
//! interpreter's loops (`numfuse_runtime::interp`) and the JIT compute: float32 arithmetic is
//! done in `f32`, integers wrap, `rint` rounds half to even. Everything else (transcendentals,
//! whose library results differ between engines by an ulp; float→int casts; division and power
//! on integers; NaN-producing operations) is left alone, so folding never changes a result.

use numfuse_ir::{BinaryOp, DType, Scalar, UnaryOp};

/// A constant's value in its dtype.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Konst {
    /// A bool.
    Bool(bool),
    /// An int32/int64 value (already wrapped to the dtype).
    Int(i64),
    /// A float32/float64 value (float32 values are exact in `f64`).
    Float(f64),
}

fn foldable(d: DType) -> bool {
    matches!(
        d,
        DType::Bool | DType::Int32 | DType::Int64 | DType::Float32 | DType::Float64
    )
}

fn wrap(i: i128, d: DType) -> Konst {
    match d {
        DType::Int32 => Konst::Int(i as i32 as i64),
        _ => Konst::Int(i as i64),
    }
}

/// The value a `Const { value, dtype }` node holds (NumPy's `astype` of the literal), when the
/// dtype and conversion are foldable.
pub fn konst_of(s: Scalar, d: DType) -> Option<Konst> {
    if !foldable(d) {
        return None;
    }
    let int = s.as_i128();
    Some(match d {
        DType::Bool => match s {
            Scalar::Float(_) => Konst::Bool(s.as_f64() != 0.0),
            Scalar::Complex(..) => return None,
            _ => Konst::Bool(int? != 0),
        },
        DType::Int32 | DType::Int64 => wrap(int?, d),
        DType::Float32 => Konst::Float(match int {
            Some(i) => i as f32 as f64,
            None if matches!(s, Scalar::Float(_)) => s.as_f64() as f32 as f64,
            None => return None,
        }),
        _ => Konst::Float(match int {
            Some(i) => i as f64,
            None if matches!(s, Scalar::Float(_)) => s.as_f64(),
            None => return None,
        }),
    })
}

/// The literal that stores `k` in a `Const` node of dtype `d`.
pub fn scalar_of(k: Konst) -> Scalar {
    match k {
        Konst::Bool(b) => Scalar::Bool(b),
        Konst::Int(i) => Scalar::Int(i),
        Konst::Float(f) => Scalar::float(f),
    }
}

fn finite_or_inf(f: f64) -> Option<Konst> {
    (!f.is_nan()).then_some(Konst::Float(f))
}

macro_rules! float_unary {
    ($t:ty, $u:expr, $x:expr) => {{
        let x = $x as $t;
        let r: $t = match $u {
            UnaryOp::Neg => -x,
            UnaryOp::Abs => x.abs(),
            UnaryOp::Sqrt => x.sqrt(),
            UnaryOp::Square => x * x,
            UnaryOp::Reciprocal => 1.0 / x,
            UnaryOp::Floor => x.floor(),
            UnaryOp::Ceil => x.ceil(),
            UnaryOp::Trunc => x.trunc(),
            UnaryOp::Rint => x.round_ties_even(),
            UnaryOp::IsNan => return Some(Konst::Bool(x.is_nan())),
            UnaryOp::IsInf => return Some(Konst::Bool(x.is_infinite())),
            UnaryOp::IsFinite => return Some(Konst::Bool(x.is_finite())),
            _ => return None,
        };
        finite_or_inf(r as f64)
    }};
}

/// `u(x)` for a constant `x` of loop dtype `d`, when foldable.
pub fn unary(u: UnaryOp, d: DType, x: Konst) -> Option<Konst> {
    match (d, x) {
        (DType::Float32, Konst::Float(x)) => float_unary!(f32, u, x),
        (DType::Float64, Konst::Float(x)) => float_unary!(f64, u, x),
        (DType::Int32 | DType::Int64, Konst::Int(x)) => {
            let r = match u {
                UnaryOp::Neg => (x as i128).wrapping_neg(),
                UnaryOp::Abs => (x as i128).abs(),
                UnaryOp::Square => (x as i128) * (x as i128),
                UnaryOp::Invert => !(x as i128),
                _ => return None,
            };
            Some(wrap(r, d))
        }
        (DType::Bool, Konst::Bool(b)) => match u {
            UnaryOp::LogicalNot | UnaryOp::Invert => Some(Konst::Bool(!b)),
            _ => None,
        },
        _ => None,
    }
}

macro_rules! float_binary {
    ($t:ty, $b:expr, $x:expr, $y:expr) => {{
        let (x, y) = ($x as $t, $y as $t);
        let r: $t = match $b {
            BinaryOp::Add => x + y,
            BinaryOp::Sub => x - y,
            BinaryOp::Mul => x * y,
            BinaryOp::Div => x / y,
            BinaryOp::Eq => return Some(Konst::Bool(x == y)),
            BinaryOp::Ne => return Some(Konst::Bool(x != y)),
            BinaryOp::Lt => return Some(Konst::Bool(x < y)),
            BinaryOp::Le => return Some(Konst::Bool(x <= y)),
            BinaryOp::Gt => return Some(Konst::Bool(x > y)),
            BinaryOp::Ge => return Some(Konst::Bool(x >= y)),
            _ => return None,
        };
        finite_or_inf(r as f64)
    }};
}

/// `b(x, y)` for constants of loop dtype `d`, when foldable.
pub fn binary(b: BinaryOp, d: DType, x: Konst, y: Konst) -> Option<Konst> {
    use BinaryOp as B;
    match (d, x, y) {
        (DType::Float32, Konst::Float(x), Konst::Float(y)) => float_binary!(f32, b, x, y),
        (DType::Float64, Konst::Float(x), Konst::Float(y)) => float_binary!(f64, b, x, y),
        (DType::Int32 | DType::Int64, Konst::Int(x), Konst::Int(y)) => {
            let (x, y) = (x as i128, y as i128);
            let r = match b {
                B::Add => x + y,
                B::Sub => x - y,
                B::Mul => x.wrapping_mul(y),
                B::Maximum | B::Fmax => x.max(y),
                B::Minimum | B::Fmin => x.min(y),
                B::BitAnd => x & y,
                B::BitOr => x | y,
                B::BitXor => x ^ y,
                B::Eq => return Some(Konst::Bool(x == y)),
                B::Ne => return Some(Konst::Bool(x != y)),
                B::Lt => return Some(Konst::Bool(x < y)),
                B::Le => return Some(Konst::Bool(x <= y)),
                B::Gt => return Some(Konst::Bool(x > y)),
                B::Ge => return Some(Konst::Bool(x >= y)),
                _ => return None,
            };
            Some(wrap(r, d))
        }
        (DType::Bool, Konst::Bool(x), Konst::Bool(y)) => Some(Konst::Bool(match b {
            B::LogicalAnd | B::BitAnd => x & y,
            B::LogicalOr | B::BitOr => x | y,
            B::LogicalXor | B::BitXor | B::Ne => x ^ y,
            B::Eq => x == y,
            _ => return None,
        })),
        _ => None,
    }
}

/// `x.astype(to)` for a constant `x` of dtype `from`, when foldable (never float → int).
pub fn cast(x: Konst, from: DType, to: DType) -> Option<Konst> {
    if !foldable(from) || !foldable(to) {
        return None;
    }
    match x {
        Konst::Bool(b) => konst_of(Scalar::Bool(b), to),
        Konst::Int(i) => konst_of(Scalar::Int(i), to),
        Konst::Float(f) if to.is_float() || to == DType::Bool => konst_of(Scalar::float(f), to),
        Konst::Float(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float32_folds_in_f32() {
        let a = konst_of(Scalar::float(0.1), DType::Float32).unwrap();
        let b = konst_of(Scalar::float(0.2), DType::Float32).unwrap();
        let r = binary(BinaryOp::Add, DType::Float32, a, b).unwrap();
        assert_eq!(r, Konst::Float((0.1f32 + 0.2f32) as f64));
    }

    #[test]
    fn ints_wrap_and_nan_is_not_folded() {
        let m = konst_of(Scalar::Int(i32::MAX as i64), DType::Int32).unwrap();
        let one = konst_of(Scalar::Int(1), DType::Int32).unwrap();
        assert_eq!(
            binary(BinaryOp::Add, DType::Int32, m, one),
            Some(Konst::Int(i32::MIN as i64))
        );
        let z = Konst::Float(0.0);
        assert_eq!(binary(BinaryOp::Div, DType::Float64, z, z), None);
        assert_eq!(cast(Konst::Float(1.5), DType::Float64, DType::Int64), None);
    }
}
