//! Seed acceptance examples for matrix products (area 18) and `np.linalg` (area 19), in all
//! three evaluation modes. Values are the seeds' own or NumPy 2.4.6's (seed_inventory.md).

use numfuse as nf;
use numfuse::linalg as la;
use numfuse_tests::support::in_all_modes;

fn close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{got:?} vs {want:?}"
        );
    }
}

/// `np.allclose(a, b)` with NumPy's default tolerances on the largest difference.
fn allclose(a: &nf::Array, b: &nf::Array) -> bool {
    let d = (a - b).abs().max(None).item_f64();
    d <= 1e-8 + 1e-5 * b.abs().max(None).item_f64()
}

#[test]
fn area18_ex1_ex2_dot() {
    in_all_modes(|| {
        let d = nf::dot(nf::array([1, 2]), nf::array([3, 4]));
        assert_eq!((d.ndim(), d.item()), (0, nf::Value::I64(11)));
        let a = nf::array([[1, 2], [3, 4]]);
        let b = nf::array([[5, 6], [7, 8]]);
        assert_eq!(nf::dot(&a, &b).to_vec::<i64>(), vec![19, 22, 43, 50]);
        assert_eq!(nf::dot(&a, &a).to_vec::<i64>(), vec![7, 10, 15, 22]);
    });
}

#[test]
fn area18_ex3_ex4_matmul_shapes() {
    in_all_modes(|| {
        let a = nf::array([[2.0, 1.0], [1.0, 3.0]]);
        let r = a.matmul(nf::array([[1, 2], [3, 4]]));
        assert_eq!(r.to_vec::<f64>(), vec![5.0, 8.0, 10.0, 14.0]);
        let x = nf::arange(3).astype(nf::float64);
        let bm = nf::arange(12).reshape([3, 4]).astype(nf::float64);
        let d = nf::dot(&x, &bm);
        assert_eq!(d.shape().dims(), &[4]);
        assert_eq!(d.to_vec::<f64>(), x.matmul(&bm).to_vec::<f64>());
        let ab = nf::ones([4, 3, 5]);
        let wb = nf::ones([4, 5, 2]);
        assert_eq!(nf::matmul(&ab, &wb).shape().dims(), &[4, 3, 2]);
        assert_eq!(ab.matmul(nf::ones([5, 2])).shape().dims(), &[4, 3, 2]);
        let xf = nf::ones([32, 128]).astype(nf::float32);
        let w = nf::ones([128, 64]).astype(nf::float32);
        let y = xf.matmul(&w) + nf::ones([64]).astype(nf::float32);
        assert_eq!(
            (y.shape().dims(), y.dtype()),
            (&[32usize, 64][..], nf::float32)
        );
        assert_eq!(y.to_vec::<f32>()[0], 129.0);
        // float32 @ float64 gives float64 (004:4602)
        assert_eq!(xf.matmul(nf::ones([128, 2])).dtype(), nf::float64);
    });
}

#[test]
fn area18_outer_trace_conj() {
    in_all_modes(|| {
        let o = nf::outer(nf::array([1, 2, 3]), nf::array([4, 5, 6]));
        assert_eq!(o.to_vec::<i64>(), vec![4, 5, 6, 8, 10, 12, 12, 15, 18]);
        let m = nf::arange(9).reshape([3, 3]);
        assert_eq!(nf::trace(&m, 0, 0, 1).item(), nf::Value::I64(12));
        let z = nf::array([nf::Complex64::new(1.0, 2.0), nf::Complex64::new(3.0, -1.0)]);
        let zh = z.reshape([1, 2]).conj().t();
        assert_eq!(
            zh.to_vec::<nf::Complex64>(),
            vec![nf::Complex64::new(1.0, -2.0), nf::Complex64::new(3.0, 1.0)]
        );
    });
}

