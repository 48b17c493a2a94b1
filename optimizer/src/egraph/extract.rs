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

/// The e-graph flattened for extraction: classes by dense index (ascending ids, close to a
/// topological order since graph nodes are added children first), each node's canonical
/// children as indices and its cost computed once, and each class's parents.
struct Table {
    ids: Vec<Id>,
    /// Per class: `(children, own cost)` of each of its nodes, in the class's node order.
    nodes: Vec<Vec<(SmallVec<[u32; 3]>, f64)>>,
    parents: Vec<Vec<u32>>,
}

impl Table {
    fn new(eg: &NfEGraph) -> Table {
        let mut ids: Vec<Id> = eg.classes().map(|c| c.id).collect();
        ids.sort_unstable();
        let max = ids.iter().map(|&c| usize::from(c)).max().unwrap_or(0);
        let mut index: Vec<u32> = vec![u32::MAX; max + 1];
        for (i, &c) in ids.iter().enumerate() {
            index[usize::from(c)] = i as u32;
        }
        let mut parents: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
        let mut nodes = Vec::with_capacity(ids.len());
        for (i, &c) in ids.iter().enumerate() {
            let class_nodes: Vec<(SmallVec<[u32; 3]>, f64)> = eg[c]
                .nodes
                .iter()
                .map(|n| {
                    let kids: SmallVec<[u32; 3]> = n
                        .children
                        .iter()
                        .map(|k| index[usize::from(eg.find(*k))])
                        .collect();
                    for &k in &kids {
                        parents[k as usize].push(i as u32);
                    }
                    (kids, node_cost(eg, c, n))
                })
                .collect();
            nodes.push(class_nodes);
        }
        Table {
            ids,
            nodes,
            parents,
        }
    }
}

/// Greedy DAG extraction: one node per reachable class, minimising the cost of the set of
/// classes each choice reaches. Returns the choice for every class that has a finite cost.
pub fn dag_extract(eg: &NfEGraph) -> HashMap<Id, ENode> {
    let t = Table::new(eg);
    // Visit classes children-first: order them by their tree cost (a monotone cost makes
    // every class dearer than the children of its best node), so improvements rarely cascade.
    let order = tree_order(&t);
    let n = t.ids.len();
    let words = n.div_ceil(64);
    // per class: the chosen node's position and own cost, the total, and the set of classes
    // the choice reaches as a bitset (a class's cost is that of its current choice)
    let mut choice: Vec<Option<usize>> = vec![None; n];
    let mut own_cost = vec![0.0f64; n];
    let mut total = vec![f64::INFINITY; n];
    let mut sets: Vec<Vec<u64>> = vec![Vec::new(); n];
    let mut queue: VecDeque<u32> = order.into();
    let mut queued = vec![true; n];
    let mut set = vec![0u64; words];
    while let Some(ci) = queue.pop_front() {
        let c = ci as usize;
        queued[c] = false;
        let mut improved = false;
        for (pos, (kids, own)) in t.nodes[c].iter().enumerate() {
            if kids.contains(&ci) || kids.iter().any(|&k| choice[k as usize].is_none()) {
                continue; // a self-loop (e.g. x·1 in the class of x), or an unknown child
            }
            set.iter_mut().for_each(|w| *w = 0);
            for &k in kids {
                set.iter_mut()
                    .zip(&sets[k as usize])
                    .for_each(|(w, x)| *w |= x);
            }
            if set[c / 64] >> (c % 64) & 1 == 1 {
                continue; // the node reaches its own class: a cycle
            }
            let sum = own + set_cost(&set, &own_cost);
            let best = total[c];
            if choice[c].is_none() || sum < best - 1e-9 * best.abs().max(1.0) {
                set[c / 64] |= 1 << (c % 64);
                choice[c] = Some(pos);
                own_cost[c] = *own;
                total[c] = sum;
                sets[c].clone_from(&set);
                improved = true;
            }
        }
        if improved {
            requeue_parents(&t.parents[c], &mut queued, &mut queue);
        }
    }
    t.ids
        .iter()
        .zip(choice)
        .filter_map(|(&c, pos)| pos.map(|pos| (c, eg[c].nodes[pos].clone())))
        .collect()
}

/// The summed own cost of the classes in a bitset.
fn set_cost(set: &[u64], own_cost: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (w, &bits) in set.iter().enumerate() {
        let mut b = bits;
        while b != 0 {
            sum += own_cost[w * 64 + b.trailing_zeros() as usize];
            b &= b - 1;
        }
    }
    sum
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
fn tree_order(t: &Table) -> Vec<u32> {
    let n = t.ids.len();
    let mut cost = vec![f64::INFINITY; n];
    let mut queue: VecDeque<u32> = (0..n as u32).collect();
    let mut queued = vec![true; n];
    while let Some(ci) = queue.pop_front() {
        queued[ci as usize] = false;
        let mut improved = false;
        for (kids, own) in &t.nodes[ci as usize] {
            let total = kids.iter().map(|&k| cost[k as usize]).sum::<f64>() + own;
            if total < cost[ci as usize] {
                cost[ci as usize] = total;
                improved = true;
            }
        }
        if improved {
            requeue_parents(&t.parents[ci as usize], &mut queued, &mut queue);
        }
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
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
