//! Algebra and canonicalization rules.
//!
//! Strict (bitwise) rules: `x·1 → x`, `x/1 → x`, `x − (+0) → x`, `x + (−0) → x`, `−(−x) → x`,
//! `¬¬x → x` (boolean x), `|−x| → |x|` (signed x), `||x|| → |x|`, `cast(x, dtype(x)) → x`,
//! `cast(cast(x, T₁), T₂) → cast(x, T₂)` when `x → T₁` is exact and `x → T₂` is exact or goes
//! to a float, complex or bool type, `where(const c, x, x) → x`,
//! and constant folding (a class whose elements are one known constant, computed or a view of a
//! constant, gets that constant as `broadcast(const)`).
//! `x + 0 → x` is *not* strict for floats (`−0 + 0 = +0`); it is strict on integers.
//!
//! Integer-strict / float-fast rules (exact in wrapping integer arithmetic, a rounding change
//! in floats): distribution `x·(y ± z) → x·y ± x·z`, factoring `x·z ± y·z → (x ± y)·z`, the
//! bounded reassociation `(x − y) + z → x + (z − y)` and commutativity of `+` and `·`. There is
//! no general associativity rule, so `+`/`·` never get unbounded AC together (and every run is
//! budgeted anyway).

use super::{cls, konst_build, node, Build, Ctx, Family, Rule, Soundness};
use crate::egraph::lang::{ENode, NfOp};
use egg::Id;
use numfuse_ir::{BinaryOp as B, DType, UnaryOp as U};

fn real(d: DType) -> bool {
    !d.is_complex()
}

fn bin(b: B, x: Build, y: Build) -> Build {
    node(NfOp::Binary(b), vec![x, y])
}

/// Children of `id`'s nodes that are `Binary(b)`.
fn binaries(ctx: &Ctx, id: Id, b: B) -> Vec<(Id, Id)> {
    ctx.nodes(id)
        .iter()
        .filter(|n| n.op == NfOp::Binary(b))
        .map(|n| (n.children[0], n.children[1]))
        .collect()
}

fn unaries(ctx: &Ctx, id: Id, u: U) -> Vec<Id> {
    ctx.nodes(id)
        .iter()
        .filter(|n| n.op == NfOp::Unary(u))
        .map(|n| n.children[0])
        .collect()
}

fn identity(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    let NfOp::Binary(b) = n.op else { return };
    let (x, y) = (n.children[0], n.children[1]);
    let d = ctx.data(x).dtype;
    if !real(d) {
        return;
    }
    let float = d.is_float();
    let push = |c: bool, v: Id, out: &mut Vec<Build>| {
        if c {
            out.push(cls(v));
        }
    };
    match b {
        B::Mul => {
            push(ctx.is_value(y, 1.0), x, out);
            push(ctx.is_value(x, 1.0), y, out);
        }
        B::Div => push(float && ctx.is_value(y, 1.0), x, out),
        B::Sub => push(ctx.is_value(y, 0.0), x, out),
        B::Add if float => {
            push(ctx.is_value(y, -0.0), x, out);
            push(ctx.is_value(x, -0.0), y, out);
        }
        B::Add if d.is_integer() => {
            push(ctx.is_value(y, 0.0), x, out);
            push(ctx.is_value(x, 0.0), y, out);
        }
        _ => {}
    }
}

fn add_zero_fast(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    if n.op != NfOp::Binary(B::Add) || !ctx.data(n.children[0]).dtype.is_float() {
        return;
    }
    let (x, y) = (n.children[0], n.children[1]);
    if ctx.is_value(y, 0.0) {
        out.push(cls(x));
    }
    if ctx.is_value(x, 0.0) {
        out.push(cls(y));
    }
}

fn involution(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    match n.op {
        NfOp::Unary(U::Neg) => {
            out.extend(unaries(ctx, n.children[0], U::Neg).into_iter().map(cls));
        }
        NfOp::Unary(U::LogicalNot) => {
            // ¬¬x → x only for boolean x (¬¬5 is True, not 5)
            out.extend(
                unaries(ctx, n.children[0], U::LogicalNot)
                    .into_iter()
                    .filter(|&x| ctx.data(x).dtype.is_bool())
                    .map(cls),
            );
        }
        NfOp::Unary(U::Abs) if real(ctx.data(n.children[0]).dtype) => {
            // |−x| = |x| needs a signed type: for unsigned x, −x wraps and abs is the identity
            let d = ctx.data(n.children[0]).dtype;
            let signed = d.is_float() || d.is_signed_integer();
            let inners: &[U] = if signed { &[U::Neg, U::Abs] } else { &[U::Abs] };
            for &inner in inners {
                for x in unaries(ctx, n.children[0], inner) {
                    out.push(node(NfOp::Unary(U::Abs), vec![cls(x)]));
                }
            }
        }
        _ => {}
    }
}

/// `from → to` keeps every value exactly (so a following cast sees the same number).
pub fn exact_cast(from: DType, to: DType) -> bool {
    if from.is_complex() || !from.can_cast_safely(to) {
        return false;
    }
    let mantissa = match to {
        DType::Float16 => 11,
        DType::Float32 | DType::Complex64 => 24,
        DType::Float64 | DType::Complex128 => 53,
        _ => return true,
    };
    !(from.is_integer() && from.bits() > mantissa)
}

