//! The schedule the executor runs: the scheduler's kernels and library steps, the
//! row-blocked segments, and the memory plan — with the vector-math preferences of this CPU
//! (`crate::libcall::prefers_vmath`) applied only where they pay.

use numfuse_ir::{Graph, NodeId};
use numfuse_optimizer::memplan::MemoryPlan;
use numfuse_optimizer::{schedule, Schedule, Step};

/// The library steps for nodes that satisfy `prefer` but ran into no segment.
fn library_steps_outside_segments(
    graph: &Graph,
    sched: &Schedule,
    prefer: &dyn Fn(&numfuse_ir::Node, &Graph) -> bool,
) -> Vec<NodeId> {
    let in_segment = |i: usize| sched.segments.iter().any(|s| s.steps.contains(&i));
    sched
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, st)| match st {
            Step::Library(x) if prefer(graph.node(*x), graph) && !in_segment(i) => Some(*x),
            _ => None,
        })
        .collect()
}

/// The schedule the executor runs for `graph` (kernels, library steps, row-blocked
/// segments) and its memory plan. Nodes that run faster as vector-math library steps
/// ([`crate::libcall::prefers_vmath`]) are scheduled so only where they land in a
/// row-blocked segment; elsewhere the JIT compiles them (a library step outside a segment
/// would cost its input a trip through memory).
pub fn plan_schedule(graph: &Graph) -> (Schedule, MemoryPlan) {
    let blockable = |n: &numfuse_ir::Node| crate::libcall::block_unary(n).is_some();
    let prefer = |n: &numfuse_ir::Node, g: &Graph| crate::libcall::prefers_vmath(n, g);
    let mut sched = schedule(graph, &|n, g| {
        numfuse_codegen::support::node_supported(n, g) && !prefer(n, g)
    });
    sched.segments = numfuse_optimizer::find_segments(graph, &sched, &blockable);
    let stranded = library_steps_outside_segments(graph, &sched, &prefer);
    if !stranded.is_empty() {
        // `schedule` hands the predicate nodes of `graph` itself: compare by address
        let is_stranded =
            |n: &numfuse_ir::Node| stranded.iter().any(|&x| std::ptr::eq(graph.node(x), n));
        sched = schedule(graph, &|n, g| {
            numfuse_codegen::support::node_supported(n, g) && (is_stranded(n) || !prefer(n, g))
        });
        sched.segments = numfuse_optimizer::find_segments(graph, &sched, &blockable);
    }
    let plan = numfuse_optimizer::memplan::plan(graph, &sched);
    (sched, plan)
}
