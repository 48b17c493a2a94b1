//! E-graph machinery: DAG extraction against egg's tree extractor, opaque ops round-tripping,
//! the disabled mode, equal spellings extracting to one graph in fast mode, and budgets on a
//! pathological graph.

use egg::{Extractor, Id};
use numfuse_ir::{ArgReduceOp, BinaryOp as B, DType, Graph, NodeId, Op, Scalar, ScanOp, Shape};
use numfuse_ir::{ReduceOp, UnaryOp as U};
use numfuse_optimizer::egraph::convert::{load, rebuild};
use numfuse_optimizer::egraph::extract::{dag_cost, dag_extract, TreeCost};
use numfuse_optimizer::egraph::{Budget, ENode, NfOp, StopReason};
use numfuse_optimizer::{optimize, OptConfig};
use numfuse_runtime::{interp, NdArray};
use std::collections::HashMap;
use std::time::Duration;

fn f64s(g: &mut Graph, n: usize) -> NodeId {
    g.input(Shape::from([n]), DType::Float64)
}

#[test]
fn dag_extraction_pays_shared_work_once_where_tree_extraction_does_not() {
    // r1 = neg(s) + abs(s) with s = exp(x) shared; r2 = sin(cos(x)); r1 ≡ r2 (by fiat).
    let mut g = Graph::new();
    let x = f64s(&mut g, 1000);
    let s = g.add(Op::Unary(U::Exp), &[x]).unwrap();
    let n = g.add(Op::Unary(U::Neg), &[s]).unwrap();
    let a = g.add(Op::Unary(U::Abs), &[s]).unwrap();
    let r1 = g.add(Op::Binary(B::Add), &[n, a]).unwrap();
    let c = g.add(Op::Unary(U::Cos), &[x]).unwrap();
    let r2 = g.add(Op::Unary(U::Sin), &[c]).unwrap();
    g.mark_output(r1);
    let mut loaded = load(&g);
    let (c1, c2) = (loaded.node_class[r1.index()], loaded.node_class[r2.index()]);
    loaded.egraph.union(c1, c2);
    loaded.egraph.rebuild();
    let eg = &loaded.egraph;
    let root = eg.find(c1);

    let dag = dag_extract(eg);
    let tree_ex = Extractor::new(eg, TreeCost { egraph: eg });
    let tree: HashMap<Id, ENode> = eg
        .classes()
        .map(|cl| (cl.id, tree_ex.find_best_node(cl.id).clone()))
        .collect();
    assert_eq!(
        dag[&root].op,
        NfOp::Binary(B::Add),
        "DAG picks the shared form"
    );
    assert_eq!(
        tree[&root].op,
        NfOp::Unary(U::Sin),
        "tree extraction double-counts exp"
    );
    let (dc, tc) = (
        dag_cost(eg, &dag, &[root]).unwrap(),
        dag_cost(eg, &tree, &[root]).unwrap(),
    );
    assert!(dc < tc, "dag {dc} tree {tc}");
    let out = rebuild(eg, &dag, &[root], &HashMap::new(), false).unwrap();
    assert_eq!(out.len(), 5); // x, exp, neg, abs, add
}

#[test]
fn dag_extraction_is_never_worse_than_tree_extraction_on_shared_graphs() {
    // a chain where every value is used twice
    let mut g = Graph::new();
    let mut v = f64s(&mut g, 64);
    for k in 0..30 {
        let u = g
            .add(Op::Unary(if k % 2 == 0 { U::Exp } else { U::Neg }), &[v])
            .unwrap();
        v = g.add(Op::Binary(B::Mul), &[u, u]).unwrap();
    }
    g.mark_output(v);
    let (opt, report) = optimize(&g, &OptConfig::fast());
    let loaded = load(&opt);
    let eg = &loaded.egraph;
    let dag = dag_extract(eg);
    let tree_ex = Extractor::new(eg, TreeCost { egraph: eg });
    let tree: HashMap<Id, ENode> = eg
        .classes()
        .map(|cl| (cl.id, tree_ex.find_best_node(cl.id).clone()))
        .collect();
    let roots = &loaded.outputs;
    assert!(dag_cost(eg, &dag, roots).unwrap() <= dag_cost(eg, &tree, roots).unwrap());
    assert!(report.nodes.1 <= g.len());
}

