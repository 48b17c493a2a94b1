//! Reduction rules.
//!
//! * `max/min/any/all(broadcast(x))` over broadcast-only axes → `broadcast(x)` without those
//!   axes — strict (the reduced elements are copies of one value);
//! * `sum(broadcast(x))` over broadcast-only axes → `broadcast(x) · n` — exact on integers
//!   (wrapping), a rounding change on floats (fast mode);
//! * `sum(c · x) → c · sum(x)` for a constant `c`, and `sum(−x) → −sum(x)` — exact on integers,
//!   fast mode on floats (the product is rounded once instead of per element; an empty float
//!   sum is +0 while its negation is −0).

use super::{cls, konst_build, node, Build, Ctx, Family, Rule, Soundness};
use crate::egraph::fold::Konst;
use crate::egraph::lang::{ENode, NfOp};
use egg::Id;
use numfuse_ir::{BinaryOp as B, ReduceOp as R, Shape, UnaryOp as U};
use smallvec::SmallVec;

/// For `reduce(broadcast(x → full), axes)`: the shape of `x` without the reduced axes (when
/// every reduced axis is a broadcast axis of `x`) and the number of copies reduced.
fn broadcast_only(x: &Shape, full: &Shape, axes: &[usize]) -> Option<(Shape, usize)> {
    let off = full.ndim().checked_sub(x.ndim())?;
    let mut kept: SmallVec<[usize; 4]> = SmallVec::new();
    for (j, &d) in x.iter().enumerate() {
        let i = j + off;
        if axes.contains(&i) {
            if d != 1 {
                return None;
            }
        } else {
            kept.push(d);
        }
    }
    let n = axes.iter().map(|&a| full[a]).product();
    Some((Shape(kept), n))
}

fn of_broadcast(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    let NfOp::Reduce(r, axes) = &n.op else { return };
    let full = ctx.data(n.children[0]).shape.clone();
    let res = ctx.data(id);
    for m in ctx.nodes(n.children[0]) {
        let NfOp::Broadcast(_) = m.op else { continue };
        let x = m.children[0];
        let xs = &ctx.data(x).shape;
        let Some((kept, count)) = broadcast_only(xs, &full, axes) else {
            continue;
        };
        if count == 0 {
            continue;
        }
        let mut v = cls(x);
        if &kept != xs {
            v = node(NfOp::Reshape(kept.clone()), vec![v]);
        }
        if kept != res.shape {
            v = node(NfOp::Broadcast(res.shape.clone()), vec![v]);
        }
        match r {
            R::Max | R::Min | R::Any | R::All if res.dtype == ctx.data(x).dtype => out.push(v),
            R::Sum if ctx.allows(Soundness::IntStrictFloatFast, res.dtype) => {
                let k = if res.dtype.is_float() {
                    Konst::Float(count as f64)
                } else if res.dtype.is_integer() {
                    Konst::Int(count as i64)
                } else {
                    continue;
                };
                if res.dtype == numfuse_ir::DType::Float16 {
                    continue;
                }
                let c = konst_build(k, res.dtype, &res.shape);
                out.push(node(NfOp::Binary(B::Mul), vec![v, c]));
            }
            _ => {}
        }
    }
}

fn scaled(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    let NfOp::Reduce(R::Sum, axes) = &n.op else {
        return;
    };
    let res = ctx.data(id);
    if !(res.dtype.is_float() || res.dtype.is_integer())
        || !ctx.allows(Soundness::IntStrictFloatFast, res.dtype)
    {
        return;
    }
    let sum = |x: Id| node(NfOp::Reduce(R::Sum, axes.clone()), vec![cls(x)]);
    for m in ctx.nodes(n.children[0]) {
        match m.op {
            NfOp::Binary(B::Mul) => {
                let (a, b) = (m.children[0], m.children[1]);
                for (c, x) in [(a, b), (b, a)] {
                    if let Some(k) = ctx.data(c).konst {
                        let kb = konst_build(k, res.dtype, &res.shape);
                        out.push(node(NfOp::Binary(B::Mul), vec![sum(x), kb]));
                    }
                }
            }
            NfOp::Unary(U::Neg) => {
                out.push(node(NfOp::Unary(U::Neg), vec![sum(m.children[0])]));
            }
            _ => {}
        }
    }
}

/// The reduction family.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            name: "reduce-broadcast",
            family: Family::Reduction,
            soundness: Soundness::IntStrictFloatFast,
            doc:
                "max/min/any/all(bcast x) → x (strict); sum(bcast x) → x·n (int strict, float fast)",
            search: of_broadcast,
        },
        Rule {
            name: "sum-scaled",
            family: Family::Reduction,
            soundness: Soundness::IntStrictFloatFast,
            doc: "sum(c·x) → c·sum(x), sum(−x) → −sum(x)",
            search: scaled,
        },
    ]
}
