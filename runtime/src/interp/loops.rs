//! The strided loop skeletons of the interpreter: map one or two same-shaped arrays elementwise
//! into a fresh C-contiguous result. All interpreter kernels are built from these.

use crate::buffer::Bytes;
use crate::layout::zip_offsets;
use crate::ndarray::NdArray;
use crate::value::Element;
use numfuse_ir::Result;

/// `out[i] = f(a[i])` in C order.
pub fn map1<T: Element, U: Element>(a: &NdArray, f: impl Fn(T) -> U) -> NdArray {
    let data = a.data();
    let src = data.as_slice::<T>();
    let mut out = Bytes::zeroed(U::DTYPE, a.size());
    let dst = out.as_mut_slice::<U>();
    let mut k = 0;
    zip_offsets(
        a.shape(),
        [a.strides_elems()],
        [a.offset() as isize],
        |[i]| {
            dst[k] = f(src[i]);
            k += 1;
        },
    );
    NdArray::from_bytes(out, a.shape().clone())
}

/// `out[i] = f(a[i], b[i])` in C order; `a` and `b` have the same shape.
pub fn map2<T: Element, U: Element>(a: &NdArray, b: &NdArray, f: impl Fn(T, T) -> U) -> NdArray {
    try_map2(a, b, |x, y| Ok(f(x, y))).expect("infallible")
}

/// Like [`map2`], stopping at the first error (integer power with a negative exponent).
pub fn try_map2<T: Element, U: Element>(
    a: &NdArray,
    b: &NdArray,
    f: impl Fn(T, T) -> Result<U>,
) -> Result<NdArray> {
    let (da, db) = (a.data(), b.data());
    let (sa, sb) = (da.as_slice::<T>(), db.as_slice::<T>());
    let mut out = Bytes::zeroed(U::DTYPE, a.size());
    let dst = out.as_mut_slice::<U>();
    let mut k = 0;
    let mut err = None;
    zip_offsets(
        a.shape(),
        [a.strides_elems(), b.strides_elems()],
        [a.offset() as isize, b.offset() as isize],
        |[i, j]| {
            if err.is_none() {
                match f(sa[i], sb[j]) {
                    Ok(v) => dst[k] = v,
                    Err(e) => err = Some(e),
                }
            }
            k += 1;
        },
    );
    match err {
        Some(e) => Err(e),
        None => Ok(NdArray::from_bytes(out, a.shape().clone())),
    }
}

/// `out[i] = if c[i] { a[i] } else { b[i] }`.
pub fn select<T: Element>(c: &NdArray, a: &NdArray, b: &NdArray) -> NdArray {
    let (dc, da, db) = (c.data(), a.data(), b.data());
    let (sc, sa, sb) = (
        dc.as_slice::<bool>(),
        da.as_slice::<T>(),
        db.as_slice::<T>(),
    );
    let mut out = Bytes::zeroed(T::DTYPE, a.size());
    let dst = out.as_mut_slice::<T>();
    let mut k = 0;
    zip_offsets(
        a.shape(),
        [c.strides_elems(), a.strides_elems(), b.strides_elems()],
        [
            c.offset() as isize,
            a.offset() as isize,
            b.offset() as isize,
        ],
        |[i, j, l]| {
            dst[k] = if sc[i] { sa[j] } else { sb[l] };
            k += 1;
        },
    );
    NdArray::from_bytes(out, a.shape().clone())
}
