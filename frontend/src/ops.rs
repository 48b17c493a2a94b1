//! Rust operators on arrays: `+ - * / % & | ^ << >>` with arrays, references and Rust scalars
//! on either side (scalars are weak, NEP 50), unary `-` and `!` (`invert`: logical not for bool).
//! A scalar on the left must be `f64`, `i32` or `bool` (the types of unsuffixed literals);
//! any scalar type works on the right.

use crate::array::{ok, Array};
use crate::convert::Operand;
use crate::ufunc::{binary_at, unary_at};
use numfuse_ir::{BinaryOp, Scalar, UnaryOp};
use std::ops;
use std::panic::Location;

macro_rules! binary_operator {
    ($($trait:ident, $method:ident => $op:ident;)*) => {$(
        impl<R: Into<Operand>> ops::$trait<R> for Array {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: R) -> Array {
                ok(binary_at(BinaryOp::$op, self.into(), rhs.into(), Location::caller()))
            }
        }
        impl<R: Into<Operand>> ops::$trait<R> for &Array {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: R) -> Array {
                ok(binary_at(BinaryOp::$op, self.into(), rhs.into(), Location::caller()))
            }
        }
        // Only one float and one integer type, so unsuffixed literals (`1.0 - x`, `2 * x`) infer.
        scalar_lhs!($trait, $method, $op; bool, i32, f64);
    )*};
}

macro_rules! scalar_lhs {
    ($trait:ident, $method:ident, $op:ident; $($t:ty),*) => {$(
        impl ops::$trait<Array> for $t {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: Array) -> Array {
                ok(binary_at(BinaryOp::$op, Operand::Scalar(Scalar::from(self)), rhs.into(), Location::caller()))
            }
        }
        impl ops::$trait<&Array> for $t {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: &Array) -> Array {
                ok(binary_at(BinaryOp::$op, Operand::Scalar(Scalar::from(self)), rhs.into(), Location::caller()))
            }
        }
    )*};
}

binary_operator! {
    Add, add => Add;
    Sub, sub => Sub;
    Mul, mul => Mul;
    Div, div => Div;
    Rem, rem => Rem;
    BitAnd, bitand => BitAnd;
    BitOr, bitor => BitOr;
    BitXor, bitxor => BitXor;
    Shl, shl => Shl;
    Shr, shr => Shr;
}

impl ops::Neg for Array {
    type Output = Array;
    #[track_caller]
    fn neg(self) -> Array {
        ok(unary_at(UnaryOp::Neg, &self, Location::caller()))
    }
}
impl ops::Neg for &Array {
    type Output = Array;
    #[track_caller]
    fn neg(self) -> Array {
        ok(unary_at(UnaryOp::Neg, self, Location::caller()))
    }
}
impl ops::Not for Array {
    type Output = Array;
    #[track_caller]
    fn not(self) -> Array {
        ok(unary_at(UnaryOp::Invert, &self, Location::caller()))
    }
}
impl ops::Not for &Array {
    type Output = Array;
    #[track_caller]
    fn not(self) -> Array {
        ok(unary_at(UnaryOp::Invert, self, Location::caller()))
    }
}
