//! The one error type of numfuse. Messages follow NumPy's wording where NumPy has one; shape
//! errors also say where each operand was created (captured with `#[track_caller]`).

use crate::dtype::DType;
use crate::shape::Shape;
use std::fmt;
use std::panic::Location;

/// Where an array was created in the user's program, when known.
pub type Origin = Option<&'static Location<'static>>;

/// Result alias used across numfuse.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A typed error naming the problem. `Display` gives NumPy's message.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Shapes that do not broadcast. `origins[i]` is where operand `i` was created.
    Broadcast {
        /// The operand shapes.
        shapes: Vec<Shape>,
        /// Where each operand was created.
        origins: Vec<Origin>,
    },
    /// `broadcast_to` into a shape the array cannot stretch to.
    BroadcastTo {
        /// The array's shape.
        from: Shape,
        /// The requested shape.
        to: Shape,
    },
    /// An axis outside `[-ndim, ndim)`.
    AxisOutOfBounds {
        /// The axis as given.
        axis: isize,
        /// The array's rank.
        ndim: usize,
    },
    /// The same axis given twice.
    RepeatedAxis,
    /// `reshape` to a shape with a different number of elements.
    Reshape {
        /// Elements of the array.
        size: usize,
        /// The requested shape as given (may contain -1).
        shape: Vec<isize>,
    },
    /// A reduction without identity over zero elements.
    EmptyReduction {
        /// The operation (`"maximum"`, `"argmax"`, ...).
        op: &'static str,
    },
    /// An index beyond an axis.
    IndexOutOfBounds {
        /// The index as given.
        index: isize,
        /// The axis.
        axis: usize,
        /// The axis length.
        size: usize,
    },
    /// Too many indices for an array.
    TooManyIndices {
        /// The array's rank.
        ndim: usize,
        /// How many indices were given.
        given: usize,
    },
    /// A weak Rust integer that does not fit the array's integer dtype.
    ScalarOutOfRange {
        /// The value.
        value: i128,
        /// The array's dtype.
        dtype: DType,
    },
    /// A ufunc without a loop for the given input dtypes.
    UnsupportedType {
        /// The ufunc name.
        op: &'static str,
        /// The input dtypes.
        dtypes: Vec<DType>,
    },
    /// A cast that NumPy refuses under the requested casting rule.
    InvalidCast {
        /// Source dtype.
        from: DType,
        /// Target dtype.
        to: DType,
        /// The casting rule (`"same_kind"`, `"safe"`).
        rule: &'static str,
    },
    /// `item()` on an array with more than one element, or a similar conversion.
    NotAScalar {
        /// The array's size.
        size: usize,
    },
    /// A Rust type that does not match an array's dtype (e.g. `to_vec::<f32>()` of a float64).
    TypeMismatch {
        /// What the array holds.
        expected: DType,
        /// What was asked for.
        requested: &'static str,
    },
    /// Writing to a read-only array.
    ReadOnly,
    /// Nested input whose rows have different lengths.
    Ragged {
        /// The regular part of the shape found before the mismatch.
        shape: Shape,
    },
    /// An axis argument out of range, reported with the argument's name (`axis2`, `destination`).
    NamedAxisOutOfBounds {
        /// The argument's name.
        name: &'static str,
        /// The axis as given.
        axis: isize,
        /// The array's rank.
        ndim: usize,
    },
    /// NumPy's `TypeError` with its message (e.g. boolean subtract).
    Type(String),
    /// NumPy's `UFuncTypeError` with its message (a ufunc without a loop for a dtype).
    UFuncType(String),
    /// NumPy's `IndexError` with its message (e.g. two ellipses).
    Index(String),
    /// NumPy's `ZeroDivisionError` (e.g. `arange` with step 0).
    ZeroDivision,
    /// NumPy's `numpy.linalg.LinAlgError` with its message (`Singular matrix`, `Matrix is not
    /// positive definite`, ...).
    LinAlg(String),
    /// Any other invalid value, with NumPy's message.
    Value(String),
}

