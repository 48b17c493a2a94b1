//! Movement rules: views (reshape, permute, broadcast, slice) simplified, composed, and pushed
//! through elementwise ops. All are strict: they change which elements are computed, never
//! how any element is computed.
//!
//! * identities: reshape/broadcast to the same shape, identity permutation, full slice → `x`;
//! * composition: reshape∘reshape, permute∘permute, broadcast∘broadcast, slice∘slice → one
//!   view;
//! * slice sinking: `slice(f(x, y)) → f(slice x, slice y)` for elementwise `f`, so only the
//!   selected elements are computed (not integer `power`: its negative-exponent error depends
//!   on every element);
//! * broadcast hoisting: `u(bcast(x)) → bcast(u(x))` (also casts), `b(bcast(x), bcast(y)) →
//!   bcast(b(x', y'))` over the smaller common shape, with a constant operand re-broadcast to
//!   the small shape; `where` likewise — elementwise work shrinks to the un-broadcast size;
//! * permutation hoisting: `b(permute(x, p), permute(y, p)) → permute(b(x, y), p)`.
//!
//! Broadcasts to an empty shape are left alone (the original computes nothing, so an error the
//! smaller computation could raise, such as a negative integer power, must not appear).

use super::{cls, node, Build, Ctx, Family, Rule, Soundness};
use crate::egraph::lang::{ENode, NfOp};
use egg::Id;
use numfuse_ir::{broadcast_shapes, Shape};
use smallvec::SmallVec;

fn identities(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    let Some(&x) = n.children.first() else { return };
    if !n.op.is_movement() {
        return;
    }
    let s = &ctx.data(x).shape;
    let same = match &n.op {
        NfOp::Reshape(t) | NfOp::Broadcast(t) => t == s,
        NfOp::Permute(p) => p.iter().enumerate().all(|(i, &a)| i == a),
        NfOp::Slice(axes) => axes
            .iter()
            .zip(s.iter())
            .all(|(&(start, step, len), &d)| start == 0 && step == 1 && len == d),
        _ => false,
    };
    if same {
        out.push(cls(x));
    }
}

fn compose(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    let Some(&x) = n.children.first() else { return };
    for m in ctx.nodes(x) {
        let inner = match m.children.first() {
            Some(&i) => i,
            None => continue,
        };
        match (&n.op, &m.op) {
            (NfOp::Reshape(t), NfOp::Reshape(_)) => {
                out.push(node(NfOp::Reshape(t.clone()), vec![cls(inner)]))
            }
            (NfOp::Broadcast(t), NfOp::Broadcast(_)) => {
                out.push(node(NfOp::Broadcast(t.clone()), vec![cls(inner)]))
            }
            (NfOp::Permute(q), NfOp::Permute(p)) => {
                let pq: SmallVec<[usize; 4]> = q.iter().map(|&i| p[i]).collect();
                out.push(node(NfOp::Permute(pq), vec![cls(inner)]));
            }
            (NfOp::Slice(outer), NfOp::Slice(first)) => {
                // steps multiply, so composing cycles could grow them without bound: a step
                // over one element is irrelevant (kept 1), and a product that would overflow
                // drops the rewrite
                let axes: Option<SmallVec<_>> = outer
                    .iter()
                    .zip(first.iter())
                    .map(|(&(s2, st2, l2), &(s1, st1, _))| {
                        if l2 == 0 {
                            return Some((0, 1, 0));
                        }
                        let start = (s2 as isize).checked_mul(st1)?.checked_add(s1 as isize)?;
                        let step = if l2 == 1 { 1 } else { st2.checked_mul(st1)? };
                        Some((start.max(0) as usize, step, l2))
                    })
                    .collect();
                if let Some(axes) = axes {
                    out.push(node(NfOp::Slice(axes), vec![cls(inner)]));
                }
            }
            _ => {}
        }
    }
}

/// `(x, shape)` for every `broadcast(x)` node of class `id`, plus `(id, shape)` itself when the
/// class is a known constant (re-broadcast from a 0-d constant).
fn broadcast_sources(ctx: &Ctx, id: Id) -> Vec<(Build, Shape)> {
    let mut v: Vec<(Build, Shape)> = ctx
        .nodes(id)
        .iter()
        .filter(|m| matches!(m.op, NfOp::Broadcast(_)))
        .map(|m| (cls(m.children[0]), ctx.data(m.children[0]).shape.clone()))
        .collect();
    let d = ctx.data(id);
    if let Some(k) = d.konst {
        v.push((
            super::konst_build(k, d.dtype, &Shape::scalar()),
            Shape::scalar(),
        ));
    }
    v
}

