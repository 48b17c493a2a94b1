//! Conversions between a [`Graph`] and an [`NfEGraph`]: loading a graph (one e-class per
//! graph node, outputs remembered as root classes) and rebuilding a graph from one chosen
//! e-node per class. Inputs keep their numbering (all are declared first, in order, used or
//! not), outputs keep their order, and every rebuilt node keeps the source-line origin of the
//! original node of its class.

use super::analysis::{NfAnalysis, NfEGraph};
use super::lang::{nf_to_op, op_to_nf, ENode, NfOp, OpaqueTable};
use egg::Id;
use numfuse_ir::{BinaryOp, Error, Graph, NodeId, Origin, Result};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// A graph loaded into an e-graph.
#[derive(Debug)]
pub struct Loaded {
    /// The e-graph (rebuilt, ready for rules).
    pub egraph: NfEGraph,
    /// The e-class of each graph output, in order.
    pub outputs: Vec<Id>,
    /// The e-class of each graph node.
    pub node_class: Vec<Id>,
    /// Source-line origin of the first graph node of each class.
    pub origins: HashMap<Id, Origin>,
}

/// Loads `g` into a fresh e-graph.
pub fn load(g: &Graph) -> Loaded {
    let mut opaque = OpaqueTable::default();
    let nodes: Vec<NfOp> = g
        .nodes()
        .iter()
        .map(|n| op_to_nf(&n.op, &mut opaque))
        .collect();
    let mut egraph = NfEGraph::new(NfAnalysis {
        inputs: g.inputs().to_vec(),
        opaque,
    });
    let mut node_class: Vec<Id> = Vec::with_capacity(g.len());
    let mut origins = HashMap::new();
    for (n, op) in g.nodes().iter().zip(nodes) {
        let kids: Vec<Id> = n.inputs.iter().map(|i| node_class[i.index()]).collect();
        let id = egraph.add(ENode::new(op, &kids));
        origins.entry(id).or_insert(n.origin);
        node_class.push(id);
    }
    egraph.rebuild();
    let outputs = g.outputs().iter().map(|o| node_class[o.index()]).collect();
    Loaded {
        egraph,
        outputs,
        node_class,
        origins,
    }
}

/// True when the operands of `node` may be put in canonical order: `+`, `·`, `==`, `!=`,
/// the logical and bitwise ops on integers and bools always (exact), `+`/`·` on floats only
/// when `commute_floats` (NaN payloads follow operand order).
fn commutes(eg: &NfEGraph, node: &ENode, commute_floats: bool) -> bool {
    let NfOp::Binary(b) = node.op else {
        return false;
    };
    let d = eg[node.children[0]].data.dtype;
    let exact = d.is_integer() || d.is_bool();
    match b {
        BinaryOp::Add | BinaryOp::Mul => exact || (commute_floats && d.is_float()),
        BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor => exact,
        BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::LogicalXor => d.is_bool(),
        _ => false,
    }
}

/// Structural keys of the chosen sub-DAGs (equal keys for equal expressions, whatever the
/// class ids), used to order commutative operands canonically.
fn structural_keys(
    eg: &NfEGraph,
    choice: &HashMap<Id, ENode>,
    outputs: &[Id],
    commute_floats: bool,
) -> HashMap<Id, u64> {
    let mut keys: HashMap<Id, u64> = HashMap::new();
    let mut stack: Vec<(Id, bool)> = outputs.iter().map(|&o| (eg.find(o), false)).collect();
    let mut visiting: HashMap<Id, ()> = HashMap::new();
    while let Some((c, expanded)) = stack.pop() {
        if keys.contains_key(&c) {
            continue;
        }
        let Some(node) = choice.get(&c) else { continue };
        if !expanded {
            if visiting.insert(c, ()).is_some() {
                continue; // cyclic; rebuild reports it
            }
            stack.push((c, true));
            stack.extend(node.children.iter().map(|&k| (eg.find(k), false)));
            continue;
        }
        let mut kids: Vec<u64> = node
            .children
            .iter()
            .map(|&k| keys.get(&eg.find(k)).copied().unwrap_or(0))
            .collect();
        if commutes(eg, node, commute_floats) {
            kids.sort_unstable();
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&node.op, &kids).hash(&mut h);
        keys.insert(c, h.finish());
    }
    keys
}

