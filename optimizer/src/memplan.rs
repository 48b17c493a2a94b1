//! The memory plan: liveness of every buffer over the schedule, reuse of dead buffers, and
//! in-place updates proven safe.
//!
//! The schedule runs in *units*: one step, or a whole row-blocked segment (whose steps run
//! interleaved). A buffer is live from the unit that writes it to the last unit that reads
//! it; graph outputs live to the end; graph inputs belong to the caller and are never
//! reused. When a unit produces a buffer, the plan gives it, in order of preference:
//! * **in place** over one of its own inputs that dies in this unit, when the unit is a single
//!   elementwise kernel reading that input at exactly the index it writes (same shape, no
//!   broadcast, transpose, slice or reversal in between, and no other access to it) — every
//!   element is loaded before its own store, so nothing is overwritten before it is read;
//! * the memory of a buffer that died in an earlier unit, of the same dtype and length;
//! * a fresh buffer, with the reason no reuse was possible.

use crate::schedule::{Schedule, Step};
use crate::segment::{step_outputs, step_sources};
use numfuse_ir::{DType, Graph, NodeId, Op};
use std::fmt::Write;
use std::ops::Range;

/// Where a produced buffer's memory comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Newly allocated; the reason no reuse applied.
    Fresh(&'static str),
    /// The memory of a buffer that is dead by now.
    Reuse(NodeId),
    /// Written over an input of the same kernel, element by element.
    InPlace(NodeId),
}

/// Liveness and placement of every buffer of a schedule.
#[derive(Clone, Debug, Default)]
pub struct MemoryPlan {
    /// Units in execution order (a single step, or a segment's steps).
    pub units: Vec<Range<usize>>,
    /// For each unit, the buffers whose last reader it is (released after it).
    pub release: Vec<Vec<NodeId>>,
    /// Placement of each buffer produced by the schedule, in production order.
    pub placements: Vec<(NodeId, Placement)>,
    /// Peak bytes of produced buffers if each were kept to the end with fresh memory.
    pub peak_without_plan: usize,
    /// Peak bytes of produced buffers with releases, reuse and in-place updates.
    pub peak_with_plan: usize,
}

fn bytes_of(g: &Graph, x: NodeId) -> usize {
    let n = g.node(x);
    n.shape.size() * n.dtype.itemsize()
}

/// Whether every view op in `chain` is the identity (a same-shape reshape or broadcast, an
/// identity permutation).
fn identity_chain(g: &Graph, source: NodeId, chain: &[Op]) -> bool {
    let shape = &g.node(source).shape;
    chain.iter().all(|op| match op {
        Op::Reshape(s) | Op::Broadcast(s) => s == shape,
        Op::Permute(p) => p.iter().enumerate().all(|(i, &a)| i == a),
        _ => false,
    })
}

/// The input of `step` that its output `out` may overwrite in place, if any.
fn in_place_candidate(g: &Graph, step: &Step, out: NodeId, dying: &[NodeId]) -> Option<NodeId> {
    let Step::Kernel(k) = step else {
        return None;
    };
    if k.kernel.reduced != 0 || k.outputs.len() != 1 {
        return None;
    }
    let out_node = g.node(out);
    k.inputs.iter().map(|a| a.source).find(|&src| {
        let s = g.node(src);
        dying.contains(&src)
            && !matches!(s.op, Op::Input(_))
            && s.dtype == out_node.dtype
            && s.shape == out_node.shape
            && k.inputs
                .iter()
                .filter(|a| a.source == src)
                .all(|a| !a.post && identity_chain(g, src, &a.chain))
    })
}

