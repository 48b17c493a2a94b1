//! One-axis discrete Fourier transforms ([`Op::Fft`](numfuse_ir::Op::Fft)) via `rustfft`
//! (complex) and `realfft` (real input / real output), in the input's precision (complex64 in
//! float32, like NumPy 2).
//!
//! Plans are cached: one planner per precision lives for the program and keeps every plan it
//! made, so a repeated length costs a hash lookup. Each lane along the axis is gathered from
//! its strided position (no transposition copy of the array), transformed with a shared
//! scratch buffer, scaled per `norm` (not at all for a scale of 1), and written to the
//! C-ordered result — directly into it when the axis is the last one. Work buffers come from
//! the buffer pool, so repeated transforms of a large length do not page-fault.

use crate::buffer::{Bytes, Pod};
use crate::ndarray::NdArray;
use num_complex::Complex;
use numfuse_ir::{DType, FftKind, FftNorm, FftOp, Result, Shape};
use realfft::RealFftPlanner;
use rustfft::{FftNum, FftPlanner};
use std::sync::{Mutex, OnceLock};

/// A precision with its two cached planners.
trait Float: FftNum + crate::value::Element + Default + num_traits::Float {
    fn planners() -> &'static Mutex<(FftPlanner<Self>, RealFftPlanner<Self>)>;
    fn of_f64(x: f64) -> Self;
}

macro_rules! float {
    ($t:ty) => {
        impl Float for $t {
            fn planners() -> &'static Mutex<(FftPlanner<$t>, RealFftPlanner<$t>)> {
                static P: OnceLock<Mutex<(FftPlanner<$t>, RealFftPlanner<$t>)>> = OnceLock::new();
                P.get_or_init(|| Mutex::new((FftPlanner::new(), RealFftPlanner::new())))
            }
            fn of_f64(x: f64) -> Self {
                x as $t
            }
        }
    };
}
float!(f32);
float!(f64);

