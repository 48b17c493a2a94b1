//! Conversions into arrays: nested Rust arrays, `Vec`s and slices of any depth ([`Nested`]),
//! scalars, `NdArray`s and the `ndarray` crate; and [`Operand`], the argument type of binary
//! operations, which keeps Rust scalars *weak* (NEP 50).
//!
//! Unsuffixed Rust integer literals are `i32`; like Python ints they become **int64** arrays
//! (`nf::array([1, 2, 3]).dtype() == int64`). Use `.astype(nf::int32)` for int32 data.

use crate::array::{ok, Array};
use half::f16;
use num_complex::Complex;
use numfuse_ir::{DType, Error, Result, Scalar, Shape};
use numfuse_runtime::{NdArray, Value};
use std::panic::Location;

/// Data that can be turned into an array: scalars and (nested) arrays, `Vec`s and slices.
pub trait Nested {
    /// The dtype of the leaves.
    fn leaf_dtype() -> DType;
    /// Appends the leaves in C order, recording (and checking) the length at each level.
    fn collect(&self, level: usize, shape: &mut Vec<usize>, out: &mut Vec<Value>) -> Result<()>;
}

macro_rules! nested_leaf {
    ($($t:ty => $d:ident, $conv:expr);* $(;)?) => {$(
        impl Nested for $t {
            fn leaf_dtype() -> DType { DType::$d }
            #[allow(clippy::redundant_closure_call)]
            fn collect(&self, _: usize, _: &mut Vec<usize>, out: &mut Vec<Value>) -> Result<()> {
                out.push(($conv)(*self));
                Ok(())
            }
        }
    )*};
}
nested_leaf! {
    bool => Bool, Value::Bool;
    i8 => Int8, Value::I8;
    i16 => Int16, Value::I16;
    i32 => Int64, |v: i32| Value::I64(v as i64);
    i64 => Int64, Value::I64;
    isize => Int64, |v: isize| Value::I64(v as i64);
    u8 => UInt8, Value::U8;
    u16 => UInt16, Value::U16;
    u32 => UInt32, Value::U32;
    u64 => UInt64, Value::U64;
    usize => UInt64, |v: usize| Value::U64(v as u64);
    f16 => Float16, Value::F16;
    f32 => Float32, Value::F32;
    f64 => Float64, Value::F64;
    Complex<f32> => Complex64, Value::C64;
    Complex<f64> => Complex128, Value::C128;
}

fn collect_seq<T: Nested>(
    items: &[T],
    level: usize,
    shape: &mut Vec<usize>,
    out: &mut Vec<Value>,
) -> Result<()> {
    if shape.len() == level {
        shape.push(items.len());
    } else if shape[level] != items.len() {
        return Err(Error::Ragged {
            shape: Shape::from(&shape[..level]),
        });
    }
    items
        .iter()
        .try_for_each(|x| x.collect(level + 1, shape, out))
}

impl<T: Nested, const N: usize> Nested for [T; N] {
    fn leaf_dtype() -> DType {
        T::leaf_dtype()
    }
    fn collect(&self, level: usize, shape: &mut Vec<usize>, out: &mut Vec<Value>) -> Result<()> {
        collect_seq(self, level, shape, out)
    }
}
impl<T: Nested> Nested for Vec<T> {
    fn leaf_dtype() -> DType {
        T::leaf_dtype()
    }
    fn collect(&self, level: usize, shape: &mut Vec<usize>, out: &mut Vec<Value>) -> Result<()> {
        collect_seq(self, level, shape, out)
    }
}
impl<T: Nested> Nested for &[T] {
    fn leaf_dtype() -> DType {
        T::leaf_dtype()
    }
    fn collect(&self, level: usize, shape: &mut Vec<usize>, out: &mut Vec<Value>) -> Result<()> {
        collect_seq(self, level, shape, out)
    }
}

/// Builds a concrete array from nested data.
pub fn nested_to_ndarray<T: Nested>(data: &T) -> Result<NdArray> {
    let mut shape = Vec::new();
    let mut values = Vec::new();
    data.collect(0, &mut shape, &mut values)?;
    Ok(values_to_ndarray(
        Shape::from(shape),
        T::leaf_dtype(),
        &values,
    ))
}

