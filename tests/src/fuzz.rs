//! Random-graph differential fuzzing: the JIT (`Mode::Lazy`, `Mode::Eager`, compile threshold
//! 0) against the reference interpreter (`Mode::Interpret`).
//!
//! * [`generate`] builds a well-typed random program ([`Case`]) with the public API: every
//!   elementwise ufunc, `where_`, `clip`, `round`, `nan_to_num`, casts, broadcasting with weak
//!   scalars, views (steps, reversals, integer indices, `newaxis`, transposes, reshapes,
//!   `expand_dims`, `squeeze`, `broadcast_to`, `diag`, `copy`), reductions with random axis sets
//!   and `keepdims`, scans and arg-reductions, over all 14 dtypes, sizes around the vector width
//!   and the tile sizes, and non-contiguous inputs (stepped/reversed slices, transposes,
//!   broadcast and diagonal views).
//! * [`check`] replays the program in each mode and compares with the interpreter: dtype and
//!   shape exactly, errors exactly, values **bit for bit** (NaN == NaN, `-0.0 != 0.0`) unless
//!   an inexact operation is upstream. Inexact operations are transcendental ufuncs (4 ulp of
//!   the result dtype), complex `*`, `/`, `abs`, `sqrt`, ... (4 ulp), and float reductions and
//!   scans (`|Δ| <= n·eps·Σ|x|`, the worst case of any summation order, plus 1 ulp). Their
//!   errors are propagated through the rest of the graph as per-element absolute bounds
//!   ([`tolerances`]): elementwise consumers are re-evaluated by the interpreter at the corners
//!   of the input error boxes (so a comparison whose operands are closer than their error, or
//!   a `floor` at a jump, becomes "either answer"), movement ops move the bounds with the data,
//!   reductions add them up. Elements whose bound is 0 are still compared bit for bit.
//!   Where the order of a float sum or product decides between a finite result and an
//!   overflow (a partial sum of magnitudes above the dtype's maximum; a partial product that
//!   may overflow, or underflow and be scaled back up) the element is not compared.
//!   One difference is tolerated by decision rather than by error analysis, and listed here:
//!   [`ALLOW_ZERO_SIGN_IN_MAX_MIN`] (the sign of a zero `max`/`min` reduction result).
//!   Build-time errors (bad axis, empty `max`, out-of-range weak scalar) end ~1% of the
//!   programs, data-dependent ones (negative integer powers) occur naturally: every mode must
//!   raise the same [`Error`].
//! * [`shrink`] cuts the failing program down (truncating it at the first failing node,
//!   replacing subgraphs by their interpreted values as inputs, making view inputs
//!   contiguous) and [`Failure::report`] prints a reproduction.
//! * [`run`] drives many cases on several threads and groups failures by signature.

use half::f16;
use numfuse as nf;
use numfuse::{Array, Axes, DType, Error, Mode, NdArray, Operand, Shape, SliceArg, Value};
use numfuse_ir::{broadcast_shapes, BinaryOp, Scalar, SliceAxis, UnaryOp};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

// ------------------------------------------------------------------------------------------
// Deterministic PRNG (SplitMix64)
// ------------------------------------------------------------------------------------------

/// A small deterministic PRNG (SplitMix64): the same seed gives the same cases everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6A09_E667_F3BC_C908)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// A uniformly chosen element.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    /// An element chosen with the given weights.
    pub fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(total as usize) as u32;
        for &(x, w) in xs {
            if r < w {
                return x;
            }
            r -= w;
        }
        xs[xs.len() - 1].0
    }
}

/// The seed of case `index` of a run with `seed` (cases are independent and reproducible one
/// by one).
pub fn case_seed(seed: u64, index: u64) -> u64 {
    let mut r = Rng::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64()
}

// ------------------------------------------------------------------------------------------
// Programs
// ------------------------------------------------------------------------------------------

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
    fn name(self) -> &'static str {
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
    fn plain(&self, keepdims: bool) -> Axes {
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
    fn renumber(&self, map: &[usize]) -> Spec {
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

    fn is_movement(&self) -> bool {
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
    fn label(&self) -> String {
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

fn fmt_scalar(s: &Scalar) -> String {
    match *s {
        Scalar::Bool(b) => format!("{b}"),
        Scalar::Int(i) => format!("{i}i64"),
        Scalar::UInt(u) => format!("{u}u64"),
        Scalar::Float(_) => fmt_f64(s.as_f64()),
        Scalar::Complex(..) => format!(
            "nf::Complex64::new({}, {})",
            fmt_f64(s.as_f64()),
            fmt_f64(s.imag_f64())
        ),
    }
}

fn fmt_f64(x: f64) -> String {
    if x.is_nan() {
        "f64::NAN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "f64::INFINITY"
        } else {
            "f64::NEG_INFINITY"
        }
        .into()
    } else {
        format!("{x:?}")
    }
}

fn fmt_arg(a: &Arg) -> String {
    match a {
        Arg::Node(i) => format!("&x{i}"),
        Arg::Scalar(s) => fmt_scalar(s),
    }
}

fn fmt_slice_arg(a: &SliceArg) -> String {
    match *a {
        SliceArg::Index(i) => format!("{i}"),
        SliceArg::NewAxis => "newaxis".into(),
        SliceArg::Ellipsis => "...".into(),
        SliceArg::Slice { start, stop, step } => {
            let s = start.map(|v| v.to_string()).unwrap_or_default();
            let e = stop.map(|v| v.to_string()).unwrap_or_default();
            if step == 1 {
                format!("{s}..{e}")
            } else {
                format!("{s}..{e};{step}")
            }
        }
    }
}

fn binary_fn_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "add",
        BinaryOp::Sub => "subtract",
        BinaryOp::Mul => "multiply",
        BinaryOp::Div => "divide",
        BinaryOp::FloorDiv => "floor_divide",
        BinaryOp::Rem => "remainder",
        BinaryOp::Pow => "power",
        BinaryOp::Arctan2 => "arctan2",
        BinaryOp::Hypot => "hypot",
        BinaryOp::Maximum => "maximum",
        BinaryOp::Minimum => "minimum",
        BinaryOp::Fmax => "fmax",
        BinaryOp::Fmin => "fmin",
        BinaryOp::Eq => "equal",
        BinaryOp::Ne => "not_equal",
        BinaryOp::Lt => "less",
        BinaryOp::Le => "less_equal",
        BinaryOp::Gt => "greater",
        BinaryOp::Ge => "greater_equal",
        BinaryOp::LogicalAnd => "logical_and",
        BinaryOp::LogicalOr => "logical_or",
        BinaryOp::LogicalXor => "logical_xor",
        BinaryOp::BitAnd => "bitwise_and",
        BinaryOp::BitOr => "bitwise_or",
        BinaryOp::BitXor => "bitwise_xor",
        BinaryOp::Shl => "left_shift",
        BinaryOp::Shr => "right_shift",
        BinaryOp::Complex => "complex",
    }
}

fn unary_method_name(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Neg => "negative",
        UnaryOp::Abs => "abs",
        UnaryOp::Real => "real",
        UnaryOp::Imag => "imag",
        UnaryOp::Conj => "conj",
        op => op.name(),
    }
}

impl Spec {
    /// The step as a line of Rust (`let x3 = nf::add(&x1, 2.5);`).
    pub fn to_rust(&self, i: usize) -> String {
        let rhs = match self {
            Spec::Input(k) => format!("Array::from_ndarray(&input{k})"),
            Spec::Unary(op, a) => format!("x{a}.{}()", unary_method_name(*op)),
            Spec::Binary(op, a, b) => {
                format!(
                    "nf::{}({}, {})",
                    binary_fn_name(*op),
                    fmt_arg(a),
                    fmt_arg(b)
                )
            }
            Spec::Where(c, a, b) => {
                format!("nf::where_({}, {}, {})", fmt_arg(c), fmt_arg(a), fmt_arg(b))
            }
            Spec::Clip(a, lo, hi) => format!("nf::clip(&x{a}, {}, {})", fmt_arg(lo), fmt_arg(hi)),
            Spec::Cast(a, d) => format!("x{a}.astype(nf::{d})"),
            Spec::Slice(a, s) => {
                let parts: Vec<String> = s.iter().map(fmt_slice_arg).collect();
                format!("x{a}.slice(s![{}])", parts.join(", "))
            }
            Spec::Permute(a, p) => format!("x{a}.permute(&{p:?})"),
            Spec::Reshape(a, d) => format!("x{a}.reshape({d:?})"),
            Spec::ExpandDims(a, x) => format!("x{a}.expand_dims({x})"),
            Spec::Squeeze(a, x) => format!("x{a}.squeeze({x:?})"),
            Spec::BroadcastTo(a, s) => format!("x{a}.broadcast_to({s:?})"),
            Spec::Diag(a, k) => format!("nf::diag(&x{a}, {k})"),
            Spec::Copy(a) => format!("x{a}.copy()"),
            Spec::Round(a, d) => format!("x{a}.round({d})"),
            Spec::NanToNum(a) => format!("x{a}.nan_to_num()"),
            Spec::Reduce(r, a, args) => format!("x{a}.{}({args})", r.name()),
            Spec::Scan { prod, arg, axis } => format!(
                "x{arg}.{}({axis:?})",
                if *prod { "cumprod" } else { "cumsum" }
            ),
            Spec::ArgRed { min, arg, axis } => format!(
                "x{arg}.{}({axis:?})",
                if *min { "argmin" } else { "argmax" }
            ),
        };
        format!("let x{i} = {rhs};")
    }
}

/// A random program: input arrays and steps in topological order; the last step is the result.
#[derive(Clone, Debug)]
pub struct Case {
    /// The concrete inputs (possibly non-contiguous views).
    pub inputs: Vec<NdArray>,
    /// The steps; the last one is the output.
    pub nodes: Vec<Spec>,
}

impl Case {
    /// Drops steps and inputs the output does not depend on, renumbering the rest.
    pub fn compact(&self) -> Case {
        let n = self.nodes.len();
        let mut live = vec![false; n];
        if n > 0 {
            live[n - 1] = true;
        }
        for i in (0..n).rev() {
            if live[i] {
                for a in self.nodes[i].args() {
                    live[a] = true;
                }
            }
        }
        let mut map = vec![usize::MAX; n];
        let mut nodes = Vec::new();
        let mut inputs = Vec::new();
        for i in 0..n {
            if !live[i] {
                continue;
            }
            map[i] = nodes.len();
            let spec = match &self.nodes[i] {
                Spec::Input(k) => {
                    inputs.push(self.inputs[*k].clone());
                    Spec::Input(inputs.len() - 1)
                }
                s => s.renumber(&map),
            };
            nodes.push(spec);
        }
        Case { inputs, nodes }
    }

    /// The program as Rust statements.
    pub fn to_rust(&self) -> String {
        let mut s = String::new();
        for (i, spec) in self.nodes.iter().enumerate() {
            let _ = writeln!(s, "    {}", spec.to_rust(i));
        }
        s
    }
}

// ------------------------------------------------------------------------------------------
// Replaying a program with the public API
// ------------------------------------------------------------------------------------------

fn unary(op: UnaryOp, x: &Array) -> nf::Result<Array> {
    use UnaryOp::*;
    match op {
        Neg => x.try_negative(),
        Abs => x.try_abs(),
        Sign => x.try_sign(),
        Sqrt => x.try_sqrt(),
        Cbrt => x.try_cbrt(),
        Square => x.try_square(),
        Reciprocal => x.try_reciprocal(),
        Exp => x.try_exp(),
        Exp2 => x.try_exp2(),
        Expm1 => x.try_expm1(),
        Log => x.try_log(),
        Log2 => x.try_log2(),
        Log10 => x.try_log10(),
        Log1p => x.try_log1p(),
        Sin => x.try_sin(),
        Cos => x.try_cos(),
        Tan => x.try_tan(),
        Arcsin => x.try_arcsin(),
        Arccos => x.try_arccos(),
        Arctan => x.try_arctan(),
        Sinh => x.try_sinh(),
        Cosh => x.try_cosh(),
        Tanh => x.try_tanh(),
        Arcsinh => x.try_arcsinh(),
        Arccosh => x.try_arccosh(),
        Arctanh => x.try_arctanh(),
        Degrees => x.try_degrees(),
        Radians => x.try_radians(),
        Floor => x.try_floor(),
        Ceil => x.try_ceil(),
        Trunc => x.try_trunc(),
        Rint => x.try_rint(),
        LogicalNot => x.try_logical_not(),
        Invert => x.try_invert(),
        IsNan => x.try_isnan(),
        IsInf => x.try_isinf(),
        IsFinite => x.try_isfinite(),
        Conj => x.try_conj(),
        Real => x.try_real(),
        Imag => x.try_imag(),
    }
}

fn binary(op: BinaryOp, a: Operand, b: Operand) -> nf::Result<Array> {
    use BinaryOp::*;
    match op {
        Add => nf::try_add(a, b),
        Sub => nf::try_subtract(a, b),
        Mul => nf::try_multiply(a, b),
        Div => nf::try_divide(a, b),
        FloorDiv => nf::try_floor_divide(a, b),
        Rem => nf::try_remainder(a, b),
        Pow => nf::try_power(a, b),
        Arctan2 => nf::try_arctan2(a, b),
        Hypot => nf::try_hypot(a, b),
        Maximum => nf::try_maximum(a, b),
        Minimum => nf::try_minimum(a, b),
        Fmax => nf::try_fmax(a, b),
        Fmin => nf::try_fmin(a, b),
        Eq => nf::try_equal(a, b),
        Ne => nf::try_not_equal(a, b),
        Lt => nf::try_less(a, b),
        Le => nf::try_less_equal(a, b),
        Gt => nf::try_greater(a, b),
        Ge => nf::try_greater_equal(a, b),
        LogicalAnd => nf::try_logical_and(a, b),
        LogicalOr => nf::try_logical_or(a, b),
        LogicalXor => nf::try_logical_xor(a, b),
        BitAnd => nf::try_bitwise_and(a, b),
        BitOr => nf::try_bitwise_or(a, b),
        BitXor => nf::try_bitwise_xor(a, b),
        Shl => nf::try_left_shift(a, b),
        Shr => nf::try_right_shift(a, b),
        Complex => Err(Error::Value(
            "complex() is not part of the public API".into(),
        )),
    }
}

