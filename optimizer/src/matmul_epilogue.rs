//! Fuses cheap elementwise consumers of a float matmul into its output pass: the chain
//! `matmul → [· s | / 2^k] → [+ bias] → [maximum(·, 0)]` (each step optional, in this order,
//! every intermediate used once) becomes one [`Op::MatMulEpilogue`] node, which the runtime's
//! GEMM applies to each finished tile of `C` while it is in registers — no second pass over the
//! product. Every step rounds exactly as the unfused op: a scale is a multiplication by the
//! same constant, a division only by a power of two (where `x / c == x · (1/c)` for every `x`),
//! the bias must broadcast along rows (`x @ w + b` with `b` of shape `(n,)`), and ReLU must be
//! written `maximum(x, 0)` (NaN and `-0.0` pass through, as in NumPy). The rewrite is exact, so
//! it runs in strict mode too.

use crate::schedule::{consumers, movement_source};
use crate::splice;
use numfuse_ir::{BinaryOp, DType, Graph, MatmulEpilogue, NodeId, Op, Scalar, Shape};

/// One fused chain: the matmul, the last node of its epilogue, what it does and its bias.
struct Fusion {
    matmul: NodeId,
    end: NodeId,
    epi: MatmulEpilogue,
    bias: Option<NodeId>,
}

/// The value of a scalar constant seen through movement ops, converted to `dtype`.
fn constant(g: &Graph, x: NodeId, dtype: DType) -> Option<f64> {
    let src = movement_source(g, x);
    match g.node(src).op {
        Op::Const {
            value: Scalar::Float(bits),
            dtype: d,
        } if d == dtype => Some(f64::from_bits(bits)),
        _ => None,
    }
}

/// `1 / c` when it is exact and dividing by `c` equals multiplying by it for every input:
/// `c` a power of two whose reciprocal is a normal number of `dtype`.
fn exact_reciprocal(c: f64, dtype: DType) -> Option<f64> {
    let max_exp = if dtype == DType::Float32 { 126 } else { 1022 };
    let (m, e) = (c.abs(), c.abs().log2());
    let power_of_two = m.is_finite() && m > 0.0 && e.fract() == 0.0 && m == 2f64.powi(e as i32);
    (power_of_two && e.abs() <= max_exp as f64).then(|| 1.0 / c)
}

/// A row bias for an `(…, n)` product: a vector broadcast along every axis but the last.
fn row_bias(g: &Graph, x: NodeId, n: usize, dtype: DType) -> Option<NodeId> {
    let node = g.node(x);
    let Op::Broadcast(_) = node.op else {
        return None;
    };
    let src = node.inputs[0];
    let s = &g.node(src).shape;
    let leading_ones = s.iter().rev().skip(1).all(|&d| d == 1);
    let ok = g.node(src).dtype == dtype && s.ndim() >= 1 && s[s.ndim() - 1] == n && leading_ones;
    ok.then_some(src)
}

/// The chain starting at matmul `m`, if at least one step fuses.
fn chain(g: &Graph, m: NodeId, uses: &[u32], cons: &[Vec<NodeId>]) -> Option<Fusion> {
    let (shape, dtype) = (g.node(m).shape.clone(), g.node(m).dtype);
    if !matches!(dtype, DType::Float32 | DType::Float64) || shape.ndim() < 2 {
        return None;
    }
    let n = shape[shape.ndim() - 1];
    // the single consumer of `x`, elementwise over the product's type (a graph output counts
    // as a use, so an output never has a single consumer here)
    let next = |x: NodeId| -> Option<(NodeId, BinaryOp, NodeId, NodeId)> {
        if uses[x.index()] != 1 {
            return None;
        }
        let c = *cons[x.index()].first()?;
        let node = g.node(c);
        let Op::Binary(op) = node.op else { return None };
        (node.shape == shape && node.dtype == dtype)
            .then(|| (c, op, node.inputs[0], node.inputs[1]))
    };
    let mut epi = MatmulEpilogue {
        scale: None,
        bias: false,
        relu: false,
    };
    let (mut end, mut bias) = (m, None);
    let mut step = next(end);
    if let Some((c, op, l, r)) = step {
        let other = if l == end { r } else { l };
        let scale = match op {
            BinaryOp::Mul => constant(g, other, dtype),
            BinaryOp::Div if l == end => {
                constant(g, r, dtype).and_then(|c| exact_reciprocal(c, dtype))
            }
            _ => None,
        };
        if let Some(s) = scale {
            epi.scale = Some(Scalar::float(s));
            end = c;
            step = next(end);
        }
    }
    if let Some((c, BinaryOp::Add, l, r)) = step {
        let other = if l == end { r } else { l };
        if let Some(b) = row_bias(g, other, n, dtype) {
            epi.bias = true;
            bias = Some(b);
            end = c;
            step = next(end);
        }
    }
    if let Some((c, BinaryOp::Maximum, l, r)) = step {
        let zero = constant(g, r, dtype).is_some_and(|z| z.to_bits() == 0);
        if l == end && zero {
            epi.relu = true;
            end = c;
        }
    }
    (end != m).then_some(Fusion {
        matmul: m,
        end,
        epi,
        bias,
    })
}

