//! The schedule the executor runs: the scheduler's kernels and library steps, the
//! row-blocked segments, and the memory plan — with the vector-math preferences of this CPU
//! (`crate::libcall::prefers_vmath`) applied only where they pay — memoized by graph
//! structure, so evaluating the same expression again (a loop body) does not schedule it
//! again.

use numfuse_ir::{Graph, NodeId};
use numfuse_optimizer::memplan::MemoryPlan;
use numfuse_optimizer::{schedule, Schedule, Step};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// At most this many planned graphs are kept; the cache is cleared when full.
const CAPACITY: usize = 512;

/// A planned graph: the graph it was planned for, its schedule and memory plan.
type Planned = (Graph, Arc<(Schedule, MemoryPlan)>);

struct PlanCache {
    by_hash: HashMap<u64, Vec<Planned>>,
    len: usize,
}

static HITS: AtomicU64 = AtomicU64::new(0);
static MISSES: AtomicU64 = AtomicU64::new(0);

fn cache() -> &'static Mutex<PlanCache> {
    static CACHE: OnceLock<Mutex<PlanCache>> = OnceLock::new();
    CACHE.get_or_init(|| {
        Mutex::new(PlanCache {
            by_hash: HashMap::new(),
            len: 0,
        })
    })
}

/// Lookups of [`plan_cached`] so far: `(hits, misses)`.
pub fn plan_cache_counts() -> (u64, u64) {
    (HITS.load(Ordering::Relaxed), MISSES.load(Ordering::Relaxed))
}

/// [`plan_schedule`], memoized by graph structure ([`Graph::same_structure`]: a hash
/// collision never returns another graph's plan). The schedule depends on the graph alone
/// (and on this CPU, fixed for the process), never on the input data or layouts.
pub fn plan_cached(graph: &Graph) -> Arc<(Schedule, MemoryPlan)> {
    let key = graph.structure_hash();
    let hit = {
        let c = cache().lock().unwrap_or_else(|p| p.into_inner());
        c.by_hash.get(&key).and_then(|v| {
            v.iter()
                .find(|(g, _)| g.same_structure(graph))
                .map(|(_, p)| p.clone())
        })
    };
    if let Some(planned) = hit {
        HITS.fetch_add(1, Ordering::Relaxed);
        return planned;
    }
    MISSES.fetch_add(1, Ordering::Relaxed);
    let planned = Arc::new(plan_schedule(graph));
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    if c.len >= CAPACITY {
        c.by_hash.clear();
        c.len = 0;
    }
    c.len += 1;
    c.by_hash
        .entry(key)
        .or_default()
        .push((graph.clone(), planned.clone()));
    planned
}

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
