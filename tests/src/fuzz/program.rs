//! Whole programs ([`Case`]): dead-step elimination and rendering as Rust source (for
//! failure reports).

use numfuse::{NdArray, SliceArg};
use numfuse_ir::{BinaryOp, Scalar, UnaryOp};
use std::fmt::Write as _;

use super::spec::{Arg, Spec};

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
