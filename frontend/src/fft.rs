//! `np.fft`: one-axis transforms as [`Op::Fft`] nodes (n-dimensional ones are chains of
//! one-axis nodes, as NumPy computes them), the frequency helpers, and `fftshift`/`ifftshift`
//! as lazy rolls (a broadcast-doubled view sliced at the shift, no gather).
//!
//! Real input of `fft` is cast to complex (complex64 for float32, complex128 otherwise);
//! results are complex64/complex128 like NumPy 2.
//!
//! ```
//! use numfuse as nf;
//! let x = nf::array([1.0, 2.0, 3.0, 4.0]);
//! let f = nf::fft::rfft(&x);
//! assert_eq!(f.shape().dims(), &[3]);
//! let back = nf::fft::irfft(&f);
//! assert_eq!(back.to_vec::<f64>(), vec![1.0, 2.0, 3.0, 4.0]);
//! assert_eq!(nf::fft::fftshift(nf::arange(8), None).to_vec::<i64>(), vec![4, 5, 6, 7, 0, 1, 2, 3]);
//! ```

use crate::array::{ok, Array};
use crate::convert::IntoArray;
use crate::products::{permute, Loc};
use numfuse_ir::shape::normalize_axis;
use numfuse_ir::{DType, Error, FftKind, FftOp, Op, Result, Shape, SliceAxis};
use std::panic::Location;

pub use numfuse_ir::FftNorm;

fn complex_input(a: &Array, origin: Loc) -> Result<Array> {
    let d = match a.dtype() {
        DType::Complex64 | DType::Complex128 => return Ok(a.clone()),
        DType::Float32 | DType::Float16 => DType::Complex64,
        _ => DType::Complex128,
    };
    crate::ufunc::cast_to(a, d, origin)
}

fn real_input(a: &Array, origin: Loc) -> Result<Array> {
    match a.dtype() {
        DType::Float32 | DType::Float64 => Ok(a.clone()),
        DType::Float16 => crate::ufunc::cast_to(a, DType::Float32, origin),
        d if d.is_complex() => Err(Error::Type(format!(
            "ufunc 'rfft_n_even' did not contain a loop with signature matching types (dtype('{d}'), dtype('float64')) -> None"
        ))),
        _ => crate::ufunc::cast_to(a, DType::Float64, origin),
    }
}

fn one_axis(
    a: &Array,
    kind: FftKind,
    n: Option<usize>,
    axis: isize,
    norm: FftNorm,
    origin: Loc,
) -> Result<Array> {
    if a.ndim() == 0 {
        return Err(Error::AxisOutOfBounds { axis, ndim: 0 });
    }
    let ax = normalize_axis(axis, a.ndim())?;
    let len = a.shape()[ax];
    let n = match (n, kind) {
        (Some(n), _) => n,
        (None, FftKind::InverseReal) => 2 * len.saturating_sub(1),
        (None, _) => len,
    };
    if n < 1 {
        return Err(Error::Value(format!(
            "Invalid number of FFT data points ({n}) specified."
        )));
    }
    let x = match kind {
        FftKind::Real => real_input(a, origin)?,
        _ => complex_input(a, origin)?,
    };
    Array::from_op(
        Op::Fft(FftOp {
            kind,
            axis: ax,
            n,
            norm,
        }),
        vec![x],
        origin,
    )
}