/// Rewrites every fusable matmul chain of `g`; returns the new graph and one line per fusion
/// (for the optimizer's report). Returns `g` itself when nothing fuses.
pub fn fuse(g: Graph) -> (Graph, Vec<String>) {
    if !g.nodes().iter().any(|n| n.op == Op::MatMul) {
        return (g, Vec::new());
    }
    let uses = g.use_counts();
    let cons = consumers(&g);
    let fusions: Vec<Fusion> = g
        .nodes()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.op == Op::MatMul)
        .filter_map(|(i, _)| chain(&g, NodeId(i as u32), &uses, &cons))
        .collect();
    if fusions.is_empty() {
        return (g, Vec::new());
    }
    match rebuild(&g, &fusions) {
        Ok(out) => {
            let notes = fusions
                .iter()
                .map(|f| format!("{} fused into matmul {}: {}", f.end, f.matmul, f.epi))
                .collect();
            (out, notes)
        }
        Err(e) => (g, vec![format!("matmul epilogue fusion skipped: {e}")]),
    }
}

/// The nodes still read once every fused chain ends in its epilogue node (the chains' insides
/// and the broadcasts of their biases drop out).
fn live_nodes(g: &Graph, by_end: &rustc_hash::FxHashMap<NodeId, &Fusion>) -> Vec<bool> {
    splice::live_nodes(g, |x| {
        let f = by_end.get(&x)?;
        let mut reads = g.node(f.matmul).inputs.to_vec();
        reads.extend(f.bias);
        Some(reads)
    })
}

fn rebuild(g: &Graph, fusions: &[Fusion]) -> numfuse_ir::Result<Graph> {
    let by_end: rustc_hash::FxHashMap<NodeId, &Fusion> =
        fusions.iter().map(|f| (f.end, f)).collect();
    let live = live_nodes(g, &by_end);
    splice::splice(g, &live, PASS, |out, id, node, map| {
        let f = by_end.get(&id)?;
        Some(epilogue_node(g, out, map, f, node))
    })
}

/// The `MatMulEpilogue` node replacing fusion `f` (whose chain ends in `node`).
fn epilogue_node(
    g: &Graph,
    out: &mut Graph,
    map: &[Option<NodeId>],
    f: &Fusion,
    node: &numfuse_ir::Node,
) -> numfuse_ir::Result<NodeId> {
    let mapped = |x: &NodeId| map[x.index()];
    let mm = g.node(f.matmul);
    let inputs: Option<Vec<NodeId>> = mm.inputs.iter().map(mapped).collect();
    let mut inputs = inputs.ok_or_else(|| splice::lost(PASS))?;
    if let Some(b) = f.bias {
        let n = g.node(b).shape.size();
        let src = mapped(&b).ok_or_else(|| splice::lost(PASS))?;
        let vector = if g.node(b).shape.ndim() == 1 {
            src
        } else {
            out.add_with_origin(Op::Reshape(Shape::from([n])), &[src], node.origin)?
        };
        inputs.push(vector);
    }
    out.add_with_origin(Op::MatMulEpilogue(f.epi), &inputs, node.origin)
}

/// The pass name in errors.
const PASS: &str = "matmul epilogue fusion";