#[test]
fn area19_ex1_solve_inv_cond_lstsq() {
    in_all_modes(|| {
        let a = nf::array([[3, 1], [1, 2]]);
        let b = nf::array([9, 8]);
        let x = la::solve(&a, &b);
        close(&x.to_vec::<f64>(), &[2.0, 3.0], 1e-15);
        let back = a.matmul(&x).to_vec::<f64>();
        close(&back, &[9.0, 8.0], 1e-14);
        close(&la::inv(&a).matmul(&b).to_vec::<f64>(), &[2.0, 3.0], 1e-14);
        close(
            &[la::cond(&a, la::NormOrd::Default).item_f64()],
            &[2.618033988749895],
            1e-12,
        );
        let a3 = nf::array([[3.0, 1.0], [1.0, 2.0], [2.0, 3.0]]);
        let r = la::lstsq(&a3, nf::array([9.0, 8.0, 13.0]), None);
        close(&r.x.to_vec::<f64>(), &[2.0, 3.0], 1e-12);
    });
}

#[test]
fn area19_ex2_eig_eigh() {
    in_all_modes(|| {
        let a = nf::array([[4.0, 2.0], [1.0, 3.0]]);
        let (w, v) = la::eig(&a);
        assert_eq!(w.dtype(), nf::float64);
        let mut wv = w.to_vec::<f64>();
        wv.sort_by(|x, y| y.partial_cmp(x).unwrap());
        close(&wv, &[5.0, 2.0], 1e-12);
        // A v = v diag(w)
        let av = a.matmul(&v).to_vec::<f64>();
        let vw = (&v * &w).to_vec::<f64>();
        close(&av, &vw, 1e-12);
        close(
            &la::solve(&a, nf::array([10.0, 8.0])).to_vec::<f64>(),
            &[1.4, 2.2],
            1e-14,
        );
        let mut w2 = la::eigvals(nf::array([[4, -2], [1, 1]])).to_vec::<f64>();
        w2.sort_by(|x, y| y.partial_cmp(x).unwrap());
        close(&w2, &[3.0, 2.0], 1e-12);
        let (wh, _) = la::eigh(nf::array([[3, 1], [1, 3]]), true);
        close(&wh.to_vec::<f64>(), &[2.0, 4.0], 1e-14);
        let s = nf::array([[6.0, 2.0, 1.0], [2.0, 3.0, 1.0], [1.0, 1.0, 1.0]]);
        let w3 = la::eigvalsh(&s, true).round(3).to_vec::<f64>();
        assert_eq!(w3, vec![0.579, 2.133, 7.288]);
    });
}

#[test]
fn area19_ex3_inv_det() {
    in_all_modes(|| {
        let a = nf::array([[2, 1], [1, 3]]);
        assert_eq!(
            la::inv(&a).round(3).to_vec::<f64>(),
            vec![0.6, -0.2, -0.2, 0.4]
        );
        assert_eq!(la::det(&a).item_f64(), 5.000000000000001);
        let i = a.matmul(la::inv(&a)).round(10).to_vec::<f64>();
        assert_eq!(i, vec![1.0, 0.0, 0.0, 1.0]);
        let b = nf::array([[1, 2], [3, 4]]);
        close(&la::inv(&b).to_vec::<f64>(), &[-2.0, 1.0, 1.5, -0.5], 1e-15);
        assert_eq!(la::det(&b).item_f64(), -2.0000000000000004);
        let mut w = la::eigvals(&b).to_vec::<f64>();
        w.sort_by(|x, y| x.partial_cmp(y).unwrap());
        close(&w, &[-0.372_281_323_269_014_3, 5.372281323269014], 1e-14);
    });
}

