//! A cache of optimized graphs: evaluating an expression of the same structure again (a loop
//! body, a training step) reuses the optimizer's result instead of re-running equality
//! saturation. The key is the whole graph — ops, inputs, shapes, dtypes and the user's source
//! locations — and the optimizer configuration; lookups compare graphs in full, so a hash
//! collision can never return a wrong graph. The cache is bounded and cleared when full.

use numfuse_ir::Graph;
use numfuse_optimizer::{optimize, OptConfig};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// At most this many optimized graphs are kept.
const CAPACITY: usize = 512;

struct Entry {
    config: OptConfig,
    graph: Graph,
    /// `None` when the optimizer kept the graph as it was.
    optimized: Option<Arc<Graph>>,
}

type Cache = FxHashMap<u64, Vec<Entry>>;

fn cache() -> &'static Mutex<(Cache, usize)> {
    static CACHE: OnceLock<Mutex<(Cache, usize)>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new((Cache::default(), 0)))
}

/// [`optimize`], memoized by graph structure and configuration.
pub(crate) fn optimize_cached(g: Graph, config: &OptConfig) -> Arc<Graph> {
    let key = g.structure_hash();
    let hit = {
        let c = cache().lock().unwrap_or_else(|p| p.into_inner());
        c.0.get(&key).and_then(|v| {
            v.iter()
                .find(|e| e.config == *config && e.graph.same_structure(&g))
                .map(|e| e.optimized.clone())
        })
    };
    if let Some(optimized) = hit {
        return optimized.unwrap_or_else(|| Arc::new(g));
    }
    let (optimized, _) = optimize(&g, config);
    let optimized = (!optimized.same_structure(&g)).then(|| Arc::new(optimized));
    let mut c = cache().lock().unwrap_or_else(|p| p.into_inner());
    if c.1 >= CAPACITY {
        c.0.clear();
        c.1 = 0;
    }
    c.1 += 1;
    c.0.entry(key).or_default().push(Entry {
        config: config.clone(),
        graph: g.clone(),
        optimized: optimized.clone(),
    });
    optimized.unwrap_or_else(|| Arc::new(g))
}
