//! The elementwise API: every unary and binary ufunc as a method on [`Array`] and as a free
//! function (`x.sqrt()` / `nf::sqrt(&x)`), each with a fallible `try_` form, plus the composites
//! NumPy defines in Python (`round`, `nan_to_num`, `where_`, `clip`, `real`, `imag`).

use crate::array::{ok, Array};
use crate::convert::{IntoArray, Operand};
use crate::ufunc::{binary_at, clip_at, unary_at, where_at};
use numfuse_ir::{BinaryOp, DType, Result, Scalar, UnaryOp};
use std::panic::Location;

macro_rules! unary_api {
    ($($name:ident, $try_name:ident => $op:ident;)*) => {
        impl Array {$(
            #[doc = concat!("`np.", stringify!($name), "` (fallible form).")]
            #[track_caller]
            pub fn $try_name(&self) -> Result<Array> {
                unary_at(UnaryOp::$op, self, Location::caller())
            }
            #[doc = concat!("`np.", stringify!($name), "`, elementwise.")]
            #[track_caller]
            pub fn $name(&self) -> Array {
                ok(self.$try_name())
            }
        )*}
        /// Free-function forms of the unary ufuncs (`nf::sqrt(x)`), accepting arrays or data.
        pub mod unary_fns {
            use super::*;
            $(
                #[doc = concat!("`np.", stringify!($name), "(x)`.")]
                #[track_caller]
                pub fn $name(x: impl IntoArray) -> Array {
                    x.into_array().$name()
                }
            )*
        }
    };
}

unary_api! {
    negative, try_negative => Neg;
    abs, try_abs => Abs;
    sign, try_sign => Sign;
    sqrt, try_sqrt => Sqrt;
    cbrt, try_cbrt => Cbrt;
    square, try_square => Square;
    reciprocal, try_reciprocal => Reciprocal;
    exp, try_exp => Exp;
    exp2, try_exp2 => Exp2;
    expm1, try_expm1 => Expm1;
    log, try_log => Log;
    log2, try_log2 => Log2;
    log10, try_log10 => Log10;
    log1p, try_log1p => Log1p;
    sin, try_sin => Sin;
    cos, try_cos => Cos;
    tan, try_tan => Tan;
    arcsin, try_arcsin => Arcsin;
    arccos, try_arccos => Arccos;
    arctan, try_arctan => Arctan;
    sinh, try_sinh => Sinh;
    cosh, try_cosh => Cosh;
    tanh, try_tanh => Tanh;
    arcsinh, try_arcsinh => Arcsinh;
    arccosh, try_arccosh => Arccosh;
    arctanh, try_arctanh => Arctanh;
    degrees, try_degrees => Degrees;
    radians, try_radians => Radians;
    floor, try_floor => Floor;
    ceil, try_ceil => Ceil;
    trunc, try_trunc => Trunc;
    rint, try_rint => Rint;
    logical_not, try_logical_not => LogicalNot;
    invert, try_invert => Invert;
    isnan, try_isnan => IsNan;
    isinf, try_isinf => IsInf;
    isfinite, try_isfinite => IsFinite;
    conj, try_conj => Conj;
}

macro_rules! binary_api {
    ($($name:ident, $try_name:ident => $op:ident;)*) => {
        impl Array {$(
            #[doc = concat!("`np.", stringify!($name), "(self, other)` (fallible form).")]
            #[track_caller]
            pub fn $try_name(&self, other: impl Into<Operand>) -> Result<Array> {
                binary_at(BinaryOp::$op, self.into(), other.into(), Location::caller())
            }
            #[doc = concat!("`np.", stringify!($name), "(self, other)`, elementwise with broadcasting.")]
            #[track_caller]
            pub fn $name(&self, other: impl Into<Operand>) -> Array {
                ok(self.$try_name(other))
            }
        )*}
        /// Free-function forms of the binary ufuncs (`nf::maximum(a, b)`); either side may be
        /// an array or a weak Rust scalar.
        pub mod binary_fns {
            use super::*;
            $(
                #[doc = concat!("`np.", stringify!($name), "(a, b)`.")]
                #[track_caller]
                pub fn $name(a: impl Into<Operand>, b: impl Into<Operand>) -> Array {
                    ok(binary_at(BinaryOp::$op, a.into(), b.into(), Location::caller()))
                }
                #[doc = concat!("`np.", stringify!($name), "(a, b)` (fallible form).")]
                #[track_caller]
                pub fn $try_name(a: impl Into<Operand>, b: impl Into<Operand>) -> Result<Array> {
                    binary_at(BinaryOp::$op, a.into(), b.into(), Location::caller())
                }
            )*
        }
    };
}

