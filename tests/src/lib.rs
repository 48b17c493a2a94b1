//! Shared helpers for the numfuse integration tests.
//!
//! The NumPy reference fixtures (`tests/fixtures/*.json`, schema in `tests/fixtures/README.md`)
//! run through numfuse here:
//!
//! * [`fixture`] decodes cases: arrays (with their views applied as real strided views), weak
//!   scalars, expected results and tolerances;
//! * [`dispatch`] maps NumPy function names to numfuse calls;
//! * [`compare`] checks dtype, shape and values (`exact`, `ulps`, `rtol/atol`);
//! * [`runner`] runs a case in each [`numfuse::Mode`] and judges it;
//! * [`report`] runs a whole file and renders the failure report.
//!
//! `tests/tests/fixtures.rs` has one test per fixture file, calling [`report::check_file`];
//! [`support`] holds the helpers of the hand-written tests; [`fuzz`] is the random-graph
//! differential fuzzer of the JIT (`tests/tests/fuzz_jit.rs`).

pub mod compare;
pub mod dispatch;
pub mod fixture;
pub mod fuzz;
pub mod report;
pub mod runner;
pub mod support;
