//! Decompositions checked by their defining identities (A = QR, U S Vᵀ = A, A V = V Λ,
//! L Lᵀ = A, orthogonality) on random, batched, non-contiguous and ill-conditioned matrices,
//! plus the NumPy-worded `LinAlgError`s and einsum errors as insta snapshots.

use numfuse as nf;
use numfuse::linalg as la;
use numfuse_tests::support::{check_error, in_all_modes};

fn maxabs(a: &nf::Array) -> f64 {
    a.abs().max(None).item_f64()
}

/// A deterministic pseudo-random matrix (a fixed sine pattern).
fn rand(m: usize, n: usize, seed: f64) -> nf::Array {
    (nf::arange((m * n) as i64).astype(nf::float64) * 0.7317 + seed)
        .sin()
        .reshape([m, n])
}

/// The 8×8 Hilbert matrix (condition number ~1.5e10).
fn hilbert(n: usize) -> nf::Array {
    let i = nf::arange(n as i64).astype(nf::float64);
    1.0 / (i.reshape([n, 1]) + &i + 1.0)
}

fn eye(n: usize) -> nf::Array {
    nf::eye(n)
}

#[test]
fn qr_reconstructs_and_q_is_orthogonal() {
    in_all_modes(|| {
        for a in [
            rand(7, 4, 0.1),
            rand(4, 7, 0.2),
            hilbert(8),
            rand(6, 6, 0.3).t(),
        ] {
            let scale = maxabs(&a);
            for mode in [la::QrMode::Reduced, la::QrMode::Complete] {
                let (q, r) = la::qr(&a, mode);
                assert!(maxabs(&(q.matmul(&r) - &a)) < 1e-13 * scale.max(1.0));
                let k = q.shape()[1];
                assert!(maxabs(&(q.t().matmul(&q) - eye(k))) < 1e-13);
                // R is upper triangular
                let rr = r.to_vec::<f64>();
                let n = r.shape()[1];
                for i in 0..r.shape()[0] {
                    for j in 0..i.min(n) {
                        assert_eq!(rr[i * n + j], 0.0);
                    }
                }
            }
        }
    });
}

#[test]
fn svd_reconstructs_with_orthonormal_factors() {
    in_all_modes(|| {
        for a in [rand(8, 5, 0.4), rand(5, 8, 0.5), hilbert(8)] {
            let (u, s, vt) = la::svd(&a, false);
            assert!(maxabs(&((&u * &s).matmul(&vt) - &a)) < 1e-13);
            let k = s.size();
            assert!(maxabs(&(u.t().matmul(&u) - eye(k))) < 1e-13);
            assert!(maxabs(&(vt.matmul(vt.t()) - eye(k))) < 1e-13);
            let sv = s.to_vec::<f64>();
            assert!(sv.windows(2).all(|w| w[0] >= w[1]) && sv.iter().all(|&x| x >= 0.0));
            let (uf, _, vf) = la::svd(&a, true);
            assert!(maxabs(&(uf.t().matmul(&uf) - eye(uf.shape()[0]))) < 1e-13);
            assert!(maxabs(&(vf.t().matmul(&vf) - eye(vf.shape()[0]))) < 1e-13);
        }
    });
}

#[test]
fn eigh_and_eig_satisfy_av_eq_v_lambda() {
    in_all_modes(|| {
        let b = rand(6, 6, 0.6);
        let s = b.matmul(b.t()) + eye(6);
        for m in [s.clone(), hilbert(8)] {
            let (w, v) = la::eigh(&m, true);
            assert!(maxabs(&(m.matmul(&v) - &v * &w)) < 1e-13 * maxabs(&m).max(1.0));
            assert!(maxabs(&(v.t().matmul(&v) - eye(w.size()))) < 1e-13);
        }
        // a general matrix with complex eigenvalues
        let g = rand(5, 5, 0.7);
        let (w, v) = la::eig(&g);
        assert_eq!(w.dtype(), nf::complex128);
        let gc = g.astype(nf::complex128);
        assert!(maxabs(&(gc.matmul(&v) - &v * &w)) < 1e-12);
    });
}

