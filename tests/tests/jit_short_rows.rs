//! Reductions whose outputs each fold only a few points (at most 6) while there are many
//! outputs along the innermost kept dimension — pairwise distances fold 3 coordinates per
//! pair. They run in outer order with vectors across the outputs: strided inputs gathered lane
//! by lane, the init and epilogue passes in vectors too. Checked: the path is taken; results
//! are bitwise a sequential fold from the identity; integer lanes of every width, NaN,
//! epilogues with contiguous, broadcast and strided operands, tails around the vector widths;
//! the interpreter agrees; the thread count does not matter.

use numfuse as nf;
use numfuse_tests::support::{bits, matches_interpreter as check, ramp};

/// Row `i` of a C-ordered `rows × width` matrix folded left to right from `init`.
fn row_fold(v: &[f64], width: usize, i: usize, init: f64, f: fn(f64, f64) -> f64) -> f64 {
    v[i * width..(i + 1) * width]
        .iter()
        .fold(init, |a, &x| f(a, x))
}

/// `x` evaluated, so kernels reading it load it instead of fusing its producer.
fn materialized(x: nf::Array) -> nf::Array {
    nf::Array::from_ndarray(&x.eval())
}

fn takes_outer_order(y: &nf::Array) -> bool {
    y.explain().contains("order=reduced-outer")
}

#[test]
fn short_rows_fold_in_order_across_vectors() {
    nf::set_jit_threshold(0);
    for rows in [64, 65, 67, 130, 257] {
        for width in 1..=6 {
            let x = ramp(&[rows, width], 0.1 * width as f64);
            let v = x.to_vec::<f64>();
            let sum = x.sum(-1);
            if width > 1 {
                assert!(
                    takes_outer_order(&sum),
                    "({rows}, {width}) not in outer order"
                );
            }
            let want: Vec<u64> = (0..rows)
                .map(|i| row_fold(&v, width, i, 0.0, |a, b| a + b).to_bits())
                .collect();
            assert_eq!(bits(&sum), want, "sum over ({rows}, {width})");
            let want: Vec<u64> = (0..rows)
                .map(|i| row_fold(&v, width, i, f64::NEG_INFINITY, f64::max).to_bits())
                .collect();
            assert_eq!(bits(&x.max(-1)), want, "max over ({rows}, {width})");
            let x32 = materialized(x.astype(nf::float32));
            let v32 = x32.to_vec::<f32>();
            let want: Vec<u64> = (0..rows)
                .map(|i| {
                    let s = v32[i * width..(i + 1) * width]
                        .iter()
                        .fold(0f32, |a, &b| a + b);
                    (s as f64).to_bits()
                })
                .collect();
            assert_eq!(
                bits(&materialized(x32.sum(-1))),
                want,
                "float32 sum over ({rows}, {width})"
            );
        }
    }
}

#[test]
fn rows_of_seven_or_more_keep_the_inner_order() {
    nf::set_jit_threshold(0);
    for width in [7, 8, 9] {
        let x = ramp(&[130, width], 0.2);
        assert!(!takes_outer_order(&x.sum(-1)), "width {width}");
        check("sum", &x, |x| x.sum(-1));
        check("max", &x, |x| x.max(-1));
    }
}

#[test]
fn pairwise_distances_equal_a_naive_loop() {
    nf::set_jit_threshold(0);
    for (n, m) in [(5, 64), (7, 131), (33, 200)] {
        let a = ramp(&[n, 3], 0.7);
        let b = ramp(&[m, 3], 0.8);
        let d = a.slice(nf::s![.., newaxis, ..]) - b.slice(nf::s![newaxis, .., ..]);
        let dist = (&d * &d).sum(-1).sqrt();
        assert!(takes_outer_order(&dist));
        let (va, vb) = (a.to_vec::<f64>(), b.to_vec::<f64>());
        let want: Vec<u64> = (0..n * m)
            .map(|ij| {
                let (i, j) = (ij / m, ij % m);
                let s = (0..3).fold(0.0, |s, k| {
                    let t = va[3 * i + k] - vb[3 * j + k];
                    s + t * t
                });
                s.sqrt().to_bits()
            })
            .collect();
        assert_eq!(bits(&dist), want, "pairwise ({n}, {m})");
        let a32 = materialized(a.astype(nf::float32));
        let b32 = materialized(b.astype(nf::float32));
        let d = a32.slice(nf::s![.., newaxis, ..]) - b32.slice(nf::s![newaxis, .., ..]);
        let got = (&d * &d).sum(-1).sqrt();
        let reference = nf::with_mode(nf::Mode::Interpret, || {
            (&d * &d).sum(-1).sqrt().to_vec::<f32>()
        });
        let close = got
            .to_vec::<f32>()
            .iter()
            .zip(reference)
            .all(|(g, r)| (g - r).abs() <= 4.0 * f32::EPSILON * r.abs());
        assert!(close, "float32 pairwise ({n}, {m})");
    }
}

#[test]
fn integer_lanes_nan_and_epilogues_match_the_interpreter() {
    nf::set_jit_threshold(0);
    let x = ramp(&[131, 5], 0.4);
    for dt in [
        nf::int8,
        nf::uint8,
        nf::int16,
        nf::int32,
        nf::int64,
        nf::uint16,
    ] {
        let xi = materialized((&x * 100.0).astype(dt));
        assert!(takes_outer_order(&xi.sum(-1)));
        check("int sum", &xi, |x| x.sum(-1));
        check("int max", &xi, |x| x.max(-1));
        check("int min", &xi, |x| x.min(-1));
    }
    let mut v = x.to_vec::<f64>();
    v[70 * 5 + 3] = f64::NAN;
    v[71 * 5] = f64::NAN;
    let xn = nf::Array::from_ndarray(&nf::NdArray::from_vec([131, 5], v).unwrap());
    check("max with NaN", &xn, |x| x.max(-1));
    check("min with NaN", &xn, |x| x.min(-1));
    check("sum with NaN", &xn, |x| x.sum(-1));
    check("mean", &x, |x| x.mean(-1));
    check("std", &x, |x| x.std(-1));
    check("scaled by a vector", &x, |x| x.sum(-1) * ramp(&[131], 0.3));
    check("scaled by a strided vector", &x, |x| {
        x.sum(-1) / (ramp(&[262], 0.3).slice(nf::s![..;2]) + 2.0)
    });
    check("reversed, then divided by a broadcast", &x, |x| {
        x.slice(nf::s![..;-1, ..]).sum(-1) / ramp(&[1], 0.5)
    });
    check("transposed input", &x, |x| x.t().sum(0));
    check("every other row", &x, |x| {
        x.slice(nf::s![..;2, ..]).prod(-1)
    });
    check(
        "3-d, two short reduced axes",
        &ramp(&[9, 70, 2, 3], 0.6),
        |x| x.sum(nf::axis([2, 3])),
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    nf::set_jit_threshold(0);
    let a = ramp(&[600, 3], 0.7);
    let b = ramp(&[700, 3], 0.8);
    let dist = || {
        let d = a.slice(nf::s![.., newaxis, ..]) - b.slice(nf::s![newaxis, .., ..]);
        (&d * &d).sum(-1).sqrt()
    };
    let two = bits(&dist());
    nf::set_max_threads(1);
    let one = bits(&dist());
    nf::set_max_threads(2);
    assert_eq!(one, two);
}
