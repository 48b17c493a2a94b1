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

/// Asserts that `f(x)` compiled (the current mode) equals the reference interpreter's result:
/// bitwise for integers, booleans and folds that are exact, within rounding-order
/// differences for float results (`1e-11` of `max(|want|, 1)` for float64, `1e-5` for
/// float32), NaN where the reference has NaN. Both results are evaluated in their own dtype
/// (so the kernel under test stores it) before being compared as float64.
pub fn matches_interpreter(name: &str, x: &nf::Array, f: fn(&nf::Array) -> nf::Array) {
    let as_f64 = |y: nf::Array| {
        let dtype = y.dtype();
        let values = nf::Array::from_ndarray(&y.eval()).astype(nf::float64);
        (dtype, values.to_vec::<f64>())
    };
    let (dtype, got) = as_f64(f(x));
    let (_, want) = nf::with_mode(nf::Mode::Interpret, || as_f64(f(x)));
    assert_eq!(got.len(), want.len(), "{name}: lengths");
    let tol = match dtype {
        nf::DType::Float64 => 1e-11,
        nf::DType::Float32 => 1e-5,
        _ => 0.0,
    };
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let ok = g.to_bits() == w.to_bits()
            || (w.is_nan() && g.is_nan())
            || (g - w).abs() <= tol * w.abs().max(1.0);
        assert!(
            ok,
            "{name} over shape {}, element {i}: {g} vs {w}",
            x.shape()
        );
    }
}

/// The bits of `f(x)` with line ops on and off, for 1 and 2 threads, all equal; returns the
/// explain text of the default run. Flips the process-wide line-op and thread switches (and
/// restores the defaults): callers serialise their tests.
pub fn same_bits_with_and_without(
    name: &str,
    x: &nf::Array,
    f: fn(&nf::Array) -> nf::Array,
) -> String {
    let text = f(x).explain();
    let want = bits(&f(x));
    for (line_ops, threads) in [(false, 2), (true, 1), (false, 1)] {
        nf::set_line_ops(line_ops);
        nf::set_max_threads(threads);
        let got = bits(&f(x));
        nf::set_line_ops(true);
        nf::set_max_threads(2);
        assert!(
            got == want,
            "{name}: line ops {line_ops}, {threads} thread(s) differ"
        );
    }
    matches_interpreter(name, x, f);
    text
}
