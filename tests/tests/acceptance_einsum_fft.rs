//! Seed acceptance examples for `einsum` (area 20), polynomials (area 21) and FFT (area 22),
//! in all three evaluation modes (values: the seeds' own or NumPy 2.4.6's).

use numfuse as nf;
use numfuse_tests::support::in_all_modes;

fn maxdiff(a: &nf::Array, b: &nf::Array) -> f64 {
    (a - b).abs().max(None).item_f64()
}

#[test]
fn area20_ex1_matmul_and_trace() {
    in_all_modes(|| {
        let a = nf::arange(12).reshape([3, 4]).astype(nf::float64);
        let b = nf::arange(20).reshape([4, 5]).astype(nf::float64);
        let c = nf::einsum("ij,jk->ik", &[a.clone(), b.clone()]);
        assert_eq!(c.shape().dims(), &[3, 5]);
        assert_eq!(c.to_vec::<f64>(), a.matmul(&b).to_vec::<f64>());
        assert_eq!(
            nf::einsum("ik,kj->ij", &[a.clone(), b.clone()]).to_vec::<f64>(),
            c.to_vec::<f64>()
        );
        let sq = nf::arange(16).reshape([4, 4]);
        assert_eq!(
            nf::einsum("ii->", std::slice::from_ref(&sq)).item(),
            nf::trace(&sq, 0, 0, 1).item()
        );
        assert_eq!(
            nf::einsum("ii", std::slice::from_ref(&sq)).item(),
            nf::Value::I64(30)
        );
    });
}

#[test]
fn area20_ex2_batched_matmul() {
    in_all_modes(|| {
        let a = nf::linspace(-1.0, 1.0, 16 * 10 * 8).reshape([16, 10, 8]);
        let b = nf::linspace(0.0, 2.0, 16 * 8 * 6).reshape([16, 8, 6]).sin();
        let c = nf::einsum("bij,bjk->bik", &[a.clone(), b.clone()]);
        assert_eq!(c.shape().dims(), &[16, 10, 6]);
        assert!(maxdiff(&c, &a.matmul(&b)) < 1e-12);
    });
}

#[test]
fn area20_ex3_outer_and_full_contraction() {
    in_all_modes(|| {
        let o = nf::einsum("i,j->ij", &[nf::array([1, 2, 3]), nf::array([4, 5, 6])]);
        assert_eq!(o.to_vec::<i64>(), vec![4, 5, 6, 8, 10, 12, 12, 15, 18]);
        let a = nf::linspace(0.0, 1.0, 12).reshape([3, 4]);
        let full = nf::einsum("ij,ij->", &[a.clone(), a.clone()]).item_f64();
        let tr = nf::trace(a.t().matmul(&a), 0, 0, 1).item_f64();
        assert!((full - tr).abs() < 1e-12);
        let rows = nf::einsum("ij,ij->i", &[a.clone(), a.clone()]);
        assert!(maxdiff(&rows, &(&a * &a).sum(1)) < 1e-15);
        assert_eq!(
            nf::einsum("ij->ji", std::slice::from_ref(&a)).to_vec::<f64>(),
            a.t().to_vec::<f64>()
        );
        let w = nf::linspace(0.0, 1.0, 20).reshape([4, 5]);
        let x3 = nf::linspace(0.0, 1.0, 24).reshape([2, 4, 3]);
        assert_eq!(
            nf::einsum("ijk,jl->ikl", &[x3, w]).shape().dims(),
            &[2, 3, 5]
        );
    });
}

#[test]
fn area20_ex4_attention_and_rowwise_outer() {
    in_all_modes(|| {
        let q = nf::linspace(-1.0, 1.0, 4 * 8 * 64 * 32)
            .reshape([4, 8, 64, 32])
            .astype(nf::float32);
        let s = nf::einsum("bhid,bhjd->bhij", &[q.clone(), q.clone()]) / 32f32.sqrt();
        assert_eq!(
            (s.shape().dims(), s.dtype()),
            (&[4usize, 8, 64, 64][..], nf::float32)
        );
        let r = q.matmul(q.swapaxes(-1, -2)) / 32f32.sqrt();
        assert!(maxdiff(&s, &r) < 1e-5);
        let x = nf::linspace(0.0, 1.0, 3000).reshape([1000, 3]);
        let outer = nf::einsum("ni,nj->nij", &[x.clone(), x.clone()]);
        assert_eq!(outer.shape().dims(), &[1000, 3, 3]);
        // upper triangle (0,0),(0,1),(0,2),(1,1),(1,2),(2,2) → (1000, 6)
        let flat = outer.reshape([1000, 9]);
        let cols: Vec<nf::Array> = [0, 1, 2, 4, 5, 8]
            .iter()
            .map(|&c| flat.slice(nf::s![.., c..c + 1]))
            .collect();
        assert_eq!(cols.len() * 1000, 6000);
        assert_eq!(cols[5].shape().dims(), &[1000, 1]);
    });
}

