//! The e-class analysis: every e-class carries its shape and dtype (from `numfuse_ir::infer`,
//! the single definition of each op) and, when every element is the same known constant, that
//! constant (seen through broadcasts and other views, and computed by [`fold`]).
//!
//! Merging two classes whose shapes or dtypes differ means a rewrite rule was unsound; that is
//! an internal bug and [`Analysis::merge`] panics at once with both types (the one panic in the
//! optimizer). Rules check the type of everything they build before adding it
//! ([`node_type`]), so user input can never reach it.

use super::fold::{self, Konst};
use super::lang::{nf_to_op, ENode, NfOp, OpaqueTable};
use egg::{Analysis, DidMerge, EGraph, Id};
use numfuse_ir::infer::infer;
use numfuse_ir::{DType, Error, InputDesc, ReduceOp, Result, Shape};

/// The numfuse e-graph.
pub type NfEGraph = EGraph<ENode, NfAnalysis>;

/// Per-class facts.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassData {
    /// Shape of every value in the class.
    pub shape: Shape,
    /// Dtype of every value in the class.
    pub dtype: DType,
    /// The value of every element, when it is one known constant.
    pub konst: Option<Konst>,
}

/// The analysis state: the graph's inputs and the opaque-op table, needed to type nodes.
#[derive(Clone, Debug, Default)]
pub struct NfAnalysis {
    /// Declared graph inputs (types of `Input(n)`).
    pub inputs: Vec<InputDesc>,
    /// Ops kept opaque.
    pub opaque: OpaqueTable,
}

/// The shape and dtype `node` produces, or the typing error (used by rules before adding).
pub fn node_type(eg: &NfEGraph, node: &ENode) -> Result<(Shape, DType)> {
    let tys: Vec<(Shape, DType)> = node
        .children
        .iter()
        .map(|&c| {
            let d = &eg[c].data;
            (d.shape.clone(), d.dtype)
        })
        .collect();
    match &node.op {
        NfOp::Input(n) => eg
            .analysis
            .inputs
            .get(*n as usize)
            .map(|d| (d.shape.clone(), d.dtype))
            .ok_or_else(|| Error::Value(format!("internal error: unknown input {n}"))),
        op => {
            let op = nf_to_op(op, &eg.analysis.opaque)
                .ok_or_else(|| Error::Value("internal error: unknown opaque op".into()))?;
            infer(&op, &tys)
        }
    }
}

fn konst(eg: &NfEGraph, node: &ENode, dtype: DType) -> Option<Konst> {
    let k = |i: usize| eg[node.children[i]].data.konst;
    let d = |i: usize| eg[node.children[i]].data.dtype;
    match &node.op {
        NfOp::Const(s, d) => fold::konst_of(s.scalar(), *d),
        op if op.is_movement() => k(0),
        NfOp::Unary(u) => fold::unary(*u, d(0), k(0)?),
        NfOp::Binary(b) => fold::binary(*b, d(0), k(0)?, k(1)?),
        NfOp::Cast(to) => fold::cast(k(0)?, d(0), *to),
        NfOp::Where => match k(0)? {
            Konst::Bool(true) => k(1),
            Konst::Bool(false) => k(2),
            _ => None,
        },
        NfOp::Reduce(ReduceOp::Max | ReduceOp::Min, _)
            if eg[node.children[0]].data.shape.size() > 0 && dtype == d(0) =>
        {
            k(0)
        }
        _ => None,
    }
}

impl Analysis<ENode> for NfAnalysis {
    type Data = ClassData;

    fn make(eg: &mut NfEGraph, node: &ENode, _id: Id) -> ClassData {
        let (shape, dtype) = match node_type(eg, node) {
            Ok(t) => t,
            // Rules type-check before adding, and graphs arrive verified.
            Err(e) => panic!("numfuse optimizer internal bug: ill-typed e-node {node:?}: {e}"),
        };
        let konst = konst(eg, node, dtype);
        ClassData {
            shape,
            dtype,
            konst,
        }
    }

    fn merge(&mut self, a: &mut ClassData, b: ClassData) -> DidMerge {
        if a.shape != b.shape || a.dtype != b.dtype {
            panic!(
                "numfuse optimizer internal bug: an unsound rewrite merged a {} {} class with a \
                 {} {} class",
                a.shape, a.dtype, b.shape, b.dtype
            );
        }
        match (a.konst, b.konst) {
            (None, Some(k)) => {
                a.konst = Some(k);
                DidMerge(true, false)
            }
            (Some(_), None) => DidMerge(false, true),
            _ => DidMerge(false, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::egraph::lang::ScalarKey;
    use numfuse_ir::Scalar;

    fn graph() -> NfEGraph {
        NfEGraph::new(NfAnalysis {
            inputs: vec![
                InputDesc {
                    shape: Shape::from([3]),
                    dtype: DType::Float64,
                },
                InputDesc {
                    shape: Shape::from([4]),
                    dtype: DType::Float64,
                },
            ],
            opaque: OpaqueTable::default(),
        })
    }

    #[test]
    #[should_panic(expected = "internal bug: an unsound rewrite merged")]
    fn merging_different_shapes_panics() {
        let mut eg = graph();
        let a = eg.add(ENode::new(NfOp::Input(0), &[]));
        let b = eg.add(ENode::new(NfOp::Input(1), &[]));
        eg.union(a, b);
    }

    #[test]
    fn constants_are_seen_through_broadcasts() {
        let mut eg = graph();
        let c = eg.add(ENode::new(
            NfOp::Const(ScalarKey::of(Scalar::float(2.0)), DType::Float64),
            &[],
        ));
        let b = eg.add(ENode::new(NfOp::Broadcast(Shape::from([3])), &[c]));
        assert_eq!(eg[b].data.konst, Some(Konst::Float(2.0)));
        assert_eq!(eg[b].data.shape, Shape::from([3]));
    }
}
