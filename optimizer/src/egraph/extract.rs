//! Extraction: the cost model and a DAG-aware greedy extractor.
//!
//! Cost of an e-node = 1 + its work, where work is elements computed × an op weight
//! (transcendentals 8, division and square root 2, other arithmetic 1), a reduction's input
//! size, a matmul's FLOPs plus elements moved (`2·|C|·k + |A| + |B| + |C|`, the contraction
//! cost of [`crate::contract`]), and 0 for leaves and views (movement ops are strided loads,
//! never materialized).
//! The greedy DAG extractor gives every class the node whose *set* of reachable classes is
//! cheapest, so a subexpression shared by two users is paid once (egg's `Extractor` is a tree
//! extractor and pays it once per use). [`TreeCost`] exposes the same per-node cost to egg's
//! extractor for comparison.

use super::analysis::NfEGraph;
use super::lang::{op_to_nf, ENode, NfOp, OpaqueTable};
use egg::{CostFunction, Id, Language};
use numfuse_ir::Graph;
use numfuse_ir::{BinaryOp, UnaryOp};
use smallvec::SmallVec;
use std::collections::{HashMap, VecDeque};

fn unary_weight(u: UnaryOp) -> f64 {
    use UnaryOp::*;
    match u {
        Sqrt | Cbrt | Reciprocal => 2.0,
        Exp | Exp2 | Expm1 | Log | Log2 | Log10 | Log1p | Sin | Cos | Tan | Arcsin | Arccos
        | Arctan | Sinh | Cosh | Tanh | Arcsinh | Arccosh | Arctanh => 8.0,
        _ => 1.0,
    }
}

fn binary_weight(b: BinaryOp) -> f64 {
    use BinaryOp::*;
    match b {
        Div | FloorDiv | Rem => 2.0,
        Pow | Arctan2 | Hypot => 8.0,
        _ => 1.0,
    }
}

/// The cost of an operator producing `out` elements from operands of `inputs` elements;
/// `inner` is the length of a matmul's contracted axis (ignored by other ops).
pub fn op_cost(op: &NfOp, out: f64, inputs: &[f64], inner: f64) -> f64 {
    1.0 + match op {
        NfOp::Input(_) | NfOp::Const(..) => 0.0,
        op if op.is_movement() => 0.0,
        NfOp::Unary(u) => out * unary_weight(*u),
        NfOp::Binary(b) => out * binary_weight(*b),
        NfOp::Where | NfOp::Cast(_) => out,
        NfOp::Reduce(..) => inputs.first().copied().unwrap_or(0.0),
        NfOp::MatMul => 2.0 * out * inner + out + inputs.iter().sum::<f64>(),
        _ => out + inputs.iter().sum::<f64>(),
    }
}

/// The length of the last axis of `shape` (the contracted axis of a matmul's first operand).
fn last_dim(shape: &numfuse_ir::Shape) -> f64 {
    shape.iter().last().copied().unwrap_or(1) as f64
}

/// The cost of one e-node in `class` (see the module docs).
pub fn node_cost(eg: &NfEGraph, class: Id, node: &ENode) -> f64 {
    let out = eg[class].data.shape.size() as f64;
    let inputs: SmallVec<[f64; 3]> = node
        .children
        .iter()
        .map(|&c| eg[c].data.shape.size() as f64)
        .collect();
    let inner = node
        .children
        .first()
        .map_or(1.0, |&c| last_dim(&eg[c].data.shape));
    op_cost(&node.op, out, &inputs, inner)
}

/// The cost of a graph: every node reachable from the outputs, paid once.
pub fn graph_cost(g: &Graph) -> f64 {
    let mut live = vec![false; g.len()];
    for o in g.outputs() {
        live[o.index()] = true;
    }
    let mut table = OpaqueTable::default();
    let mut total = 0.0;
    for (i, n) in g.nodes().iter().enumerate().rev() {
        if !live[i] {
            continue;
        }
        let inputs: SmallVec<[f64; 3]> = n
            .inputs
            .iter()
            .map(|x| {
                live[x.index()] = true;
                g.node(*x).shape.size() as f64
            })
            .collect();
        let inner = n
            .inputs
            .first()
            .map_or(1.0, |x| last_dim(&g.node(*x).shape));
        let op = op_to_nf(&n.op, &mut table);
        total += op_cost(&op, n.shape.size() as f64, &inputs, inner);
    }
    total
}

/// The per-node cost as an egg [`CostFunction`] (tree costs: shared children count per use).
pub struct TreeCost<'a> {
    /// The e-graph whose class data gives the shapes.
    pub egraph: &'a NfEGraph,
}

impl CostFunction<ENode> for TreeCost<'_> {
    type Cost = f64;
    fn cost<C: FnMut(Id) -> f64>(&mut self, enode: &ENode, mut costs: C) -> f64 {
        // The node's own class: look it up (children are canonical during extraction).
        let class = self
            .egraph
            .lookup(enode.clone())
            .unwrap_or_else(|| enode.children.first().copied().unwrap_or(Id::from(0)));
        let own = node_cost(self.egraph, class, enode);
        enode.fold(own, |s, c| s + costs(c))
    }
}

/// One class's best so far: total DAG cost, the classes it reaches with their node costs
/// (sorted by class index), and the chosen node.
#[derive(Clone)]
struct Best {
    total: f64,
    set: Vec<(u32, f64)>,
    node: ENode,
}

