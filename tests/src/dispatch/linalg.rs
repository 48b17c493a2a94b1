//! Products, `linalg`, `einsum` and `fft` fixture calls (`tests/fixtures/generate_linalg.py`
//! documents the pseudo functions whose results are compared up to signs or order).

use super::{array_arg, kw, kw_bool, kw_i64, one, unsupported, Dispatched, Outcome};
use crate::fixture::{Arg, Case};
use numfuse as nf;
use numfuse::fft::FftNorm;
use numfuse::linalg::{self as la, NormOrd, QrMode};
use numfuse::{Array, Complex32, Complex64, DType};
use serde_json::Value as Json;

/// Whether [`dispatch`] handles `f`.
pub fn handles(f: &str) -> bool {
    f.starts_with("linalg.")
        || f.starts_with("fft.")
        || matches!(
            f,
            "matmul"
                | "dot"
                | "vdot"
                | "inner"
                | "outer"
                | "kron"
                | "trace"
                | "tensordot"
                | "conjugate"
                | "einsum"
                | "polyfit_cov"
        )
}

fn arrays(case: &Case) -> Vec<Array> {
    (0..case.args.len())
        .filter(|&i| matches!(case.args[i], Arg::Array(_)))
        .map(|i| array_arg(case, i))
        .collect()
}

fn plain(case: &Case, i: usize) -> &Json {
    match &case.args[i] {
        Arg::Plain(v) => v,
        other => panic!("fixture {}: argument {i} is not plain: {other:?}", case.id),
    }
}

fn num(v: &Json) -> f64 {
    crate::fixture::json_f64(v)
}

fn isizes(v: &Json) -> Vec<isize> {
    match v {
        Json::Array(d) => d
            .iter()
            .map(|x| x.as_i64().expect("int") as isize)
            .collect(),
        other => vec![other.as_i64().expect("int") as isize],
    }
}

fn norm_kw(case: &Case) -> FftNorm {
    match kw(case, "norm").and_then(|v| v.as_str()) {
        Some("ortho") => FftNorm::Ortho,
        Some("forward") => FftNorm::Forward,
        _ => FftNorm::Backward,
    }
}

fn ord_kw(case: &Case, name: &str) -> NormOrd {
    match kw(case, name) {
        None => NormOrd::Default,
        Some(Json::String(s)) if s == "fro" => NormOrd::Fro,
        Some(Json::String(s)) if s == "nuc" => NormOrd::Nuc,
        Some(v) => NormOrd::P(num(v)),
    }
}

fn abs(a: &Array) -> Array {
    a.abs()
}

/// Eigenvalues sorted by (real, imaginary) part.
fn sorted(w: &Array) -> nf::Result<Array> {
    let v = w.try_eval()?;
    Ok(match v.dtype() {
        DType::Float64 => {
            let mut x = v.to_vec::<f64>()?;
            x.sort_by(|a, b| a.total_cmp(b));
            nf::array(x)
        }
        DType::Float32 => {
            let mut x = v.to_vec::<f32>()?;
            x.sort_by(|a, b| a.total_cmp(b));
            nf::array(x)
        }
        DType::Complex128 => {
            let mut x = v.to_vec::<Complex64>()?;
            x.sort_by(|a, b| a.re.total_cmp(&b.re).then(a.im.total_cmp(&b.im)));
            nf::array(x)
        }
        _ => {
            let mut x = v.to_vec::<Complex32>()?;
            x.sort_by(|a, b| a.re.total_cmp(&b.re).then(a.im.total_cmp(&b.im)));
            nf::array(x)
        }
    })
}

fn linalg(case: &Case, name: &str) -> Dispatched {
    let a = || array_arg(case, 0);
    let uplo = kw(case, "UPLO").and_then(|v| v.as_str()) != Some("U");
    Ok(match name {
        "solve" => one(la::try_solve(a(), array_arg(case, 1))?),
        "inv" => one(la::try_inv(a())?),
        "det" => one(la::try_det(a())?),
        "slogdet" => {
            let (s, l) = la::try_slogdet(a())?;
            Outcome::Lazy(vec![s, l])
        }
        "cholesky" if kw_bool(case, "upper") == Some(true) => one(la::try_cholesky_upper(a())?),
        "cholesky" => one(la::try_cholesky(a())?),
        "qr_r_abs" => one(abs(&la::try_qr_r(a())?)),
        "eigvalsh" => one(la::try_eigvalsh(a(), uplo)?),
        "eigh_abs" => {
            let (w, v) = la::try_eigh(a(), uplo)?;
            Outcome::Lazy(vec![w, abs(&v)])
        }
        "eigvals_sorted" => one(sorted(&la::try_eigvals(a())?)?),
        "qr_abs" => {
            let mode = match kw(case, "mode").and_then(|v| v.as_str()) {
                Some("complete") => QrMode::Complete,
                _ => QrMode::Reduced,
            };
            let (q, r) = la::try_qr(a(), mode)?;
            Outcome::Lazy(vec![abs(&q), abs(&r)])
        }
        "svd_abs" => {
            let (u, s, vh) = la::try_svd(a(), kw_bool(case, "full_matrices").unwrap_or(true))?;
            Outcome::Lazy(vec![abs(&u), s, abs(&vh)])
        }
        "svdvals" => one(la::try_svdvals(a())?),
        "pinv" => one(la::try_pinv(a(), 1e-15)?),
        "matrix_rank" => one(la::matrix_rank(a(), None)),
        "cond" => one(la::try_cond(a(), ord_kw(case, "p"))?),
        "norm" => {
            let axis = kw(case, "axis").map(isizes);
            let keep = kw_bool(case, "keepdims").unwrap_or(false);
            one(la::try_norm_with(
                a(),
                ord_kw(case, "ord"),
                axis.as_deref(),
                keep,
            )?)
        }
        "lstsq" => {
            let rcond = kw(case, "rcond").map(num);
            let r = la::try_lstsq(a(), array_arg(case, 1), rcond)?;
            Outcome::Lazy(vec![r.x, r.residuals, nf::array(r.rank as i64), r.s])
        }
        "multi_dot" => one(la::try_multi_dot(&arrays(case))?),
        "matrix_power" => one(la::try_matrix_power(
            a(),
            plain(case, 1).as_i64().expect("n"),
        )?),
        _ => return unsupported(case, "function"),
    })
}

