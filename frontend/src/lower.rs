//! Lowering of `Array` handles into an [`numfuse_ir::Graph`]: a post-order walk (iterative, so
//! deep expression chains cannot overflow the stack) that turns realized nodes into graph
//! inputs and everything else into hash-consed graph nodes.

use crate::array::Array;
use numfuse_ir::{Graph, NodeId, Op, Result};
use numfuse_runtime::NdArray;
use rustc_hash::FxHashMap as HashMap;

/// Builds the graph computing `outputs`; returns it with the concrete arrays bound to its inputs.
pub fn lower(outputs: &[Array]) -> Result<(Graph, Vec<NdArray>)> {
    let mut g = Graph::new();
    let mut bound: Vec<NdArray> = Vec::new();
    let mut ids: HashMap<usize, NodeId> = HashMap::default();
    let mut stack: Vec<(Array, bool)> = outputs.iter().rev().map(|a| (a.clone(), false)).collect();
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
        let inputs = a.inputs();
        if !expanded {
            stack.push((a.clone(), true));
            for x in inputs.iter().rev() {
                if !ids.contains_key(&x.ptr()) {
                    stack.push((x.clone(), false));
                }
            }
            continue;
        }
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
        match lower(std::slice::from_ref(self)) {
            Ok((g, _)) => g.to_text(),
            Err(e) => format!("<error: {e}>"),
        }
    }

    /// The unoptimized graph as Graphviz DOT.
    pub fn ir_dot(&self) -> String {
        match lower(std::slice::from_ref(self)) {
            Ok((g, _)) => g.to_dot(),
            Err(e) => format!("// error: {e}\n"),
        }
    }

    /// The graph itself (for tools and tests).
    pub fn try_graph(&self) -> Result<Graph> {
        Ok(lower(std::slice::from_ref(self))?.0)
    }
}