fn union_sets(a: &[(u32, f64)], b: &[(u32, f64)]) -> Vec<(u32, f64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Greedy DAG extraction: one node per reachable class, minimising the cost of the set of
/// classes each choice reaches. Returns the choice for every class that has a finite cost.
pub fn dag_extract(eg: &NfEGraph) -> HashMap<Id, ENode> {
    // ascending ids are close to a topological order (graph nodes are added children first)
    let mut ids: Vec<Id> = eg.classes().map(|c| c.id).collect();
    ids.sort_unstable();
    let max = ids.iter().map(|&c| usize::from(c)).max().unwrap_or(0);
    let mut index: Vec<u32> = vec![u32::MAX; max + 1];
    for (i, &c) in ids.iter().enumerate() {
        index[usize::from(c)] = i as u32;
    }
    let mut parents: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    for (i, &c) in ids.iter().enumerate() {
        for n in eg[c].nodes.iter() {
            for k in n.children.iter() {
                parents[index[usize::from(eg.find(*k))] as usize].push(i as u32);
            }
        }
    }
    // Visit classes children-first: order them by their tree cost (a monotone cost makes
    // every class dearer than the children of its best node), so improvements rarely cascade.
    let order = tree_order(eg, &ids, &index, &parents);
    let mut best: Vec<Option<Best>> = vec![None; ids.len()];
    let mut queue: VecDeque<u32> = order.into();
    let mut queued = vec![true; ids.len()];
    while let Some(ci) = queue.pop_front() {
        queued[ci as usize] = false;
        let c = ids[ci as usize];
        let mut improved = false;
        for n in eg[c].nodes.iter() {
            let kids: Option<SmallVec<[u32; 3]>> = n
                .children
                .iter()
                .map(|k| {
                    let ki = index[usize::from(eg.find(*k))];
                    best[ki as usize].as_ref().map(|_| ki)
                })
                .collect();
            let Some(kids) = kids else { continue };
            if kids.contains(&ci) {
                continue; // a self-loop (e.g. x·1 in the class of x)
            }
            let child_set = |k: u32| {
                best[k as usize]
                    .as_ref()
                    .map(|b| b.set.as_slice())
                    .unwrap_or(&[])
            };
            let mut set: Vec<(u32, f64)> = match kids.as_slice() {
                [] => Vec::new(),
                [a] => child_set(*a).to_vec(),
                [a, rest @ ..] => rest.iter().fold(child_set(*a).to_vec(), |acc, &k| {
                    union_sets(&acc, child_set(k))
                }),
            };
            match set.binary_search_by_key(&ci, |e| e.0) {
                Ok(_) => continue, // the node reaches its own class: a cycle
                Err(pos) => set.insert(pos, (ci, node_cost(eg, c, n))),
            }
            let total: f64 = set.iter().map(|&(_, x)| x).sum();
            let better = match &best[ci as usize] {
                None => true,
                Some(b) => total < b.total - 1e-9 * b.total.abs().max(1.0),
            };
            if better {
                best[ci as usize] = Some(Best {
                    total,
                    set,
                    node: n.clone(),
                });
                improved = true;
            }
        }
        if improved {
            requeue_parents(&parents[ci as usize], &mut queued, &mut queue);
        }
    }
    ids.iter()
        .zip(best)
        .filter_map(|(&c, b)| b.map(|b| (c, b.node)))
        .collect()
}

/// Queues the parents of a class whose cost improved (each at most once at a time).
fn requeue_parents(parents: &[u32], queued: &mut [bool], queue: &mut VecDeque<u32>) {
    for &p in parents {
        if !queued[p as usize] {
            queued[p as usize] = true;
            queue.push_back(p);
        }
    }
}

/// Class indices sorted by tree cost (unreachable-cost classes last).
fn tree_order(eg: &NfEGraph, ids: &[Id], index: &[u32], parents: &[Vec<u32>]) -> Vec<u32> {
    let mut cost = vec![f64::INFINITY; ids.len()];
    let mut queue: VecDeque<u32> = (0..ids.len() as u32).collect();
    let mut queued = vec![true; ids.len()];
    while let Some(ci) = queue.pop_front() {
        queued[ci as usize] = false;
        let c = ids[ci as usize];
        let mut improved = false;
        for n in eg[c].nodes.iter() {
            let kids: f64 = n
                .children
                .iter()
                .map(|k| cost[index[usize::from(eg.find(*k))] as usize])
                .sum();
            let total = kids + node_cost(eg, c, n);
            if total < cost[ci as usize] {
                cost[ci as usize] = total;
                improved = true;
            }
        }
        if improved {
            requeue_parents(&parents[ci as usize], &mut queued, &mut queue);
        }
    }
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_by(|&a, &b| {
        cost[a as usize]
            .total_cmp(&cost[b as usize])
            .then(a.cmp(&b))
    });
    order
}

/// The DAG cost of the graph a choice builds for `roots` (each reachable class paid once), or
/// `None` when a class has no choice or the choice is cyclic.
pub fn dag_cost(eg: &NfEGraph, choice: &HashMap<Id, ENode>, roots: &[Id]) -> Option<f64> {
    let mut seen: HashMap<Id, ()> = HashMap::new();
    let mut stack: Vec<Id> = roots.iter().map(|&r| eg.find(r)).collect();
    let mut total = 0.0;
    while let Some(c) = stack.pop() {
        if seen.insert(c, ()).is_some() {
            continue;
        }
        if seen.len() > eg.number_of_classes() {
            return None;
        }
        let n = choice.get(&c)?;
        total += node_cost(eg, c, n);
        stack.extend(n.children.iter().map(|&k| eg.find(k)));
    }
    Some(total)
}
