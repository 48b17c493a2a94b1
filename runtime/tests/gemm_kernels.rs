//! The AVX-512 GEMM (float32 and float64) and the `matmul` kernel against a naive triple
//! loop: sizes around the tile and block edges in each dimension, `k = 0`, transposed,
//! sliced, broadcast and reversed operands, NaN/Inf propagation, the epilogue, identical
//! bits on one and two threads, and invalid arguments.

use numfuse_ir::SliceAxis;
use numfuse_runtime::linalg::avx512::{available, gemm, Element, Epilogue, MatRef};
use numfuse_runtime::linalg::gemm::matmul;
use numfuse_runtime::NdArray;

fn data(n: usize, seed: f32) -> Vec<f32> {
    (0..n)
        .map(|i| ((i as f32) * 0.754_877_7 + seed).fract() - 0.5)
        .collect()
}

fn at<T: Copy>(v: &MatRef<T>, i: usize, j: usize) -> T {
    v.data[(v.off + i as isize * v.rs + j as isize * v.cs) as usize]
}

/// The naive product in float64 and the sum of |a||b| per element (the error scale).
fn naive<T: Copy + Into<f64>>(a: &MatRef<T>, b: &MatRef<T>) -> (Vec<f64>, Vec<f64>) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let (mut c, mut s) = (vec![0.0; m * n], vec![0.0; m * n]);
    for i in 0..m {
        for j in 0..n {
            for p in 0..k {
                let (x, y): (f64, f64) = (at(a, i, p).into(), at(b, p, j).into());
                c[i * n + j] += x * y;
                s[i * n + j] += (x * y).abs();
            }
        }
    }
    (c, s)
}

fn check<T: Element + Into<f64>>(a: MatRef<T>, b: MatRef<T>, eps: f64, what: &str) {
    let (m, n) = (a.rows, b.cols);
    let mut c = vec![T::default(); m * n];
    assert!(
        gemm(a, b, &mut c, 2, &Epilogue::none()),
        "{what}: did not run"
    );
    let (want, scale) = naive(&a, &b);
    for (idx, (&g, (&w, &s))) in c.iter().zip(want.iter().zip(&scale)).enumerate() {
        let g: f64 = g.into();
        let tol = eps * (a.cols as f64 + 2.0) * s + 1e-300;
        assert!(
            (g - w).abs() <= tol,
            "{what} {m}x{}x{n} [{idx}]: {g} vs {w}",
            a.cols
        );
    }
}

/// Every layout of an `m × k` and a `k × n` operand over the same values: row-major,
/// column-major (transposed), reversed rows or columns, every other column of a wider matrix.
fn layouts<T: Element + From<f32> + Into<f64>>(m: usize, k: usize, n: usize, eps: f64) {
    let (ad, bd): (Vec<T>, Vec<T>) = (
        data(2 * m * k + 2, 0.1).into_iter().map(T::from).collect(),
        data(2 * k * n + 2, 0.2).into_iter().map(T::from).collect(),
    );
    fn view<T>(d: &[T], rows: usize, cols: usize, kind: usize) -> MatRef<'_, T> {
        let (r, c) = (rows as isize, cols as isize);
        let (off, rs, cs) = match kind {
            0 => (0, c, 1),
            1 => (0, 1, r),
            2 => ((r - 1).max(0) * c, -c, 1),
            3 => ((c - 1).max(0), c, -1),
            _ => (1, 2 * c, 2),
        };
        MatRef {
            data: d,
            off,
            rows,
            cols,
            rs,
            cs,
        }
    }
    for (ka, kb) in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 3), (4, 4), (3, 2)] {
        let (a, b) = (view(&ad, m, k, ka), view(&bd, k, n, kb));
        check(a, b, eps, &format!("layouts {ka}/{kb}"));
    }
}

const SIZES: [usize; 11] = [1, 7, 13, 17, 31, 33, 64, 65, 129, 255, 257];

