//! `np.linalg`: solvers and decompositions as [`Op::Linalg`] nodes (multi-output results are
//! one packed node whose components are zero-copy views, see `numfuse_ir::linalg_op`), plus
//! compositions (`lstsq`, `pinv`, `matrix_rank`, `norm`, `cond`) and the products
//! `multi_dot`/`matrix_power`. Integer input is computed in float64, float32 stays float32.
//! Data-dependent errors (`Singular matrix`, `Matrix is not positive definite`) are
//! `LinAlgError`s raised at evaluation.
//!
//! ```
//! use numfuse as nf;
//! let a = nf::array([[3.0, 1.0], [1.0, 2.0]]);
//! let x = nf::linalg::solve(&a, nf::array([9.0, 8.0]));
//! assert_eq!(x.to_vec::<f64>(), vec![2.0, 3.0]);
//! assert!(nf::linalg::try_inv(nf::array([[1.0, 2.0], [2.0, 4.0]])).unwrap().try_eval().is_err());
//! ```

use crate::array::{ok, Array};
use crate::convert::IntoArray;
use crate::products::Loc;
use numfuse_ir::{DType, Error, LinalgOp, Op, Result, Shape, SliceAxis};
use std::panic::Location;

pub use crate::chain::{matrix_power, multi_dot, try_matrix_power, try_multi_dot};
pub use crate::norms::{cond, matrix_rank, norm, norm_with, try_cond, try_norm_with, NormOrd};
pub use crate::solvers::{lstsq, pinv, try_lstsq, try_pinv, Lstsq};

/// Casts to the dtype the decompositions run in (NumPy's `_commonType`): float32 and complex
/// stay, other types become float64; float16 is refused as in NumPy.
pub(crate) fn linalg_input(a: &Array, origin: Loc) -> Result<Array> {
    match a.dtype() {
        DType::Float32 | DType::Float64 | DType::Complex64 | DType::Complex128 => Ok(a.clone()),
        DType::Float16 => Err(Error::Type(
            "array type float16 is unsupported in linalg".into(),
        )),
        _ => crate::ufunc::cast_to(a, DType::Float64, origin),
    }
}

fn check_matrix(a: &Array, square: bool) -> Result<()> {
    if a.ndim() < 2 {
        return Err(Error::LinAlg(format!(
            "{}-dimensional array given. Array must be at least two-dimensional",
            a.ndim()
        )));
    }
    let s = a.shape();
    if square && s[s.ndim() - 1] != s[s.ndim() - 2] {
        return Err(Error::LinAlg(
            "Last 2 dimensions of the array must be square".into(),
        ));
    }
    Ok(())
}

pub(crate) fn node(op: LinalgOp, a: &Array, origin: Loc) -> Result<Array> {
    check_matrix(a, op.square())?;
    let a = linalg_input(a, origin)?;
    Array::from_op(Op::Linalg(op), vec![a], origin)
}

/// The components of a packed decomposition node `p` of input shape `input`.
pub(crate) fn components(p: &Array, op: LinalgOp, input: &Shape) -> Result<Vec<Array>> {
    if !op.packed() {
        return Ok(vec![p.clone()]);
    }
    let nd = input.ndim();
    let batch = &input[..nd - 2];
    let comps = op.components(input[nd - 2], input[nd - 1]);
    let mut out = Vec::with_capacity(comps.len());
    let mut start = 0;
    for c in comps {
        let mut axes: Vec<SliceAxis> = batch
            .iter()
            .map(|&len| SliceAxis {
                start: 0,
                step: 1,
                len,
            })
            .collect();
        axes.push(SliceAxis {
            start,
            step: 1,
            len: c.size(),
        });
        start += c.size();
        let v = Array::from_op(
            Op::Slice(axes.into_iter().collect()),
            vec![p.clone()],
            p.origin(),
        )?;
        let mut dims: Vec<usize> = batch.to_vec();
        dims.extend(c.iter());
        out.push(Array::from_op(
            Op::Reshape(Shape::from(dims.as_slice())),
            vec![v],
            p.origin(),
        )?);
    }
    Ok(out)
}