#[test]
fn area19_ex4_svd_rank_qr_norm_cond() {
    in_all_modes(|| {
        let a = nf::arange_step(1, 10, 1)
            .reshape([3, 3])
            .astype(nf::float64);
        let (u, s, vt) = la::svd(&a, true);
        let sr = s.round(4).to_vec::<f64>();
        close(&sr, &[16.8481, 1.0684, 0.0], 1e-12);
        let rank = s.to_vec::<f64>().iter().filter(|&&x| x > 1e-10).count();
        assert_eq!(rank, 2);
        let rec = (&u * &s).matmul(&vt);
        assert!(allclose(&rec, &a));
        let (q, r) = la::qr(&a, la::QrMode::Reduced);
        assert_eq!(
            (q.shape().dims(), r.shape().dims()),
            (&[3usize, 3][..], &[3usize, 3][..])
        );
        assert!(allclose(&q.matmul(&r), &a));
        let fro = la::norm_with(&a, la::NormOrd::Fro, None, false)
            .round(3)
            .item_f64();
        assert_eq!(fro, 16.882);
        assert!(la::cond(&a, la::NormOrd::Default).item_f64() > 1e15);
        close(
            &[la::cond(nf::array([[2, 1], [1, 3]]), la::NormOrd::Default).item_f64()],
            &[2.618],
            1e-3,
        );
        let c = la::cond(nf::array([[1.0, 1.0], [1.0, 1.0001]]), la::NormOrd::Default).item_f64();
        close(&[c], &[40002.0], 1e-4);
    });
}

#[test]
fn area19_ex5_practice_system_and_thin_svd() {
    in_all_modes(|| {
        let a = nf::array([[2.0, 1.0, -1.0], [-3.0, -1.0, 2.0], [-2.0, 1.0, 2.0]]);
        let x = la::solve(&a, nf::array([8.0, -11.0, -3.0]));
        close(&x.to_vec::<f64>(), &[2.0, 3.0, -1.0], 1e-14);
        close(&[la::det(&a).item_f64()], &[-1.0], 1e-14);
        let m = nf::arange_step(1, 13, 1)
            .reshape([4, 3])
            .astype(nf::float64);
        let (u, s, vt) = la::svd(&m, false);
        assert_eq!(
            (u.shape().dims(), vt.shape().dims()),
            (&[4usize, 3][..], &[3usize, 3][..])
        );
        close(&s.round(3).to_vec::<f64>(), &[25.462, 1.291, 0.0], 1e-12);
        assert!(allclose(&(&u * &s).matmul(&vt), &m));
    });
}

#[test]
fn area19_ex6_qr_cholesky_pinv_lstsq_slogdet() {
    in_all_modes(|| {
        let a = nf::linspace(-1.0, 2.0, 24).reshape([6, 4]).square() + nf::eye_nmk(6, 4, 0);
        let (q, r) = la::qr(&a, la::QrMode::Reduced);
        assert_eq!(
            (q.shape().dims(), r.shape().dims()),
            (&[6usize, 4][..], &[4usize, 4][..])
        );
        assert!(allclose(&q.t().matmul(&q), &nf::eye(4)));
        assert!(allclose(&q.matmul(&r), &a));
        let s = nf::array([[4.0, 2.0, 0.6], [2.0, 5.0, 1.0], [0.6, 1.0, 3.0]]);
        let l = la::cholesky(&s);
        assert!(allclose(&l.matmul(l.t()), &s));
        assert_eq!(l.to_vec::<f64>()[1], 0.0);
        let (sign, logdet) = la::slogdet(&s);
        close(
            &[sign.item_f64() * logdet.item_f64().exp()],
            &[la::det(&s).item_f64()],
            1e-12,
        );
        let m = nf::array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let p = la::pinv(&m, 1e-15);
        assert_eq!(p.shape().dims(), &[2, 3]);
        assert!(allclose(&m.matmul(&p).matmul(&m), &m));
        let xs = nf::linspace(0.0, 1.0, 20);
        let design =
            nf::ones([20, 1]) * nf::array([1.0, 0.0]) + xs.reshape([20, 1]) * nf::array([0.0, 1.0]);
        let r = la::lstsq(&design, &xs * 2.0 + 1.0, None);
        assert_eq!(r.rank, 2);
        assert_eq!(r.s.shape().dims(), &[2]);
        assert_eq!(r.residuals.shape().dims(), &[1]);
        close(&r.x.to_vec::<f64>(), &[1.0, 2.0], 1e-12);
    });
}