fn casts(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    let NfOp::Cast(to) = n.op else { return };
    let x = n.children[0];
    if ctx.data(x).dtype == to {
        out.push(cls(x));
    }
    for m in ctx.nodes(x) {
        let NfOp::Cast(mid) = m.op else { continue };
        let inner = m.children[0];
        let from = ctx.data(inner).dtype;
        // the middle value is the original one; the outer cast then gives the same result
        // as a direct cast when the direct cast is exact too, or rounds by value (to a float
        // or complex type) or tests by value (to bool) — never for float → int, whose
        // out-of-range results differ from int → int wrapping
        let same = exact_cast(from, to) || to.is_inexact() || to.is_bool();
        if exact_cast(from, mid) && same {
            out.push(node(NfOp::Cast(to), vec![cls(inner)]));
        }
    }
}

fn selects(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    if n.op != NfOp::Where {
        return;
    }
    let (c, a, b) = (n.children[0], n.children[1], n.children[2]);
    // `where(const c, a, b)` is not folded, and `where(c, x, x)` only when `c` cannot raise:
    // NumPy evaluates the condition and both branches, so dropping one would drop its
    // data-dependent errors (a negative integer power)
    if ctx.eg.find(a) == ctx.eg.find(b) && ctx.data(c).konst.is_some() {
        out.push(cls(a));
    }
}

fn fold_constant(ctx: &Ctx, id: Id, n: &ENode, out: &mut Vec<Build>) {
    if matches!(n.op, NfOp::Const(..) | NfOp::Input(_) | NfOp::Broadcast(_)) {
        return; // broadcast(const) is the folded form itself
    }
    let d = ctx.data(id);
    if let Some(k) = d.konst {
        out.push(konst_build(k, d.dtype, &d.shape));
    }
}

fn distribute(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    if n.op != NfOp::Binary(B::Mul) || !ctx.allows(Soundness::IntStrictFloatFast, dtype(ctx, n)) {
        return;
    }
    let (x, y) = (n.children[0], n.children[1]);
    for b in [B::Add, B::Sub] {
        for (p, q) in binaries(ctx, y, b) {
            let (xp, xq) = (bin(B::Mul, cls(x), cls(p)), bin(B::Mul, cls(x), cls(q)));
            out.push(bin(b, xp, xq));
        }
        for (p, q) in binaries(ctx, x, b) {
            let (py, qy) = (bin(B::Mul, cls(p), cls(y)), bin(B::Mul, cls(q), cls(y)));
            out.push(bin(b, py, qy));
        }
    }
}

fn dtype(ctx: &Ctx, n: &ENode) -> DType {
    ctx.data(n.children[0]).dtype
}

fn factor(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    let NfOp::Binary(b @ (B::Add | B::Sub)) = n.op else {
        return;
    };
    if !ctx.allows(Soundness::IntStrictFloatFast, dtype(ctx, n)) || dtype(ctx, n).is_bool() {
        return;
    }
    let eq = |a: Id, b: Id| ctx.eg.find(a) == ctx.eg.find(b);
    for (x, z) in binaries(ctx, n.children[0], B::Mul) {
        for (y, w) in binaries(ctx, n.children[1], B::Mul) {
            if eq(z, w) {
                out.push(bin(B::Mul, bin(b, cls(x), cls(y)), cls(z)));
            } else if eq(x, y) {
                out.push(bin(B::Mul, cls(x), bin(b, cls(z), cls(w))));
            }
        }
    }
}

fn reassociate(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    if n.op != NfOp::Binary(B::Add) || !ctx.allows(Soundness::IntStrictFloatFast, dtype(ctx, n)) {
        return;
    }
    let z = n.children[1];
    for (x, y) in binaries(ctx, n.children[0], B::Sub) {
        out.push(bin(B::Add, cls(x), bin(B::Sub, cls(z), cls(y))));
    }
}

fn commute(ctx: &Ctx, _: Id, n: &ENode, out: &mut Vec<Build>) {
    let NfOp::Binary(b @ (B::Add | B::Mul)) = n.op else {
        return;
    };
    if !real(dtype(ctx, n)) || !ctx.allows(Soundness::IntStrictFloatFast, dtype(ctx, n)) {
        return;
    }
    out.push(bin(b, cls(n.children[1]), cls(n.children[0])));
}

/// The algebra family.
pub fn rules() -> Vec<Rule> {
    let r = |name, soundness, doc, search| Rule {
        name,
        family: Family::Algebra,
        soundness,
        doc,
        search,
    };
    vec![
        r(
            "identity",
            Soundness::Strict,
            "x*1, 1*x, x/1, x-(+0), x+(-0), int x+0 → x",
            identity,
        ),
        r(
            "add-zero",
            Soundness::Fast,
            "float x+0 → x (−0+0 = +0)",
            add_zero_fast,
        ),
        r(
            "involution",
            Soundness::Strict,
            "-(-x) → x, !!x → x, |−x|,||x|| → |x|",
            involution,
        ),
        r(
            "cast",
            Soundness::Strict,
            "cast(x,dtype x) → x; cast(cast(x,T1),T2) → cast(x,T2) if x→T1 exact and x→T2 exact or by value",
            casts,
        ),
        r(
            "where",
            Soundness::Strict,
            "where(const c,x,x) → x (never drops a subgraph that could raise)",
            selects,
        ),
        r(
            "fold",
            Soundness::Strict,
            "constant-valued class (also views of constants) → broadcast(const)",
            fold_constant,
        ),
        r(
            "distribute",
            Soundness::IntStrictFloatFast,
            "x*(y±z) → x*y ± x*z",
            distribute,
        ),
        r(
            "factor",
            Soundness::IntStrictFloatFast,
            "x*z ± y*z → (x±y)*z; x*y ± x*z → x*(y±z)",
            factor,
        ),
        r(
            "reassociate",
            Soundness::IntStrictFloatFast,
            "(x-y)+z → x+(z-y)",
            reassociate,
        ),
        r(
            "commute",
            Soundness::IntStrictFloatFast,
            "x+y → y+x, x*y → y*x",
            commute,
        ),
    ]
}
