//! Integer and bool element kernels with NumPy's semantics: wrap-around arithmetic, floor
//! division and Python-sign remainder (0 for division by zero), shifts that saturate to 0/−1,
//! and the error for negative integer powers.

use super::loops::{map1, map2, try_map2};
use crate::ndarray::NdArray;
use crate::value::Element;
use numfuse_ir::{BinaryOp, Error, Result, UnaryOp};

/// Integer element types with NumPy's operations.
pub trait Int: Element + Ord + Eq {
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// Bits in the type.
    const BITS: i128;
    /// Wrapping addition.
    fn wadd(self, o: Self) -> Self;
    /// Wrapping subtraction.
    fn wsub(self, o: Self) -> Self;
    /// Wrapping multiplication.
    fn wmul(self, o: Self) -> Self;
    /// Wrapping negation.
    fn wneg(self) -> Self;
    /// Wrapping absolute value.
    fn wabs(self) -> Self;
    /// Python floor division; 0 for division by zero.
    fn floor_div(self, o: Self) -> Self;
    /// Python remainder (sign of the divisor); 0 for division by zero.
    fn py_rem(self, o: Self) -> Self;
    /// Bitwise operations.
    fn band(self, o: Self) -> Self;
    /// Bitwise or.
    fn bor(self, o: Self) -> Self;
    /// Bitwise xor.
    fn bxor(self, o: Self) -> Self;
    /// Bitwise not.
    fn bnot(self) -> Self;
    /// The value as i128.
    fn wide(self) -> i128;
    /// Shift left by `s` bits (0 when `s` is out of `0..BITS`).
    fn shl_by(self, s: i128) -> Self;
    /// Arithmetic shift right by `s` bits (sign fill when out of range).
    fn shr_by(self, s: i128) -> Self;
}

macro_rules! impl_int {
    ($($t:ty),*) => {$(
        impl Int for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const BITS: i128 = <$t>::BITS as i128;
            fn wadd(self, o: Self) -> Self { self.wrapping_add(o) }
            fn wsub(self, o: Self) -> Self { self.wrapping_sub(o) }
            fn wmul(self, o: Self) -> Self { self.wrapping_mul(o) }
            fn wneg(self) -> Self { self.wrapping_neg() }
            #[allow(unused_comparisons)]
            fn wabs(self) -> Self { if self < 0 { self.wrapping_neg() } else { self } }
            #[allow(unused_comparisons)]
            fn floor_div(self, o: Self) -> Self {
                if o == 0 { return 0; }
                let q = self.wrapping_div(o);
                if self.wrapping_rem(o) != 0 && ((self < 0) != (o < 0)) { q.wrapping_sub(1) } else { q }
            }
            #[allow(unused_comparisons)]
            fn py_rem(self, o: Self) -> Self {
                if o == 0 { return 0; }
                let r = self.wrapping_rem(o);
                if r != 0 && ((r < 0) != (o < 0)) { r.wrapping_add(o) } else { r }
            }
            fn band(self, o: Self) -> Self { self & o }
            fn bor(self, o: Self) -> Self { self | o }
            fn bxor(self, o: Self) -> Self { self ^ o }
            fn bnot(self) -> Self { !self }
            fn wide(self) -> i128 { self as i128 }
            fn shl_by(self, s: i128) -> Self {
                if (0..<Self as Int>::BITS).contains(&s) { self << s as u32 } else { 0 }
            }
            #[allow(unused_comparisons)]
            fn shr_by(self, s: i128) -> Self {
                if (0..<Self as Int>::BITS).contains(&s) { self >> s as u32 }
                else if self < 0 { !0 } else { 0 }
            }
        }
    )*};
}
impl_int!(i8, u8, i16, u16, i32, u32, i64, u64);

fn sign<T: Int>(x: T) -> T {
    match x.wide() {
        0 => T::ZERO,
        w if w > 0 => T::ONE,
        _ => T::ZERO.wsub(T::ONE),
    }
}

fn ipow<T: Int>(base: T, exp: T) -> Result<T> {
    let e = exp.wide();
    if e < 0 {
        return Err(Error::Value(
            "Integers to negative integer powers are not allowed.".into(),
        ));
    }
    let (mut acc, mut b, mut e) = (T::ONE, base, e as u128);
    while e > 0 {
        if e & 1 == 1 {
            acc = acc.wmul(b);
        }
        b = b.wmul(b);
        e >>= 1;
    }
    Ok(acc)
}

