//! The egg language that mirrors [`numfuse_ir::Op`]: one e-node per graph operation, with the
//! op's attributes (axes, shapes, constants) stored in the node and only array operands as
//! children.
//!
//! Ops the optimizer does not reason about (iota, scans, arg-reductions, diagonals, copies and
//! every library op other than matmul, such as linalg or FFT) become [`NfOp::Opaque`] nodes:
//! the original [`Op`] is kept in a side table and comes back unchanged on extraction. The
//! conversion has a catch-all arm, so new `Op` variants round-trip without touching this file.

use egg::{Id, Language};
use numfuse_ir::{BinaryOp, DType, Op, ReduceOp, Scalar, Shape, SliceAxis, UnaryOp};
use smallvec::SmallVec;
use std::fmt;

/// A hashable, ordered form of a [`Scalar`] (tag and bit patterns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScalarKey(pub u8, pub u64, pub u64);

impl ScalarKey {
    /// The key of a scalar.
    pub fn of(s: Scalar) -> ScalarKey {
        match s {
            Scalar::Bool(b) => ScalarKey(0, b as u64, 0),
            Scalar::Int(i) => ScalarKey(1, i as u64, 0),
            Scalar::UInt(u) => ScalarKey(2, u, 0),
            Scalar::Float(f) => ScalarKey(3, f, 0),
            Scalar::Complex(r, i) => ScalarKey(4, r, i),
        }
    }
    /// The scalar back.
    pub fn scalar(self) -> Scalar {
        match self.0 {
            0 => Scalar::Bool(self.1 != 0),
            1 => Scalar::Int(self.1 as i64),
            2 => Scalar::UInt(self.1),
            3 => Scalar::Float(self.1),
            _ => Scalar::Complex(self.1, self.2),
        }
    }
}

/// The operator of an e-node: a modeled graph op with its attributes, or an opaque op.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NfOp {
    /// Graph input `n`.
    Input(u32),
    /// A 0-d constant of a dtype.
    Const(ScalarKey, DType),
    /// Elementwise unary ufunc.
    Unary(UnaryOp),
    /// Elementwise binary ufunc.
    Binary(BinaryOp),
    /// `where(cond, a, b)`.
    Where,
    /// `astype`.
    Cast(DType),
    /// Reduction over sorted axes.
    Reduce(ReduceOp, SmallVec<[usize; 4]>),
    /// C-order reshape.
    Reshape(Shape),
    /// Axis permutation.
    Permute(SmallVec<[usize; 4]>),
    /// Broadcast to a shape.
    Broadcast(Shape),
    /// Basic slice: `(start, step, len)` per axis.
    Slice(SmallVec<[(usize, isize, usize); 4]>),
    /// `matmul` of `(..., m, k)` and `(..., k, n)` (modeled so chains can be reassociated).
    MatMul,
    /// An op the optimizer does not model: index into the opaque-op table.
    Opaque(u32),
}

/// An e-node: operator plus array operands.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ENode {
    /// The operator.
    pub op: NfOp,
    /// Operand e-classes.
    pub children: SmallVec<[Id; 3]>,
}

impl ENode {
    /// A node from an operator and operands.
    pub fn new(op: NfOp, children: &[Id]) -> ENode {
        ENode {
            op,
            children: SmallVec::from_slice(children),
        }
    }
}

impl Language for ENode {
    type Discriminant = NfOp;

    fn discriminant(&self) -> NfOp {
        self.op.clone()
    }
    fn matches(&self, other: &Self) -> bool {
        self.op == other.op && self.children.len() == other.children.len()
    }
    fn children(&self) -> &[Id] {
        &self.children
    }
    fn children_mut(&mut self) -> &mut [Id] {
        &mut self.children
    }
}

impl fmt::Display for ENode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.op)
    }
}

/// The table of opaque ops of one e-graph (deduplicated).
#[derive(Clone, Debug, Default)]
pub struct OpaqueTable {
    ops: Vec<Op>,
}

impl OpaqueTable {
    /// The index of `op`, adding it if new.
    pub fn intern(&mut self, op: &Op) -> u32 {
        if let Some(i) = self.ops.iter().position(|o| o == op) {
            return i as u32;
        }
        self.ops.push(op.clone());
        (self.ops.len() - 1) as u32
    }
    /// The op at `index`, if any.
    pub fn get(&self, index: u32) -> Option<&Op> {
        self.ops.get(index as usize)
    }
}

/// The e-node operator for a graph op (unmodeled ops are interned as opaque).
pub fn op_to_nf(op: &Op, table: &mut OpaqueTable) -> NfOp {
    match op {
        Op::Input(n) => NfOp::Input(*n),
        Op::Const { value, dtype } => NfOp::Const(ScalarKey::of(*value), *dtype),
        Op::Unary(u) => NfOp::Unary(*u),
        Op::Binary(b) => NfOp::Binary(*b),
        Op::Where => NfOp::Where,
        Op::Cast(d) => NfOp::Cast(*d),
        Op::Reduce { op, axes } => NfOp::Reduce(*op, axes.clone()),
        Op::Reshape(s) => NfOp::Reshape(s.clone()),
        Op::Permute(p) => NfOp::Permute(p.clone()),
        Op::Broadcast(s) => NfOp::Broadcast(s.clone()),
        Op::Slice(axes) => NfOp::Slice(axes.iter().map(|a| (a.start, a.step, a.len)).collect()),
        Op::MatMul => NfOp::MatMul,
        other => NfOp::Opaque(table.intern(other)),
    }
}

/// The graph op for an e-node operator; `None` for an unknown opaque index.
pub fn nf_to_op(op: &NfOp, table: &OpaqueTable) -> Option<Op> {
    Some(match op {
        NfOp::Input(n) => Op::Input(*n),
        NfOp::Const(k, d) => Op::Const {
            value: k.scalar(),
            dtype: *d,
        },
        NfOp::Unary(u) => Op::Unary(*u),
        NfOp::Binary(b) => Op::Binary(*b),
        NfOp::Where => Op::Where,
        NfOp::Cast(d) => Op::Cast(*d),
        NfOp::Reduce(r, axes) => Op::Reduce {
            op: *r,
            axes: axes.clone(),
        },
        NfOp::Reshape(s) => Op::Reshape(s.clone()),
        NfOp::Permute(p) => Op::Permute(p.clone()),
        NfOp::Broadcast(s) => Op::Broadcast(s.clone()),
        NfOp::Slice(axes) => Op::Slice(
            axes.iter()
                .map(|&(start, step, len)| SliceAxis { start, step, len })
                .collect(),
        ),
        NfOp::MatMul => Op::MatMul,
        NfOp::Opaque(i) => table.get(*i)?.clone(),
    })
}

impl NfOp {
    /// True for the view ops (reshape, permute, broadcast, slice).
    pub fn is_movement(&self) -> bool {
        matches!(
            self,
            NfOp::Reshape(_) | NfOp::Permute(_) | NfOp::Broadcast(_) | NfOp::Slice(_)
        )
    }
}
