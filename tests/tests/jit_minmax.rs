//! Innermost `max`/`min` reductions run one `maxpd`/`minpd` per vector and fall back to the
//! exact NaN-propagating fold for rows holding a NaN: every row length around the unrolled
//! vector width, a NaN (or ±inf) at every position, float32 and float64, agree with the
//! interpreter.

use numfuse as nf;

fn row(n: usize, phase: f64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i as f64) * 0.618_033_988_75 + phase).fract() * 2.0 - 1.0)
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

fn check(v: Vec<f64>, rows: usize) {
    let n = v.len() / rows;
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec([rows, n], v).unwrap());
    for dt in [nf::float64, nf::float32] {
        let xd = x.astype(dt);
        for (name, f) in [
            (
                "max",
                (|a: &nf::Array| a.max(-1)) as fn(&nf::Array) -> nf::Array,
            ),
            ("min", |a| a.min(-1)),
            ("max and min", |a| a.max(-1) - a.min(-1)),
        ] {
            let got = f(&xd).astype(nf::float64).to_vec::<f64>();
            let want = nf::with_mode(nf::Mode::Interpret, || {
                f(&xd).astype(nf::float64).to_vec::<f64>()
            });
            for (r, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    same(*g, *w),
                    "{name} {dt:?} row {r} of length {n}: {g} vs {w}"
                );
            }
        }
    }
}

#[test]
fn nan_anywhere_in_a_row_propagates() {
    nf::set_jit_threshold(0);
    for n in [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65] {
        for special in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            // one row per position of the special value, plus a clean row
            let mut v = Vec::new();
            for pos in 0..=n {
                let mut r = row(n, 0.1 * pos as f64);
                if pos < n {
                    r[pos] = special;
                }
                v.extend(r);
            }
            check(v, n + 1);
        }
    }
}

#[test]
fn long_rows_with_and_without_nan() {
    nf::set_jit_threshold(0);
    let mut v = row(4 * 1000, 0.3);
    v[1000 + 999] = f64::NAN;
    v[2000] = f64::NAN;
    check(v, 4);
}
