//! The scheduler: cuts a graph into fused kernels and library steps.
//!
//! Every node is *realized* one of three ways:
//! * [`Realize::Buffer`] — materialized in memory: graph inputs, kernel roots (outputs,
//!   reductions, values used more than once), and the results of library steps (ops the JIT
//!   does not compile) and their inputs;
//! * [`Realize::View`] — a movement op (reshape, permute, broadcast, slice, diagonal) over a
//!   realized value: zero-copy, a strided view of the same buffer;
//! * [`Realize::Inline`] — computed inside the kernel that consumes it, never stored.
//!
//! A kernel is built from its root by walking down through inline nodes. Movement ops are
//! pushed down to the loads (elementwise ops commute with them), so a load reads its source
//! buffer through a chain of view ops and broadcasts or transposes never materialize. A
//! reduction root iterates over its input with the reduced axes moved innermost; elementwise
//! consumers of the reduction with the reduction's shape fuse into it as an epilogue.
//! The pass is separate and replaceable: the e-graph optimizer issue will improve the choices.

use numfuse_ir::kernel::Kernel;
use numfuse_ir::{Graph, Node, NodeId, Op, Shape};
use std::fmt::Write;

/// How a node's value comes to exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Realize {
    /// Stored in a buffer of its own.
    Buffer,
    /// A zero-copy view of a realized value.
    View,
    /// Computed inside a consuming kernel.
    Inline,
}

/// How a kernel operand reaches its buffer: the realized `source` node seen through `chain`
/// (movement ops applied in order).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Access {
    /// The realized node whose value is read.
    pub source: NodeId,
    /// Movement ops from the source's shape to the kernel's iteration (or kept) shape.
    pub chain: Vec<Op>,
    /// True for epilogue loads, which are indexed by the kept dimensions only.
    pub post: bool,
}

/// A fused kernel of the schedule, before layout specialisation.
#[derive(Clone, Debug)]
pub struct KernelStep {
    /// The kernel, with `rank` the logical iteration rank and inner classes still `Strided`.
    pub kernel: Kernel,
    /// The logical iteration shape (kept dimensions, then reduced ones).
    pub iter_shape: Shape,
    /// One access per input operand, in operand order.
    pub inputs: Vec<Access>,
    /// The node stored by each output operand, in operand order.
    pub outputs: Vec<NodeId>,
    /// Nodes computed inside this kernel (for reports).
    pub fused: Vec<NodeId>,
}

/// One step of a schedule.
#[derive(Clone, Debug)]
pub enum Step {
    /// A compiled kernel.
    Kernel(Box<KernelStep>),
    /// An op evaluated by a runtime library routine (the interpreter's, for ops the JIT does
    /// not compile).
    Library(NodeId),
}

/// The schedule of a graph.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Steps in execution order.
    pub steps: Vec<Step>,
    /// How each node is realized.
    pub realize: Vec<Realize>,
    /// Why each buffer was materialized (for `explain`).
    pub reasons: Vec<Option<&'static str>>,
    /// Runs of steps executed block by block (filled by [`crate::segment::find_segments`];
    /// empty = every step runs over whole arrays).
    pub segments: Vec<crate::segment::Segment>,
}

/// The nodes that read each node, in node order.
pub(crate) fn consumers(g: &Graph) -> Vec<Vec<NodeId>> {
    let mut c = vec![Vec::new(); g.len()];
    for (i, n) in g.nodes().iter().enumerate() {
        for x in &n.inputs {
            c[x.index()].push(NodeId(i as u32));
        }
    }
    c
}

pub(crate) fn is_elementwise(op: &Op) -> bool {
    matches!(op, Op::Unary(_) | Op::Binary(_) | Op::Where | Op::Cast(_))
}