binary_api! {
    add, try_add => Add;
    subtract, try_subtract => Sub;
    multiply, try_multiply => Mul;
    divide, try_divide => Div;
    true_divide, try_true_divide => Div;
    floor_divide, try_floor_divide => FloorDiv;
    remainder, try_remainder => Rem;
    mod_, try_mod => Rem;
    power, try_power => Pow;
    arctan2, try_arctan2 => Arctan2;
    hypot, try_hypot => Hypot;
    maximum, try_maximum => Maximum;
    minimum, try_minimum => Minimum;
    fmax, try_fmax => Fmax;
    fmin, try_fmin => Fmin;
    equal, try_equal => Eq;
    not_equal, try_not_equal => Ne;
    less, try_less => Lt;
    less_equal, try_less_equal => Le;
    greater, try_greater => Gt;
    greater_equal, try_greater_equal => Ge;
    lt, try_lt => Lt;
    le, try_le => Le;
    gt, try_gt => Gt;
    ge, try_ge => Ge;
    logical_and, try_logical_and => LogicalAnd;
    logical_or, try_logical_or => LogicalOr;
    logical_xor, try_logical_xor => LogicalXor;
    bitwise_and, try_bitwise_and => BitAnd;
    bitwise_or, try_bitwise_or => BitOr;
    bitwise_xor, try_bitwise_xor => BitXor;
    left_shift, try_left_shift => Shl;
    right_shift, try_right_shift => Shr;
}

impl Array {
    /// `np.round(x, decimals)` (NumPy's `around`: scale, round half to even, unscale; integer
    /// arrays with `decimals >= 0` are returned unchanged).
    #[track_caller]
    pub fn try_round(&self, decimals: i32) -> Result<Array> {
        let origin = Location::caller();
        if self.dtype() == DType::Bool && decimals != 0 {
            let op = if decimals > 0 { "multiply" } else { "divide" };
            return Err(numfuse_ir::Error::UFuncType(format!(
                "Cannot cast ufunc '{op}' output from dtype('float64') to dtype('bool') with casting rule 'same_kind'"
            )));
        }
        if self.dtype().is_integer() && decimals >= 0 {
            return Ok(self.clone());
        }
        if decimals == 0 {
            return unary_at(UnaryOp::Rint, self, origin);
        }
        if self.dtype().is_complex() {
            // NumPy rounds the real and imaginary parts separately
            let re = self.try_real()?.try_round(decimals)?;
            let im = self.try_imag()?.try_round(decimals)?;
            return binary_at(BinaryOp::Complex, re.into(), im.into(), origin);
        }
        let f = 10f64.powi(decimals.abs());
        let (scale, unscale) = if decimals > 0 {
            (BinaryOp::Mul, BinaryOp::Div)
        } else {
            (BinaryOp::Div, BinaryOp::Mul)
        };
        let y = binary_at(scale, self.into(), Scalar::float(f).into(), origin)?;
        let y = unary_at(UnaryOp::Rint, &y, origin)?;
        let y = binary_at(unscale, y.into(), Scalar::float(f).into(), origin)?;
        if self.dtype().is_integer() {
            return crate::ufunc::cast_to(&y, self.dtype(), origin);
        }
        Ok(y)
    }
    /// `np.round(x, decimals)` / `x.round(decimals)`.
    #[track_caller]
    pub fn round(&self, decimals: i32) -> Array {
        ok(self.try_round(decimals))
    }

    /// `np.nan_to_num(x)`: NaN → 0, ±inf → the dtype's largest finite values.
    #[track_caller]
    pub fn nan_to_num(&self) -> Array {
        ok(self.try_nan_to_num_with(0.0, None, None))
    }

