//! Evaluating several arrays in one graph ([`eval_all`]): shared subexpressions — such as the
//! one packed decomposition node behind `U`, `S` and `Vh` of an SVD — are computed once.

use crate::array::{ok, Array};
use crate::mode::{current_mode, Mode};
use numfuse_ir::Result;
use numfuse_runtime::{interp, NdArray};

/// Evaluates `arrays` together (fallible form of [`eval_all`]).
pub fn try_eval_all(arrays: &[&Array]) -> Result<Vec<NdArray>> {
    let pending: Vec<Array> = arrays
        .iter()
        .filter(|a| !a.is_realized())
        .map(|a| (*a).clone())
        .collect();
    if !pending.is_empty() {
        let (graph, inputs) = crate::lower::lower(&pending)?;
        let outs = match current_mode() {
            Mode::Interpret => interp::eval(&graph, &inputs)?,
            Mode::Lazy | Mode::Eager => crate::explain::eval_traced(&graph, &inputs)?,
        };
        for (a, v) in pending.iter().zip(outs) {
            let _ = a.0.value.set(v);
            if let Ok(mut ins) = a.0.inputs.lock() {
                ins.clear();
            }
        }
    }
    arrays.iter().map(|a| a.try_eval()).collect()
}

/// Evaluates `arrays` in one graph, so work they share runs once:
///
/// ```
/// use numfuse as nf;
/// let a = nf::array([[3.0, 0.0], [0.0, 4.0]]);
/// let (u, s, vt) = nf::linalg::svd(&a, false);
/// let v = nf::eval_all(&[&u, &s, &vt]); // one SVD
/// assert_eq!(v[1].to_vec::<f64>().unwrap(), vec![4.0, 3.0]);
/// ```
#[track_caller]
pub fn eval_all(arrays: &[&Array]) -> Vec<NdArray> {
    ok(try_eval_all(arrays))
}
