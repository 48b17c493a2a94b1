//! Complex element kernels (complex64, complex128) following NumPy's C loops: Smith's division,
//! lexicographic ordering for comparisons and maximum/minimum, `sign(z) = z/|z|`.

use super::float::Real;
use super::loops::{map1, map2};
use crate::buffer::Pod;
use crate::ndarray::NdArray;
use crate::value::Element;
use num_complex::Complex;
use num_traits::Zero;
use numfuse_ir::{BinaryOp, Result, UnaryOp};

/// NumPy's complex division (Smith's algorithm).
pub fn cdiv<F: Real>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    let (ar, ai, br, bi) = (a.re, a.im, b.re, b.im);
    let (abr, abi) = (br.abs(), bi.abs());
    if abr >= abi {
        if abr == F::zero() && abi == F::zero() {
            Complex::new(ar / abr, ai / abi)
        } else {
            let rat = bi / br;
            let scl = F::one() / (br + bi * rat);
            Complex::new((ar + ai * rat) * scl, (ai - ar * rat) * scl)
        }
    } else {
        let rat = br / bi;
        let scl = F::one() / (bi + br * rat);
        Complex::new((ar * rat + ai) * scl, (ai * rat - ar) * scl)
    }
}

// NumPy's CLT/CLE: lexicographic, and a NaN imaginary part makes the real comparison unordered
fn lt<F: Real>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im < b.im)
}
fn le<F: Real>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im <= b.im)
}

/// NumPy 2's complex sign: `z / |z|`, with infinite parts mapped to ±1 first.
fn csign<F: Real>(z: Complex<F>) -> Complex<F> {
    let (ri, ii) = (z.re.is_infinite(), z.im.is_infinite());
    if ri || ii {
        if ri && ii {
            return Complex::new(F::nan(), F::nan());
        }
        let unit = |v: F, inf: bool| {
            if inf {
                v.signum()
            } else {
                F::zero() * v.signum()
            }
        };
        return Complex::new(unit(z.re, ri), unit(z.im, ii));
    }
    let n = z.re.hypot(z.im);
    if n == F::zero() {
        z
    } else if n.is_nan() {
        Complex::new(F::nan(), F::nan())
    } else {
        Complex::new(z.re / n, z.im / n)
    }
}

/// NumPy's complex power: exact repeated multiplication for small integer exponents.
fn cpow<F: Real>(x: Complex<F>, y: Complex<F>) -> Complex<F> {
    let one = Complex::new(F::one(), F::zero());
    if y.is_zero() {
        return one;
    }
    if x.is_zero() {
        // NumPy 2: 0**z is 0 for Re(z) > 0, NaN otherwise
        return if y.re > F::zero() {
            Complex::new(F::zero(), F::zero())
        } else {
            Complex::new(F::nan(), F::nan())
        };
    }
    if y.im == F::zero() && y.re == y.re.round() && y.re.abs() < F::from(100.0).unwrap() {
        let n = y.re.to_i64().unwrap_or(0);
        match n {
            1 => return x,
            2 => return x * x,
            3 => return x * (x * x),
            _ => {}
        }
        let (mut acc, mut base, mut e) = (one, x, n.unsigned_abs());
        while e > 0 {
            if e & 1 == 1 {
                acc = acc * base;
            }
            base = base * base;
            e >>= 1;
        }
        return if n < 0 { cdiv(one, acc) } else { acc };
    }
    x.powc(y)
}
fn has_nan<F: Real>(a: Complex<F>) -> bool {
    a.re.is_nan() || a.im.is_nan()
}

