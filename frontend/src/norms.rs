//! `np.linalg.norm`, `np.linalg.cond` and `np.linalg.matrix_rank`, composed from reductions,
//! elementwise ops and the singular values node.

use crate::array::{ok, Array};
use crate::convert::IntoArray;
use crate::linalg::{try_inv, try_svdvals};
use numfuse_ir::shape::normalize_axis;
use numfuse_ir::{DType, Error, Result};

/// NumPy's `ord=` of [`norm_with`].
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum NormOrd {
    /// `ord=None`: the 2-norm of vectors, Frobenius of matrices.
    #[default]
    Default,
    /// A number (`1`, `2`, `-1`, `f64::INFINITY`, `0`, any `p` for vectors).
    P(f64),
    /// `'fro'`.
    Fro,
    /// `'nuc'`.
    Nuc,
}

fn ord_name(o: NormOrd) -> String {
    match o {
        NormOrd::Default => "None".into(),
        NormOrd::P(p) => format!("{p}"),
        NormOrd::Fro => "'fro'".into(),
        NormOrd::Nuc => "'nuc'".into(),
    }
}

fn abs_sq(x: &Array) -> Result<Array> {
    let a = x.try_abs()?;
    a.try_multiply(&a)
}

fn vector_norm(x: &Array, ord: NormOrd, ax: usize) -> Result<Array> {
    let ax = ax as isize;
    match ord {
        NormOrd::Default | NormOrd::P(2.0) => abs_sq(x)?.try_sum(ax)?.try_sqrt(),
        NormOrd::P(p) if p == f64::INFINITY => x.try_abs()?.try_max(ax),
        NormOrd::P(p) if p == f64::NEG_INFINITY => x.try_abs()?.try_min(ax),
        NormOrd::P(0.0) => x
            .try_not_equal(0)?
            .try_astype(x.dtype().real_type())?
            .try_sum(ax),
        NormOrd::P(1.0) => x.try_abs()?.try_sum(ax),
        NormOrd::P(p) => x.try_abs()?.try_power(p)?.try_sum(ax)?.try_power(1.0 / p),
        o => Err(Error::Value(format!(
            "Invalid norm order {} for vectors",
            ord_name(o)
        ))),
    }
}

fn matrix_norm(x: &Array, ord: NormOrd, r: usize, c: usize) -> Result<Array> {
    let (ri, ci) = (r as isize, c as isize);
    let svals = || -> Result<Array> {
        let nd = x.ndim() as isize;
        let moved = x.try_moveaxis(ri, nd - 1)?;
        let c2 = if c > r { ci - 1 } else { ci };
        try_svdvals(moved.try_moveaxis(c2, nd - 1)?)
    };
    // after reducing one axis, the other's index drops when it came later
    let after =
        |kept: usize, removed: usize| (if kept > removed { kept - 1 } else { kept }) as isize;
    match ord {
        NormOrd::Default | NormOrd::Fro => abs_sq(x)?.try_sum([ri, ci])?.try_sqrt(),
        NormOrd::Nuc => svals()?.try_sum(-1),
        NormOrd::P(2.0) => svals()?.try_max(-1),
        NormOrd::P(-2.0) => svals()?.try_min(-1),
        NormOrd::P(1.0) => x.try_abs()?.try_sum(ri)?.try_max(after(c, r)),
        NormOrd::P(-1.0) => x.try_abs()?.try_sum(ri)?.try_min(after(c, r)),
        NormOrd::P(p) if p == f64::INFINITY => x.try_abs()?.try_sum(ci)?.try_max(after(r, c)),
        NormOrd::P(p) if p == f64::NEG_INFINITY => x.try_abs()?.try_sum(ci)?.try_min(after(r, c)),
        _ => Err(Error::Value("Invalid norm order for matrices.".into())),
    }
}

