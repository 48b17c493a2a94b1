//! Seed acceptance examples for array creation, array attributes and dtypes (areas 1, 2 and 3
//! of `seed_inventory.md`).
//!
//! Every value-checking example runs in all three evaluation modes (lazy, eager, interpreted);
//! expected values are NumPy 2.4's, including its printed (`str`) form where the seed prints.
//! The other areas live in `acceptance_*.rs`; views and memory layout in `views*.rs`.

use numfuse as nf;
use numfuse::s;
use numfuse_tests::support::{assert_close, in_all_modes};

// ---------------------------------------------------------------- Area 1: array creation

#[test]
fn area1_ex1_arange_with_step() {
    in_all_modes(|| {
        let a = nf::arange_step(0, 10, 2);
        assert_eq!(a.dtype(), nf::int64);
        assert_eq!(a.to_vec::<i64>(), vec![0, 2, 4, 6, 8]);
        assert_eq!(format!("{a}"), "[0 2 4 6 8]");
    });
}

#[test]
fn area1_ex2_linspace_ones_full() {
    in_all_modes(|| {
        let l = nf::linspace(0.0, 1.0, 5);
        assert_eq!(l.to_vec::<f64>(), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(format!("{l}"), "[0.   0.25 0.5  0.75 1.  ]");
        let o = nf::ones([3]);
        assert_eq!((o.dtype(), o.to_vec::<f64>()), (nf::float64, vec![1.0; 3]));
        assert_eq!(format!("{o}"), "[1. 1. 1.]");
        let f = nf::full([2, 2], 7);
        assert_eq!((f.dtype(), f.shape().dims()), (nf::int64, &[2usize, 2][..]));
        assert_eq!(f.to_vec::<i64>(), vec![7; 4]);
        assert_eq!(format!("{f}"), "[[7 7]\n [7 7]]");
    });
}

#[test]
fn area1_ex3_logspace_and_even_arange() {
    in_all_modes(|| {
        let l = nf::logspace(0.0, 3.0, 4);
        assert_close(&l.to_vec::<f64>(), &[1.0, 10.0, 100.0, 1000.0], 1e-15);
        assert_eq!(format!("{l}"), "[   1.   10.  100. 1000.]");
        let a = nf::arange_step(0, 20, 2);
        assert_eq!(a.to_vec::<i64>(), (0..20).step_by(2).collect::<Vec<i64>>());
    });
}

#[test]
fn area1_ex4_fromfunction_table_and_logspace_argmin() {
    in_all_modes(|| {
        let t = nf::fromfunction([5, 5], nf::int64, |ix| (&ix[0] + 1) * (&ix[1] + 1));
        assert_eq!((t.dtype(), t.shape().dims()), (nf::int64, &[5usize, 5][..]));
        assert_eq!(t.slice(s![0]).to_vec::<i64>(), vec![1, 2, 3, 4, 5]);
        assert_eq!(t.slice(s![-1]).to_vec::<i64>(), vec![5, 10, 15, 20, 25]);
        let want = "[[ 1  2  3  4  5]\n [ 2  4  6  8 10]\n [ 3  6  9 12 15]\n [ 4  8 12 16 20]\n [ 5 10 15 20 25]]";
        assert_eq!(format!("{t}"), want);

        let pts = nf::logspace(1.0, 4.0, 20);
        let i = (&pts - 500.0).abs().argmin(None);
        assert_eq!(i.dtype(), nf::int64);
        assert_eq!(i.item(), nf::Value::I64(11));
        assert_close(
            &[pts.slice(s![11]).item_f64()],
            &[545.559_478_116_851_4],
            1e-14,
        );
    });
}

#[test]
fn area1_ex5_arange_reshape_eye_diag() {
    in_all_modes(|| {
        let a = nf::arange(24).reshape([2, 3, 4]);
        assert_eq!(a.shape().dims(), &[2, 3, 4]);
        assert_eq!((a.dtype(), a.nbytes()), (nf::int64, 192));
        let e = nf::eye(4).astype(nf::int64);
        let want: Vec<i64> = (0..16).map(|i| i64::from(i % 5 == 0)).collect();
        assert_eq!(e.to_vec::<i64>(), want);
        let d = nf::diag(nf::diag([1, 2, 3, 4], 0), 0);
        assert_eq!(
            (d.dtype(), d.to_vec::<i64>()),
            (nf::int64, vec![1, 2, 3, 4])
        );
    });
}

#[test]
#[allow(clippy::approx_constant)] // the seed's fill value 3.14, not pi
fn area1_default_dtypes_and_stop_rules() {
    in_all_modes(|| {
        // zeros/ones/eye/linspace default to float64; integer lists to int64
        for x in [
            nf::zeros([2, 3]),
            nf::ones([3]),
            nf::eye(3),
            nf::linspace(0.0, 1.0, 11),
        ] {
            assert_eq!(x.dtype(), nf::float64);
        }
        assert_eq!(nf::array([1, 2, 3]).dtype(), nf::int64);
        assert_eq!(
            format!("{}", nf::eye(3)),
            "[[1. 0. 0.]\n [0. 1. 0.]\n [0. 0. 1.]]"
        );
        // arange excludes stop, linspace includes it; a float step gives float64
        let f = nf::arange_step(0.0, 1.0, 0.1);
        assert_eq!((f.dtype(), f.size()), (nf::float64, 10));
        assert_eq!(format!("{f}"), "[0.  0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9]");
        let bits = f.to_vec::<f64>();
        assert_eq!(
            (bits[3], bits[6], bits[7]),
            (
                0.300_000_000_000_000_04,
                0.600_000_000_000_000_1,
                0.700_000_000_000_000_1
            )
        );
        let (l, step) = nf::linspace_ex(0.0, 1.0, 4, false);
        assert_eq!(
            (l.to_vec::<f64>(), step),
            (vec![0.0, 0.25, 0.5, 0.75], 0.25)
        );
        let empty = nf::array(Vec::<i64>::new());
        assert_eq!(
            (empty.shape().dims(), empty.dtype()),
            (&[0usize][..], nf::int64)
        );
        let full = nf::full([2, 4], 3.14);
        assert_eq!((full.dtype(), full.to_vec::<f64>()[7]), (nf::float64, 3.14));
        let like = nf::full_like(&nf::ones([2, 2]).astype(nf::float32), 0.5);
        assert_eq!(
            (like.dtype(), like.to_vec::<f32>()),
            (nf::float32, vec![0.5; 4])
        );
        assert_eq!(nf::linspace(0.0, 1.0, 11).slice(s![-1]).item_f64(), 1.0);
        let neg = nf::arange_step(-2, 3, 1);
        assert_eq!(neg.to_vec::<i64>(), vec![-2, -1, 0, 1, 2]);
        // eye(n, m, k) and diag with an offset
        let e = nf::eye_nmk(2, 3, 1);
        assert_eq!(e.to_vec::<f64>(), vec![0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
        let m = nf::arange(9).reshape([3, 3]);
        assert_eq!(nf::diag(&m, 1).to_vec::<i64>(), vec![1, 5]);
        // np.fromfunction default float: sqrt(i**2 + j**2)
        let r = nf::fromfunction([4, 4], nf::float64, |ix| {
            (&ix[0] * &ix[0] + &ix[1] * &ix[1]).sqrt()
        });
        assert_close(&[r.slice(s![3, 3]).item_f64()], &[18f64.sqrt()], 1e-15);
    });
}

// ---------------------------------------------------------------- Area 2: attributes

#[test]
fn area2_ex1_float32_matrix_attributes() {
    in_all_modes(|| {
        let a = nf::array([[1.5f32, 2.0, 3.1], [4.0, 5.5, 6.2]]);
        assert_eq!(a.shape().dims(), &[2, 3]);
        assert_eq!((a.ndim(), a.dtype(), a.size()), (2, nf::float32, 6));
        assert_eq!((a.itemsize(), a.nbytes()), (4, 24));
        assert_eq!(a.t().shape().dims(), &[3, 2]);
        assert_eq!(a.len(), 2);
        assert_eq!(format!("{}", a.slice(s![0])), "[1.5 2.  3.1]");
    });
}

#[test]
fn area2_ex3_large_float32_nbytes_without_evaluating() {
    // lazy only: the eager mode would allocate the 381 MiB array
    nf::with_mode(nf::Mode::Lazy, || {
        let z = nf::zeros([10_000, 10_000]).astype(nf::float32);
        assert_eq!(z.nbytes() as f64 / 1024f64.powi(2), 381.469_726_562_5);
        assert!(!z.is_realized());
    });
}

#[test]
fn area2_ex4_itemsize_and_nbytes_per_dtype() {
    in_all_modes(|| {
        let cases = [
            (nf::int8, 1, 20),
            (nf::float32, 4, 80),
            (nf::complex128, 16, 320),
            (nf::float64, 8, 160),
        ];
        for (dt, item, nbytes) in cases {
            let z = nf::zeros([4, 5]).astype(dt);
            assert_eq!(
                (z.dtype(), z.itemsize(), z.nbytes()),
                (dt, item, nbytes),
                "{dt}"
            );
            assert_eq!(z.eval().nbytes(), nbytes);
        }
        let x_b = nf::zeros([5000, 13]);
        assert_eq!(
            (x_b.dtype(), x_b.nbytes() as f64 / 1024.0),
            (nf::float64, 507.8125)
        );
    });
}

#[test]
fn area2_printing_matches_numpys_str() {
    in_all_modes(|| {
        let cases = [
            (nf::array([true, false, true]), "[ True False  True]"),
            (nf::array([-1, 0, 10]), "[-1  0 10]"),
            (nf::array([-1.5, 0.0, 2.25]), "[-1.5   0.    2.25]"),
            (nf::scalar(3.0), "3.0"),
            (nf::array([[5]]).reshape(Vec::<usize>::new()), "5"),
            (nf::arange(2000), "[   0    1    2 ... 1997 1998 1999]"),
            (
                nf::array([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]),
                "[ nan  inf -inf]",
            ),
            (nf::array([1.0f32 / 3.0]), "[0.33333334]"),
            (nf::array([1e-5, 1.0]), "[1.e-05 1.e+00]"),
            (nf::array([1e8, 1.5]), "[1.0e+08 1.5e+00]"),
            (
                nf::arange(6).reshape([2, 1, 3]),
                "[[[0 1 2]]\n\n [[3 4 5]]]",
            ),
            (
                nf::array([[1.5, 2.0], [3.25, -4.0]]),
                "[[ 1.5   2.  ]\n [ 3.25 -4.  ]]",
            ),
            (nf::zeros([2, 0]), "[]"),
            (nf::array([1u8, 2]), "[1 2]"),
            (nf::array([0.1, 0.2]) + 0.1, "[0.2 0.3]"),
            (nf::array([1.000_000_1, 2.0]), "[1.0000001 2.       ]"),
        ];
        for (x, want) in cases {
            assert_eq!(
                format!("{x}"),
                want,
                "dtype {} shape {}",
                x.dtype(),
                x.shape()
            );
        }
    });
}

// ---------------------------------------------------------------- Area 3: dtypes & promotion

#[test]
fn area3_ex1_astype_float32() {
    in_all_modes(|| {
        let a = nf::arange(12).astype(nf::float32);
        assert_eq!(a.dtype(), nf::float32);
        assert_eq!(a.to_vec::<f32>()[11], 11.0);
    });
}

#[test]
fn area3_ex2_float32_overflow_and_float64_specials() {
    in_all_modes(|| {
        let big = nf::scalar(1e38f32) * 100;
        assert_eq!(big.dtype(), nf::float32);
        assert_eq!(big.item(), nf::Value::F32(f32::INFINITY));
        assert!((nf::scalar(0.0f64) / nf::scalar(0.0f64))
            .item_f64()
            .is_nan());
        assert_eq!(
            (nf::scalar(1.0f64) / nf::scalar(0.0f64)).item_f64(),
            f64::INFINITY
        );
    });
}

#[test]
fn area3_ex4_image_normalisation_dtypes() {
    in_all_modes(|| {
        let images = (nf::arange(32 * 64 * 64 * 3) % 256)
            .astype(nf::uint8)
            .reshape([32, 64, 64, 3]);
        let mean32 = nf::array([0.485f32, 0.456, 0.406]);
        let std32 = nf::array([0.229f32, 0.224, 0.225]);
        let x = ((images.astype(nf::float32) / 255.0 - &mean32) / &std32).permute(&[0, 3, 1, 2]);
        assert_eq!(
            (x.shape().dims(), x.dtype()),
            (&[32usize, 3, 64, 64][..], nf::float32)
        );
        assert_eq!(x.slice(s![0, 0, 0, 0]).item(), nf::Value::F32(-2.117_904));
        // float64 statistics promote the float32 batch to float64
        let mean64 = nf::array([0.485, 0.456, 0.406]);
        let std64 = nf::array([0.229, 0.224, 0.225]);
        let y = (images.astype(nf::float32) / 255.0 - &mean64) / &std64;
        assert_eq!(y.dtype(), nf::float64);
    });
}

#[test]
fn area3_promotion_rules_stated_by_the_seeds() {
    in_all_modes(|| {
        // int / int is float64; int * int stays int64
        let q = nf::array([1, 2]) / nf::array([2, 4]);
        assert_eq!(
            (q.dtype(), q.to_vec::<f64>()),
            (nf::float64, vec![0.5, 0.5])
        );
        assert_eq!((nf::array([1, 2]) * nf::array([3, 4])).dtype(), nf::int64);
        // float32 op float64 array -> float64; float32 op Rust float (weak) -> float32
        let f = nf::array([1.0f32, 2.0]);
        assert_eq!((&f + nf::array([1.0, 2.0])).dtype(), nf::float64);
        assert_eq!((&f * 1.7).dtype(), nf::float32);
        assert_eq!((&f / 255.0).dtype(), nf::float32);
        // uint8 * Rust float -> float64; uint8 + small Rust int wraps modulo 256
        let u = nf::array([250u8, 10]);
        assert_eq!((&u * 1.5).dtype(), nf::float64);
        assert_eq!((&u + 10).to_vec::<u8>(), vec![4, 20]);
        // astype(uint8) truncates toward zero
        assert_eq!(
            nf::array([1.7, 254.9, -0.5])
                .astype(nf::uint8)
                .to_vec::<u8>(),
            vec![1, 254, 0]
        );
        // bool.sum() counts (int64); bool.mean() is a float fraction
        let b = nf::array([true, false, true, true]);
        assert_eq!(b.sum(None).item(), nf::Value::I64(3));
        assert_eq!(b.mean(None).item(), nf::Value::F64(0.75));
        // sqrt of int64 is float64; sum(dtype=float64) accumulates float32 data in float64
        assert_eq!(nf::sqrt([1, 4, 9]).to_vec::<f64>(), vec![1.0, 2.0, 3.0]);
        assert_eq!(
            f.sum(nf::axis(None).dtype(nf::float64)).dtype(),
            nf::float64
        );
        // float32 absorption: 1e8 + 1 - 1e8 == 0 in float32 (erratum E12)
        let g = nf::array([1e8f32]);
        assert_eq!((&g + 1.0 - 1e8).to_vec::<f32>(), vec![0.0]);
        // np.result_type / np.can_cast (safe casting)
        assert_eq!(nf::result_type(&[nf::int64, nf::float32]), nf::float64);
        assert_eq!(nf::result_type(&[nf::uint8, nf::int8]), nf::int16);
        assert_eq!(nf::result_type(&[nf::float16, nf::int16]), nf::float32);
        assert!(nf::can_cast(nf::int64, nf::float64) && nf::can_cast(nf::uint8, nf::int16));
        assert!(!nf::can_cast(nf::float64, nf::int64));
        // float64 -> float32 halves nbytes
        let d = nf::ones([100, 10]);
        assert_eq!(d.astype(nf::float32).nbytes() * 2, d.nbytes());
    });
}
