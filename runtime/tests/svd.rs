//! `decomp::svd` identities on tall, square, wide and rank-deficient matrices, thin and full:
//! `U·S·Vh = A`, orthonormal factors, descending non-negative singular values, and
//! `svdvals` equal to the `S` of the decomposition.

use numfuse_runtime::linalg::decomp;

mod common;
use common::random;

/// `x (r × c)ᵀ · x`, the Gram matrix of the columns, row major.
fn gram_cols(x: &[f64], r: usize, c: usize) -> Vec<f64> {
    let mut g = vec![0.0; c * c];
    for i in 0..c {
        for j in 0..c {
            g[i * c + j] = (0..r).map(|t| x[t * c + i] * x[t * c + j]).sum();
        }
    }
    g
}

fn assert_identity(g: &[f64], k: usize, what: &str) {
    for i in 0..k {
        for j in 0..k {
            let want = if i == j { 1.0 } else { 0.0 };
            assert!(
                (g[i * k + j] - want).abs() < 1e-12,
                "{what} ({i},{j}) {}",
                g[i * k + j]
            );
        }
    }
}

fn check(a: &[f64], m: usize, n: usize) {
    let k = m.min(n);
    let scale = a.iter().fold(1.0f64, |x, v| x.max(v.abs()));
    for full in [false, true] {
        let (um, vn) = if full { (m, n) } else { (k, k) };
        let out = decomp::svd(a, m, n, full, true).unwrap();
        assert_eq!(out.len(), m * um + k + vn * n);
        let (u, rest) = out.split_at(m * um);
        let (s, vh) = rest.split_at(k);
        assert!(s.windows(2).all(|w| w[0] >= w[1]) && s.iter().all(|&x| x >= 0.0));
        // U (m × um) has orthonormal columns, Vh (vn × n) orthonormal rows
        assert_identity(&gram_cols(u, m, um), um, "UᵀU");
        let mut v = vec![0.0; n * vn];
        for i in 0..vn {
            for j in 0..n {
                v[j * vn + i] = vh[i * n + j];
            }
        }
        assert_identity(&gram_cols(&v, n, vn), vn, "VhVhᵀ");
        for i in 0..m {
            for j in 0..n {
                let r: f64 = (0..k).map(|t| u[i * um + t] * s[t] * vh[t * n + j]).sum();
                assert!(
                    (r - a[i * n + j]).abs() < 1e-12 * scale * k as f64,
                    "{m}x{n} full={full} ({i},{j})"
                );
            }
        }
        let vals = decomp::svd(a, m, n, full, false).unwrap();
        for (x, y) in vals.iter().zip(s) {
            assert!((x - y).abs() < 1e-12 * s[0].max(1.0), "svdvals {x} vs {y}");
        }
    }
}

#[test]
fn tall_square_and_wide() {
    for (m, n) in [
        (500, 50),
        (9, 3),
        (40, 40),
        (1, 1),
        (3, 9),
        (20, 60),
        (60, 20),
        (7, 1),
    ] {
        check(&random(m, n, (m * 131 + n) as u64), m, n);
    }
}

#[test]
fn rank_deficient() {
    // rank 2: the sum of two outer products
    let (m, n) = (40, 10);
    let (p, q) = (random(m, 2, 1), random(2, n, 2));
    let mut a = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            a[i * n + j] = p[i * 2] * q[j] + p[i * 2 + 1] * q[n + j];
        }
    }
    check(&a, m, n);
    let s = decomp::svd(&a, m, n, false, false).unwrap();
    assert!(s[2] < 1e-13 * s[0], "{s:?}");
    // all zeros, and a zero column in a tall matrix
    check(&[0.0; 12], 4, 3);
    let mut b = random(30, 6, 9);
    for i in 0..30 {
        b[i * 6 + 2] = 0.0;
    }
    check(&b, 30, 6);
}