fn fft(case: &Case, name: &str) -> Dispatched {
    let norm = norm_kw(case);
    let n = kw_i64(case, "n").map(|n| n.max(0) as usize);
    let axis = kw_i64(case, "axis").unwrap_or(-1) as isize;
    let s: Option<Vec<usize>> =
        kw(case, "s").map(|v| isizes(v).iter().map(|&x| x as usize).collect());
    let axes: Option<Vec<isize>> = kw(case, "axes").map(isizes);
    let (s, axes) = (s.as_deref(), axes.as_deref());
    use nf::fft as F;
    Ok(match name {
        "fft" => one(F::try_fft_with(array_arg(case, 0), n, axis, norm)?),
        "ifft" => one(F::try_ifft_with(array_arg(case, 0), n, axis, norm)?),
        "rfft" => one(F::try_rfft_with(array_arg(case, 0), n, axis, norm)?),
        "irfft" => one(F::try_irfft_with(array_arg(case, 0), n, axis, norm)?),
        "fft2" => one(F::try_fft2_with(array_arg(case, 0), s, axes, norm)?),
        "ifft2" => one(F::try_ifft2_with(array_arg(case, 0), s, axes, norm)?),
        "rfft2" => one(F::try_rfft2_with(array_arg(case, 0), s, axes, norm)?),
        "irfft2" => one(F::try_irfft2_with(array_arg(case, 0), s, axes, norm)?),
        "fftn" => one(F::try_fftn_with(array_arg(case, 0), s, axes, norm)?),
        "ifftn" => one(F::try_ifftn_with(array_arg(case, 0), s, axes, norm)?),
        "rfftn" => one(F::try_rfftn_with(array_arg(case, 0), s, axes, norm)?),
        "irfftn" => one(F::try_irfftn_with(array_arg(case, 0), s, axes, norm)?),
        "fftfreq" => one(F::fftfreq(
            plain(case, 0).as_u64().expect("n") as usize,
            num(plain(case, 1)),
        )),
        "rfftfreq" => one(F::rfftfreq(
            plain(case, 0).as_u64().expect("n") as usize,
            num(plain(case, 1)),
        )),
        "fftshift" => one(F::fftshift(array_arg(case, 0), axes)),
        "ifftshift" => one(F::ifftshift(array_arg(case, 0), axes)),
        _ => return unsupported(case, "function"),
    })
}

/// Runs the call.
pub fn dispatch(case: &Case) -> Dispatched {
    let f = case.func.as_str();
    if let Some(name) = f.strip_prefix("linalg.") {
        return linalg(case, name);
    }
    if let Some(name) = f.strip_prefix("fft.") {
        return fft(case, name);
    }
    let a = || array_arg(case, 0);
    let b = || array_arg(case, 1);
    if f == "polyfit_cov" {
        let deg = plain(case, 2).as_u64().expect("deg") as usize;
        let scaled = kw(case, "cov").and_then(|v| v.as_str()) != Some("unscaled");
        let (c, v) = nf::try_polyfit_cov(a(), b(), deg, scaled)?;
        return Ok(Outcome::Lazy(vec![c, v]));
    }
    Ok(one(match f {
        "matmul" => nf::try_matmul(a(), b())?,
        "dot" => nf::try_dot(a(), b())?,
        "vdot" => nf::try_vdot(a(), b())?,
        "inner" => nf::try_inner(a(), b())?,
        "outer" => nf::try_outer(a(), b())?,
        "kron" => nf::try_kron(a(), b())?,
        "conjugate" => nf::conjugate(a()),
        "trace" => nf::try_trace(
            a(),
            kw_i64(case, "offset").unwrap_or(0) as isize,
            kw_i64(case, "axis1").unwrap_or(0) as isize,
            kw_i64(case, "axis2").unwrap_or(1) as isize,
        )?,
        "tensordot" => match kw(case, "axes") {
            Some(Json::Array(p)) => {
                nf::try_tensordot_axes(a(), b(), &isizes(&p[0]), &isizes(&p[1]))?
            }
            Some(v) => nf::tensordot(a(), b(), v.as_u64().expect("axes") as usize),
            None => nf::tensordot(a(), b(), 2),
        },
        "einsum" => {
            let s = plain(case, 0).as_str().expect("subscripts").to_string();
            nf::try_einsum(&s, &arrays(case))?
        }
        _ => return unsupported(case, "function"),
    }))
}
