//! The program representation: one step ([`Spec`]) of a random program, its operands
//! ([`Arg`]) and reductions ([`Red`], [`RedArgs`]).

use numfuse::{Axes, DType, SliceArg};
use numfuse_ir::{BinaryOp, Scalar, UnaryOp};
use std::fmt;

/// An operand: an earlier node or a weak Rust scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// The value of node `i`.
    Node(usize),
    /// A weak scalar (NEP 50).
    Scalar(Scalar),
}

/// A reduction of the public API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Red {
    /// `sum`
    Sum,
    /// `prod`
    Prod,
    /// `max`
    Max,
    /// `min`
    Min,
    /// `any`
    Any,
    /// `all`
    All,
    /// `mean`
    Mean,
    /// `var`
    Var,
    /// `std`
    Std,
}

impl Red {
    pub(super) fn name(self) -> &'static str {
        match self {
            Red::Sum => "sum",
            Red::Prod => "prod",
            Red::Max => "max",
            Red::Min => "min",
            Red::Any => "any",
            Red::All => "all",
            Red::Mean => "mean",
            Red::Var => "var",
            Red::Std => "std",
        }
    }
}

/// The optional arguments of a reduction.
#[derive(Clone, Debug, PartialEq)]
pub struct RedArgs {
    /// `axis=` (`None` = all).
    pub axes: Option<Vec<isize>>,
    /// `keepdims=`.
    pub keepdims: bool,
    /// `ddof=` (var/std).
    pub ddof: usize,
    /// `dtype=` (sum/prod/mean).
    pub dtype: Option<DType>,
}

impl RedArgs {
    /// As the API's [`Axes`].
    pub fn to_axes(&self) -> Axes {
        let mut a = match &self.axes {
            None => Axes::all(),
            Some(v) => Axes::from(v.as_slice()),
        };
        a = a.keepdims(self.keepdims).ddof(self.ddof);
        if let Some(d) = self.dtype {
            a = a.dtype(d);
        }
        a
    }
    pub(super) fn plain(&self, keepdims: bool) -> Axes {
        RedArgs {
            axes: self.axes.clone(),
            keepdims,
            ddof: 0,
            dtype: None,
        }
        .to_axes()
    }
}

impl fmt::Display for RedArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.axes {
            None => f.write_str("nf::axis(None)")?,
            Some(v) => write!(f, "nf::axis({v:?})")?,
        }
        if self.keepdims {
            f.write_str(".keepdims(true)")?;
        }
        if self.ddof != 0 {
            write!(f, ".ddof({})", self.ddof)?;
        }
        if let Some(d) = self.dtype {
            write!(f, ".dtype(nf::{d})")?;
        }
        Ok(())
    }
}

/// One step of a program: a public-API call on earlier nodes.
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    /// Input array `k` of the case.
    Input(usize),
    /// A unary ufunc.
    Unary(UnaryOp, usize),
    /// A binary ufunc.
    Binary(BinaryOp, Arg, Arg),
    /// `nf::where_(c, x, y)`.
    Where(Arg, Arg, Arg),
    /// `nf::clip(a, lo, hi)`.
    Clip(usize, Arg, Arg),
    /// `astype`.
    Cast(usize, DType),
    /// `slice(s![..])`.
    Slice(usize, Vec<SliceArg>),
    /// `permute(axes)`.
    Permute(usize, Vec<isize>),
    /// `reshape(dims)`.
    Reshape(usize, Vec<isize>),
    /// `expand_dims(axis)`.
    ExpandDims(usize, isize),
    /// `squeeze(axis)`.
    Squeeze(usize, Option<isize>),
    /// `broadcast_to(shape)`.
    BroadcastTo(usize, Vec<usize>),
    /// `nf::diag(a, k)`.
    Diag(usize, isize),
    /// `copy()`.
    Copy(usize),
    /// `round(decimals)`.
    Round(usize, i32),
    /// `nan_to_num()`.
    NanToNum(usize),
    /// A reduction.
    Reduce(Red, usize, RedArgs),
    /// `cumsum` / `cumprod`.
    Scan {
        /// `cumprod` rather than `cumsum`.
        prod: bool,
        /// The operand.
        arg: usize,
        /// The axis (`None` flattens).
        axis: Option<isize>,
    },
    /// `argmax` / `argmin`.
    ArgRed {
        /// `argmin` rather than `argmax`.
        min: bool,
        /// The operand.
        arg: usize,
        /// The axis (`None` flattens).
        axis: Option<isize>,
    },
}

