//! `out=` without the extra pass: [`eval_into`] runs a one-output graph so that the kernel
//! computing the result stores straight into an existing array's memory.
//!
//! The direct path is taken only when it is trivially the same computation: the result is
//! produced by a compiled kernel outside a row-blocked segment, and `dest` has the result's
//! exact shape and dtype and is C-contiguous (so the kernel's output strides are unchanged;
//! only the pointer differs). Otherwise the graph is evaluated as usual and the values are
//! returned for the caller to copy in (`NdArray::assign`: broadcasting, casting, any layout).
//!
//! Aliasing is safe by construction: the write goes through `dest`'s copy-on-write storage
//! while the kernel holds snapshots of everything it reads, so if `dest` shares memory with
//! an input of the expression (at any index: shifted, reversed, transposed), the storage is
//! copied before the kernel writes and every read still sees the old values.

use super::{graph_work, jit_threshold, plan_cached, run, ExecReport};
use crate::interp;
use crate::ndarray::NdArray;
use numfuse_ir::{Graph, NodeId, Result};
use numfuse_optimizer::{Schedule, Step};
use std::sync::atomic::{AtomicUsize, Ordering};

static DIRECT_WRITES: AtomicUsize = AtomicUsize::new(0);

/// How many evaluations so far stored their result directly into an `out=` array (a
/// process-wide counter, for tests and `explain`).
pub fn direct_writes() -> usize {
    DIRECT_WRITES.load(Ordering::Relaxed)
}

/// The array one output node is written into.
pub(super) struct Dest {
    /// The output node.
    pub node: NodeId,
    /// Where its kernel stores.
    pub array: NdArray,
}

/// True when a kernel step outside every segment computes `x`.
fn kernel_writes(sched: &Schedule, x: NodeId) -> bool {
    sched.steps.iter().enumerate().any(|(i, step)| {
        matches!(step, Step::Kernel(k) if k.outputs.contains(&x))
            && !sched.segments.iter().any(|s| s.steps.contains(&i))
    })
}

/// Whether the kernel computing output `x` may store into `dest` (see the module docs).
fn fits(graph: &Graph, sched: &Schedule, x: NodeId, dest: &NdArray) -> bool {
    let n = graph.node(x);
    n.dtype == dest.dtype()
        && n.shape == *dest.shape()
        && n.shape.size() > 0
        && dest.is_c_contiguous()
        && dest.is_writeable()
        && kernel_writes(sched, x)
}

/// Evaluates `graph` for `out=`: with the result stored directly into `dest` when that is
/// possible (see the module docs), returning `None`; otherwise evaluates as [`super::eval`]
/// does (scheduled once either way) and returns the values for the caller to copy in.
pub fn eval_into(
    graph: &Graph,
    inputs: &[NdArray],
    dest: &NdArray,
    report: Option<&mut ExecReport>,
) -> Result<Option<Vec<NdArray>>> {
    if graph_work(graph) < jit_threshold() {
        return interp::eval(graph, inputs).map(Some);
    }
    let planned = plan_cached(graph);
    let (sched, plan) = (&planned.0, &planned.1);
    let target = match graph.outputs() {
        [x] if fits(graph, sched, *x, dest) => Some(Dest {
            node: *x,
            array: dest.clone(),
        }),
        _ => None,
    };
    let direct = target.is_some();
    let values = run(graph, inputs, sched, plan, report, target)?;
    if !direct {
        return Ok(Some(values));
    }
    DIRECT_WRITES.fetch_add(1, Ordering::Relaxed);
    Ok(None)
}
