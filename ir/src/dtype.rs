//! Element types and NumPy 2 type promotion (NEP 50).
//!
//! Promotion between arrays is "the smallest type both can be cast to safely", which reproduces
//! `np.promote_types` for every numeric pair. Rust scalars in expressions are *weak*: they take the
//! array's type unless their kind is higher (`int_array * 2.5` is float64, `f32_array * 2.5` stays
//! float32), see [`promote_weak`].

use std::fmt;

/// An element type. The order of the variants is NumPy's promotion search order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// `bool`, one byte, 0 or 1.
    Bool,
    /// `int8`.
    Int8,
    /// `uint8`.
    UInt8,
    /// `int16`.
    Int16,
    /// `uint16`.
    UInt16,
    /// `int32`.
    Int32,
    /// `uint32`.
    UInt32,
    /// `int64`, NumPy's default integer.
    Int64,
    /// `uint64`.
    UInt64,
    /// `float16` (IEEE half).
    Float16,
    /// `float32`.
    Float32,
    /// `float64`, NumPy's default float.
    Float64,
    /// `complex64` (two float32).
    Complex64,
    /// `complex128` (two float64).
    Complex128,
}

/// The kind of a dtype, NumPy's `dtype.kind` (`b`, `i`, `u`, `f`, `c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DTypeKind {
    /// Booleans.
    Bool,
    /// Signed integers.
    Int,
    /// Unsigned integers.
    UInt,
    /// Real floating point.
    Float,
    /// Complex floating point.
    Complex,
}

impl DType {
    /// Every dtype in promotion order.
    pub const ALL: [DType; 14] = [
        DType::Bool,
        DType::Int8,
        DType::UInt8,
        DType::Int16,
        DType::UInt16,
        DType::Int32,
        DType::UInt32,
        DType::Int64,
        DType::UInt64,
        DType::Float16,
        DType::Float32,
        DType::Float64,
        DType::Complex64,
        DType::Complex128,
    ];

    /// Bytes per element (`dtype.itemsize`).
    pub fn itemsize(self) -> usize {
        use DType::*;
        match self {
            Bool | Int8 | UInt8 => 1,
            Int16 | UInt16 | Float16 => 2,
            Int32 | UInt32 | Float32 => 4,
            Int64 | UInt64 | Float64 | Complex64 => 8,
            Complex128 => 16,
        }
    }

    /// The dtype's kind.
    pub fn kind(self) -> DTypeKind {
        use DType::*;
        match self {
            Bool => DTypeKind::Bool,
            Int8 | Int16 | Int32 | Int64 => DTypeKind::Int,
            UInt8 | UInt16 | UInt32 | UInt64 => DTypeKind::UInt,
            Float16 | Float32 | Float64 => DTypeKind::Float,
            Complex64 | Complex128 => DTypeKind::Complex,
        }
    }

