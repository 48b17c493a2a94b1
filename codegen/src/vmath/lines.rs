//! Line operations: `out[i] = x[i] ⊙ c` for one scalar `c` (an arithmetic op with an operand
//! that is constant along a line, such as softmax's `e / sum(e)` per row), compiled ahead of
//! time at the CPU's full vector width.
//!
//! The JIT emits 128-bit vectors; on AMD Zen 3 a 256-bit `vdivpd` divides twice as many
//! elements per cycle as the 128-bit `divpd`, so a division by a per-row value runs about
//! twice as fast here. Every op is one IEEE operation per element (`+`, `-`, `*`, `/`, in the
//! operand order of the expression), so the results are the bits the JIT computes.

use super::level::Level;
use std::ops::{Add, Div, Mul, Range, Sub};

/// The arithmetic of a line operation; `Rev` forms take the scalar as the first operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineOp {
    /// `x + c`.
    Add,
    /// `c + x`.
    AddRev,
    /// `x - c`.
    Sub,
    /// `c - x`.
    SubRev,
    /// `x * c`.
    Mul,
    /// `c * x`.
    MulRev,
    /// `x / c`.
    Div,
    /// `c / x`.
    DivRev,
}

impl LineOp {
    /// The expression it computes, for `explain` (`x` the line, `c` the scalar).
    pub fn text(self) -> &'static str {
        match self {
            LineOp::Add => "x + c",
            LineOp::AddRev => "c + x",
            LineOp::Sub => "x - c",
            LineOp::SubRev => "c - x",
            LineOp::Mul => "x * c",
            LineOp::MulRev => "c * x",
            LineOp::Div => "x / c",
            LineOp::DivRev => "c / x",
        }
    }
}

/// The second operand of a line op: one scalar for the whole line (`f64`, `f32`) or an
/// array of the line's length (`&[f64]`, `&[f32]`: `out[i] = x[i] ⊙ y[i]`).
pub(super) trait Rhs<T>: Copy {
    /// The operand for elements `r` of the line.
    fn part(self, r: Range<usize>) -> Self;
    /// The operand of element `i`.
    fn at(self, i: usize) -> T;
}

macro_rules! rhs {
    ($t:ty) => {
        impl Rhs<$t> for $t {
            #[inline(always)]
            fn part(self, _: Range<usize>) -> $t {
                self
            }
            #[inline(always)]
            fn at(self, _: usize) -> $t {
                self
            }
        }
        impl Rhs<$t> for &[$t] {
            #[inline(always)]
            fn part(self, r: Range<usize>) -> Self {
                &self[r]
            }
            #[inline(always)]
            fn at(self, i: usize) -> $t {
                self[i]
            }
        }
    };
}
rhs!(f64);
rhs!(f32);

/// `out[i] = x[i] ⊙ y[i]` for `i < min(x.len(), out.len())` (`y` as long for an array),
/// one IEEE operation per element; inlined into each instruction-set level's routine.
#[inline(always)]
pub(super) fn each<T, R>(op: LineOp, x: &[T], y: R, out: &mut [T])
where
    T: Copy + Add<Output = T> + Sub<Output = T> + Mul<Output = T> + Div<Output = T>,
    R: Rhs<T>,
{
    let n = out.len().min(x.len());
    let (x, y, out) = (&x[..n], y.part(0..n), &mut out[..n]);
    macro_rules! each_element {
        (|$v:ident, $c:ident| $e:expr) => {
            for i in 0..n {
                let ($v, $c) = (x[i], y.at(i));
                out[i] = $e;
            }
        };
    }
    match op {
        LineOp::Add => each_element!(|v, c| v + c),
        LineOp::AddRev => each_element!(|v, c| c + v),
        LineOp::Sub => each_element!(|v, c| v - c),
        LineOp::SubRev => each_element!(|v, c| c - v),
        LineOp::Mul => each_element!(|v, c| v * c),
        LineOp::MulRev => each_element!(|v, c| c * v),
        LineOp::Div => each_element!(|v, c| v / c),
        LineOp::DivRev => each_element!(|v, c| c / v),
    }
}

