//! Checking one case: running it in every mode, computing tolerances when it has inexact
//! steps, and collecting the disagreements and statistics ([`check`], [`check_with_stats`]).

use numfuse as nf;
use numfuse::{Array, Mode};
use std::collections::BTreeMap;

use super::bounds::tolerances;
use super::comparison::{compare, FailKind, ModeFailure};
use super::inexact::{inexact_step, reference_values, stepwise_outcome};
use super::program::Case;
use super::replay::{apply, guarded, run_mode, Outcome};
use super::spec::Spec;

/// Whether any step may differ between engines on identical inputs.
fn case_inexact(case: &Case) -> bool {
    let dts = guarded(|| {
        nf::with_mode(Mode::Interpret, || {
            let mut vals: Vec<Array> = Vec::new();
            for spec in &case.nodes {
                let get = |i: usize| vals[i].clone();
                match apply(spec, &get, &case.inputs) {
                    Ok(a) => vals.push(a),
                    Err(_) => return None,
                }
            }
            Some(vals.iter().map(|a| a.dtype()).collect::<Vec<_>>())
        })
    });
    let Ok(Some(dts)) = dts else {
        return true;
    };
    let dt = |j: usize| dts[j];
    case.nodes
        .iter()
        .enumerate()
        .any(|(i, s)| inexact_step(s, &dt, dts[i]))
}

/// What a check compared (for the run's statistics).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Cases checked.
    pub cases: u64,
    /// Steps (API calls, inputs excluded) in the checked programs.
    pub steps: u64,
    /// Cases whose interpreted result was an error.
    pub errors: u64,
    /// Cases with an inexact step (tolerances computed).
    pub inexact: u64,
    /// Output elements compared bit for bit (per JIT mode).
    pub exact_elems: u64,
    /// Output elements compared within a finite bound.
    pub bounded_elems: u64,
    /// Output elements with an unbounded error (not compared).
    pub skipped_elems: u64,
    /// Cases with an empty (size 0) result.
    pub empty: u64,
    /// Steps by label.
    pub ops: BTreeMap<String, u64>,
}

impl Stats {
    pub(super) fn add(&mut self, o: &Stats) {
        self.cases += o.cases;
        self.steps += o.steps;
        self.errors += o.errors;
        self.inexact += o.inexact;
        self.exact_elems += o.exact_elems;
        self.bounded_elems += o.bounded_elems;
        self.skipped_elems += o.skipped_elems;
        self.empty += o.empty;
        for (k, v) in &o.ops {
            *self.ops.entry(k.clone()).or_insert(0) += v;
        }
    }
}

/// Runs a case in every mode and returns the disagreements with the interpreter.
pub fn check(case: &Case) -> Vec<ModeFailure> {
    check_with_stats(case).0
}

/// [`check`], also returning what was compared.
pub fn check_with_stats(case: &Case) -> (Vec<ModeFailure>, Stats) {
    let mut stats = Stats {
        cases: 1,
        ..Stats::default()
    };
    for spec in &case.nodes {
        if !matches!(spec, Spec::Input(_)) {
            stats.steps += 1;
            *stats.ops.entry(spec.label()).or_insert(0) += 1;
        }
    }
    let want = run_mode(case, Mode::Interpret);
    let lazy = run_mode(case, Mode::Lazy);
    let eager = run_mode(case, Mode::Eager);
    let mut out = Vec::new();
    match &want {
        Outcome::Panic(p) => {
            out.push(ModeFailure {
                mode: Mode::Interpret,
                kind: FailKind::Panic,
                detail: format!("interpret panicked: {p}"),
            });
            return (out, stats);
        }
        Outcome::Error(_) => stats.errors += 1,
        Outcome::Value(v) => stats.empty += (v.size() == 0) as u64,
    }
    let (bound, errp) = if case_inexact(case) {
        stats.inexact += 1;
        let refs = reference_values(case);
        // the interpreter must agree with itself (whole graph vs step by step)
        if let (Outcome::Value(w), Some(Some(r))) = (&want, refs.last()) {
            let step_by_step = Outcome::Value(r.clone());
            let whole = Outcome::Value(w.clone());
            if let Some(f) = compare(Mode::Interpret, &step_by_step, &whole, None, false) {
                out.push(ModeFailure {
                    kind: FailKind::Oracle,
                    detail: format!(
                        "step-by-step (\"interpret\") vs whole-graph interpretation:\n{}",
                        f.detail
                    ),
                    ..f
                });
            }
        }
        let tol = tolerances(case, &refs);
        let last = case.nodes.len() - 1;
        (tol.bounds[last].clone(), tol.error_possible[last])
    } else {
        (None, false)
    };
    if let Outcome::Value(w) = &want {
        let n = w.size() as u64;
        match &bound {
            None => stats.exact_elems += 2 * n,
            Some(b) => {
                for &x in b {
                    match x {
                        0.0 => stats.exact_elems += 2,
                        x if x.is_finite() => stats.bounded_elems += 2,
                        _ => stats.skipped_elems += 2,
                    }
                }
            }
        }
    }
    for (mode, got) in [(Mode::Lazy, &lazy), (Mode::Eager, &eager)] {
        if let Some(f) = compare(mode, &want, got, bound.as_deref(), errp) {
            // eager mode raises the first error in step order: a data error (negative integer
            // power) before a later build-time error
            let eager_order = mode == Mode::Eager
                && matches!((&want, got), (Outcome::Error(_), Outcome::Error(_)))
                && compare(mode, &stepwise_outcome(case), got, None, false).is_none();
            if !eager_order {
                out.push(f);
            }
        }
    }
    (out, stats)
}
