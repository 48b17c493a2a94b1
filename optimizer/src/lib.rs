//! numfuse-optimizer: the passes between graph building and code generation.
//!
//! * [`schedule`] cuts a graph into fused kernels (loop nests in the kernel IR of
//!   `numfuse_ir::kernel`) and library steps, and records why each buffer is materialized.
//! * [`memplan`] plans buffer lifetimes, reuse of dead buffers and proven-safe in-place
//!   updates.
//! * [`segment`] groups consecutive steps that can run block by block over a shared leading
//!   axis, keeping their intermediates in cache-resident scratch.
//!
//! The egg rewrite families, contraction ordering and the memory plan arrive with the
//! "E-graph optimizer" issue; the graph arena already performs CSE by hash-consing.

mod kernel_builder;
pub mod memplan;
pub mod schedule;
pub mod segment;

pub use schedule::{schedule, Access, KernelStep, Realize, Schedule, Step};
pub use segment::{find_segments, Segment};
