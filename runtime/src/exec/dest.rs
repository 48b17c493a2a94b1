//! `out=` without the extra pass: [`eval_into`] runs a one-output graph so that the kernel
//! computing the result stores straight into an existing array's memory.
//!
//! The direct path is taken only when it is trivially the same computation: the result is
//! produced by a compiled kernel outside a row-blocked segment, and `dest` has the result's
//! exact shape and dtype and is C-contiguous (so the kernel's output strides are unchanged;
//! only the pointer differs). Otherwise nothing runs and the caller evaluates normally and
//! copies (`NdArray::assign`: broadcasting, casting, any layout).
//!
//! Aliasing is safe by construction: the write goes through `dest`'s copy-on-write storage
//! while the kernel holds snapshots of everything it reads, so if `dest` shares memory with
//! an input of the expression (at any index: shifted, reversed, transposed), the storage is
//! copied before the kernel writes and every read still sees the old values.

use super::{graph_work, jit_threshold, plan_schedule, run, ExecReport};
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

/// Evaluates the one-output `graph` with its result stored directly into `dest`, when that is
/// possible (see the module docs); returns `false`, having computed nothing, when it is not.
/// `dest` must be writeable (the caller checks, with NumPy's error).
pub fn eval_into(
    graph: &Graph,
    inputs: &[NdArray],
    dest: &NdArray,
    report: Option<&mut ExecReport>,
) -> Result<bool> {
    let [x] = graph.outputs() else {
        return Ok(false);
    };
    let n = graph.node(*x);
    let fits = n.dtype == dest.dtype()
        && n.shape == *dest.shape()
        && n.shape.size() > 0
        && dest.is_c_contiguous()
        && dest.is_writeable();
    if !fits || graph_work(graph) < jit_threshold() {
        return Ok(false);
    }
    let (sched, plan) = plan_schedule(graph);
    if !kernel_writes(&sched, *x) {
        return Ok(false);
    }
    let dest = Dest {
        node: *x,
        array: dest.clone(),
    };
    run(graph, inputs, &sched, &plan, report, Some(dest))?;
    DIRECT_WRITES.fetch_add(1, Ordering::Relaxed);
    Ok(true)
}