    /// NumPy's name (`"float64"`, `"int8"`, ...).
    pub fn name(self) -> &'static str {
        use DType::*;
        match self {
            Bool => "bool",
            Int8 => "int8",
            UInt8 => "uint8",
            Int16 => "int16",
            UInt16 => "uint16",
            Int32 => "int32",
            UInt32 => "uint32",
            Int64 => "int64",
            UInt64 => "uint64",
            Float16 => "float16",
            Float32 => "float32",
            Float64 => "float64",
            Complex64 => "complex64",
            Complex128 => "complex128",
        }
    }

    /// Parses NumPy names and the common one-letter codes (`"f8"`, `"i4"`, `"?"`, `"float"`, ...).
    pub fn from_name(name: &str) -> Option<DType> {
        use DType::*;
        let d = match name {
            "bool" | "?" | "b1" | "bool_" => Bool,
            "int8" | "i1" | "byte" => Int8,
            "uint8" | "u1" | "ubyte" => UInt8,
            "int16" | "i2" | "short" => Int16,
            "uint16" | "u2" | "ushort" => UInt16,
            "int32" | "i4" | "intc" => Int32,
            "uint32" | "u4" | "uintc" => UInt32,
            "int64" | "i8" | "int" | "int_" | "long" | "intp" => Int64,
            "uint64" | "u8" | "uint" | "ulong" | "uintp" => UInt64,
            "float16" | "f2" | "half" | "e" => Float16,
            "float32" | "f4" | "single" | "f" => Float32,
            "float64" | "f8" | "float" | "double" | "d" => Float64,
            "complex64" | "c8" | "csingle" | "F" => Complex64,
            "complex128" | "c16" | "complex" | "cdouble" | "D" => Complex128,
            _ => return None,
        };
        Some(d)
    }

    /// True for bool.
    pub fn is_bool(self) -> bool {
        self == DType::Bool
    }
    /// True for signed and unsigned integers (not bool).
    pub fn is_integer(self) -> bool {
        matches!(self.kind(), DTypeKind::Int | DTypeKind::UInt)
    }
    /// True for signed integers.
    pub fn is_signed_integer(self) -> bool {
        self.kind() == DTypeKind::Int
    }
    /// True for float16/32/64.
    pub fn is_float(self) -> bool {
        self.kind() == DTypeKind::Float
    }
    /// True for complex64/128.
    pub fn is_complex(self) -> bool {
        self.kind() == DTypeKind::Complex
    }
    /// True for floats and complex (inexact types).
    pub fn is_inexact(self) -> bool {
        self.is_float() || self.is_complex()
    }

    /// Bits of the integer type (8..64), or of each float component.
    pub fn bits(self) -> u32 {
        match self {
            DType::Complex64 => 32,
            DType::Complex128 => 64,
            d => d.itemsize() as u32 * 8,
        }
    }

    /// The real type of a complex dtype (`complex64 → float32`); other dtypes map to themselves.
    pub fn real_type(self) -> DType {
        match self {
            DType::Complex64 => DType::Float32,
            DType::Complex128 => DType::Float64,
            d => d,
        }
    }

    /// `np.can_cast(self, to, casting="safe")`.
    pub fn can_cast_safely(self, to: DType) -> bool {
        use DTypeKind as K;
        if self == to {
            return true;
        }
        let (fb, tb) = (self.bits(), to.bits());
        match (self.kind(), to.kind()) {
            (K::Bool, _) => true,
            (_, K::Bool) => false,
            (K::Int, K::Int) | (K::UInt, K::UInt) => tb >= fb,
            (K::UInt, K::Int) => tb > fb,
            (K::Int, K::UInt) => false,
            // Integers go to the float whose mantissa NumPy deems wide enough; 64-bit ints → f64.
            (K::Int | K::UInt, K::Float | K::Complex) => match fb {
                8 => true,
                16 => tb >= 32,
                _ => tb >= 64,
            },
            (K::Float, K::Float) | (K::Float, K::Complex) | (K::Complex, K::Complex) => tb >= fb,
            (K::Float | K::Complex, _) => false,
        }
    }

    /// The smallest integer type that holds `value`, preferring `self`'s signedness (helper for
    /// error messages and scalar checks).
    pub fn integer_range(self) -> Option<(i128, i128)> {
        use DType::*;
        Some(match self {
            Int8 => (i8::MIN as i128, i8::MAX as i128),
            Int16 => (i16::MIN as i128, i16::MAX as i128),
            Int32 => (i32::MIN as i128, i32::MAX as i128),
            Int64 => (i64::MIN as i128, i64::MAX as i128),
            UInt8 => (0, u8::MAX as i128),
            UInt16 => (0, u16::MAX as i128),
            UInt32 => (0, u32::MAX as i128),
            UInt64 => (0, u64::MAX as i128),
            Bool => (0, 1),
            _ => return None,
        })
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `np.promote_types(a, b)`: the smallest dtype both can be cast to safely.
///
/// ```
/// use numfuse_ir::{promote, DType::*};
/// assert_eq!(promote(Int8, UInt8), Int16);
/// assert_eq!(promote(Int64, UInt64), Float64);
/// assert_eq!(promote(Float32, Int32), Float64);
/// assert_eq!(promote(Float16, Int8), Float16);
/// ```
pub fn promote(a: DType, b: DType) -> DType {
    DType::ALL
        .into_iter()
        .find(|&t| a.can_cast_safely(t) && b.can_cast_safely(t))
        .expect("complex128 accepts every dtype")
}

/// `np.result_type` of several array dtypes: the smallest dtype all cast to safely. Pairwise
/// folding is not the same (promotion is not associative): `(int8, uint8, float16)` gives
/// float16, not float32.
///
/// ```
/// use numfuse_ir::{dtype::promote_all, DType::*};
/// assert_eq!(promote_all(&[Int8, UInt8, Float16]), Float16);
/// ```
pub fn promote_all(dtypes: &[DType]) -> DType {
    DType::ALL
        .into_iter()
        .find(|&t| dtypes.iter().all(|d| d.can_cast_safely(t)))
        .expect("complex128 accepts every dtype")
}

/// Promotion of an array dtype with a *weak* Rust scalar of kind `scalar` (NEP 50).
///
/// The scalar only matters when its kind is higher than the array's: a Rust integer with a bool
/// array gives int64, a Rust float with an integer array gives float64, a Rust complex with a float
/// array gives the complex type of the same precision.
///
/// ```
/// use numfuse_ir::{promote_weak, DType::*, DTypeKind};
/// assert_eq!(promote_weak(Float32, DTypeKind::Float), Float32);
/// assert_eq!(promote_weak(UInt8, DTypeKind::Float), Float64);
/// assert_eq!(promote_weak(UInt8, DTypeKind::Int), UInt8);
/// assert_eq!(promote_weak(Bool, DTypeKind::Int), Int64);
/// ```
pub fn promote_weak(array: DType, scalar: DTypeKind) -> DType {
    use DTypeKind as K;
    match (array.kind(), scalar) {
        (K::Bool, K::Bool) => DType::Bool,
        (K::Bool, K::Int | K::UInt) => DType::Int64,
        (K::Bool | K::Int | K::UInt, K::Float) => DType::Float64,
        (K::Bool | K::Int | K::UInt, K::Complex) => DType::Complex128,
        (K::Float, K::Complex) => match array {
            DType::Float64 => DType::Complex128,
            _ => DType::Complex64,
        },
        _ => array,
    }
}

#[cfg(test)]
mod tests {
    use super::DType::*;
    use super::*;

    #[test]
    fn numpy_promotion_samples() {
        let cases = [
            (Bool, Int8, Int8),
            (Int8, UInt8, Int16),
            (Int16, UInt16, Int32),
            (Int32, UInt32, Int64),
            (UInt64, Int8, Float64),
            (UInt8, Float16, Float16),
            (Int16, Float16, Float32),
            (Int32, Float32, Float64),
            (UInt16, Float32, Float32),
            (Int8, Complex64, Complex64),
            (Int32, Complex64, Complex128),
            (Float64, Complex64, Complex128),
            (Float16, Complex64, Complex64),
            (UInt32, Int64, Int64),
        ];
        for (a, b, want) in cases {
            assert_eq!(promote(a, b), want, "{a} {b}");
            assert_eq!(promote(b, a), want, "{b} {a}");
        }
    }
}