/// `np.linalg.norm(x, ord, axis, keepdims)` (fallible). `axis=None` means the whole array
/// (a vector or matrix norm by its rank when `ord` is given).
pub fn try_norm_with(
    x: impl IntoArray,
    ord: NormOrd,
    axis: Option<&[isize]>,
    keepdims: bool,
) -> Result<Array> {
    let mut x = x.into_array();
    if !x.dtype().is_inexact() {
        x = x.try_astype(DType::Float64)?;
    }
    let nd = x.ndim();
    let axes: Vec<usize> = match axis {
        None if ord == NormOrd::Default => {
            let flat = x.try_reshape([x.size()])?;
            let r = vector_norm(&flat, ord, 0)?;
            return if keepdims {
                r.try_reshape(vec![1usize; nd])
            } else {
                Ok(r)
            };
        }
        None if nd == 1 || nd == 2 => (0..nd).collect(),
        None => {
            return Err(Error::Value(
                "Improper number of dimensions to norm.".into(),
            ))
        }
        Some(a) => a
            .iter()
            .map(|&i| normalize_axis(i, nd))
            .collect::<Result<_>>()?,
    };
    let r = match axes.as_slice() {
        [a] => vector_norm(&x, ord, *a)?,
        [r, c] if r == c => return Err(Error::Value("Duplicate axes given.".into())),
        [r, c] => matrix_norm(&x, ord, *r, *c)?,
        _ => {
            return Err(Error::Value(
                "Improper number of dimensions to norm.".into(),
            ))
        }
    };
    if !keepdims {
        return Ok(r);
    }
    let dims: Vec<usize> = (0..nd)
        .map(|i| if axes.contains(&i) { 1 } else { x.shape()[i] })
        .collect();
    r.try_reshape(dims)
}
/// `np.linalg.norm(x, ord, axis, keepdims)`.
#[track_caller]
pub fn norm_with(x: impl IntoArray, ord: NormOrd, axis: Option<&[isize]>, keepdims: bool) -> Array {
    ok(try_norm_with(x, ord, axis, keepdims))
}
/// `np.linalg.norm(x)`: the 2-norm of the flattened array.
#[track_caller]
pub fn norm(x: impl IntoArray) -> Array {
    ok(try_norm_with(x, NormOrd::Default, None, false))
}

/// `np.linalg.cond(x, p)` (fallible): `s_max / s_min` by default, else
/// `norm(x, p) * norm(inv(x), p)`.
pub fn try_cond(x: impl IntoArray, p: NormOrd) -> Result<Array> {
    let x = x.into_array();
    match p {
        NormOrd::Default | NormOrd::P(2.0) | NormOrd::P(-2.0) => {
            let s = try_svdvals(&x)?;
            let k = s.shape()[s.ndim() - 1] as isize;
            let first = s.try_slice([crate::SliceArg::Ellipsis, crate::SliceArg::Index(0)])?;
            let last = s.try_slice([crate::SliceArg::Ellipsis, crate::SliceArg::Index(k - 1)])?;
            if p == NormOrd::P(-2.0) {
                last.try_divide(&first)
            } else {
                first.try_divide(&last)
            }
        }
        p => {
            let ax = [-2isize, -1];
            let a = try_norm_with(&x, p, Some(&ax), false)?;
            let b = try_norm_with(try_inv(&x)?, p, Some(&ax), false)?;
            a.try_multiply(&b)
        }
    }
}
/// `np.linalg.cond(x, p)`.
#[track_caller]
pub fn cond(x: impl IntoArray, p: NormOrd) -> Array {
    ok(try_cond(x, p))
}

/// `np.linalg.matrix_rank(a, tol)`: singular values above `tol` (default
/// `max(s) * max(m, n) * eps`); for 1-D input, 1 unless all elements are zero.
#[track_caller]
pub fn matrix_rank(a: impl IntoArray, tol: Option<f64>) -> Array {
    let a = a.into_array();
    ok((|| {
        if a.ndim() < 2 {
            return a.try_not_equal(0)?.try_any(None)?.try_astype(DType::Int64);
        }
        let s = try_svdvals(&a)?;
        let (m, n) = (a.shape()[a.ndim() - 2], a.shape()[a.ndim() - 1]);
        let t = match tol {
            Some(t) => crate::full(numfuse_ir::Shape::scalar(), t).try_astype(s.dtype())?,
            None => {
                let eps = if s.dtype() == DType::Float32 {
                    f32::EPSILON as f64
                } else {
                    f64::EPSILON
                };
                s.try_max(crate::axis(-1).keepdims(true))?
                    .try_multiply(m.max(n) as f64 * eps)?
            }
        };
        s.try_greater(&t)?.try_sum(-1)
    })())
}