/// Applies one step with the public API; `get(i)` is the value of node `i`.
pub fn apply(spec: &Spec, get: &dyn Fn(usize) -> Array, inputs: &[NdArray]) -> nf::Result<Array> {
    let op = |a: &Arg| match a {
        Arg::Node(i) => Operand::Array(get(*i)),
        Arg::Scalar(s) => Operand::Scalar(*s),
    };
    match spec {
        Spec::Input(k) => Ok(Array::from_ndarray(&inputs[*k])),
        Spec::Unary(u, a) => unary(*u, &get(*a)),
        Spec::Binary(b, x, y) => binary(*b, op(x), op(y)),
        Spec::Where(c, x, y) => nf::try_where(op(c), op(x), op(y)),
        Spec::Clip(a, lo, hi) => nf::try_clip(get(*a), op(lo), op(hi)),
        Spec::Cast(a, d) => get(*a).try_astype(*d),
        Spec::Slice(a, s) => get(*a).try_slice(s),
        Spec::Permute(a, p) => get(*a).try_permute(p),
        Spec::Reshape(a, d) => get(*a).try_reshape(d.clone()),
        Spec::ExpandDims(a, x) => get(*a).try_expand_dims(*x),
        Spec::Squeeze(a, x) => get(*a).try_squeeze(*x),
        Spec::BroadcastTo(a, s) => get(*a).try_broadcast_to(Shape::from(s.clone())),
        Spec::Diag(a, k) => nf::try_diag(get(*a), *k),
        Spec::Copy(a) => Ok(get(*a).copy()),
        Spec::Round(a, d) => get(*a).try_round(*d),
        Spec::NanToNum(a) => get(*a).try_nan_to_num_with(0.0, None, None),
        Spec::Reduce(r, a, args) => {
            let x = get(*a);
            let ax = args.to_axes();
            match r {
                Red::Sum => x.try_sum(ax),
                Red::Prod => x.try_prod(ax),
                Red::Max => x.try_max(ax),
                Red::Min => x.try_min(ax),
                Red::Any => x.try_any(ax),
                Red::All => x.try_all(ax),
                Red::Mean => x.try_mean(ax),
                Red::Var => x.try_var(ax),
                Red::Std => x.try_std(ax),
            }
        }
        Spec::Scan { prod, arg, axis } => {
            if *prod {
                get(*arg).try_cumprod(*axis)
            } else {
                get(*arg).try_cumsum(*axis)
            }
        }
        Spec::ArgRed { min, arg, axis } => {
            if *min {
                get(*arg).try_argmin(*axis)
            } else {
                get(*arg).try_argmax(*axis)
            }
        }
    }
}

/// Builds the whole program (in the current mode) and returns the output handle.
pub fn build(case: &Case) -> nf::Result<Array> {
    let mut vals: Vec<Array> = Vec::with_capacity(case.nodes.len());
    for spec in &case.nodes {
        let a = {
            let get = |i: usize| vals[i].clone();
            apply(spec, &get, &case.inputs)?
        };
        vals.push(a);
    }
    vals.pop()
        .ok_or_else(|| Error::Value("empty program".into()))
}