#[test]
fn unmodeled_ops_round_trip_as_opaque_nodes() {
    let mut g = Graph::new();
    let x = g.input(Shape::from([3, 4]), DType::Float64);
    let i = g
        .add(
            Op::Iota {
                shape: Shape::from([3, 4]),
                axis: 1,
            },
            &[],
        )
        .unwrap();
    let cs = g
        .add(
            Op::Scan {
                op: ScanOp::CumSum,
                axis: 1,
            },
            &[x],
        )
        .unwrap();
    let am = g
        .add(
            Op::ArgReduce {
                op: ArgReduceOp::ArgMax,
                axis: 0,
            },
            &[cs],
        )
        .unwrap();
    let d = g.add(Op::Diagonal { offset: 1 }, &[x]).unwrap();
    let cp = g.add(Op::Copy, &[d]).unwrap();
    let fi = g.add(Op::Cast(DType::Float64), &[i]).unwrap();
    let s = g.add(Op::Binary(B::Add), &[fi, x]).unwrap();
    for o in [am, cp, s] {
        g.mark_output(o);
    }
    let loaded = load(&g);
    let choice = dag_extract(&loaded.egraph);
    let back = rebuild(
        &loaded.egraph,
        &choice,
        &loaded.outputs,
        &HashMap::new(),
        false,
    );
    let back = back.unwrap();
    back.verify().unwrap();
    assert_eq!(back.len(), g.len());
    let x = NdArray::from_vec([3, 4], (0..12).map(|v| (v as f64 * 0.7).sin()).collect()).unwrap();
    let want = interp::eval(&g, std::slice::from_ref(&x)).unwrap();
    let got = interp::eval(&back, std::slice::from_ref(&x)).unwrap();
    for (w, o) in want.iter().zip(&got) {
        assert_eq!(w.to_string(), o.to_string());
    }
    let (opt, report) = optimize(&g, &OptConfig::strict());
    assert_eq!(opt.to_text(), g.to_text());
    assert!(report.kept_input);
}

#[test]
fn disabled_returns_the_graph_unchanged() {
    let mut g = Graph::new();
    let x = f64s(&mut g, 8);
    let n = g.add(Op::Unary(U::Neg), &[x]).unwrap();
    let nn = g.add(Op::Unary(U::Neg), &[n]).unwrap();
    g.mark_output(nn);
    let (same, report) = optimize(&g, &OptConfig::disabled());
    assert_eq!(same.to_text(), g.to_text());
    assert!(report.saturation.is_none() && report.kept_input);
    let (opt, _) = optimize(&g, &OptConfig::strict());
    assert_eq!(opt.len(), 1, "-(-x) → x\n{opt}");
}

fn lerp(spelling: u8) -> Graph {
    let mut g = Graph::new();
    let sh = Shape::from([100]);
    let a = f64s(&mut g, 100);
    let b = f64s(&mut g, 100);
    let w = f64s(&mut g, 100);
    let r = if spelling == 0 {
        let d = g.add(Op::Binary(B::Sub), &[b, a]).unwrap();
        let m = g.add(Op::Binary(B::Mul), &[d, w]).unwrap();
        g.add(Op::Binary(B::Add), &[a, m]).unwrap()
    } else {
        let one = g.add(
            Op::Const {
                value: Scalar::float(1.0),
                dtype: DType::Float64,
            },
            &[],
        );
        let ones = g.add(Op::Broadcast(sh), &[one.unwrap()]).unwrap();
        let omw = g.add(Op::Binary(B::Sub), &[ones, w]).unwrap();
        let l = g.add(Op::Binary(B::Mul), &[a, omw]).unwrap();
        let r = g.add(Op::Binary(B::Mul), &[b, w]).unwrap();
        g.add(Op::Binary(B::Add), &[l, r]).unwrap()
    };
    g.mark_output(r);
    g
}

