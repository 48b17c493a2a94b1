//! View-producing operations on [`NdArray`]: slicing, permuting, broadcasting, reshaping
//! (a view when NumPy gives one), diagonals, and the copying counterparts.

use crate::layout::{reshape_strides, Strides};
use crate::ndarray::NdArray;
use numfuse_ir::{broadcast_shapes, infer::slice_fits, Error, Result, Shape, SliceAxis};
use smallvec::SmallVec;

impl NdArray {
    fn view(&self, shape: Shape, strides: Strides, offset: usize) -> NdArray {
        NdArray {
            storage: self.storage.clone(),
            dtype: self.dtype,
            shape,
            strides,
            offset,
            writeable: self.writeable,
            is_view: true,
        }
    }

    /// Basic slicing: one normalised [`SliceAxis`] per axis.
    pub fn slice(&self, axes: &[SliceAxis]) -> Result<NdArray> {
        if axes.len() != self.ndim()
            || axes
                .iter()
                .zip(self.shape.iter())
                .any(|(a, &n)| !slice_fits(a, n))
        {
            return Err(Error::Value(format!(
                "invalid slice for shape {}",
                self.shape
            )));
        }
        let mut offset = self.offset as isize;
        let mut strides = Strides::new();
        for (a, &s) in axes.iter().zip(self.strides.iter()) {
            if a.len > 0 {
                offset += a.start as isize * s;
            }
            strides.push(s * a.step);
        }
        let shape = Shape(axes.iter().map(|a| a.len).collect());
        Ok(self.view(shape, strides, offset as usize))
    }

    /// Axis permutation (`transpose(axes)`): output axis `i` is input axis `perm[i]`.
    pub fn permute(&self, perm: &[usize]) -> Result<NdArray> {
        let mut seen = vec![false; self.ndim()];
        if perm.len() != self.ndim()
            || perm
                .iter()
                .any(|&p| p >= self.ndim() || std::mem::replace(&mut seen[p], true))
        {
            return Err(Error::Value("axes don't match array".into()));
        }
        let shape = Shape(perm.iter().map(|&p| self.shape[p]).collect());
        let strides = perm.iter().map(|&p| self.strides[p]).collect();
        Ok(self.view(shape, strides, self.offset))
    }

    /// Reverses the axes (`.T`).
    pub fn t(&self) -> NdArray {
        let perm: Vec<usize> = (0..self.ndim()).rev().collect();
        self.permute(&perm).expect("a reversal is a permutation")
    }

    /// A read-only-in-spirit broadcast view (stride 0 on stretched axes).
    pub fn broadcast_to(&self, shape: &Shape) -> Result<NdArray> {
        match broadcast_shapes(&[self.shape.clone(), shape.clone()]) {
            Some(b) if &b == shape => {}
            _ => {
                return Err(Error::BroadcastTo {
                    from: self.shape.clone(),
                    to: shape.clone(),
                })
            }
        }
        let pad = shape.ndim() - self.ndim();
        let mut strides: Strides = SmallVec::from_elem(0, shape.ndim());
        for (i, (&d, &s)) in self.shape.iter().zip(self.strides.iter()).enumerate() {
            strides[pad + i] = if d == 1 && shape[pad + i] != 1 { 0 } else { s };
        }
        let mut v = self.view(shape.clone(), strides, self.offset);
        // like `np.broadcast_to`, a view whose elements repeat is read-only
        if v.has_broadcast_axes() {
            v.writeable = false;
        }
        Ok(v)
    }

    /// Reshape in C order: a view when the strides allow it, otherwise a copy. The flag says
    /// which.
    pub fn reshape_view_or_copy(&self, shape: &Shape) -> Result<(NdArray, bool)> {
        if shape.size() != self.size() {
            return Err(Error::Reshape {
                size: self.size(),
                shape: shape.iter().map(|&d| d as isize).collect(),
            });
        }
        match reshape_strides(&self.shape, &self.strides, shape) {
            Some(strides) => Ok((self.view(shape.clone(), strides, self.offset), true)),
            None => {
                let c = self.copy();
                Ok((c.view(shape.clone(), shape.c_strides(), 0), false))
            }
        }
    }