macro_rules! one_axis_fns {
    ($($(#[$doc:meta])* $name:ident, $with:ident, $try_with:ident => $kind:ident;)*) => {$(
        $(#[$doc])*
        #[doc = ""]
        #[doc = "Fallible form with NumPy's `n`, `axis` and `norm`."]
        #[track_caller]
        pub fn $try_with(a: impl IntoArray, n: Option<usize>, axis: isize, norm: FftNorm) -> Result<Array> {
            one_axis(&a.into_array(), FftKind::$kind, n, axis, norm, Location::caller())
        }
        $(#[$doc])*
        #[doc = ""]
        #[doc = "With NumPy's `n`, `axis` and `norm`."]
        #[track_caller]
        pub fn $with(a: impl IntoArray, n: Option<usize>, axis: isize, norm: FftNorm) -> Array {
            ok($try_with(a, n, axis, norm))
        }
        $(#[$doc])*
        #[doc = ""]
        #[doc = "Over the last axis with the defaults."]
        #[track_caller]
        pub fn $name(a: impl IntoArray) -> Array {
            ok($try_with(a, None, -1, FftNorm::Backward))
        }
    )*};
}

one_axis_fns! {
    /// `np.fft.fft`: the discrete Fourier transform.
    fft, fft_with, try_fft_with => Forward;
    /// `np.fft.ifft`: the inverse transform.
    ifft, ifft_with, try_ifft_with => Inverse;
    /// `np.fft.rfft`: the transform of real input (`n//2 + 1` bins).
    rfft, rfft_with, try_rfft_with => Real;
    /// `np.fft.irfft`: the inverse of `rfft` (`n` defaults to `2 * (m - 1)`).
    irfft, irfft_with, try_irfft_with => InverseReal;
}

/// Transforms over several axes: `kind_last` on the last listed axis, `kind_rest` on the
/// others (complex-to-complex), in NumPy's order.
fn n_axes(
    a: &Array,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: FftNorm,
    kind_rest: FftKind,
    kind_last: FftKind,
    origin: Loc,
) -> Result<Array> {
    let axes: Vec<isize> = match (axes, s) {
        (Some(ax), _) => ax.to_vec(),
        (None, Some(s)) => (a.ndim() - s.len()..a.ndim()).map(|i| i as isize).collect(),
        (None, None) => (0..a.ndim() as isize).collect(),
    };
    if let Some(s) = s {
        if s.len() != axes.len() {
            return Err(Error::Value(
                "Shape and axes have different lengths.".into(),
            ));
        }
    }
    let size = |i: usize| s.map(|s| s[i]);
    let last = axes
        .len()
        .checked_sub(1)
        .ok_or_else(|| Error::Value("no axes".into()))?;
    let mut x = a.clone();
    if kind_last == FftKind::InverseReal {
        for (i, &ax) in axes.iter().enumerate().take(last) {
            x = one_axis(&x, kind_rest, size(i), ax, norm, origin)?;
        }
        return one_axis(&x, kind_last, size(last), axes[last], norm, origin);
    }
    x = one_axis(&x, kind_last, size(last), axes[last], norm, origin)?;
    for i in (0..last).rev() {
        x = one_axis(&x, kind_rest, size(i), axes[i], norm, origin)?;
    }
    Ok(x)
}

macro_rules! n_axes_fns {
    ($($(#[$doc:meta])* $name:ident, $with:ident, $try_with:ident => $rest:ident, $last:ident, $default_axes:expr;)*) => {$(
        $(#[$doc])*
        #[doc = ""]
        #[doc = "Fallible form with NumPy's `s`, `axes` and `norm`."]
        #[track_caller]
        pub fn $try_with(a: impl IntoArray, s: Option<&[usize]>, axes: Option<&[isize]>, norm: FftNorm) -> Result<Array> {
            let default: Option<&[isize]> = $default_axes;
            n_axes(&a.into_array(), s, axes.or(default), norm, FftKind::$rest, FftKind::$last, Location::caller())
        }
        $(#[$doc])*
        #[doc = ""]
        #[doc = "With NumPy's `s`, `axes` and `norm`."]
        #[track_caller]
        pub fn $with(a: impl IntoArray, s: Option<&[usize]>, axes: Option<&[isize]>, norm: FftNorm) -> Array {
            ok($try_with(a, s, axes, norm))
        }
        $(#[$doc])*
        #[track_caller]
        pub fn $name(a: impl IntoArray) -> Array {
            ok($try_with(a, None, None, FftNorm::Backward))
        }
    )*};
}

const LAST2: Option<&[isize]> = Some(&[-2, -1]);

n_axes_fns! {
    /// `np.fft.fft2`: over the last two axes.
    fft2, fft2_with, try_fft2_with => Forward, Forward, LAST2;
    /// `np.fft.ifft2`.
    ifft2, ifft2_with, try_ifft2_with => Inverse, Inverse, LAST2;
    /// `np.fft.rfft2`.
    rfft2, rfft2_with, try_rfft2_with => Forward, Real, LAST2;
    /// `np.fft.irfft2`.
    irfft2, irfft2_with, try_irfft2_with => Inverse, InverseReal, LAST2;
    /// `np.fft.fftn`: over all axes (or `axes`).
    fftn, fftn_with, try_fftn_with => Forward, Forward, None;
    /// `np.fft.ifftn`.
    ifftn, ifftn_with, try_ifftn_with => Inverse, Inverse, None;
    /// `np.fft.rfftn`.
    rfftn, rfftn_with, try_rfftn_with => Forward, Real, None;
    /// `np.fft.irfftn`.
    irfftn, irfftn_with, try_irfftn_with => Inverse, InverseReal, None;
}

/// `np.fft.fftfreq(n, d)`: `[0, 1, ..., (n-1)//2, -(n//2), ..., -1] / (d*n)`.
#[track_caller]
pub fn fftfreq(n: usize, d: f64) -> Array {
    let val = 1.0 / (n as f64 * d);
    let k: Vec<i64> = (0..n as i64)
        .map(|i| {
            if i < (n as i64 + 1) / 2 {
                i
            } else {
                i - n as i64
            }
        })
        .collect();
    crate::array(k) * val
}

/// `np.fft.rfftfreq(n, d)`: `[0, 1, ..., n//2] / (d*n)`.
#[track_caller]
pub fn rfftfreq(n: usize, d: f64) -> Array {
    let val = 1.0 / (n as f64 * d);
    crate::arange(n as i64 / 2 + 1) * val
}

/// `np.roll` along one axis by `shift` as views: `x` doubled along the axis by a broadcast,
/// then sliced.
fn roll_axis(x: &Array, ax: usize, shift: isize) -> Result<Array> {
    let n = x.shape()[ax];
    if n == 0 {
        return Ok(x.clone());
    }
    let start = (n as isize - shift).rem_euclid(n as isize) as usize;
    if start == 0 {
        return Ok(x.clone());
    }
    let nd = x.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|&i| i != ax).collect();
    perm.push(ax);
    let moved = permute(x, &perm)?;
    let mut dims: Vec<usize> = moved.shape().to_vec();
    dims.insert(nd - 1, 1);
    let one = moved.try_reshape(dims.clone())?;
    dims[nd - 1] = 2;
    let twice = one.try_broadcast_to(Shape::from(dims.as_slice()))?;
    let mut flat: Vec<usize> = moved.shape().to_vec();
    flat[nd - 1] = 2 * n;
    let doubled = twice.try_reshape(flat.clone())?;
    let axes: Vec<SliceAxis> = flat
        .iter()
        .enumerate()
        .map(|(i, &len)| {
            if i == nd - 1 {
                SliceAxis {
                    start,
                    step: 1,
                    len: n,
                }
            } else {
                SliceAxis {
                    start: 0,
                    step: 1,
                    len,
                }
            }
        })
        .collect();
    let rolled = Array::from_op(
        Op::Slice(axes.into_iter().collect()),
        vec![doubled],
        x.origin(),
    )?;
    let mut inv = vec![0usize; nd];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i;
    }
    permute(&rolled, &inv)
}

fn shift_all(x: &Array, axes: Option<&[isize]>, inverse: bool) -> Result<Array> {
    let axes: Vec<usize> = match axes {
        Some(a) => a
            .iter()
            .map(|&i| normalize_axis(i, x.ndim()))
            .collect::<Result<_>>()?,
        None => (0..x.ndim()).collect(),
    };
    let mut y = x.clone();
    for ax in axes {
        let half = (x.shape()[ax] / 2) as isize;
        y = roll_axis(&y, ax, if inverse { -half } else { half })?;
    }
    Ok(y)
}

/// `np.fft.fftshift(x, axes)`: moves the zero frequency to the centre (all axes by default).
#[track_caller]
pub fn fftshift(x: impl IntoArray, axes: Option<&[isize]>) -> Array {
    ok(shift_all(&x.into_array(), axes, false))
}
/// `np.fft.ifftshift(x, axes)`: the inverse of [`fftshift`].
#[track_caller]
pub fn ifftshift(x: impl IntoArray, axes: Option<&[isize]>) -> Array {
    ok(shift_all(&x.into_array(), axes, true))
}
