//! Fuses the two sums of a two-pass variance into one pass: where a graph holds
//! `s = sum(x)` and `q = sum((x − s / N)²)` over the same leading axes of a float array `x`
//! (`x.var(axis=0)`, `x.std(axis=0)`, z-scores), both become views of one
//! [`Op::Moments`] node, whose runtime kernel reads `x` once instead of twice (see
//! `numfuse_runtime::moments`; the second pass runs over blocks still in cache).
//!
//! `s` keeps its meaning exactly (a sum of `x`, as accurate as the JIT's); `q` is computed as
//! block-wise centred sums corrected to the global mean, which is `Σ(x − m)²` in real
//! arithmetic and as accurate as the two-pass formula, but not bit-identical to it. Only
//! reductions over leading axes with at most [`MAX_KEPT`] kept elements and at least
//! [`MIN_ELEMS`] elements are rewritten: there `x` is read along its rows and the two-pass
//! formula costs a second trip through memory (reductions over trailing axes already run in
//! cache-sized row blocks, `segment.rs`).

use crate::schedule::movement_source;
use crate::splice;
use numfuse_ir::{BinaryOp, DType, Graph, NodeId, Op, ReduceOp, Shape, SliceAxis};

/// Arrays smaller than this are not rewritten (both passes hit the cache anyway).
pub const MIN_ELEMS: usize = 1 << 16;
/// Kept elements per reduced position above which the blocks would not stay in cache.
pub const MAX_KEPT: usize = 512;

/// One fusable pair: `sum = sum(x)` and `squares = sum((x − sum / N)²)`.
struct Pair {
    x: NodeId,
    sum: NodeId,
    squares: NodeId,
    reduced: usize,
}

/// `(x, r)` when `id` is a float sum of `x` over its leading `r ≥ 1` axes, in `x`'s dtype.
fn leading_sum(g: &Graph, id: NodeId) -> Option<(NodeId, usize)> {
    let node = g.node(id);
    let Op::Reduce {
        op: ReduceOp::Sum,
        axes,
    } = &node.op
    else {
        return None;
    };
    let x = node.inputs[0];
    let leading = !axes.is_empty() && axes.iter().enumerate().all(|(i, &a)| a == i);
    let float = matches!(node.dtype, DType::Float32 | DType::Float64);
    (leading && float && g.node(x).dtype == node.dtype).then_some((x, axes.len()))
}

/// Whether `c` (through movement ops) is the constant `n` in `dtype`.
fn is_count(g: &Graph, c: NodeId, n: usize, dtype: DType) -> bool {
    match g.node(movement_source(g, c)).op {
        Op::Const { value, dtype: d } if d == dtype => {
            let v = value.as_f64();
            if dtype == DType::Float32 {
                v as f32 == n as f32
            } else {
                v == n as f64
            }
        }
        _ => false,
    }
}

/// Whether `b` is `m` (of shape `kept`) broadcast back over leading axes: a chain of
/// reshapes that only add or drop leading unit axes and broadcasts that keep the trailing
/// `kept` axes.
fn broadcast_back(g: &Graph, mut b: NodeId, m: NodeId, kept: &[usize]) -> bool {
    let tail_ok = |s: &Shape| s.ndim() >= kept.len() && &s[s.ndim() - kept.len()..] == kept;
    let unit_lead = |s: &Shape| s[..s.ndim() - kept.len()].iter().all(|&d| d == 1);
    while b != m {
        let node = g.node(b);
        let input = node.inputs.first().map(|&i| &g.node(i).shape);
        let ok = match (&node.op, input) {
            (Op::Reshape(s), Some(i)) => tail_ok(s) && unit_lead(s) && tail_ok(i) && unit_lead(i),
            (Op::Broadcast(s), Some(i)) => tail_ok(s) && tail_ok(i),
            _ => false,
        };
        if !ok {
            return false;
        }
        b = node.inputs[0];
    }
    true
}

