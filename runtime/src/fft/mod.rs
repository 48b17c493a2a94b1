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
use num_traits::One;
use numfuse_ir::{DType, FftKind, FftNorm, FftOp, Result, Shape};
use realfft::RealFftPlanner;
use rustfft::{FftNum, FftPlanner};
use std::marker::PhantomData;
use std::ops::Mul;
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

/// Scales `vals` in place (nothing when `scale` is 1).
fn scale_in_place<T: Copy + Mul<S, Output = T>, S: One + PartialEq + Copy>(
    vals: &mut [T],
    scale: S,
) {
    if !scale.is_one() {
        for v in vals {
            *v = *v * scale;
        }
    }
}

/// The C-ordered result, filled lane by lane along the transformed axis: a lane is written
/// in place when the axis is the last one (the lane is contiguous), otherwise into a staging
/// buffer that is then scattered at the result's stride.
struct LaneSink<O: Pod> {
    out: Bytes,
    len: usize,
    stride: usize,
    staging: Bytes,
    elem: PhantomData<O>,
}

impl<O: Pod> LaneSink<O> {
    fn new(size: usize, len: usize, stride: usize) -> Self {
        LaneSink {
            out: work::<O>(size),
            len,
            stride,
            staging: work::<O>(if stride == 1 { 0 } else { len }),
            elem: PhantomData,
        }
    }

    /// Runs `fill` on the lane whose first element is at `lo` (or on the staging buffer),
    /// then scales it by `scale` and, if staged, scatters it into place.
    fn lane<S: One + PartialEq + Copy>(
        &mut self,
        lo: usize,
        scale: S,
        fill: impl FnOnce(&mut [O]) -> Result<()>,
    ) -> Result<()>
    where
        O: Mul<S, Output = O>,
    {
        if self.stride == 1 {
            let lane = &mut self.out.as_mut_slice::<O>()[lo..lo + self.len];
            fill(lane)?;
            scale_in_place(lane, scale);
        } else {
            let buf = self.staging.as_mut_slice::<O>();
            fill(buf)?;
            let out = self.out.as_mut_slice::<O>();
            for (i, v) in buf.iter().enumerate() {
                out[lo + i * self.stride] = *v * scale;
            }
        }
        Ok(())
    }

    fn finish(self, shape: &Shape) -> NdArray {
        NdArray::from_bytes(self.out, shape.clone())
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
    let (size, out_len) = (out_shape.size(), out_shape[axis]);
    let out_stride: usize = out_shape[axis + 1..].iter().product();
    let out_lanes = lane_offsets(out_shape, &out_shape.c_strides(), 0, axis);
    let scale = T::of_f64(scale_for(op));
    let data = x.data();
    let n = op.n;
    let plans = T::planners();
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
            let mut sink = LaneSink::<Complex<T>>::new(size, out_len, out_stride);
            let mut scratch_b = work::<Complex<T>>(plan.get_inplace_scratch_len());
            let scratch = scratch_b.as_mut_slice::<Complex<T>>();
            for (&li, &lo) in lanes.iter().zip(&out_lanes) {
                sink.lane(lo as usize, scale, |lane| {
                    gather(src, li, stride_in, len_in, lane);
                    plan.process_with_scratch(lane, scratch);
                    Ok(())
                })?;
            }
            Ok(sink.finish(out_shape))
        }
        FftKind::Real => {
            let plan = {
                let mut p = plans.lock().unwrap_or_else(|e| e.into_inner());
                p.1.plan_fft_forward(n)
            };
            let src = data.as_slice::<T>();
            let mut sink = LaneSink::<Complex<T>>::new(size, out_len, out_stride);
            let mut buf_b = work::<T>(n);
            let buf = buf_b.as_mut_slice::<T>();
            let mut scratch_b = work::<Complex<T>>(plan.get_scratch_len());
            let scratch = scratch_b.as_mut_slice::<Complex<T>>();
            for (&li, &lo) in lanes.iter().zip(&out_lanes) {
                gather(src, li, stride_in, len_in, buf);
                sink.lane(lo as usize, scale, |spec| {
                    plan.process_with_scratch(buf, spec, scratch)
                        .map_err(internal)
                })?;
            }
            Ok(sink.finish(out_shape))
        }
        FftKind::InverseReal => {
            let plan = {
                let mut p = plans.lock().unwrap_or_else(|e| e.into_inner());
                p.1.plan_fft_inverse(n)
            };
            let src = data.as_slice::<Complex<T>>();
            let half = n / 2 + 1;
            let mut sink = LaneSink::<T>::new(size, out_len, out_stride);
            let mut spec_b = work::<Complex<T>>(half);
            let spec = spec_b.as_mut_slice::<Complex<T>>();
            let mut scratch_b = work::<Complex<T>>(plan.get_scratch_len());
            let scratch = scratch_b.as_mut_slice::<Complex<T>>();
            for (&li, &lo) in lanes.iter().zip(&out_lanes) {
                gather(src, li, stride_in, len_in, spec);
                // NumPy ignores the imaginary parts of the DC and (even n) Nyquist bins
                spec[0].im = T::zero();
                if n.is_multiple_of(2) {
                    spec[half - 1].im = T::zero();
                }
                sink.lane(lo as usize, scale, |lane| {
                    plan.process_with_scratch(spec, lane, scratch)
                        .map_err(internal)
                })?;
            }
            Ok(sink.finish(out_shape))
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
