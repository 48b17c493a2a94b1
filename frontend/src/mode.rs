//! Evaluation modes and the scoped switch between them.
//!
//! * [`Mode::Lazy`] (default): operations build a graph; `eval()` runs the whole graph.
//! * [`Mode::Eager`]: every operation is evaluated as soon as it is built (NumPy's model, one
//!   kernel per operation with materialised intermediates) — the baseline for comparisons.
//! * [`Mode::Interpret`]: lazy graphs evaluated by the reference interpreter (the test oracle).
//!
//! The default comes from the `NUMFUSE_MODE` environment variable (`lazy`, `eager`,
//! `interpret`), else `Lazy`. In `Lazy` mode graphs go through the e-graph optimizer first;
//! `NUMFUSE_OPT` selects its policy: `strict` (default: only rewrites that keep NumPy's
//! results bit for bit), `fast` (also reassociation, distribution, reordered sums) or `off`;
//! [`with_opt_mode`] switches it for a scope.

use numfuse_optimizer::{OptConfig, OptMode};
use std::cell::Cell;
use std::sync::OnceLock;

/// How operations are evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Build a graph, evaluate it on demand.
    Lazy,
    /// Evaluate each operation as it is built.
    Eager,
    /// Build a graph, evaluate it with the reference interpreter.
    Interpret,
}

impl Mode {
    /// Parses `lazy`, `eager` or `interpret` (case-insensitive).
    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lazy" => Some(Mode::Lazy),
            "eager" => Some(Mode::Eager),
            "interpret" | "interpreter" => Some(Mode::Interpret),
            _ => None,
        }
    }
}

thread_local! {
    static SCOPED: Cell<Option<Mode>> = const { Cell::new(None) };
    static SCOPED_OPT: Cell<Option<OptMode>> = const { Cell::new(None) };
}

fn default_mode() -> Mode {
    static DEFAULT: OnceLock<Mode> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        std::env::var("NUMFUSE_MODE")
            .ok()
            .and_then(|s| Mode::parse(&s))
            .unwrap_or(Mode::Lazy)
    })
}

/// The mode in effect on this thread.
pub fn current_mode() -> Mode {
    SCOPED.with(|m| m.get()).unwrap_or_else(default_mode)
}

/// Runs `f` with `mode` in effect on this thread, restoring the previous mode afterwards (also
/// when `f` panics).
///
/// ```
/// use numfuse as nf;
/// let y = nf::with_mode(nf::Mode::Eager, || nf::arange(3) * 2);
/// assert_eq!(y.to_vec::<i64>(), vec![0, 2, 4]);
/// ```
pub fn with_mode<R>(mode: Mode, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Mode>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPED.with(|m| m.set(self.0));
        }
    }
    let _restore = Restore(SCOPED.with(|m| m.replace(Some(mode))));
    f()
}

/// The optimizer configuration of `Mode::Lazy`: the scoped policy of [`with_opt_mode`], else
/// `NUMFUSE_OPT` (read once).
pub(crate) fn opt_config() -> OptConfig {
    match SCOPED_OPT.with(|m| m.get()) {
        Some(mode) => OptConfig {
            mode,
            ..OptConfig::strict()
        },
        None => OptConfig::from_env(),
    }
}

/// Runs `f` with the optimizer policy `mode` (`Strict`, `Fast`, `Disabled`) in effect on this
/// thread for `Mode::Lazy` evaluations, restoring the previous policy afterwards (also when
/// `f` panics).
///
/// ```
/// use numfuse as nf;
/// let (a, b, w) = (nf::arange(4.0), nf::arange(4.0) * 3.0, nf::arange(4.0) / 4.0);
/// let lerp = nf::with_opt_mode(nf::OptMode::Fast, || (&a + (&b - &a) * &w).eval());
/// assert_eq!(lerp.to_vec::<f64>().unwrap(), vec![0.0, 1.5, 4.0, 7.5]);
/// ```
pub fn with_opt_mode<R>(mode: OptMode, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<OptMode>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPED_OPT.with(|m| m.set(self.0));
        }
    }
    let _restore = Restore(SCOPED_OPT.with(|m| m.replace(Some(mode))));
    f()
}
