//! numfuse-codegen: kernel IR → Cranelift → machine code.
//!
//! * [`support`] — what the JIT compiles (the scheduler's capability predicate);
//! * [`emit`] / [`vemit`] / [`vint`] — scalar and 128-bit vector (float and integer lanes)
//!   instruction selection with NumPy's semantics;
//! * [`lower`] — the loop nest (vector main loop + scalar tail, reductions with accumulators);
//! * [`jit`] — the Cranelift module and the structural kernel cache (hit/miss counters);
//! * [`abi`] — the one kernel calling convention (the crate's only `unsafe`, with `vmath`).

pub mod abi;
pub mod blocksum;
pub mod emit;
pub mod jit;
pub mod lower;
pub mod outer;
mod outer_blocked;
pub mod support;
pub mod vemit;
pub mod vint;
pub mod vmath;
pub mod vreduce;

pub use abi::{CallArgs, KernelFn};
pub use jit::{cache_stats, get_or_compile, Compiled};
