//! Matmul chains written with `@` (left to right, as NumPy evaluates them): in fast mode the
//! e-graph's contraction rules reassociate them and extraction picks the order whose cost
//! (FLOPs + elements moved) equals exhaustive search over every bracketing, for random chains
//! of 3–8 operands, batched ones included; the values stay equal to the interpreter's within
//! rounding. Strict mode keeps the written order.

use numfuse_ir::{DType, Graph, NodeId, Op, Shape};
use numfuse_optimizer::{optimize, OptConfig};
use numfuse_runtime::{interp, NdArray};

mod common;
use common::Rng;

/// Cost of every matmul of `g`: `2·m·n·k·batch + |A| + |B| + |C|` (+1 per node, as the
/// extractor counts), written independently of the optimizer's cost model.
fn matmul_cost(g: &Graph) -> f64 {
    g.nodes()
        .iter()
        .filter(|n| n.op == Op::MatMul)
        .map(|n| {
            let a = &g.node(n.inputs[0]).shape;
            let b = &g.node(n.inputs[1]).shape;
            let k = a[a.ndim() - 1] as f64;
            let c = n.shape.size() as f64;
            1.0 + 2.0 * c * k + c + a.size() as f64 + b.size() as f64
        })
        .sum()
}

/// Minimum cost over every bracketing of matrices `dims[i]×dims[i+1]` (batch `b` on the
/// operands in `batched`), by exhaustive recursion (no memo).
fn brute(dims: &[usize], batched: &[bool], b: usize) -> (f64, bool) {
    let n = dims.len() - 1;
    if n == 1 {
        return (0.0, batched[0]);
    }
    let mut best = f64::INFINITY;
    let mut best_batched = false;
    for split in 1..n {
        let (lc, lb) = brute(&dims[..=split], &batched[..split], b);
        let (rc, rb) = brute(&dims[split..], &batched[split..], b);
        let batch = if lb || rb { b } else { 1 } as f64;
        let la = if lb { b } else { 1 } as f64 * (dims[0] * dims[split]) as f64;
        let ra = if rb { b } else { 1 } as f64 * (dims[split] * dims[n]) as f64;
        let c = batch * (dims[0] * dims[n]) as f64;
        let step = 1.0 + 2.0 * c * dims[split] as f64 + c + la + ra;
        if lc + rc + step < best {
            best = lc + rc + step;
            best_batched = lb || rb;
        }
    }
    (best, best_batched)
}

fn operand_shape(dims: &[usize], i: usize, batched: bool, b: usize) -> Shape {
    if batched {
        Shape::from([b, dims[i], dims[i + 1]])
    } else {
        Shape::from([dims[i], dims[i + 1]])
    }
}

/// `((x0 @ x1) @ x2) @ …`, NumPy's order.
fn left_chain(dims: &[usize], batched: &[bool], b: usize) -> Graph {
    let mut g = Graph::new();
    let xs: Vec<NodeId> = (0..dims.len() - 1)
        .map(|i| g.input(operand_shape(dims, i, batched[i], b), DType::Float64))
        .collect();
    let mut acc = xs[0];
    for &x in &xs[1..] {
        acc = g.add(Op::MatMul, &[acc, x]).unwrap();
    }
    g.mark_output(acc);
    g
}

fn random_inputs(g: &Graph, rng: &mut Rng) -> Vec<NdArray> {
    g.inputs()
        .iter()
        .map(|d| {
            let v: Vec<f64> = (0..d.shape.size())
                .map(|_| rng.below(2001) as f64 / 1000.0 - 1.0)
                .collect();
            NdArray::from_vec(d.shape.clone(), v).unwrap()
        })
        .collect()
}

fn assert_close(want: &NdArray, got: &NdArray) {
    assert_eq!(want.shape(), got.shape());
    let (w, g) = (want.to_vec::<f64>().unwrap(), got.to_vec::<f64>().unwrap());
    let scale = w.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    for (a, b) in w.iter().zip(&g) {
        assert!((a - b).abs() <= 1e-9 * scale, "{a} vs {b}");
    }
}

#[test]
fn fast_mode_reorders_random_chains_to_the_brute_force_optimum() {
    let mut rng = Rng(0x5eed_c4a1);
    let sizes = [1, 2, 3, 5, 8, 10, 30, 64];
    let mut reordered = 0;
    for case in 0..60 {
        let n = 3 + case % 6;
        let dims: Vec<usize> = (0..=n).map(|_| sizes[rng.below(8) as usize]).collect();
        let b = if case % 4 == 3 { 3 } else { 1 };
        let batched: Vec<bool> = (0..n).map(|_| b > 1 && rng.below(2) == 0).collect();
        let g = left_chain(&dims, &batched, b);
        let (opt, report) = optimize(&g, &OptConfig::fast());
        let (want, _) = brute(&dims, &batched, b);
        let got = matmul_cost(&opt);
        assert!(
            (got - want).abs() <= 1e-9 * want,
            "dims {dims:?} batched {batched:?}: extracted cost {got}, optimum {want}\n{report}"
        );
        if !report.kept_input {
            reordered += 1;
        }
        let inputs = random_inputs(&g, &mut rng);
        let a = interp::eval(&g, &inputs).unwrap();
        let o = interp::eval(&opt, &inputs).unwrap();
        assert_close(&a[0], &o[0]);
    }
    assert!(
        reordered > 20,
        "only {reordered} of 60 chains were reordered"
    );
}

#[test]
fn the_classic_chain_is_evaluated_right_first_in_fast_mode_only() {
    // (1000,10) @ (10,1000) @ (1000,10): B@C first is ~100× cheaper.
    let dims = [1000, 10, 1000, 10];
    let g = left_chain(&dims, &[false; 3], 1);
    let (fast, report) = optimize(&g, &OptConfig::fast());
    assert!(
        report.to_string().contains("matmul-assoc-right"),
        "{report}"
    );
    let left = matmul_cost(&g);
    let right = matmul_cost(&fast);
    assert!(left / right > 50.0, "{left} vs {right}");
    let (strict, report) = optimize(&g, &OptConfig::strict());
    assert_eq!(matmul_cost(&strict), left, "{report}");
}

#[test]
fn integer_chains_are_not_reassociated() {
    let mut g = Graph::new();
    let a = g.input(Shape::from([100, 2]), DType::Int64);
    let b = g.input(Shape::from([2, 100]), DType::Int64);
    let c = g.input(Shape::from([100, 2]), DType::Int64);
    let ab = g.add(Op::MatMul, &[a, b]).unwrap();
    let abc = g.add(Op::MatMul, &[ab, c]).unwrap();
    g.mark_output(abc);
    let (opt, _) = optimize(&g, &OptConfig::fast());
    assert_eq!(matmul_cost(&opt), matmul_cost(&g));
}
