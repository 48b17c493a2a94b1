//! [`NdArray`]: a concrete strided array (storage + offset + shape + strides + dtype), the
//! result of every evaluation and the input of every graph. Views share storage.

use crate::buffer::{Bytes, Pod, Storage};
use crate::layout::{self, zip_offsets, Strides};
use crate::value::{Element, Value};
use crate::with_dtype;
use numfuse_ir::{DType, Error, Result, Shape};
use std::sync::Arc;

/// A concrete n-dimensional array or a view of one.
///
/// Strides are kept in elements (`strides()` reports bytes, like NumPy). Views made by slicing,
/// transposing, broadcasting or reshaping share storage with their base, so a write through one
/// is seen by all (NumPy semantics).
#[derive(Clone)]
pub struct NdArray {
    pub(crate) storage: Arc<Storage>,
    pub(crate) dtype: DType,
    pub(crate) shape: Shape,
    pub(crate) strides: Strides,
    pub(crate) offset: usize,
    pub(crate) writeable: bool,
    pub(crate) is_view: bool,
}

/// Memory order for creation and copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    /// Row-major (C), NumPy's default.
    #[default]
    C,
    /// Column-major (Fortran).
    F,
}

impl NdArray {
    /// Wraps a fresh buffer as a C-contiguous array of `shape`.
    pub fn from_bytes(bytes: Bytes, shape: Shape) -> NdArray {
        debug_assert_eq!(bytes.len(), shape.size());
        NdArray {
            dtype: bytes.dtype(),
            strides: shape.c_strides(),
            storage: Storage::new(bytes),
            shape,
            offset: 0,
            writeable: true,
            is_view: false,
        }
    }

    /// The buffer of a whole, C-contiguous array that nothing else references (no view, no
    /// snapshot), for reuse by the executor; the array back otherwise.
    pub(crate) fn try_into_bytes(self) -> std::result::Result<Bytes, NdArray> {
        if self.offset != 0 || self.is_view || !self.is_c_contiguous() {
            return Err(self);
        }
        let NdArray {
            storage,
            dtype,
            shape,
            strides,
            offset,
            writeable,
            is_view,
        } = self;
        let back = |storage| NdArray {
            storage,
            dtype,
            shape,
            strides,
            offset,
            writeable,
            is_view,
        };
        match Arc::try_unwrap(storage) {
            Ok(st) => st.into_bytes().map_err(|st| back(Arc::new(st))),
            Err(arc) => Err(back(arc)),
        }
    }

    /// A zero-filled array.
    pub fn zeros(shape: impl Into<Shape>, dtype: DType) -> NdArray {
        let shape = shape.into();
        NdArray::from_bytes(Bytes::zeroed(dtype, shape.size()), shape)
    }

    /// A zero-filled array in the given memory order.
    pub fn zeros_order(shape: impl Into<Shape>, dtype: DType, order: Order) -> NdArray {
        let mut a = NdArray::zeros(shape, dtype);
        if order == Order::F {
            a.strides = a.shape.f_strides();
        }
        a
    }

    /// An array from data in C order; errors if the lengths disagree.
    pub fn from_vec<T: Element>(shape: impl Into<Shape>, data: Vec<T>) -> Result<NdArray> {
        let shape = shape.into();
        if shape.size() != data.len() {
            return Err(Error::Value(format!(
                "cannot reshape array of size {} into shape {shape}",
                data.len()
            )));
        }
        Ok(NdArray::from_bytes(Bytes::from_slice(&data), shape))
    }

    /// A 0-d array holding one value.
    pub fn from_value(v: Value) -> NdArray {
        with_dtype!(v.dtype(), T => {
            let x: T = crate::value::FromWide::from_wide(v.to_wide());
            NdArray::from_bytes(Bytes::from_slice(&[x]), Shape::scalar())
        })
    }

