//! Library operations: matrix products, decompositions and FFTs (opaque library calls for the
//! scheduler, run by the runtime's `linalg` and `fft` kernels).
//!
//! **Multi-output decompositions are one node with a packed result.** `svd`, `qr`, `eigh`,
//! `slogdet` and `eig` produce several arrays; their node's value is one array of shape
//! `batch + (total,)` holding every component of one matrix back to back (C order each), and
//! the frontend takes each component out with a `slice` + `reshape` — zero-copy views. So a
//! decomposition runs once however many of its outputs are used, and hash-consing shares it.
//! [`LinalgOp::components`] gives each component's shape.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::scalar::Scalar;
use crate::shape::{broadcast_shapes, Shape};
use smallvec::SmallVec;
use std::fmt;

/// A decomposition or solver over the last two axes (leading axes are a batch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinalgOp {
    /// `solve(a, b)`: inputs `(..., n, n)` and `(..., n, k)` with equal batch shapes.
    Solve,
    /// `inv(a)`.
    Inv,
    /// `det(a)`: shape `batch`.
    Det,
    /// `slogdet(a)`: packed `[sign, logabsdet]` (sign has the input dtype; for complex input
    /// logabsdet is stored as a complex number with zero imaginary part).
    Slogdet,
    /// `cholesky(a)`: the lower factor.
    Cholesky,
    /// `qr(a)`: packed `Q (m, k)`, `R (k, n)`; `k = m` when `complete`, else `min(m, n)`.
    Qr {
        /// `mode='complete'`.
        complete: bool,
    },
    /// `eigh(a, UPLO)`: packed eigenvalues `(n,)` (ascending) then, with `vectors`, `(n, n)`.
    Eigh {
        /// `UPLO='L'` (the lower triangle is read).
        lower: bool,
        /// Compute eigenvectors (`eigh`) or not (`eigvalsh`).
        vectors: bool,
    },
    /// `svd(a)`: packed `U`, `S (k,)`, `Vh`; only `S` without `uv`.
    Svd {
        /// `full_matrices=True`.
        full: bool,
        /// `compute_uv=True`.
        uv: bool,
    },
    /// `eig(a)`: packed complex eigenvalues `(n,)` then, with `vectors`, eigenvectors `(n, n)`.
    Eig {
        /// Compute eigenvectors (`eig`) or not (`eigvals`).
        vectors: bool,
    },
}

impl LinalgOp {
    /// NumPy's name.
    pub fn name(self) -> &'static str {
        match self {
            LinalgOp::Solve => "solve",
            LinalgOp::Inv => "inv",
            LinalgOp::Det => "det",
            LinalgOp::Slogdet => "slogdet",
            LinalgOp::Cholesky => "cholesky",
            LinalgOp::Qr { .. } => "qr",
            LinalgOp::Eigh { vectors: true, .. } => "eigh",
            LinalgOp::Eigh { .. } => "eigvalsh",
            LinalgOp::Svd { uv: true, .. } => "svd",
            LinalgOp::Svd { .. } => "svdvals",
            LinalgOp::Eig { vectors: true } => "eig",
            LinalgOp::Eig { .. } => "eigvals",
        }
    }

    /// Whether the op needs a square matrix.
    pub fn square(self) -> bool {
        !matches!(self, LinalgOp::Qr { .. } | LinalgOp::Svd { .. })
    }

    /// The shapes of the components of one matrix's result for an `(m, n)` input (one entry
    /// for single-output ops).
    pub fn components(self, m: usize, n: usize) -> Vec<Shape> {
        let k = m.min(n);
        let s = |d: &[usize]| Shape::from(d);
        match self {
            LinalgOp::Solve | LinalgOp::Inv | LinalgOp::Cholesky => vec![s(&[m, n])],
            LinalgOp::Det => vec![s(&[])],
            LinalgOp::Slogdet => vec![s(&[]), s(&[])],
            LinalgOp::Qr { complete: true } => vec![s(&[m, m]), s(&[m, n])],
            LinalgOp::Qr { complete: false } => vec![s(&[m, k]), s(&[k, n])],
            LinalgOp::Eigh { vectors, .. } | LinalgOp::Eig { vectors } => {
                let mut v = vec![s(&[n])];
                if vectors {
                    v.push(s(&[n, n]));
                }
                v
            }
            LinalgOp::Svd { uv: false, .. } => vec![s(&[k])],
            LinalgOp::Svd { full: true, .. } => vec![s(&[m, m]), s(&[k]), s(&[n, n])],
            LinalgOp::Svd { full: false, .. } => vec![s(&[m, k]), s(&[k]), s(&[k, n])],
        }
    }

    /// True when the node's value is packed (several components, or one of a different shape
    /// than the natural one): everything but solve, inv, det and cholesky.
    pub fn packed(self) -> bool {
        !matches!(
            self,
            LinalgOp::Solve | LinalgOp::Inv | LinalgOp::Det | LinalgOp::Cholesky
        )
    }
}

