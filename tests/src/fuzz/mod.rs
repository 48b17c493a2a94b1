//! Random-graph differential fuzzing: the JIT (`Mode::Lazy`, `Mode::Eager`, compile threshold
//! 0) against the reference interpreter (`Mode::Interpret`).
//!
//! * [`generate`] builds a well-typed random program ([`Case`]) with the public API: every
//!   elementwise ufunc, `where_`, `clip`, `round`, `nan_to_num`, casts, broadcasting with weak
//!   scalars, views (steps, reversals, integer indices, `newaxis`, transposes, reshapes,
//!   `expand_dims`, `squeeze`, `broadcast_to`, `diag`, `copy`), reductions with random axis sets
//!   and `keepdims`, scans and arg-reductions, over all 14 dtypes, sizes around the vector width
//!   and the tile sizes, and non-contiguous inputs (stepped/reversed slices, transposes,
//!   broadcast and diagonal views).
//! * [`check`] replays the program in each mode and compares with the interpreter: dtype and
//!   shape exactly, errors exactly, values **bit for bit** (NaN == NaN, `-0.0 != 0.0`) unless
//!   an inexact operation is upstream. Inexact operations are transcendental ufuncs (4 ulp of
//!   the result dtype), complex `*`, `/`, `abs`, `sqrt`, ... (4 ulp), and float reductions and
//!   scans (`|Δ| <= n·eps·Σ|x|`, the worst case of any summation order, plus 1 ulp). Their
//!   errors are propagated through the rest of the graph as per-element absolute bounds
//!   ([`tolerances`]): elementwise consumers are re-evaluated by the interpreter at the corners
//!   of the input error boxes and at the special points 0 and 1 inside them (so a comparison
//!   whose operands are closer than their error, a `floor` at a jump, or `power(1 ± ulp, NaN)`
//!   becomes "either answer"), movement ops move the bounds with the data,
//!   reductions add them up. Elements whose bound is 0 are still compared bit for bit.
//!   Where the order of a float sum or product decides between a finite result and an
//!   overflow (a partial sum of magnitudes above the dtype's maximum; a partial product that
//!   may overflow, or underflow and be scaled back up) the element is not compared; nor is an
//!   infinite or NaN complex result computed from inexact operands (its direction is decided
//!   chaotically by the operands' errors, e.g. `power` with a huge exponent).
//!   One difference is tolerated by decision rather than by error analysis, and listed here:
//!   [`ALLOW_ZERO_SIGN_IN_MAX_MIN`] (the sign of a zero `max`/`min` reduction result).
//!   Build-time errors (bad axis, empty `max`, out-of-range weak scalar) end ~1% of the
//!   programs, data-dependent ones (negative integer powers) occur naturally: every mode must
//!   raise the same [`Error`](numfuse::Error).
//! * [`shrink`] cuts the failing program down (truncating it at the first failing node,
//!   replacing subgraphs by their interpreted values as inputs, making view inputs
//!   contiguous) and [`Failure::report`] prints a reproduction.
//! * [`run`] drives many cases on several threads and groups failures by signature.
//!
//! The code is split by concern: [`Rng`] and seeds (`rng`), the program representation
//! (`spec`, `program`), replaying it with the API (`replay`), random data and shapes (`data`),
//! the generator (`generator`, `operands`), element values and ulps (`values`), error
//! propagation (`inexact`, `bounds`, `elementwise`, `reduction`), the comparison
//! (`comparison`), checking one case (`checking`), shrinking (`shrinking`), reports
//! (`failure`) and the multi-threaded driver (`driver`). Every public item is re-exported here.

mod bounds;
mod checking;
mod comparison;
mod data;
mod driver;
mod elementwise;
mod failure;
mod generator;
mod inexact;
mod operands;
mod program;
mod reduction;
mod replay;
mod rng;
mod shrinking;
mod spec;
mod values;

pub use bounds::{tolerances, Tolerances};
pub use checking::{check, check_with_stats, Stats};
pub use comparison::{compare, FailKind, ModeFailure};
pub use driver::{run, Config, Summary};
pub use failure::Failure;
pub use generator::generate;
pub use inexact::{reference_values, ALLOW_ZERO_SIGN_IN_MAX_MIN, TRANSCENDENTAL_ULPS};
pub use program::Case;
pub use replay::{apply, build, run_mode, Outcome};
pub use rng::{case_seed, Rng};
pub use shrinking::shrink;
pub use spec::{Arg, Red, RedArgs, Spec};
