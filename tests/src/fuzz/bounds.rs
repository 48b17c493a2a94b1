//! Error propagation through a program: per-element absolute bounds of every step
//! ([`tolerances`]), dispatching to the elementwise, reduction and scan rules (see the
//! `fuzz` module docs).

use numfuse as nf;
use numfuse::{Array, Axes, DType, Mode, NdArray, Shape};

use super::elementwise::elementwise_bound;
use super::inexact::own_ulps;
use super::program::Case;
use super::reduction::{reduce_bound, scan_bound};
use super::replay::apply;
use super::spec::Spec;
use super::values::comps;

/// Per-element absolute error bounds of every step (`None` = exact, compare bit for bit) and
/// whether a data-dependent error (negative integer power) may legitimately differ.
pub struct Tolerances {
    /// Bounds per step, in C order of the step's shape.
    pub bounds: Vec<Option<Vec<f64>>>,
    /// Whether an engine may raise an error where another does not.
    pub error_possible: Vec<bool>,
}

pub(super) fn leaf_f64(shape: &Shape, v: Vec<f64>) -> Array {
    Array::from_ndarray(&NdArray::from_vec(shape.clone(), v).expect("sizes match"))
}

pub(super) fn eval_f64(a: nf::Result<Array>) -> Option<Vec<f64>> {
    let nd = a.and_then(|a| a.try_eval()).ok()?;
    if nd.dtype() == DType::Float64 {
        nd.to_vec::<f64>().ok()
    } else {
        Some(nd.values().into_iter().map(|v| comps(v).0).collect())
    }
}

/// Error bounds of every step (see the module docs).
pub fn tolerances(case: &Case, refs: &[Option<NdArray>]) -> Tolerances {
    let n = case.nodes.len();
    let mut bounds: Vec<Option<Vec<f64>>> = Vec::with_capacity(n);
    let mut errp = vec![false; n];
    for i in 0..n {
        let Some(r) = refs[i].as_ref() else {
            bounds.push(None);
            continue;
        };
        let spec = &case.nodes[i];
        let args = spec.args();
        errp[i] = args.iter().any(|&a| errp[a]);
        let dt_of = |j: usize| refs[j].as_ref().map(|v| v.dtype()).unwrap_or(DType::Bool);
        let b = nf::with_mode(Mode::Interpret, || match spec {
            Spec::Input(_) => None,
            s if s.is_movement() => {
                let a = args[0];
                bounds[a].as_ref().map(|ea| {
                    let src = refs[a].as_ref().expect("value");
                    let get = |_: usize| leaf_f64(src.shape(), ea.clone());
                    eval_f64(apply(s, &get, &case.inputs))
                        .unwrap_or_else(|| vec![f64::INFINITY; r.size()])
                })
            }
            Spec::Reduce(red, a, ra) => {
                let x = refs[*a].as_ref().expect("value");
                reduce_bound(*red, ra, x, bounds[*a].as_deref(), r)
            }
            Spec::Scan { prod, arg, axis } => {
                let x = refs[*arg].as_ref().expect("value");
                scan_bound(*prod, *axis, x, bounds[*arg].as_deref(), r)
            }
            Spec::ArgRed { arg, axis, .. } => bounds[*arg].as_ref().map(|ea| {
                let x = refs[*arg].as_ref().expect("value");
                let ax = Axes::from(*axis);
                tainted_groups(&leaf_f64(x.shape(), ea.clone()).try_max(ax), r.size())
            }),
            _ => {
                let own = own_ulps(spec, &dt_of, r.dtype());
                let (b, e) = elementwise_bound(case, i, refs, &bounds, own);
                errp[i] |= e;
                b
            }
        });
        let b = b.map(|mut v| {
            for x in v.iter_mut() {
                if x.is_nan() {
                    *x = f64::INFINITY;
                }
            }
            v
        });
        bounds.push(b.filter(|v| v.iter().any(|&x| x != 0.0)));
    }
    Tolerances {
        bounds,
        error_possible: errp,
    }
}

/// `∞` for every output whose reduction group has a nonzero bound, else 0.
pub(super) fn tainted_groups(max_bound: &nf::Result<Array>, size: usize) -> Vec<f64> {
    match max_bound
        .clone()
        .ok()
        .and_then(|m| eval_f64(Ok(m)))
        .filter(|v| v.len() == size)
    {
        Some(v) => v
            .into_iter()
            .map(|x| if x > 0.0 { f64::INFINITY } else { 0.0 })
            .collect(),
        None => vec![f64::INFINITY; size],
    }
}