impl fmt::Display for LinalgOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinalgOp::Qr { complete } => write!(f, "complete={complete}"),
            LinalgOp::Eigh { lower, .. } => write!(f, "UPLO={}", if *lower { "L" } else { "U" }),
            LinalgOp::Svd { full, uv } => write!(f, "full_matrices={full} compute_uv={uv}"),
            _ => Ok(()),
        }
    }
}

/// The kind of a one-axis discrete Fourier transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FftKind {
    /// Complex to complex, forward (`fft`).
    Forward,
    /// Complex to complex, inverse (`ifft`).
    Inverse,
    /// Real to half-spectrum complex (`rfft`).
    Real,
    /// Half-spectrum complex to real (`irfft`).
    InverseReal,
}

/// Normalisation of a transform (NumPy's `norm=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FftNorm {
    /// No scaling forward, `1/n` inverse (the default).
    #[default]
    Backward,
    /// `1/sqrt(n)` both ways.
    Ortho,
    /// `1/n` forward, none inverse.
    Forward,
}

impl FftNorm {
    /// NumPy's name.
    pub fn name(self) -> &'static str {
        match self {
            FftNorm::Backward => "backward",
            FftNorm::Ortho => "ortho",
            FftNorm::Forward => "forward",
        }
    }
}

/// A discrete Fourier transform along one axis with `n` points (the input is cropped or
/// zero-padded to `n`, or to `n/2+1` for [`FftKind::InverseReal`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FftOp {
    /// Which transform.
    pub kind: FftKind,
    /// The axis.
    pub axis: usize,
    /// Number of points of the transform.
    pub n: usize,
    /// Normalisation.
    pub norm: FftNorm,
}

impl FftOp {
    /// The mnemonic (`fft`, `ifft`, `rfft`, `irfft`).
    pub fn name(&self) -> &'static str {
        match self.kind {
            FftKind::Forward => "fft",
            FftKind::Inverse => "ifft",
            FftKind::Real => "rfft",
            FftKind::InverseReal => "irfft",
        }
    }
}

fn invalid(msg: String) -> Error {
    Error::Value(format!("invalid graph: {msg}"))
}

/// The complex dtype of a float dtype's precision.
pub fn complex_of(d: DType) -> DType {
    match d {
        DType::Float32 | DType::Complex64 => DType::Complex64,
        _ => DType::Complex128,
    }
}

/// Types `matmul(a, b)` on inputs `(..., m, k)` and `(..., k, n)` of one dtype; batch axes
/// broadcast.
pub fn infer_matmul(a: &(Shape, DType), b: &(Shape, DType)) -> Result<(Shape, DType)> {
    let ((sa, da), (sb, db)) = (a, b);
    if da != db || sa.ndim() < 2 || sb.ndim() < 2 {
        return Err(invalid(format!("matmul of {sa}:{da} and {sb}:{db}")));
    }
    let (m, ka) = (sa[sa.ndim() - 2], sa[sa.ndim() - 1]);
    let (kb, n) = (sb[sb.ndim() - 2], sb[sb.ndim() - 1]);
    if ka != kb {
        return Err(Error::Value(format!(
            "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size {kb} is different from {ka})"
        )));
    }
    let ba = Shape::from(&sa[..sa.ndim() - 2]);
    let bb = Shape::from(&sb[..sb.ndim() - 2]);
    let batch = broadcast_shapes(&[ba.clone(), bb.clone()]).ok_or(Error::Broadcast {
        shapes: vec![sa.clone(), sb.clone()],
        origins: vec![None, None],
    })?;
    let mut dims: SmallVec<[usize; 4]> = batch.iter().copied().collect();
    dims.extend([m, n]);
    Ok((Shape(dims), *da))
}

