//! The closed set of graph operations.
//!
//! Invariants the frontend establishes before a node reaches the graph (and the verifier checks):
//! elementwise ops receive inputs already cast to the ufunc's *loop dtype* (explicit [`Op::Cast`]
//! nodes), and inputs of elementwise ops already have the output shape or broadcast to it.
//! Reductions never keep dims: `keepdims` is a [`Op::Reshape`] after the reduction.

use crate::dtype::DType;
use crate::scalar::Scalar;
use crate::shape::Shape;
use smallvec::SmallVec;
use std::fmt;

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),* }
        impl $name {
            /// Every variant.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            /// NumPy's name for the operation.
            pub fn name(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

named_enum!(
    /// Elementwise unary ufuncs.
    UnaryOp {
        /// `np.negative`.
        Neg => "negative",
        /// `np.absolute`.
        Abs => "absolute",
        /// `np.sign`.
        Sign => "sign",
        /// `np.sqrt`.
        Sqrt => "sqrt",
        /// `np.cbrt`.
        Cbrt => "cbrt",
        /// `np.square`.
        Square => "square",
        /// `np.reciprocal`.
        Reciprocal => "reciprocal",
        /// `np.exp`.
        Exp => "exp",
        /// `np.exp2`.
        Exp2 => "exp2",
        /// `np.expm1`.
        Expm1 => "expm1",
        /// `np.log`.
        Log => "log",
        /// `np.log2`.
        Log2 => "log2",
        /// `np.log10`.
        Log10 => "log10",
        /// `np.log1p`.
        Log1p => "log1p",
        /// `np.sin`.
        Sin => "sin",
        /// `np.cos`.
        Cos => "cos",
        /// `np.tan`.
        Tan => "tan",
        /// `np.arcsin`.
        Arcsin => "arcsin",
        /// `np.arccos`.
        Arccos => "arccos",
        /// `np.arctan`.
        Arctan => "arctan",
        /// `np.sinh`.
        Sinh => "sinh",
        /// `np.cosh`.
        Cosh => "cosh",
        /// `np.tanh`.
        Tanh => "tanh",
        /// `np.arcsinh`.
        Arcsinh => "arcsinh",
        /// `np.arccosh`.
        Arccosh => "arccosh",
        /// `np.arctanh`.
        Arctanh => "arctanh",
        /// `np.degrees`.
        Degrees => "degrees",
        /// `np.radians`.
        Radians => "radians",
        /// `np.floor`.
        Floor => "floor",
        /// `np.ceil`.
        Ceil => "ceil",
        /// `np.trunc`.
        Trunc => "trunc",
        /// `np.rint` (round half to even).
        Rint => "rint",
        /// `np.logical_not`.
        LogicalNot => "logical_not",
        /// `np.invert` / `~`.
        Invert => "invert",
        /// `np.isnan`.
        IsNan => "isnan",
        /// `np.isinf`.
        IsInf => "isinf",
        /// `np.isfinite`.
        IsFinite => "isfinite",
        /// `np.conjugate`.
        Conj => "conjugate",
        /// `np.real` (complex → real part).
        Real => "real",
        /// `np.imag` (complex → imaginary part).
        Imag => "imag",
    }
);

named_enum!(
    /// Elementwise binary ufuncs.
    BinaryOp {
        /// `np.add`.
        Add => "add",
        /// `np.subtract`.
        Sub => "subtract",
        /// `np.multiply`.
        Mul => "multiply",
        /// `np.true_divide`.
        Div => "divide",
        /// `np.floor_divide`.
        FloorDiv => "floor_divide",
        /// `np.remainder` (sign of the divisor, like Python's `%`).
        Rem => "remainder",
        /// `np.power`.
        Pow => "power",
        /// `np.arctan2`.
        Arctan2 => "arctan2",
        /// `np.hypot`.
        Hypot => "hypot",
        /// `np.maximum` (propagates NaN).
        Maximum => "maximum",
        /// `np.minimum` (propagates NaN).
        Minimum => "minimum",
        /// `np.fmax` (ignores NaN).
        Fmax => "fmax",
        /// `np.fmin` (ignores NaN).
        Fmin => "fmin",
        /// `np.equal`.
        Eq => "equal",
        /// `np.not_equal`.
        Ne => "not_equal",
        /// `np.less`.
        Lt => "less",
        /// `np.less_equal`.
        Le => "less_equal",
        /// `np.greater`.
        Gt => "greater",
        /// `np.greater_equal`.
        Ge => "greater_equal",
        /// `np.logical_and`.
        LogicalAnd => "logical_and",
        /// `np.logical_or`.
        LogicalOr => "logical_or",
        /// `np.logical_xor`.
        LogicalXor => "logical_xor",
        /// `np.bitwise_and`.
        BitAnd => "bitwise_and",
        /// `np.bitwise_or`.
        BitOr => "bitwise_or",
        /// `np.bitwise_xor`.
        BitXor => "bitwise_xor",
        /// `np.left_shift`.
        Shl => "left_shift",
        /// `np.right_shift`.
        Shr => "right_shift",
        /// `real + imag·j` built from two real arrays, keeping signed zeros, infinities and NaNs
        /// of each part (`complex(re, im)`; used by `round` and `nan_to_num` on complex input).
        Complex => "complex",
    }
);

named_enum!(
    /// Reductions with an identity or over non-empty input.
    ReduceOp {
        /// `np.sum` (`add.reduce`).
        Sum => "add",
        /// `np.prod` (`multiply.reduce`).
        Prod => "multiply",
        /// `np.max` (`maximum.reduce`, propagates NaN).
        Max => "maximum",
        /// `np.min` (`minimum.reduce`, propagates NaN).
        Min => "minimum",
        /// `np.any` (`logical_or.reduce`).
        Any => "logical_or",
        /// `np.all` (`logical_and.reduce`).
        All => "logical_and",
    }
);

named_enum!(
    /// Index-of reductions along one axis.
    ArgReduceOp {
        /// `np.argmax` (first maximum; first NaN wins).
        ArgMax => "argmax",
        /// `np.argmin`.
        ArgMin => "argmin",
    }
);

named_enum!(
    /// Inclusive scans along one axis.
    ScanOp {
        /// `np.cumsum`.
        CumSum => "cumsum",
        /// `np.cumprod`.
        CumProd => "cumprod",
    }
);

impl BinaryOp {
    /// True for comparisons and logical ops, whose result is bool.
    pub fn returns_bool(self) -> bool {
        use BinaryOp::*;
        matches!(
            self,
            Eq | Ne | Lt | Le | Gt | Ge | LogicalAnd | LogicalOr | LogicalXor
        )
    }
}

impl BinaryOp {
    /// The result dtype for loop dtype `lp`.
    pub fn result_dtype(self, lp: DType) -> DType {
        match self {
            _ if self.returns_bool() => DType::Bool,
            BinaryOp::Complex if lp == DType::Float64 => DType::Complex128,
            BinaryOp::Complex => DType::Complex64,
            _ => lp,
        }
    }
}

impl UnaryOp {
    /// True for predicates and `logical_not`, whose result is bool.
    pub fn returns_bool(self) -> bool {
        use UnaryOp::*;
        matches!(self, IsNan | IsInf | IsFinite | LogicalNot)
    }
}

/// One axis of a basic slice, already normalised: the view takes `len` elements starting at
/// `start`, `step` apart (`step` may be negative, never 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SliceAxis {
    /// First index taken.
    pub start: usize,
    /// Distance between taken indices.
    pub step: isize,
    /// Number of indices taken.
    pub len: usize,
}

impl fmt::Display for SliceAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "start={} len={} step={}",
            self.start, self.len, self.step
        )
    }
}

