//! Scalar constants as they appear in graphs: hashable (floats stored by bits) and kind-tagged so
//! that weak promotion (NEP 50) can see whether a Rust literal was an integer, a float or a bool.

use crate::dtype::DTypeKind;
use std::fmt;

/// A constant value. Floats are stored as bit patterns so that graphs can be hash-consed; the
/// dtype of the node that holds a constant decides how it is converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer (only for values above `i64::MAX`).
    UInt(u64),
    /// A float, by `f64::to_bits`.
    Float(u64),
    /// A complex number `(re, im)`, both by `f64::to_bits`.
    Complex(u64, u64),
}

impl Scalar {
    /// A float constant.
    pub fn float(v: f64) -> Scalar {
        Scalar::Float(v.to_bits())
    }
    /// A complex constant.
    pub fn complex(re: f64, im: f64) -> Scalar {
        Scalar::Complex(re.to_bits(), im.to_bits())
    }
    /// The kind used for weak promotion.
    pub fn kind(self) -> DTypeKind {
        match self {
            Scalar::Bool(_) => DTypeKind::Bool,
            Scalar::Int(_) => DTypeKind::Int,
            Scalar::UInt(_) => DTypeKind::UInt,
            Scalar::Float(_) => DTypeKind::Float,
            Scalar::Complex(..) => DTypeKind::Complex,
        }
    }
    /// The value as f64 (real part for complex).
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::UInt(u) => u as f64,
            Scalar::Float(b) | Scalar::Complex(b, _) => f64::from_bits(b),
        }
    }
    /// The imaginary part (0 for real scalars).
    pub fn imag_f64(self) -> f64 {
        match self {
            Scalar::Complex(_, im) => f64::from_bits(im),
            _ => 0.0,
        }
    }
    /// The exact integer value, if the scalar is a bool or an integer.
    pub fn as_i128(self) -> Option<i128> {
        match self {
            Scalar::Bool(b) => Some(b as i128),
            Scalar::Int(i) => Some(i as i128),
            Scalar::UInt(u) => Some(u as i128),
            _ => None,
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Scalar::Bool(b) => write!(f, "{}", if b { "True" } else { "False" }),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::UInt(u) => write!(f, "{u}"),
            Scalar::Float(b) => write!(f, "{:?}", f64::from_bits(b)),
            Scalar::Complex(r, i) => {
                write!(f, "({:?}{:+?}j)", f64::from_bits(r), f64::from_bits(i))
            }
        }
    }
}

macro_rules! scalar_from {
    ($($t:ty => $arm:expr),* $(,)?) => {$(
        impl From<$t> for Scalar {
            fn from(v: $t) -> Scalar {
                #[allow(clippy::redundant_closure_call)]
                ($arm)(v)
            }
        }
    )*};
}

scalar_from! {
    bool => Scalar::Bool,
    i8 => |v| Scalar::Int(v as i64),
    i16 => |v| Scalar::Int(v as i64),
    i32 => |v| Scalar::Int(v as i64),
    i64 => Scalar::Int,
    isize => |v| Scalar::Int(v as i64),
    u8 => |v| Scalar::Int(v as i64),
    u16 => |v| Scalar::Int(v as i64),
    u32 => |v| Scalar::Int(v as i64),
    u64 => |v: u64| if v > i64::MAX as u64 { Scalar::UInt(v) } else { Scalar::Int(v as i64) },
    usize => |v| Scalar::from(v as u64),
    f32 => |v| Scalar::float(v as f64),
    f64 => Scalar::float,
}