/// Computes the memory plan of a schedule (its segments must be final).
pub fn plan(g: &Graph, sched: &Schedule) -> MemoryPlan {
    let mut units: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < sched.steps.len() {
        let r = match sched.segments.iter().find(|s| s.steps.start == i) {
            Some(seg) => seg.steps.clone(),
            None => i..i + 1,
        };
        i = r.end;
        units.push(r);
    }
    let local = |x: &NodeId| sched.segments.iter().any(|s| s.local.contains(x));
    let outputs: Vec<NodeId> = g.outputs().iter().map(|&o| source_of(g, o)).collect();
    // last unit reading each buffer
    let mut last_read = vec![None::<usize>; g.len()];
    for (u, r) in units.iter().enumerate() {
        for step in &sched.steps[r.clone()] {
            for x in step_sources(g, step) {
                last_read[x.index()] = Some(u);
            }
        }
    }
    let mut release = vec![Vec::new(); units.len()];
    let mut produced_in = vec![None::<usize>; g.len()];
    for (u, r) in units.iter().enumerate() {
        for step in &sched.steps[r.clone()] {
            for x in step_outputs(step) {
                produced_in[x.index()] = Some(u);
            }
        }
    }
    for (x, last) in last_read.iter().enumerate() {
        let id = NodeId(x as u32);
        let producible = produced_in[x].is_some() && !local(&id) && !outputs.contains(&id);
        if let (Some(u), true) = (last, producible) {
            release[*u].push(id);
        }
    }
    let mut placements = Vec::new();
    let mut free: Vec<(NodeId, DType, usize)> = Vec::new();
    let (mut live, mut peak, mut naive, mut naive_peak) = (0usize, 0usize, 0usize, 0usize);
    for (u, r) in units.iter().enumerate() {
        let single = r.len() == 1;
        for step in &sched.steps[r.clone()] {
            for x in step_outputs(step) {
                if local(&x) {
                    continue;
                }
                let n = g.node(x);
                naive += bytes_of(g, x);
                let over = if single {
                    in_place_candidate(g, step, x, &release[u])
                } else {
                    None
                };
                let placement = if matches!(step, Step::Library(_)) {
                    live += bytes_of(g, x);
                    Placement::Fresh("a library routine allocates its result")
                } else if let Some(src) = over {
                    Placement::InPlace(src)
                } else if let Some(k) = free
                    .iter()
                    .position(|&(_, d, len)| d == n.dtype && len == n.shape.size())
                {
                    let (from, ..) = free.remove(k);
                    Placement::Reuse(from)
                } else {
                    live += bytes_of(g, x);
                    Placement::Fresh(if free.is_empty() {
                        "no dead buffer to reuse"
                    } else {
                        "no dead buffer of this dtype and length"
                    })
                };
                placements.push((x, placement));
            }
        }
        peak = peak.max(live);
        naive_peak = naive_peak.max(naive);
        for &x in &release[u] {
            let taken_in_place = placements.iter().any(|(_, p)| *p == Placement::InPlace(x));
            if !taken_in_place {
                let n = g.node(x);
                free.push((x, n.dtype, n.shape.size()));
            }
        }
    }
    MemoryPlan {
        units,
        release,
        placements,
        peak_without_plan: naive_peak,
        peak_with_plan: peak,
    }
}

fn source_of(g: &Graph, mut x: NodeId) -> NodeId {
    while g.node(x).op.is_movement() {
        x = g.node(x).inputs[0];
    }
    x
}

impl MemoryPlan {
    /// The placement of a produced buffer.
    pub fn placement(&self, x: NodeId) -> Option<&Placement> {
        self.placements
            .iter()
            .find(|(n, _)| *n == x)
            .map(|(_, p)| p)
    }

    /// A readable listing: each buffer's placement, then the peaks.
    pub fn to_text(&self, g: &Graph) -> String {
        let mut s = String::new();
        for (x, p) in &self.placements {
            let what = match p {
                Placement::Fresh(why) => format!("fresh ({why})"),
                Placement::Reuse(from) => format!("reuses the memory of {from} (dead)"),
                Placement::InPlace(over) => format!("in place over {over} (same index)"),
            };
            let _ = writeln!(s, "{x} {} {}: {what}", g.node(*x).shape, g.node(*x).dtype);
        }
        let _ = writeln!(
            s,
            "peak of intermediate and output buffers: {} bytes without the plan, {} with it",
            self.peak_without_plan, self.peak_with_plan
        );
        s
    }
}
