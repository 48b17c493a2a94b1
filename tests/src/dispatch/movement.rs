//! Shape and movement functions: `reshape`, `ravel`, `flatten`, `copy`, `transpose`,
//! `swapaxes`, `moveaxis`, `expand_dims`, `squeeze`, `broadcast_to`, basic indexing
//! (`getitem`), and `ascontiguousarray`/`asfortranarray` (defined on concrete arrays).

use super::{array_arg, axis_kw, kw, kw_i64, one, unsupported, AxisArg, Dispatched, Outcome};
use crate::fixture::{slice_arg, Arg, Case};
use numfuse as nf;
use numfuse::SliceArg;
use serde_json::Value as Json;

/// Whether [`dispatch`] handles `f`.
pub fn handles(f: &str) -> bool {
    matches!(
        f,
        "reshape"
            | "ravel"
            | "flatten"
            | "copy"
            | "transpose"
            | "swapaxes"
            | "moveaxis"
            | "expand_dims"
            | "squeeze"
            | "broadcast_to"
            | "getitem"
            | "ascontiguousarray"
            | "asfortranarray"
    )
}

fn ints(v: &Json) -> Vec<i64> {
    match v {
        Json::Array(d) => d.iter().map(|x| x.as_i64().expect("an int")).collect(),
        other => vec![other.as_i64().expect("an int")],
    }
}

fn isizes(v: &Json) -> Vec<isize> {
    ints(v).into_iter().map(|x| x as isize).collect()
}

/// One entry of a `getitem` index.
fn index_entry(v: &Json) -> SliceArg {
    match v {
        Json::String(s) if s == "newaxis" => SliceArg::NewAxis,
        Json::String(s) if s == "ellipsis" => SliceArg::Ellipsis,
        Json::Object(o) => slice_arg(&o["slice"]),
        other => SliceArg::Index(other.as_i64().expect("an index") as isize),
    }
}

/// Runs the movement call.
pub fn dispatch(case: &Case) -> Dispatched {
    if let f @ ("ascontiguousarray" | "asfortranarray") = case.func.as_str() {
        let Arg::Array(nd) = &case.args[0] else {
            return unsupported(case, "argument type");
        };
        let r = if f == "ascontiguousarray" {
            nf::ascontiguousarray(nd)
        } else {
            nf::asfortranarray(nd)
        };
        return Ok(Outcome::Concrete(vec![r]));
    }
    let a = array_arg(case, 0);
    let r = match case.func.as_str() {
        "reshape" => a.try_reshape(isizes(kw(case, "shape").expect("shape")))?,
        "ravel" => a.ravel(),
        "flatten" => a.flatten(),
        "copy" => a.copy(),
        "transpose" => match kw(case, "axes") {
            None => a.t(),
            Some(axes) => a.try_permute(&isizes(axes))?,
        },
        "swapaxes" => {
            let (i, j) = (
                kw_i64(case, "axis1").expect("axis1"),
                kw_i64(case, "axis2").expect("axis2"),
            );
            a.try_swapaxes(i as isize, j as isize)?
        }
        "moveaxis" => match (axis_kw(case, "source"), axis_kw(case, "destination")) {
            (AxisArg::One(s), AxisArg::One(d)) => a.try_moveaxis(s, d)?,
            _ => return unsupported(case, "axis lists"),
        },
        "expand_dims" => match axis_kw(case, "axis") {
            AxisArg::One(i) => a.try_expand_dims(i)?,
            _ => return unsupported(case, "axis tuple"),
        },
        "squeeze" => match axis_kw(case, "axis") {
            AxisArg::All => a.try_squeeze(None)?,
            AxisArg::One(i) => a.try_squeeze(Some(i))?,
            AxisArg::Many(_) => return unsupported(case, "axis tuple"),
        },
        "broadcast_to" => {
            let dims: Option<Vec<usize>> = ints(kw(case, "shape").expect("shape"))
                .into_iter()
                .map(|d| usize::try_from(d).ok())
                .collect();
            let Some(dims) = dims else {
                return unsupported(case, "negative dimension");
            };
            a.try_broadcast_to(dims)?
        }
        _ => {
            let index = kw(case, "index")
                .and_then(Json::as_array)
                .expect("index list");
            a.try_slice(index.iter().map(index_entry).collect::<Vec<_>>())?
        }
    };
    Ok(one(r))
}
