//! Rewrite rules: one file per family, every rule directional and tagged with the mode it is
//! sound in ([`Soundness`]).
//!
//! A rule is a plain function that looks at one e-node of one e-class (and, through the
//! e-graph, at the nodes of its operands' classes) and proposes equivalent expressions as
//! [`Build`] trees. The runner ([`super::runner`]) type-checks every proposal before adding it
//! and unions it with the matched class. Writing matchers in Rust instead of egg's pattern
//! language keeps attributes (axes, shapes, constants) out of pattern variables and lets every
//! rule check dtypes and shapes exactly.

pub mod algebra;
pub mod contraction;
pub mod movement;
pub mod reduction;

use super::analysis::{ClassData, NfEGraph};
use super::fold::{scalar_of, Konst};
use super::lang::{ENode, NfOp, ScalarKey};
use egg::Id;
use numfuse_ir::{DType, Shape};
use std::fmt;

/// The floating-point policy of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Only rewrites that keep NumPy's results bit for bit.
    Strict,
    /// Also reassociation, distribution and reordered reductions (results within rounding).
    Fast,
}

/// Where a rule is sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soundness {
    /// Bitwise exact for every dtype it matches: runs in both modes.
    Strict,
    /// Exact on integers (wrapping arithmetic is a ring), changes float rounding: runs in
    /// strict mode on integer dtypes only, in fast mode on all.
    IntStrictFloatFast,
    /// Changes results within rounding (or signed zeros): fast mode only.
    Fast,
}

/// A rule family (one file each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Identities, negation, constant folding, casts, fast-mode reassociation/distribution.
    Algebra,
    /// Broadcast/reshape/transpose/slice simplification and pushing through elementwise ops.
    Movement,
    /// Reductions of broadcasts, of scaled and negated values.
    Reduction,
    /// Matmul chains reassociated (fast mode), so extraction picks the cheapest order.
    Contraction,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 4] = [
        Family::Algebra,
        Family::Movement,
        Family::Reduction,
        Family::Contraction,
    ];
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Algebra => "algebra",
            Family::Movement => "movement",
            Family::Reduction => "reduction",
            Family::Contraction => "contraction",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An expression to add: an existing class or an op over sub-expressions.
#[derive(Clone, Debug)]
pub enum Build {
    /// An existing e-class.
    Class(Id),
    /// A new node.
    Node(NfOp, Vec<Build>),
}

/// What a rule sees: the e-graph and the mode.
pub struct Ctx<'a> {
    /// The e-graph (read-only while searching).
    pub eg: &'a NfEGraph,
    /// The run's mode.
    pub mode: Mode,
}

impl Ctx<'_> {
    /// Class data.
    pub fn data(&self, id: Id) -> &ClassData {
        &self.eg[id].data
    }
    /// The nodes of a class.
    pub fn nodes(&self, id: Id) -> &[ENode] {
        &self.eg[id].nodes
    }
    /// True when a rule of this soundness may rewrite values of dtype `d` in this mode.
    pub fn allows(&self, s: Soundness, d: DType) -> bool {
        match s {
            Soundness::Strict => true,
            Soundness::Fast => self.mode == Mode::Fast,
            Soundness::IntStrictFloatFast => {
                self.mode == Mode::Fast || d.is_integer() || d.is_bool()
            }
        }
    }
    /// True when every element of `id` is the constant `v` (floats compared with their sign:
    /// `0.0` does not match `-0.0`).
    pub fn is_value(&self, id: Id, v: f64) -> bool {
        match self.data(id).konst {
            Some(Konst::Float(x)) => x == v && x.is_sign_negative() == v.is_sign_negative(),
            Some(Konst::Int(i)) => i as f64 == v,
            Some(Konst::Bool(b)) => (b as u8) as f64 == v,
            None => false,
        }
    }
}

/// A rule: a name, a family, where it is sound, a one-line doc and its matcher.
pub struct Rule {
    /// Unique name (reported).
    pub name: &'static str,
    /// Its family.
    pub family: Family,
    /// Where it is sound.
    pub soundness: Soundness,
    /// What it does, as `lhs → rhs (condition)`.
    pub doc: &'static str,
    /// Proposes equivalents of `node` (a member of class `id`).
    pub search: fn(&Ctx, Id, &ENode, &mut Vec<Build>),
}

/// A leaf reference.
pub fn cls(id: Id) -> Build {
    Build::Class(id)
}
/// A new node.
pub fn node(op: NfOp, kids: Vec<Build>) -> Build {
    Build::Node(op, kids)
}
/// The constant `k` of dtype `d` broadcast to `shape` (a bare 0-d constant for `()`).
pub fn konst_build(k: Konst, d: DType, shape: &Shape) -> Build {
    let c = node(NfOp::Const(ScalarKey::of(scalar_of(k)), d), vec![]);
    if shape.ndim() == 0 {
        c
    } else {
        node(NfOp::Broadcast(shape.clone()), vec![c])
    }
}

/// Every rule of the enabled families.
pub fn all_rules() -> Vec<Rule> {
    let mut r = algebra::rules();
    r.extend(movement::rules());
    r.extend(reduction::rules());
    r.extend(contraction::rules());
    r
}
