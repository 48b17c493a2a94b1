//! numfuse-runtime: concrete arrays and the engines that compute them.
//!
//! * [`NdArray`]: strided arrays and views over shared, copy-on-write [`buffer::Storage`];
//! * [`Value`]: one element of any dtype, with NumPy's casting rules;
//! * [`interp`]: the reference interpreter, which evaluates any [`numfuse_ir::Graph`] op by op
//!   with plain strided loops — slow, obviously correct, and the oracle for every other engine;
//! * [`exec`]: the executor of compiled schedules (fused kernels from the JIT, library
//!   steps), with the interpretation threshold and per-kernel reports;
//! * [`format`]: NumPy-style printing;
//! * [`copy`]: contiguous copies that avoid a slow `memcpy` path of some CPUs.

pub use half;
pub use num_complex;
pub use numfuse_ir;

pub mod buffer;
pub mod cast;
pub mod copy;
pub mod exec;
pub mod fft;
pub mod format;
pub mod interp;
pub mod layout;
mod libcall;
pub mod linalg;
pub mod moments;
pub mod mutate;
pub mod ndarray;
mod prefetch;
pub mod value;
pub mod views;
pub mod workers;

pub use ndarray::{NdArray, Order};
pub use value::{Element, Value};
pub use views::{may_share_memory, shares_memory};