#[test]
fn avx512_matches_naive_across_sizes_and_layouts() {
    if !available() {
        eprintln!("no AVX-512F: skipped");
        return;
    }
    for &s in &SIZES {
        for (m, k, n) in [(s, 19, 23), (21, s, 18), (14, 20, s)] {
            check_both(m, k, n);
        }
    }
    for (m, k, n) in [
        (129, 257, 65),
        (255, 64, 257),
        (40, 600, 33),
        (2, 3, 1),
        (1, 513, 1),
    ] {
        layouts::<f64>(m, k, n, f64::EPSILON);
        layouts::<f32>(m, k, n, f32::EPSILON as f64);
    }
}

fn v<T>(data: &[T], rows: usize, cols: usize) -> MatRef<'_, T> {
    MatRef {
        data,
        off: 0,
        rows,
        cols,
        rs: cols as isize,
        cs: 1,
    }
}

fn check_both(m: usize, k: usize, n: usize) {
    let (ad, bd) = (data(m * k, 0.3), data(k * n, 0.4));
    check(v(&ad, m, k), v(&bd, k, n), f32::EPSILON as f64, "f32");
    let (ad, bd): (Vec<f64>, Vec<f64>) = (
        ad.iter().map(|&x| x as f64).collect(),
        bd.iter().map(|&x| x as f64).collect(),
    );
    check(v(&ad, m, k), v(&bd, k, n), f64::EPSILON, "f64");
}

#[test]
fn k_zero_broadcast_and_invalid_views() {
    if !available() {
        return;
    }
    let d = [1.0f64, 2.0, 3.0];
    let bias = [0.5, -1.0];
    let empty = MatRef {
        data: &d[..],
        off: 0,
        rows: 3,
        cols: 0,
        rs: 0,
        cs: 1,
    };
    let e2 = MatRef {
        rows: 0,
        cols: 2,
        ..empty
    };
    let mut c = [f64::NAN; 6];
    let epi = Epilogue {
        scale: Some(2.0),
        bias: Some(&bias[..]),
        relu: true,
    };
    assert!(gemm(empty, e2, &mut c, 2, &epi));
    assert_eq!(c, [0.5, 0.0, 0.5, 0.0, 0.5, 0.0]);
    // broadcast operands (stride 0): every element is d[1] * d[2] * k
    let a = MatRef {
        data: &d[..],
        off: 1,
        rows: 40,
        cols: 300,
        rs: 0,
        cs: 0,
    };
    let b = MatRef {
        off: 2,
        rows: 300,
        cols: 20,
        ..a
    };
    let mut c = vec![0.0; 800];
    assert!(gemm(a, b, &mut c, 2, &Epilogue::none()));
    assert!(c.iter().all(|&x| x == 1800.0));
    // views reaching outside their data, mismatched shapes: refused, c untouched
    let bad = MatRef { off: 2, rs: 1, ..a };
    let mut c = vec![7.0; 800];
    assert!(!gemm(bad, b, &mut c, 1, &Epilogue::none()));
    assert!(!gemm(
        a,
        MatRef { rows: 299, ..b },
        &mut c,
        1,
        &Epilogue::none()
    ));
    assert!(!gemm(a, b, &mut c[..799], 1, &Epilogue::none()));
    let short = Epilogue {
        bias: Some(&bias[..]),
        ..Epilogue::none()
    };
    assert!(!gemm(a, b, &mut c, 1, &short));
    assert!(c.iter().all(|&x| x == 7.0));
}