fn write_shape_list(f: &mut fmt::Formatter<'_>, shapes: &[Shape]) -> fmt::Result {
    for (i, s) in shapes.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{s}")?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Broadcast { shapes, origins } => {
                f.write_str("operands could not be broadcast together with shapes ")?;
                write_shape_list(f, shapes)?;
                f.write_str(" ")?;
                for (i, (s, o)) in shapes.iter().zip(origins).enumerate() {
                    if let Some(loc) = o {
                        write!(f, "\n  operand {i} with shape {s} was created at {loc}")?;
                    }
                }
                Ok(())
            }
            Error::BroadcastTo { from, to } if to.ndim() < from.ndim() => f.write_str(
                "input operand has more dimensions than allowed by the axis remapping",
            ),
            Error::BroadcastTo { from, to } => write!(
                f,
                "operands could not be broadcast together with remapped shapes [original->remapped]: {from}  and requested shape {to}"
            ),
            Error::NamedAxisOutOfBounds { name, axis, ndim } => write!(
                f,
                "{name}: axis {axis} is out of bounds for array of dimension {ndim}"
            ),
            Error::Type(m) | Error::UFuncType(m) | Error::Index(m) | Error::LinAlg(m) => {
                f.write_str(m)
            }
            Error::ZeroDivision => f.write_str("division by zero"),
            Error::AxisOutOfBounds { axis, ndim } => write!(
                f,
                "axis {axis} is out of bounds for array of dimension {ndim}"
            ),
            Error::RepeatedAxis => f.write_str("duplicate value in 'axis'"),
            Error::Reshape { size, shape } => {
                write!(f, "cannot reshape array of size {size} into shape (")?;
                for (i, d) in shape.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    if *d < 0 {
                        f.write_str("newaxis")?;
                    } else {
                        write!(f, "{d}")?;
                    }
                }
                if shape.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Error::EmptyReduction { op } => match *op {
                "argmax" | "argmin" => write!(f, "attempt to get {op} of an empty sequence"),
                _ => write!(
                    f,
                    "zero-size array to reduction operation {op} which has no identity"
                ),
            },
            Error::IndexOutOfBounds { index, axis, size } => write!(
                f,
                "index {index} is out of bounds for axis {axis} with size {size}"
            ),
            Error::TooManyIndices { ndim, given } => write!(
                f,
                "too many indices for array: array is {ndim}-dimensional, but {given} were indexed"
            ),
            Error::ScalarOutOfRange { value, dtype } if *dtype == DType::Int64 && *value > i64::MAX as i128 => {
                f.write_str("Python int too large to convert to C long")
            }
            Error::ScalarOutOfRange { value, dtype } => {
                write!(f, "Python integer {value} out of bounds for {dtype}")
            }
            Error::UnsupportedType { op, .. } => write!(
                f,
                "ufunc '{op}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''"
            ),
            Error::InvalidCast { from, to, rule } => write!(
                f,
                "Cannot cast array data from dtype('{from}') to dtype('{to}') according to the rule '{rule}'"
            ),
            Error::NotAScalar { .. } => {
                f.write_str("can only convert an array of size 1 to a Python scalar")
            }
            Error::TypeMismatch {
                expected,
                requested,
            } => write!(
                f,
                "array has dtype {expected}, which is not the requested element type {requested}"
            ),
            Error::ReadOnly => f.write_str("assignment destination is read-only"),
            Error::Ragged { shape } => {
                // NumPy prints the detected shape as a Python tuple: `(2,)`, `(2, 2)`
                let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
                let tuple = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
                write!(
                    f,
                    "setting an array element with a sequence. The requested array has an inhomogeneous shape after {} dimensions. The detected shape was {tuple} + inhomogeneous part.",
                    shape.ndim()
                )
            }
            Error::Value(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Names the argument of an axis error (`axis2: axis 2 is out of bounds ...`).
    pub fn for_arg(self, name: &'static str) -> Error {
        match self {
            Error::AxisOutOfBounds { axis, ndim } => {
                Error::NamedAxisOutOfBounds { name, axis, ndim }
            }
            e => e,
        }
    }
}

impl Error {
    /// NumPy's exception class for this error (`"ValueError"`, `"AxisError"`, `"IndexError"`,
    /// `"TypeError"`, `"OverflowError"`, `"UFuncTypeError"`).
    pub fn numpy_class(&self) -> &'static str {
        match self {
            Error::AxisOutOfBounds { .. } | Error::NamedAxisOutOfBounds { .. } => "AxisError",
            Error::IndexOutOfBounds { .. } | Error::TooManyIndices { .. } | Error::Index(_) => {
                "IndexError"
            }
            Error::Type(_) => "TypeError",
            Error::UFuncType(_) => "UFuncTypeError",
            Error::ScalarOutOfRange { .. } => "OverflowError",
            Error::UnsupportedType { .. } => "TypeError",
            Error::InvalidCast { .. } => "UFuncTypeError",
            Error::TypeMismatch { .. } => "TypeError",
            Error::ZeroDivision => "ZeroDivisionError",
            Error::LinAlg(_) => "LinAlgError",
            _ => "ValueError",
        }
    }
}