fn decompose(op: LinalgOp, a: &Array, origin: Loc) -> Result<Vec<Array>> {
    let p = node(op, a, origin)?;
    let parts = components(&p, op, a.shape())?;
    // complex input: eigenvalues, singular values and log|det| are real
    if !p.dtype().is_complex() || matches!(op, LinalgOp::Eig { .. } | LinalgOp::Qr { .. }) {
        return Ok(parts);
    }
    let realify = match op {
        LinalgOp::Slogdet | LinalgOp::Svd { uv: true, .. } => Some(1),
        LinalgOp::Eigh { .. } | LinalgOp::Svd { uv: false, .. } => Some(0),
        _ => None,
    };
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(i, x)| if Some(i) == realify { x.real() } else { x })
        .collect())
}

pub(crate) fn inv_at(a: &Array, origin: Loc) -> Result<Array> {
    node(LinalgOp::Inv, a, origin)
}

/// `np.linalg.solve(a, b)` (fallible). `b` is a vector when it is 1-D, else a stack of
/// matrices; batch axes broadcast.
#[track_caller]
pub fn try_solve(a: impl IntoArray, b: impl IntoArray) -> Result<Array> {
    let (a, b, origin) = (a.into_array(), b.into_array(), Location::caller());
    check_matrix(&a, true)?;
    let n = a.shape()[a.ndim() - 1];
    let vector = b.ndim() == 1;
    let bm = if vector {
        b.try_reshape([b.size(), 1])?
    } else {
        b.clone()
    };
    if bm.ndim() < 2 {
        return Err(Error::LinAlg(
            "0-dimensional array given. Array must be at least two-dimensional".into(),
        ));
    }
    let bn = bm.shape()[bm.ndim() - 2];
    if bn != n {
        let (name, sig) = if vector {
            ("solve1", "(m,m),(m)->(m)")
        } else {
            ("solve", "(m,m),(m,n)->(m,n)")
        };
        return Err(Error::Value(format!(
            "{name}: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature {sig} (size {bn} is different from {n})"
        )));
    }
    let d = numfuse_ir::promote(
        linalg_input(&a, origin)?.dtype(),
        linalg_input(&bm, origin)?.dtype(),
    );
    let ba = Shape::from(&a.shape()[..a.ndim() - 2]);
    let bb = Shape::from(&bm.shape()[..bm.ndim() - 2]);
    let batch = numfuse_ir::broadcast_shapes(&[ba, bb]).ok_or_else(|| Error::Broadcast {
        shapes: vec![a.shape().clone(), b.shape().clone()],
        origins: vec![a.origin_opt(), b.origin_opt()],
    })?;
    let k = bm.shape()[bm.ndim() - 1];
    let full = |x: &Array, cols: usize| -> Result<Array> {
        let mut dims = batch.to_vec();
        dims.extend([n, cols]);
        crate::ufunc::broadcast_to(
            &crate::ufunc::cast_to(x, d, origin)?,
            &Shape::from(dims.as_slice()),
            origin,
        )
    };
    let x = Array::from_op(
        Op::Linalg(LinalgOp::Solve),
        vec![full(&a, n)?, full(&bm, k)?],
        origin,
    )?;
    if vector {
        let mut dims = batch.to_vec();
        dims.push(n);
        return x.try_reshape(Shape::from(dims.as_slice()));
    }
    Ok(x)
}