/// Builds the graph that computes `outputs` with node `choice(class)` for every class it
/// reaches. Operands of commutative ops are put in a canonical order (floats only when
/// `commute_floats`), and nodes are numbered in a canonical depth-first order, so equal
/// expressions give equal graphs. Fails (typed error) when a choice is missing or cyclic.
pub fn rebuild(
    eg: &NfEGraph,
    choice: &HashMap<Id, ENode>,
    outputs: &[Id],
    origins: &HashMap<Id, Origin>,
    commute_floats: bool,
) -> Result<Graph> {
    let keys = structural_keys(eg, choice, outputs, commute_floats);
    let ordered = |node: &ENode| -> ENode {
        let mut n = node.clone();
        for k in n.children.iter_mut() {
            *k = eg.find(*k);
        }
        if commutes(eg, &n, commute_floats) {
            n.children
                .sort_by_key(|k| keys.get(k).copied().unwrap_or(0));
        }
        n
    };
    let bug = |m: &str| Error::Value(format!("internal error in the optimizer: {m}"));
    let mut g = Graph::new();
    let inputs: Vec<NodeId> = eg
        .analysis
        .inputs
        .iter()
        .map(|d| g.input(d.shape.clone(), d.dtype))
        .collect();
    let mut done: HashMap<Id, NodeId> = HashMap::new();
    let mut on_stack: HashMap<Id, bool> = HashMap::new();
    for &root in outputs {
        let root = eg.find(root);
        let mut stack: Vec<(Id, bool)> = vec![(root, false)];
        while let Some((c, expanded)) = stack.pop() {
            if done.contains_key(&c) {
                continue;
            }
            let node = ordered(
                choice
                    .get(&c)
                    .ok_or_else(|| bug("class without a choice"))?,
            );
            if !expanded {
                if on_stack.insert(c, true).is_some() {
                    return Err(bug("cyclic extraction"));
                }
                stack.push((c, true));
                for &k in node.children.iter().rev() {
                    let k = eg.find(k);
                    if !done.contains_key(&k) {
                        stack.push((k, false));
                    }
                }
                continue;
            }
            let id = match &node.op {
                NfOp::Input(n) => *inputs
                    .get(*n as usize)
                    .ok_or_else(|| bug("unknown input"))?,
                op => {
                    let op = nf_to_op(op, &eg.analysis.opaque).ok_or_else(|| bug("opaque op"))?;
                    let args: Vec<NodeId> = node
                        .children
                        .iter()
                        .map(|&k| done.get(&eg.find(k)).copied())
                        .collect::<Option<_>>()
                        .ok_or_else(|| bug("cyclic extraction"))?;
                    let origin = origins.get(&c).copied().flatten();
                    g.add_with_origin(op, &args, origin)?
                }
            };
            done.insert(c, id);
        }
        g.mark_output(done[&root]);
    }
    Ok(g)
}

/// The graph's own nodes as a choice (what extraction must beat).
pub fn original_choice(g: &Graph, loaded: &Loaded) -> HashMap<Id, ENode> {
    let mut choice = HashMap::new();
    let mut table = loaded.egraph.analysis.opaque.clone();
    for (i, n) in g.nodes().iter().enumerate() {
        let kids: Vec<Id> = n
            .inputs
            .iter()
            .map(|x| loaded.egraph.find(loaded.node_class[x.index()]))
            .collect();
        let class = loaded.egraph.find(loaded.node_class[i]);
        choice
            .entry(class)
            .or_insert_with(|| ENode::new(op_to_nf(&n.op, &mut table), &kids));
    }
    choice
}

/// Origins re-keyed by canonical class id (after unions).
pub fn canonical_origins(eg: &NfEGraph, origins: &HashMap<Id, Origin>) -> HashMap<Id, Origin> {
    let mut out = HashMap::new();
    for (&id, &o) in origins {
        let e = out.entry(eg.find(id)).or_insert(o);
        if e.is_none() {
            *e = o;
        }
    }
    out
}
