//! In-place updates of [`NdArray`]s: `fill`, element `set`, and slice assignment with
//! broadcasting and casting. Writes go through the storage's copy-on-write cell, so lazy graphs
//! that read this array keep seeing the old values and self-overlapping assignments are safe.

use crate::cast::cast_array;
use crate::layout::zip_offsets;
use crate::ndarray::NdArray;
use crate::value::{FromWide, Value};
use crate::with_dtype;
use numfuse_ir::{Error, Result};

impl NdArray {
    fn check_writeable(&self) -> Result<()> {
        if self.writeable {
            Ok(())
        } else {
            Err(Error::ReadOnly)
        }
    }

    /// Sets every element to `v` (converted to the dtype, `astype` rules).
    pub fn fill(&self, v: impl Into<Value>) -> Result<()> {
        self.check_writeable()?;
        self.fill_unchecked(v.into());
        Ok(())
    }

    pub(crate) fn fill_unchecked(&self, v: Value) {
        let w = v.to_wide();
        with_dtype!(self.dtype, T => {
            let x = T::from_wide(w);
            self.storage.write(|b| {
                let dst = b.as_mut_slice::<T>();
                zip_offsets(&self.shape, [&self.strides], [self.offset as isize], |[i]| dst[i] = x);
            })
        })
    }

    /// Runs `f` on the elements of a C-contiguous array, in place (internal fast paths, e.g.
    /// vector math on a fresh copy). Panics (an internal bug) if the array is not contiguous
    /// or `T` is not its element type.
    pub fn update_in_place<T: crate::buffer::Pod>(&self, f: impl FnOnce(&mut [T])) {
        assert!(
            self.is_c_contiguous(),
            "numfuse internal error: in-place update of a strided view"
        );
        let (off, n) = (self.offset, self.size());
        self.storage
            .write(|b| f(&mut b.as_mut_slice::<T>()[off..off + n]));
    }

    /// Runs `f` with a writable pointer to this array's first element (copy-on-write: the
    /// storage is copied first if a snapshot shares it, so snapshots never change). The
    /// pointer is valid for the array's extent until `f` returns; the executor's kernels
    /// store through it (`exec/dest.rs`).
    pub(crate) fn with_base_ptr<R>(&self, f: impl FnOnce(*mut u8) -> R) -> R {
        let off = self.offset * self.itemsize();
        self.storage.write(|b| f(b.as_mut_ptr().wrapping_add(off)))
    }

    /// Sets one element (`a[i, j] = v`).
    pub fn set(&self, index: &[isize], v: impl Into<Value>) -> Result<()> {
        self.check_writeable()?;
        let off = self.element_offset(index)?;
        let w = v.into().to_wide();
        with_dtype!(self.dtype, T => self.storage.write(|b| b.as_mut_slice::<T>()[off] = T::from_wide(w)));
        Ok(())
    }

    /// Slice assignment `self[...] = src`: `src` is broadcast to this array's shape and cast
    /// to its dtype (NumPy's same-kind rules are not enforced, like `a[...] = b`).
    pub fn assign(&self, src: &NdArray) -> Result<()> {
        self.check_writeable()?;
        let b = src.broadcast_to(&self.shape).map_err(|_| {
            Error::Value(format!(
                "could not broadcast input array from shape {} into shape {}",
                src.shape, self.shape
            ))
        })?;
        self.assign_unchecked(&b);
        Ok(())
    }

    /// Copies `src` (same shape) into this array, casting.
    pub(crate) fn assign_unchecked(&self, src: &NdArray) {
        let src = if src.dtype != self.dtype {
            cast_array(src, self.dtype)
        } else {
            src.clone()
        };
        let data = src.data();
        with_dtype!(self.dtype, T => {
            let s = data.as_slice::<T>();
            self.storage.write(|b| {
                let dst = b.as_mut_slice::<T>();
                zip_offsets(
                    &self.shape,
                    [&self.strides, &src.strides],
                    [self.offset as isize, src.offset as isize],
                    |[d, i]| dst[d] = s[i],
                );
            })
        })
    }
}