macro_rules! one_output {
    ($($(#[$doc:meta])* $name:ident, $try_name:ident => $op:expr;)*) => {$(
        $(#[$doc])*
        #[track_caller]
        pub fn $try_name(a: impl IntoArray) -> Result<Array> {
            Ok(decompose($op, &a.into_array(), Location::caller())?.remove(0))
        }
        $(#[$doc])*
        #[track_caller]
        pub fn $name(a: impl IntoArray) -> Array {
            ok($try_name(a))
        }
    )*};
}

one_output! {
    /// `np.linalg.inv(a)`.
    inv, try_inv => LinalgOp::Inv;
    /// `np.linalg.det(a)` (NumPy's `sign * exp(log|det|)` over an LU factorization).
    det, try_det => LinalgOp::Det;
    /// `np.linalg.cholesky(a)`: the lower factor `L` with `a = L Lᴴ`.
    cholesky, try_cholesky => LinalgOp::Cholesky;
    /// `np.linalg.svdvals(a)` / `svd(a, compute_uv=False)`: singular values, descending.
    svdvals, try_svdvals => LinalgOp::Svd { full: false, uv: false };
}

/// `np.linalg.cholesky(a, upper=True)` (fallible): the upper factor `U = Lᴴ`, `a = Uᴴ U`.
#[track_caller]
pub fn try_cholesky_upper(a: impl IntoArray) -> Result<Array> {
    try_cholesky(a)?.try_swapaxes(-1, -2)?.try_conj()
}
/// `np.linalg.cholesky(a, upper=True)`.
#[track_caller]
pub fn cholesky_upper(a: impl IntoArray) -> Array {
    ok(try_cholesky_upper(a))
}

/// `np.linalg.solve(a, b)`.
#[track_caller]
pub fn solve(a: impl IntoArray, b: impl IntoArray) -> Array {
    ok(try_solve(a, b))
}

fn pair(v: Vec<Array>) -> (Array, Array) {
    let mut it = v.into_iter();
    let a = it.next().expect("two components");
    (a, it.next().expect("two components"))
}

/// `np.linalg.slogdet(a)` (fallible): `(sign, logabsdet)`.
#[track_caller]
pub fn try_slogdet(a: impl IntoArray) -> Result<(Array, Array)> {
    Ok(pair(decompose(
        LinalgOp::Slogdet,
        &a.into_array(),
        Location::caller(),
    )?))
}
/// `np.linalg.slogdet(a)`: `(sign, logabsdet)`.
#[track_caller]
pub fn slogdet(a: impl IntoArray) -> (Array, Array) {
    ok(try_slogdet(a))
}

/// `mode=` of [`qr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QrMode {
    /// `Q (m, k)`, `R (k, n)` with `k = min(m, n)` (the default).
    #[default]
    Reduced,
    /// `Q (m, m)`, `R (m, n)`.
    Complete,
}

/// `np.linalg.qr(a, mode)` (fallible): `(Q, R)`.
#[track_caller]
pub fn try_qr(a: impl IntoArray, mode: QrMode) -> Result<(Array, Array)> {
    let op = LinalgOp::Qr {
        complete: mode == QrMode::Complete,
    };
    Ok(pair(decompose(op, &a.into_array(), Location::caller())?))
}
/// `np.linalg.qr(a, mode)`: `(Q, R)` with `a = Q R`.
#[track_caller]
pub fn qr(a: impl IntoArray, mode: QrMode) -> (Array, Array) {
    ok(try_qr(a, mode))
}
/// `np.linalg.qr(a, mode='r')` (fallible): only `R (k, n)`, `k = min(m, n)`.
#[track_caller]
pub fn try_qr_r(a: impl IntoArray) -> Result<Array> {
    Ok(try_qr(a, QrMode::Reduced)?.1)
}
/// `np.linalg.qr(a, mode='r')`.
#[track_caller]
pub fn qr_r(a: impl IntoArray) -> Array {
    ok(try_qr_r(a))
}

/// `np.linalg.eigh(a, UPLO)` (fallible): ascending eigenvalues and eigenvectors as columns.
/// `lower` selects `UPLO='L'` (NumPy's default).
#[track_caller]
pub fn try_eigh(a: impl IntoArray, lower: bool) -> Result<(Array, Array)> {
    let op = LinalgOp::Eigh {
        lower,
        vectors: true,
    };
    Ok(pair(decompose(op, &a.into_array(), Location::caller())?))
}
/// `np.linalg.eigh(a, UPLO='L' if lower else 'U')`.
#[track_caller]
pub fn eigh(a: impl IntoArray, lower: bool) -> (Array, Array) {
    ok(try_eigh(a, lower))
}
/// `np.linalg.eigvalsh(a, UPLO)` (fallible).
#[track_caller]
pub fn try_eigvalsh(a: impl IntoArray, lower: bool) -> Result<Array> {
    let op = LinalgOp::Eigh {
        lower,
        vectors: false,
    };
    Ok(decompose(op, &a.into_array(), Location::caller())?.remove(0))
}
/// `np.linalg.eigvalsh(a, UPLO)`: ascending eigenvalues of a Hermitian matrix.
#[track_caller]
pub fn eigvalsh(a: impl IntoArray, lower: bool) -> Array {
    ok(try_eigvalsh(a, lower))
}

/// `np.linalg.svd(a, full_matrices)` (fallible): `(U, S, Vh)` with `a = U diag(S) Vh`.
#[track_caller]
pub fn try_svd(a: impl IntoArray, full_matrices: bool) -> Result<(Array, Array, Array)> {
    let op = LinalgOp::Svd {
        full: full_matrices,
        uv: true,
    };
    let mut v = decompose(op, &a.into_array(), Location::caller())?.into_iter();
    let (u, s, vh) = (v.next(), v.next(), v.next());
    Ok((u.expect("U"), s.expect("S"), vh.expect("Vh")))
}
/// `np.linalg.svd(a, full_matrices)`.
#[track_caller]
pub fn svd(a: impl IntoArray, full_matrices: bool) -> (Array, Array, Array) {
    ok(try_svd(a, full_matrices))
}

/// Evaluates an `eig` node and returns real arrays when every eigenvalue is real (NumPy's
/// data-dependent result type): a materialization point, like NumPy's eager call.
fn eig_values(a: &Array, vectors: bool, origin: Loc) -> Result<Vec<Array>> {
    let op = LinalgOp::Eig { vectors };
    let parts = decompose(op, a, origin)?;
    let w = parts[0].try_eval()?;
    let imag = Array::from_ndarray(&w).try_imag()?.try_eval()?;
    let all_real = imag
        .to_vec::<f64>()
        .map(|v| v.iter().all(|&x| x == 0.0))
        .unwrap_or(false)
        || imag
            .to_vec::<f32>()
            .map(|v| v.iter().all(|&x| x == 0.0))
            .unwrap_or(false);
    parts
        .into_iter()
        .map(|p| {
            let v = p.try_eval()?;
            let leaf = Array::leaf(v, origin);
            if all_real && a.dtype() != DType::Complex64 && a.dtype() != DType::Complex128 {
                leaf.try_real()?.try_eval().map(|r| Array::leaf(r, origin))
            } else {
                Ok(leaf)
            }
        })
        .collect()
}

/// `np.linalg.eig(a)` (fallible): eigenvalues and unit-norm right eigenvectors (columns);
/// real when all eigenvalues are real, complex otherwise. Evaluates `a`.
#[track_caller]
pub fn try_eig(a: impl IntoArray) -> Result<(Array, Array)> {
    Ok(pair(eig_values(&a.into_array(), true, Location::caller())?))
}
/// `np.linalg.eig(a)`.
#[track_caller]
pub fn eig(a: impl IntoArray) -> (Array, Array) {
    ok(try_eig(a))
}
/// `np.linalg.eigvals(a)` (fallible).
#[track_caller]
pub fn try_eigvals(a: impl IntoArray) -> Result<Array> {
    Ok(eig_values(&a.into_array(), false, Location::caller())?.remove(0))
}
/// `np.linalg.eigvals(a)`.
#[track_caller]
pub fn eigvals(a: impl IntoArray) -> Array {
    ok(try_eigvals(a))
}
