//! The memory plan: in place only where every access is same-index, reuse of dead buffers of
//! the same dtype and length, never for graph inputs, outputs or live values.

use numfuse_ir::{BinaryOp, DType, Graph, Node, NodeId, Op, Scalar, Shape, SliceAxis, UnaryOp};
use numfuse_optimizer::memplan::{plan, Placement};
use numfuse_optimizer::{find_segments, schedule};

/// The JIT compiles everything but `exp` (a library step: its result is a real buffer).
fn jit(n: &Node, _: &Graph) -> bool {
    !matches!(n.op, Op::Unary(UnaryOp::Exp))
}

fn f64c(g: &mut Graph, v: f64, shape: &Shape) -> NodeId {
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

fn bin(g: &mut Graph, op: BinaryOp, a: NodeId, b: NodeId) -> NodeId {
    g.add(Op::Binary(op), &[a, b]).unwrap()
}

fn placement_of(g: &Graph, x: NodeId) -> Placement {
    let s = schedule(g, &jit);
    let p = plan(g, &s);
    p.placement(x).cloned().expect("x is produced")
}

#[test]
fn same_index_elementwise_writes_in_place() {
    let mut g = Graph::new();
    let shape = Shape::from([1000]);
    let x = g.input(shape.clone(), DType::Float64);
    let t = g.add(Op::Unary(UnaryOp::Exp), &[x]).unwrap();
    let two = f64c(&mut g, 2.0, &shape);
    let y = bin(&mut g, BinaryOp::Mul, t, two);
    g.mark_output(y);
    assert_eq!(placement_of(&g, y), Placement::InPlace(t));
}

#[test]
fn unsafe_aliases_are_refused() {
    // transposed, reversed, and broadcast reads of the dying buffer; a graph input
    let sq = Shape::from([30, 30]);
    let mut g = Graph::new();
    let x = g.input(sq.clone(), DType::Float64);
    let t = g.add(Op::Unary(UnaryOp::Exp), &[x]).unwrap();
    let tt = g
        .add(Op::Permute([1, 0].into_iter().collect()), &[t])
        .unwrap();
    let one = f64c(&mut g, 1.0, &sq);
    let y = bin(&mut g, BinaryOp::Add, tt, one);
    g.mark_output(y);
    assert!(
        matches!(placement_of(&g, y), Placement::Fresh(_)),
        "transposed"
    );

    let mut g = Graph::new();
    let v = Shape::from([100]);
    let x = g.input(v.clone(), DType::Float64);
    let t = g.add(Op::Unary(UnaryOp::Exp), &[x]).unwrap();
    let rev = SliceAxis {
        start: 99,
        step: -1,
        len: 100,
    };
    let tr = g.add(Op::Slice([rev].into_iter().collect()), &[t]).unwrap();
    let y = bin(&mut g, BinaryOp::Add, tr, t);
    g.mark_output(y);
    assert!(
        matches!(placement_of(&g, y), Placement::Fresh(_)),
        "reversed"
    );

    let mut g = Graph::new();
    let x = g.input(Shape::from([4, 1]), DType::Float64);
    let z = g.input(Shape::from([4, 5]), DType::Float64);
    let t = g.add(Op::Unary(UnaryOp::Exp), &[x]).unwrap();
    let tb = g.add(Op::Broadcast(Shape::from([4, 5])), &[t]).unwrap();
    let y = bin(&mut g, BinaryOp::Mul, tb, z);
    g.mark_output(y);
    assert!(
        matches!(placement_of(&g, y), Placement::Fresh(_)),
        "broadcast"
    );

    let mut g = Graph::new();
    let x = g.input(v.clone(), DType::Float64);
    let two = f64c(&mut g, 2.0, &v);
    let y = bin(&mut g, BinaryOp::Mul, x, two);
    g.mark_output(y);
    assert!(
        matches!(placement_of(&g, y), Placement::Fresh(_)),
        "graph input"
    );
}

#[test]
fn live_values_are_not_overwritten_and_dead_ones_are_reused() {
    let mut g = Graph::new();
    let v = Shape::from([100]);
    let x = g.input(v.clone(), DType::Float64);
    let t = g.add(Op::Unary(UnaryOp::Exp), &[x]).unwrap();
    let two = f64c(&mut g, 2.0, &v);
    // a = t*2 while t is still needed by the library step below: not in place
    let a = bin(&mut g, BinaryOp::Mul, t, two);
    let e = g.add(Op::Unary(UnaryOp::Exp), &[a]).unwrap();
    let b = bin(&mut g, BinaryOp::Add, e, t);
    // a reversed read of b: not in place, but `a` is dead by now and has b's dtype and length
    let rev = SliceAxis {
        start: 99,
        step: -1,
        len: 100,
    };
    let br = g.add(Op::Slice([rev].into_iter().collect()), &[b]).unwrap();
    let y = bin(&mut g, BinaryOp::Sub, br, b);
    g.mark_output(y);
    let mut s = schedule(&g, &jit);
    s.segments = find_segments(&g, &s, &|_| false);
    let p = plan(&g, &s);
    let text = p.to_text(&g);
    assert!(
        matches!(p.placement(a), Some(Placement::Fresh(_))),
        "{text}"
    );
    assert_eq!(p.placement(b), Some(&Placement::InPlace(e)), "{text}");
    assert_eq!(p.placement(y), Some(&Placement::Reuse(a)), "{text}");
    assert!(p.peak_with_plan < p.peak_without_plan, "{text}");
}
