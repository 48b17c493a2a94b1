//! Comparing a mode's [`Outcome`] with the interpreter's: dtype, shape and errors exactly,
//! values bit for bit or within per-element bounds ([`compare`]).

use numfuse::{Mode, Value};
use std::fmt::Write as _;

use super::replay::Outcome;
use super::values::{deviation, exact_eq, fmt_value, fmt_value_short, unravel};

/// How a mode disagreed with the interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailKind {
    /// Different values.
    Values,
    /// Different dtype.
    DType,
    /// Different shape.
    Shape,
    /// Different errors, or an error on one side only.
    Error,
    /// A panic.
    Panic,
    /// The interpreter disagrees with itself (whole graph vs step by step).
    Oracle,
    /// Building the program in interpreter mode panicked.
    Build,
}

/// One mode's disagreement.
#[derive(Clone, Debug)]
pub struct ModeFailure {
    /// The mode (`Interpret` for oracle failures).
    pub mode: Mode,
    /// The kind.
    pub kind: FailKind,
    /// What differed.
    pub detail: String,
}

fn describe_outcome(o: &Outcome) -> String {
    match o {
        Outcome::Value(v) => format!("{} {} value", v.dtype(), v.shape()),
        Outcome::Error(e) => format!("error: {e}"),
        Outcome::Panic(p) => format!("panic: {p}"),
    }
}

/// Compares a mode's outcome with the interpreter's: `bound[k]` is element `k`'s absolute
/// error bound (`None` or 0 = bit for bit).
pub fn compare(
    mode: Mode,
    want: &Outcome,
    got: &Outcome,
    bound: Option<&[f64]>,
    error_possible: bool,
) -> Option<ModeFailure> {
    let fail = |kind, detail| Some(ModeFailure { mode, kind, detail });
    let name = format!("{mode:?}").to_lowercase();
    match (want, got) {
        (_, Outcome::Panic(p)) => fail(FailKind::Panic, format!("{name} panicked: {p}")),
        (Outcome::Error(a), Outcome::Error(b)) if a == b => None,
        (Outcome::Value(_), Outcome::Error(_)) | (Outcome::Error(_), Outcome::Value(_))
            if error_possible =>
        {
            None
        }
        (Outcome::Value(w), Outcome::Value(g)) => {
            if w.dtype() != g.dtype() {
                return fail(
                    FailKind::DType,
                    format!("interpret: {}\n{name}: {}", w.dtype(), g.dtype()),
                );
            }
            if w.shape() != g.shape() {
                return fail(
                    FailKind::Shape,
                    format!("interpret: {}\n{name}: {}", w.shape(), g.shape()),
                );
            }
            let (wv, gv) = (w.values(), g.values());
            let bad: Vec<usize> = (0..wv.len())
                .filter(|&k| match bound {
                    Some(b) if b[k] != 0.0 => deviation(wv[k], gv[k]) > b[k],
                    _ => !exact_eq(wv[k], gv[k]),
                })
                .collect();
            if bad.is_empty() {
                return None;
            }
            let mut d = format!(
                "{} of {} elements differ ({} {})\n",
                bad.len(),
                wv.len(),
                w.dtype(),
                w.shape()
            );
            for &k in bad.iter().take(8) {
                let tol = match bound {
                    Some(b) if b[k] != 0.0 => format!("|Δ| ≤ {:e}", b[k]),
                    _ => "exact".into(),
                };
                let _ = writeln!(
                    d,
                    "  at {:?}: interpret = {}, {name} = {}   [{tol}]",
                    unravel(k, w.shape()),
                    fmt_value(wv[k]),
                    fmt_value(gv[k])
                );
            }
            if bad.len() > 8 {
                let _ = writeln!(d, "  ... ({} more)", bad.len() - 8);
            }
            if wv.len() <= 64 {
                let show = |v: &[Value]| {
                    v.iter()
                        .map(|&x| fmt_value_short(x))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(d, "  interpret (flat): [{}]", show(&wv));
                let _ = writeln!(d, "  {name} (flat): [{}]", show(&gv));
            }
            fail(FailKind::Values, d)
        }
        _ => fail(
            FailKind::Error,
            format!(
                "interpret: {}\n{name}: {}",
                describe_outcome(want),
                describe_outcome(got)
            ),
        ),
    }
}
