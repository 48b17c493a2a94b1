//! `np.linalg.lstsq` and `np.linalg.pinv`, composed from the SVD node, matmuls and
//! elementwise ops (so the graph shows every step). `lstsq` evaluates the singular values
//! when it is called, because the rank decides the shape of the residuals (NumPy's
//! data-dependent result), the way `unique` does.

use crate::array::{ok, Array};
use crate::convert::IntoArray;
use crate::linalg::{linalg_input, try_svd};
use crate::products::{matmul_node, Loc};
use numfuse_ir::{DType, Error, Result};
use std::panic::Location;

fn swap_last(a: &Array) -> Result<Array> {
    let nd = a.ndim() as isize;
    a.try_swapaxes(nd - 2, nd - 1)
}

fn eps(d: DType) -> f64 {
    if matches!(d, DType::Float32 | DType::Complex64) {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    }
}

/// `where(s > cutoff, 1/s, 0)` with `cutoff = rcond * max(s)` per matrix.
fn inverse_values(s: &Array, rcond: &Array) -> Result<Array> {
    let smax = s.try_max(crate::axis(-1).keepdims(true))?;
    let cutoff = rcond.try_multiply(&smax)?;
    let large = s.try_greater(&cutoff)?;
    let inv = s.try_reciprocal()?;
    crate::try_where(&large, &inv, 0.0)
}

fn pinv_at(a: &Array, rcond: f64, origin: Loc) -> Result<Array> {
    let a = linalg_input(a, origin)?;
    let nd = a.ndim();
    if nd >= 2 && a.size() == 0 {
        let mut dims = a.shape().to_vec();
        dims.swap(nd - 2, nd - 1);
        return crate::zeros(dims.as_slice()).try_astype(a.dtype());
    }
    let (u, s, vh) = try_svd(&a, false)?;
    let r = crate::full(numfuse_ir::Shape::scalar(), rcond).try_astype(s.dtype())?;
    let sinv = inverse_values(&s, &r)?.try_expand_dims(-1)?;
    let ut = swap_last(&u)?.try_conj()?;
    let scaled = sinv.try_multiply(&ut)?;
    matmul_node(&swap_last(&vh)?.try_conj()?, &scaled, origin)
}

/// `np.linalg.pinv(a, rcond)` (fallible): the Moore–Penrose pseudo-inverse by SVD, singular
/// values at or below `rcond * max(s)` treated as zero.
#[track_caller]
pub fn try_pinv(a: impl IntoArray, rcond: f64) -> Result<Array> {
    pinv_at(&a.into_array(), rcond, Location::caller())
}
/// `np.linalg.pinv(a, rcond)` (NumPy's default `rcond` is `1e-15`).
#[track_caller]
pub fn pinv(a: impl IntoArray, rcond: f64) -> Array {
    ok(try_pinv(a, rcond))
}

/// The four results of [`lstsq`].
#[derive(Clone)]
pub struct Lstsq {
    /// The least-squares solution `x` (`(n,)` or `(n, k)`).
    pub x: Array,
    /// Sums of squared residuals per column: `(k,)` (`(1,)` for a vector `b`) when `a` has full
    /// column rank and more rows than columns, else empty.
    pub residuals: Array,
    /// The effective rank of `a`.
    pub rank: usize,
    /// Singular values of `a`, descending.
    pub s: Array,
}

fn lstsq_at(a: &Array, b: &Array, rcond: Option<f64>, origin: Loc) -> Result<Lstsq> {
    if a.ndim() != 2 {
        return Err(Error::LinAlg(format!(
            "{}-dimensional array given. Array must be two-dimensional",
            a.ndim()
        )));
    }
    let (m, n) = (a.shape()[0], a.shape()[1]);
    let vector = b.ndim() == 1;
    let b2 = if vector {
        b.try_reshape([b.size(), 1])?
    } else {
        b.clone()
    };
    if b2.ndim() != 2 || b2.shape()[0] != m {
        return Err(Error::LinAlg("Incompatible dimensions".into()));
    }
    let d = numfuse_ir::promote(
        linalg_input(a, origin)?.dtype(),
        linalg_input(&b2, origin)?.dtype(),
    );
    let (a, b2) = (a.try_astype(d)?, b2.try_astype(d)?);
    let rcond = rcond.unwrap_or(eps(d) * m.max(n) as f64);
    let (u, s, vh) = try_svd(&a, false)?;
    let s_val = s.try_eval()?;
    let s = Array::from_ndarray(&s_val);
    let sv = crate::Array::from_ndarray(&s_val)
        .try_astype(DType::Float64)?
        .try_to_vec::<f64>()?;
    let smax = sv.first().copied().unwrap_or(0.0);
    let rank = sv.iter().filter(|&&x| x > rcond * smax).count();
    let r = crate::full(numfuse_ir::Shape::scalar(), rcond).try_astype(s.dtype())?;
    let sinv = inverse_values(&s, &r)?.try_expand_dims(-1)?;
    let utb = matmul_node(&swap_last(&u)?.try_conj()?, &b2, origin)?;
    let x2 = matmul_node(
        &swap_last(&vh)?.try_conj()?,
        &sinv.try_multiply(&utb)?,
        origin,
    )?;
    let residuals = if rank == n && m > n {
        let r = b2.try_subtract(&matmul_node(&a, &x2, origin)?)?.try_abs()?;
        r.try_multiply(&r)?.try_sum(0)?
    } else {
        crate::zeros([0]).try_astype(d.real_type())?
    };
    let x = if vector { x2.try_reshape([n])? } else { x2 };
    Ok(Lstsq {
        x,
        residuals,
        rank,
        s,
    })
}

/// `np.linalg.lstsq(a, b, rcond)` (fallible); `rcond=None` is `eps * max(m, n)`.
#[track_caller]
pub fn try_lstsq(a: impl IntoArray, b: impl IntoArray, rcond: Option<f64>) -> Result<Lstsq> {
    lstsq_at(&a.into_array(), &b.into_array(), rcond, Location::caller())
}
/// `np.linalg.lstsq(a, b, rcond)`: the minimum-norm least-squares solution of `a x = b`, via
/// the SVD (as LAPACK's `gelsd`).
#[track_caller]
pub fn lstsq(a: impl IntoArray, b: impl IntoArray, rcond: Option<f64>) -> Lstsq {
    ok(try_lstsq(a, b, rcond))
}