#[test]
fn area20_einsum_path_reports_order_and_cost() {
    let ops = [
        nf::ones([1000, 10]),
        nf::ones([10, 1000]),
        nf::ones([1000, 10]),
    ];
    let p = nf::einsum_path("ij,jk,kl->il", &ops);
    // B·C first (NumPy's optimize=True path and "Optimized FLOP count: 4.000e+05")
    assert_eq!(p.path, vec![(1, 2), (0, 1)]);
    assert_eq!(p.flops, 4.0e5);
    assert_eq!(p.naive_flops, 3.0e8);
}

#[test]
fn area21_polyfit_polyval() {
    in_all_modes(|| {
        let x = nf::linspace(-3.0, 3.0, 50);
        let y = &x * &x * 2.0 - &x * 3.0 + 1.0;
        let c = nf::polyfit(&x, &y, 2).to_vec::<f64>();
        for (g, w) in c.iter().zip([2.0, -3.0, 1.0]) {
            assert!((g - w).abs() < 1e-12, "{c:?}");
        }
        let v = nf::polyval(nf::array([2.0, -3.0, 1.0]), nf::array([0.0, 1.0, 2.0]));
        assert_eq!(v.to_vec::<f64>(), vec![1.0, 0.0, 3.0]);
        // training RMSE is non-increasing with the degree
        let yn = &y + (&x * 7.0).sin() * 0.5;
        let mut last = f64::INFINITY;
        for deg in [1, 2, 3, 5] {
            let fit = nf::polyval(nf::polyfit(&x, &yn, deg), &x);
            let rmse = (&fit - &yn).square().mean(None).sqrt().item_f64();
            assert!(rmse <= last + 1e-12);
            last = rmse;
        }
        let mut r = nf::roots(nf::array([1.0, -3.0, 2.0])).to_vec::<f64>();
        r.sort_by(f64::total_cmp);
        assert!((r[0] - 1.0).abs() < 1e-12 && (r[1] - 2.0).abs() < 1e-12);
    });
}

#[test]
fn area22_ex1_rfft_peaks() {
    in_all_modes(|| {
        let fs = 500.0;
        let t = nf::linspace_ex(0.0, 1.0, 500, false).0;
        let tau = 2.0 * std::f64::consts::PI;
        let sig = (&t * (tau * 5.0)).sin() + (&t * (tau * 20.0)).sin() * 0.5;
        let f = nf::fft::rfft(&sig);
        assert_eq!(
            (f.shape().dims(), f.dtype()),
            (&[251usize][..], nf::complex128)
        );
        let freqs = nf::fft::rfftfreq(500, 1.0 / fs);
        let fv = freqs.to_vec::<f64>();
        assert_eq!(fv.len(), 251);
        assert!(fv
            .iter()
            .enumerate()
            .all(|(i, &v)| (v - i as f64).abs() < 1e-9));
        let power = f.abs().square().to_vec::<f64>();
        let mut idx: Vec<usize> = (0..power.len()).collect();
        idx.sort_by(|&a, &b| power[b].total_cmp(&power[a]));
        let mut top = vec![fv[idx[0]], fv[idx[1]]];
        top.sort_by(f64::total_cmp);
        assert_eq!(top, vec![5.0, 20.0]);
    });
}

#[test]
fn area22_ex2_irfft_roundtrip() {
    in_all_modes(|| {
        let x = nf::linspace(0.0, 10.0, 1000).sin() + nf::linspace(0.0, 3.0, 1000).square();
        let back = nf::fft::irfft(nf::fft::rfft(&x));
        assert_eq!(back.shape().dims(), &[1000]);
        assert!(maxdiff(&back, &x) < 1e-12);
    });
}

#[test]
fn area22_ex3_shifts_and_fft2() {
    in_all_modes(|| {
        let s = nf::fft::fftshift(nf::arange(8), None);
        assert_eq!(s.to_vec::<i64>(), vec![4, 5, 6, 7, 0, 1, 2, 3]);
        let x = nf::arange(7);
        let r = nf::fft::ifftshift(nf::fft::fftshift(&x, None), None);
        assert_eq!(r.to_vec::<i64>(), x.to_vec::<i64>());
        let img = nf::linspace(0.0, 1.0, 64 * 48).reshape([64, 48]).sin();
        let f = nf::fft::fftshift(nf::fft::fft2(&img), None);
        let back = nf::fft::ifft2(nf::fft::ifftshift(&f, None)).real();
        assert!(maxdiff(&back, &img) < 1e-12);
    });
}