#[test]
fn nan_and_inf_propagate_like_a_dot_product() {
    if !available() {
        return;
    }
    let (m, k, n) = (13, 300, 17);
    let mut ad: Vec<f64> = data(m * k, 0.5).into_iter().map(f64::from).collect();
    let mut bd: Vec<f64> = data(k * n, 0.6).into_iter().map(f64::from).collect();
    ad[3 * k + 7] = f64::NAN; // row 3 all NaN
    bd[280 * n + 5] = f64::INFINITY; // column 5: ±Inf, or NaN where row 3 meets it
    bd[10 * n + 16] = f64::INFINITY;
    ad[5 * k + 10] = 0.0; // 0 * Inf = NaN at (5, 16)
    let a = MatRef {
        data: &ad[..],
        off: 0,
        rows: m,
        cols: k,
        rs: k as isize,
        cs: 1,
    };
    let b = MatRef {
        data: &bd[..],
        off: 0,
        rows: k,
        cols: n,
        rs: n as isize,
        cs: 1,
    };
    let mut c = vec![0.0; m * n];
    assert!(gemm(a, b, &mut c, 2, &Epilogue::none()));
    let (want, _) = naive(&a, &b);
    for (g, w) in c.iter().zip(&want) {
        assert_eq!(g.is_nan(), w.is_nan(), "{g} vs {w}");
        if w.is_infinite() {
            assert_eq!(g, w);
        }
    }
    assert!(c[3 * n].is_nan() && c[5 * n + 16].is_nan() && c[5].is_infinite());
    // relu keeps NaN and -0.0, clamps -Inf
    let relu = Epilogue {
        relu: true,
        ..Epilogue::none()
    };
    let mut bd2 = bd.clone();
    bd2[280 * n + 5] = f64::NEG_INFINITY;
    let b = MatRef {
        data: &bd2[..],
        ..b
    };
    assert!(gemm(a, b, &mut c, 2, &relu));
    assert!(c[3 * n].is_nan() && c[5] == 0.0 && c.iter().all(|x| x.is_nan() || *x >= 0.0));
}

#[test]
fn epilogue_bias_scale_relu_matches_unfused() {
    if !available() {
        return;
    }
    let (m, k, n) = (37, 520, 45);
    let (ad, bd, bias) = (data(m * k, 0.7), data(k * n, 0.8), data(n, 0.9));
    let a = MatRef {
        data: &ad[..],
        off: 0,
        rows: m,
        cols: k,
        rs: k as isize,
        cs: 1,
    };
    let b = MatRef {
        data: &bd[..],
        off: 0,
        rows: k,
        cols: n,
        rs: n as isize,
        cs: 1,
    };
    let mut plain = vec![0f32; m * n];
    assert!(gemm(a, b, &mut plain, 2, &Epilogue::none()));
    let epi = Epilogue {
        scale: Some(0.75f32),
        bias: Some(&bias[..]),
        relu: true,
    };
    let mut fused = vec![0f32; m * n];
    assert!(gemm(a, b, &mut fused, 2, &epi));
    for (idx, (&f, &p)) in fused.iter().zip(&plain).enumerate() {
        let want = (p * 0.75 + bias[idx % n]).max(0.0);
        assert_eq!(f.to_bits(), want.to_bits(), "[{idx}]");
    }
}

