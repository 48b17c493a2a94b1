//! Polynomials with NumPy's `np.polyfit`, `np.polyval` and `np.roots` (coefficients highest
//! degree first). `polyval` is Horner's rule as graph operations; `polyfit` is NumPy's scaled
//! Vandermonde least squares (via [`crate::linalg::lstsq`]); `roots` evaluates the
//! coefficients and takes the eigenvalues of the companion matrix.
//!
//! ```
//! use numfuse as nf;
//! let x = nf::linspace(-3.0, 3.0, 50);
//! let y = &x * &x * 2.0 - &x * 3.0 + 1.0;
//! let c = nf::polyfit(&x, &y, 2).round(10).to_vec::<f64>();
//! assert_eq!(c, vec![2.0, -3.0, 1.0]);
//! assert_eq!(nf::polyval(nf::array([2.0, -3.0, 1.0]), nf::array([0.0, 1.0, 2.0])).to_vec::<f64>(), vec![1.0, 0.0, 3.0]);
//! ```

use crate::array::{ok, Array};
use crate::convert::IntoArray;
use crate::linalg::{try_eigvals, try_lstsq};
use numfuse_ir::{DType, Error, Result};
use numfuse_runtime::NdArray;
use std::panic::Location;

/// `np.polyval(p, x)` (fallible): `p[0]*x**(n-1) + ... + p[n-1]` by Horner's rule.
pub fn try_polyval(p: impl IntoArray, x: impl IntoArray) -> Result<Array> {
    let (p, x) = (p.into_array(), x.into_array());
    if p.ndim() != 1 {
        return Err(Error::Value("polyval: p must be 1-D".into()));
    }
    let mut y = x.try_multiply(0)?;
    for i in 0..p.size() {
        let c = p.try_slice([crate::SliceArg::Index(i as isize)])?;
        y = y.try_multiply(&x)?.try_add(&c)?;
    }
    Ok(y)
}
/// `np.polyval(p, x)`.
#[track_caller]
pub fn polyval(p: impl IntoArray, x: impl IntoArray) -> Array {
    ok(try_polyval(p, x))
}

/// What [`polyfit_full`] returns (NumPy's `full=True`).
#[derive(Clone)]
pub struct PolyfitFull {
    /// Coefficients, highest degree first (`(deg+1,)` or `(deg+1, k)`).
    pub coef: Array,
    /// Sum of squared residuals of the least-squares fit.
    pub residuals: Array,
    /// Effective rank of the scaled Vandermonde matrix.
    pub rank: usize,
    /// Its singular values.
    pub singular_values: Array,
    /// The `rcond` used (`len(x) * eps`).
    pub rcond: f64,
}

/// A least-squares fit with the scaled Vandermonde matrix and its column scales kept (for the
/// covariance).
struct Fit {
    full: PolyfitFull,
    lhs: Array,
    scale: Array,
}

/// `np.polyfit(x, y, deg, full=True)` (fallible).
pub fn try_polyfit_full(x: impl IntoArray, y: impl IntoArray, deg: usize) -> Result<PolyfitFull> {
    Ok(fit(x, y, deg)?.full)
}

fn fit(x: impl IntoArray, y: impl IntoArray, deg: usize) -> Result<Fit> {
    let x = x.into_array().try_astype(DType::Float64)?;
    let y = y.into_array().try_astype(DType::Float64)?;
    if x.ndim() != 1 {
        return Err(Error::Type("expected 1D vector for x".into()));
    }
    if x.size() == 0 {
        return Err(Error::Type("expected non-empty vector for x".into()));
    }
    if y.ndim() < 1 || y.ndim() > 2 {
        return Err(Error::Type("expected 1D or 2D array for y".into()));
    }
    if y.shape()[0] != x.size() {
        return Err(Error::Type("expected x and y to have same length".into()));
    }
    let n = x.size();
    let rcond = n as f64 * f64::EPSILON;
    // Vandermonde matrix: columns x**deg, ..., x**0
    let powers = crate::arange_step(deg as i64, -1, -1).try_astype(DType::Float64)?;
    let lhs = x.try_reshape([n, 1])?.try_power(&powers)?;
    let scale = lhs.try_multiply(&lhs)?.try_sum(0)?.try_sqrt()?;
    let lhs = lhs.try_divide(&scale)?;
    let r = try_lstsq(&lhs, &y, Some(rcond))?;
    let coef = if y.ndim() == 2 {
        r.x.try_divide(&scale.try_reshape([deg + 1, 1])?)?
    } else {
        r.x.try_divide(&scale)?
    };
    Ok(Fit {
        full: PolyfitFull {
            coef,
            residuals: r.residuals,
            rank: r.rank,
            singular_values: r.s,
            rcond,
        },
        lhs,
        scale,
    })
}