impl Spec {
    /// The nodes this step reads.
    pub fn args(&self) -> Vec<usize> {
        let node = |a: &Arg| match a {
            Arg::Node(i) => Some(*i),
            Arg::Scalar(_) => None,
        };
        match self {
            Spec::Input(_) => vec![],
            Spec::Binary(_, a, b) => [a, b].into_iter().filter_map(node).collect(),
            Spec::Where(c, a, b) => [c, a, b].into_iter().filter_map(node).collect(),
            Spec::Clip(x, lo, hi) => std::iter::once(*x)
                .chain([lo, hi].into_iter().filter_map(node))
                .collect(),
            Spec::Unary(_, a)
            | Spec::Cast(a, _)
            | Spec::Slice(a, _)
            | Spec::Permute(a, _)
            | Spec::Reshape(a, _)
            | Spec::ExpandDims(a, _)
            | Spec::Squeeze(a, _)
            | Spec::BroadcastTo(a, _)
            | Spec::Diag(a, _)
            | Spec::Copy(a)
            | Spec::Round(a, _)
            | Spec::NanToNum(a)
            | Spec::Reduce(_, a, _)
            | Spec::Scan { arg: a, .. }
            | Spec::ArgRed { arg: a, .. } => vec![*a],
        }
    }

    /// The same step reading renumbered nodes.
    pub(super) fn renumber(&self, map: &[usize]) -> Spec {
        let m = |i: &usize| map[*i];
        let ma = |a: &Arg| match a {
            Arg::Node(i) => Arg::Node(map[*i]),
            s => s.clone(),
        };
        match self {
            Spec::Input(k) => Spec::Input(*k),
            Spec::Unary(op, a) => Spec::Unary(*op, m(a)),
            Spec::Binary(op, a, b) => Spec::Binary(*op, ma(a), ma(b)),
            Spec::Where(c, a, b) => Spec::Where(ma(c), ma(a), ma(b)),
            Spec::Clip(a, lo, hi) => Spec::Clip(m(a), ma(lo), ma(hi)),
            Spec::Cast(a, d) => Spec::Cast(m(a), *d),
            Spec::Slice(a, s) => Spec::Slice(m(a), s.clone()),
            Spec::Permute(a, p) => Spec::Permute(m(a), p.clone()),
            Spec::Reshape(a, d) => Spec::Reshape(m(a), d.clone()),
            Spec::ExpandDims(a, x) => Spec::ExpandDims(m(a), *x),
            Spec::Squeeze(a, x) => Spec::Squeeze(m(a), *x),
            Spec::BroadcastTo(a, s) => Spec::BroadcastTo(m(a), s.clone()),
            Spec::Diag(a, k) => Spec::Diag(m(a), *k),
            Spec::Copy(a) => Spec::Copy(m(a)),
            Spec::Round(a, d) => Spec::Round(m(a), *d),
            Spec::NanToNum(a) => Spec::NanToNum(m(a)),
            Spec::Reduce(r, a, args) => Spec::Reduce(*r, m(a), args.clone()),
            Spec::Scan { prod, arg, axis } => Spec::Scan {
                prod: *prod,
                arg: m(arg),
                axis: *axis,
            },
            Spec::ArgRed { min, arg, axis } => Spec::ArgRed {
                min: *min,
                arg: m(arg),
                axis: *axis,
            },
        }
    }

    pub(super) fn is_movement(&self) -> bool {
        matches!(
            self,
            Spec::Slice(..)
                | Spec::Permute(..)
                | Spec::Reshape(..)
                | Spec::ExpandDims(..)
                | Spec::Squeeze(..)
                | Spec::BroadcastTo(..)
                | Spec::Diag(..)
                | Spec::Copy(..)
        )
    }

    /// A short label for failure signatures (`sin`, `reduce.sum`, `slice`, ...).
    pub(super) fn label(&self) -> String {
        match self {
            Spec::Input(_) => "input".into(),
            Spec::Unary(op, _) => op.name().into(),
            Spec::Binary(op, ..) => op.name().into(),
            Spec::Where(..) => "where".into(),
            Spec::Clip(..) => "clip".into(),
            Spec::Cast(_, d) => format!("astype({d})"),
            Spec::Slice(..) => "slice".into(),
            Spec::Permute(..) => "permute".into(),
            Spec::Reshape(..) => "reshape".into(),
            Spec::ExpandDims(..) => "expand_dims".into(),
            Spec::Squeeze(..) => "squeeze".into(),
            Spec::BroadcastTo(..) => "broadcast_to".into(),
            Spec::Diag(..) => "diag".into(),
            Spec::Copy(_) => "copy".into(),
            Spec::Round(..) => "round".into(),
            Spec::NanToNum(_) => "nan_to_num".into(),
            Spec::Reduce(r, ..) => r.name().into(),
            Spec::Scan { prod, .. } => if *prod { "cumprod" } else { "cumsum" }.into(),
            Spec::ArgRed { min, .. } => if *min { "argmin" } else { "argmax" }.into(),
        }
    }
}
