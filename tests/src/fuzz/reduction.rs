//! Error bounds of reductions (sum, prod, max/min, any/all, mean, var/std) and scans
//! (cumsum, cumprod), including where the summation order may decide an overflow.

use numfuse as nf;
use numfuse::{Array, DType, NdArray, Operand};
use numfuse_ir::Scalar;

use super::bounds::{eval_f64, leaf_f64, tainted_groups};
use super::data::{max_finite, min_normal};
use super::inexact::ALLOW_ZERO_SIGN_IN_MAX_MIN;
use super::spec::{Red, RedArgs};
use super::values::{comps, eps, magnitudes, spacing, ulp_of};

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
pub(super) fn reduce_bound(
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

pub(super) fn scan_bound(
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
