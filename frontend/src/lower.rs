//! Lowering of `Array` handles into an [`numfuse_ir::Graph`]: a post-order walk (iterative, so
//! deep expression chains cannot overflow the stack) that turns realized nodes into graph
//! inputs and everything else into hash-consed graph nodes.
//!
//! [`lower`] (what evaluation uses) then runs the e-graph optimizer
//! ([`numfuse_optimizer::optimize`]) in `Mode::Lazy`, configured by `NUMFUSE_OPT`
//! (`strict` by default, `fast`, `off`); the interpreter (`Mode::Interpret`, the oracle) and
//! `Mode::Eager` (NumPy's one-op-at-a-time baseline) evaluate the graph as written.

use crate::array::Array;
use crate::mode::{current_mode, opt_config, Mode};
use numfuse_ir::{Graph, NodeId, Op, Result};
use numfuse_optimizer::optimize;
use numfuse_runtime::NdArray;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Builds the graph computing `outputs` for evaluation (optimized in `Mode::Lazy`); returns it
/// with the concrete arrays bound to its inputs.
pub fn lower(outputs: &[Array]) -> Result<(Arc<Graph>, Vec<NdArray>)> {
    let (g, bound) = lower_raw(outputs)?;
    if current_mode() != Mode::Lazy {
        return Ok((Arc::new(g), bound));
    }
    // memoized by structure: re-evaluating the same expression skips saturation
    Ok((crate::opt_cache::optimize_cached(g, &opt_config()), bound))
}

/// Builds the graph computing `outputs` as written (no optimization).
pub fn lower_raw(outputs: &[Array]) -> Result<(Graph, Vec<NdArray>)> {
    let mut g = Graph::new();
    let mut bound: Vec<NdArray> = Vec::new();
    let mut ids: HashMap<usize, NodeId> = HashMap::with_capacity_and_hasher(64, Default::default());
    // (node, its inputs once expanded): the inputs are read (under the node's lock) once
    let mut stack: Vec<(Array, Option<Vec<Array>>)> =
        outputs.iter().rev().map(|a| (a.clone(), None)).collect();
    while let Some((a, expanded)) = stack.pop() {
        if ids.contains_key(&a.ptr()) {
            continue;
        }
        if let Some(v) = a.0.value.get() {
            let id = g.input(v.shape().clone(), v.dtype());
            bound.push(v.clone());
            ids.insert(a.ptr(), id);
            continue;
        }
        let Some(inputs) = expanded else {
            let inputs = a.inputs();
            let at = stack.len();
            stack.push((a, None));
            for x in inputs.iter().rev().filter(|x| !ids.contains_key(&x.ptr())) {
                stack.push((x.clone(), None));
            }
            stack[at].1 = Some(inputs);
            continue;
        };
        let args: Vec<NodeId> = inputs.iter().map(|x| ids[&x.ptr()]).collect();
        let id = match a.op() {
            Op::Input(_) => unreachable!("input leaves always hold a value"),
            op => g.add_typed(
                op.clone(),
                &args,
                (a.shape().clone(), a.dtype()),
                a.origin_opt(),
            )?,
        };
        ids.insert(a.ptr(), id);
    }
    for o in outputs {
        g.mark_output(ids[&o.ptr()]);
    }
    Ok((g, bound))
}

impl Array {
    /// The unoptimized graph that computes this array, as stable text (one node per line:
    /// `%3 = add(%1, %2) : (3,4) float64`).
    ///
    /// ```
    /// use numfuse as nf;
    /// let x = nf::array([1.0, 2.0, 3.0]);
    /// let y = (&x * 2.0).exp();
    /// assert!(y.ir().contains("= exp(%3) : (3,) float64"));
    /// ```
    pub fn ir(&self) -> String {
        match lower_raw(std::slice::from_ref(self)) {
            Ok((g, _)) => g.to_text(),
            Err(e) => format!("<error: {e}>"),
        }
    }

    /// The unoptimized graph as Graphviz DOT.
    pub fn ir_dot(&self) -> String {
        match lower_raw(std::slice::from_ref(self)) {
            Ok((g, _)) => g.to_dot(),
            Err(e) => format!("// error: {e}\n"),
        }
    }

    /// The graph itself, unoptimized (for tools and tests).
    pub fn try_graph(&self) -> Result<Graph> {
        Ok(lower_raw(std::slice::from_ref(self))?.0)
    }

    /// The unoptimized graph and the concrete arrays bound to its inputs (for tools and tests
    /// that evaluate graphs themselves).
    pub fn try_graph_and_inputs(&self) -> Result<(Graph, Vec<NdArray>)> {
        lower_raw(std::slice::from_ref(self))
    }

    /// The graph after the e-graph optimizer (configured as in `Mode::Lazy`, by `NUMFUSE_OPT`),
    /// as stable text, followed by the optimizer's
    /// report (stop reason, rules fired, e-nodes, time per rule family).
    ///
    /// ```
    /// use numfuse as nf;
    /// let x = nf::array([1.0, 2.0, 3.0]);
    /// let y = &x * 1.0;
    /// assert!(y.optimized_ir().starts_with("%0 = input[0] : (3,) float64\nreturn %0"));
    /// ```
    pub fn optimized_ir(&self) -> String {
        match lower_raw(std::slice::from_ref(self)) {
            Ok((g, _)) => {
                let (opt, report) = optimize(&g, &opt_config());
                format!("{opt}{report}")
            }
            Err(e) => format!("<error: {e}>"),
        }
    }
}
