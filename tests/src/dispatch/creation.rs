//! Creation functions (`array`, `zeros`, `ones`, `full`, `*_like`, `eye`, `identity`,
//! `arange`, `linspace`, `logspace`, `diag`) and `result_type`.
//!
//! numfuse's creation functions take no `dtype` argument by design: a NumPy `dtype=` is applied
//! as `.astype(dtype)` to numfuse's default result (see [`super::note`]). Negative sizes are
//! not expressible with numfuse's `usize` parameters and count as unsupported.

use super::{array_arg, kw, kw_bool, kw_i64, one, unsupported, Dispatched, Outcome};
use crate::fixture::{dtype_of, int_scalar, json_f64, Arg, Case};
use numfuse as nf;
use numfuse::{Array, Complex64, DType, NdArray, Nested, Value};
use numfuse_ir::{promote_weak, Scalar};
use serde_json::Value as Json;

/// Whether [`dispatch`] handles `f`.
pub fn handles(f: &str) -> bool {
    matches!(
        f,
        "array"
            | "zeros"
            | "ones"
            | "full"
            | "zeros_like"
            | "ones_like"
            | "full_like"
            | "eye"
            | "identity"
            | "arange"
            | "linspace"
            | "logspace"
            | "diag"
    )
}

/// Builds the creation call, then applies a `dtype=` keyword with `.astype()`.
pub fn dispatch(case: &Case) -> Dispatched {
    let out = build(case)?;
    let Some(d) = kw(case, "dtype").map(dtype_of) else {
        return Ok(out);
    };
    Ok(match out {
        Outcome::Lazy(mut v) => {
            v[0] = v[0].try_astype(d)?;
            Outcome::Lazy(v)
        }
        other => other,
    })
}

fn build(case: &Case) -> Dispatched {
    let plain = |i: usize| match case.args.get(i) {
        Some(Arg::Plain(v)) => Some(v),
        _ => None,
    };
    match case.func.as_str() {
        "array" => array(case, plain(0).expect("array data")),
        "zeros" | "ones" => {
            let Some(shape) = shape_arg(plain(0).expect("shape")) else {
                return unsupported(case, "negative dimension");
            };
            Ok(one(if case.func == "zeros" {
                nf::zeros(shape)
            } else {
                nf::ones(shape)
            }))
        }
        "full" => {
            let Some(shape) = shape_arg(plain(0).expect("shape")) else {
                return unsupported(case, "negative dimension");
            };
            let Some(v) = plain_scalar(plain(1).expect("fill value")) else {
                return unsupported(case, "fill value");
            };
            Ok(one(nf::full(shape, v)))
        }
        "zeros_like" => Ok(one(nf::zeros_like(&array_arg(case, 0)))),
        "ones_like" => Ok(one(nf::ones_like(&array_arg(case, 0)))),
        "full_like" => {
            let Some(v) = plain_scalar(plain(1).expect("fill value")) else {
                return unsupported(case, "fill value");
            };
            Ok(one(nf::try_full_like(&array_arg(case, 0), v)?))
        }
        "eye" => {
            let n = plain(0).and_then(Json::as_i64).expect("eye N");
            let m = plain(1)
                .and_then(Json::as_i64)
                .or_else(|| kw_i64(case, "M"))
                .unwrap_or(n);
            if n < 0 || m < 0 {
                return unsupported(case, "negative dimension");
            }
            let k = kw_i64(case, "k").unwrap_or(0) as isize;
            Ok(one(nf::eye_nmk(n as usize, m as usize, k)))
        }
        "identity" => {
            let n = plain(0).and_then(Json::as_u64).expect("identity n");
            Ok(one(nf::identity(n as usize)))
        }
        "arange" => arange(case),
        "linspace" | "logspace" => spaced(case),
        _ => {
            let k = kw_i64(case, "k").unwrap_or(0) as isize;
            Ok(one(nf::try_diag(array_arg(case, 0), k)?))
        }
    }
}