    /// Reshape (view when possible, like NumPy).
    pub fn reshape(&self, shape: &Shape) -> Result<NdArray> {
        Ok(self.reshape_view_or_copy(shape)?.0)
    }

    /// `ravel()`: a 1-D view when contiguous in C order, else a copy.
    pub fn ravel(&self) -> NdArray {
        self.reshape(&Shape::from([self.size()]))
            .expect("same size")
    }

    /// `flatten()`: always a 1-D copy.
    pub fn flatten(&self) -> NdArray {
        let c = self.copy();
        c.reshape(&Shape::from([self.size()])).expect("same size")
    }

    /// The diagonal view over the last two axes (`np.diagonal(a, offset, -2, -1)`).
    pub fn diagonal(&self, offset: isize) -> Result<NdArray> {
        let n = self.ndim();
        if n < 2 {
            return Err(Error::Value(
                "diag requires an array of at least two dimensions".into(),
            ));
        }
        let (r, c) = (self.shape[n - 2] as isize, self.shape[n - 1] as isize);
        let (sr, sc) = (self.strides[n - 2], self.strides[n - 1]);
        let len = if offset >= 0 {
            (c - offset).min(r)
        } else {
            (r + offset).min(c)
        }
        .max(0);
        let start = if len == 0 {
            0
        } else if offset >= 0 {
            offset * sc
        } else {
            -offset * sr
        };
        let mut shape: SmallVec<[usize; 4]> = self.shape[..n - 2].into();
        shape.push(len as usize);
        let mut strides: Strides = self.strides[..n - 2].into();
        strides.push(sr + sc);
        Ok(self.view(
            Shape(shape),
            strides,
            (self.offset as isize + start) as usize,
        ))
    }

    /// Integer-indexes axis `axis` at `index` (negative from the end), removing the axis.
    pub fn index_axis(&self, axis: usize, index: isize) -> Result<NdArray> {
        let n = self.shape[axis];
        let j = if index < 0 { index + n as isize } else { index };
        if j < 0 || j >= n as isize {
            return Err(Error::IndexOutOfBounds {
                index,
                axis,
                size: n,
            });
        }
        let mut shape = self.shape.0.clone();
        let mut strides = self.strides.clone();
        shape.remove(axis);
        let s = strides.remove(axis);
        Ok(self.view(
            Shape(shape),
            strides,
            (self.offset as isize + j * s) as usize,
        ))
    }
}

/// NumPy's `shares_memory`: whether the two arrays have at least one element in common.
pub fn shares_memory(a: &NdArray, b: &NdArray) -> bool {
    if !a.same_storage(b) || a.size() == 0 || b.size() == 0 {
        return false;
    }
    let span = |x: &NdArray| {
        let (mut lo, mut hi) = (x.offset as isize, x.offset as isize);
        for (&d, &s) in x.shape.iter().zip(x.strides.iter()) {
            let ext = (d as isize - 1) * s;
            if ext < 0 {
                lo += ext
            } else {
                hi += ext
            }
        }
        (lo, hi)
    };
    let ((alo, ahi), (blo, bhi)) = (span(a), span(b));
    if ahi < blo || bhi < alo {
        return false;
    }
    let offsets = |x: &NdArray| {
        let mut v = Vec::with_capacity(x.size());
        crate::layout::zip_offsets(&x.shape, [&x.strides], [x.offset as isize], |[i]| v.push(i));
        v
    };
    let set: std::collections::HashSet<usize> = offsets(a).into_iter().collect();
    offsets(b).into_iter().any(|i| set.contains(&i))
}

/// NumPy's `may_share_memory`: whether the memory extents of the two arrays overlap.
pub fn may_share_memory(a: &NdArray, b: &NdArray) -> bool {
    a.same_storage(b) && a.size() > 0 && b.size() > 0
}