/// Cuts `g` into kernels and library steps. `jit(node, graph)` says whether the JIT compiles a
/// node (its op and dtypes); everything else becomes a library step.
pub fn schedule(g: &Graph, jit: &dyn Fn(&Node, &Graph) -> bool) -> Schedule {
    let uses = g.use_counts();
    let cons = consumers(g);
    let mut realize = vec![Realize::Inline; g.len()];
    let mut reasons: Vec<Option<&'static str>> = vec![None; g.len()];
    let mut library = vec![false; g.len()];
    for (i, node) in g.nodes().iter().enumerate() {
        match &node.op {
            Op::Input(_) => mark_buffer(i, "graph input", &mut realize, &mut reasons),
            Op::Const { .. } if jit(node, g) => {}
            op if op.is_movement() => {}
            _ if !jit(node, g) => {
                library[i] = true;
                mark_buffer(
                    i,
                    "library call (not compiled by the JIT)",
                    &mut realize,
                    &mut reasons,
                );
            }
            Op::Reduce { .. } => mark_buffer(i, "reduction boundary", &mut realize, &mut reasons),
            Op::Copy => mark_buffer(i, "explicit copy", &mut realize, &mut reasons),
            op if is_elementwise(op)
                && uses[i] > 1
                && cone_cost(g, NodeId(i as u32), RECOMPUTE_MAX) > RECOMPUTE_MAX =>
            {
                let why = "fan-out (used more than once, too costly to recompute)";
                mark_buffer(i, why, &mut realize, &mut reasons)
            }
            _ => {}
        }
    }
    for o in g.outputs() {
        // an output that is a view needs its source in memory (the view itself is free)
        let src = movement_source(g, *o);
        if !matches!(g.node(src).op, Op::Const { .. }) || src == *o {
            let why = if src == *o {
                "graph output"
            } else {
                "viewed by a graph output"
            };
            mark_buffer(src.index(), why, &mut realize, &mut reasons);
        }
    }
    // inputs of library calls must exist in memory (through views is fine)
    for (i, node) in g.nodes().iter().enumerate() {
        if library[i] {
            for x in &node.inputs {
                let src = movement_source(g, *x);
                if !matches!(g.node(src).op, Op::Const { .. }) {
                    mark_buffer(
                        src.index(),
                        "input of a library call",
                        &mut realize,
                        &mut reasons,
                    );
                }
            }
        }
    }
    fuse_epilogues(g, &uses, &cons, &library, &mut realize, &mut reasons);
    for (i, node) in g.nodes().iter().enumerate() {
        let inline = realize[i] == Realize::Inline && is_elementwise(&node.op);
        if inline && broadcast_operand(g, NodeId(i as u32), &cons) {
            let why = "broadcast operand (computed once, not per element of its reader)";
            mark_buffer(i, why, &mut realize, &mut reasons)
        }
    }
    // movement ops over realized values are views
    for (i, node) in g.nodes().iter().enumerate() {
        if node.op.is_movement() && realize[i] != Realize::Buffer {
            realize[i] = if realize[node.inputs[0].index()] == Realize::Inline {
                Realize::Inline
            } else {
                Realize::View
            };
        }
    }
    let mut steps = Vec::new();
    for (i, node) in g.nodes().iter().enumerate() {
        if realize[i] != Realize::Buffer || matches!(node.op, Op::Input(_)) {
            continue;
        }
        if library[i] {
            steps.push(Step::Library(NodeId(i as u32)));
        } else {
            let k = crate::kernel_builder::KernelBuilder::new(g, &realize).build(NodeId(i as u32));
            steps.push(Step::Kernel(Box::new(k)));
        }
    }
    Schedule {
        steps,
        realize,
        reasons,
        segments: Vec::new(),
    }
}

/// A value used by several consumers is recomputed in each when its inline cone has at most
/// this many elementwise ops (cheaper than a round trip through memory), else materialized.
pub const RECOMPUTE_MAX: usize = 4;

/// A value read through a broadcast at least this many times larger is materialized.
const BROADCAST_EXPANSION: usize = 64;

/// Whether elementwise `x`, computed from something other than constants, is read through a
/// broadcast that expands it [`BROADCAST_EXPANSION`]-fold or more (`x / sqrt(v / n)` with `v`
/// a `(8,)` library result: inlined, the division and the square root would run per element
/// of the reader instead of once per value).
fn broadcast_operand(g: &Graph, x: NodeId, cons: &[Vec<NodeId>]) -> bool {
    let size = g.node(x).shape.size();
    let from_constants = g.node(x).inputs.iter().all(|&i| {
        let src = g.node(movement_source(g, i));
        matches!(src.op, Op::Const { .. })
    });
    if from_constants {
        return false;
    }
    let mut stack: Vec<NodeId> = cons[x.index()].clone();
    while let Some(c) = stack.pop() {
        let node = g.node(c);
        if !node.op.is_movement() {
            continue;
        }
        if matches!(node.op, Op::Broadcast(_))
            && node.shape.size() >= BROADCAST_EXPANSION * size.max(1)
        {
            return true;
        }
        stack.extend(cons[c.index()].iter().copied());
    }
    false
}

