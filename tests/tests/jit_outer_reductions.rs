//! Reductions over leading axes (the outer-order kernels with register accumulators walked in
//! blocks of rows): bitwise equal to a naive sequential loop — NumPy's order for such axes —
//! for row counts around the block size and column counts around the vector group widths;
//! equal to the interpreter (bitwise for exact folds, within rounding for float sums) over
//! float and integer dtypes, NaN, several reduced and kept axes and views, and in row chunks
//! when the kept dimension is narrow and the input large; and independent of the thread count.

use numfuse as nf;
use numfuse_tests::support::{bits, matches_interpreter as check, ramp};

/// Builds the expression under test from its input.
type Build = fn(&nf::Array) -> nf::Array;

type Case = (&'static str, fn(&nf::Array) -> nf::Array);

const CASES: [Case; 7] = [
    ("sum", |x| x.sum(0)),
    ("mean keepdims", |x| x.mean(nf::axis(0).keepdims(true))),
    ("std", |x| x.std(0)),
    ("max", |x| x.max(0)),
    ("min of squares", |x| (x * x).min(0)),
    ("prod", |x| (x * 0.5 + 1.0).prod(0)),
    ("float32 sum", |x| x.astype(nf::float32).sum(0)),
];

/// A fold under test: name, compiled result, identity and the scalar step.
type Fold = (&'static str, nf::Array, f64, fn(f64, f64) -> f64);

/// Column `j` of a C-ordered `rows × cols` matrix folded in row order.
fn sequential(v: &[f64], cols: usize, j: usize, init: f64, f: fn(f64, f64) -> f64) -> f64 {
    v.iter().skip(j).step_by(cols).fold(init, |a, &x| f(a, x))
}

#[test]
fn leading_axis_folds_run_in_row_order() {
    nf::set_jit_threshold(0);
    for rows in [1, 2, 63, 64, 65, 130] {
        for cols in [2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33] {
            let x = ramp(&[rows, cols], 0.1 * cols as f64);
            let v = x.to_vec::<f64>();
            let folds: [Fold; 3] = [
                ("sum", x.sum(0), 0.0, |a, b| a + b),
                ("max", x.max(0), f64::NEG_INFINITY, f64::max),
                ("prod", (&x * 0.5 + 1.0).prod(0), 1.0, |a, b| {
                    a * (b * 0.5 + 1.0)
                }),
            ];
            for (name, got, init, f) in folds {
                let want: Vec<u64> = (0..cols)
                    .map(|j| sequential(&v, cols, j, init, f).to_bits())
                    .collect();
                assert_eq!(bits(&got), want, "{name} over ({rows}, {cols})");
            }
            let x32 = x.astype(nf::float32);
            let v32 = x32.to_vec::<f32>();
            let want: Vec<u64> = (0..cols)
                .map(|j| {
                    let s = v32.iter().skip(j).step_by(cols).fold(0f32, |a, &b| a + b);
                    (s as f64).to_bits()
                })
                .collect();
            assert_eq!(bits(&x32.sum(0)), want, "float32 sum over ({rows}, {cols})");
        }
    }
}

#[test]
fn leading_axis_reductions_match_the_interpreter() {
    nf::set_jit_threshold(0);
    for rows in [1, 2, 63, 64, 65, 130] {
        for cols in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33] {
            let x = ramp(&[rows, cols], 0.1 * cols as f64);
            for (name, f) in CASES {
                check(name, &x, f);
            }
        }
    }
}

#[test]
fn integer_and_nan_columns_match_the_interpreter() {
    nf::set_jit_threshold(0);
    let x = ramp(&[129, 11], 0.4);
    let mut v = x.to_vec::<f64>();
    v[70 * 11 + 3] = f64::NAN;
    let xn = nf::Array::from_ndarray(&nf::NdArray::from_vec([129, 11], v).unwrap());
    check("max with NaN", &xn, |x| x.max(0));
    check("sum with NaN", &xn, |x| x.sum(0));
    for dt in [nf::int8, nf::int32, nf::int64, nf::uint16] {
        let xi = (&x * 100.0).astype(dt);
        check("int sum", &xi, |x| x.sum(0));
        check("int max", &xi, |x| x.max(0));
        check("int min", &xi, |x| x.min(0));
    }
}

#[test]
fn several_reduced_and_kept_axes_and_views() {
    nf::set_jit_threshold(0);
    let x = ramp(&[70, 5, 9], 0.2);
    check("axes (0, 1)", &x, |x| x.sum(nf::axis([0, 1])));
    check("middle axis", &x, |x| x.sum(1));
    check("axis 0 of 3-d", &x, |x| x.max(0));
    check("transposed rows", &x, |x| x.t().sum(2));
    check("reversed rows", &x, |x| {
        x.slice(numfuse::s![..;-1, .., ..]).sum(0)
    });
    check("every other column", &x, |x| {
        x.slice(numfuse::s![.., .., ..;2]).sum(0)
    });
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    nf::set_jit_threshold(0);
    let big = ramp(&[200_003, 8], 0.7); // above 2^20 elements: split into row chunks
    let zscore = |x: &nf::Array| {
        (x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true))
    };
    check("z-score sized", &big, zscore);
    let two = bits(&zscore(&big));
    nf::set_max_threads(1);
    let one = bits(&zscore(&big));
    nf::set_max_threads(2);
    assert_eq!(one, two);
}

#[test]
fn narrow_leading_axis_reductions_split_into_row_chunks() {
    nf::set_jit_threshold(0);
    let x = ramp(&[131_073, 9], 0.3); // over 2^20 elements, 9 kept columns
    let mut v = x.to_vec::<f64>();
    v[100_000 * 9 + 4] = f64::NAN;
    let xn = nf::Array::from_ndarray(&nf::NdArray::from_vec([131_073, 9], v).unwrap());
    let cube = ramp(&[700, 600, 3], 0.5);
    let cases: [(&str, &nf::Array, Build); 6] = [
        ("sum", &x, |x| x.sum(0)),
        ("std", &x, |x| x.std(0)),
        ("max with NaN", &xn, |x| x.max(0)),
        ("int sum", &x, |x| (x * 1000.0).astype(nf::int32).sum(0)),
        ("float32 mean", &x, |x| x.astype(nf::float32).mean(0)),
        ("two reduced axes", &cube, |x| x.sum(nf::axis([0, 1]))),
    ];
    for (name, x, f) in cases {
        check(name, x, f);
        let two = bits(&f(x));
        nf::set_max_threads(1);
        let one = bits(&f(x));
        nf::set_max_threads(2);
        assert_eq!(one, two, "{name}: 1 vs 2 threads");
    }
}
