//! Measures `optimize` on a typical ~200-node graph (z-score, softmax, bias and scaling blocks
//! with constants and broadcasts, as the frontend lowers them) and on the seed-like blocks
//! alone. Run: `cargo run --release -p numfuse-optimizer --example opt_time`.

use numfuse_ir::{BinaryOp as B, DType, Graph, NodeId, Op, ReduceOp, Scalar, Shape, UnaryOp as U};
use numfuse_optimizer::{optimize, OptConfig};
use std::time::Instant;

fn konst(g: &mut Graph, v: f64, shape: &Shape) -> NodeId {
    let c = g
        .add(
            Op::Const {
                value: Scalar::float(v),
                dtype: DType::Float64,
            },
            &[],
        )
        .unwrap();
    g.add(Op::Broadcast(shape.clone()), &[c]).unwrap()
}

fn bin(g: &mut Graph, b: B, x: NodeId, y: NodeId) -> NodeId {
    g.add(Op::Binary(b), &[x, y]).unwrap()
}

/// Reduce over axis `axis` of a (r, c) array and broadcast back (keepdims + broadcast).
fn reduce_back(g: &mut Graph, op: ReduceOp, x: NodeId, axis: usize, s: &Shape) -> NodeId {
    let r = g
        .add(
            Op::Reduce {
                op,
                axes: vec![axis].into(),
            },
            &[x],
        )
        .unwrap();
    let keep = if axis == 0 {
        Shape::from([1, s[1]])
    } else {
        Shape::from([s[0], 1])
    };
    let k = g.add(Op::Reshape(keep), &[r]).unwrap();
    g.add(Op::Broadcast(s.clone()), &[k]).unwrap()
}

fn block(g: &mut Graph, x: NodeId, s: &Shape) -> NodeId {
    // z-score over axis 0
    let n = konst(g, s[0] as f64, s);
    let sum = reduce_back(g, ReduceOp::Sum, x, 0, s);
    let mean = bin(g, B::Div, sum, n);
    let c = bin(g, B::Sub, x, mean);
    let sq = bin(g, B::Mul, c, c);
    let ss = reduce_back(g, ReduceOp::Sum, sq, 0, s);
    let var = bin(g, B::Div, ss, n);
    let sd = g.add(Op::Unary(U::Sqrt), &[var]).unwrap();
    let z = bin(g, B::Div, c, sd);
    // scale and bias (a row broadcast), times 1.0 as generated code often does
    let row = g
        .add(
            Op::Reduce {
                op: ReduceOp::Max,
                axes: vec![0].into(),
            },
            &[x],
        )
        .unwrap();
    let rb = g.add(Op::Broadcast(s.clone()), &[row]).unwrap();
    let two = konst(g, 2.0, s);
    let one = konst(g, 1.0, s);
    let scaled = bin(g, B::Mul, z, two);
    let biased = bin(g, B::Add, scaled, rb);
    let ident = bin(g, B::Mul, biased, one);
    // softmax over axis 1
    let m = reduce_back(g, ReduceOp::Max, ident, 1, s);
    let d = bin(g, B::Sub, ident, m);
    let e = g.add(Op::Unary(U::Exp), &[d]).unwrap();
    let se = reduce_back(g, ReduceOp::Sum, e, 1, s);
    let sm = bin(g, B::Div, e, se);
    let neg = g.add(Op::Unary(U::Neg), &[sm]).unwrap();
    let nn = g.add(Op::Unary(U::Neg), &[neg]).unwrap();
    let t = g.add(Op::Permute(vec![1, 0].into()), &[nn]).unwrap();
    g.add(Op::Permute(vec![1, 0].into()), &[t]).unwrap()
}

fn graph(blocks: usize) -> Graph {
    let s = Shape::from([256, 64]);
    let mut g = Graph::new();
    let mut x = g.input(s.clone(), DType::Float64);
    for _ in 0..blocks {
        let y = block(&mut g, x, &s);
        let w = g.input(s.clone(), DType::Float64);
        x = bin(&mut g, B::Add, y, w);
    }
    g.mark_output(x);
    g
}

fn main() {
    // an optional argument picks one policy: `opt_time strict` or `opt_time fast`
    let only = std::env::args().nth(1);
    for (name, cfg) in [("strict", OptConfig::strict()), ("fast", OptConfig::fast())] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        for blocks in [1, 4, 6, 10] {
            let g = graph(blocks);
            let (opt, report) = optimize(&g, &cfg);
            // the machine is shared: report the minimum and the median of the runs
            let runs = 50;
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(optimize(&g, &cfg));
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            times.sort_by(f64::total_cmp);
            println!(
                "{name}: {} nodes → {}: min {:.3} ms, median {:.3} ms ({runs} runs)",
                g.len(),
                opt.len(),
                times[0],
                times[runs / 2]
            );
            if blocks == 6 {
                print!("{report}");
            }
        }
    }
}
