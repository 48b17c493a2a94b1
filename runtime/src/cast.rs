//! Dtype conversion of whole arrays with NumPy's `astype` results (see [`crate::value`] for
//! the per-element rules: truncation toward zero, x86 conversion of out-of-range floats,
//! wrap-around between integers, nonzero → True).

use crate::buffer::Bytes;
use crate::layout::zip_offsets;
use crate::ndarray::NdArray;
use crate::value::{FromWide, ToWide};
use crate::with_dtype;
use numfuse_ir::DType;

/// A C-contiguous copy of `src` converted to `to`.
pub fn cast_array(src: &NdArray, to: DType) -> NdArray {
    let data = src.data();
    let mut out = Bytes::zeroed(to, src.size());
    with_dtype!(src.dtype(), S => with_dtype!(to, D => {
        let s = data.as_slice::<S>();
        let d = out.as_mut_slice::<D>();
        let mut k = 0;
        zip_offsets(src.shape(), [src.strides_elems()], [src.offset() as isize], |[i]| {
            d[k] = D::from_wide(s[i].to_wide());
            k += 1;
        });
    }));
    NdArray::from_bytes(out, src.shape().clone())
}

impl NdArray {
    /// `astype(dtype)`: a converted C-contiguous copy (always a copy, like NumPy's default).
    pub fn astype(&self, to: DType) -> NdArray {
        cast_array(self, to)
    }
}