/// Element offsets of the first element of every lane along `axis`, in C order of the other
/// axes.
fn lane_offsets(shape: &[usize], strides: &[isize], base: isize, axis: usize) -> Vec<isize> {
    let others: Vec<usize> = (0..shape.len()).filter(|&a| a != axis).collect();
    let count: usize = others.iter().map(|&a| shape[a]).product();
    let mut out = Vec::with_capacity(count);
    let mut idx = vec![0usize; others.len()];
    for _ in 0..count {
        let off: isize = others
            .iter()
            .zip(&idx)
            .map(|(&a, &i)| i as isize * strides[a])
            .sum();
        out.push(base + off);
        for k in (0..others.len()).rev() {
            idx[k] += 1;
            if idx[k] < shape[others[k]] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

fn scale_for(op: &FftOp) -> f64 {
    let n = op.n as f64;
    let inverse = matches!(op.kind, FftKind::Inverse | FftKind::InverseReal);
    match (op.norm, inverse) {
        (FftNorm::Ortho, _) => 1.0 / n.sqrt(),
        (FftNorm::Backward, true) | (FftNorm::Forward, false) => 1.0 / n,
        _ => 1.0,
    }
}

/// Gathers a lane of `len` input elements (cropped or zero-padded to `buf.len()`).
fn gather<T: Copy + Default>(src: &[T], off: isize, stride: isize, len: usize, buf: &mut [T]) {
    let take = len.min(buf.len());
    for (i, b) in buf.iter_mut().enumerate().take(take) {
        *b = src[(off + i as isize * stride) as usize];
    }
    buf[take..].fill(T::default());
}

/// A work buffer of `len` elements whose contents are overwritten before they are read: large
/// ones come from the buffer pool, so a repeated transform does not page-fault.
fn work<T: Pod>(len: usize) -> Bytes {
    Bytes::for_overwrite(T::DTYPE, len)
}

/// Writes `vals · scale` to the lane at `out[lo + i · stride]` (a plain copy when `scale` is 1).
fn store_lane<T: Copy + std::ops::Mul<S, Output = T>, S: num_traits::One + PartialEq + Copy>(
    out: &mut [T],
    lo: usize,
    stride: usize,
    vals: &[T],
    scale: S,
) {
    if stride == 1 && scale.is_one() {
        out[lo..lo + vals.len()].copy_from_slice(vals);
        return;
    }
    for (i, v) in vals.iter().enumerate() {
        out[lo + i * stride] = *v * scale;
    }
}

/// Scales `vals` in place (nothing when `scale` is 1).
fn scale_in_place<T: Copy + std::ops::Mul<S, Output = T>, S: num_traits::One + PartialEq + Copy>(
    vals: &mut [T],
    scale: S,
) {
    if !scale.is_one() {
        for v in vals {
            *v = *v * scale;
        }
    }
}

fn run<T: Float>(op: &FftOp, x: &NdArray, out_shape: &Shape) -> Result<NdArray>
where
    Complex<T>: crate::value::Element,
{
    let axis = op.axis;
    let len_in = x.shape()[axis];
    let stride_in = x.strides_elems()[axis];
    let lanes = lane_offsets(x.shape(), x.strides_elems(), x.offset() as isize, axis);
    let out_len = out_shape[axis];
    let out_stride: usize = out_shape[axis + 1..].iter().product();
    let out_lanes = lane_offsets(out_shape, &out_shape.c_strides(), 0, axis);
    let scale = T::of_f64(scale_for(op));
    let data = x.data();
    let n = op.n;
    let plans = T::planners();
    // With the transformed axis last, each output lane is contiguous and the transform
    // writes it directly (no staging buffer, no copy).
    let direct = out_stride == 1;
    let internal = |e: realfft::FftError| numfuse_ir::Error::Value(format!("internal error: {e}"));
    match op.kind {
        FftKind::Forward | FftKind::Inverse => {
            let plan = {
                let mut p = plans.lock().unwrap_or_else(|e| e.into_inner());
                if op.kind == FftKind::Forward {
                    p.0.plan_fft_forward(n)
                } else {
                    p.0.plan_fft_inverse(n)
                }
            };
            let src = data.as_slice::<Complex<T>>();
            let mut bytes = work::<Complex<T>>(out_shape.size());
            let out = bytes.as_mut_slice::<Complex<T>>();
            let mut buf_b = work::<Complex<T>>(if direct { 0 } else { n });
            let mut scratch_b = work::<Complex<T>>(plan.get_inplace_scratch_len());
            let scratch = scratch_b.as_mut_slice::<Complex<T>>();
            for (&li, &lo) in lanes.iter().zip(&out_lanes) {
                let lo = lo as usize;
                if direct {
                    let lane = &mut out[lo..lo + n];
                    gather(src, li, stride_in, len_in, lane);
                    plan.process_with_scratch(lane, scratch);
                    scale_in_place(lane, scale);
                } else {
                    let buf = buf_b.as_mut_slice::<Complex<T>>();
                    gather(src, li, stride_in, len_in, buf);
                    plan.process_with_scratch(buf, scratch);
                    store_lane(out, lo, out_stride, buf, scale);
                }
            }
            Ok(NdArray::from_bytes(bytes, out_shape.clone()))
        }
        FftKind::Real => {
            let plan = {
                let mut p = plans.lock().unwrap_or_else(|e| e.into_inner());
                p.1.plan_fft_forward(n)
            };
            let src = data.as_slice::<T>();
            let mut bytes = work::<Complex<T>>(out_shape.size());
            let out = bytes.as_mut_slice::<Complex<T>>();
            let mut buf_b = work::<T>(n);
            let buf = buf_b.as_mut_slice::<T>();
            let mut spec_b = work::<Complex<T>>(if direct { 0 } else { out_len });
            let mut scratch_b = work::<Complex<T>>(plan.get_scratch_len());
            let scratch = scratch_b.as_mut_slice::<Complex<T>>();
            for (&li, &lo) in lanes.iter().zip(&out_lanes) {
                let lo = lo as usize;
                gather(src, li, stride_in, len_in, buf);
                if direct {
                    let lane = &mut out[lo..lo + out_len];
                    plan.process_with_scratch(buf, lane, scratch)
                        .map_err(internal)?;
                    scale_in_place(lane, scale);
                } else {
                    let spec = spec_b.as_mut_slice::<Complex<T>>();
                    plan.process_with_scratch(buf, spec, scratch)
                        .map_err(internal)?;
                    store_lane(out, lo, out_stride, spec, scale);
                }
            }
            Ok(NdArray::from_bytes(bytes, out_shape.clone()))
        }
        FftKind::InverseReal => {
            let plan = {
                let mut p = plans.lock().unwrap_or_else(|e| e.into_inner());
                p.1.plan_fft_inverse(n)
            };
            let src = data.as_slice::<Complex<T>>();
            let half = n / 2 + 1;
            let mut bytes = work::<T>(out_shape.size());
            let out = bytes.as_mut_slice::<T>();
            let mut spec_b = work::<Complex<T>>(half);
            let spec = spec_b.as_mut_slice::<Complex<T>>();
            let mut buf_b = work::<T>(if direct { 0 } else { n });
            let mut scratch_b = work::<Complex<T>>(plan.get_scratch_len());
            let scratch = scratch_b.as_mut_slice::<Complex<T>>();
            for (&li, &lo) in lanes.iter().zip(&out_lanes) {
                let lo = lo as usize;
                gather(src, li, stride_in, len_in, spec);
                // NumPy ignores the imaginary parts of the DC and (even n) Nyquist bins
                spec[0].im = T::zero();
                if n.is_multiple_of(2) {
                    spec[half - 1].im = T::zero();
                }
                if direct {
                    let lane = &mut out[lo..lo + n];
                    plan.process_with_scratch(spec, lane, scratch)
                        .map_err(internal)?;
                    scale_in_place(lane, scale);
                } else {
                    let buf = buf_b.as_mut_slice::<T>();
                    plan.process_with_scratch(spec, buf, scratch)
                        .map_err(internal)?;
                    store_lane(out, lo, out_stride, buf, scale);
                }
            }
            Ok(NdArray::from_bytes(bytes, out_shape.clone()))
        }
    }
}

/// Evaluates a one-axis transform.
pub fn eval_fft(op: &FftOp, x: &NdArray) -> Result<NdArray> {
    let (shape, _) = numfuse_ir::linalg_op::infer_fft(op, &(x.shape().clone(), x.dtype()))?;
    if shape.size() == 0 {
        let dtype =
            numfuse_ir::infer::infer(&numfuse_ir::Op::Fft(*op), &[(x.shape().clone(), x.dtype())])?
                .1;
        return Ok(NdArray::zeros(shape, dtype));
    }
    match x.dtype() {
        DType::Float32 | DType::Complex64 => run::<f32>(op, x, &shape),
        _ => run::<f64>(op, x, &shape),
    }
}
