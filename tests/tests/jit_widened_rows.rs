//! Elementwise kernels over short rows with a row broadcast down them — `(x − m) / s` with
//! `(1, n)` statistics — run with `k` rows grouped into one loop run of `k · n` elements and
//! the broadcast rows copied into tiles (`runtime/src/exec/widen.rs`). Checked: the grouping
//! is taken where it applies and not where it cannot be exact (rows that are not one flat
//! run, broadcasts that vary down the outer dimensions, column broadcasts); results are
//! bitwise the interpreter's for every row width below and at the limit, row counts around
//! the group size (leftover rows), reversed and stepped broadcast rows, scalars, casts,
//! comparisons and integer dtypes; the thread count does not matter.

use numfuse as nf;
use numfuse::s;
use numfuse_tests::support::{bits, ramp};

/// A named expression, rebuilt on each call.
type Case<'a> = (&'a str, Box<dyn Fn() -> nf::Array + 'a>);

fn grouped(y: &nf::Array) -> bool {
    y.explain().contains("rows grouped by")
}

/// `y` compiled equals `y` interpreted, bit for bit.
fn same_bits(name: &str, y: impl Fn() -> nf::Array) {
    let got = bits(&y());
    let want = nf::with_mode(nf::Mode::Interpret, || bits(&y()));
    assert_eq!(got, want, "{name}");
}

#[test]
fn short_rows_with_broadcast_rows_are_grouped_and_exact() {
    nf::set_jit_threshold(0);
    for n in 1..=33usize {
        for rows in [1, 2, 7, 255, 256, 257, 600, 1031] {
            let x = ramp(&[rows, n], 0.3);
            let m = ramp(&[1, n], 0.7);
            let s = ramp(&[n], 0.1).abs() + 0.25;
            let y = || (&x - &m) / &s;
            same_bits(&format!("(x - m) / s over ({rows}, {n})"), y);
            // k = ⌈256 / n⌉ rows per group; grouping needs two groups and rows under 32
            let k = 256usize.div_ceil(n);
            let expect = (2..32).contains(&n) && rows >= 2 * k; // n = 1: one flat loop already
            assert_eq!(grouped(&y()), expect, "grouping of ({rows}, {n})");
        }
    }
}

#[test]
fn broadcast_rows_of_any_stride_scalars_and_dtypes() {
    nf::set_jit_threshold(0);
    let x = ramp(&[1000, 8], 0.2);
    let wide = ramp(&[16], 0.9);
    let reversed = || wide.slice(s![7..;-1]); // 8 elements, stride −1
    let stepped = || wide.slice(s![..;2]); // 8 elements, stride 2
    let cases: Vec<Case> = vec![
        ("reversed row", Box::new(|| &x / reversed())),
        ("stepped row", Box::new(|| &x * stepped() - 0.5)),
        ("scalar and row", Box::new(|| (&x * 3.0 + stepped()) / 7.0)),
        ("comparison", Box::new(|| x.gt(stepped()))),
        (
            "int32 rows",
            Box::new(|| (&x * 100.0).astype(nf::int32) * reversed().astype(nf::int32)),
        ),
        (
            "cast float32",
            Box::new(|| x.astype(nf::float32) - stepped().astype(nf::float32)),
        ),
        (
            "int64 wraps",
            Box::new(|| (&x * 1e18).astype(nf::int64) + (stepped() * 1e18).astype(nf::int64)),
        ),
    ];
    for (name, y) in &cases {
        same_bits(name, y);
        assert!(grouped(&y()), "{name} not grouped");
    }
}

#[test]
fn layouts_that_cannot_be_grouped_run_as_before() {
    nf::set_jit_threshold(0);
    let x = ramp(&[1000, 8], 0.2);
    let col = ramp(&[1000, 1], 0.4);
    let xt = ramp(&[8, 1000], 0.6);
    let cube = ramp(&[4, 500, 8], 0.1);
    let per_plane = ramp(&[4, 1, 8], 0.5);
    let cases: Vec<Case> = vec![
        // a column broadcast varies within a group of rows
        ("column broadcast", Box::new(|| &x - &col)),
        // rows of a transposed view are not one flat run
        (
            "transposed rows",
            Box::new(|| xt.transpose() - ramp(&[8], 0.3)),
        ),
        // the broadcast row differs from plane to plane
        ("per-plane rows", Box::new(|| &cube / &per_plane)),
    ];
    for (name, y) in &cases {
        same_bits(name, y);
        assert!(!grouped(&y()), "{name} grouped");
    }
    // one row for the whole cube: the outer dimensions merge and the rows are grouped
    let y = || &cube - ramp(&[8], 0.3);
    same_bits("cube with one row", y);
    assert!(grouped(&y()));
}

#[test]
fn grouping_does_not_depend_on_the_thread_count() {
    nf::set_jit_threshold(0);
    let x = ramp(&[300_001, 8], 0.2);
    let m = ramp(&[1, 8], 0.4);
    let run = |threads| {
        nf::set_max_threads(threads);
        let v = bits(&((&x - &m) / (&m + 2.0)));
        nf::set_max_threads(2);
        v
    };
    assert_eq!(run(1), run(2));
}
