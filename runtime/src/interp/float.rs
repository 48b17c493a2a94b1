//! Real floating-point element kernels (float32 and float64; float16 runs through float32 and
//! rounds, as NumPy's half loops do). Semantics follow NumPy's C loops: `maximum` propagates
//! NaN, `fmax` ignores it, floor division and remainder follow `npy_divmod`.

use super::loops::{map1, map2};
use crate::ndarray::NdArray;
use crate::value::Element;
use num_traits::Float;
use numfuse_ir::{BinaryOp, Result, UnaryOp};

/// Real float element types.
pub trait Real: Element + Float {
    /// Round half to even.
    fn rint(self) -> Self;
    /// 180/π in this precision, computed as NumPy does.
    fn rad2deg() -> Self;
    /// π/180.
    fn deg2rad() -> Self;
}
impl Real for f32 {
    fn rint(self) -> f32 {
        self.round_ties_even()
    }
    fn rad2deg() -> f32 {
        (180.0f64 / std::f64::consts::PI) as f32
    }
    fn deg2rad() -> f32 {
        (std::f64::consts::PI / 180.0) as f32
    }
}
impl Real for f64 {
    fn rint(self) -> f64 {
        self.round_ties_even()
    }
    fn rad2deg() -> f64 {
        180.0 / std::f64::consts::PI
    }
    fn deg2rad() -> f64 {
        std::f64::consts::PI / 180.0
    }
}

fn sign<F: Real>(x: F) -> F {
    if x > F::zero() {
        F::one()
    } else if x < F::zero() {
        -F::one()
    } else if x == F::zero() {
        F::zero()
    } else {
        x
    }
}

/// NumPy's `npy_divmod`: (floor quotient, remainder with the divisor's sign).
pub fn divmod<F: Real>(a: F, b: F) -> (F, F) {
    let m = a % b;
    if b == F::zero() {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    let mut m = m;
    if m != F::zero() {
        if (b < F::zero()) != (m < F::zero()) {
            m = m + b;
            div = div - F::one();
        }
    } else {
        m = F::zero().copysign(b);
    }
    let fdiv = if div != F::zero() {
        let f = div.floor();
        if div - f > F::from(0.5).unwrap() {
            f + F::one()
        } else {
            f
        }
    } else {
        F::zero().copysign(a / b)
    };
    (fdiv, m)
}

fn floor_div<F: Real>(a: F, b: F) -> F {
    if b == F::zero() {
        return a / b;
    }
    divmod(a, b).0
}

/// Unary ufunc on a real float array of loop dtype `F`.
pub fn unary<F: Real>(op: UnaryOp, a: &NdArray) -> Result<NdArray> {
    use UnaryOp::*;
    Ok(match op {
        IsNan => map1::<F, bool>(a, |x| x.is_nan()),
        IsInf => map1::<F, bool>(a, |x| x.is_infinite()),
        IsFinite => map1::<F, bool>(a, |x| x.is_finite()),
        LogicalNot => map1::<F, bool>(a, |x| x == F::zero()),
        _ => {
            let f: fn(F) -> F = match op {
                Neg => |x| -x,
                Abs => |x| x.abs(),
                Sign => sign,
                Sqrt => |x| x.sqrt(),
                Cbrt => |x| x.cbrt(),
                Square => |x| x * x,
                Reciprocal => |x| F::one() / x,
                Exp => |x| x.exp(),
                Exp2 => |x| x.exp2(),
                Expm1 => |x| x.exp_m1(),
                Log => |x| x.ln(),
                Log2 => |x| x.log2(),
                Log10 => |x| x.log10(),
                Log1p => |x| x.ln_1p(),
                Sin => |x| x.sin(),
                Cos => |x| x.cos(),
                Tan => |x| x.tan(),
                Arcsin => |x| x.asin(),
                Arccos => |x| x.acos(),
                Arctan => |x| x.atan(),
                Sinh => |x| x.sinh(),
                Cosh => |x| x.cosh(),
                Tanh => |x| x.tanh(),
                Arcsinh => |x| x.asinh(),
                Arccosh => |x| x.acosh(),
                Arctanh => |x| x.atanh(),
                Degrees => |x| x * F::rad2deg(),
                Radians => |x| x * F::deg2rad(),
                Floor => |x| x.floor(),
                Ceil => |x| x.ceil(),
                Trunc => |x| x.trunc(),
                Rint => |x| x.rint(),
                Conj | Real => |x| x,
                Imag => |_| F::zero(),
                _ => return Err(super::no_loop(op.name(), F::DTYPE)),
            };
            map1(a, f)
        }
    })
}

/// Binary ufunc on two real float arrays of loop dtype `F`.
pub fn binary<F: Real>(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    use BinaryOp::*;
    let truthy = |x: F| x != F::zero();
    Ok(match op {
        Eq => map2::<F, bool>(a, b, |x, y| x == y),
        Ne => map2::<F, bool>(a, b, |x, y| x != y),
        Lt => map2::<F, bool>(a, b, |x, y| x < y),
        Le => map2::<F, bool>(a, b, |x, y| x <= y),
        Gt => map2::<F, bool>(a, b, |x, y| x > y),
        Ge => map2::<F, bool>(a, b, |x, y| x >= y),
        LogicalAnd => map2::<F, bool>(a, b, |x, y| truthy(x) && truthy(y)),
        LogicalOr => map2::<F, bool>(a, b, |x, y| truthy(x) || truthy(y)),
        LogicalXor => map2::<F, bool>(a, b, |x, y| truthy(x) != truthy(y)),
        _ => {
            let f: fn(F, F) -> F = match op {
                Add => |x, y| x + y,
                Sub => |x, y| x - y,
                Mul => |x, y| x * y,
                Div => |x, y| x / y,
                FloorDiv => floor_div,
                Rem => |x, y| divmod(x, y).1,
                Pow => |x, y| x.powf(y),
                Arctan2 => |x, y| x.atan2(y),
                Hypot => |x, y| x.hypot(y),
                Maximum => |x, y| if x >= y || x.is_nan() { x } else { y },
                Minimum => |x, y| if x <= y || x.is_nan() { x } else { y },
                Fmax => |x, y| if x >= y || y.is_nan() { x } else { y },
                Fmin => |x, y| if x <= y || y.is_nan() { x } else { y },
                _ => return Err(super::no_loop(op.name(), F::DTYPE)),
            };
            map2(a, b, f)
        }
    })
}
