//! Helpers shared by the integration tests: running a check in every evaluation mode,
//! closeness of float results, and capturing typed errors and panic messages.

use numfuse as nf;

/// Runs `check` once under each evaluation mode, with the JIT compiling even tiny graphs (so
/// Lazy and Eager exercise compiled kernels, Interpret the reference interpreter).
pub fn in_all_modes(check: impl Fn()) {
    nf::set_jit_threshold(0);
    for mode in [nf::Mode::Lazy, nf::Mode::Eager, nf::Mode::Interpret] {
        println!("mode: {mode:?}");
        nf::with_mode(mode, &check);
    }
}

/// Asserts elementwise closeness (relative to max(|want|, 1)).
pub fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g - w).abs() <= tol * w.abs().max(1.0);
        assert!(ok, "element {i}: got {g}, want {w} (all: {got:?})");
    }
}

/// The error of a result that must have failed.
pub fn expect_err<T>(r: nf::Result<T>) -> nf::Error {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

/// The message `f` panics with; fails if it does not panic.
pub fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    let payload = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic"),
        Err(p) => p,
    };
    match (
        payload.downcast_ref::<String>(),
        payload.downcast_ref::<&str>(),
    ) {
        (Some(s), _) => s.clone(),
        (_, Some(s)) => (*s).to_string(),
        _ => panic!("panic payload is not a string"),
    }
}

/// The error of `tried`, after checking that `panicking` panics with the same message.
pub fn check_error<T, R>(tried: nf::Result<T>, panicking: impl FnOnce() -> R) -> nf::Error {
    let err = expect_err(tried);
    assert_eq!(panic_message(panicking), err.to_string(), "panicking form");
    err
}

/// `msg` with source locations (`file.rs:12:34`) replaced by `file.rs:LINE:COL`, so snapshots
/// of messages that name where operands were created survive edits above the test.
pub fn stable_locations(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find(".rs:") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n = digits(rest);
        if n > 0 && rest[n..].starts_with(':') && digits(&rest[n + 1..]) > 0 {
            let m = digits(&rest[n + 1..]);
            out.push_str("LINE:COL");
            rest = &rest[n + 1 + m..];
        }
    }
    out.push_str(rest);
    out
}

/// Deterministic, rounding-sensitive data in [-1, 1) of `shape` (a golden-ratio ramp),
/// materialized.
pub fn ramp(shape: &[usize], phase: f64) -> nf::Array {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n)
        .map(|i| ((i as f64) * 0.618_033_988_75 + phase).fract() * 2.0 - 1.0)
        .collect();
    nf::Array::from_ndarray(&nf::NdArray::from_vec(shape.to_vec(), v).expect("sizes match"))
}

/// The elements of `x` as float64 bit patterns (for bitwise comparisons).
pub fn bits(x: &nf::Array) -> Vec<u64> {
    x.astype(nf::float64)
        .to_vec::<f64>()
        .iter()
        .map(|v| v.to_bits())
        .collect()
}