    /// `np.nan_to_num(x, nan=, posinf=, neginf=)`.
    #[track_caller]
    pub fn try_nan_to_num_with(
        &self,
        nan: f64,
        posinf: Option<f64>,
        neginf: Option<f64>,
    ) -> Result<Array> {
        let origin = Location::caller();
        if !self.dtype().is_float() {
            if self.dtype().is_complex() {
                let re = self.try_real()?.try_nan_to_num_with(nan, posinf, neginf)?;
                let im = self.try_imag()?.try_nan_to_num_with(nan, posinf, neginf)?;
                return binary_at(BinaryOp::Complex, re.into(), im.into(), origin);
            }
            return Ok(self.clone());
        }
        let big = match self.dtype() {
            DType::Float16 => 65504.0,
            DType::Float32 => f32::MAX as f64,
            _ => f64::MAX,
        };
        let isnan = unary_at(UnaryOp::IsNan, self, origin)?;
        let y = where_at(isnan.into(), Scalar::float(nan).into(), self.into(), origin)?;
        let pos = binary_at(
            BinaryOp::Eq,
            self.into(),
            Scalar::float(f64::INFINITY).into(),
            origin,
        )?;
        let y = where_at(
            pos.into(),
            Scalar::float(posinf.unwrap_or(big)).into(),
            y.into(),
            origin,
        )?;
        let neg = binary_at(
            BinaryOp::Eq,
            self.into(),
            Scalar::float(f64::NEG_INFINITY).into(),
            origin,
        )?;
        where_at(
            neg.into(),
            Scalar::float(neginf.unwrap_or(-big)).into(),
            y.into(),
            origin,
        )
    }

    /// `np.real(x)`: the real part (the array itself for real input).
    #[track_caller]
    pub fn try_real(&self) -> Result<Array> {
        if !self.dtype().is_complex() {
            return Ok(self.clone());
        }
        unary_at(UnaryOp::Real, self, Location::caller())
    }
    /// `np.real(x)`.
    #[track_caller]
    pub fn real(&self) -> Array {
        ok(self.try_real())
    }
    /// `np.imag(x)`: the imaginary part (zeros for real input).
    #[track_caller]
    pub fn try_imag(&self) -> Result<Array> {
        unary_at(UnaryOp::Imag, self, Location::caller())
    }
    /// `np.imag(x)`.
    #[track_caller]
    pub fn imag(&self) -> Array {
        ok(self.try_imag())
    }
    /// `np.clip(self, lo, hi)`.
    #[track_caller]
    pub fn clip(&self, lo: impl Into<Operand>, hi: impl Into<Operand>) -> Array {
        ok(clip_at(
            self.into(),
            lo.into(),
            hi.into(),
            Location::caller(),
        ))
    }
}

/// `np.where(cond, x, y)`: elements of `x` where `cond` is true, else of `y` (broadcast).
#[track_caller]
pub fn where_(cond: impl Into<Operand>, x: impl Into<Operand>, y: impl Into<Operand>) -> Array {
    ok(where_at(
        cond.into(),
        x.into(),
        y.into(),
        Location::caller(),
    ))
}
/// Fallible [`where_`].
#[track_caller]
pub fn try_where(
    cond: impl Into<Operand>,
    x: impl Into<Operand>,
    y: impl Into<Operand>,
) -> Result<Array> {
    where_at(cond.into(), x.into(), y.into(), Location::caller())
}
/// `np.clip(a, lo, hi)`.
#[track_caller]
pub fn clip(a: impl Into<Operand>, lo: impl Into<Operand>, hi: impl Into<Operand>) -> Array {
    ok(clip_at(a.into(), lo.into(), hi.into(), Location::caller()))
}
/// Fallible [`clip`].
#[track_caller]
pub fn try_clip(
    a: impl Into<Operand>,
    lo: impl Into<Operand>,
    hi: impl Into<Operand>,
) -> Result<Array> {
    clip_at(a.into(), lo.into(), hi.into(), Location::caller())
}
/// `np.round(x, decimals)`.
#[track_caller]
pub fn round(x: impl IntoArray, decimals: i32) -> Array {
    x.into_array().round(decimals)
}
/// `np.nan_to_num(x)`.
#[track_caller]
pub fn nan_to_num(x: impl IntoArray) -> Array {
    x.into_array().nan_to_num()
}
