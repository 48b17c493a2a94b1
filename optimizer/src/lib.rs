//! numfuse-optimizer: the passes between graph building and code generation.
//!
//! * [`optimize()`] rewrites a graph with egg ([`egraph`]: rule families, budgets, DAG-aware
//!   extraction) into a cheaper equivalent one, in strict (bitwise) or fast mode, and reports
//!   what it did;
//! * [`matmul_epilogue`] fuses scale, bias and ReLU consumers of a matmul into its output
//!   pass (an exact rewrite, run after the e-graph in strict and fast mode);
//! * [`contract`] chooses contraction orders for einsum/matmul chains (FLOPs + bytes moved);
//! * [`schedule()`] cuts a graph into fused kernels (loop nests in the kernel IR of
//!   `numfuse_ir::kernel`) and library steps, and records why each buffer is materialized.
//! * [`segment`] groups consecutive steps that can run block by block over a shared leading
//!   axis, keeping their intermediates in cache-resident scratch;
//! * [`dot`] draws a schedule as Graphviz DOT (kernels as clusters, placed buffers marked);
//! * [`memplan`] plans buffer lifetimes, reuse of dead buffers and proven-safe in-place
//!   updates.

pub mod contract;
pub mod dot;
pub mod egraph;
mod kernel_builder;
pub mod matmul_epilogue;
pub mod memplan;
pub mod moments;
pub mod optimize;
pub mod schedule;
pub mod segment;
mod splice;

pub use optimize::{optimize, OptConfig, OptMode, OptReport};
pub use schedule::{schedule, Access, KernelStep, Realize, Schedule, Step};
pub use segment::{find_segments, Segment};
