//! [`Value`]: one element of any dtype, and the conversions (`astype` semantics) between them.

use half::f16;
use num_complex::Complex;
use numfuse_ir::{DType, Scalar};
use std::fmt;

/// One array element, tagged with its dtype.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// bool
    Bool(bool),
    /// int8
    I8(i8),
    /// uint8
    U8(u8),
    /// int16
    I16(i16),
    /// uint16
    U16(u16),
    /// int32
    I32(i32),
    /// uint32
    U32(u32),
    /// int64
    I64(i64),
    /// uint64
    U64(u64),
    /// float16
    F16(f16),
    /// float32
    F32(f32),
    /// float64
    F64(f64),
    /// complex64
    C64(Complex<f32>),
    /// complex128
    C128(Complex<f64>),
}

/// A dtype-independent intermediate for conversions: exact for every source value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Wide {
    /// bools and integers, exactly.
    Int(i128),
    /// floats, exactly (float16/32 widen to f64 without rounding).
    Float(f64),
    /// complex numbers, exactly.
    Complex(f64, f64),
}

/// Conversion of an element into [`Wide`].
pub trait ToWide: Copy {
    /// The exact wide value.
    fn to_wide(self) -> Wide;
}
/// Conversion from [`Wide`] with NumPy's `astype` (unsafe casting) results.
pub trait FromWide: Copy {
    /// The converted value.
    fn from_wide(w: Wide) -> Self;
}

/// C's float → int32 conversion as x86 does it (`cvttsd2si`): truncation, and `i32::MIN` for
/// NaN and out-of-range values. NumPy's casts to 8/16/32-bit integers go through it.
fn f64_to_i32_x86(x: f64) -> i32 {
    if !(-2147483649.0..2147483648.0).contains(&x) || x == -2147483649.0 {
        i32::MIN
    } else {
        x as i32
    }
}
/// The 64-bit variant (`i64::MIN` for NaN and out-of-range).
fn f64_to_i64_x86(x: f64) -> i64 {
    if !(-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}
/// C's double → uint64 as compiled for x86-64.
fn f64_to_u64_x86(x: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    if x >= TWO63 {
        (f64_to_i64_x86(x - TWO63) as u64) ^ (1 << 63)
    } else {
        f64_to_i64_x86(x) as u64
    }
}

macro_rules! int_wide {
    ($($t:ty, $via:ident);*) => {$(
        impl ToWide for $t {
            fn to_wide(self) -> Wide { Wide::Int(self as i128) }
        }
        impl FromWide for $t {
            fn from_wide(w: Wide) -> $t {
                match w {
                    Wide::Int(i) => i as $t,
                    Wide::Float(f) | Wide::Complex(f, _) => $via(f) as $t,
                }
            }
        }
    )*};
}
int_wide!(i8, f64_to_i32_x86; u8, f64_to_i32_x86; i16, f64_to_i32_x86; u16, f64_to_i32_x86;
          i32, f64_to_i32_x86; u32, f64_to_i64_x86; i64, f64_to_i64_x86; u64, f64_to_u64_x86);

impl ToWide for bool {
    fn to_wide(self) -> Wide {
        Wide::Int(self as i128)
    }
}
impl FromWide for bool {
    fn from_wide(w: Wide) -> bool {
        match w {
            Wide::Int(i) => i != 0,
            Wide::Float(f) => f != 0.0,
            Wide::Complex(r, i) => r != 0.0 || i != 0.0,
        }
    }
}

macro_rules! float_wide {
    ($($t:ty: $from_f64:expr, $from_int:expr, $to_f64:expr);*) => {$(
        impl ToWide for $t {
            fn to_wide(self) -> Wide {
                #[allow(clippy::redundant_closure_call)]
                Wide::Float(($to_f64)(self))
            }
        }
        impl FromWide for $t {
            #[allow(clippy::redundant_closure_call)]
            fn from_wide(w: Wide) -> $t {
                match w {
                    Wide::Int(i) => ($from_int)(i),
                    Wide::Float(f) | Wide::Complex(f, _) => ($from_f64)(f),
                }
            }
        }
    )*};
}
float_wide!(
    f16: f16::from_f64, |i: i128| f16::from_f32(i as f32), |x: f16| x.to_f64();
    f32: |f: f64| f as f32, |i: i128| i as f32, |x: f32| x as f64;
    f64: |f: f64| f, |i: i128| i as f64, |x: f64| x
);

impl ToWide for Complex<f32> {
    fn to_wide(self) -> Wide {
        Wide::Complex(self.re as f64, self.im as f64)
    }
}
impl ToWide for Complex<f64> {
    fn to_wide(self) -> Wide {
        Wide::Complex(self.re, self.im)
    }
}
impl FromWide for Complex<f32> {
    fn from_wide(w: Wide) -> Self {
        match w {
            Wide::Complex(r, i) => Complex::new(r as f32, i as f32),
            w => Complex::new(f32::from_wide(w), 0.0),
        }
    }
}
impl FromWide for Complex<f64> {
    fn from_wide(w: Wide) -> Self {
        match w {
            Wide::Complex(r, i) => Complex::new(r, i),
            w => Complex::new(f64::from_wide(w), 0.0),
        }
    }
}

/// Calls `$body` with the type alias `$T` bound to the Rust type of `$dtype`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {{
        use $crate::numfuse_ir::DType as __D;
        match $dtype {
            __D::Bool => {
                type $T = bool;
                $body
            }
            __D::Int8 => {
                type $T = i8;
                $body
            }
            __D::UInt8 => {
                type $T = u8;
                $body
            }
            __D::Int16 => {
                type $T = i16;
                $body
            }
            __D::UInt16 => {
                type $T = u16;
                $body
            }
            __D::Int32 => {
                type $T = i32;
                $body
            }
            __D::UInt32 => {
                type $T = u32;
                $body
            }
            __D::Int64 => {
                type $T = i64;
                $body
            }
            __D::UInt64 => {
                type $T = u64;
                $body
            }
            __D::Float16 => {
                type $T = $crate::half::f16;
                $body
            }
            __D::Float32 => {
                type $T = f32;
                $body
            }
            __D::Float64 => {
                type $T = f64;
                $body
            }
            __D::Complex64 => {
                type $T = $crate::num_complex::Complex<f32>;
                $body
            }
            __D::Complex128 => {
                type $T = $crate::num_complex::Complex<f64>;
                $body
            }
        }
    }};
}

