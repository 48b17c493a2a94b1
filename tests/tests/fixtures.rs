//! NumPy reference fixtures: every case of `tests/fixtures/<file>.json` runs through numfuse in
//! Lazy, Eager and Interpret mode and is compared with NumPy's answer. Each test fails with a
//! report of the failing cases (grouped by function and cause), error-message mismatches and
//! unsupported calls; run with `--nocapture` to see the report of a passing file.

use numfuse_tests::report::check_file;

#[test]
fn fixtures_creation() {
    check_file("creation");
}

#[test]
fn fixtures_unary() {
    check_file("unary");
}

#[test]
fn fixtures_binary() {
    check_file("binary");
}

#[test]
fn fixtures_reduction() {
    check_file("reduction");
}

#[test]
fn fixtures_movement() {
    check_file("movement");
}

#[test]
fn fixtures_casting() {
    check_file("casting");
}

#[test]
fn fixtures_errors() {
    check_file("errors");
}

/// The comparison rules and the decoder themselves, so that a pass means what it says.
#[test]
fn harness_compare_rules() {
    use numfuse::DType::{Float16, Float32, Float64};
    use numfuse_tests::compare::{elem_ok, ulps_between};
    use numfuse_tests::fixture::{Elem, Tol};
    let (f, exact) = (Elem::Float, Tol::Exact);
    // exact: -0.0 != 0.0, NaN == NaN (any payload/sign), otherwise bitwise
    assert!(!elem_ok(f(0.0), f(-0.0), exact, Float64));
    assert!(elem_ok(f(f64::NAN), f(-f64::NAN), exact, Float64));
    assert!(!elem_ok(f(1.0), f(1.0 + f64::EPSILON), exact, Float64));
    // ulps in the result dtype's precision; NaN/inf exactly
    assert_eq!(ulps_between(1.0, 1.0 + f64::EPSILON, Float64), 1);
    assert_eq!(ulps_between(1.0, 1.0 + f32::EPSILON as f64, Float32), 1);
    assert_eq!(ulps_between(1.0, 1.0 + 2f64.powi(-10), Float16), 1);
    assert_eq!(ulps_between(-0.0, 0.0, Float64), 0);
    assert_eq!(ulps_between(-5e-324, 5e-324, Float64), 2);
    assert!(!elem_ok(
        f(f64::INFINITY),
        f(f64::MAX),
        Tol::Ulps(u64::MAX),
        Float64
    ));
    assert!(!elem_ok(f(1.0), f(f64::NAN), Tol::Ulps(4), Float64));
    // rtol/atol per component, complex parts separately
    let rel = Tol::Rel {
        rtol: 1e-3,
        atol: 0.5,
    };
    assert!(elem_ok(f(100.0), f(100.55), rel, Float64));
    assert!(!elem_ok(f(100.0), f(100.7), rel, Float64));
    let (z, w) = (Elem::Complex(1.0, 2.0), Elem::Complex(1.0, -2.0));
    assert!(!elem_ok(z, w, exact, numfuse::DType::Complex128));
    // the JSON decoder parses floats correctly rounded (serde_json `float_roundtrip`)
    let v: serde_json::Value =
        serde_json::from_str("[2.048909666062249e-8, 3.1265904553063795]").unwrap();
    assert_eq!(Elem::from_json(&v[0]), f(2.048909666062249e-8));
    assert_eq!(Elem::from_json(&v[1]), f(3.1265904553063795));
}