/// `np.polyfit(x, y, deg, cov=True)` (fallible; `scaled = false` is `cov='unscaled'`):
/// the coefficients and their covariance, `inv(VᵀV) / outer(scale, scale)` times
/// `residuals / (len(x) - deg - 1)` when scaled (shape `(deg+1, deg+1)`, or
/// `(deg+1, deg+1, k)` for a 2-D `y`).
pub fn try_polyfit_cov(
    x: impl IntoArray,
    y: impl IntoArray,
    deg: usize,
    scaled: bool,
) -> Result<(Array, Array)> {
    let f = fit(x, y, deg)?;
    let (order, points) = (deg + 1, f.lhs.shape()[0]);
    let gram = f.lhs.t().try_matmul(&f.lhs)?;
    let outer = f
        .scale
        .try_reshape([order, 1])?
        .try_multiply(f.scale.try_reshape([1, order])?)?;
    let mut base = crate::linalg::try_inv(gram)?.try_divide(&outer)?;
    if f.full.coef.ndim() == 2 {
        base = base.try_reshape([order, order, 1])?;
    }
    let cov = if scaled {
        if points <= order {
            return Err(Error::Value(
                "the number of data points must exceed order to scale the covariance matrix".into(),
            ));
        }
        base.try_multiply(f.full.residuals.try_divide((points - order) as f64)?)?
    } else {
        base
    };
    Ok((f.full.coef, cov))
}
/// `np.polyfit(x, y, deg, cov=True)`.
#[track_caller]
pub fn polyfit_cov(
    x: impl IntoArray,
    y: impl IntoArray,
    deg: usize,
    scaled: bool,
) -> (Array, Array) {
    ok(try_polyfit_cov(x, y, deg, scaled))
}
/// `np.polyfit(x, y, deg, full=True)`.
#[track_caller]
pub fn polyfit_full(x: impl IntoArray, y: impl IntoArray, deg: usize) -> PolyfitFull {
    ok(try_polyfit_full(x, y, deg))
}
/// `np.polyfit(x, y, deg)` (fallible): least-squares coefficients, highest degree first.
pub fn try_polyfit(x: impl IntoArray, y: impl IntoArray, deg: usize) -> Result<Array> {
    Ok(try_polyfit_full(x, y, deg)?.coef)
}
/// `np.polyfit(x, y, deg)`.
#[track_caller]
pub fn polyfit(x: impl IntoArray, y: impl IntoArray, deg: usize) -> Array {
    ok(try_polyfit(x, y, deg))
}

/// `np.roots(p)` (fallible): the roots of the polynomial with coefficients `p` (evaluates
/// `p`); real when every root is real, complex otherwise.
#[track_caller]
pub fn try_roots(p: impl IntoArray) -> Result<Array> {
    let origin = Location::caller();
    let p = p.into_array();
    if p.ndim() != 1 {
        return Err(Error::Value("Input must be a rank-1 array.".into()));
    }
    let c = p.try_astype(DType::Float64)?.try_to_vec::<f64>()?;
    let Some(first) = c.iter().position(|&v| v != 0.0) else {
        return Ok(Array::leaf(NdArray::zeros([0], DType::Float64), origin));
    };
    let last = c.iter().rposition(|&v| v != 0.0).unwrap_or(first);
    let trailing = c.len() - 1 - last;
    let core = &c[first..=last];
    let n = core.len() - 1;
    let mut roots: Vec<Array> = Vec::new();
    if n > 0 {
        let mut comp = vec![0.0; n * n];
        for j in 0..n {
            comp[j] = -core[j + 1] / core[0];
        }
        for i in 1..n {
            comp[i * n + i - 1] = 1.0;
        }
        let m = NdArray::from_vec([n, n], comp)?;
        roots.push(try_eigvals(Array::leaf(m, origin))?);
    }
    let w = match roots.pop() {
        Some(w) => w.try_eval()?,
        None => NdArray::zeros([0], DType::Float64),
    };
    if trailing == 0 {
        return Ok(Array::leaf(w, origin));
    }
    let out = NdArray::zeros([w.size() + trailing], w.dtype());
    out.slice(&[numfuse_ir::SliceAxis {
        start: 0,
        step: 1,
        len: w.size(),
    }])?
    .assign(&w)?;
    Ok(Array::leaf(out, origin))
}
/// `np.roots(p)`.
#[track_caller]
pub fn roots(p: impl IntoArray) -> Array {
    ok(try_roots(p))
}