#[test]
fn one_and_two_threads_give_identical_bits() {
    if !available() {
        return;
    }
    for (m, k, n) in [(100, 600, 70), (257, 255, 129), (24, 1000, 33)] {
        let (ad, bd): (Vec<f64>, Vec<f64>) = (
            data(m * k, 0.11).into_iter().map(f64::from).collect(),
            data(k * n, 0.12)
                .into_iter()
                .map(|x| f64::from(x) * 1e3)
                .collect(),
        );
        let a = MatRef {
            data: &ad[..],
            off: 0,
            rows: m,
            cols: k,
            rs: 1,
            cs: m as isize,
        };
        let b = MatRef {
            data: &bd[..],
            off: 0,
            rows: k,
            cols: n,
            rs: n as isize,
            cs: 1,
        };
        let (mut c1, mut c2) = (vec![0.0; m * n], vec![1.0; m * n]);
        assert!(gemm(a, b, &mut c1, 1, &Epilogue::none()));
        assert!(gemm(a, b, &mut c2, 2, &Epilogue::none()));
        assert!(c1.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
}

/// Column splits (wide `C`, small `M` as in a dense layer) and row splits (tall `C`) at sizes
/// around the `MR`/`NR`/`KC` and private-block (`MC`, `NC`) edges: two threads give the bits
/// of one, with and without the epilogue, and match the naive product.
#[test]
fn column_and_row_splits_are_exact_and_thread_independent() {
    if !available() {
        return;
    }
    fn both<T: Element + From<f32> + Into<f64>>(m: usize, k: usize, n: usize, eps: f64) {
        let ad: Vec<T> = data(m * k, 0.21).into_iter().map(T::from).collect();
        let bd: Vec<T> = data(k * n, 0.22).into_iter().map(T::from).collect();
        let bias: Vec<T> = data(n, 0.23).into_iter().map(T::from).collect();
        let (a, b) = (v(&ad, m, k), v(&bd, k, n));
        let relu = Epilogue {
            bias: Some(&bias[..]),
            relu: true,
            ..Epilogue::none()
        };
        for epi in [Epilogue::none(), relu] {
            let (mut c1, mut c2) = (vec![T::ZERO; m * n], vec![T::ZERO; m * n]);
            assert!(gemm(a, b, &mut c1, 1, &epi) && gemm(a, b, &mut c2, 2, &epi));
            let bits = |x: &T| (*x).into().to_bits();
            assert!(c1.iter().map(bits).eq(c2.iter().map(bits)), "{m}x{k}x{n}");
        }
        check(a, b, eps, &format!("split {m}x{k}x{n}"));
    }
    for (m, k, n) in [
        (128, 300, 1000),
        (25, 257, 33),
        (11, 64, 4100),
        (1, 40, 300),
        (37, 1, 97),
        (700, 260, 17),
        (1100, 64, 16),
        (3000, 20, 1),
    ] {
        both::<f32>(m, k, n, f32::EPSILON as f64);
        both::<f64>(m, k, n, f64::EPSILON);
    }
    both::<f32>(256, 1024, 1024, f32::EPSILON as f64); // the dense layer benchmark's shape
}

/// `matmul` on NdArray views (whichever kernel is selected): transposed, sliced with a
/// negative step, and broadcast batches, float32 and float64.
#[test]
fn matmul_views_and_batches_match() {
    let (m, k, n) = (130, 260, 120);
    let a = NdArray::from_vec(
        [m, k],
        data(m * k, 0.3).into_iter().map(f64::from).collect(),
    )
    .unwrap();
    let b = NdArray::from_vec(
        [n, k],
        data(n * k, 0.4).into_iter().map(f64::from).collect(),
    )
    .unwrap();
    let rev = |x: &NdArray| {
        let s = x.shape().to_vec();
        x.slice(&[
            SliceAxis {
                start: s[0] - 1,
                step: -1,
                len: s[0],
            },
            SliceAxis {
                start: 0,
                step: 1,
                len: s[1],
            },
        ])
        .unwrap()
    };
    for (x, y) in [(a.clone(), b.t()), (rev(&a), rev(&b).t())] {
        let c = matmul(&x, &y).unwrap();
        let (xv, yv) = (x.to_vec::<f64>().unwrap(), y.to_vec::<f64>().unwrap());
        let cv = c.to_vec::<f64>().unwrap();
        for i in (0..m).step_by(7) {
            for j in (0..n).step_by(5) {
                let w: f64 = (0..k).map(|p| xv[i * k + p] * yv[p * n + j]).sum();
                assert!((cv[i * n + j] - w).abs() <= 1e-12 * (1.0 + w.abs()));
            }
        }
    }
    // (4, 33, 64) @ (64, 31) as float32: the batch split, each product on one thread
    let (bt, m, k, n) = (4, 33, 64, 31);
    let x = NdArray::from_vec([bt, m, k], data(bt * m * k, 0.5)).unwrap();
    let y = NdArray::from_vec([n, k], data(n * k, 0.6)).unwrap().t();
    let c = matmul(&x, &y).unwrap().to_vec::<f32>().unwrap();
    let (xv, yv) = (x.to_vec::<f32>().unwrap(), y.to_vec::<f32>().unwrap());
    for t in 0..bt {
        for i in 0..m {
            for j in 0..n {
                let w: f64 = (0..k)
                    .map(|p| xv[(t * m + i) * k + p] as f64 * yv[p * n + j] as f64)
                    .sum();
                let g = c[(t * m + i) * n + j] as f64;
                assert!((g - w).abs() <= 1e-5 * (1.0 + w.abs()), "{g} vs {w}");
            }
        }
    }
}