macro_rules! value_conv {
    ($($v:ident($t:ty)),*) => {
        impl Value {
            /// The value's dtype.
            pub fn dtype(self) -> DType {
                use crate::buffer::Pod;
                match self { $(Value::$v(_) => <$t as Pod>::DTYPE),* }
            }
            /// The exact wide form.
            pub fn to_wide(self) -> Wide {
                match self { $(Value::$v(x) => x.to_wide()),* }
            }
        }
        $(impl From<$t> for Value { fn from(x: $t) -> Value { Value::$v(x) } })*
        /// Element types that convert to and from [`Value`].
        pub trait Element: crate::buffer::Pod + ToWide + FromWide + Into<Value> {
            /// The element as a [`Value`].
            fn to_value(self) -> Value { self.into() }
        }
        $(impl Element for $t {})*
    };
}
value_conv!(
    Bool(bool),
    I8(i8),
    U8(u8),
    I16(i16),
    U16(u16),
    I32(i32),
    U32(u32),
    I64(i64),
    U64(u64),
    F16(f16),
    F32(f32),
    F64(f64),
    C64(Complex<f32>),
    C128(Complex<f64>)
);

impl Value {
    /// Converts to `dtype` with `astype` semantics.
    pub fn cast(self, dtype: DType) -> Value {
        let w = self.to_wide();
        with_dtype!(dtype, T => T::from_wide(w).into())
    }
    /// The value as f64 (real part of complex; bool as 0/1).
    pub fn as_f64(self) -> f64 {
        match self.to_wide() {
            Wide::Int(i) => i as f64,
            Wide::Float(f) | Wide::Complex(f, _) => f,
        }
    }
    /// A graph constant of the given dtype converted to a value.
    pub fn from_scalar(s: Scalar, dtype: DType) -> Value {
        let w = match s {
            Scalar::Bool(b) => Wide::Int(b as i128),
            Scalar::Int(i) => Wide::Int(i as i128),
            Scalar::UInt(u) => Wide::Int(u as i128),
            Scalar::Float(_) => Wide::Float(s.as_f64()),
            Scalar::Complex(..) => Wide::Complex(s.as_f64(), s.imag_f64()),
        };
        with_dtype!(dtype, T => T::from_wide(w).into())
    }
    /// The value as a graph constant.
    pub fn to_scalar(self) -> Scalar {
        match self {
            Value::Bool(b) => Scalar::Bool(b),
            Value::U64(u) => Scalar::from(u),
            v => match v.to_wide() {
                Wide::Int(i) => Scalar::Int(i as i64),
                Wide::Float(f) => Scalar::float(f),
                Wide::Complex(r, i) => Scalar::complex(r, i),
            },
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = crate::NdArray::from_value(*self);
        fmt::Display::fmt(&a, f)
    }
}
