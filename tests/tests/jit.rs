//! The JIT's contract: kernels are cached by structure (a new size is a hit, no compile),
//! results do not depend on the thread count, fused workloads produce the interpreter's
//! answers, and `explain` reports every stage.

use numfuse as nf;
use std::sync::Mutex;

/// The JIT settings are process-wide; tests that change them run one at a time.
static SETTINGS: Mutex<()> = Mutex::new(());

fn ramp(n: usize, phase: f64) -> nf::Array {
    numfuse_tests::support::ramp(&[n], phase)
}

fn chain(a: &nf::Array, b: &nf::Array) -> nf::Array {
    (a * 2.0 + b * b * 3.0 - a / 4.0).sqrt().sum(None)
}

fn softmax(x: &nf::Array) -> nf::Array {
    let e = (x - x.max(nf::axis(-1).keepdims(true))).exp();
    &e / e.sum(nf::axis(-1).keepdims(true))
}

#[test]
fn a_new_size_is_a_cache_hit() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let _ = chain(&ramp(1000, 0.1), &ramp(1000, 0.2)).eval();
    let (_, misses) = nf::kernel_cache_stats();
    let y = chain(&ramp(1237, 0.3), &ramp(1237, 0.4));
    let _ = y.eval();
    let (hits, misses_after) = nf::kernel_cache_stats();
    assert_eq!(misses_after, misses, "a new length must not compile");
    assert!(hits > 0);
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    let (a, b) = (ramp(3_000_000, 0.1), ramp(3_000_000, 0.2));
    let m = ramp(3_000_000, 0.5).reshape([1000, 3000]);
    let run = |threads| {
        nf::set_max_threads(threads);
        let y = (&a * &b + 1.0).eval().to_vec::<f64>().unwrap();
        let r = m.sum(1).eval().to_vec::<f64>().unwrap();
        let s = chain(&a, &b).item_f64();
        // row-blocked segments split their blocks between the threads
        let sm = softmax(&m).eval().to_vec::<f64>().unwrap();
        let sg = (1.0 / (1.0 + (-&a).exp())).eval().to_vec::<f64>().unwrap();
        (y, r, s.to_bits(), sm, sg)
    };
    let one = run(1);
    let two = run(2);
    nf::set_max_threads(2);
    assert!(
        one == two,
        "1 and 2 threads must give bitwise equal results"
    );
}