/// A shape argument (an int or a list); `None` if a dimension is negative.
fn shape_arg(v: &Json) -> Option<Vec<usize>> {
    let dims: Vec<i64> = match v {
        Json::Array(d) => d.iter().map(|x| x.as_i64().expect("a dimension")).collect(),
        other => vec![other.as_i64().expect("a dimension")],
    };
    dims.iter().map(|&d| usize::try_from(d).ok()).collect()
}

/// A plain JSON number/bool/`"nan"`/`{"complex": [re, im]}` as a numfuse scalar.
pub fn plain_scalar(v: &Json) -> Option<Scalar> {
    match v {
        Json::Bool(b) => Some(Scalar::Bool(*b)),
        Json::Number(n) if n.is_f64() => Some(Scalar::float(json_f64(v))),
        Json::Number(_) => int_scalar(v),
        Json::String(_) => Some(Scalar::float(json_f64(v))),
        Json::Object(o) => {
            let p = o.get("complex")?.as_array()?;
            Some(Scalar::complex(json_f64(&p[0]), json_f64(&p[1])))
        }
        _ => None,
    }
}

/// `np.arange(stop)`, `(start, stop)`, `(start, stop, step)` via `nf::try_arange_step`
/// (`nf::arange(stop)` is `arange_step(0, stop, 1)`, without a fallible form).
fn arange(case: &Case) -> Dispatched {
    let nums: Option<Vec<Scalar>> = case
        .args
        .iter()
        .map(|a| match a {
            Arg::Plain(v) => plain_scalar(v),
            _ => None,
        })
        .collect();
    let Some(nums) = nums else {
        return unsupported(case, "argument type");
    };
    let (start, stop, step) = match nums.as_slice() {
        [stop] => (Scalar::Int(0), *stop, Scalar::Int(1)),
        [start, stop] => (*start, *stop, Scalar::Int(1)),
        [start, stop, step] => (*start, *stop, *step),
        _ => return unsupported(case, "argument count"),
    };
    Ok(one(nf::try_arange_step(start, stop, step)?))
}

/// `linspace(start, stop, num=50, endpoint, retstep)` and `logspace(.., base)`.
fn spaced(case: &Case) -> Dispatched {
    let num_arg = |i: usize| match case.args.get(i) {
        Some(Arg::Plain(v)) => Some(json_f64(v)),
        _ => None,
    };
    let (start, stop) = (num_arg(0).expect("start"), num_arg(1).expect("stop"));
    let num = num_arg(2)
        .map(|n| n as i64)
        .or_else(|| kw_i64(case, "num"))
        .unwrap_or(50);
    let Ok(num) = usize::try_from(num) else {
        return unsupported(case, "negative num");
    };
    let endpoint = kw_bool(case, "endpoint").unwrap_or(true);
    if case.func == "logspace" {
        if !endpoint {
            return unsupported(case, "endpoint=False");
        }
        let base = kw(case, "base").map_or(10.0, json_f64);
        return Ok(one(nf::logspace_base(start, stop, num, base)));
    }
    let (samples, step) = nf::linspace_ex(start, stop, num, endpoint);
    if kw_bool(case, "retstep") == Some(true) {
        let step = Array::from_ndarray(&NdArray::from_value(Value::F64(step)));
        return Ok(Outcome::Lazy(vec![samples, step]));
    }
    Ok(one(samples))
}

/// The dtype NumPy gives a Python literal: complex > float > int (uint64 above `i64::MAX`,
/// float64 if that mixes with negatives) > bool; float64 when there are no leaves.
fn literal_dtype(v: &Json) -> DType {
    fn walk(v: &Json, acc: &mut (bool, bool, bool, bool, bool, bool)) {
        match v {
            Json::Array(items) => items.iter().for_each(|x| walk(x, acc)),
            Json::Bool(_) => acc.0 = true,
            Json::Number(n) if n.is_f64() => acc.2 = true,
            Json::Number(n) => {
                acc.1 = true;
                acc.4 |= n.as_i64().is_none();
                acc.5 |= n.as_i64().is_some_and(|i| i < 0);
            }
            Json::String(_) => acc.2 = true,
            _ => acc.3 = true,
        }
    }
    // (bool, int, float, complex, int above i64::MAX, negative int)
    let mut acc = (false, false, false, false, false, false);
    walk(v, &mut acc);
    match acc {
        (_, _, _, true, _, _) => DType::Complex128,
        (_, _, true, _, _, _) | (_, _, _, _, true, true) => DType::Float64,
        (_, _, _, _, true, false) => DType::UInt64,
        (_, true, _, _, _, _) => DType::Int64,
        (true, ..) => DType::Bool,
        _ => DType::Float64,
    }
}

