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

/// `(a @ b) @ c → a @ (b @ c)`.
fn to_right(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    if n.op != NfOp::MatMul || !reassociable(ctx, id) {
        return;
    }
    let (ab, c) = (n.children[0], n.children[1]);
    for m in ctx.nodes(ab) {
        if m.op == NfOp::MatMul {
            let (a, b) = (m.children[0], m.children[1]);
            out.push(matmul(cls(a), matmul(cls(b), cls(c))));
        }
    }
}

/// `a @ (b @ c) → (a @ b) @ c`.
fn to_left(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    if n.op != NfOp::MatMul || !reassociable(ctx, id) {
        return;
    }
    let (a, bc) = (n.children[0], n.children[1]);
    for m in ctx.nodes(bc) {
        if m.op == NfOp::MatMul {
            let (b, c) = (m.children[0], m.children[1]);
            out.push(matmul(matmul(cls(a), cls(b)), cls(c)));
        }
    }
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
