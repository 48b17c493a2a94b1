//! Random-graph differential fuzzing of the JIT against the reference interpreter.
//!
//! Every case is a random, well-typed program over the public API (see
//! `numfuse_tests::fuzz`), run in `Mode::Lazy` and `Mode::Eager` with the JIT forced on
//! (`set_jit_threshold(0)`) and in `Mode::Interpret`; results must agree bit for bit except
//! downstream of inexact operations (transcendentals: 4 ulp; float reductions: `n·eps·Σ|x|`).
//!
//! Environment: `NUMFUSE_FUZZ_GRAPHS` (default 10 000), `NUMFUSE_FUZZ_SEED` (default 2024),
//! `NUMFUSE_FUZZ_CASE` (rerun one case), `NUMFUSE_FUZZ_THREADS` (default 2),
//! `NUMFUSE_FUZZ_MAX_FAILURES` (distinct failures collected before stopping, default 20),
//! `NUMFUSE_FUZZ_SHRINK=0`, `NUMFUSE_FUZZ_TRACE=1` (print each case index, to locate crashes).

use numfuse_tests::fuzz;

#[test]
fn jit_matches_interpreter_on_random_graphs() {
    let cfg = fuzz::Config::from_env();
    let summary = fuzz::run(&cfg);
    println!("{}", summary.report());
    assert!(
        summary.distinct.is_empty(),
        "{} failing case(s), {} distinct: see the reports above",
        summary.failing_cases,
        summary.distinct.len()
    );
}

/// The comparison itself: a one-ulp difference, a signed zero, a NaN against a number, a
/// wrong dtype or shape and a different error are all caught; NaN payloads are not.
#[test]
fn harness_detects_planted_differences() {
    use fuzz::{compare, FailKind, Outcome};
    use numfuse::{Error, Mode, NdArray};
    let arr = |v: Vec<f32>| Outcome::Value(NdArray::from_vec([v.len()], v).unwrap());
    let one = 1.0f32;
    let next = f32::from_bits(one.to_bits() + 1);
    let kind = |w: &Outcome, g: &Outcome, b: Option<&[f64]>| {
        compare(Mode::Lazy, w, g, b, false).map(|f| f.kind)
    };
    let want = arr(vec![one, 0.0, f32::NAN]);
    assert_eq!(kind(&want, &arr(vec![one, 0.0, -f32::NAN]), None), None);
    assert_eq!(
        kind(&want, &arr(vec![next, 0.0, f32::NAN]), None),
        Some(FailKind::Values)
    );
    assert_eq!(
        kind(&want, &arr(vec![one, -0.0, f32::NAN]), None),
        Some(FailKind::Values)
    );
    assert_eq!(
        kind(&want, &arr(vec![one, 0.0, 1.0]), None),
        Some(FailKind::Values)
    );
    // within a bound; NaN against a number is never within a finite bound
    let b = [1e-6, 0.0, 1.0];
    assert_eq!(kind(&want, &arr(vec![next, 0.0, f32::NAN]), Some(&b)), None);
    assert_eq!(
        kind(&want, &arr(vec![1.01, 0.0, f32::NAN]), Some(&b)),
        Some(FailKind::Values)
    );
    assert_eq!(
        kind(&want, &arr(vec![one, 0.0, 0.5]), Some(&b)),
        Some(FailKind::Values)
    );
    assert_eq!(
        kind(&want, &arr(vec![one, 0.0]), None),
        Some(FailKind::Shape)
    );
    let f64s = Outcome::Value(NdArray::from_vec([3], vec![1.0f64, 0.0, f64::NAN]).unwrap());
    assert_eq!(kind(&want, &f64s, None), Some(FailKind::DType));
    let err = |m: &str| Outcome::Error(Error::Value(m.into()));
    assert_eq!(kind(&err("a"), &err("a"), None), None);
    assert_eq!(kind(&err("a"), &err("b"), None), Some(FailKind::Error));
    assert_eq!(kind(&want, &err("a"), None), Some(FailKind::Error));
    assert_eq!(
        kind(&want, &Outcome::Panic("boom".into()), None),
        Some(FailKind::Panic)
    );
}

/// The same seed gives the same programs and the same data.
#[test]
fn generation_is_deterministic() {
    for index in [0, 1, 17, 4242] {
        let a = fuzz::generate(7, index).map_err(|e| e.1).unwrap();
        let b = fuzz::generate(7, index).map_err(|e| e.1).unwrap();
        assert_eq!(a.nodes, b.nodes);
        assert_eq!(a.to_rust(), b.to_rust());
        for (x, y) in a.inputs.iter().zip(&b.inputs) {
            assert_eq!(x.shape(), y.shape());
            assert_eq!(x.strides(), y.strides());
            assert_eq!(format!("{x:?}"), format!("{y:?}"));
        }
    }
}