/// A graph operation. The dtype and shape of every node are derived by [`crate::infer`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// The `n`-th input array of the graph (a concrete array given at evaluation).
    Input(u32),
    /// A 0-d constant.
    Const {
        /// The value.
        value: Scalar,
        /// Its dtype (the value is converted with `astype` rules).
        dtype: DType,
    },
    /// An int64 array of `shape` whose elements are their index along `axis` (`arange`, `eye`,
    /// `fromfunction` start here).
    Iota {
        /// The array's shape.
        shape: Shape,
        /// The counted axis.
        axis: usize,
    },
    /// Elementwise unary ufunc on the loop dtype.
    Unary(UnaryOp),
    /// Elementwise binary ufunc; both inputs have the loop dtype.
    Binary(BinaryOp),
    /// `where(cond, a, b)`; `cond` is bool, `a` and `b` share the result dtype.
    Where,
    /// Conversion to a dtype with NumPy's `astype` semantics (unsafe casting).
    Cast(DType),
    /// Reduction over sorted, distinct axes; the axes are removed from the shape.
    Reduce {
        /// The reduction.
        op: ReduceOp,
        /// Reduced axes, sorted.
        axes: SmallVec<[usize; 4]>,
    },
    /// argmax/argmin along one axis (removed from the shape); int64 result.
    ArgReduce {
        /// The operation.
        op: ArgReduceOp,
        /// The axis.
        axis: usize,
    },
    /// Inclusive scan along one axis.
    Scan {
        /// The operation.
        op: ScanOp,
        /// The axis.
        axis: usize,
    },
    /// Reshape in C order to a shape of the same size.
    Reshape(Shape),
    /// Axis permutation: output axis `i` is input axis `perm[i]`.
    Permute(SmallVec<[usize; 4]>),
    /// Broadcast to a shape (NumPy's rules; stride 0 in views).
    Broadcast(Shape),
    /// Basic slicing with steps, one entry per axis.
    Slice(SmallVec<[SliceAxis; 4]>),
    /// Diagonal extraction `np.diagonal(a, offset)` over the last two axes (a strided view).
    Diagonal {
        /// Offset above (positive) or below (negative) the main diagonal.
        offset: isize,
    },
    /// A fresh contiguous copy in C order (`copy`, `flatten`, `ascontiguousarray`).
    Copy,
    /// `matmul` of `(..., m, k)` and `(..., k, n)` of one dtype (batch axes broadcast).
    MatMul,
    /// `matmul` with elementwise work (scale, bias, ReLU) fused into its output pass.
    MatMulEpilogue(crate::linalg_op::MatmulEpilogue),
    /// A decomposition or solver over the last two axes ([`crate::linalg_op`]).
    Linalg(crate::linalg_op::LinalgOp),
    /// A discrete Fourier transform along one axis.
    Fft(crate::linalg_op::FftOp),
    /// Both sums of a two-pass variance in one pass over a float array, reduced over its
    /// leading `reduced` axes: a packed `(2,) + kept` result holding `Σx` and `Σ(x − m)²`
    /// with `m = Σx / N` (`N` the number of reduced elements, converted to the dtype). Made
    /// by the optimizer from `sum(x)`, `sum((x − sum(x) / N)²)` pairs; run by the runtime's
    /// `moments` kernel.
    Moments {
        /// How many leading axes are reduced.
        reduced: usize,
    },
}

