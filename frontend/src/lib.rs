//! # numfuse — NumPy for Rust, compiled
//!
//! Array operations build a lazy, typed expression graph; evaluation shape-checks it with
//! NumPy's broadcasting rules and computes it. The API follows NumPy's names and answers:
//! free functions for `np.*` (`nf::zeros`, `nf::where_`, `nf::sqrt`), methods for `ndarray`
//! methods (`x.sum(..)`, `x.reshape(..)`, `x.t()`), Rust operators for Python's.
//!
//! ```
//! use numfuse as nf;
//! let x = nf::array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
//! // z-score normalisation per column, built lazily, evaluated on demand
//! let z = (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true));
//! assert_eq!(z.to_vec::<f64>(), vec![-1.0, -1.0, -1.0, 1.0, 1.0, 1.0]);
//! println!("{}", z.ir()); // the graph, one node per line
//! ```
//!
//! * Optional NumPy arguments (axis, keepdims, dtype, ddof) go through one type, [`Axes`].
//! * Rust scalars in expressions are *weak* (NEP 50): `f32_array * 2.0` stays float32.
//! * Every panicking function has a `try_` form returning [`Result`]`<_, `[`Error`]`>`; the
//!   panicking form reports the same message at the caller's line.
//! * [`Mode`] selects lazy, eager (NumPy's op-by-op model) or interpreted evaluation.
//! * Concrete results are [`NdArray`]s: NumPy's views, strides, flags and in-place updates.

mod array;
mod chain;
mod convert;
mod creation;
mod einsum;
mod einsum_parse;
mod elementwise;
mod eval_into;
mod explain;
pub mod fft;
mod index;
pub mod linalg;
mod lower;
mod mode;
mod multi;
mod norms;
mod ops;
mod opt_cache;
mod poly;
mod products;
mod reduce;
mod shape_ops;
mod solvers;
mod ufunc;

pub use array::Array;
pub use convert::{IntoArray, Nested, Operand};
pub use creation::*;
pub use einsum::{einsum, einsum_path, try_einsum, try_einsum_path, EinsumPath};
pub use elementwise::binary_fns::*;
pub use elementwise::unary_fns::*;
pub use elementwise::{clip, nan_to_num, round, try_clip, try_where, where_};
pub use index::{SliceArg, SliceView, NEWAXIS};
pub use mode::{current_mode, with_mode, with_opt_mode, Mode};
pub use multi::{eval_all, try_eval_all};
pub use numfuse_optimizer::OptMode;
pub use poly::{
    polyfit, polyfit_cov, polyfit_full, polyval, roots, try_polyfit, try_polyfit_cov,
    try_polyfit_full, try_polyval, try_roots, PolyfitFull,
};
pub use products::{
    conjugate, dot, inner, kron, matmul, outer, tensordot, tensordot_axes, trace, try_dot,
    try_inner, try_kron, try_matmul, try_outer, try_tensordot_axes, try_trace, try_vdot, vdot,
};
pub use reduce::reduce_fns::*;
pub use reduce::{axis, Axes};
pub use shape_ops::ReshapeDims;

pub use num_complex::{Complex32, Complex64};
pub use numfuse_codegen::cache_stats as kernel_cache_stats;
pub use numfuse_ir::{DType, Error, Result, Shape};
pub use numfuse_runtime::exec::{
    direct_writes, jit_threshold, set_jit_threshold, set_line_ops, set_max_threads,
};
pub use numfuse_runtime::{NdArray, Order, Value};

/// The dtypes under NumPy's names (`nf::float32`, `nf::int64`, ...).
#[allow(non_upper_case_globals)]
pub mod dtypes {
    use numfuse_ir::DType;
    /// `np.bool_`
    pub const bool_: DType = DType::Bool;
    /// `np.int8`
    pub const int8: DType = DType::Int8;
    /// `np.int16`
    pub const int16: DType = DType::Int16;
    /// `np.int32`
    pub const int32: DType = DType::Int32;
    /// `np.int64`
    pub const int64: DType = DType::Int64;
    /// `np.uint8`
    pub const uint8: DType = DType::UInt8;
    /// `np.uint16`
    pub const uint16: DType = DType::UInt16;
    /// `np.uint32`
    pub const uint32: DType = DType::UInt32;
    /// `np.uint64`
    pub const uint64: DType = DType::UInt64;
    /// `np.float16`
    pub const float16: DType = DType::Float16;
    /// `np.float32`
    pub const float32: DType = DType::Float32;
    /// `np.float64`
    pub const float64: DType = DType::Float64;
    /// `np.complex64`
    pub const complex64: DType = DType::Complex64;
    /// `np.complex128`
    pub const complex128: DType = DType::Complex128;
}
pub use dtypes::*;

/// `np.shares_memory(a, b)` on concrete arrays: whether they have an element in common.
pub fn shares_memory(a: &NdArray, b: &NdArray) -> bool {
    numfuse_runtime::shares_memory(a, b)
}
/// `np.may_share_memory(a, b)`: whether their memory extents may overlap.
pub fn may_share_memory(a: &NdArray, b: &NdArray) -> bool {
    numfuse_runtime::may_share_memory(a, b)
}
/// `np.ascontiguousarray(a)`: `a` itself when C-contiguous, else a C-ordered copy.
pub fn ascontiguousarray(a: &NdArray) -> NdArray {
    a.as_c_contiguous()
}
/// `np.asfortranarray(a)`: `a` itself when F-contiguous, else an F-ordered copy.
pub fn asfortranarray(a: &NdArray) -> NdArray {
    a.as_f_contiguous()
}
/// `np.array(data, order='F')` and friends: a concrete copy of `a` in the given order.
#[track_caller]
pub fn array_order(a: impl IntoArray, order: Order) -> NdArray {
    a.into_array().eval().copy_order(order)
}
/// `np.result_type(*dtypes)` for array dtypes (NumPy 2 promotion; not a pairwise fold).
///
/// ```
/// use numfuse as nf;
/// assert_eq!(nf::result_type(&[nf::int8, nf::uint8]), nf::int16);
/// assert_eq!(nf::result_type(&[nf::int8, nf::uint8, nf::float16]), nf::float16);
/// ```
pub fn result_type(dtypes: &[DType]) -> DType {
    numfuse_ir::dtype::promote_all(dtypes)
}
/// `np.can_cast(from, to)` under the "safe" rule.
pub fn can_cast(from: DType, to: DType) -> bool {
    from.can_cast_safely(to)
}