fn rebroadcast(b: Build, from: &Shape, to: &Shape) -> Build {
    if from == to {
        b
    } else {
        node(NfOp::Broadcast(to.clone()), vec![b])
    }
}

fn hoist_broadcast(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    if !matches!(
        n.op,
        NfOp::Unary(_) | NfOp::Cast(_) | NfOp::Binary(_) | NfOp::Where
    ) {
        return;
    }
    let full = ctx.data(id).shape.clone();
    if full.size() == 0 {
        return;
    }
    match &n.op {
        NfOp::Unary(_) | NfOp::Cast(_) => {
            for m in ctx.nodes(n.children[0]) {
                if let NfOp::Broadcast(s) = &m.op {
                    let inner = node(n.op.clone(), vec![cls(m.children[0])]);
                    out.push(node(NfOp::Broadcast(s.clone()), vec![inner]));
                }
            }
        }
        NfOp::Binary(_) | NfOp::Where => {
            let srcs: Vec<Vec<(Build, Shape)>> = n
                .children
                .iter()
                .map(|&c| broadcast_sources(ctx, c))
                .collect();
            if srcs.iter().any(|s| s.is_empty()) {
                return;
            }
            // One combination: the first source of each operand (constants last).
            let picks: Vec<&(Build, Shape)> = srcs.iter().map(|s| &s[0]).collect();
            let shapes: Vec<Shape> = picks.iter().map(|p| p.1.clone()).collect();
            let Some(common) = broadcast_shapes(&shapes) else {
                return;
            };
            if common.size() >= full.size() {
                return;
            }
            let kids = picks
                .iter()
                .map(|(b, s)| rebroadcast(b.clone(), s, &common))
                .collect();
            out.push(rebroadcast(node(n.op.clone(), kids), &common, &full));
        }
        _ => {}
    }
}

fn hoist_permute(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    if !matches!(n.op, NfOp::Binary(_)) {
        return;
    }
    let perms = |c: Id| -> Vec<(SmallVec<[usize; 4]>, Id)> {
        ctx.nodes(c)
            .iter()
            .filter_map(|m| match &m.op {
                NfOp::Permute(p) => Some((p.clone(), m.children[0])),
                _ => None,
            })
            .collect()
    };
    for (p, x) in perms(n.children[0]) {
        for (q, y) in perms(n.children[1]) {
            if p == q && ctx.data(x).shape == ctx.data(y).shape {
                let inner = node(n.op.clone(), vec![cls(x), cls(y)]);
                out.push(node(NfOp::Permute(p.clone()), vec![inner]));
            }
        }
    }
}

/// `slice(f(x, …)) → f(slice(x), …)` for elementwise `f`: only the selected elements are
/// computed. Not for integer `power`, whose negative-exponent error depends on every element.
fn sink_slice(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    let NfOp::Slice(axes) = &n.op else { return };
    if ctx.data(id).shape.size() == ctx.data(n.children[0]).shape.size() {
        return;
    }
    for m in ctx.nodes(n.children[0]) {
        let elementwise = match m.op {
            NfOp::Binary(numfuse_ir::BinaryOp::Pow) => !ctx.data(m.children[0]).dtype.is_integer(),
            NfOp::Unary(_) | NfOp::Binary(_) | NfOp::Where | NfOp::Cast(_) => true,
            _ => false,
        };
        if !elementwise {
            continue;
        }
        let kids = m
            .children
            .iter()
            .map(|&k| node(NfOp::Slice(axes.clone()), vec![cls(k)]))
            .collect();
        out.push(node(m.op.clone(), kids));
    }
}

/// The movement family.
pub fn rules() -> Vec<Rule> {
    let r = |name, doc, search| Rule {
        name,
        family: Family::Movement,
        soundness: Soundness::Strict,
        doc,
        search,
    };
    vec![
        r(
            "view-identity",
            "reshape/broadcast to own shape, identity permute, full slice → x",
            identities,
        ),
        r(
            "view-compose",
            "reshape∘reshape, permute∘permute, broadcast∘broadcast, slice∘slice → one view",
            compose,
        ),
        r(
            "hoist-broadcast",
            "elementwise(broadcast…) → broadcast(elementwise on the small shape)",
            hoist_broadcast,
        ),
        r(
            "hoist-permute",
            "b(permute(x,p), permute(y,p)) → permute(b(x,y), p)",
            hoist_permute,
        ),
        r(
            "sink-slice",
            "slice(elementwise(x…)) → elementwise(slice x…) (not integer power)",
            sink_slice,
        ),
    ]
}