/// Whether the dispatched routines can write with non-temporal stores on this CPU (AVX2 or
/// AVX-512); elsewhere [`line_f64_streamed`] and [`line_f32_streamed`] store normally.
pub fn streams() -> bool {
    matches!(Level::current(), Level::Avx512 | Level::Avx2Fma)
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{each, LineOp, Rhs};

    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn f64_avx512<R: Rhs<f64>>(op: LineOp, x: &[f64], c: R, out: &mut [f64]) {
        each(op, x, c, out)
    }
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn f32_avx512<R: Rhs<f32>>(op: LineOp, x: &[f32], c: R, out: &mut [f32]) {
        each(op, x, c, out)
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn f64_avx2<R: Rhs<f64>>(op: LineOp, x: &[f64], c: R, out: &mut [f64]) {
        each(op, x, c, out)
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn f32_avx2<R: Rhs<f32>>(op: LineOp, x: &[f32], c: R, out: &mut [f32]) {
        each(op, x, c, out)
    }
}

/// The dispatched (best supported) routine for `f64`.
fn dispatch_f64<R: Rhs<f64>>(op: LineOp, x: &[f64], c: R, out: &mut [f64]) {
    match Level::current() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Level::current` detected AVX-512F/DQ on this CPU.
        Level::Avx512 => unsafe { x86::f64_avx512(op, x, c, out) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Level::current` detected AVX2 and FMA on this CPU.
        Level::Avx2Fma => unsafe { x86::f64_avx2(op, x, c, out) },
        _ => each(op, x, c, out),
    }
}

/// The dispatched (best supported) routine for `f32`.
fn dispatch_f32<R: Rhs<f32>>(op: LineOp, x: &[f32], c: R, out: &mut [f32]) {
    match Level::current() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `dispatch_f64`.
        Level::Avx512 => unsafe { x86::f32_avx512(op, x, c, out) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `dispatch_f64`.
        Level::Avx2Fma => unsafe { x86::f32_avx2(op, x, c, out) },
        _ => each(op, x, c, out),
    }
}

/// `out[i] = x[i] ⊙ c` for `i < min(x.len(), out.len())`, with the dispatched (best
/// supported) routine.
///
/// ```
/// use numfuse_codegen::vmath::{line_f64, LineOp};
/// let mut out = [0.0; 3];
/// line_f64(LineOp::Div, &[1.0, 2.0, 3.0], 4.0, &mut out);
/// assert_eq!(out, [0.25, 0.5, 0.75]);
/// ```
pub fn line_f64(op: LineOp, x: &[f64], c: f64, out: &mut [f64]) {
    dispatch_f64(op, x, c, out)
}

/// `out[i] = x[i] ⊙ c` for `f32` (see [`line_f64`]).
pub fn line_f32(op: LineOp, x: &[f32], c: f32, out: &mut [f32]) {
    dispatch_f32(op, x, c, out)
}

/// `out[i] = x[i] ⊙ y[i]` (the `Rev` forms `y[i] ⊙ x[i]`) for `i < min(x.len(), out.len())`;
/// `y` must be at least as long. Same bits as the scalar operation, at full vector width.
///
/// ```
/// use numfuse_codegen::vmath::{line2_f64, LineOp};
/// let mut out = [0.0; 3];
/// line2_f64(LineOp::SubRev, &[1.0, 2.0, 3.0], &[4.0, 4.0, 1.0], &mut out);
/// assert_eq!(out, [3.0, 2.0, -2.0]);
/// ```
pub fn line2_f64(op: LineOp, x: &[f64], y: &[f64], out: &mut [f64]) {
    dispatch_f64(op, x, y, out)
}

/// `out[i] = x[i] ⊙ y[i]` for `f32` (see [`line2_f64`]).
pub fn line2_f32(op: LineOp, x: &[f32], y: &[f32], out: &mut [f32]) {
    dispatch_f32(op, x, y, out)
}

/// [`line_f64`] writing `out` with non-temporal stores (past the caches), for a large output
/// that is written once and not read soon: the store does not first read the line into the
/// cache. Same bits as [`line_f64`]; ends with a store fence (to stream many short lines
/// with one fence, use [`with_streamed_stores`]).
///
/// ```
/// use numfuse_codegen::vmath::{line_f64_streamed, LineOp};
/// let mut out = [0.0; 20];
/// line_f64_streamed(LineOp::Mul, &[2.0; 20], 4.0, &mut out);
/// assert_eq!(out, [8.0; 20]);
/// ```
pub fn line_f64_streamed(op: LineOp, x: &[f64], c: f64, out: &mut [f64]) {
    with_streamed_stores(|s| s.line_f64(op, x, c, out))
}

/// [`line_f32`] writing `out` with non-temporal stores (see [`line_f64_streamed`]).
pub fn line_f32_streamed(op: LineOp, x: &[f32], c: f32, out: &mut [f32]) {
    with_streamed_stores(|s| s.line_f32(op, x, c, out))
}

/// Runs `f` with a [`Streamed`], whose line ops write with non-temporal stores, then issues
/// one store fence (also when `f` panics), so every streamed store is ordered before what
/// this thread does next.
///
/// ```
/// use numfuse_codegen::vmath::{with_streamed_stores, LineOp};
/// let mut out = [0.0; 40];
/// with_streamed_stores(|s| {
///     for half in out.chunks_mut(20) {
///         s.line_f64(LineOp::Add, &[1.0; 20], 2.0, half);
///     }
/// });
/// assert_eq!(out, [3.0; 40]);
/// ```
pub fn with_streamed_stores<R>(f: impl FnOnce(&Streamed) -> R) -> R {
    let s = Streamed {
        _one_thread: std::marker::PhantomData,
    };
    f(&s)
}

/// Line ops with non-temporal stores inside [`with_streamed_stores`] (which fences once at
/// the end); the same bits as [`line_f64`] and [`line_f32`]. Without AVX2 or AVX-512 (see
/// [`streams`]) they store normally.
pub struct Streamed {
    /// Not `Send`: the fence must run on the thread that issued the stores.
    _one_thread: std::marker::PhantomData<*const ()>,
}

impl Streamed {
    /// [`line_f64`] with non-temporal stores, not fenced until the scope ends.
    pub fn line_f64(&self, op: LineOp, x: &[f64], c: f64, out: &mut [f64]) {
        stream_f64(op, x, c, out)
    }

    /// [`line_f32`] with non-temporal stores, not fenced until the scope ends.
    pub fn line_f32(&self, op: LineOp, x: &[f32], c: f32, out: &mut [f32]) {
        stream_f32(op, x, c, out)
    }

    /// [`line2_f64`] with non-temporal stores, not fenced until the scope ends.
    pub fn line2_f64(&self, op: LineOp, x: &[f64], y: &[f64], out: &mut [f64]) {
        stream_f64(op, x, y, out)
    }

    /// [`line2_f32`] with non-temporal stores, not fenced until the scope ends.
    pub fn line2_f32(&self, op: LineOp, x: &[f32], y: &[f32], out: &mut [f32]) {
        stream_f32(op, x, y, out)
    }
}

/// The dispatched streaming routine for `f64` (normal stores below AVX2).
fn stream_f64<R: Rhs<f64>>(op: LineOp, x: &[f64], c: R, out: &mut [f64]) {
    match Level::current() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Level::current` detected AVX-512F/DQ on this CPU.
        Level::Avx512 => unsafe { super::stream::f64_avx512(op, x, c, out) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Level::current` detected AVX2 and FMA on this CPU.
        Level::Avx2Fma => unsafe { super::stream::f64_avx2(op, x, c, out) },
        _ => each(op, x, c, out),
    }
}

/// The dispatched streaming routine for `f32` (normal stores below AVX2).
fn stream_f32<R: Rhs<f32>>(op: LineOp, x: &[f32], c: R, out: &mut [f32]) {
    match Level::current() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `stream_f64`.
        Level::Avx512 => unsafe { super::stream::f32_avx512(op, x, c, out) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `stream_f64`.
        Level::Avx2Fma => unsafe { super::stream::f32_avx2(op, x, c, out) },
        _ => each(op, x, c, out),
    }
}

impl Drop for Streamed {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        super::stream::fence();
    }
}

#[cfg(test)]
#[path = "lines_tests.rs"]
mod tests;