#[test]
fn equal_spellings_extract_to_one_graph_in_fast_mode() {
    let (x, _) = optimize(&lerp(0), &OptConfig::fast());
    let (y, report) = optimize(&lerp(1), &OptConfig::fast());
    assert_eq!(x.to_text(), y.to_text(), "{report}");
    assert_eq!(y.len(), 6, "a + (b − a)·w: 3 inputs, 3 ops\n{y}");
    // strict mode keeps NumPy's rounding: the second spelling stays as written
    let (z, _) = optimize(&lerp(1), &OptConfig::strict());
    assert_eq!(z.to_text(), lerp(1).to_text());
}

#[test]
fn pathological_commutative_sums_stop_within_budget_and_say_so() {
    // 300 commutative additions of products sharing a factor, plus a product of 12 sums:
    // commutativity, reassociation, distribution and factoring rewrite this in exponentially
    // many ways.
    let mut g = Graph::new();
    let w = f64s(&mut g, 16);
    let mut acc = f64s(&mut g, 16);
    for _ in 0..300 {
        let x = f64s(&mut g, 16);
        let m = g.add(Op::Binary(B::Mul), &[x, w]).unwrap();
        let s = g.add(Op::Binary(B::Sub), &[m, acc]).unwrap();
        acc = g.add(Op::Binary(B::Add), &[s, m]).unwrap();
    }
    let mut prod = w;
    for _ in 0..12 {
        let (a, b) = (f64s(&mut g, 16), f64s(&mut g, 16));
        let s = g.add(Op::Binary(B::Add), &[a, b]).unwrap();
        prod = g.add(Op::Binary(B::Mul), &[prod, s]).unwrap();
    }
    acc = g.add(Op::Binary(B::Add), &[acc, prod]).unwrap();
    let total = g
        .add(
            Op::Reduce {
                op: ReduceOp::Sum,
                axes: vec![0].into(),
            },
            &[acc],
        )
        .unwrap();
    g.mark_output(total);
    let budget = Budget {
        node_limit: 5_000,
        iter_limit: 50,
        time_limit: Duration::from_millis(200),
    };
    let cfg = OptConfig {
        budget,
        ..OptConfig::fast()
    };
    let (opt, report) = optimize(&g, &cfg);
    let sat = report.saturation.as_ref().unwrap();
    println!("{report}");
    assert_ne!(sat.stop, StopReason::Saturated, "{report}");
    assert!(
        sat.enodes.1 <= budget.node_limit + 16,
        "node limit overshoot: {report}"
    );
    // generous: the budget is checked after every rule and every 64 applications
    assert!(report.time < Duration::from_secs(5), "{report}");
    assert!(report.to_string().contains(&format!("stop: {}", sat.stop)));
    opt.verify().unwrap();
}

#[test]
fn adding_zero_is_kept_in_strict_mode_and_removed_in_fast_mode() {
    // −0.0 + 0.0 = +0.0, so x + 0 → x is not bitwise; x − 0 → x and x + (−0) → x are.
    let build = |v: f64, b: B| {
        let mut g = Graph::new();
        let x = f64s(&mut g, 4);
        let z = g.add(
            Op::Const {
                value: Scalar::float(v),
                dtype: DType::Float64,
            },
            &[],
        );
        let zs = g
            .add(Op::Broadcast(Shape::from([4])), &[z.unwrap()])
            .unwrap();
        let y = g.add(Op::Binary(b), &[x, zs]).unwrap();
        g.mark_output(y);
        g
    };
    let len = |g: &Graph, cfg: &OptConfig| optimize(g, cfg).0.len();
    assert_eq!(len(&build(0.0, B::Add), &OptConfig::strict()), 4);
    assert_eq!(len(&build(0.0, B::Add), &OptConfig::fast()), 1);
    assert_eq!(len(&build(-0.0, B::Add), &OptConfig::strict()), 1);
    assert_eq!(len(&build(0.0, B::Sub), &OptConfig::strict()), 1);
    assert_eq!(len(&build(-0.0, B::Sub), &OptConfig::strict()), 4);
}