impl Op {
    /// The op's name and its attributes, as printed in dumps (`("reduce.add", "axes=(0)")`).
    pub fn parts(&self) -> (String, String) {
        let (name, attrs): (String, String) = match self {
            Op::Input(i) => (format!("input[{i}]"), String::new()),
            Op::Const { value, dtype } => ("const".into(), format!("{value}:{dtype}")),
            Op::Iota { shape, axis } => ("iota".into(), format!("shape={shape} axis={axis}")),
            Op::Unary(u) => (u.name().into(), String::new()),
            Op::Binary(b) => (b.name().into(), String::new()),
            Op::Where => ("where".into(), String::new()),
            Op::Cast(d) => ("cast".into(), format!("to={d}")),
            Op::Reduce { op, axes } => (format!("reduce.{op}"), format!("axes={}", axes_str(axes))),
            Op::ArgReduce { op, axis } => (op.name().into(), format!("axis={axis}")),
            Op::Scan { op, axis } => (op.name().into(), format!("axis={axis}")),
            Op::Reshape(s) => ("reshape".into(), format!("shape={s}")),
            Op::Permute(p) => ("permute".into(), format!("axes={}", axes_str(p))),
            Op::Broadcast(s) => ("broadcast".into(), format!("shape={s}")),
            Op::Slice(axes) => {
                let parts: Vec<String> = axes.iter().map(|a| a.to_string()).collect();
                ("slice".into(), format!("[{}]", parts.join(", ")))
            }
            Op::Diagonal { offset } => ("diagonal".into(), format!("offset={offset}")),
            Op::Copy => ("copy".into(), String::new()),
            Op::MatMul => ("matmul".into(), String::new()),
            Op::MatMulEpilogue(e) => ("matmul".into(), e.to_string()),
            Op::Linalg(l) => (format!("linalg.{}", l.name()), l.to_string()),
            Op::Fft(f) => (
                format!("fft.{}", f.name()),
                format!("axis={} n={} norm={}", f.axis, f.n, f.norm.name()),
            ),
            Op::Moments { reduced } => ("moments".into(), format!("reduced={reduced}")),
        };
        (name, attrs)
    }

    /// Name and attributes in one string (`reduce.add axes=(0)`).
    pub fn mnemonic(&self) -> String {
        match self.parts() {
            (n, a) if a.is_empty() => n,
            (n, a) => format!("{n} {a}"),
        }
    }

    /// True for ops that only reinterpret strides (views in the interpreter).
    pub fn is_movement(&self) -> bool {
        matches!(
            self,
            Op::Reshape(_) | Op::Permute(_) | Op::Broadcast(_) | Op::Slice(_) | Op::Diagonal { .. }
        )
    }

    /// True for graph leaves.
    pub fn is_leaf(&self) -> bool {
        matches!(self, Op::Input(_) | Op::Const { .. } | Op::Iota { .. })
    }
}

fn axes_str(axes: &[usize]) -> String {
    let parts: Vec<String> = axes.iter().map(|a| a.to_string()).collect();
    format!("({})", parts.join(","))
}