#[test]
fn fused_seed_workloads_match_the_interpreter() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let x = ramp(4096, 0.3).reshape([512, 8]);
    let zscore = |x: &nf::Array| {
        (x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true))
    };
    for (name, f) in [
        ("zscore", &zscore as &dyn Fn(&nf::Array) -> nf::Array),
        ("softmax", &softmax),
    ] {
        let jit = f(&x).eval().to_vec::<f64>().unwrap();
        let reference = nf::with_mode(nf::Mode::Interpret, || {
            f(&x).eval().to_vec::<f64>().unwrap()
        });
        for (i, (a, b)) in jit.iter().zip(&reference).enumerate() {
            assert!(
                (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                "{name}[{i}]: jit {a} vs interpreter {b}"
            );
        }
    }
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn zscore_and_pairwise_fuse_into_few_kernels() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let x = ramp(800, 0.3).reshape([100, 8]);
    let z = (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true));
    let report = z.explain();
    let kernels = report
        .lines()
        .filter(|l| l.starts_with("== kernel"))
        .count();
    assert_eq!(kernels, 3, "z-score: mean, var, normalise\n{report}");
    let p = ramp(30, 0.1).reshape([10, 3]);
    let d = p.slice(numfuse::s![.., newaxis, ..]) - p.slice(numfuse::s![newaxis, .., ..]);
    let dist = (&d * &d).sum(-1).sqrt();
    let report = dist.explain();
    assert_eq!(
        report
            .lines()
            .filter(|l| l.starts_with("== kernel"))
            .count(),
        1,
        "{report}"
    );
    assert!(report.contains("function"), "explain shows Cranelift IR");
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn compiled_sums_are_at_least_as_accurate_as_pairwise() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    // 1 followed by a million 1e-16: naive left-to-right summation returns exactly 1.0
    let n = 1_000_001;
    let mut v = vec![1e-16f64; n];
    v[0] = 1.0;
    let exact = 1.0 + 1e-10;
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec([n], v).unwrap());
    let jit = x.sum(None).item_f64();
    let pairwise = nf::with_mode(nf::Mode::Interpret, || x.sum(None).item_f64());
    let (ej, ep) = ((jit - exact).abs(), (pairwise - exact).abs());
    // same order of error as NumPy's pairwise sum (a few ulp), where naive summation is off by 1e-10
    assert!(
        ej <= 4.0 * ep.max(f64::EPSILON) && ej < 1e-14,
        "jit error {ej:e} vs pairwise {ep:e}"
    );
    // rows of a matrix, f32
    let m: Vec<f32> = (0..300_000)
        .map(|i| if i % 1000 == 0 { 1.0 } else { 1e-8 })
        .collect();
    let m = nf::Array::from_ndarray(&nf::NdArray::from_vec([300, 1000], m).unwrap());
    let rows = m.sum(1).to_vec::<f32>();
    let want = 1.0f64 + 999.0 * 1e-8f32 as f64;
    assert!(
        rows.iter()
            .all(|&r| (r as f64 - want).abs() <= 2.0 * f32::EPSILON as f64),
        "{:?}",
        &rows[..3]
    );
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn complex_scalar_condition_in_vector_loops() {
    // found by the fuzzer: a complex constant used as a condition was truthy only by its real part
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let x = nf::array([1.0, 2.0, 3.0, 4.0, 5.0]);
    let y = nf::where_(nf::Complex64::new(0.0, 1.0), &x, -&x);
    assert_eq!(y.to_vec::<f64>(), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn row_blocked_segments_match_the_interpreter() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    // uneven last blocks, a single row, rows wider than a block, a transposed input
    for (rows, cols) in [(1001, 37), (3, 5), (2, 20_000), (9000, 1), (1, 7)] {
        let x = ramp(rows * cols, 0.2).reshape([rows, cols]);
        let xt = ramp(rows * cols, 0.7).reshape([cols, rows]).t();
        for x in [&x, &xt] {
            let sig = |x: &nf::Array| 1.0 / (1.0 + (-x).exp()) + x.sum(nf::axis(-1).keepdims(true));
            for (name, f) in [
                ("softmax", &softmax as &dyn Fn(&nf::Array) -> nf::Array),
                ("sigmoid+rowsum", &sig),
            ] {
                let jit = f(x).eval().to_vec::<f64>().unwrap();
                let reference =
                    nf::with_mode(nf::Mode::Interpret, || f(x).eval().to_vec::<f64>().unwrap());
                for (i, (a, b)) in jit.iter().zip(&reference).enumerate() {
                    assert!(
                        (a - b).abs() <= 1e-13 * b.abs().max(1.0),
                        "{name} {rows}x{cols} [{i}]: jit {a} vs interpreter {b}"
                    );
                }
            }
        }
    }
    let x = ramp(4000, 0.3).reshape([500, 8]);
    let report = softmax(&x).explain();
    assert!(
        report.contains("segment: steps 0–4 run together over 500 rows"),
        "softmax runs as one row-blocked segment\n{report}"
    );
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn split_full_reductions_match_the_interpreter() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let n = 3_000_017; // large enough to be cut into chunks, not a multiple of anything
    let x = ramp(n, 0.3);
    let mut with_nan: Vec<f64> = x.to_vec::<f64>();
    with_nan[2_000_000] = f64::NAN;
    let xn = nf::Array::from_ndarray(&nf::NdArray::from_vec([n], with_nan).unwrap());
    let ints = (&x * 1000.0).astype(nf::int64);
    let m = x.slice(numfuse::s![..3_000_000]).reshape([1000, 3000]).t();
    type F = fn(&nf::Array, &nf::Array, &nf::Array, &nf::Array) -> nf::Array;
    let cases: [(&str, F); 8] = [
        ("sum", |x, _, _, _| x.sum(None)),
        ("mean", |x, _, _, _| x.mean(None)),
        ("std", |x, _, _, _| x.std(None)),
        ("max with NaN", |_, xn, _, _| xn.max(None)),
        ("min", |x, _, _, _| x.min(None)),
        ("int sum", |_, _, i, _| i.sum(None)),
        ("any", |x, _, _, _| x.greater(0.9999).any(None)),
        ("transposed sum of squares", |_, _, _, m| (m * m).sum(None)),
    ];
    for (name, f) in cases {
        let jit = f(&x, &xn, &ints, &m).astype(nf::float64).item_f64();
        let reference = nf::with_mode(nf::Mode::Interpret, || {
            f(&x, &xn, &ints, &m).astype(nf::float64).item_f64()
        });
        let ok = if reference.is_nan() {
            jit.is_nan()
        } else {
            (jit - reference).abs() <= 1e-9 * reference.abs().max(1.0)
        };
        assert!(ok, "{name}: jit {jit} vs interpreter {reference}");
        let one = {
            nf::set_max_threads(1);
            let v = f(&x, &xn, &ints, &m).astype(nf::float64).item_f64();
            nf::set_max_threads(2);
            v
        };
        assert_eq!(one.to_bits(), jit.to_bits(), "{name}: 1 vs 2 threads");
    }
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn memory_plan_writes_in_place_and_reuses_without_changing_results() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let x = ramp(10_000, 0.4);
    // exp is a library step; sqrt reads its result at the same index and writes over it
    let in_place = |x: &nf::Array| x.exp().sqrt() * 2.0;
    // the reversed read cannot be in place but reuses the dead result of the first exp
    let reuse = |x: &nf::Array| {
        let b = x.exp().sqrt().exp();
        b.slice(numfuse::s![..;-1]) - &b
    };
    for (f, wanted) in [
        (
            &in_place as &dyn Fn(&nf::Array) -> nf::Array,
            "1 kernels in place",
        ),
        (&reuse, "1 buffers reused"),
    ] {
        let jit = f(&x).eval().to_vec::<f64>().unwrap();
        let reference = nf::with_mode(nf::Mode::Interpret, || {
            f(&x).eval().to_vec::<f64>().unwrap()
        });
        for (i, (a, b)) in jit.iter().zip(&reference).enumerate() {
            assert!(
                (a - b).abs() <= 1e-13 * b.abs().max(1.0),
                "[{i}]: jit {a} vs interpreter {b}"
            );
        }
        let report = f(&x).explain();
        assert!(report.contains(wanted), "{report}");
        let dot = f(&x).explain_dot();
        assert!(
            dot.contains("subgraph cluster_") && dot.ends_with("}\n"),
            "{dot}"
        );
        assert!(
            dot.contains("in place over") || dot.contains("reuses"),
            "{dot}"
        );
    }
    // the input array is never written
    assert_eq!(x.to_vec::<f64>(), ramp(10_000, 0.4).to_vec::<f64>());
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn zscore_and_softmax_peak_memory_is_one_output() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let x = ramp(64 * 1024, 0.3).reshape([1024, 64]);
    let zscore = (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true));
    for (name, y) in [("softmax", softmax(&x)), ("zscore", zscore)] {
        let report = y.explain();
        let line = report
            .lines()
            .find(|l| l.starts_with("peak of intermediate and output buffers"))
            .unwrap_or_else(|| panic!("{name}: no memory plan\n{report}"));
        let with_plan: usize = line
            .split_whitespace()
            .rev()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}: unreadable peak line {line}"));
        let output = 1024 * 64 * 8;
        // the output plus the per-column statistics of z-score: its packed one-pass sums
        // (2 × 64 values) and the mean and standard deviation made from them
        assert!(
            with_plan <= output + 4 * 64 * 8,
            "{name}: peak {with_plan} bytes above one output\n{report}"
        );
    }
    nf::set_jit_threshold(1 << 15);
}

/// Evaluating an expression of the same structure again (new data, same shapes) reuses its
/// schedule and memory plan, and gives the same answers as planning afresh.
#[test]
fn the_same_graph_is_planned_once() {
    let _g = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    nf::set_jit_threshold(0);
    let run = |phase: f64| softmax(&numfuse_tests::support::ramp(&[37, 129], phase)).eval();
    let first = run(0.1);
    let (hits, _) = numfuse_runtime::exec::plan_cache_counts();
    let again = run(0.1);
    let other = run(0.7);
    let (hits_after, _) = numfuse_runtime::exec::plan_cache_counts();
    assert!(hits_after >= hits + 2, "{hits} → {hits_after}");
    assert_eq!(
        first.to_vec::<f64>().unwrap(),
        again.to_vec::<f64>().unwrap()
    );
    let fresh = nf::with_mode(nf::Mode::Interpret, || {
        softmax(&numfuse_tests::support::ramp(&[37, 129], 0.7)).eval()
    });
    let (a, b) = (
        other.to_vec::<f64>().unwrap(),
        fresh.to_vec::<f64>().unwrap(),
    );
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() <= 4.0 * f64::EPSILON * y.abs(), "{x} vs {y}");
    }
    nf::set_jit_threshold(1 << 15);
}
