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

/// `asinh` without overflow for huge |x| or cancellation near 0 (glibc's formulation), in f64.
pub fn asinh64(x: f64) -> f64 {
    let a = x.abs();
    let r = if a > 2f64.powi(28) {
        a.ln() + std::f64::consts::LN_2
    } else if a > 2.0 {
        (2.0 * a + 1.0 / ((a * a + 1.0).sqrt() + a)).ln()
    } else {
        let t = a * a;
        (a + t / (1.0 + (1.0 + t).sqrt())).ln_1p()
    };
    r.copysign(x)
}

/// `acosh` without overflow for huge x (glibc's formulation), in f64.
pub fn acosh64(x: f64) -> f64 {
    if x < 1.0 {
        f64::NAN
    } else if x > 2f64.powi(28) {
        x.ln() + std::f64::consts::LN_2
    } else if x > 2.0 {
        (2.0 * x - 1.0 / (x + (x * x - 1.0).sqrt())).ln()
    } else {
        let t = x - 1.0;
        (t + (2.0 * t + t * t).sqrt()).ln_1p()
    }
}

/// `atanh` via `log1p` (glibc's formulation), in f64.
pub fn atanh64(x: f64) -> f64 {
    let a = x.abs();
    let r = if a < 0.5 {
        0.5 * (2.0 * a + 2.0 * a * a / (1.0 - a)).ln_1p()
    } else {
        0.5 * (2.0 * a / (1.0 - a)).ln_1p()
    };
    r.copysign(x)
}

fn via64<F: Real>(x: F, f: fn(f64) -> f64) -> F {
    F::from(f(x.to_f64().unwrap_or(f64::NAN))).unwrap_or_else(F::nan)
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
                Arcsinh => |x| via64(x, asinh64),
                Arccosh => |x| via64(x, acosh64),
                Arctanh => |x| via64(x, atanh64),
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
pub fn binary<F: Real>(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray>
where
    num_complex::Complex<F>: Element,
{
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
        Complex => map2::<F, num_complex::Complex<F>>(a, b, num_complex::Complex::new),
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
