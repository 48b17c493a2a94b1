//! One-matrix decompositions and solvers on row-major float64 data, via faer (LU, Cholesky,
//! QR, SVD, self-adjoint and general eigendecompositions). Each returns the packed components
//! of [`LinalgOp::components`](numfuse_ir::LinalgOp::components), in C order, back to back.
//! `det`/`slogdet` use LAPACK's unblocked LU (`getf2`: first largest pivot, reciprocal
//! scaling) and NumPy's `sign * exp(sum(log|u_ii|))`, so small determinants match NumPy's digits.

use super::lu::Lu;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::svd::ComputeSvdVectors;
use faer::{Mat, MatRef, Par, Side};
use num_complex::Complex;
use numfuse_ir::{Error, Result};

fn mat(a: &[f64], m: usize, n: usize) -> Mat<f64> {
    Mat::from_fn(m, n, |i, j| a[i * n + j])
}

fn push_mat(out: &mut Vec<f64>, x: MatRef<'_, f64>) {
    for i in 0..x.nrows() {
        for j in 0..x.ncols() {
            out.push(x[(i, j)]);
        }
    }
}

/// `solve(a, b)` for `a (n, n)` and `b (n, k)`, by the blocked LU of [`super::lu`].
pub fn solve(a: &[f64], b: &[f64], n: usize, k: usize) -> Result<Vec<f64>> {
    if n == 0 || k == 0 {
        return Ok(vec![0.0; n * k]);
    }
    super::lu::solve(a, b, n, k)
}

/// `inv(a)`, by the blocked LU of [`super::lu`].
pub fn inv(a: &[f64], n: usize) -> Result<Vec<f64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    Ok(Lu::factor(a, n)?.inverse())
}

/// `(sign, log|det|)` by LAPACK's unblocked LU with partial pivoting.
pub fn slogdet(a: &[f64], n: usize) -> (f64, f64) {
    let mut w = a.to_vec();
    let mut sign = 1.0;
    let mut logdet = 0.0;
    for j in 0..n {
        let mut p = j;
        for i in j + 1..n {
            if w[i * n + j].abs() > w[p * n + j].abs() {
                p = i;
            }
        }
        let piv = w[p * n + j];
        if piv == 0.0 {
            return (0.0, f64::NEG_INFINITY);
        }
        if p != j {
            for c in 0..n {
                w.swap(p * n + c, j * n + c);
            }
            sign = -sign;
        }
        let r = 1.0 / piv;
        for i in j + 1..n {
            w[i * n + j] *= r;
            let l = w[i * n + j];
            for c in j + 1..n {
                w[i * n + c] -= l * w[j * n + c];
            }
        }
        if piv < 0.0 {
            sign = -sign;
        }
        logdet += piv.abs().ln();
    }
    (sign, logdet)
}

/// `det(a)` as NumPy computes it: `sign * exp(logdet)`.
pub fn det(a: &[f64], n: usize) -> f64 {
    let (s, l) = slogdet(a, n);
    s * l.exp()
}

/// `cholesky(a)`: the lower factor (only the lower triangle of `a` is read).
pub fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let llt = mat(a, n, n)
        .llt(Side::Lower)
        .map_err(|_| Error::LinAlg("Matrix is not positive definite".into()))?;
    let l = llt.L();
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            out[i * n + j] = l[(i, j)];
        }
    }
    Ok(out)
}

/// `qr(a)`: packed `Q` then `R` (reduced or complete).
pub fn qr(a: &[f64], m: usize, n: usize, complete: bool) -> Vec<f64> {
    let k = m.min(n);
    let rows_r = if complete { m } else { k };
    let mut out = Vec::with_capacity(m * rows_r + rows_r * n);
    if m == 0 || n == 0 {
        // Q is the identity (complete) or empty, R is empty or zero
        for i in 0..m {
            for j in 0..rows_r {
                out.push(if i == j { 1.0 } else { 0.0 });
            }
        }
        out.resize(m * rows_r + rows_r * n, 0.0);
        return out;
    }
    let f = mat(a, m, n).qr();
    let q = if complete {
        f.compute_Q()
    } else {
        f.compute_thin_Q()
    };
    push_mat(&mut out, q.as_ref());
    let r = f.thin_R();
    for i in 0..rows_r {
        for j in 0..n {
            out.push(if i < k && j >= i { r[(i, j)] } else { 0.0 });
        }
    }
    out
}

fn evd_error() -> Error {
    Error::LinAlg("Eigenvalues did not converge".into())
}