    /// An array of `shape` filled with `v` (converted to `dtype`).
    pub fn full(shape: impl Into<Shape>, v: Value, dtype: DType) -> NdArray {
        let a = NdArray::zeros(shape, dtype);
        a.fill_unchecked(v);
        a
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }
    /// The shape.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }
    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.shape.ndim()
    }
    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape.size()
    }
    /// Bytes per element.
    pub fn itemsize(&self) -> usize {
        self.dtype.itemsize()
    }
    /// Bytes of the elements (`size * itemsize`).
    pub fn nbytes(&self) -> usize {
        self.size() * self.itemsize()
    }
    /// Strides in bytes, like NumPy's `.strides`.
    pub fn strides(&self) -> Vec<isize> {
        let item = self.itemsize() as isize;
        self.strides.iter().map(|s| s * item).collect()
    }
    /// Strides in elements.
    pub fn strides_elems(&self) -> &[isize] {
        &self.strides
    }
    /// Offset of the first element in the storage, in elements.
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// NumPy's `flags['C_CONTIGUOUS']`.
    pub fn is_c_contiguous(&self) -> bool {
        layout::is_c_contiguous(&self.shape, &self.strides)
    }
    /// NumPy's `flags['F_CONTIGUOUS']`.
    pub fn is_f_contiguous(&self) -> bool {
        layout::is_f_contiguous(&self.shape, &self.strides)
    }
    /// True when some axis of length > 1 has stride 0 (a broadcast view).
    pub fn has_broadcast_axes(&self) -> bool {
        self.shape
            .iter()
            .zip(self.strides.iter())
            .any(|(&d, &s)| d > 1 && s == 0)
    }
    /// NumPy's `flags['WRITEABLE']`.
    pub fn is_writeable(&self) -> bool {
        self.writeable
    }
    /// True when this array is a view of another (NumPy: `base is not None`).
    pub fn is_view(&self) -> bool {
        self.is_view
    }
    /// Marks the array read-only (as `sliding_window_view` results are).
    pub fn set_writeable(&mut self, writeable: bool) {
        self.writeable = writeable;
    }

    /// The current contents. The returned buffer never changes (writers copy first).
    pub fn data(&self) -> Arc<Bytes> {
        self.storage.snapshot()
    }

    /// A frozen copy that shares the bytes until either side is written (copy-on-write). Lazy
    /// graphs hold these so that later writes to the original never change their results.
    pub fn snapshot(&self) -> NdArray {
        NdArray {
            storage: Arc::new(Storage::from_arc(self.storage.snapshot())),
            ..self.clone()
        }
    }

    /// True when both arrays use the same storage (views of one base).
    pub fn same_storage(&self, other: &NdArray) -> bool {
        Arc::ptr_eq(&self.storage, &other.storage)
    }

    /// The elements in C order as Rust values; errors if `T` is not the dtype's type.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if T::DTYPE != self.dtype {
            return Err(Error::TypeMismatch {
                expected: self.dtype,
                requested: std::any::type_name::<T>(),
            });
        }
        Ok(self.read_vec::<T>())
    }

    /// The elements in C order; `T` must be the dtype's type (internal use).
    pub(crate) fn read_vec<T: Pod>(&self) -> Vec<T> {
        let data = self.data();
        let src = data.as_slice::<T>();
        let mut out = Vec::with_capacity(self.size());
        zip_offsets(
            &self.shape,
            [&self.strides],
            [self.offset as isize],
            |[i]| out.push(src[i]),
        );
        out
    }

    /// All elements in C order as [`Value`]s.
    pub fn values(&self) -> Vec<Value> {
        with_dtype!(self.dtype, T => self.read_vec::<T>().into_iter().map(Value::from).collect())
    }

    /// The element at a full index (negative indices count from the end).
    pub fn get(&self, index: &[isize]) -> Result<Value> {
        let off = self.element_offset(index)?;
        Ok(with_dtype!(self.dtype, T => Value::from(self.data().as_slice::<T>()[off])))
    }

    /// The single element of a size-1 array (`ndarray.item()`).
    pub fn item(&self) -> Result<Value> {
        if self.size() != 1 {
            return Err(Error::NotAScalar { size: self.size() });
        }
        Ok(self.values()[0])
    }

    /// Storage offset of the element at `index`, with NumPy's index errors.
    pub(crate) fn element_offset(&self, index: &[isize]) -> Result<usize> {
        if index.len() != self.ndim() {
            if index.len() > self.ndim() {
                return Err(Error::TooManyIndices {
                    ndim: self.ndim(),
                    given: index.len(),
                });
            }
            return Err(Error::Value(format!(
                "expected a full index of {} integers, got {}",
                self.ndim(),
                index.len()
            )));
        }
        let mut off = self.offset as isize;
        for (axis, (&i, &n)) in index.iter().zip(self.shape.iter()).enumerate() {
            let j = if i < 0 { i + n as isize } else { i };
            if j < 0 || j >= n as isize {
                return Err(Error::IndexOutOfBounds {
                    index: i,
                    axis,
                    size: n,
                });
            }
            off += j * self.strides[axis];
        }
        Ok(off as usize)
    }

    /// A contiguous copy in the given order (`np.copy(order=...)`).
    pub fn copy_order(&self, order: Order) -> NdArray {
        let out = NdArray::zeros_order(self.shape.clone(), self.dtype, order);
        out.assign_unchecked(self);
        out
    }

    /// A C-contiguous copy (`ndarray.copy()`).
    pub fn copy(&self) -> NdArray {
        self.copy_order(Order::C)
    }

    /// This array if it is C-contiguous, else a C-contiguous copy (`np.ascontiguousarray`);
    /// like NumPy, a 0-d array comes back with shape (1,).
    pub fn as_c_contiguous(&self) -> NdArray {
        if self.ndim() == 0 {
            return self.copy().reshape(&Shape::from([1])).expect("size 1");
        }
        if self.is_c_contiguous() {
            self.clone()
        } else {
            self.copy()
        }
    }

    /// This array if it is F-contiguous, else an F-ordered copy (`np.asfortranarray`).
    pub fn as_f_contiguous(&self) -> NdArray {
        if self.ndim() == 0 {
            return self.as_c_contiguous();
        }
        if self.is_f_contiguous() {
            self.clone()
        } else {
            self.copy_order(Order::F)
        }
    }
}

impl std::fmt::Debug for NdArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self} (dtype={}, shape={})", self.dtype, self.shape)
    }
}
