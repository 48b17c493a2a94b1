//! The loop-level kernel IR: what one fused, compiled loop nest computes.
//!
//! A kernel iterates over a loop nest of `rank` dimensions whose sizes are run-time arguments.
//! Every operand (input or output buffer) is addressed by a base pointer plus one run-time
//! stride per dimension (in bytes; 0 = broadcast, negative = reversed view), so a new size or
//! a different view never needs a new kernel. The last `reduced` dimensions of the nest are
//! reduced: the `pre` instructions run once per point of the whole nest, their values are
//! folded into accumulators over the reduced dimensions, and the `post` instructions run once
//! per point of the kept dimensions (the reduction epilogue). Elementwise kernels have
//! `reduced == 0`, no accumulators and no `post`.
//!
//! The compiled code is specialised on each operand's *inner stride class* (contiguous,
//! broadcast or general along the innermost dimension), which selects the vector fast path;
//! the class is part of the cache key, the stride values are not.

use crate::dtype::DType;
use crate::op::{BinaryOp, ReduceOp, UnaryOp};
use crate::scalar::Scalar;
use std::fmt::{self, Write};

mod split;

/// An SSA value of a kernel phase: the index of the instruction that defines it.
pub type KValue = u32;

/// How an operand moves along the innermost loop dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InnerStride {
    /// Consecutive elements (stride = item size): vector loads and stores.
    Contiguous,
    /// Stride 0: one value per row, splat across lanes.
    Broadcast,
    /// Any other stride: element-by-element access.
    Strided,
}

/// Whether an operand is read or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Read by `Load`.
    Input,
    /// Written by a store.
    Output,
}

/// A buffer the kernel reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KOperand {
    /// Element type.
    pub dtype: DType,
    /// Read or written.
    pub role: Role,
    /// Access pattern along the innermost dimension.
    pub inner: InnerStride,
}

/// One instruction. Operands of instructions are earlier values of the same phase
/// (`Acc` reads an accumulator in the `post` phase).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KInst {
    /// The element of input operand `n` at the current index.
    Load(u32),
    /// A constant.
    Const(Scalar, DType),
    /// A unary ufunc on the loop dtype.
    Unary(UnaryOp, DType, KValue),
    /// A binary ufunc on the loop dtype.
    Binary(BinaryOp, DType, KValue, KValue),
    /// `cond ? a : b` (cond is bool).
    Select(KValue, KValue, KValue),
    /// Conversion (`from` → `to`, NumPy `astype` semantics).
    Cast(DType, DType, KValue),
    /// The final value of accumulator `n` (post phase only).
    Acc(u32),
}

/// A reduction accumulator: folds a `pre` value over the reduced dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Accumulator {
    /// The fold.
    pub op: ReduceOp,
    /// The accumulated dtype.
    pub dtype: DType,
    /// The `pre` value folded.
    pub value: KValue,
}

/// A store of a value into an output operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KStore {
    /// The output operand.
    pub operand: u32,
    /// The stored value (of the `post` phase for reductions, `pre` otherwise).
    pub value: KValue,
}

/// A fused loop nest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Kernel {
    /// Loop-nest rank.
    pub rank: usize,
    /// Trailing dimensions that are reduced.
    pub reduced: usize,
    /// Loop order for reductions whose kept dimensions vary fastest in memory (e.g. a sum over
    /// axis 0 of a C-ordered matrix): the reduced dimensions become the outer loops and the
    /// accumulator lives in the output buffer (init pass, accumulate pass, epilogue pass).
    pub outer_reduce: bool,
    /// Buffers, inputs and outputs.
    pub operands: Vec<KOperand>,
    /// Per-element instructions.
    pub pre: Vec<KInst>,
    /// Reduction accumulators.
    pub accs: Vec<Accumulator>,
    /// Per-output-element instructions after the reduction.
    pub post: Vec<KInst>,
    /// Stores.
    pub stores: Vec<KStore>,
}

impl Kernel {
    /// Number of arithmetic instructions (for cost decisions and reports).
    pub fn op_count(&self) -> usize {
        let arith = |i: &KInst| {
            matches!(
                i,
                KInst::Unary(..) | KInst::Binary(..) | KInst::Select(..) | KInst::Cast(..)
            )
        };
        self.pre.iter().filter(|i| arith(i)).count()
            + self.post.iter().filter(|i| arith(i)).count()
            + self.accs.len()
    }

    /// The dtype of a value of a phase (`post = true` for the epilogue).
    pub fn value_dtype(&self, post: bool, v: KValue) -> DType {
        let insts = if post { &self.post } else { &self.pre };
        match &insts[v as usize] {
            KInst::Load(n) => self.operands[*n as usize].dtype,
            KInst::Const(_, d) | KInst::Cast(_, d, _) => *d,
            KInst::Unary(op, d, _) => crate::ufunc::resolve_unary(*op, *d)
                .map(|r| r.1)
                .unwrap_or(*d),
            KInst::Binary(op, d, _, _) => op.result_dtype(*d),
            KInst::Select(_, a, _) => self.value_dtype(post, *a),
            KInst::Acc(n) => self.accs[*n as usize].dtype,
        }
    }
}

fn write_insts(f: &mut String, phase: &str, insts: &[KInst]) {
    for (i, inst) in insts.iter().enumerate() {
        let _ = match inst {
            KInst::Load(n) => writeln!(f, "  {phase}{i} = load in{n}"),
            KInst::Const(s, d) => writeln!(f, "  {phase}{i} = const {s}:{d}"),
            KInst::Unary(op, d, a) => writeln!(f, "  {phase}{i} = {op}.{d} {phase}{a}"),
            KInst::Binary(op, d, a, b) => {
                writeln!(f, "  {phase}{i} = {op}.{d} {phase}{a}, {phase}{b}")
            }
            KInst::Select(c, a, b) => writeln!(
                f,
                "  {phase}{i} = select {phase}{c}, {phase}{a}, {phase}{b}"
            ),
            KInst::Cast(from, to, a) => writeln!(f, "  {phase}{i} = cast.{from}->{to} {phase}{a}"),
            KInst::Acc(n) => writeln!(f, "  {phase}{i} = acc{n}"),
        };
    }
}

impl fmt::Display for Kernel {
    /// Stable text form: header, operands, `pre` body, accumulators, `post` body, stores.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = if self.outer_reduce {
            " order=reduced-outer"
        } else {
            ""
        };
        let mut s = format!(
            "kernel rank={} reduced={}{order}\n",
            self.rank, self.reduced
        );
        for (i, o) in self.operands.iter().enumerate() {
            let role = match o.role {
                Role::Input => "in",
                Role::Output => "out",
            };
            let _ = writeln!(s, "  {role}{i}: {} inner={:?}", o.dtype, o.inner);
        }
        write_insts(&mut s, "v", &self.pre);
        for (i, a) in self.accs.iter().enumerate() {
            let _ = writeln!(s, "  acc{i} = reduce.{}.{} v{}", a.op, a.dtype, a.value);
        }
        write_insts(&mut s, "p", &self.post);
        let phase = if self.accs.is_empty() { "v" } else { "p" };
        for st in &self.stores {
            let _ = writeln!(s, "  store out{} <- {phase}{}", st.operand, st.value);
        }
        f.write_str(&s)
    }
}