/// `eigh(a, UPLO)`: packed ascending eigenvalues, then the eigenvectors as columns.
pub fn eigh(a: &[f64], n: usize, lower: bool, vectors: bool) -> Result<Vec<f64>> {
    let side = if lower { Side::Lower } else { Side::Upper };
    let mut out = Vec::with_capacity(n + n * n);
    if n == 0 {
        return Ok(out);
    }
    let am = mat(a, n, n);
    if !vectors {
        out.extend(am.self_adjoint_eigenvalues(side).map_err(|_| evd_error())?);
        return Ok(out);
    }
    let e = am.self_adjoint_eigen(side).map_err(|_| evd_error())?;
    out.extend(e.S().column_vector().iter().copied());
    push_mat(&mut out, e.U());
    Ok(out)
}

/// `svd(a)`: packed `U`, `S`, `Vh` (or only `S`).
pub fn svd(a: &[f64], m: usize, n: usize, full: bool, uv: bool) -> Result<Vec<f64>> {
    let k = m.min(n);
    let am = mat(a, m, n);
    if !uv {
        if k == 0 {
            return Ok(Vec::new());
        }
        // faer's `singular_values` runs on the global (rayon) parallelism: 1.2 ms against
        // 0.6 ms sequential for 500×50 on the shared 2-core machine
        return faer_svd(am.as_ref(), ComputeSvdVectors::No, None, None);
    }
    let (um, vn) = if full { (m, n) } else { (k, k) };
    let mut out = Vec::with_capacity(m * um + k + vn * n);
    if k == 0 {
        // identity factors for the empty side, as LAPACK gives
        for i in 0..m {
            for j in 0..um {
                out.push(if i == j { 1.0 } else { 0.0 });
            }
        }
        for i in 0..vn {
            for j in 0..n {
                out.push(if i == j { 1.0 } else { 0.0 });
            }
        }
        return Ok(out);
    }
    let mode = if full {
        ComputeSvdVectors::Full
    } else {
        ComputeSvdVectors::Thin
    };
    let mut u = Mat::<f64>::zeros(m, um);
    let mut v = Mat::<f64>::zeros(n, vn);
    let sv = faer_svd(am.as_ref(), mode, Some(u.as_mut()), Some(v.as_mut()))?;
    push_mat(&mut out, u.as_ref());
    out.extend(sv);
    push_mat(&mut out, v.transpose());
    Ok(out)
}

/// faer's SVD of `a` (`min(m, n) > 0`) with the parallelism of [`par_for`]: the singular
/// values, descending, and `U`/`V` written where given (`mode` says how many columns).
fn faer_svd(
    a: MatRef<'_, f64>,
    mode: ComputeSvdVectors,
    u: Option<faer::MatMut<'_, f64>>,
    v: Option<faer::MatMut<'_, f64>>,
) -> Result<Vec<f64>> {
    let (m, n) = (a.nrows(), a.ncols());
    let k = m.min(n);
    let par = par_for(m * n * k);
    let req = faer::linalg::svd::svd_scratch::<f64>(m, n, mode, mode, par, Default::default());
    let mut mem = MemBuffer::new(req);
    let mut sv = Mat::<f64>::zeros(k, 1);
    faer::linalg::svd::svd(
        a,
        sv.col_mut(0).as_diagonal_mut(),
        u,
        v,
        par,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .map_err(|_| Error::LinAlg("SVD did not converge".into()))?;
    Ok(sv.col(0).iter().copied().collect())
}

/// faer's parallelism for a decomposition of about `work` multiply-adds: sequential below
/// 2^24 (rayon's fork/join costs more than it saves there: thin SVD of 500×50 measured
/// 1.4 ms sequential against 2.4 ms with `Par::rayon(0)` on the shared 2-core machine).
fn par_for(work: usize) -> Par {
    super::faer_par(work, 1 << 24)
}

/// `eig(a)`: packed complex eigenvalues, then (with `vectors`) unit-norm eigenvectors as
/// columns.
pub fn eig(a: &[f64], n: usize, vectors: bool) -> Result<Vec<Complex<f64>>> {
    let mut out = Vec::with_capacity(n + n * n);
    if n == 0 {
        return Ok(out);
    }
    let am = mat(a, n, n);
    if !vectors {
        return am.eigenvalues().map_err(|_| evd_error());
    }
    let e = am.eigen().map_err(|_| evd_error())?;
    out.extend(e.S().column_vector().iter().copied());
    let u = e.U();
    let mut vecs = vec![Complex::new(0.0, 0.0); n * n];
    for j in 0..n {
        let norm = (0..n).map(|i| u[(i, j)].norm_sqr()).sum::<f64>().sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 1.0 };
        for i in 0..n {
            vecs[i * n + j] = u[(i, j)] * scale;
        }
    }
    out.extend(vecs);
    Ok(out)
}