/// The pair whose squared-deviation sum is `q`, if `q` is one.
fn pair_at(g: &Graph, q: NodeId) -> Option<Pair> {
    let (sq, r) = leading_sum(g, q)?;
    let sq_node = g.node(sq);
    let (Op::Binary(BinaryOp::Mul), [d, d2]) = (&sq_node.op, &sq_node.inputs[..]) else {
        return None;
    };
    let d_node = g.node(*d);
    let (Op::Binary(BinaryOp::Sub), [x, b]) = (&d_node.op, &d_node.inputs[..]) else {
        return None;
    };
    let xs = &g.node(*x).shape;
    let kept = &xs[r..];
    let (n, k): (usize, usize) = (xs[..r].iter().product(), kept.iter().product());
    if d != d2 || xs.size() < MIN_ELEMS || k > MAX_KEPT || g.node(*x).dtype != g.node(q).dtype {
        return None;
    }
    // the mean `m = s / N` and its sum `s`, found through the broadcast
    let m = movement_source(g, *b);
    let m_node = g.node(m);
    let (Op::Binary(BinaryOp::Div), [s, c]) = (&m_node.op, &m_node.inputs[..]) else {
        return None;
    };
    let same_sum = leading_sum(g, *s) == Some((*x, r));
    let ok = same_sum
        && m_node.shape.dims() == kept
        && is_count(g, *c, n, m_node.dtype)
        && broadcast_back(g, *b, m, kept);
    ok.then_some(Pair {
        x: *x,
        sum: *s,
        squares: q,
        reduced: r,
    })
}

/// Rewrites every fusable variance of `g`; returns the new graph and one line per fusion (for
/// the optimizer's report). Returns `g` itself when nothing fuses.
pub fn fuse(g: Graph) -> (Graph, Vec<String>) {
    let pairs: Vec<Pair> = (0..g.len() as u32)
        .filter_map(|i| pair_at(&g, NodeId(i)))
        .collect();
    if pairs.is_empty() {
        return (g, Vec::new());
    }
    match rebuild(&g, &pairs) {
        Ok(out) => {
            let notes = pairs
                .iter()
                .map(|p| {
                    format!(
                        "{} and {} computed in one pass over {} (moments over {} axes)",
                        p.sum, p.squares, p.x, p.reduced
                    )
                })
                .collect();
            (out, notes)
        }
        Err(e) => (g, vec![format!("moments fusion skipped: {e}")]),
    }
}

/// Which pair (and which of its two sums: 0 for `Σx`, 1 for the squares) replaces a node.
fn replaced(pairs: &[Pair]) -> rustc_hash::FxHashMap<NodeId, (usize, usize)> {
    let mut map = rustc_hash::FxHashMap::default();
    for (i, p) in pairs.iter().enumerate() {
        map.insert(p.sum, (i, 0));
        map.insert(p.squares, (i, 1));
    }
    map
}

/// The nodes still read once the fused sums read only `x`.
fn live_nodes(g: &Graph, pairs: &[Pair]) -> Vec<bool> {
    let by_node = replaced(pairs);
    splice::live_nodes(g, |x| by_node.get(&x).map(|&(p, _)| vec![pairs[p].x]))
}

fn rebuild(g: &Graph, pairs: &[Pair]) -> numfuse_ir::Result<Graph> {
    let by_node = replaced(pairs);
    let live = live_nodes(g, pairs);
    let mut fused: Vec<Option<NodeId>> = vec![None; pairs.len()];
    splice::splice(g, &live, PASS, |out, id, node, map| {
        let &(p, which) = by_node.get(&id)?;
        Some(packed_component(
            out,
            map,
            &pairs[p],
            &mut fused[p],
            which,
            node,
        ))
    })
}

/// Component `which` of pair's packed moments node, adding that node on first use.
fn packed_component(
    out: &mut Graph,
    map: &[Option<NodeId>],
    pair: &Pair,
    fused: &mut Option<NodeId>,
    which: usize,
    node: &numfuse_ir::Node,
) -> numfuse_ir::Result<NodeId> {
    let packed = match *fused {
        Some(m) => m,
        None => {
            let x = map[pair.x.index()].ok_or_else(|| splice::lost(PASS))?;
            let op = Op::Moments {
                reduced: pair.reduced,
            };
            *fused.insert(out.add_with_origin(op, &[x], node.origin)?)
        }
    };
    component(out, packed, which, node)
}

/// Component `which` of a packed moments node, as a view of the replaced node's shape.
fn component(
    out: &mut Graph,
    packed: NodeId,
    which: usize,
    node: &numfuse_ir::Node,
) -> numfuse_ir::Result<NodeId> {
    let dims = out.node(packed).shape.clone();
    let axes = dims
        .iter()
        .enumerate()
        .map(|(a, &len)| match a {
            0 => SliceAxis {
                start: which,
                step: 1,
                len: 1,
            },
            _ => SliceAxis {
                start: 0,
                step: 1,
                len,
            },
        })
        .collect();
    let slice = out.add_with_origin(Op::Slice(axes), &[packed], node.origin)?;
    out.add_with_origin(Op::Reshape(node.shape.clone()), &[slice], node.origin)
}

/// The pass name in errors.
const PASS: &str = "moments fusion";