/// A C-ordered array of `dtype` from values (converted with `astype` rules).
pub fn values_to_ndarray(shape: Shape, dtype: DType, values: &[Value]) -> NdArray {
    let nd = NdArray::zeros(shape.clone(), dtype);
    let flat = nd.reshape(&Shape::from([shape.size()])).expect("same size");
    for (i, v) in values.iter().enumerate() {
        flat.set(&[i as isize], *v).expect("in bounds");
    }
    nd
}

/// Anything a function argument can be turned into an array from.
pub trait IntoArray {
    /// The array (scalars become strong 0-d arrays).
    fn into_array(self) -> Array;
}

impl IntoArray for Array {
    fn into_array(self) -> Array {
        self
    }
}
impl IntoArray for &Array {
    fn into_array(self) -> Array {
        self.clone()
    }
}
impl IntoArray for NdArray {
    #[track_caller]
    fn into_array(self) -> Array {
        Array::from_ndarray(&self)
    }
}
impl IntoArray for &NdArray {
    #[track_caller]
    fn into_array(self) -> Array {
        Array::from_ndarray(self)
    }
}
impl<T: Nested> IntoArray for T {
    #[track_caller]
    fn into_array(self) -> Array {
        Array::leaf(ok(nested_to_ndarray(&self)), Location::caller())
    }
}

/// An operand of a binary operation: an array, or a *weak* Rust scalar that takes the other
/// operand's dtype when its kind allows (NEP 50: `f32_array * 2.0` stays float32).
#[derive(Clone)]
pub enum Operand {
    /// An array (strongly typed).
    Array(Array),
    /// A Rust scalar (weakly typed).
    Scalar(Scalar),
}

impl From<Scalar> for Operand {
    fn from(s: Scalar) -> Operand {
        Operand::Scalar(s)
    }
}
impl From<Array> for Operand {
    fn from(a: Array) -> Operand {
        Operand::Array(a)
    }
}
impl From<&Array> for Operand {
    fn from(a: &Array) -> Operand {
        Operand::Array(a.clone())
    }
}
impl From<NdArray> for Operand {
    #[track_caller]
    fn from(a: NdArray) -> Operand {
        Operand::Array(Array::from_ndarray(&a))
    }
}
impl From<&NdArray> for Operand {
    #[track_caller]
    fn from(a: &NdArray) -> Operand {
        Operand::Array(Array::from_ndarray(a))
    }
}
impl<T: Nested, const N: usize> From<[T; N]> for Operand {
    #[track_caller]
    fn from(a: [T; N]) -> Operand {
        Operand::Array(a.into_array())
    }
}
macro_rules! scalar_operand {
    ($($t:ty),*) => {$(
        impl From<$t> for Operand {
            fn from(v: $t) -> Operand { Operand::Scalar(Scalar::from(v)) }
        }
    )*};
}
scalar_operand!(bool, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);
impl From<Complex<f64>> for Operand {
    fn from(v: Complex<f64>) -> Operand {
        Operand::Scalar(Scalar::complex(v.re, v.im))
    }
}

impl Array {
    /// Converts to an `ndarray::ArrayD<T>` (evaluating first); `T` must match the dtype.
    pub fn try_to_ndarray<T: numfuse_runtime::Element>(&self) -> Result<ndarray::ArrayD<T>> {
        let v = self.try_to_vec::<T>()?;
        ndarray::ArrayD::from_shape_vec(self.shape().to_vec(), v)
            .map_err(|e| Error::Value(e.to_string()))
    }
    /// Converts to an `ndarray::ArrayD<T>`.
    #[track_caller]
    pub fn to_ndarray<T: numfuse_runtime::Element>(&self) -> ndarray::ArrayD<T> {
        ok(self.try_to_ndarray())
    }
    /// An array from any `ndarray` array (copied in C order).
    #[track_caller]
    pub fn from_ndarray_crate<T, S, D>(a: &ndarray::ArrayBase<S, D>) -> Array
    where
        T: numfuse_runtime::Element,
        S: ndarray::Data<Elem = T>,
        D: ndarray::Dimension,
    {
        let data: Vec<T> = a.iter().copied().collect();
        let nd = NdArray::from_vec(Shape::from(a.shape()), data).expect("shape matches data");
        Array::leaf(nd, Location::caller())
    }
}
