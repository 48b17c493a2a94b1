//! One-pass variances (`optimizer/src/moments.rs`, `runtime/src/moments.rs`): in `Mode::Lazy`
//! the two sums of a variance over leading axes of a large float array become one `moments`
//! library step. Checked: the rewrite is taken for `var`, `std` and z-scores over leading
//! axes (one and two of them, float64 and float32, `ddof`, `keepdims`) and not where it does
//! not pay or does not apply (trailing axes, small arrays, many kept elements, a mean that
//! is not the sum's); the sums agree with the interpreter's two-pass formula within rounding;
//! the variance stays accurate for data whose mean is 10⁸ times its spread (against an exact
//! integer reference); NaN and infinities propagate per column; 1 and 2 threads give the
//! same bits.

use numfuse as nf;
use numfuse_tests::support::{bits, matches_interpreter, ramp};

/// An expression of the test array.
type Expr = fn(&nf::Array) -> nf::Array;

fn fused(y: &nf::Array) -> bool {
    y.explain().contains("library moments")
}

/// A `(rows, cols)` float64 array `offset + ramp`.
fn data(rows: usize, cols: usize, offset: f64) -> nf::Array {
    ramp(&[rows, cols], 0.37) * 3.0 + offset
}

#[test]
fn variances_over_leading_axes_fuse_and_match_the_interpreter() {
    let x = data(100_000, 8, 5.0);
    let cases: [(&str, Expr); 5] = [
        ("var axis 0", |x| x.var(nf::axis(0))),
        ("std axis 0 ddof 1", |x| x.std(nf::axis(0).ddof(1))),
        ("z-score", |x| {
            (x - x.mean(nf::axis(0))) / x.std(nf::axis(0))
        }),
        ("keepdims", |x| x.var(nf::axis(0).keepdims(true))),
        ("float32", |x| x.astype(nf::float32).var(nf::axis(0))),
    ];
    for (name, f) in cases {
        assert!(fused(&f(&x)), "{name}: not fused");
        matches_interpreter(name, &x, f);
    }
    // row counts whose last block ends inside a group of four vectors and inside a vector
    for (rows, cols) in [(100_003, 8), (100_005, 2), (100_001, 1)] {
        let odd = data(rows, cols, 3.0);
        let f = |x: &nf::Array| x.std(nf::axis(0));
        assert!(fused(&f(&odd)), "{rows}x{cols}: not fused");
        matches_interpreter(&format!("std of {rows}x{cols}"), &odd, f);
    }
    let cube = ramp(&[300, 250, 3], 0.1) + 2.0;
    let two_axes = |x: &nf::Array| x.var(nf::axis([0, 1]));
    assert!(fused(&two_axes(&cube)));
    matches_interpreter("var over axes (0, 1)", &cube, two_axes);
    // a transposed, a stepped and a reversed view of an input
    let wide = ramp(&[6, 80_000], 0.4) * 2.0 + 1.0;
    let views: [(&str, Expr); 3] = [
        ("transposed", |w| w.t().var(nf::axis(0))),
        ("stepped rows", |w| {
            w.t().slice(nf::s![..;3]).std(nf::axis(0))
        }),
        ("reversed rows", |w| {
            w.t().slice(nf::s![..;-1]).var(nf::axis(0))
        }),
    ];
    for (name, f) in views {
        assert!(fused(&f(&wide)), "{name}: not fused");
        matches_interpreter(name, &wide, f);
    }
    let flat = ramp(&[1 << 17], 0.2);
    let full = |x: &nf::Array| x.std(nf::axis(None));
    assert!(fused(&full(&flat)));
    matches_interpreter("std of a 1-d array", &flat, full);
}

#[test]
fn the_rewrite_is_not_taken_where_it_does_not_apply() {
    let x = data(100_000, 8, 1.0);
    assert!(!fused(&x.var(nf::axis(1))), "trailing axis");
    assert!(!fused(&data(1000, 8, 1.0).var(nf::axis(0))), "small array");
    assert!(
        !fused(&data(200, 1024, 1.0).var(nf::axis(0))),
        "too many kept"
    );
    // a centre that is not the mean of the same sum
    let shifted = || {
        let m = x.sum(nf::axis(0)) / 99_999.0;
        ((&x - m).square()).sum(nf::axis(0))
    };
    assert!(!fused(&shifted()));
    // the interpreter and eager mode never see the node
    let v = || x.var(nf::axis(0));
    assert!(!nf::with_mode(nf::Mode::Eager, || fused(&v())));
}

#[test]
fn variance_is_accurate_when_the_mean_dwarfs_the_spread() {
    // x = 1e8 + j / 1024 with integer j in [-2048, 2048): exact in float64, and the exact
    // variance follows from integer sums. Columns: two scrambled, a saw tooth, and a
    // monotone ramp (block means far apart: the between-block term dominates)
    let (rows, cols) = (200_000usize, 4usize);
    let j_at = |r: i64, c: i64| match c {
        0 | 1 => ((r * 4 + c) * 7919 + (r * 4 + c) / 3 * 104_729) % 4096 - 2048,
        2 => r % 4096 - 2048,
        _ => r * 4096 / rows as i64 - 2048,
    };
    let js: Vec<i64> = (0..rows * cols)
        .map(|i| j_at((i / cols) as i64, (i % cols) as i64))
        .collect();
    let v: Vec<f64> = js.iter().map(|&j| 1e8 + j as f64 / 1024.0).collect();
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec(vec![rows, cols], v).unwrap());
    let got = x.var(nf::axis(0)).to_vec::<f64>();
    let two_pass = nf::with_mode(nf::Mode::Interpret, || x.var(nf::axis(0)).to_vec::<f64>());
    for c in 0..cols {
        let col = || js.iter().skip(c).step_by(cols).map(|&j| j as i128);
        let (n, s, q) = (
            rows as i128,
            col().sum::<i128>(),
            col().map(|j| j * j).sum::<i128>(),
        );
        // var = (n q − s²) / (n² 1024²)
        let exact = (n * q - s * s) as f64 / (n * n) as f64 / (1024.0 * 1024.0);
        let err = |v: f64| (v - exact).abs() / exact;
        // within a few roundings, and no worse than the two-pass formula's error
        assert!(err(got[c]) < 1e-15, "column {c}: {} vs {exact}", got[c]);
        assert!(
            err(got[c]) <= err(two_pass[c]).max(f64::EPSILON),
            "column {c}"
        );
    }
}

#[test]
fn nan_and_infinity_stay_in_their_column() {
    let base = data(70_000, 4, 0.0).to_vec::<f64>();
    let mut v = base.clone();
    v[4 * 123 + 1] = f64::NAN;
    v[4 * 60_000 + 2] = f64::INFINITY;
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec(vec![70_000, 4], v).unwrap());
    let y = x.var(nf::axis(0));
    assert!(fused(&y));
    let got = y.to_vec::<f64>();
    assert!(got[0].is_finite() && got[3].is_finite());
    assert!(got[1].is_nan() && got[2].is_nan());
}

#[test]
fn one_and_two_threads_agree_bitwise() {
    let x = data(300_001, 3, 7.0);
    let z = || (&x - x.mean(nf::axis(0))) / x.std(nf::axis(0));
    let two = bits(&z());
    nf::set_max_threads(1);
    let one = bits(&z());
    nf::set_max_threads(2);
    assert_eq!(one, two);
}
