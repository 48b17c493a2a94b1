//! Graph splicing shared by the post-e-graph fusion passes (`matmul_epilogue`, `moments`):
//! copy a graph node by node, let the pass build a replacement for the nodes it fuses, and
//! drop what only the fused nodes read.

use numfuse_ir::{Graph, Node, NodeId, Op};

/// The nodes still read from the outputs when each node for which `fused_reads` returns
/// `Some(reads)` reads only `reads` (its own inputs drop out unless something else reads them).
pub(crate) fn live_nodes(
    g: &Graph,
    fused_reads: impl Fn(NodeId) -> Option<Vec<NodeId>>,
) -> Vec<bool> {
    let mut live = vec![false; g.len()];
    let mut stack: Vec<NodeId> = g.outputs().to_vec();
    while let Some(x) = stack.pop() {
        if std::mem::replace(&mut live[x.index()], true) {
            continue;
        }
        match fused_reads(x) {
            Some(reads) => stack.extend(reads),
            None => stack.extend(g.node(x).inputs.iter().copied()),
        }
    }
    live
}

/// A new graph with every input and every `live` node of `g` in order: `replace(out, id,
/// node, map)` builds the replacement of a fused node (`map` takes old ids to new ones for the
/// nodes copied so far) or returns `None` to copy the node as it is. `pass` names the caller
/// in the error for a node whose operand was dropped (a bug in the caller's liveness).
pub(crate) fn splice(
    g: &Graph,
    live: &[bool],
    pass: &str,
    mut replace: impl FnMut(
        &mut Graph,
        NodeId,
        &Node,
        &[Option<NodeId>],
    ) -> Option<numfuse_ir::Result<NodeId>>,
) -> numfuse_ir::Result<Graph> {
    let mut out = Graph::new();
    let mut map: Vec<Option<NodeId>> = vec![None; g.len()];
    for (i, node) in g.nodes().iter().enumerate() {
        let id = NodeId(i as u32);
        let new = if let Op::Input(_) = node.op {
            out.input(node.shape.clone(), node.dtype)
        } else if !live[i] {
            continue;
        } else if let Some(built) = replace(&mut out, id, node, &map) {
            built?
        } else {
            let inputs: Option<Vec<NodeId>> = node.inputs.iter().map(|x| map[x.index()]).collect();
            let inputs = inputs.ok_or_else(|| lost(pass))?;
            out.add_typed(node.op.clone(), &inputs, g.ty(id), node.origin)?
        };
        map[i] = Some(new);
    }
    for o in g.outputs() {
        out.mark_output(map[o.index()].ok_or_else(|| lost(pass))?);
    }
    Ok(out)
}

/// The error for a node whose operand was not copied.
pub(crate) fn lost(pass: &str) -> numfuse_ir::Error {
    numfuse_ir::Error::Value(format!("{pass} lost a node"))
}