/// What one mode produced.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// A value.
    Value(NdArray),
    /// A typed error.
    Error(Error),
    /// A panic (message and location).
    Panic(String),
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let p = info.payload();
                let msg = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "<non-string panic>".into());
                let at = info
                    .location()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                LAST_PANIC.with(|m| *m.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                prev(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Err(message)` without printing it.
fn guarded<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_panic_hook();
    let was = QUIET.with(|q| q.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|_| {
        LAST_PANIC
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "panic".into())
    })
}

/// Builds and evaluates the program in `mode`.
pub fn run_mode(case: &Case, mode: Mode) -> Outcome {
    match guarded(|| nf::with_mode(mode, || build(case).and_then(|a| a.try_eval()))) {
        Ok(Ok(v)) => Outcome::Value(v),
        Ok(Err(e)) => Outcome::Error(e),
        Err(p) => Outcome::Panic(p),
    }
}

// ------------------------------------------------------------------------------------------
// Random data
// ------------------------------------------------------------------------------------------

/// Every dtype with a sampling weight.
const DTYPES: [(DType, u32); 14] = [
    (DType::Bool, 6),
    (DType::Int8, 6),
    (DType::Int16, 5),
    (DType::Int32, 8),
    (DType::Int64, 8),
    (DType::UInt8, 6),
    (DType::UInt16, 4),
    (DType::UInt32, 5),
    (DType::UInt64, 5),
    (DType::Float16, 5),
    (DType::Float32, 14),
    (DType::Float64, 16),
    (DType::Complex64, 4),
    (DType::Complex128, 4),
];

fn random_dtype(rng: &mut Rng) -> DType {
    rng.weighted(&DTYPES)
}

/// Value distribution of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    /// Moderate magnitudes, few specials.
    Tame,
    /// Specials: NaN, ±inf, ±0, subnormals, extremes, cast boundaries, random bits.
    Wild,
    /// Small non-negative integers (integer power exponents).
    SmallNonNeg,
}

fn gen_int(rng: &mut Rng, lo: i128, hi: i128, p: Profile) -> i128 {
    let v: i128 = match p {
        Profile::SmallNonNeg => {
            let hi = if rng.chance(0.1) { 40 } else { 6 };
            rng.range(0, hi) as i128
        }
        _ => match rng.below(20) {
            0..=8 => rng.range(-5, 5) as i128,
            9..=13 => rng.range(-130, 300) as i128,
            14..=16 => {
                let span = (hi - lo + 1) as u128;
                lo + (((rng.next_u64() as u128) << 64 | rng.next_u64() as u128) % span) as i128
            }
            _ => rng.pick(&[lo, hi, lo + 1, hi - 1, 0, -1, hi / 2, lo / 2]),
        },
    };
    let v = if lo == 0 { v.abs() } else { v };
    v.clamp(lo, hi)
}

fn gen_float(rng: &mut Rng, p: Profile, dt: DType) -> f64 {
    let sign = if rng.chance(0.5) { -1.0 } else { 1.0 };
    let tame = |rng: &mut Rng| -> f64 {
        match rng.below(20) {
            0..=8 => rng.unit() * 8.0 - 4.0,
            9..=11 => rng.range(-8, 8) as f64 * 0.5,
            12..=13 => sign * 2f64.powi(rng.range(-12, 12) as i32) * (1.0 + rng.unit()),
            14 => sign * 0.0,
            15 => rng.unit(),
            16 => rng.unit() * 200.0 - 100.0,
            _ => rng.unit() * 2.0 - 1.0,
        }
    };
    match p {
        Profile::SmallNonNeg => rng.range(0, 4) as f64,
        Profile::Tame => tame(rng),
        Profile::Wild => match rng.below(24) {
            0..=5 => tame(rng),
            6 => f64::NAN,
            7 => f64::INFINITY,
            8 => f64::NEG_INFINITY,
            9 => sign * 0.0,
            10 => sign * max_finite(dt),
            11 => sign * min_normal(dt),
            12 => sign * min_subnormal(dt) * rng.range(1, 1000) as f64,
            13 => {
                sign * rng.pick(&[
                    127.5,
                    128.0,
                    128.5,
                    255.5,
                    256.0,
                    32767.5,
                    32768.0,
                    65535.5,
                    65536.0,
                    65504.0,
                    65520.0,
                    2147483647.5,
                    2147483648.0,
                    4294967296.0,
                    9.223372036854776e18,
                    1.8446744073709552e19,
                    0.49999999999999994,
                    2.5,
                    -0.5,
                ])
            }
            14 => sign * 2f64.powi(rng.range(-60, 60) as i32) * (1.0 + rng.unit()),
            15 => sign * 10f64.powi(rng.range(-40, 300) as i32),
            16 => rng.range(-20, 20) as f64 + 0.5,
            17 => match dt.real_type() {
                DType::Float16 => f16::from_bits(rng.next_u64() as u16).to_f64(),
                DType::Float32 => f32::from_bits(rng.next_u64() as u32) as f64,
                _ => f64::from_bits(rng.next_u64()),
            },
            _ => rng.unit() * 2e6 - 1e6,
        },
    }
}

fn max_finite(dt: DType) -> f64 {
    match dt.real_type() {
        DType::Float16 => 65504.0,
        DType::Float32 => f32::MAX as f64,
        _ => f64::MAX,
    }
}
fn min_normal(dt: DType) -> f64 {
    match dt.real_type() {
        DType::Float16 => 2f64.powi(-14),
        DType::Float32 => f32::MIN_POSITIVE as f64,
        _ => f64::MIN_POSITIVE,
    }
}
fn min_subnormal(dt: DType) -> f64 {
    match dt.real_type() {
        DType::Float16 => pow2(-24),
        DType::Float32 => pow2(-149),
        _ => pow2(-1074),
    }
}

/// `2^e` exactly (`powi` loses the subnormal range: it computes `1 / 2^-e`).
fn pow2(e: i32) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        0.0
    }
}

macro_rules! int_data {
    ($rng:expr, $shape:expr, $n:expr, $p:expr, $t:ty) => {
        NdArray::from_vec(
            $shape.clone(),
            (0..$n)
                .map(|_| gen_int($rng, <$t>::MIN as i128, <$t>::MAX as i128, $p) as $t)
                .collect::<Vec<$t>>(),
        )
    };
}

/// A fresh C-contiguous array of random data.
fn make_contig(rng: &mut Rng, dt: DType, shape: &Shape, p: Profile) -> NdArray {
    let n = shape.size();
    let r = match dt {
        DType::Bool => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| p != Profile::SmallNonNeg && rng.chance(0.5))
                .collect::<Vec<bool>>(),
        ),
        DType::Int8 => int_data!(rng, shape, n, p, i8),
        DType::Int16 => int_data!(rng, shape, n, p, i16),
        DType::Int32 => int_data!(rng, shape, n, p, i32),
        DType::Int64 => int_data!(rng, shape, n, p, i64),
        DType::UInt8 => int_data!(rng, shape, n, p, u8),
        DType::UInt16 => int_data!(rng, shape, n, p, u16),
        DType::UInt32 => int_data!(rng, shape, n, p, u32),
        DType::UInt64 => int_data!(rng, shape, n, p, u64),
        DType::Float16 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| f16::from_f64(gen_float(rng, p, dt)))
                .collect::<Vec<f16>>(),
        ),
        DType::Float32 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| gen_float(rng, p, dt) as f32)
                .collect::<Vec<f32>>(),
        ),
        DType::Float64 => NdArray::from_vec(
            shape.clone(),
            (0..n).map(|_| gen_float(rng, p, dt)).collect::<Vec<f64>>(),
        ),
        DType::Complex64 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| {
                    nf::Complex32::new(gen_float(rng, p, dt) as f32, gen_float(rng, p, dt) as f32)
                })
                .collect::<Vec<_>>(),
        ),
        DType::Complex128 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| nf::Complex64::new(gen_float(rng, p, dt), gen_float(rng, p, dt)))
                .collect::<Vec<_>>(),
        ),
    };
    r.expect("shape matches data")
}

/// A random array of `shape`, often a non-contiguous view: a stepped or reversed slice of a
/// larger array, a transpose, a broadcast (stride 0) or a diagonal.
fn make_input(rng: &mut Rng, dt: DType, shape: &Shape, p: Profile) -> NdArray {
    let nd = shape.ndim();
    let layout = if nd == 0 { 0 } else { rng.below(10) };
    match layout {
        // stepped / reversed slice of a bigger base, possibly transposed first
        4..=6 => {
            let transpose = nd >= 2 && rng.chance(0.3);
            let mut axes = Vec::with_capacity(nd);
            let mut base = Vec::with_capacity(nd);
            for &len in shape.iter() {
                let step = rng.pick(&[1isize, 1, 2, 3, -1, -1, -2]);
                let extra = rng.below(3);
                let dim = if len == 0 {
                    extra
                } else {
                    (len - 1) * step.unsigned_abs() + 1 + extra
                };
                let start = if len == 0 {
                    0
                } else if step > 0 {
                    rng.below(extra + 1)
                } else {
                    dim - 1 - rng.below(extra + 1)
                };
                axes.push(SliceAxis { start, step, len });
                base.push(dim);
            }
            if transpose {
                // base laid out with the axes reversed, then transposed back
                let rev: Vec<usize> = base.iter().rev().copied().collect();
                let b = make_contig(rng, dt, &Shape::from(rev), p).t();
                b.slice(&axes).expect("valid slice")
            } else {
                let b = make_contig(rng, dt, &Shape::from(base), p);
                b.slice(&axes).expect("valid slice")
            }
        }
        // a transpose of a contiguous array
        7 if nd >= 2 => {
            let mut perm: Vec<usize> = (0..nd).collect();
            for i in (1..nd).rev() {
                perm.swap(i, rng.below(i + 1));
            }
            // out axis i = base axis perm[i]
            let mut base = vec![0usize; nd];
            for (i, &pi) in perm.iter().enumerate() {
                base[pi] = shape[i];
            }
            make_contig(rng, dt, &Shape::from(base), p)
                .permute(&perm)
                .expect("valid permutation")
        }
        // a broadcast view (stride 0 on some axes)
        8 if shape.iter().any(|&d| d > 1) => {
            let base: Vec<usize> = shape
                .iter()
                .map(|&d| if d > 1 && rng.chance(0.5) { 1 } else { d })
                .collect();
            make_contig(rng, dt, &Shape::from(base), p)
                .broadcast_to(shape)
                .expect("valid broadcast")
        }
        // a diagonal view
        9 if nd == 1 && shape[0] <= 300 => {
            let n = shape[0];
            let k = rng.range(-2, 2);
            let side = n + k.unsigned_abs() as usize;
            make_contig(rng, dt, &Shape::from([side, side]), p)
                .diagonal(k as isize)
                .expect("valid diagonal")
        }
        _ => make_contig(rng, dt, shape, p),
    }
}

// ------------------------------------------------------------------------------------------
// Shapes
// ------------------------------------------------------------------------------------------

/// Lengths around the vector width.
const SMALL: [usize; 11] = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17];
/// Lengths around the tile sizes.
const TILE: [usize; 6] = [127, 128, 129, 255, 256, 257];

fn small_dim(rng: &mut Rng) -> usize {
    match rng.below(40) {
        0 => 0,
        1..=24 => rng.pick(&SMALL[..6]),
        _ => rng.pick(&SMALL),
    }
}

/// The main shape of a case and the largest node size it may grow to.
fn gen_shape(rng: &mut Rng) -> (Shape, usize) {
    let class = rng.below(1000);
    if class < 700 {
        let rank = rng.weighted(&[(0usize, 6), (1, 30), (2, 36), (3, 22), (4, 6)]);
        let mut dims: Vec<usize> = (0..rank).map(|_| small_dim(rng)).collect();
        while dims.iter().product::<usize>() > 2000 {
            let i = rng.below(rank);
            dims[i] = rng.pick(&SMALL[..4]);
        }
        (Shape::from(dims), 4096)
    } else if class < 880 {
        let rank = rng.range(1, 3) as usize;
        let mut dims: Vec<usize> = (0..rank).map(|_| rng.pick(&[1usize, 2, 3, 4, 5])).collect();
        let i = rng.below(rank);
        dims[i] = rng.pick(&TILE);
        (Shape::from(dims), 8192)
    } else if class < 995 {
        let total = rng.pick(&[
            1000usize, 1023, 1024, 1025, 2047, 2049, 3000, 4095, 4096, 4097,
        ]);
        let dims = match rng.below(3) {
            0 => vec![total + rng.below(3)],
            1 => {
                let a = rng.pick(&[3usize, 7, 16, 17, 31, 33, 64]);
                vec![a, total / a]
            }
            _ => {
                let a = rng.pick(&[2usize, 3, 4, 5]);
                let b = rng.pick(&[7usize, 16, 17, 33]);
                vec![a, b, total / (a * b)]
            }
        };
        (Shape::from(dims), 16384)
    } else {
        // large enough for the executor's two-thread split
        let dims = match rng.below(2) {
            0 => vec![rng.pick(&[40000usize, 50001, 65536])],
            _ => vec![rng.pick(&[200usize, 256, 301]), rng.pick(&[200usize, 257])],
        };
        (Shape::from(dims), 140_000)
    }
}

/// A shape that broadcasts with `s`: the same, some axes set to 1, or a suffix.
fn shape_variant(rng: &mut Rng, s: &Shape) -> Shape {
    let dims = s.dims();
    match rng.below(10) {
        0..=4 => s.clone(),
        5 | 6 => Shape::from(
            dims.iter()
                .map(|&d| if rng.chance(0.5) { 1 } else { d })
                .collect::<Vec<_>>(),
        ),
        7 | 8 => {
            let k = rng.below(dims.len() + 1);
            Shape::from(dims[k..].to_vec())
        }
        _ => {
            let k = rng.below(dims.len() + 1);
            Shape::from(
                dims[k..]
                    .iter()
                    .map(|&d| if rng.chance(0.5) { 1 } else { d })
                    .collect::<Vec<_>>(),
            )
        }
    }
}

// ------------------------------------------------------------------------------------------
// The generator
// ------------------------------------------------------------------------------------------

const UNARY_OPS: &[UnaryOp] = UnaryOp::ALL;
const BINARY_OPS: [BinaryOp; 27] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::FloorDiv,
    BinaryOp::Rem,
    BinaryOp::Pow,
    BinaryOp::Arctan2,
    BinaryOp::Hypot,
    BinaryOp::Maximum,
    BinaryOp::Minimum,
    BinaryOp::Fmax,
    BinaryOp::Fmin,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::LogicalAnd,
    BinaryOp::LogicalOr,
    BinaryOp::LogicalXor,
    BinaryOp::BitAnd,
    BinaryOp::BitOr,
    BinaryOp::BitXor,
    BinaryOp::Shl,
    BinaryOp::Shr,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Unary,
    Binary,
    Where,
    Clip,
    Cast,
    Slice,
    Permute,
    Reshape,
    ExpandDims,
    Squeeze,
    BroadcastTo,
    Diag,
    Copy,
    RoundNan,
    Reduce,
    Scan,
    ArgRed,
}

const KINDS: [(Kind, u32); 17] = [
    (Kind::Unary, 22),
    (Kind::Binary, 30),
    (Kind::Where, 5),
    (Kind::Clip, 3),
    (Kind::Cast, 8),
    (Kind::Slice, 7),
    (Kind::Permute, 3),
    (Kind::Reshape, 4),
    (Kind::ExpandDims, 2),
    (Kind::Squeeze, 1),
    (Kind::BroadcastTo, 2),
    (Kind::Diag, 1),
    (Kind::Copy, 1),
    (Kind::RoundNan, 1),
    (Kind::Reduce, 10),
    (Kind::Scan, 1),
    (Kind::ArgRed, 1),
];

struct Gen {
    rng: Rng,
    inputs: Vec<NdArray>,
    nodes: Vec<Spec>,
    arrs: Vec<Array>,
    uses: Vec<u32>,
    max_elems: usize,
    panic: Option<String>,
    /// The last step is a build-time error; nothing can follow it.
    ended: bool,
}

impl Gen {
    fn shape(&self, i: usize) -> &Shape {
        self.arrs[i].shape()
    }
    fn dtype(&self, i: usize) -> DType {
        self.arrs[i].dtype()
    }

    /// Builds `spec` (interpreter mode, nothing is evaluated) and keeps it if it type-checks.
    fn push(&mut self, spec: Spec) -> Option<usize> {
        let r = guarded(|| {
            let get = |i: usize| self.arrs[i].clone();
            nf::with_mode(Mode::Interpret, || apply(&spec, &get, &self.inputs))
        });
        match r {
            Ok(Ok(a)) if a.size() <= self.max_elems => {
                for i in spec.args() {
                    self.uses[i] += 1;
                }
                self.nodes.push(spec);
                self.arrs.push(a);
                self.uses.push(0);
                Some(self.nodes.len() - 1)
            }
            Ok(Err(_)) if self.rng.chance(0.01) => {
                // keep an occasional build-time error (empty max, bad axis, out-of-range weak
                // scalar, ...) as the final step: every mode must raise the same error
                self.nodes.push(spec);
                self.ended = true;
                None
            }
            Ok(_) => None,
            Err(p) => {
                self.panic.get_or_insert(format!("{p} (building {spec:?})"));
                None
            }
        }
    }

    fn new_input(&mut self, shape: &Shape, dt: DType, p: Profile) -> usize {
        let nd = make_input(&mut self.rng, dt, shape, p);
        self.inputs.push(nd);
        let k = self.inputs.len() - 1;
        self.push(Spec::Input(k)).expect("inputs always build")
    }

    fn profile(&mut self) -> Profile {
        if self.rng.chance(0.3) {
            Profile::Wild
        } else {
            Profile::Tame
        }
    }

    fn primary(&mut self) -> usize {
        let last = self.nodes.len() - 1;
        let dangling: Vec<usize> = (0..last).filter(|&i| self.uses[i] == 0).collect();
        match self.rng.below(20) {
            0..=10 => last,
            11..=16 if !dangling.is_empty() => self.rng.pick(&dangling),
            _ => self.rng.below(self.nodes.len()),
        }
    }

    fn scalar(&mut self) -> Scalar {
        let r = &mut self.rng;
        match r.below(20) {
            0..=7 => Scalar::Int(r.pick(&[
                0,
                1,
                2,
                3,
                -1,
                -2,
                5,
                7,
                10,
                100,
                -100,
                127,
                128,
                255,
                256,
                -129,
                1 << 20,
                1 << 40,
                -3,
                63,
                64,
            ])),
            8..=16 => Scalar::float(r.pick(&[
                0.5,
                -0.5,
                1.5,
                2.0,
                -3.25,
                0.0,
                -0.0,
                1e-3,
                1e10,
                3.0,
                0.1,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                1e300,
                65504.0,
                1e-310,
                2.5,
                -7.0,
                -1.0,
            ])),
            17..=18 => Scalar::Bool(r.chance(0.5)),
            _ => Scalar::complex(r.pick(&[0.0, 1.0, -2.5]), r.pick(&[0.0, 1.0, -0.5])),
        }
    }

    /// A second operand that broadcasts with node `a`.
    fn operand_for(&mut self, a: usize) -> Arg {
        let sa = self.shape(a).clone();
        match self.rng.below(20) {
            0..=5 => Arg::Scalar(self.scalar()),
            6..=12 => {
                let cands: Vec<usize> = (0..self.nodes.len())
                    .filter(|&j| j != a)
                    .filter(|&j| {
                        broadcast_shapes(&[sa.clone(), self.shape(j).clone()])
                            .is_some_and(|s| s.size() <= self.max_elems)
                    })
                    .collect();
                if cands.is_empty() {
                    return self.fresh_like(a);
                }
                let dangling: Vec<usize> = cands
                    .iter()
                    .copied()
                    .filter(|&j| self.uses[j] == 0)
                    .collect();
                if !dangling.is_empty() && self.rng.chance(0.6) {
                    Arg::Node(self.rng.pick(&dangling))
                } else {
                    Arg::Node(self.rng.pick(&cands))
                }
            }
            _ => self.fresh_like(a),
        }
    }

    fn fresh_like(&mut self, a: usize) -> Arg {
        let sa = self.shape(a).clone();
        let s = shape_variant(&mut self.rng, &sa);
        let dt = if self.rng.chance(0.4) {
            self.dtype(a)
        } else {
            random_dtype(&mut self.rng)
        };
        let p = self.profile();
        Arg::Node(self.new_input(&s, dt, p))
    }

    /// The exponent of an integer power: mostly small non-negative, rarely negative.
    fn int_exponent(&mut self, a: usize) -> Arg {
        match self.rng.below(40) {
            0..=23 => Arg::Scalar(Scalar::Int(self.rng.range(0, 6))),
            24..=35 => {
                let sa = self.shape(a).clone();
                let s = shape_variant(&mut self.rng, &sa);
                let dt = self.rng.pick(&[
                    DType::Int8,
                    DType::Int32,
                    DType::Int64,
                    DType::UInt8,
                    DType::UInt16,
                    DType::UInt64,
                ]);
                Arg::Node(self.new_input(&s, dt, Profile::SmallNonNeg))
            }
            36 => Arg::Scalar(Scalar::Int(self.rng.range(7, 70))),
            37 => Arg::Scalar(Scalar::Int(-1)),
            _ => self.operand_for(a),
        }
    }

    fn axis(&mut self, nd: usize) -> isize {
        let n = nd.max(1) as isize;
        self.rng.range(-(n as i64), n as i64 - 1) as isize
    }

    fn red_args(&mut self, nd: usize, red: Red) -> RedArgs {
        let axes = match self.rng.below(20) {
            0..=5 => None,
            6..=13 => Some(vec![self.axis(nd)]),
            14 => Some(vec![]),
            _ => {
                let mut v: Vec<isize> = Vec::new();
                for a in 0..nd as isize {
                    if self.rng.chance(0.5) {
                        v.push(if self.rng.chance(0.3) {
                            a - nd as isize
                        } else {
                            a
                        });
                    }
                }
                if v.is_empty() {
                    v.push(self.axis(nd));
                }
                for i in (1..v.len()).rev() {
                    v.swap(i, self.rng.below(i + 1));
                }
                Some(v)
            }
        };
        let dtype = match red {
            Red::Sum | Red::Prod if self.rng.chance(0.1) => Some(random_dtype(&mut self.rng)),
            Red::Mean if self.rng.chance(0.1) => {
                Some(
                    self.rng
                        .pick(&[DType::Float16, DType::Float32, DType::Float64]),
                )
            }
            _ => None,
        };
        RedArgs {
            axes,
            keepdims: self.rng.chance(0.3),
            ddof: if matches!(red, Red::Var | Red::Std) {
                self.rng.pick(&[0, 0, 1])
            } else {
                0
            },
            dtype,
        }
    }

    fn slice_args(&mut self, s: &Shape) -> Vec<SliceArg> {
        let mut args = Vec::new();
        let ellipsis = s.ndim() > 0 && self.rng.chance(0.1);
        if ellipsis {
            args.push(SliceArg::Ellipsis);
        }
        let skip = if ellipsis {
            self.rng.below(s.ndim() + 1)
        } else {
            0
        };
        for &len in &s.dims()[skip..] {
            let n = len as i64;
            let bound = |rng: &mut Rng| {
                if rng.chance(0.4) {
                    None
                } else {
                    Some(rng.range(-n - 2, n + 2) as isize)
                }
            };
            let r = &mut self.rng;
            let a = match r.below(10) {
                0..=2 => SliceArg::Slice {
                    start: None,
                    stop: None,
                    step: 1,
                },
                3 if n > 0 => SliceArg::Index(r.range(-n, n - 1) as isize),
                4..=6 => SliceArg::Slice {
                    start: bound(r),
                    stop: bound(r),
                    step: r.pick(&[1, 1, 2, 3, 5]),
                },
                _ => SliceArg::Slice {
                    start: bound(r),
                    stop: bound(r),
                    step: r.pick(&[-1, -1, -2, -3]),
                },
            };
            args.push(a);
            if self.rng.chance(0.05) {
                args.push(SliceArg::NewAxis);
            }
        }
        if !ellipsis && !args.is_empty() && self.rng.chance(0.2) {
            args.truncate(self.rng.below(args.len()));
        }
        args
    }

    fn reshape_dims(&mut self, s: &Shape) -> Vec<isize> {
        let mut d: Vec<usize> = s.dims().to_vec();
        let size = s.size();
        match self.rng.below(6) {
            0 => d = vec![size],
            1 if d.len() >= 2 => {
                let i = self.rng.below(d.len() - 1);
                let m = d[i] * d[i + 1];
                d.splice(i..i + 2, [m]);
            }
            2 if !d.is_empty() => {
                let i = self.rng.below(d.len());
                let divs: Vec<usize> = (2..d[i]).filter(|&k| d[i].is_multiple_of(k)).collect();
                if divs.is_empty() {
                    d.insert(i, 1);
                } else {
                    let k = self.rng.pick(&divs);
                    let q = d[i] / k;
                    d.splice(i..=i, [k, q]);
                }
            }
            3 => {
                let i = self.rng.below(d.len() + 1);
                d.insert(i, 1);
            }
            4 => d.retain(|&x| x != 1),
            _ => {
                // a random factorisation of the size
                let mut factors = Vec::new();
                let mut m = size;
                let mut p = 2;
                while m > 1 && p * p <= m {
                    while m.is_multiple_of(p) {
                        factors.push(p);
                        m /= p;
                    }
                    p += 1;
                }
                if m > 1 || size == 0 {
                    factors.push(m);
                }
                let rank = self.rng.range(1, 4) as usize;
                d = vec![1; rank];
                for f in factors {
                    let i = self.rng.below(rank);
                    d[i] *= f;
                }
            }
        }
        let mut out: Vec<isize> = d.iter().map(|&x| x as isize).collect();
        if !out.is_empty() && size > 0 && self.rng.chance(0.3) {
            let i = self.rng.below(out.len());
            out[i] = -1;
        }
        out
    }

    /// One random step; false if the chosen call did not type-check.
    fn step(&mut self) -> bool {
        let a = self.primary();
        let sa = self.shape(a).clone();
        let nd = sa.ndim();
        let kind = self.rng.weighted(&KINDS);
        let spec = match kind {
            Kind::Unary => Spec::Unary(self.rng.pick(UNARY_OPS), a),
            Kind::Binary => {
                let op = self.rng.pick(&BINARY_OPS);
                let int_pow = op == BinaryOp::Pow && !self.dtype(a).is_inexact();
                let b = if int_pow {
                    self.int_exponent(a)
                } else {
                    self.operand_for(a)
                };
                if !int_pow && self.rng.chance(0.2) {
                    Spec::Binary(op, b, Arg::Node(a))
                } else {
                    Spec::Binary(op, Arg::Node(a), b)
                }
            }
            Kind::Where => {
                let x = self.operand_for(a);
                let y = self.operand_for(a);
                if self.rng.chance(0.7) {
                    Spec::Where(Arg::Node(a), x, y)
                } else {
                    let c = self.operand_for(a);
                    Spec::Where(c, Arg::Node(a), x)
                }
            }
            Kind::Clip => {
                let lo = self.operand_for(a);
                let hi = self.operand_for(a);
                Spec::Clip(a, lo, hi)
            }
            Kind::Cast => Spec::Cast(a, random_dtype(&mut self.rng)),
            Kind::Slice => Spec::Slice(a, self.slice_args(&sa)),
            Kind::Permute => {
                let mut p: Vec<isize> = (0..nd as isize).collect();
                for i in (1..nd).rev() {
                    p.swap(i, self.rng.below(i + 1));
                }
                for x in p.iter_mut() {
                    if self.rng.chance(0.2) {
                        *x -= nd as isize;
                    }
                }
                Spec::Permute(a, p)
            }
            Kind::Reshape => Spec::Reshape(a, self.reshape_dims(&sa)),
            Kind::ExpandDims => Spec::ExpandDims(a, self.axis(nd + 1)),
            Kind::Squeeze => {
                let ones: Vec<usize> = (0..nd).filter(|&i| sa[i] == 1).collect();
                if ones.is_empty() || self.rng.chance(0.4) {
                    Spec::Squeeze(a, None)
                } else {
                    Spec::Squeeze(a, Some(self.rng.pick(&ones) as isize))
                }
            }
            Kind::BroadcastTo => {
                let mut t: Vec<usize> = (0..self.rng.below(3))
                    .map(|_| self.rng.pick(&SMALL[..5]))
                    .collect();
                for &d in sa.iter() {
                    t.push(if d == 1 && self.rng.chance(0.6) {
                        self.rng.pick(&SMALL[..7])
                    } else {
                        d
                    });
                }
                Spec::BroadcastTo(a, t)
            }
            Kind::Diag => {
                if nd == 1 && sa[0] > 40 {
                    return false;
                }
                Spec::Diag(a, self.rng.range(-3, 3) as isize)
            }
            Kind::Copy => Spec::Copy(a),
            Kind::RoundNan => {
                if self.rng.chance(0.6) {
                    Spec::Round(a, self.rng.pick(&[0, 0, 1, 2, -1]))
                } else {
                    Spec::NanToNum(a)
                }
            }
            Kind::Reduce => {
                let red = self.rng.pick(&[
                    Red::Sum,
                    Red::Sum,
                    Red::Prod,
                    Red::Max,
                    Red::Min,
                    Red::Any,
                    Red::All,
                    Red::Mean,
                    Red::Var,
                    Red::Std,
                ]);
                let args = self.red_args(nd, red);
                Spec::Reduce(red, a, args)
            }
            Kind::Scan => Spec::Scan {
                prod: self.rng.chance(0.4),
                arg: a,
                axis: if self.rng.chance(0.4) {
                    None
                } else {
                    Some(self.axis(nd))
                },
            },
            Kind::ArgRed => Spec::ArgRed {
                min: self.rng.chance(0.5),
                arg: a,
                axis: if self.rng.chance(0.3) {
                    None
                } else {
                    Some(self.axis(nd))
                },
            },
        };
        self.push(spec).is_some()
    }

    /// Joins a dangling node into the output so that more of the program is checked.
    fn join_dangling(&mut self) {
        let last = self.nodes.len() - 1;
        let sl = self.shape(last).clone();
        let cands: Vec<usize> = (0..last)
            .filter(|&j| self.uses[j] == 0)
            .filter(|&j| broadcast_shapes(&[sl.clone(), self.shape(j).clone()]).is_some())
            .collect();
        if cands.is_empty() {
            return;
        }
        let j = self.rng.pick(&cands);
        let spec = match self.rng.below(6) {
            0 => Spec::Where(Arg::Node(j), Arg::Node(last), Arg::Scalar(self.scalar())),
            _ => Spec::Binary(
                self.rng.pick(&[
                    BinaryOp::Add,
                    BinaryOp::Mul,
                    BinaryOp::Maximum,
                    BinaryOp::Sub,
                    BinaryOp::Ne,
                    BinaryOp::BitXor,
                ]),
                Arg::Node(last),
                Arg::Node(j),
            ),
        };
        self.push(spec);
    }
}

/// Generates case `index` of the run with `seed`. `Err` carries a panic raised while
/// building (type-checking) the program in interpreter mode.
pub fn generate(seed: u64, index: u64) -> Result<Case, (Case, String)> {
    let mut rng = Rng::new(case_seed(seed, index));
    let (shape, max_elems) = gen_shape(&mut rng);
    let huge = max_elems > 20_000;
    let mut g = Gen {
        rng,
        inputs: Vec::new(),
        nodes: Vec::new(),
        arrs: Vec::new(),
        uses: Vec::new(),
        max_elems,
        panic: None,
        ended: false,
    };
    let dt = random_dtype(&mut g.rng);
    let p = g.profile();
    g.new_input(&shape, dt, p);
    if g.rng.chance(0.4) {
        let s = shape_variant(&mut g.rng, &shape);
        let dt = random_dtype(&mut g.rng);
        let p = g.profile();
        g.new_input(&s, dt, p);
    }
    let n_ops = if huge {
        g.rng.range(1, 3)
    } else {
        match g.rng.below(20) {
            0..=7 => g.rng.range(1, 3),
            8..=16 => g.rng.range(4, 8),
            _ => g.rng.range(9, 16),
        }
    };
    for _ in 0..n_ops {
        for _attempt in 0..12 {
            if g.ended || g.step() {
                break;
            }
        }
    }
    for _ in 0..2 {
        if !g.ended && g.rng.chance(0.5) {
            g.join_dangling();
        }
    }
    let case = Case {
        inputs: g.inputs,
        nodes: g.nodes,
    }
    .compact();
    match g.panic {
        Some(p) => Err((case, p)),
        None => Ok(case),
    }
}

// ------------------------------------------------------------------------------------------
// Values, ulps and deviations
// ------------------------------------------------------------------------------------------

fn comps(v: Value) -> (f64, f64) {
    match v {
        Value::Bool(b) => (b as u8 as f64, 0.0),
        Value::I8(x) => (x as f64, 0.0),
        Value::U8(x) => (x as f64, 0.0),
        Value::I16(x) => (x as f64, 0.0),
        Value::U16(x) => (x as f64, 0.0),
        Value::I32(x) => (x as f64, 0.0),
        Value::U32(x) => (x as f64, 0.0),
        Value::I64(x) => (x as f64, 0.0),
        Value::U64(x) => (x as f64, 0.0),
        Value::F16(x) => (x.to_f64(), 0.0),
        Value::F32(x) => (x as f64, 0.0),
        Value::F64(x) => (x, 0.0),
        Value::C64(z) => (z.re as f64, z.im as f64),
        Value::C128(z) => (z.re, z.im),
    }
}

/// Bitwise equality with every NaN equal to every NaN.
fn exact_eq(a: Value, b: Value) -> bool {
    fn f32eq(x: f32, y: f32) -> bool {
        (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits()
    }
    fn f64eq(x: f64, y: f64) -> bool {
        (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits()
    }
    match (a, b) {
        (Value::F16(x), Value::F16(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (Value::F32(x), Value::F32(y)) => f32eq(x, y),
        (Value::F64(x), Value::F64(y)) => f64eq(x, y),
        (Value::C64(x), Value::C64(y)) => f32eq(x.re, y.re) && f32eq(x.im, y.im),
        (Value::C128(x), Value::C128(y)) => f64eq(x.re, y.re) && f64eq(x.im, y.im),
        _ => a == b,
    }
}

fn comp_dev(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() && b.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if a == b {
        return 0.0;
    }
    if a.is_infinite() || b.is_infinite() {
        return f64::INFINITY;
    }
    (a - b).abs()
}

/// The exact value of an integer or bool element.
fn int_of(v: Value) -> Option<i128> {
    Some(match v {
        Value::Bool(b) => b as i128,
        Value::I8(x) => x as i128,
        Value::U8(x) => x as i128,
        Value::I16(x) => x as i128,
        Value::U16(x) => x as i128,
        Value::I32(x) => x as i128,
        Value::U32(x) => x as i128,
        Value::I64(x) => x as i128,
        Value::U64(x) => x as i128,
        _ => return None,
    })
}

/// How far apart two values are (NaN vs NaN = 0, NaN vs number = ∞, per component max;
/// integers exactly).
fn deviation(a: Value, b: Value) -> f64 {
    if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
        return (x - y).unsigned_abs() as f64;
    }
    let (ar, ai) = comps(a);
    let (br, bi) = comps(b);
    comp_dev(ar, br).max(comp_dev(ai, bi))
}

/// The spacing of `dt`'s floats at magnitude `x` (0 for exact dtypes).
fn spacing(x: f64, dt: DType) -> f64 {
    let (mant, emin) = match dt.real_type() {
        DType::Float16 => (10, -14),
        DType::Float32 => (23, -126),
        DType::Float64 => (52, -1022),
        _ => return 0.0,
    };
    let a = x.abs();
    if !a.is_finite() {
        return 0.0;
    }
    let e = if a == 0.0 {
        emin
    } else {
        (a.log2().floor() as i32).max(emin)
    };
    pow2(e - mant)
}

fn eps(dt: DType) -> f64 {
    spacing(1.0, dt)
}

fn ulp_of(v: Value, dt: DType) -> f64 {
    let (r, i) = comps(v);
    spacing(r.abs().max(i.abs()), dt)
}

fn magnitudes(nd: &NdArray) -> Vec<f64> {
    nd.values()
        .into_iter()
        .map(|v| {
            let (r, i) = comps(v);
            r.hypot(i)
        })
        .collect()
}

fn fmt_value(v: Value) -> String {
    fn f(x: f64) -> String {
        if x.is_nan() {
            "nan".into()
        } else {
            format!("{x:?}")
        }
    }
    match v {
        Value::F16(x) => format!("{} (0x{:04x})", f(x.to_f64()), x.to_bits()),
        Value::F32(x) => format!("{} (0x{:08x})", f(x as f64), x.to_bits()),
        Value::F64(x) => format!("{} (0x{:016x})", f(x), x.to_bits()),
        Value::C64(z) => format!(
            "({}{:+}j) (0x{:08x}, 0x{:08x})",
            f(z.re as f64),
            z.im,
            z.re.to_bits(),
            z.im.to_bits()
        ),
        Value::C128(z) => format!(
            "({}{:+}j) (0x{:016x}, 0x{:016x})",
            f(z.re),
            z.im,
            z.re.to_bits(),
            z.im.to_bits()
        ),
        v => format!("{v}"),
    }
}

fn fmt_value_short(v: Value) -> String {
    match v {
        Value::F16(x) => format!("{:?}", x.to_f32()),
        Value::F32(x) => format!("{x:?}"),
        Value::F64(x) => format!("{x:?}"),
        Value::C64(z) => format!("({:?}{:+?}j)", z.re, z.im),
        Value::C128(z) => format!("({:?}{:+?}j)", z.re, z.im),
        v => format!("{v}"),
    }
}

fn unravel(mut flat: usize, shape: &Shape) -> Vec<usize> {
    let mut idx = vec![0; shape.ndim()];
    for (k, &d) in shape.iter().enumerate().rev() {
        if d > 0 {
            idx[k] = flat % d;
            flat /= d;
        }
    }
    idx
}

// ------------------------------------------------------------------------------------------
// Tolerances: where the JIT may legitimately differ from the interpreter
// ------------------------------------------------------------------------------------------

/// Transcendental ufuncs: the JIT may use its own approximations (≤ 4 ulp).
fn is_transcendental(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Cbrt | Exp
            | Exp2
            | Expm1
            | Log
            | Log2
            | Log10
            | Log1p
            | Sin
            | Cos
            | Tan
            | Arcsin
            | Arccos
            | Arctan
            | Sinh
            | Cosh
            | Tanh
            | Arcsinh
            | Arccosh
            | Arctanh
    )
}

/// The ulps (of the result dtype) by which one step may differ on identical inputs.
pub const TRANSCENDENTAL_ULPS: f64 = 4.0;

/// Known, deliberately tolerated difference: the sign of a zero produced by a `max`/`min`
/// *reduction* over a group holding both `0.0` and `-0.0`. `maximum(-0.0, 0.0)` returns its
/// first argument, so the result depends on the order of the comparisons; the JIT's vector
/// lanes compare in a different order than the interpreter's loop (NumPy's SIMD loops are
/// order-dependent the same way). Only the zero's sign is tolerated (one subnormal ulp at 0).
pub const ALLOW_ZERO_SIGN_IN_MAX_MIN: bool = true;

fn own_ulps(spec: &Spec, arg_dt: &dyn Fn(usize) -> DType, out: DType) -> f64 {
    match spec {
        Spec::Unary(op, a) => {
            let cplx = arg_dt(*a).is_complex();
            if (is_transcendental(*op) && out.is_inexact())
                || (cplx
                    && matches!(
                        op,
                        UnaryOp::Abs
                            | UnaryOp::Sqrt
                            | UnaryOp::Square
                            | UnaryOp::Reciprocal
                            | UnaryOp::Sign
                    ))
            {
                TRANSCENDENTAL_ULPS
            } else {
                0.0
            }
        }
        Spec::Binary(op, ..) => match op {
            BinaryOp::Pow | BinaryOp::Arctan2 | BinaryOp::Hypot if out.is_inexact() => {
                TRANSCENDENTAL_ULPS
            }
            BinaryOp::Mul | BinaryOp::Div if out.is_complex() => TRANSCENDENTAL_ULPS,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

/// The outcome of evaluating the program step by step (NumPy's eager model): the first
/// error in step order, which is what `Mode::Eager` raises when a program has both a
/// data-dependent error and a later build-time error.
fn stepwise_outcome(case: &Case) -> Outcome {
    let mut refs: Vec<NdArray> = Vec::with_capacity(case.nodes.len());
    for spec in &case.nodes {
        let r = guarded(|| {
            nf::with_mode(Mode::Interpret, || {
                let get = |i: usize| Array::from_ndarray(&refs[i]);
                apply(spec, &get, &case.inputs).and_then(|a| a.try_eval())
            })
        });
        match r {
            Ok(Ok(v)) => refs.push(v),
            Ok(Err(e)) => return Outcome::Error(e),
            Err(p) => return Outcome::Panic(p),
        }
    }
    match refs.pop() {
        Some(v) => Outcome::Value(v),
        None => Outcome::Error(Error::Value("empty program".into())),
    }
}

/// Whether a step may differ between engines even on identical inputs (summation order,
/// approximations of transcendental functions).
fn inexact_step(spec: &Spec, arg_dt: &dyn Fn(usize) -> DType, out: DType) -> bool {
    match spec {
        Spec::Reduce(r, a, args) => match r {
            Red::Sum | Red::Prod => out.is_inexact() || arg_dt(*a).is_inexact(),
            Red::Mean | Red::Var | Red::Std => true,
            // the sign of a zero maximum/minimum depends on the comparison order
            Red::Max | Red::Min => ALLOW_ZERO_SIGN_IN_MAX_MIN && out.is_inexact(),
            _ => args.dtype.is_some(),
        },
        Spec::Scan { .. } => out.is_inexact(),
        s => own_ulps(s, arg_dt, out) > 0.0,
    }
}

/// The interpreter's value of every step, evaluated step by step from concrete leaves
/// (`None` from the first error on).
pub fn reference_values(case: &Case) -> Vec<Option<NdArray>> {
    let mut refs: Vec<Option<NdArray>> = Vec::with_capacity(case.nodes.len());
    let mut failed = false;
    for spec in &case.nodes {
        if failed {
            refs.push(None);
            continue;
        }
        let r = guarded(|| {
            nf::with_mode(Mode::Interpret, || {
                let get = |i: usize| Array::from_ndarray(refs[i].as_ref().expect("earlier value"));
                apply(spec, &get, &case.inputs).and_then(|a| a.try_eval())
            })
        });
        match r {
            Ok(Ok(v)) => refs.push(Some(v)),
            _ => {
                failed = true;
                refs.push(None);
            }
        }
    }
    refs
}

/// Per-element absolute error bounds of every step (`None` = exact, compare bit for bit) and
/// whether a data-dependent error (negative integer power) may legitimately differ.
pub struct Tolerances {
    /// Bounds per step, in C order of the step's shape.
    pub bounds: Vec<Option<Vec<f64>>>,
    /// Whether an engine may raise an error where another does not.
    pub error_possible: Vec<bool>,
}

fn leaf_f64(shape: &Shape, v: Vec<f64>) -> Array {
    Array::from_ndarray(&NdArray::from_vec(shape.clone(), v).expect("sizes match"))
}

fn eval_f64(a: nf::Result<Array>) -> Option<Vec<f64>> {
    let nd = a.and_then(|a| a.try_eval()).ok()?;
    if nd.dtype() == DType::Float64 {
        nd.to_vec::<f64>().ok()
    } else {
        Some(nd.values().into_iter().map(|v| comps(v).0).collect())
    }
}

/// A corner of an operand's error box.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Corner {
    /// Every element moved by `(re, im) × bound` (integers rounded away from the centre and
    /// clamped; bools flipped when the bound is ≥ ½ and `re > 0`).
    Scale(f64, f64),
    /// Elements whose box contains 0 set to 0 (steps at zero: casts to bool, `sign`, `x / y`).
    Zero,
}

/// A copy of `nd` moved to a corner of its error box `e`.
fn perturb(nd: &NdArray, e: &[f64], corner: Corner) -> NdArray {
    let vals = nd.values();
    let dt = nd.dtype();
    let out = NdArray::zeros(nd.shape().clone(), dt);
    let flat = out
        .reshape(&Shape::from([nd.size()]))
        .expect("contiguous reshape");
    for (k, (&v, &ek)) in vals.iter().zip(e).enumerate() {
        let nv = if ek == 0.0 || !ek.is_finite() {
            v
        } else {
            match corner {
                Corner::Zero => {
                    let (r, i) = comps(v);
                    if r.hypot(i) <= ek {
                        Value::Bool(false).cast(dt)
                    } else {
                        v
                    }
                }
                Corner::Scale(fre, fim) => match v {
                    Value::Bool(b) => Value::Bool(if ek >= 0.5 && fre > 0.0 { !b } else { b }),
                    Value::F16(_) | Value::F32(_) | Value::F64(_) => {
                        Value::F64(comps(v).0 + fre * ek).cast(dt)
                    }
                    Value::C64(_) | Value::C128(_) => {
                        let (r, i) = comps(v);
                        Value::C128(nf::Complex64::new(r + fre * ek, i + fim * ek)).cast(dt)
                    }
                    _ => {
                        let (lo, hi) = dt.integer_range().expect("integer dtype");
                        let x = int_of(v).expect("integer value");
                        let mag = (fre * ek).abs().ceil().min(1e30) as i128;
                        let d = if fre < 0.0 { -mag } else { mag };
                        int_value(x.saturating_add(d).clamp(lo, hi), dt)
                    }
                },
            }
        };
        flat.set(&[k as isize], nv).expect("in bounds");
    }
    out
}

fn int_value(x: i128, dt: DType) -> Value {
    match dt {
        DType::Int8 => Value::I8(x as i8),
        DType::Int16 => Value::I16(x as i16),
        DType::Int32 => Value::I32(x as i32),
        DType::Int64 => Value::I64(x as i64),
        DType::UInt8 => Value::U8(x as u8),
        DType::UInt16 => Value::U16(x as u16),
        DType::UInt32 => Value::U32(x as u32),
        _ => Value::U64(x as u64),
    }
}

/// The corners tried per tainted operand.
fn corners(dt: DType, many: bool) -> Vec<Corner> {
    let s = |r: f64, i: f64| Corner::Scale(r, i);
    let mut c = if dt.is_complex() {
        let mut c = vec![s(1.0, 1.0), s(1.0, -1.0), s(-1.0, 1.0), s(-1.0, -1.0)];
        if !many {
            c.extend([s(0.5, 0.5), s(-0.5, -0.5), s(1.0, 0.0), s(0.0, 1.0)]);
        }
        c
    } else if dt.is_bool() {
        return vec![s(1.0, 0.0)];
    } else if many {
        vec![s(-1.0, 0.0), s(1.0, 0.0)]
    } else {
        vec![s(-1.0, 0.0), s(1.0, 0.0), s(-0.5, 0.0), s(0.5, 0.0)]
    };
    c.push(Corner::Zero);
    c
}

/// Error bounds of every step (see the module docs).
pub fn tolerances(case: &Case, refs: &[Option<NdArray>]) -> Tolerances {
    let n = case.nodes.len();
    let mut bounds: Vec<Option<Vec<f64>>> = Vec::with_capacity(n);
    let mut errp = vec![false; n];
    for i in 0..n {
        let Some(r) = refs[i].as_ref() else {
            bounds.push(None);
            continue;
        };
        let spec = &case.nodes[i];
        let args = spec.args();
        errp[i] = args.iter().any(|&a| errp[a]);
        let dt_of = |j: usize| refs[j].as_ref().map(|v| v.dtype()).unwrap_or(DType::Bool);
        let b = nf::with_mode(Mode::Interpret, || match spec {
            Spec::Input(_) => None,
            s if s.is_movement() => {
                let a = args[0];
                bounds[a].as_ref().map(|ea| {
                    let src = refs[a].as_ref().expect("value");
                    let get = |_: usize| leaf_f64(src.shape(), ea.clone());
                    eval_f64(apply(s, &get, &case.inputs))
                        .unwrap_or_else(|| vec![f64::INFINITY; r.size()])
                })
            }
            Spec::Reduce(red, a, ra) => {
                let x = refs[*a].as_ref().expect("value");
                reduce_bound(*red, ra, x, bounds[*a].as_deref(), r)
            }
            Spec::Scan { prod, arg, axis } => {
                let x = refs[*arg].as_ref().expect("value");
                scan_bound(*prod, *axis, x, bounds[*arg].as_deref(), r)
            }
            Spec::ArgRed { arg, axis, .. } => bounds[*arg].as_ref().map(|ea| {
                let x = refs[*arg].as_ref().expect("value");
                let ax = Axes::from(*axis);
                tainted_groups(&leaf_f64(x.shape(), ea.clone()).try_max(ax), r.size())
            }),
            _ => {
                let own = own_ulps(spec, &dt_of, r.dtype());
                let (b, e) = elementwise_bound(case, i, refs, &bounds, own);
                errp[i] |= e;
                b
            }
        });
        let b = b.map(|mut v| {
            for x in v.iter_mut() {
                if x.is_nan() {
                    *x = f64::INFINITY;
                }
            }
            v
        });
        bounds.push(b.filter(|v| v.iter().any(|&x| x != 0.0)));
    }
    Tolerances {
        bounds,
        error_possible: errp,
    }
}

/// `∞` for every output whose reduction group has a nonzero bound, else 0.
fn tainted_groups(max_bound: &nf::Result<Array>, size: usize) -> Vec<f64> {
    match max_bound
        .clone()
        .ok()
        .and_then(|m| eval_f64(Ok(m)))
        .filter(|v| v.len() == size)
    {
        Some(v) => v
            .into_iter()
            .map(|x| if x > 0.0 { f64::INFINITY } else { 0.0 })
            .collect(),
        None => vec![f64::INFINITY; size],
    }
}

/// Bounds of an elementwise step: the step re-evaluated at the corners of its operands' error
/// boxes (`2 × the largest deviation + ulps`).
fn elementwise_bound(
    case: &Case,
    i: usize,
    refs: &[Option<NdArray>],
    bounds: &[Option<Vec<f64>>],
    own: f64,
) -> (Option<Vec<f64>>, bool) {
    let spec = &case.nodes[i];
    let r = refs[i].as_ref().expect("value");
    let out_dt = r.dtype();
    let rv = r.values();
    let mut tainted: Vec<usize> = spec
        .args()
        .into_iter()
        .filter(|&a| bounds[a].is_some())
        .collect();
    tainted.sort_unstable();
    tainted.dedup();
    let base = |k: usize| -> f64 {
        if out_dt.is_inexact() {
            own * ulp_of(rv[k], out_dt)
        } else {
            0.0
        }
    };
    if tainted.is_empty() {
        if own == 0.0 {
            return (None, false);
        }
        return (Some((0..rv.len()).map(base).collect()), false);
    }
    let n = rv.len();
    let mut dev = vec![0.0f64; n];
    let mut err = false;
    // the operands' bounds at each output element
    let mut largest = vec![0.0f64; n];
    for &a in &tainted {
        let ea = bounds[a].as_ref().expect("tainted");
        let src = refs[a].as_ref().expect("value");
        let b = leaf_f64(src.shape(), ea.clone()).try_broadcast_to(r.shape().clone());
        match eval_f64(b) {
            Some(v) if v.len() == n => {
                for (l, x) in largest.iter_mut().zip(v) {
                    *l = l.max(x);
                }
            }
            _ => largest.iter_mut().for_each(|l| *l = f64::INFINITY),
        }
    }
    // elements fed by an unbounded input are unbounded; periodic and sawtooth functions of a
    // wide interval (compared with the period) may take any value
    let bcast = |shape: &Shape, v: Vec<f64>| {
        eval_f64(leaf_f64(shape, v).try_broadcast_to(r.shape().clone())).filter(|v| v.len() == n)
    };
    let arg_mag = |a: &Arg| match a {
        Arg::Scalar(s) => vec![s.as_f64().hypot(s.imag_f64()); n],
        Arg::Node(j) => {
            let src = refs[*j].as_ref().expect("value");
            bcast(src.shape(), magnitudes(src)).unwrap_or_else(|| vec![f64::NAN; n])
        }
    };
    let arg_bound = |a: &Arg| match a {
        Arg::Node(j) => match &bounds[*j] {
            Some(e) => {
                let src = refs[*j].as_ref().expect("value");
                bcast(src.shape(), e.clone()).unwrap_or_else(|| vec![f64::INFINITY; n])
            }
            None => vec![0.0; n],
        },
        Arg::Scalar(_) => vec![0.0; n],
    };
    // the error of the "phase" (argument / period) at each element
    let phase_error: Option<Vec<f64>> = match spec {
        Spec::Unary(UnaryOp::Sin | UnaryOp::Cos, _) => Some(largest.clone()),
        // tan: also unbounded when the interval may hold a pole (|cos x| small)
        Spec::Unary(UnaryOp::Tan, a) => {
            let x: Vec<f64> = refs[*a]
                .as_ref()
                .expect("value")
                .values()
                .into_iter()
                .map(|v| comps(v).0)
                .collect();
            Some(
                (0..n)
                    .map(|k| largest[k] / x.get(k).map_or(0.0, |x| x.cos().abs()).min(1.0))
                    .collect(),
            )
        }
        // x mod y: a change of x by ex or of y by ey moves x/y by (ex + ey·|x/y|) / |y|
        Spec::Binary(BinaryOp::Rem, a, b) => {
            let (ma, mb, ea, eb) = (arg_mag(a), arg_mag(b), arg_bound(a), arg_bound(b));
            Some(
                (0..n)
                    .map(|k| (ea[k] + eb[k] * ma[k] / mb[k]) / mb[k])
                    .collect(),
            )
        }
        // casts to integers wrap (period 2^bits)
        Spec::Cast(_, to) if to.is_integer() => Some(
            largest
                .iter()
                .map(|&l| l / 2f64.powi(to.bits() as i32))
                .collect(),
        ),
        // wrapping products and bit operations of an uncertain integer: any value
        Spec::Binary(
            BinaryOp::Mul
            | BinaryOp::Pow
            | BinaryOp::Shl
            | BinaryOp::Shr
            | BinaryOp::BitAnd
            | BinaryOp::BitOr
            | BinaryOp::BitXor,
            ..,
        )
        | Spec::Unary(UnaryOp::Square, _)
            if out_dt.is_integer() =>
        {
            Some(vec![f64::INFINITY; n])
        }
        _ => None,
    };
    for (k, (d, &l)) in dev.iter_mut().zip(&largest).enumerate() {
        let wide = phase_error
            .as_ref()
            .is_some_and(|p| p[k].is_nan() || p[k] >= 0.25);
        if !l.is_finite() || (l > 0.0 && wide) {
            *d = f64::INFINITY;
        }
    }
    // `==` / `!=` only change on a set of measure zero: test `<` and `>` at the corners instead
    let probes: Vec<Spec> = match spec {
        Spec::Binary(BinaryOp::Eq | BinaryOp::Ne, x, y) => vec![
            spec.clone(),
            Spec::Binary(BinaryOp::Lt, x.clone(), y.clone()),
            Spec::Binary(BinaryOp::Gt, x.clone(), y.clone()),
        ],
        s => vec![s.clone()],
    };
    let centres: Vec<Vec<Value>> = probes
        .iter()
        .map(|p| {
            let get = |j: usize| Array::from_ndarray(refs[j].as_ref().expect("value"));
            guarded(|| apply(p, &get, &case.inputs).and_then(|a| a.try_eval()))
                .ok()
                .and_then(|o| o.ok())
                .map(|o| o.values())
                .unwrap_or_default()
        })
        .collect();
    let many = tainted.len() > 2;
    let options: Vec<Vec<Option<Corner>>> = tainted
        .iter()
        .map(|&a| {
            let dt = refs[a].as_ref().expect("value").dtype();
            std::iter::once(None)
                .chain(corners(dt, many).into_iter().map(Some))
                .collect()
        })
        .collect();
    let total: usize = options.iter().map(|o| o.len()).product();
    for combo in 1..total {
        let mut c = combo;
        let mut leaves: Vec<(usize, NdArray)> = Vec::new();
        for (t, &a) in tainted.iter().enumerate() {
            let k = c % options[t].len();
            c /= options[t].len();
            if let Some(corner) = options[t][k] {
                let src = refs[a].as_ref().expect("value");
                let ea = bounds[a].as_ref().expect("tainted");
                leaves.push((a, perturb(src, ea, corner)));
            }
        }
        let get = |j: usize| {
            let nd = leaves
                .iter()
                .find(|(a, _)| *a == j)
                .map(|(_, v)| v)
                .unwrap_or_else(|| refs[j].as_ref().expect("value"));
            Array::from_ndarray(nd)
        };
        for (p, centre) in probes.iter().zip(&centres) {
            let out = guarded(|| apply(p, &get, &case.inputs).and_then(|a| a.try_eval()));
            match out {
                Ok(Ok(o)) if o.shape() == r.shape() && centre.len() == n => {
                    for (k, v) in o.values().into_iter().enumerate() {
                        dev[k] = dev[k].max(deviation(v, centre[k]));
                    }
                }
                _ => {
                    err = true;
                    dev.iter_mut().for_each(|d| *d = f64::INFINITY);
                }
            }
        }
    }
    let b = (0..n)
        .map(|k| {
            if out_dt.is_inexact() {
                2.0 * dev[k] + base(k) + ulp_of(rv[k], out_dt)
            } else {
                2.0 * dev[k]
            }
        })
        .collect();
    (Some(b), err)
}

/// Per-group sums of `f(x)` over a reduction's groups, as f64.
fn group_sum(x: &NdArray, ra: &RedArgs, keep: bool, f: impl Fn(f64) -> f64) -> Option<Vec<f64>> {
    let v: Vec<f64> = magnitudes(x).into_iter().map(f).collect();
    eval_f64(leaf_f64(x.shape(), v).try_sum(ra.plain(keep)))
}

/// Whether some order of multiplying a group's elements may overflow (or underflow and then
/// be scaled up): the products of the factors above and below 1 in magnitude.
fn product_unstable(up: f64, down: f64, dt: DType) -> bool {
    let top = max_finite(dt).log2();
    let bottom = min_normal(dt).log2();
    up > top || (down < bottom && up > 0.0) || up.is_nan() || down.is_nan()
}

/// Whether a sum of magnitudes stays below the largest finite value (false for NaN).
fn fits(total: f64, dt: DType) -> bool {
    total <= max_finite(dt)
}

fn log_up(m: f64) -> f64 {
    if m > 1.0 {
        m.log2()
    } else {
        0.0
    }
}
fn log_down(m: f64) -> f64 {
    if m > 0.0 && m < 1.0 {
        m.log2()
    } else {
        0.0
    }
}

/// Bounds of a reduction: sums `Σ E + n·eps·Σ|x| + ulp` (unbounded where a partial sum may
/// overflow), products by interval arithmetic (unbounded where a partial product may overflow),
/// max/min the largest input bound (and the sign of a zero), any/all/arg* unbounded in groups
/// with any inexact input, mean/var/std by their formulas.
fn reduce_bound(
    red: Red,
    ra: &RedArgs,
    x: &NdArray,
    ex: Option<&[f64]>,
    r: &NdArray,
) -> Option<Vec<f64>> {
    let m = r.size();
    let inf = vec![f64::INFINITY; m];
    let n = x.size().checked_div(m).unwrap_or(0);
    let nf_ = n as f64;
    let out = r.dtype();
    let rv = r.values();
    let xs = leaf_f64(x.shape(), magnitudes(x));
    let ex_leaf = ex.map(|e| leaf_f64(x.shape(), e.to_vec()));
    let sum = |a: &Array, keep: bool| eval_f64(a.try_sum(ra.plain(keep)));
    let ulp = |k: usize, dt: DType| ulp_of(rv[k], dt);
    if ra.dtype.is_some() && ex.is_some() {
        return Some(inf);
    }
    let overflow = |total: f64, dt: DType| !fits(total, dt);
    let bound = match red {
        Red::Sum => {
            let se = ex_leaf.as_ref().map(|e| sum(e, ra.keepdims));
            if !out.is_inexact() {
                return se.map(|s| s.unwrap_or(inf));
            }
            let sx = sum(&xs, ra.keepdims)?;
            let se = se.flatten().unwrap_or_else(|| vec![0.0; m]);
            (0..m)
                .map(|k| {
                    if overflow(sx[k] + se[k], out) {
                        f64::INFINITY
                    } else {
                        se[k] + nf_ * eps(out) * sx[k] + ulp(k, out)
                    }
                })
                .collect()
        }
        Red::Prod => {
            if !out.is_inexact() {
                return ex_leaf.map(|e| tainted_groups(&e.try_sum(ra.plain(ra.keepdims)), m));
            }
            let p0 = eval_f64(xs.try_prod(ra.plain(ra.keepdims)))?;
            let p1 = match &ex_leaf {
                Some(e) => {
                    eval_f64(nf::try_add(&xs, e).and_then(|s| s.try_prod(ra.plain(ra.keepdims))))?
                }
                None => p0.clone(),
            };
            let up = group_sum(x, ra, ra.keepdims, log_up)?;
            let down = group_sum(x, ra, ra.keepdims, log_down)?;
            let h = nf_ * eps(out) / 2.0;
            (0..m)
                .map(|k| {
                    if product_unstable(up[k], down[k], out) {
                        f64::INFINITY
                    } else {
                        p1[k] * h.exp() - p0[k] * (-h).exp()
                            + ulp(k, out)
                            + if down[k] < min_normal(out).log2() {
                                nf_ * spacing(0.0, out)
                            } else {
                                0.0
                            }
                    }
                })
                .collect()
        }
        Red::Max | Red::Min => {
            // the sign of a zero result depends on the order of comparisons (max(-0.0, 0.0))
            let zero_sign: Vec<f64> = (0..m)
                .map(|k| {
                    let (re, im) = comps(rv[k]);
                    if ALLOW_ZERO_SIGN_IN_MAX_MIN
                        && out.is_inexact()
                        && (re == 0.0 || (out.is_complex() && im == 0.0))
                    {
                        spacing(0.0, out)
                    } else {
                        0.0
                    }
                })
                .collect();
            let Some(e) = ex_leaf else {
                return Some(zero_sign);
            };
            if x.dtype().is_complex() {
                return Some(inf);
            }
            let mx = eval_f64(e.try_max(ra.plain(ra.keepdims))).unwrap_or(inf);
            (0..m)
                .map(|k| 2.0 * mx[k] + ulp(k, out) + zero_sign[k])
                .collect()
        }
        Red::Any | Red::All => {
            let e = ex_leaf?;
            tainted_groups(&e.try_max(ra.plain(ra.keepdims)), m)
        }
        Red::Mean => {
            let acc = if out == DType::Float16 {
                DType::Float32
            } else {
                out
            };
            if n == 0 {
                return None;
            }
            let sx = sum(&xs, ra.keepdims)?;
            let se = match &ex_leaf {
                Some(e) => sum(e, ra.keepdims)?,
                None => vec![0.0; m],
            };
            (0..m)
                .map(|k| {
                    if overflow(sx[k] + se[k], acc) {
                        f64::INFINITY
                    } else {
                        se[k] / nf_ + eps(acc) * sx[k] + ulp(k, acc) + ulp(k, out)
                    }
                })
                .collect()
        }
        Red::Var | Red::Std => var_bound(red == Red::Std, ra, x, ex_leaf.as_ref(), &xs, r, n)?,
    };
    Some(bound)
}

fn var_bound(
    std: bool,
    ra: &RedArgs,
    x: &NdArray,
    ex: Option<&Array>,
    xs: &Array,
    r: &NdArray,
    n: usize,
) -> Option<Vec<f64>> {
    let m = r.size();
    let out = r.dtype();
    let acc = match x.dtype() {
        DType::Float16 => DType::Float32,
        d if d.is_inexact() => d.real_type(),
        _ => DType::Float64,
    };
    let e = eps(acc);
    let nf_ = n as f64;
    let wide = if x.dtype().is_complex() {
        DType::Complex128
    } else {
        DType::Float64
    };
    let xw = Array::from_ndarray(x).try_astype(wide).ok()?;
    let keep = ra.plain(true);
    let mean = xw.try_mean(keep.clone()).ok()?;
    let d = nf::try_subtract(&xw, &mean)
        .and_then(|d| d.try_abs())
        .ok()?;
    let ex = match ex {
        Some(a) => a.clone(),
        None => leaf_f64(x.shape(), vec![0.0; x.size()]),
    };
    // bound of the mean (kept dims), of each deviation, of each square, of the sum
    let n_ = Operand::Scalar(Scalar::float(nf_.max(1.0)));
    let em = ex
        .try_sum(keep.clone())
        .and_then(|s| nf::try_divide(s, n_.clone()))
        .and_then(|s| {
            let t = xs
                .try_sum(keep.clone())
                .and_then(|t| nf::try_multiply(t, e))?;
            nf::try_add(s, t)
        })
        .and_then(|s| {
            let t = mean.try_abs().and_then(|t| nf::try_multiply(t, 2.0 * e))?;
            nf::try_add(s, t)
        })
        .ok()?;
    let ed = nf::try_add(&ex, &em)
        .and_then(|s| nf::try_add(s, nf::try_multiply(&d, 2.0 * e)?))
        .ok()?;
    let esq = nf::try_multiply(&d, &ed)
        .and_then(|t| nf::try_multiply(t, 2.0))
        .and_then(|t| nf::try_add(t, nf::try_multiply(&ed, &ed)?))
        .and_then(|t| nf::try_add(t, nf::try_multiply(nf::try_multiply(&d, &d)?, 2.0 * e)?))
        .ok()?;
    let es = eval_f64(esq.try_sum(ra.plain(ra.keepdims)))?;
    let sd2 = eval_f64(nf::try_multiply(&d, &d).and_then(|t| t.try_sum(ra.plain(ra.keepdims))))?;
    let sx = eval_f64(xs.try_sum(ra.plain(ra.keepdims)))?;
    let denom = nf_ - ra.ddof as f64;
    let rv = r.values();
    Some(
        (0..m)
            .map(|k| {
                // a partial sum of x or of the squares may overflow in some order
                if !fits(sx[k], acc) || !fits(sd2[k] + es[k], acc) {
                    return f64::INFINITY;
                }
                let es = es[k] + nf_ * e * sd2[k];
                let ev = if denom <= 0.0 {
                    if es > 0.0 {
                        f64::INFINITY
                    } else {
                        0.0
                    }
                } else {
                    es / denom + 2.0 * spacing(sd2[k] / denom, acc)
                };
                let val = comps(rv[k]).0;
                let b = if std {
                    let v = val * val;
                    (v + ev).sqrt() - v.sqrt() + 2.0 * ulp_of(rv[k], acc)
                } else {
                    ev + ulp_of(rv[k], acc)
                };
                b + ulp_of(rv[k], out)
            })
            .collect(),
    )
}

fn scan_bound(
    prod: bool,
    axis: Option<isize>,
    x: &NdArray,
    ex: Option<&[f64]>,
    r: &NdArray,
) -> Option<Vec<f64>> {
    let m = r.size();
    let out = r.dtype();
    let rv = r.values();
    let len = match axis {
        None => x.size(),
        Some(_) if x.ndim() == 0 => 1,
        Some(a) => {
            let nd = x.ndim() as isize;
            x.shape()[(if a < 0 { a + nd } else { a }) as usize]
        }
    } as f64;
    let mags = magnitudes(x);
    let xs = leaf_f64(x.shape(), mags.clone());
    let ex = ex.map(|e| leaf_f64(x.shape(), e.to_vec()));
    let cum = |a: &Array, p: bool| {
        eval_f64(if p {
            a.try_cumprod(axis)
        } else {
            a.try_cumsum(axis)
        })
    };
    if !out.is_inexact() {
        let e = ex?;
        let s = cum(&e, false).unwrap_or(vec![f64::INFINITY; m]);
        return Some(if prod {
            s.into_iter()
                .map(|v| if v > 0.0 { f64::INFINITY } else { 0.0 })
                .collect()
        } else {
            s
        });
    }
    if prod {
        let p0 = cum(&xs, true)?;
        let p1 = match &ex {
            Some(e) => eval_f64(nf::try_add(&xs, e).and_then(|s| s.try_cumprod(axis)))?,
            None => p0.clone(),
        };
        let logs = |f: fn(f64) -> f64| {
            let v: Vec<f64> = mags.iter().map(|&m| f(m)).collect();
            cum(&leaf_f64(x.shape(), v), false)
        };
        let (up, down) = (logs(log_up)?, logs(log_down)?);
        let h = len * eps(out) / 2.0;
        Some(
            (0..m)
                .map(|k| {
                    if product_unstable(up[k], down[k], out) {
                        f64::INFINITY
                    } else {
                        p1[k] * h.exp() - p0[k] * (-h).exp() + ulp_of(rv[k], out)
                    }
                })
                .collect(),
        )
    } else {
        let sx = cum(&xs, false)?;
        let se = match &ex {
            Some(e) => cum(e, false)?,
            None => vec![0.0; m],
        };
        Some(
            (0..m)
                .map(|k| {
                    if !fits(sx[k] + se[k], out) {
                        f64::INFINITY
                    } else {
                        se[k] + len * eps(out) * sx[k] + ulp_of(rv[k], out)
                    }
                })
                .collect(),
        )
    }
}

// ------------------------------------------------------------------------------------------
// Checking one case
// ------------------------------------------------------------------------------------------

/// How a mode disagreed with the interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailKind {
    /// Different values.
    Values,
    /// Different dtype.
    DType,
    /// Different shape.
    Shape,
    /// Different errors, or an error on one side only.
    Error,
    /// A panic.
    Panic,
    /// The interpreter disagrees with itself (whole graph vs step by step).
    Oracle,
    /// Building the program in interpreter mode panicked.
    Build,
}

/// One mode's disagreement.
#[derive(Clone, Debug)]
pub struct ModeFailure {
    /// The mode (`Interpret` for oracle failures).
    pub mode: Mode,
    /// The kind.
    pub kind: FailKind,
    /// What differed.
    pub detail: String,
}

fn describe_outcome(o: &Outcome) -> String {
    match o {
        Outcome::Value(v) => format!("{} {} value", v.dtype(), v.shape()),
        Outcome::Error(e) => format!("error: {e}"),
        Outcome::Panic(p) => format!("panic: {p}"),
    }
}

/// Compares a mode's outcome with the interpreter's: `bound[k]` is element `k`'s absolute
/// error bound (`None` or 0 = bit for bit).
pub fn compare(
    mode: Mode,
    want: &Outcome,
    got: &Outcome,
    bound: Option<&[f64]>,
    error_possible: bool,
) -> Option<ModeFailure> {
    let fail = |kind, detail| Some(ModeFailure { mode, kind, detail });
    let name = format!("{mode:?}").to_lowercase();
    match (want, got) {
        (_, Outcome::Panic(p)) => fail(FailKind::Panic, format!("{name} panicked: {p}")),
        (Outcome::Error(a), Outcome::Error(b)) if a == b => None,
        (Outcome::Value(_), Outcome::Error(_)) | (Outcome::Error(_), Outcome::Value(_))
            if error_possible =>
        {
            None
        }
        (Outcome::Value(w), Outcome::Value(g)) => {
            if w.dtype() != g.dtype() {
                return fail(
                    FailKind::DType,
                    format!("interpret: {}\n{name}: {}", w.dtype(), g.dtype()),
                );
            }
            if w.shape() != g.shape() {
                return fail(
                    FailKind::Shape,
                    format!("interpret: {}\n{name}: {}", w.shape(), g.shape()),
                );
            }
            let (wv, gv) = (w.values(), g.values());
            let bad: Vec<usize> = (0..wv.len())
                .filter(|&k| match bound {
                    Some(b) if b[k] != 0.0 => deviation(wv[k], gv[k]) > b[k],
                    _ => !exact_eq(wv[k], gv[k]),
                })
                .collect();
            if bad.is_empty() {
                return None;
            }
            let mut d = format!(
                "{} of {} elements differ ({} {})\n",
                bad.len(),
                wv.len(),
                w.dtype(),
                w.shape()
            );
            for &k in bad.iter().take(8) {
                let tol = match bound {
                    Some(b) if b[k] != 0.0 => format!("|Δ| ≤ {:e}", b[k]),
                    _ => "exact".into(),
                };
                let _ = writeln!(
                    d,
                    "  at {:?}: interpret = {}, {name} = {}   [{tol}]",
                    unravel(k, w.shape()),
                    fmt_value(wv[k]),
                    fmt_value(gv[k])
                );
            }
            if bad.len() > 8 {
                let _ = writeln!(d, "  ... ({} more)", bad.len() - 8);
            }
            if wv.len() <= 64 {
                let show = |v: &[Value]| {
                    v.iter()
                        .map(|&x| fmt_value_short(x))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(d, "  interpret (flat): [{}]", show(&wv));
                let _ = writeln!(d, "  {name} (flat): [{}]", show(&gv));
            }
            fail(FailKind::Values, d)
        }
        _ => fail(
            FailKind::Error,
            format!(
                "interpret: {}\n{name}: {}",
                describe_outcome(want),
                describe_outcome(got)
            ),
        ),
    }
}

/// Whether any step may differ between engines on identical inputs.
fn case_inexact(case: &Case) -> bool {
    let dts = guarded(|| {
        nf::with_mode(Mode::Interpret, || {
            let mut vals: Vec<Array> = Vec::new();
            for spec in &case.nodes {
                let get = |i: usize| vals[i].clone();
                match apply(spec, &get, &case.inputs) {
                    Ok(a) => vals.push(a),
                    Err(_) => return None,
                }
            }
            Some(vals.iter().map(|a| a.dtype()).collect::<Vec<_>>())
        })
    });
    let Ok(Some(dts)) = dts else {
        return true;
    };
    let dt = |j: usize| dts[j];
    case.nodes
        .iter()
        .enumerate()
        .any(|(i, s)| inexact_step(s, &dt, dts[i]))
}

/// What a check compared (for the run's statistics).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Cases checked.
    pub cases: u64,
    /// Steps (API calls, inputs excluded) in the checked programs.
    pub steps: u64,
    /// Cases whose interpreted result was an error.
    pub errors: u64,
    /// Cases with an inexact step (tolerances computed).
    pub inexact: u64,
    /// Output elements compared bit for bit (per JIT mode).
    pub exact_elems: u64,
    /// Output elements compared within a finite bound.
    pub bounded_elems: u64,
    /// Output elements with an unbounded error (not compared).
    pub skipped_elems: u64,
    /// Cases with an empty (size 0) result.
    pub empty: u64,
    /// Steps by label.
    pub ops: BTreeMap<String, u64>,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.cases += o.cases;
        self.steps += o.steps;
        self.errors += o.errors;
        self.inexact += o.inexact;
        self.exact_elems += o.exact_elems;
        self.bounded_elems += o.bounded_elems;
        self.skipped_elems += o.skipped_elems;
        self.empty += o.empty;
        for (k, v) in &o.ops {
            *self.ops.entry(k.clone()).or_insert(0) += v;
        }
    }
}

/// Runs a case in every mode and returns the disagreements with the interpreter.
pub fn check(case: &Case) -> Vec<ModeFailure> {
    check_with_stats(case).0
}

/// [`check`], also returning what was compared.
pub fn check_with_stats(case: &Case) -> (Vec<ModeFailure>, Stats) {
    let mut stats = Stats {
        cases: 1,
        ..Stats::default()
    };
    for spec in &case.nodes {
        if !matches!(spec, Spec::Input(_)) {
            stats.steps += 1;
            *stats.ops.entry(spec.label()).or_insert(0) += 1;
        }
    }
    let want = run_mode(case, Mode::Interpret);
    let lazy = run_mode(case, Mode::Lazy);
    let eager = run_mode(case, Mode::Eager);
    let mut out = Vec::new();
    match &want {
        Outcome::Panic(p) => {
            out.push(ModeFailure {
                mode: Mode::Interpret,
                kind: FailKind::Panic,
                detail: format!("interpret panicked: {p}"),
            });
            return (out, stats);
        }
        Outcome::Error(_) => stats.errors += 1,
        Outcome::Value(v) => stats.empty += (v.size() == 0) as u64,
    }
    let (bound, errp) = if case_inexact(case) {
        stats.inexact += 1;
        let refs = reference_values(case);
        // the interpreter must agree with itself (whole graph vs step by step)
        if let (Outcome::Value(w), Some(Some(r))) = (&want, refs.last()) {
            let step_by_step = Outcome::Value(r.clone());
            let whole = Outcome::Value(w.clone());
            if let Some(f) = compare(Mode::Interpret, &step_by_step, &whole, None, false) {
                out.push(ModeFailure {
                    kind: FailKind::Oracle,
                    detail: format!(
                        "step-by-step (\"interpret\") vs whole-graph interpretation:\n{}",
                        f.detail
                    ),
                    ..f
                });
            }
        }
        let tol = tolerances(case, &refs);
        let last = case.nodes.len() - 1;
        (tol.bounds[last].clone(), tol.error_possible[last])
    } else {
        (None, false)
    };
    if let Outcome::Value(w) = &want {
        let n = w.size() as u64;
        match &bound {
            None => stats.exact_elems += 2 * n,
            Some(b) => {
                for &x in b {
                    match x {
                        0.0 => stats.exact_elems += 2,
                        x if x.is_finite() => stats.bounded_elems += 2,
                        _ => stats.skipped_elems += 2,
                    }
                }
            }
        }
    }
    for (mode, got) in [(Mode::Lazy, &lazy), (Mode::Eager, &eager)] {
        if let Some(f) = compare(mode, &want, got, bound.as_deref(), errp) {
            // eager mode raises the first error in step order: a data error (negative integer
            // power) before a later build-time error
            let eager_order = mode == Mode::Eager
                && matches!((&want, got), (Outcome::Error(_), Outcome::Error(_)))
                && compare(mode, &stepwise_outcome(case), got, None, false).is_none();
            if !eager_order {
                out.push(f);
            }
        }
    }
    (out, stats)
}

// ------------------------------------------------------------------------------------------
// Shrinking
// ------------------------------------------------------------------------------------------

fn still_fails(case: &Case, mode: Mode, kind: FailKind) -> bool {
    check(case).iter().any(|f| f.mode == mode && f.kind == kind)
}

/// Makes a failing case smaller while it keeps failing the same way in the same mode:
/// truncates the program at the first failing step, replaces subgraphs by their interpreted
/// values (as new inputs), and makes view inputs contiguous.
pub fn shrink(case: &Case, mode: Mode, kind: FailKind) -> Case {
    let mut cur = case.clone();
    let mut budget = 150usize;
    // 1. the smallest failing prefix
    for j in 0..cur.nodes.len().saturating_sub(1) {
        if budget == 0 {
            break;
        }
        budget -= 1;
        let cand = Case {
            inputs: cur.inputs.clone(),
            nodes: cur.nodes[..=j].to_vec(),
        }
        .compact();
        if still_fails(&cand, mode, kind) {
            cur = cand;
            break;
        }
    }
    // 2. cut subgraphs: replace step i by its interpreted value
    loop {
        let refs = reference_values(&cur);
        let mut changed = false;
        for i in (0..cur.nodes.len().saturating_sub(1)).rev() {
            if budget == 0 {
                break;
            }
            if matches!(cur.nodes[i], Spec::Input(_)) {
                continue;
            }
            let Some(v) = refs[i].clone() else { continue };
            budget -= 1;
            let mut cand = cur.clone();
            cand.inputs.push(v);
            cand.nodes[i] = Spec::Input(cand.inputs.len() - 1);
            let cand = cand.compact();
            if still_fails(&cand, mode, kind) {
                cur = cand;
                changed = true;
                break;
            }
        }
        if !changed || budget == 0 {
            break;
        }
    }
    // 3. contiguous inputs where the layout does not matter
    for k in 0..cur.inputs.len() {
        if budget == 0 {
            break;
        }
        let x = &cur.inputs[k];
        if x.is_c_contiguous() && x.offset() == 0 && !x.has_broadcast_axes() {
            continue;
        }
        budget -= 1;
        let mut cand = cur.clone();
        cand.inputs[k] = x.copy();
        if still_fails(&cand, mode, kind) {
            cur = cand;
        }
    }
    cur
}

// ------------------------------------------------------------------------------------------
// Reports
// ------------------------------------------------------------------------------------------

/// A failing case, shrunk, with everything needed to reproduce it.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The run's seed.
    pub seed: u64,
    /// The case index.
    pub index: u64,
    /// The shrunk program.
    pub case: Case,
    /// Steps before shrinking.
    pub original_steps: usize,
    /// The disagreements of the shrunk program.
    pub failures: Vec<ModeFailure>,
    /// Groups failures that are probably the same bug.
    pub signature: String,
}

fn describe_input(k: usize, x: &NdArray) -> String {
    let layout = if x.is_c_contiguous() && x.offset() == 0 && !x.has_broadcast_axes() {
        "C-contiguous".to_string()
    } else {
        format!(
            "view: strides {:?} bytes, offset {} elements{}",
            x.strides(),
            x.offset(),
            if x.has_broadcast_axes() {
                ", broadcast (stride 0)"
            } else {
                ""
            }
        )
    };
    let vals = x.values();
    let shown: Vec<String> = vals.iter().take(96).map(|&v| fmt_value_short(v)).collect();
    let more = if vals.len() > 96 {
        format!(", ... ({} values)", vals.len())
    } else {
        String::new()
    };
    format!(
        "    input{k}: {} {} [{layout}]\n      values (C order): [{}{more}]\n",
        x.dtype(),
        x.shape(),
        shown.join(", ")
    )
}

fn schedule_text(case: &Case) -> String {
    let r = guarded(|| {
        nf::with_mode(Mode::Interpret, || {
            build(case).and_then(|a| a.try_explain())
        })
    });
    match r {
        Ok(Ok(s)) => {
            // the schedule and the kernels' loop IR, without the Cranelift IR
            let mut out = String::new();
            let mut in_clif = false;
            for line in s.lines() {
                if line.starts_with("function ") {
                    in_clif = true;
                }
                if !in_clif {
                    let _ = writeln!(out, "    {line}");
                }
                if in_clif && line.starts_with('}') {
                    in_clif = false;
                }
            }
            out
        }
        Ok(Err(e)) => format!("    <explain failed: {e}>\n"),
        Err(p) => format!("    <explain panicked: {p}>\n"),
    }
}

impl Failure {
    /// A reproduction: how to rerun, the program as Rust, the graph text, the inputs, what
    /// differed, and the JIT's schedule.
    pub fn report(&self) -> String {
        let mut s = String::new();
        let modes: Vec<String> = self
            .failures
            .iter()
            .map(|f| format!("{:?}/{:?}", f.mode, f.kind))
            .collect();
        let _ = writeln!(
            s,
            "seed {} case {} — {} (shrunk from {} to {} steps)",
            self.seed,
            self.index,
            modes.join(", "),
            self.original_steps,
            self.case.nodes.len()
        );
        let _ = writeln!(
            s,
            "  rerun: NUMFUSE_FUZZ_SEED={} NUMFUSE_FUZZ_CASE={} cargo test -p numfuse-tests --test fuzz_jit -- --nocapture",
            self.seed, self.index
        );
        let _ = writeln!(s, "  program (shrunk):\n{}", self.case.to_rust());
        let ir = guarded(|| nf::with_mode(Mode::Interpret, || build(&self.case).map(|a| a.ir())));
        let ir = match ir {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => format!("<error: {e}>"),
            Err(p) => format!("<panic: {p}>"),
        };
        let _ = writeln!(s, "  graph (x.ir()):");
        for line in ir.lines() {
            let _ = writeln!(s, "    {line}");
        }
        let _ = writeln!(s, "  inputs:");
        for (k, x) in self.case.inputs.iter().enumerate() {
            s.push_str(&describe_input(k, x));
        }
        for f in &self.failures {
            let _ = writeln!(s, "  {:?} — {:?}:", f.mode, f.kind);
            for line in f.detail.lines() {
                let _ = writeln!(s, "    {line}");
            }
        }
        let _ = writeln!(s, "  JIT schedule:");
        s.push_str(&schedule_text(&self.case));
        s
    }
}

fn signature(case: &Case, failures: &[ModeFailure]) -> String {
    let mut modes: Vec<String> = failures
        .iter()
        .map(|f| format!("{:?}/{:?}", f.mode, f.kind))
        .collect();
    modes.sort();
    // panics are grouped by where they happen, whatever the program
    if let Some(p) = failures.iter().find(|f| f.kind == FailKind::Panic) {
        let at = p
            .detail
            .rsplit_once(" at ")
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| p.detail.clone());
        return format!("{} :: panic at {at}", modes.join(","));
    }
    // other failures by the failing (final) step of the shrunk program and its result kind
    let dts: Vec<Option<DType>> = reference_values(case)
        .iter()
        .map(|r| r.as_ref().map(|v| v.dtype()))
        .collect();
    let last = case.nodes.len() - 1;
    let spec = &case.nodes[last];
    let kinds = |xs: &[usize]| -> String {
        xs.iter()
            .map(|&a| dts[a].map(kind_letter).unwrap_or("?"))
            .collect()
    };
    format!(
        "{} :: {} -> {}",
        modes.join(","),
        spec.label(),
        kinds(&[last])
    )
}

fn kind_letter(d: DType) -> &'static str {
    match d {
        DType::Bool => "b",
        DType::Float16 => "h",
        d if d.is_signed_integer() => "i",
        d if d.is_integer() => "u",
        d if d.is_complex() => "c",
        _ => "f",
    }
}

// ------------------------------------------------------------------------------------------
// The driver
// ------------------------------------------------------------------------------------------

/// Settings of a fuzzing run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The seed (`NUMFUSE_FUZZ_SEED`).
    pub seed: u64,
    /// Number of graphs (`NUMFUSE_FUZZ_GRAPHS`).
    pub graphs: u64,
    /// Run only this case (`NUMFUSE_FUZZ_CASE`), printing it.
    pub only: Option<u64>,
    /// Worker threads (`NUMFUSE_FUZZ_THREADS`).
    pub threads: usize,
    /// Stop after this many distinct failures (`NUMFUSE_FUZZ_MAX_FAILURES`).
    pub max_distinct: usize,
    /// Print each case index before running it (`NUMFUSE_FUZZ_TRACE=1`; to find crashes).
    pub trace: bool,
    /// Shrink failures (`NUMFUSE_FUZZ_SHRINK=0` turns it off).
    pub shrink: bool,
}

impl Config {
    /// Settings from the environment, with CI defaults (seed 2024, 10 000 graphs).
    pub fn from_env() -> Config {
        fn var<T: std::str::FromStr>(name: &str) -> Option<T> {
            std::env::var(name).ok().and_then(|v| {
                let v = v.trim().replace('_', "");
                match v.strip_prefix("0x") {
                    Some(h) => u64::from_str_radix(h, 16)
                        .ok()
                        .and_then(|x| x.to_string().parse().ok()),
                    None => v.parse().ok(),
                }
            })
        }
        Config {
            seed: var("NUMFUSE_FUZZ_SEED").unwrap_or(2024),
            graphs: var("NUMFUSE_FUZZ_GRAPHS").unwrap_or(10_000),
            only: var("NUMFUSE_FUZZ_CASE"),
            threads: var("NUMFUSE_FUZZ_THREADS").unwrap_or(2).max(1),
            max_distinct: var("NUMFUSE_FUZZ_MAX_FAILURES").unwrap_or(20),
            trace: var::<u32>("NUMFUSE_FUZZ_TRACE").unwrap_or(0) != 0,
            shrink: var::<u32>("NUMFUSE_FUZZ_SHRINK").unwrap_or(1) != 0,
        }
    }
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Graphs checked.
    pub graphs: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Cases that failed (all, before grouping).
    pub failing_cases: u64,
    /// One failure per signature, lowest case index first.
    pub distinct: Vec<Failure>,
    /// How many cases had each signature.
    pub counts: BTreeMap<String, u64>,
    /// Whether the run stopped early at `max_distinct`.
    pub stopped_early: bool,
    /// What was compared.
    pub stats: Stats,
}

impl Summary {
    /// Graphs per second.
    pub fn rate(&self) -> f64 {
        self.graphs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// The failure reports and the totals.
    pub fn report(&self) -> String {
        let mut s = String::new();
        for (i, f) in self.distinct.iter().enumerate() {
            let _ = writeln!(
                s,
                "──────── fuzz failure {}/{} ({} case(s) with this signature) ────────",
                i + 1,
                self.distinct.len(),
                self.counts.get(&f.signature).copied().unwrap_or(1)
            );
            let _ = writeln!(s, "  signature: {}", f.signature);
            s.push_str(&f.report());
        }
        let st = &self.stats;
        let per = |x: u64| 100.0 * x as f64 / st.cases.max(1) as f64;
        let elems = (st.exact_elems + st.bounded_elems + st.skipped_elems).max(1) as f64;
        let _ = writeln!(
            s,
            "coverage: {} steps ({:.1}/graph); {:.2}% error results, {:.1}% empty results, {:.1}% with inexact steps; output elements compared bit for bit {:.1}%, within a bound {:.1}%, unbounded (skipped) {:.2}%",
            st.steps,
            st.steps as f64 / st.cases.max(1) as f64,
            per(st.errors),
            per(st.empty),
            per(st.inexact),
            100.0 * st.exact_elems as f64 / elems,
            100.0 * st.bounded_elems as f64 / elems,
            100.0 * st.skipped_elems as f64 / elems,
        );
        let ops: Vec<String> = st.ops.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(s, "steps by kind: {}", ops.join(", "));
        let _ = writeln!(
            s,
            "numfuse fuzz: {} graphs in {:.1} s ({:.0} graphs/s), {} failing case(s), {} distinct{}",
            self.graphs,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.failing_cases,
            self.distinct.len(),
            if self.stopped_early {
                " (stopped early at the failure limit)"
            } else {
                ""
            }
        );
        s
    }
}

fn check_index(cfg: &Config, index: u64, stats: &mut Stats) -> Option<Failure> {
    let case = generate(cfg.seed, index);
    let (case, failures) = match case {
        Ok(c) => {
            let (f, st) = check_with_stats(&c);
            stats.add(&st);
            (c, f)
        }
        Err((c, p)) => (
            c,
            vec![ModeFailure {
                mode: Mode::Interpret,
                kind: FailKind::Build,
                detail: format!("building the program panicked: {p}"),
            }],
        ),
    };
    if failures.is_empty() {
        return None;
    }
    let original_steps = case.nodes.len();
    let (case, failures) = if cfg.shrink && failures[0].kind != FailKind::Build {
        let small = shrink(&case, failures[0].mode, failures[0].kind);
        let f = check(&small);
        if f.is_empty() {
            (case, failures)
        } else {
            (small, f)
        }
    } else {
        (case, failures)
    };
    let signature = signature(&case, &failures);
    Some(Failure {
        seed: cfg.seed,
        index,
        case,
        original_steps,
        failures,
        signature,
    })
}

/// Runs the fuzzer (with the JIT forced on: threshold 0).
pub fn run(cfg: &Config) -> Summary {
    nf::set_jit_threshold(0);
    let start = Instant::now();
    if let Some(index) = cfg.only {
        let case = generate(cfg.seed, index);
        let c = match &case {
            Ok(c) => c,
            Err((c, _)) => c,
        };
        println!("case {index} (seed {}):\n{}", cfg.seed, c.to_rust());
        for (k, x) in c.inputs.iter().enumerate() {
            print!("{}", describe_input(k, x));
        }
        let mut summary = Summary {
            graphs: 1,
            ..Summary::default()
        };
        let mut stats = Stats::default();
        let f = check_index(cfg, index, &mut stats);
        summary.stats = stats;
        if let Some(f) = f {
            summary.failing_cases = 1;
            summary.counts.insert(f.signature.clone(), 1);
            summary.distinct.push(f);
        }
        summary.elapsed = start.elapsed();
        return summary;
    }
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let found: Mutex<Vec<Failure>> = Mutex::new(Vec::new());
    let total_stats: Mutex<Stats> = Mutex::new(Stats::default());
    let distinct_count = |found: &[Failure]| {
        let mut sigs: Vec<&str> = found.iter().map(|f| f.signature.as_str()).collect();
        sigs.sort_unstable();
        sigs.dedup();
        sigs.len()
    };
    std::thread::scope(|s| {
        for _ in 0..cfg.threads {
            s.spawn(|| {
                nf::set_jit_threshold(0);
                let mut stats = Stats::default();
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= cfg.graphs {
                        break;
                    }
                    if cfg.trace {
                        eprintln!("fuzz: case {index}");
                    }
                    let f = check_index(cfg, index, &mut stats);
                    done.fetch_add(1, Ordering::Relaxed);
                    if let Some(f) = f {
                        let mut g = found.lock().unwrap_or_else(|p| p.into_inner());
                        g.push(f);
                        if distinct_count(&g) >= cfg.max_distinct {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
                total_stats
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .add(&stats);
            });
        }
    });
    let mut all = found.into_inner().unwrap_or_else(|p| p.into_inner());
    all.sort_by_key(|f| f.index);
    let mut summary = Summary {
        graphs: done.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
        failing_cases: all.len() as u64,
        stopped_early: stop.load(Ordering::Relaxed),
        stats: total_stats.into_inner().unwrap_or_else(|p| p.into_inner()),
        ..Summary::default()
    };
    for f in all {
        let c = summary.counts.entry(f.signature.clone()).or_insert(0);
        *c += 1;
        if *c == 1 {
            summary.distinct.push(f);
        }
    }
    summary
}