fn depth(v: &Json) -> usize {
    match v {
        Json::Array(items) => 1 + items.first().map_or(0, depth),
        _ => 0,
    }
}

/// `nf::try_array` of nested `Vec`s (depth 0–3) of the leaf type `T`.
fn nested<T: Nested + Copy>(v: &Json, leaf: fn(&Json) -> T) -> Option<nf::Result<Array>> {
    fn list(v: &Json) -> &[Json] {
        v.as_array().map_or(&[], Vec::as_slice)
    }
    let l1 = |v: &Json| list(v).iter().map(leaf).collect::<Vec<T>>();
    let l2 = |v: &Json| list(v).iter().map(l1).collect::<Vec<_>>();
    let l3 = |v: &Json| list(v).iter().map(l2).collect::<Vec<_>>();
    Some(match depth(v) {
        0 => nf::try_array(leaf(v)),
        1 => nf::try_array(l1(v)),
        2 => nf::try_array(l2(v)),
        3 => nf::try_array(l3(v)),
        _ => return None,
    })
}

/// `np.array(literal)`: numfuse's `try_array` on nested `Vec`s of the literal's default type.
fn array(case: &Case, data: &Json) -> Dispatched {
    let r = match literal_dtype(data) {
        DType::Bool => nested(data, |x| x.as_bool().expect("bool")),
        DType::Int64 => nested(data, |x| {
            x.as_i64()
                .unwrap_or_else(|| x.as_bool().expect("int") as i64)
        }),
        DType::UInt64 => nested(data, |x| x.as_u64().expect("uint")),
        DType::Float64 => nested(data, |x| {
            x.as_bool().map_or_else(|| json_f64(x), |b| b as u8 as f64)
        }),
        _ => nested(data, |x| match plain_scalar(x) {
            Some(s) => Complex64::new(s.as_f64(), s.imag_f64()),
            None => panic!("fixture: bad complex literal {x}"),
        }),
    };
    match r {
        Some(a) => Ok(one(a?)),
        None => unsupported(case, "nesting depth > 3"),
    }
}

/// `np.result_type(*args)`: arrays' dtypes through `nf::result_type`, then weak scalars
/// with `promote_weak`; only scalars: the first takes its default dtype.
pub fn result_type(case: &Case) -> Outcome {
    let dtypes: Vec<DType> = case
        .args
        .iter()
        .filter_map(|a| {
            if let Arg::DType(d) = a {
                Some(*d)
            } else {
                None
            }
        })
        .collect();
    let weak: Vec<Scalar> = case
        .args
        .iter()
        .filter_map(|a| if let Arg::Weak(s) = a { Some(*s) } else { None })
        .collect();
    if dtypes.len() + weak.len() != case.args.len() {
        return Outcome::Unsupported("result_type[argument type]".into());
    }
    let (first, rest) = match dtypes.is_empty() {
        false => (nf::result_type(&dtypes), &weak[..]),
        true => {
            let default = match weak[0] {
                Scalar::Bool(_) => DType::Bool,
                Scalar::Int(_) => DType::Int64,
                Scalar::UInt(_) => DType::UInt64,
                Scalar::Float(_) => DType::Float64,
                Scalar::Complex(..) => DType::Complex128,
            };
            (default, &weak[1..])
        }
    };
    Outcome::DType(
        rest.iter()
            .fold(first, |acc, s| promote_weak(acc, s.kind())),
    )
}