/// Elementwise ops computed inline to produce `x` (stops counting above `limit`).
fn cone_cost(g: &Graph, x: NodeId, limit: usize) -> usize {
    let mut cost = 0;
    let mut stack = vec![x];
    while let Some(n) = stack.pop() {
        let node = g.node(n);
        if is_elementwise(&node.op) {
            cost += 1;
            if cost > limit {
                return cost;
            }
            stack.extend(node.inputs.iter().copied());
        } else if node.op.is_movement() {
            stack.push(node.inputs[0]);
        }
    }
    cost
}

fn mark_buffer(
    i: usize,
    why: &'static str,
    realize: &mut [Realize],
    reasons: &mut [Option<&'static str>],
) {
    if realize[i] != Realize::Buffer {
        realize[i] = Realize::Buffer;
        reasons[i] = Some(why);
    }
}

/// The first non-movement node below `x`.
pub(crate) fn movement_source(g: &Graph, mut x: NodeId) -> NodeId {
    while g.node(x).op.is_movement() {
        x = g.node(x).inputs[0];
    }
    x
}

/// Fuses single-use elementwise consumers with the reduction's shape into reduction kernels
/// (e.g. `sum / n`, `sqrt(sum)`), repeatedly along a chain.
fn fuse_epilogues(
    g: &Graph,
    uses: &[u32],
    cons: &[Vec<NodeId>],
    library: &[bool],
    realize: &mut [Realize],
    reasons: &mut [Option<&'static str>],
) {
    let is_output = |i: usize| g.outputs().iter().any(|o| o.index() == i);
    for r in 0..g.len() {
        if !matches!(g.node(NodeId(r as u32)).op, Op::Reduce { .. }) || library[r] {
            continue;
        }
        let mut tail = r;
        while !is_output(tail) && uses[tail] == 1 && cons[tail].len() == 1 {
            let u = cons[tail][0].index();
            let un = g.node(NodeId(u as u32));
            let others_realized = un.inputs.iter().all(|x| {
                let s = movement_source(g, *x);
                x.index() == tail
                    || matches!(g.node(s).op, Op::Const { .. })
                    || realize[s.index()] == Realize::Buffer
            });
            if library[u]
                || !is_elementwise(&un.op)
                || un.shape != g.node(NodeId(tail as u32)).shape
                || !others_realized
            {
                break;
            }
            realize[tail] = Realize::Inline;
            reasons[tail] = None;
            realize[u] = Realize::Buffer;
            if reasons[u].is_none() {
                reasons[u] = Some("reduction with fused epilogue");
            }
            tail = u;
        }
    }
}

impl Schedule {
    /// A readable listing: one block per step with the fused nodes, inputs and outputs, and
    /// the reason for every materialized buffer.
    pub fn to_text(&self, g: &Graph) -> String {
        let mut s = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            if let Some(seg) = self.segments.iter().find(|seg| seg.steps.start == i) {
                let local: Vec<String> = seg.local.iter().map(|x| x.to_string()).collect();
                let _ = writeln!(
                    s,
                    "segment: steps {}–{} run together over {} rows in blocks of {} \
                     (block-local, never in memory: {})",
                    seg.steps.start,
                    seg.steps.end - 1,
                    seg.rows,
                    seg.block_rows,
                    local.join(" ")
                );
            }
            match step {
                Step::Library(x) => {
                    let _ = writeln!(
                        s,
                        "step {i}: library {} -> {x} {} {}",
                        g.node(*x).op.mnemonic(),
                        g.node(*x).shape,
                        g.node(*x).dtype
                    );
                }
                Step::Kernel(k) => {
                    let fused: Vec<String> = k.fused.iter().map(|x| x.to_string()).collect();
                    let _ = writeln!(
                        s,
                        "step {i}: kernel over {} (fuses {})",
                        k.iter_shape,
                        fused.join(" ")
                    );
                    for (j, a) in k.inputs.iter().enumerate() {
                        let chain: Vec<String> = a.chain.iter().map(|o| o.mnemonic()).collect();
                        let _ = writeln!(
                            s,
                            "  in{j} = {}{}{}",
                            a.source,
                            if chain.is_empty() {
                                String::new()
                            } else {
                                format!(" via [{}]", chain.join(", "))
                            },
                            if a.post { " (epilogue)" } else { "" }
                        );
                    }
                    for o in &k.outputs {
                        let _ = writeln!(
                            s,
                            "  out = {o} {} {} ({})",
                            g.node(*o).shape,
                            g.node(*o).dtype,
                            self.reasons[o.index()].unwrap_or("kernel root")
                        );
                    }
                }
            }
        }
        s
    }
}
