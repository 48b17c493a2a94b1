//! The AVX-512 float64 GEMM and the `matmul` kernel against a naive triple loop: odd sizes
//! (partial edge tiles in both directions, several k blocks), transposed and strided operands,
//! and the two-thread row split.

use numfuse_runtime::linalg::avx512::{available, dgemm, View};
use numfuse_runtime::linalg::gemm::matmul;
use numfuse_runtime::NdArray;

fn data(n: usize, seed: f64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i as f64) * 0.7548776662 + seed).fract() - 0.5)
        .collect()
}

fn naive(a: &View, b: &View, m: usize, k: usize, n: usize) -> Vec<f64> {
    let at = |v: &View, i: usize, j: usize| {
        v.data[(v.off + i as isize * v.rs + j as isize * v.cs) as usize]
    };
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            c[i * n + j] = (0..k).map(|p| at(a, i, p) * at(b, p, j)).sum();
        }
    }
    c
}

#[test]
fn avx512_dgemm_matches_naive() {
    if !available() {
        eprintln!("no AVX-512F: skipped");
        return;
    }
    for &(m, k, n) in &[
        (1, 1, 1),
        (13, 7, 17),
        (40, 300, 33),
        (97, 513, 65),
        (25, 0, 3),
    ] {
        let (ad, bd) = (data(m * k, 0.1), data(k * n, 0.2));
        let a = View {
            data: &ad,
            off: 0,
            rs: k as isize,
            cs: 1,
        };
        let b = View {
            data: &bd,
            off: 0,
            rs: n as isize,
            cs: 1,
        };
        let mut c = vec![f64::NAN; m * n];
        assert!(dgemm(a, b, m, k, n, &mut c));
        let want = naive(&a, &b, m, k, n);
        for (g, w) in c.iter().zip(&want) {
            assert!(
                (g - w).abs() <= 1e-12 * (1.0 + w.abs()),
                "{m}x{k}x{n}: {g} vs {w}"
            );
        }
        // transposed A (column-major) and B read backwards along its rows
        let at = View {
            data: &ad,
            off: 0,
            rs: 1,
            cs: m as isize,
        };
        let bt = View {
            data: &bd,
            off: (n as isize - 1).max(0),
            rs: n as isize,
            cs: -1,
        };
        let mut c2 = vec![0.0; m * n];
        assert!(dgemm(at, bt, m, k, n, &mut c2));
        let want2 = naive(&at, &bt, m, k, n);
        for (g, w) in c2.iter().zip(&want2) {
            assert!((g - w).abs() <= 1e-12 * (1.0 + w.abs()));
        }
    }
}

#[test]
fn large_matmul_takes_the_fast_path_and_matches() {
    let (m, k, n) = (130, 260, 120);
    let a = NdArray::from_vec([m, k], data(m * k, 0.3)).unwrap();
    let b = NdArray::from_vec([n, k], data(n * k, 0.4)).unwrap();
    let c = matmul(&a, &b.t()).unwrap();
    let (av, bv) = (a.to_vec::<f64>().unwrap(), b.to_vec::<f64>().unwrap());
    let cv = c.to_vec::<f64>().unwrap();
    for i in (0..m).step_by(7) {
        for j in (0..n).step_by(5) {
            let w: f64 = (0..k).map(|p| av[i * k + p] * bv[j * k + p]).sum();
            assert!((cv[i * n + j] - w).abs() <= 1e-12 * (1.0 + w.abs()));
        }
    }
}