/// Types a [`LinalgOp`] node.
pub fn infer_linalg(op: LinalgOp, inputs: &[(Shape, DType)]) -> Result<(Shape, DType)> {
    let want = if op == LinalgOp::Solve { 2 } else { 1 };
    if inputs.len() != want {
        return Err(invalid(format!("{} takes {want} inputs", op.name())));
    }
    let (s, d) = &inputs[0];
    if !matches!(
        d,
        DType::Float32 | DType::Float64 | DType::Complex64 | DType::Complex128
    ) {
        return Err(invalid(format!("{} on {d}", op.name())));
    }
    if s.ndim() < 2 {
        return Err(Error::LinAlg(format!(
            "{}-dimensional array given. Array must be at least two-dimensional",
            s.ndim()
        )));
    }
    let (m, n) = (s[s.ndim() - 2], s[s.ndim() - 1]);
    if op.square() && m != n {
        return Err(Error::LinAlg(
            "Last 2 dimensions of the array must be square".into(),
        ));
    }
    let batch = &s[..s.ndim() - 2];
    let mut dims: SmallVec<[usize; 4]> = batch.iter().copied().collect();
    if op == LinalgOp::Solve {
        let (sb, db) = &inputs[1];
        if db != d || sb.ndim() != s.ndim() || sb[..sb.ndim() - 1] != s[..s.ndim() - 1] {
            return Err(invalid(format!("solve of {s}:{d} and {sb}:{db}")));
        }
        dims.extend([n, sb[sb.ndim() - 1]]);
        return Ok((Shape(dims), *d));
    }
    let comps = op.components(m, n);
    let dtype = if matches!(op, LinalgOp::Eig { .. }) {
        complex_of(*d)
    } else {
        *d
    };
    if op.packed() {
        dims.push(comps.iter().map(|c| c.size()).sum());
    } else {
        dims.extend(comps[0].iter().copied());
    }
    Ok((Shape(dims), dtype))
}

/// Types an [`FftOp`] node.
pub fn infer_fft(op: &FftOp, input: &(Shape, DType)) -> Result<(Shape, DType)> {
    let (s, d) = input;
    if op.axis >= s.ndim() || op.n == 0 {
        return Err(invalid(format!(
            "{} axis={} n={} of {s}",
            op.name(),
            op.axis,
            op.n
        )));
    }
    let ok_in = match op.kind {
        FftKind::Real => matches!(d, DType::Float32 | DType::Float64),
        _ => d.is_complex(),
    };
    if !ok_in {
        return Err(invalid(format!("{} of {d}", op.name())));
    }
    let mut dims: SmallVec<[usize; 4]> = s.iter().copied().collect();
    let (len, dtype) = match op.kind {
        FftKind::Forward | FftKind::Inverse => (op.n, *d),
        FftKind::Real => (op.n / 2 + 1, complex_of(*d)),
        FftKind::InverseReal => (op.n, d.real_type()),
    };
    dims[op.axis] = len;
    Ok((Shape(dims), dtype))
}

/// Elementwise work fused into a matmul's output pass (the optimizer's
/// `matmul_epilogue` pass creates it): each element of
/// the product becomes `relu(scale * c + bias[j])`, each step optional and rounded as the
/// unfused ops would be (`relu` is NumPy's `maximum(v, 0)`: NaN and `-0.0` are kept). The node's
/// inputs are the two factors, then the bias, a vector of length `n`, when `bias` is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MatmulEpilogue {
    /// The multiplier of the product, if any (a float of the product's dtype).
    pub scale: Option<Scalar>,
    /// Whether a row-broadcast bias (the third input) is added.
    pub bias: bool,
    /// Whether the result is clamped below at zero.
    pub relu: bool,
}

impl fmt::Display for MatmulEpilogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(s) = self.scale {
            parts.push(format!("scale={s}"));
        }
        if self.bias {
            parts.push("bias".to_string());
        }
        if self.relu {
            parts.push("relu".to_string());
        }
        write!(f, "{}", parts.join(" "))
    }
}

/// Types a [`MatmulEpilogue`] node: a float32/float64 matmul, plus a bias of shape `(n,)`.
pub fn infer_matmul_epilogue(
    e: &MatmulEpilogue,
    inputs: &[(Shape, DType)],
) -> Result<(Shape, DType)> {
    let want = 2 + usize::from(e.bias);
    if inputs.len() != want {
        return Err(invalid(format!("matmul epilogue takes {want} inputs")));
    }
    let (shape, dtype) = infer_matmul(&inputs[0], &inputs[1])?;
    if !matches!(dtype, DType::Float32 | DType::Float64) {
        return Err(invalid(format!("matmul epilogue on {dtype}")));
    }
    if e.bias {
        let (bs, bd) = &inputs[2];
        let n = shape[shape.ndim() - 1];
        if *bd != dtype || bs.ndim() != 1 || bs[0] != n {
            return Err(invalid(format!(
                "matmul epilogue bias {bs}:{bd} for {shape}:{dtype}"
            )));
        }
    }
    Ok((shape, dtype))
}
