//! Error bounds of elementwise steps: the step re-evaluated by the interpreter at the
//! corners of its operands' error boxes.

use numfuse as nf;
use numfuse::{Array, DType, NdArray, Shape, Value};
use numfuse_ir::{BinaryOp, UnaryOp};

use super::bounds::{eval_f64, leaf_f64};
use super::program::Case;
use super::replay::{apply, guarded};
use super::spec::{Arg, Spec};
use super::values::{comps, deviation, int_of, magnitudes, ulp_of};

/// A corner of an operand's error box.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Corner {
    /// Every element moved by `(re, im) × bound` (integers rounded away from the centre and
    /// clamped; bools flipped when the bound is ≥ ½ and `re > 0`).
    Scale(f64, f64),
    /// Elements whose box contains 0 set to 0 (steps at zero: casts to bool, `sign`, `x / y`).
    Zero,
    /// Elements whose box contains 1 set to 1 (steps at one: `power(1, y) = 1` for every `y`,
    /// NaN included, while `power(1 ± ulp, NaN)` is NaN).
    One,
}

/// A copy of `nd` moved to a corner of its error box `e`.
fn perturb(nd: &NdArray, e: &[f64], corner: Corner) -> NdArray {
    let vals = nd.values();
    let dt = nd.dtype();
    let out = NdArray::zeros(nd.shape().clone(), dt);
    let flat = out
        .reshape(&Shape::from([nd.size()]))
        .expect("contiguous reshape");
    for (k, (&v, &ek)) in vals.iter().zip(e).enumerate() {
        let nv = if ek == 0.0 || !ek.is_finite() {
            v
        } else {
            match corner {
                Corner::Zero => {
                    let (r, i) = comps(v);
                    if r.hypot(i) <= ek {
                        Value::Bool(false).cast(dt)
                    } else {
                        v
                    }
                }
                Corner::One => {
                    let (r, i) = comps(v);
                    if dt.is_inexact() && (r - 1.0).hypot(i) <= ek {
                        Value::F64(1.0).cast(dt)
                    } else {
                        v
                    }
                }
                Corner::Scale(fre, fim) => match v {
                    Value::Bool(b) => Value::Bool(if ek >= 0.5 && fre > 0.0 { !b } else { b }),
                    Value::F16(_) | Value::F32(_) | Value::F64(_) => {
                        Value::F64(comps(v).0 + fre * ek).cast(dt)
                    }
                    Value::C64(_) | Value::C128(_) => {
                        let (r, i) = comps(v);
                        Value::C128(nf::Complex64::new(r + fre * ek, i + fim * ek)).cast(dt)
                    }
                    _ => {
                        let (lo, hi) = dt.integer_range().expect("integer dtype");
                        let x = int_of(v).expect("integer value");
                        let mag = (fre * ek).abs().ceil().min(1e30) as i128;
                        let d = if fre < 0.0 { -mag } else { mag };
                        int_value(x.saturating_add(d).clamp(lo, hi), dt)
                    }
                },
            }
        };
        flat.set(&[k as isize], nv).expect("in bounds");
    }
    out
}

fn int_value(x: i128, dt: DType) -> Value {
    match dt {
        DType::Int8 => Value::I8(x as i8),
        DType::Int16 => Value::I16(x as i16),
        DType::Int32 => Value::I32(x as i32),
        DType::Int64 => Value::I64(x as i64),
        DType::UInt8 => Value::U8(x as u8),
        DType::UInt16 => Value::U16(x as u16),
        DType::UInt32 => Value::U32(x as u32),
        _ => Value::U64(x as u64),
    }
}

/// The corners tried per tainted operand.
fn corners(dt: DType, many: bool) -> Vec<Corner> {
    let s = |r: f64, i: f64| Corner::Scale(r, i);
    let mut c = if dt.is_complex() {
        let mut c = vec![s(1.0, 1.0), s(1.0, -1.0), s(-1.0, 1.0), s(-1.0, -1.0)];
        if !many {
            c.extend([s(0.5, 0.5), s(-0.5, -0.5), s(1.0, 0.0), s(0.0, 1.0)]);
        }
        c
    } else if dt.is_bool() {
        return vec![s(1.0, 0.0)];
    } else if many {
        vec![s(-1.0, 0.0), s(1.0, 0.0)]
    } else {
        vec![s(-1.0, 0.0), s(1.0, 0.0), s(-0.5, 0.0), s(0.5, 0.0)]
    };
    c.push(Corner::Zero);
    if dt.is_inexact() {
        c.push(Corner::One);
    }
    c
}

