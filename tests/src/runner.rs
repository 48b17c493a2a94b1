//! Running fixture cases in each evaluation [`Mode`] and judging them against NumPy's answer.
//!
//! Every case runs under `catch_unwind`, so a panic inside numfuse is a failure of that case
//! (with the panic message and location), not of the whole file. Panics inside cases are kept
//! off stderr by a panic hook that is silent only while a case runs.

use crate::compare::{compare_arrays, show_array};
use crate::dispatch::{dispatch, Outcome};
use crate::fixture::{Case, Expect};
use numfuse as nf;
use numfuse::{DType, Mode, NdArray};
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

/// The modes every case runs in.
pub const MODES: [Mode; 3] = [Mode::Lazy, Mode::Eager, Mode::Interpret];

/// How one case fared in one mode.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Matches NumPy.
    Pass,
    /// numfuse cannot express the call (reason `fn[feature]`).
    Unsupported(String),
    /// Raised the right error class with a different message.
    Message {
        /// NumPy's message.
        want: String,
        /// numfuse's message.
        got: String,
    },
    /// Any other mismatch.
    Fail {
        /// A short grouping key (`wrong dtype`, `unexpected ValueError`, `panic`, ...).
        cause: String,
        /// Expected vs got.
        detail: String,
    },
}

/// What numfuse produced for a case.
enum Got {
    Arrays(Vec<NdArray>),
    DType(DType),
    Unsupported(String),
}

thread_local! {
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    static PANIC_MSG: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records panics raised inside cases instead of printing
/// them; other panics (e.g. the final assertion) go to the previous hook.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_CASE.with(Cell::get) {
                let payload = info.payload();
                let msg = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "<non-string panic>".into());
                let at = info
                    .location()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                PANIC_MSG.with(|m| *m.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                prev(info);
            }
        }));
    });
}

fn evaluate(case: &Case) -> nf::Result<Got> {
    Ok(match dispatch(case)? {
        Outcome::Lazy(v) => Got::Arrays(
            v.iter()
                .map(nf::Array::try_eval)
                .collect::<nf::Result<_>>()?,
        ),
        Outcome::Concrete(v) => Got::Arrays(v),
        Outcome::DType(d) => Got::DType(d),
        Outcome::Unsupported(r) => Got::Unsupported(r),
    })
}

fn fail(cause: impl Into<String>, detail: impl Into<String>) -> Verdict {
    Verdict::Fail {
        cause: cause.into(),
        detail: detail.into(),
    }
}

fn show_got(got: &Got) -> String {
    match got {
        Got::Arrays(v) => v.iter().map(show_array).collect::<Vec<_>>().join(" | "),
        Got::DType(d) => format!("dtype {d}"),
        Got::Unsupported(r) => format!("unsupported {r}"),
    }
}

/// Runs one case in one mode and judges the result.
pub fn run_case(case: &Case, mode: Mode) -> Verdict {
    install_panic_hook();
    IN_CASE.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| nf::with_mode(mode, || evaluate(case))));
    IN_CASE.with(|c| c.set(false));
    let got = match result {
        Ok(r) => r,
        Err(_) => {
            let msg = PANIC_MSG
                .with(|m| m.borrow_mut().take())
                .unwrap_or_default();
            return fail("panic", msg);
        }
    };
    match (&case.expect, got) {
        (_, Ok(Got::Unsupported(r))) => Verdict::Unsupported(r),
        (Expect::Error { class, message }, Err(e)) => {
            let (got_class, got_msg) = (e.numpy_class(), e.to_string());
            if got_class != class {
                fail(
                    format!("wrong error class (want {class}, got {got_class})"),
                    format!("want {class}: {message:?}; got {got_class}: {got_msg:?}"),
                )
            } else if !same_message(message, &got_msg) {
                Verdict::Message {
                    want: message.clone(),
                    got: got_msg,
                }
            } else {
                Verdict::Pass
            }
        }
        (Expect::Error { class, message }, Ok(got)) => fail(
            format!("no error (want {class})"),
            format!("want {class}: {message:?}; got {}", show_got(&got)),
        ),
        (_, Err(e)) => fail(
            format!("unexpected {}", e.numpy_class()),
            format!(
                "want a result; got {}: {:?}",
                e.numpy_class(),
                e.to_string()
            ),
        ),
        (Expect::DType(want), Ok(Got::DType(d))) if *want == d => Verdict::Pass,
        (Expect::DType(want), Ok(Got::DType(d))) => {
            fail("wrong dtype", format!("want {want}, got {d}"))
        }
        (Expect::Arrays(want), Ok(Got::Arrays(got))) => {
            match compare_arrays(want, &got, case.tol) {
                Ok(()) => Verdict::Pass,
                Err((cause, detail)) => fail(cause.label(), detail),
            }
        }
        (want, Ok(got)) => fail(
            "wrong kind of result",
            format!("want {want:?}; got {}", show_got(&got)),
        ),
    }
}

/// Runs one case in every mode.
pub fn run_all_modes(case: &Case) -> Vec<Verdict> {
    MODES.iter().map(|&m| run_case(case, m)).collect()
}

/// numfuse's message equals NumPy's, or is NumPy's first line followed by numfuse's extra lines
/// (shape errors name where each operand was created).
pub fn same_message(numpy: &str, numfuse: &str) -> bool {
    numfuse == numpy
        || numfuse
            .strip_prefix(numpy)
            .is_some_and(|rest| rest.starts_with("\n  operand "))
}
