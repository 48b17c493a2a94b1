//! Square roots of large reduction results (pairwise distances, row norms) run as the
//! AVX-512 vector-math `sqrt` inside a row-blocked segment when the CPU has AVX-512 (the JIT's
//! 128-bit `sqrtpd` is several times slower there), and as the JIT's epilogue otherwise, or
//! where no segment can hold them. Either way the result is the correctly rounded square root
//! of the same sums: checked bitwise against the sums evaluated alone and rooted by the
//! interpreter, for float64 and float32, on 1 and 2 threads.

use numfuse as nf;
use numfuse_tests::support::{bits, ramp};

fn vmath_is_avx512() -> bool {
    use numfuse_codegen::vmath::Level;
    Level::current() == Level::Avx512
}

/// `sqrt(sum(d²))` of pairwise differences, and the sums alone.
fn pairwise(a: &nf::Array, b: &nf::Array) -> (nf::Array, nf::Array) {
    let d = a.slice(numfuse::s![.., newaxis, ..]) - b.slice(numfuse::s![newaxis, .., ..]);
    let s = (&d * &d).sum(-1);
    (s.sqrt(), s)
}

/// The sums evaluated on their own (compiled), then rooted by the interpreter.
fn rooted_alone(s: &nf::Array) -> Vec<u64> {
    let s = nf::Array::from_ndarray(&s.eval());
    nf::with_mode(nf::Mode::Interpret, || bits(&s.sqrt()))
}

#[test]
fn pairwise_roots_run_in_the_segment_with_the_same_bits() {
    nf::set_jit_threshold(0);
    for dtype in [nf::float64, nf::float32] {
        let a = ramp(&[300, 3], 0.1).astype(dtype);
        let b = ramp(&[290, 3], 0.7).astype(dtype);
        let (y, s) = pairwise(&a, &b);
        let report = y.explain();
        if vmath_is_avx512() {
            assert!(report.contains("library sqrt"), "{report}");
            assert!(report.contains("segment: steps"), "{report}");
        } else {
            assert!(!report.contains("library sqrt"), "{report}");
        }
        let want = rooted_alone(&s);
        for threads in [1, 2] {
            nf::set_max_threads(threads);
            assert_eq!(bits(&y), want, "{dtype} on {threads} thread(s)");
        }
    }
}

#[test]
fn roots_no_segment_can_hold_stay_compiled() {
    nf::set_jit_threshold(0);
    // rows of 40000 · 8 bytes per leading index are too wide to block: the root is scheduled
    // again as the reduction kernel's epilogue
    let x = ramp(&[2, 40000, 3], 0.3);
    let s = (&x * &x).sum(-1);
    let y = s.sqrt();
    let report = y.explain();
    assert!(!report.contains("library sqrt"), "{report}");
    assert!(
        !report.contains("step 1:"),
        "one kernel with the root fused: {report}"
    );
    assert_eq!(bits(&y), rooted_alone(&s));
    // too small to pay for a library step
    let (y, s) = pairwise(&ramp(&[100, 3], 0.2), &ramp(&[100, 3], 0.4));
    assert!(!y.explain().contains("library sqrt"));
    assert_eq!(bits(&y), rooted_alone(&s));
}

#[test]
fn roots_of_leading_axis_reductions_run_in_blocks_too() {
    nf::set_jit_threshold(0);
    let x = ramp(&[3, 70000], 0.3);
    let s = (&x * &x).sum(0);
    let y = s.sqrt();
    assert_eq!(
        y.explain().contains("library sqrt"),
        vmath_is_avx512(),
        "{}",
        y.explain()
    );
    assert_eq!(bits(&y), rooted_alone(&s));
}

#[test]
fn roots_of_integer_sums_are_unaffected() {
    nf::set_jit_threshold(0);
    // sqrt of an int64 sum computes in float64 through a cast: no plain block step, compiled
    let x = (ramp(&[300, 290], 0.5) * 100.0).astype(nf::int64);
    numfuse_tests::support::matches_interpreter("int sums", &x, |x| {
        (x * x).reshape([300, 290, 1]).sum(-1).sqrt()
    });
    let s = (&x * &x).reshape([300, 290, 1]).sum(-1);
    assert_eq!(bits(&s.sqrt()), rooted_alone(&s));
}