#[test]
fn cholesky_solve_inv_on_batched_and_strided_input() {
    in_all_modes(|| {
        let b = rand(12, 4, 0.8).reshape([3, 4, 4]);
        let spd = b.matmul(b.swapaxes(-1, -2)) + eye(4);
        let l = la::cholesky(&spd);
        assert!(maxabs(&(l.matmul(l.swapaxes(-1, -2)) - &spd)) < 1e-13);
        let rhs = rand(3, 4, 0.9).reshape([3, 4, 1]);
        let x = la::solve(&spd, &rhs);
        assert!(maxabs(&(spd.matmul(&x) - &rhs)) < 1e-12);
        let strided = rand(8, 8, 1.0).slice(nf::s![..;2, 1..;2]) + eye(4) * 3.0;
        assert!(maxabs(&(strided.matmul(la::inv(&strided)) - eye(4))) < 1e-13);
        let h = hilbert(8);
        let xh = la::solve(&h, nf::ones([8]));
        assert!(maxabs(&(h.matmul(&xh) - 1.0)) < 1e-6);
    });
}

#[test]
fn linalg_errors_have_numpy_wording() {
    let sing = nf::array([[1.0, 2.0], [2.0, 4.0]]);
    let e = check_error(la::try_inv(&sing).and_then(|x| x.try_eval()), || {
        la::inv(&sing).eval()
    });
    assert_eq!(e.numpy_class(), "LinAlgError");
    insta::assert_snapshot!("singular", e.to_string());
    let npd = nf::array([[1.0, 2.0], [2.0, 1.0]]);
    let e = expect(la::try_cholesky(&npd).and_then(|x| x.try_eval()));
    insta::assert_snapshot!("not_positive_definite", e.to_string());
    let e = expect(la::try_inv(nf::ones([2, 3])));
    insta::assert_snapshot!("non_square", e.to_string());
    let e = expect(la::try_det(nf::ones([3])));
    insta::assert_snapshot!("one_dimensional", e.to_string());
    let e = expect(la::try_solve(nf::eye(3), nf::ones([2])));
    insta::assert_snapshot!("solve_mismatch", e.to_string());
    let e = expect(nf::try_matmul(nf::ones([2, 3]), nf::ones([2, 3])));
    insta::assert_snapshot!("matmul_core_mismatch", e.to_string());
}

fn expect<T>(r: nf::Result<T>) -> nf::Error {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn einsum_errors_have_numpy_wording() {
    let m = nf::ones([2, 3]);
    let cases: Vec<(&str, Vec<nf::Array>)> = vec![
        ("ij,jk->ik", vec![m.clone()]),
        ("ij", vec![m.clone(), m.clone()]),
        ("ij->ik", vec![m.clone()]),
        ("ij->ii", vec![m.clone()]),
        ("i1->i", vec![nf::ones([2])]),
        ("ii->i", vec![m.clone()]),
        ("ijk->", vec![m.clone()]),
        ("i->", vec![m.clone()]),
        ("ij,jk", vec![m.clone(), nf::ones([4, 5])]),
        (".i", vec![nf::ones([2])]),
    ];
    let text: Vec<String> = cases
        .into_iter()
        .map(|(s, ops)| format!("{s}: {}", expect(nf::try_einsum(s, &ops))))
        .collect();
    insta::assert_snapshot!("einsum_errors", text.join("\n"));
}

#[test]
fn ir_dump_shows_library_nodes_with_parameters() {
    let a = nf::array([[3.0, 1.0], [1.0, 2.0]]);
    let (_, s, vt) = la::svd(&a, false);
    let y = s.matmul(&vt) + nf::fft::rfft_with(&a, Some(4), 0, nf::fft::FftNorm::Ortho).real();
    insta::assert_snapshot!("ir_library_nodes", y.ir());
}