/// Unary ufunc on an integer array (loop dtype = `T`).
pub fn unary<T: Int>(op: UnaryOp, a: &NdArray) -> Result<NdArray> {
    use UnaryOp::*;
    Ok(match op {
        IsNan | IsInf => map1::<T, bool>(a, |_| false),
        IsFinite => map1::<T, bool>(a, |_| true),
        LogicalNot => map1::<T, bool>(a, |x| x == T::ZERO),
        _ => {
            let f: fn(T) -> T = match op {
                Neg => T::wneg,
                Abs => T::wabs,
                Sign => sign,
                Square => |x| x.wmul(x),
                // C's truncating 1/x: only ±1 give a nonzero result
                Reciprocal => |x| match x.wide() {
                    1 => T::ONE,
                    -1 => T::ZERO.wsub(T::ONE),
                    _ => T::ZERO,
                },
                Invert => T::bnot,
                Floor | Ceil | Trunc | Conj | Real => |x| x,
                Imag => |_| T::ZERO,
                _ => return Err(super::no_loop(op.name(), T::DTYPE)),
            };
            map1(a, f)
        }
    })
}

/// Binary ufunc on two integer arrays of loop dtype `T`.
pub fn binary<T: Int>(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    use BinaryOp::*;
    let truthy = |x: T| x != T::ZERO;
    Ok(match op {
        Eq => map2::<T, bool>(a, b, |x, y| x == y),
        Ne => map2::<T, bool>(a, b, |x, y| x != y),
        Lt => map2::<T, bool>(a, b, |x, y| x < y),
        Le => map2::<T, bool>(a, b, |x, y| x <= y),
        Gt => map2::<T, bool>(a, b, |x, y| x > y),
        Ge => map2::<T, bool>(a, b, |x, y| x >= y),
        LogicalAnd => map2::<T, bool>(a, b, |x, y| truthy(x) && truthy(y)),
        LogicalOr => map2::<T, bool>(a, b, |x, y| truthy(x) || truthy(y)),
        LogicalXor => map2::<T, bool>(a, b, |x, y| truthy(x) != truthy(y)),
        Pow => try_map2::<T, T>(a, b, ipow)?,
        _ => {
            let f: fn(T, T) -> T = match op {
                Add => T::wadd,
                Sub => T::wsub,
                Mul => T::wmul,
                FloorDiv => T::floor_div,
                Rem => T::py_rem,
                Maximum | Fmax => |x, y| x.max(y),
                Minimum | Fmin => |x, y| x.min(y),
                BitAnd => T::band,
                BitOr => T::bor,
                BitXor => T::bxor,
                Shl => |x, y| x.shl_by(y.wide()),
                Shr => |x, y| x.shr_by(y.wide()),
                _ => return Err(super::no_loop(op.name(), T::DTYPE)),
            };
            map2(a, b, f)
        }
    })
}

/// Unary ufunc on a bool array.
pub fn bool_unary(op: UnaryOp, a: &NdArray) -> Result<NdArray> {
    use UnaryOp::*;
    let f: fn(bool) -> bool = match op {
        IsNan | IsInf => |_| false,
        IsFinite => |_| true,
        LogicalNot | Invert => |x| !x,
        Abs | Floor | Ceil | Trunc | Real => |x| x,
        Imag => |_| false,
        _ => return Err(super::no_loop(op.name(), numfuse_ir::DType::Bool)),
    };
    Ok(map1(a, f))
}

/// Binary ufunc on two bool arrays.
pub fn bool_binary(op: BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    use BinaryOp::*;
    let f: fn(bool, bool) -> bool = match op {
        Add | LogicalOr | BitOr | Maximum | Fmax => |x, y| x || y,
        Mul | LogicalAnd | BitAnd | Minimum | Fmin => |x, y| x && y,
        LogicalXor | BitXor | Ne => |x, y| x != y,
        Eq => |x, y| x == y,
        Lt => |x, y| !x & y,
        Le => |x, y| x <= y,
        Gt => |x, y| x & !y,
        Ge => |x, y| x >= y,
        _ => return Err(super::no_loop(op.name(), numfuse_ir::DType::Bool)),
    };
    Ok(map2(a, b, f))
}