/// Bounds of an elementwise step: the step re-evaluated at the corners of its operands' error
/// boxes (`2 × the largest deviation + ulps`).
pub(super) fn elementwise_bound(
    case: &Case,
    i: usize,
    refs: &[Option<NdArray>],
    bounds: &[Option<Vec<f64>>],
    own: f64,
) -> (Option<Vec<f64>>, bool) {
    let spec = &case.nodes[i];
    let r = refs[i].as_ref().expect("value");
    let out_dt = r.dtype();
    let rv = r.values();
    let mut tainted: Vec<usize> = spec
        .args()
        .into_iter()
        .filter(|&a| bounds[a].is_some())
        .collect();
    tainted.sort_unstable();
    tainted.dedup();
    let base = |k: usize| -> f64 {
        if out_dt.is_inexact() {
            own * ulp_of(rv[k], out_dt)
        } else {
            0.0
        }
    };
    if tainted.is_empty() {
        if own == 0.0 {
            return (None, false);
        }
        return (Some((0..rv.len()).map(base).collect()), false);
    }
    let n = rv.len();
    let mut dev = vec![0.0f64; n];
    let mut err = false;
    // the operands' bounds at each output element
    let mut largest = vec![0.0f64; n];
    for &a in &tainted {
        let ea = bounds[a].as_ref().expect("tainted");
        let src = refs[a].as_ref().expect("value");
        let b = leaf_f64(src.shape(), ea.clone()).try_broadcast_to(r.shape().clone());
        match eval_f64(b) {
            Some(v) if v.len() == n => {
                for (l, x) in largest.iter_mut().zip(v) {
                    *l = l.max(x);
                }
            }
            _ => largest.iter_mut().for_each(|l| *l = f64::INFINITY),
        }
    }
    // elements fed by an unbounded input are unbounded; periodic and sawtooth functions of a
    // wide interval (compared with the period) may take any value
    let bcast = |shape: &Shape, v: Vec<f64>| {
        eval_f64(leaf_f64(shape, v).try_broadcast_to(r.shape().clone())).filter(|v| v.len() == n)
    };
    let arg_mag = |a: &Arg| match a {
        Arg::Scalar(s) => vec![s.as_f64().hypot(s.imag_f64()); n],
        Arg::Node(j) => {
            let src = refs[*j].as_ref().expect("value");
            bcast(src.shape(), magnitudes(src)).unwrap_or_else(|| vec![f64::NAN; n])
        }
    };
    let arg_bound = |a: &Arg| match a {
        Arg::Node(j) => match &bounds[*j] {
            Some(e) => {
                let src = refs[*j].as_ref().expect("value");
                bcast(src.shape(), e.clone()).unwrap_or_else(|| vec![f64::INFINITY; n])
            }
            None => vec![0.0; n],
        },
        Arg::Scalar(_) => vec![0.0; n],
    };
    // the error of the "phase" (argument / period) at each element
    let phase_error: Option<Vec<f64>> = match spec {
        Spec::Unary(UnaryOp::Sin | UnaryOp::Cos, _) => Some(largest.clone()),
        // tan: also unbounded when the interval may hold a pole (|cos x| small)
        Spec::Unary(UnaryOp::Tan, a) => {
            let x: Vec<f64> = refs[*a]
                .as_ref()
                .expect("value")
                .values()
                .into_iter()
                .map(|v| comps(v).0)
                .collect();
            Some(
                (0..n)
                    .map(|k| largest[k] / x.get(k).map_or(0.0, |x| x.cos().abs()).min(1.0))
                    .collect(),
            )
        }
        // x mod y: a change of x by ex or of y by ey moves x/y by (ex + ey·|x/y|) / |y|
        Spec::Binary(BinaryOp::Rem, a, b) => {
            let (ma, mb, ea, eb) = (arg_mag(a), arg_mag(b), arg_bound(a), arg_bound(b));
            Some(
                (0..n)
                    .map(|k| (ea[k] + eb[k] * ma[k] / mb[k]) / mb[k])
                    .collect(),
            )
        }
        // casts to integers wrap (period 2^bits)
        Spec::Cast(_, to) if to.is_integer() => Some(
            largest
                .iter()
                .map(|&l| l / 2f64.powi(to.bits() as i32))
                .collect(),
        ),
        // wrapping products and bit operations of an uncertain integer: any value
        Spec::Binary(
            BinaryOp::Mul
            | BinaryOp::Pow
            | BinaryOp::Shl
            | BinaryOp::Shr
            | BinaryOp::BitAnd
            | BinaryOp::BitOr
            | BinaryOp::BitXor,
            ..,
        )
        | Spec::Unary(UnaryOp::Square, _)
            if out_dt.is_integer() =>
        {
            Some(vec![f64::INFINITY; n])
        }
        _ => None,
    };
    for (k, (d, &l)) in dev.iter_mut().zip(&largest).enumerate() {
        let wide = phase_error
            .as_ref()
            .is_some_and(|p| p[k].is_nan() || p[k] >= 0.25);
        if !l.is_finite() || (l > 0.0 && wide) {
            *d = f64::INFINITY;
        }
    }
    // `==` / `!=` only change on a set of measure zero: test `<` and `>` at the corners instead
    let probes: Vec<Spec> = match spec {
        Spec::Binary(BinaryOp::Eq | BinaryOp::Ne, x, y) => vec![
            spec.clone(),
            Spec::Binary(BinaryOp::Lt, x.clone(), y.clone()),
            Spec::Binary(BinaryOp::Gt, x.clone(), y.clone()),
        ],
        s => vec![s.clone()],
    };
    let centres: Vec<Vec<Value>> = probes
        .iter()
        .map(|p| {
            let get = |j: usize| Array::from_ndarray(refs[j].as_ref().expect("value"));
            guarded(|| apply(p, &get, &case.inputs).and_then(|a| a.try_eval()))
                .ok()
                .and_then(|o| o.ok())
                .map(|o| o.values())
                .unwrap_or_default()
        })
        .collect();
    let many = tainted.len() > 2;
    let options: Vec<Vec<Option<Corner>>> = tainted
        .iter()
        .map(|&a| {
            let dt = refs[a].as_ref().expect("value").dtype();
            std::iter::once(None)
                .chain(corners(dt, many).into_iter().map(Some))
                .collect()
        })
        .collect();
    let total: usize = options.iter().map(|o| o.len()).product();
    for combo in 1..total {
        let mut c = combo;
        let mut leaves: Vec<(usize, NdArray)> = Vec::new();
        for (t, &a) in tainted.iter().enumerate() {
            let k = c % options[t].len();
            c /= options[t].len();
            if let Some(corner) = options[t][k] {
                let src = refs[a].as_ref().expect("value");
                let ea = bounds[a].as_ref().expect("tainted");
                leaves.push((a, perturb(src, ea, corner)));
            }
        }
        let get = |j: usize| {
            let nd = leaves
                .iter()
                .find(|(a, _)| *a == j)
                .map(|(_, v)| v)
                .unwrap_or_else(|| refs[j].as_ref().expect("value"));
            Array::from_ndarray(nd)
        };
        for (p, centre) in probes.iter().zip(&centres) {
            let out = guarded(|| apply(p, &get, &case.inputs).and_then(|a| a.try_eval()));
            match out {
                Ok(Ok(o)) if o.shape() == r.shape() && centre.len() == n => {
                    for (k, v) in o.values().into_iter().enumerate() {
                        dev[k] = dev[k].max(deviation(v, centre[k]));
                    }
                }
                _ => {
                    err = true;
                    dev.iter_mut().for_each(|d| *d = f64::INFINITY);
                }
            }
        }
    }
    // an infinite or NaN complex result computed from inexact operands points in a direction
    // the operands' errors decide chaotically (e.g. `power` with a huge exponent): corners
    // cannot bound it, so it is not compared
    if out_dt.is_complex() && !tainted.is_empty() {
        for (k, d) in dev.iter_mut().enumerate() {
            let (re, im) = comps(rv[k]);
            if !(re.is_finite() && im.is_finite()) {
                *d = f64::INFINITY;
            }
        }
    }
    let b = (0..n)
        .map(|k| {
            if out_dt.is_inexact() {
                2.0 * dev[k] + base(k) + ulp_of(rv[k], out_dt)
            } else {
                2.0 * dev[k]
            }
        })
        .collect();
    (Some(b), err)
}
