//! The blocked LU (`numfuse_runtime::linalg::lu`) against a naive unblocked reference:
//! residuals of solves, `P·A = L·U` reconstruction, the pivot sequence (LAPACK's first
//! largest `|pivot|`), singular detection, and sizes around the leaf and panel widths.

use numfuse_ir::Error;
use numfuse_runtime::linalg::decomp;
use numfuse_runtime::linalg::lu::{Lu, LEAF, NB};

mod common;
use common::random;

/// Unblocked `getf2` (first largest pivot): the factors and pivots, or `None` if singular.
fn naive(a: &[f64], n: usize) -> Option<(Vec<f64>, Vec<usize>)> {
    let mut w = a.to_vec();
    let mut piv = vec![0; n];
    for j in 0..n {
        let mut p = j;
        for i in j + 1..n {
            if w[i * n + j].abs() > w[p * n + j].abs() {
                p = i;
            }
        }
        if w[p * n + j] == 0.0 {
            return None;
        }
        piv[j] = p;
        for c in 0..n {
            w.swap(j * n + c, p * n + c);
        }
        for i in j + 1..n {
            w[i * n + j] /= w[j * n + j];
            for c in j + 1..n {
                w[i * n + c] -= w[i * n + j] * w[j * n + c];
            }
        }
    }
    Some((w, piv))
}

fn sizes() -> Vec<usize> {
    vec![
        1,
        2,
        3,
        LEAF - 1,
        LEAF,
        LEAF + 1,
        63,
        65,
        NB - 1,
        NB,
        NB + 1,
        257,
    ]
}

fn max_residual(a: &[f64], x: &[f64], b: &[f64], n: usize, k: usize) -> f64 {
    let mut r: f64 = 0.0;
    for i in 0..n {
        for c in 0..k {
            let ax: f64 = (0..n).map(|j| a[i * n + j] * x[j * k + c]).sum();
            r = r.max((ax - b[i * k + c]).abs());
        }
    }
    r
}

#[test]
fn solve_residuals_are_small() {
    for n in sizes() {
        for k in [1, 3] {
            let a = random(n, n, n as u64);
            let b = random(n, k, 7 + n as u64);
            let x = decomp::solve(&a, &b, n, k).unwrap();
            let r = max_residual(&a, &x, &b, n, k);
            let xmax = x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            assert!(r <= 1e-12 * n as f64 * xmax, "n={n} k={k} residual {r}");
        }
    }
}

#[test]
fn factors_and_pivots_match_the_unblocked_reference() {
    for n in sizes() {
        let a = random(n, n, 100 + n as u64);
        let lu = Lu::factor(&a, n).unwrap();
        let (w, piv) = naive(&a, n).unwrap();
        assert_eq!(lu.pivots(), &piv[..], "n={n}");
        let f = lu.factors();
        let err = f
            .iter()
            .zip(&w)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(err < 1e-9, "n={n} factor difference {err}");
        // partial pivoting bounds the multipliers
        for i in 0..n {
            for j in 0..i {
                assert!(f[i * n + j].abs() <= 1.0, "n={n} |L[{i},{j}]| > 1");
            }
        }
        // P·A = L·U
        let mut pa = a.clone();
        for (j, &p) in piv.iter().enumerate() {
            for c in 0..n {
                pa.swap(j * n + c, p * n + c);
            }
        }
        for i in 0..n {
            for c in 0..n {
                let s: f64 = (0..=i.min(c))
                    .map(|t| if t == i { 1.0 } else { f[i * n + t] } * f[t * n + c])
                    .sum();
                assert!(
                    (s - pa[i * n + c]).abs() < 1e-12 * n as f64,
                    "n={n} ({i},{c})"
                );
            }
        }
    }
}

#[test]
fn pivoting_is_needed_and_done() {
    // a zero leading entry, and one that is tiny next to the rest of its column
    let a = [0.0, 1.0, 1.0, 0.0];
    assert_eq!(
        decomp::solve(&a, &[2.0, 3.0], 2, 1).unwrap(),
        vec![3.0, 2.0]
    );
    let a = [1e-20, 1.0, 1.0, 1.0];
    let x = decomp::solve(&a, &[1.0, 2.0], 2, 1).unwrap();
    assert!(
        (x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15,
        "{x:?}"
    );
    // a permutation of a triangular matrix, larger than a panel
    let n = NB + 5;
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        let r = (i * 37 + 11) % n;
        for j in 0..=i {
            a[r * n + j] = if i == j { 2.0 } else { 0.5 };
        }
    }
    let b = random(n, 1, 3);
    let x = decomp::solve(&a, &b, n, 1).unwrap();
    assert!(max_residual(&a, &x, &b, n, 1) < 1e-10);
}

#[test]
fn singular_matrices_raise() {
    let is_singular = |r: numfuse_ir::Result<Vec<f64>>| matches!(r, Err(Error::LinAlg(ref m)) if m == "Singular matrix");
    assert!(is_singular(decomp::solve(
        &[1.0, 2.0, 2.0, 4.0],
        &[1.0, 1.0],
        2,
        1
    )));
    assert!(is_singular(decomp::inv(&[0.0; 9], 3)));
    assert!(is_singular(decomp::inv(&[0.0], 1)));
    // a zero column past the first panel
    for n in [LEAF + 3, NB + 7, 257] {
        let mut a = random(n, n, 5);
        let z = n - 3;
        for i in 0..n {
            a[i * n + z] = 0.0;
        }
        assert!(is_singular(decomp::inv(&a, n)), "n={n}");
    }
}

#[test]
fn empty_and_one_by_one() {
    assert!(decomp::solve(&[], &[], 0, 1).unwrap().is_empty());
    assert!(decomp::inv(&[], 0).unwrap().is_empty());
    assert_eq!(
        decomp::solve(&[4.0], &[2.0, 6.0], 1, 2).unwrap(),
        vec![0.5, 1.5]
    );
    assert_eq!(decomp::inv(&[-0.5], 1).unwrap(), vec![-2.0]);
    let lu = Lu::factor(&[], 0).unwrap();
    assert!(lu.inverse().is_empty());
}

#[test]
fn inverse_times_matrix_is_identity() {
    for n in sizes() {
        let a = random(n, n, 40 + n as u64);
        let x = decomp::inv(&a, n).unwrap();
        for i in 0..n {
            for j in 0..n {
                let s: f64 = (0..n).map(|t| a[i * n + t] * x[t * n + j]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((s - want).abs() < 1e-9, "n={n} ({i},{j}) {s}");
            }
        }
    }
}