/// Unary ufunc on a complex array with component type `F`.
pub fn unary<F: Real>(op: UnaryOp, a: &NdArray) -> Result<NdArray>
where
    Complex<F>: Element,
{
    use UnaryOp::*;
    type C<F> = Complex<F>;
    Ok(match op {
        IsNan => map1::<C<F>, bool>(a, has_nan),
        IsInf => map1::<C<F>, bool>(a, |z| z.re.is_infinite() || z.im.is_infinite()),
        IsFinite => map1::<C<F>, bool>(a, |z| z.re.is_finite() && z.im.is_finite()),
        LogicalNot => map1::<C<F>, bool>(a, |z| z.is_zero()),
        Abs => map1::<C<F>, F>(a, |z| z.re.hypot(z.im)),
        Real => map1::<C<F>, F>(a, |z| z.re),
        Imag => map1::<C<F>, F>(a, |z| z.im),
        _ => {
            let f: fn(C<F>) -> C<F> = match op {
                Neg => |z| -z,
                Conj => |z| z.conj(),
                Sign => csign,
                Sqrt => |z| z.sqrt(),
                Square => |z| z * z,
                Reciprocal => |z| cdiv(Complex::new(F::one(), F::zero()), z),
                Exp => |z| z.exp(),
                Exp2 => |z| z.expf(F::from(2.0).unwrap()),
                Expm1 => |z| z.exp() - Complex::new(F::one(), F::zero()),
                Log => |z| z.ln(),
                Log2 => |z| z.ln() / F::from(std::f64::consts::LN_2).unwrap(),
                Log10 => |z| z.ln() / F::from(std::f64::consts::LN_10).unwrap(),
                Log1p => |z| (z + Complex::new(F::one(), F::zero())).ln(),
                Sin => |z| z.sin(),
                Cos => |z| z.cos(),
                Tan => |z| z.tan(),
                Arcsin => |z| z.asin(),
                Arccos => |z| z.acos(),
                Arctan => |z| z.atan(),
                Sinh => |z| z.sinh(),
                Cosh => |z| z.cosh(),
                Tanh => |z| z.tanh(),
                Arcsinh => |z| z.asinh(),
                Arccosh => |z| z.acosh(),
                Arctanh => |z| z.atanh(),
                Rint => |z| Complex::new(z.re.rint(), z.im.rint()),
                _ => return Err(super::no_loop(op.name(), <C<F>>::DTYPE)),
            };
            map1(a, f)
        }
    })
}

/// Binary ufunc on two complex arrays.
pub fn binary<F: Real>(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray>
where
    Complex<F>: Element,
{
    use BinaryOp::*;
    type C<F> = num_complex::Complex<F>;
    Ok(match op {
        Eq => map2::<C<F>, bool>(a, b, |x, y| x == y),
        Ne => map2::<C<F>, bool>(a, b, |x, y| x != y),
        Lt => map2::<C<F>, bool>(a, b, lt),
        Le => map2::<C<F>, bool>(a, b, le),
        Gt => map2::<C<F>, bool>(a, b, |x, y| lt(y, x)),
        Ge => map2::<C<F>, bool>(a, b, |x, y| le(y, x)),
        LogicalAnd => map2::<C<F>, bool>(a, b, |x, y| !x.is_zero() && !y.is_zero()),
        LogicalOr => map2::<C<F>, bool>(a, b, |x, y| !x.is_zero() || !y.is_zero()),
        LogicalXor => map2::<C<F>, bool>(a, b, |x, y| x.is_zero() != y.is_zero()),
        _ => {
            let f: fn(C<F>, C<F>) -> C<F> = match op {
                Add => |x, y| x + y,
                Sub => |x, y| x - y,
                Mul => |x, y| x * y,
                Div => cdiv,
                Pow => cpow,
                Maximum => |x, y| if le(y, x) || has_nan(x) { x } else { y },
                Minimum => |x, y| if le(x, y) || has_nan(x) { x } else { y },
                Fmax => |x, y| if le(y, x) || has_nan(y) { x } else { y },
                Fmin => |x, y| if le(x, y) || has_nan(y) { x } else { y },
                _ => return Err(super::no_loop(op.name(), <C<F>>::DTYPE)),
            };
            map2(a, b, f)
        }
    })
}
