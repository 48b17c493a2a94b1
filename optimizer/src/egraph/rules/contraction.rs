//! Contraction rules: matmul chains reassociated so extraction can pick the cheapest order.
//!
//! * `(a @ b) @ c → a @ (b @ c)` and `a @ (b @ c) → (a @ b) @ c` — fast mode, float and
//!   complex dtypes (a different order rounds differently; NumPy evaluates `@` left to right,
//!   so strict mode keeps the order as written).
//!
//! Associativity alone (no commutativity, which matmul does not have) is bounded: a chain of
//! `n` products has `O(n³)` e-nodes for all of its Catalan-many bracketings, one class per
//! contiguous sub-chain. The cost model prices a matmul at its FLOPs plus elements moved
//! (see [`crate::egraph::extract`]), so extraction over those classes is the matrix-chain
//! dynamic program: the extracted order is the optimal one. Batched operands work unchanged
//! (shapes are re-inferred for every proposal, and a product of unbatched operands is paid
//! once for the whole batch).

use super::{cls, node, Build, Ctx, Family, Rule, Soundness};
use crate::egraph::lang::{ENode, NfOp};
use egg::Id;

fn reassociable(ctx: &Ctx, id: Id) -> bool {
    let d = ctx.data(id).dtype;
    !(d.is_integer() || d.is_bool()) && ctx.allows(Soundness::Fast, d)
}

fn matmul(a: Build, b: Build) -> Build {
    node(NfOp::MatMul, vec![a, b])
}

/// `(a @ b) @ c → a @ (b @ c)` when `from_left`, else `a @ (b @ c) → (a @ b) @ c`.
fn rotate(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>, from_left: bool) {
    if n.op != NfOp::MatMul || !reassociable(ctx, id) {
        return;
    }
    let (inner, outer) = if from_left {
        (n.children[0], n.children[1])
    } else {
        (n.children[1], n.children[0])
    };
    for m in ctx.nodes(inner) {
        if m.op != NfOp::MatMul {
            continue;
        }
        let (x, y) = (cls(m.children[0]), cls(m.children[1]));
        out.push(if from_left {
            matmul(x, matmul(y, cls(outer)))
        } else {
            matmul(matmul(cls(outer), x), y)
        });
    }
}

fn to_right(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    rotate(ctx, id, n, out, true);
}

fn to_left(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    rotate(ctx, id, n, out, false);
}

/// The contraction family.
pub fn rules() -> Vec<Rule> {
    vec![
        Rule {
            name: "matmul-assoc-right",
            family: Family::Contraction,
            soundness: Soundness::Fast,
            doc: "(a@b)@c → a@(b@c) (float, fast)",
            search: to_right,
        },
        Rule {
            name: "matmul-assoc-left",
            family: Family::Contraction,
            soundness: Soundness::Fast,
            doc: "a@(b@c) → (a@b)@c (float, fast)",
            search: to_left,
        },
    ]
}
