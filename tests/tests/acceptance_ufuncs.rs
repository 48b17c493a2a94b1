//! Seed acceptance examples for arithmetic, comparison and logical ufuncs (area 7) and
//! transcendental and elementwise math (area 8), in all three evaluation modes.

use numfuse as nf;
use numfuse_tests::support::{assert_close, in_all_modes};

// ---------------------------------------------------------------- Area 7: operators

#[test]
fn area7_ex1_elementwise_arithmetic() {
    in_all_modes(|| {
        let (a, b) = (nf::array([1, 2, 3]), nf::array([4, 5, 6]));
        assert_eq!((&a + &b).to_vec::<i64>(), vec![5, 7, 9]);
        assert_eq!((&a * &b).to_vec::<i64>(), vec![4, 10, 18]);
        let sq = a.power(2);
        assert_eq!((sq.dtype(), sq.to_vec::<i64>()), (nf::int64, vec![1, 4, 9]));
        assert_eq!(
            (nf::array([1, 2]) * nf::array([3, 4])).to_vec::<i64>(),
            vec![3, 8]
        );
        assert_eq!(format!("{}", &a + &b), "[5 7 9]");
    });
}

#[test]
fn area7_ex2_hadamard_product_and_clip() {
    in_all_modes(|| {
        let p = nf::array([[1, 2], [3, 4]]) * nf::array([[5, 6], [7, 8]]);
        assert_eq!(p.to_vec::<i64>(), vec![5, 12, 21, 32]);
        assert_eq!(format!("{p}"), "[[ 5 12]\n [21 32]]");
        let c = nf::clip(nf::array([1, 5, 10]), 0, 5);
        assert_eq!((c.dtype(), c.to_vec::<i64>()), (nf::int64, vec![1, 5, 5]));
    });
}

#[test]
fn area7_ex3_practice_operations_abs_sign() {
    in_all_modes(|| {
        let (a, b) = (nf::array([1, 4, 9, 16]), nf::array([2, 2, 3, 4]));
        assert_eq!((&a + &b).to_vec::<i64>(), vec![3, 6, 12, 20]);
        assert_eq!((&a * &b).to_vec::<i64>(), vec![2, 8, 27, 64]);
        assert_eq!(a.power(2).to_vec::<i64>(), vec![1, 16, 81, 256]);
        assert_eq!(a.clip(2, 10).to_vec::<i64>(), vec![2, 4, 9, 10]);
        let x = nf::array([-3, -1, 0, 1, 3]);
        assert_eq!(x.abs().to_vec::<i64>(), vec![3, 1, 0, 1, 3]);
        assert_eq!(x.sign().to_vec::<i64>(), vec![-1, -1, 0, 1, 1]);
        assert_eq!((-&x).to_vec::<i64>(), vec![3, 1, 0, -1, -3]);
    });
}

#[test]
fn area7_ex4_safe_division_and_scalar_broadcasting() {
    in_all_modes(|| {
        // np.divide(num, den, out=zeros, where=den != 0), written with where_
        let (num, den) = (nf::array([3, 4, 5]), nf::array([1, 2, 0]));
        let safe = nf::where_(den.not_equal(0), &num / &den, 0.0);
        assert_eq!(
            (safe.dtype(), safe.to_vec::<f64>()),
            (nf::float64, vec![3.0, 2.0, 0.0])
        );
        let f = nf::array([0.0, 12.5, 37.0]) * 9 / 5 + 32;
        assert_eq!(f.to_vec::<f64>(), vec![32.0, 54.5, 98.6]);
        assert_eq!(format!("{f}"), "[32.  54.5 98.6]");
        let v = nf::array([1.0, 2.0, 3.0, 4.0]);
        assert_eq!((&v * 2).to_vec::<f64>(), vec![2.0, 4.0, 6.0, 8.0]);
        assert_eq!((&v + 10).to_vec::<f64>(), vec![11.0, 12.0, 13.0, 14.0]);
        assert_eq!(v.power(2).to_vec::<f64>(), vec![1.0, 4.0, 9.0, 16.0]);
        assert_eq!(format!("{}", v.power(2)), "[ 1.  4.  9. 16.]");
        assert_eq!((2.0 * &v - 1.0).to_vec::<f64>(), vec![1.0, 3.0, 5.0, 7.0]);
    });
}

#[test]
fn area7_comparisons_logic_remainder_floor_divide() {
    in_all_modes(|| {
        let x = nf::array([1, 5, 3, 7]);
        let gt = x.gt(3);
        assert_eq!(
            (gt.dtype(), gt.to_vec::<bool>()),
            (nf::bool_, vec![false, true, false, true])
        );
        assert_eq!(x.lt(5).to_vec::<bool>(), vec![true, false, true, false]);
        assert_eq!(x.equal(3).to_vec::<bool>(), vec![false, false, true, false]);
        assert_eq!(x.ge(5).to_vec::<bool>(), vec![false, true, false, true]);
        assert_eq!((!x.gt(3)).to_vec::<bool>(), vec![true, false, true, false]);
        assert_eq!(
            (x.gt(1) & x.lt(7)).to_vec::<bool>(),
            vec![false, true, true, false]
        );
        assert_eq!(
            (x.lt(2) | x.gt(6)).to_vec::<bool>(),
            vec![true, false, false, true]
        );
        assert_eq!(
            (x.gt(1) ^ x.gt(4)).to_vec::<bool>(),
            vec![false, false, true, false]
        );
        // Python's sign rules for % and // (result takes the divisor's sign)
        let m = nf::array([7, -7, 14]) % 12;
        assert_eq!(m.to_vec::<i64>(), vec![7, 5, 2]);
        assert_eq!((nf::array([7, -7]) % -3).to_vec::<i64>(), vec![-2, -1]);
        assert_eq!(
            nf::array([7, -7]).floor_divide(2).to_vec::<i64>(),
            vec![3, -4]
        );
        assert_eq!(
            (nf::array([-7.5, 7.5]) % 2.0).to_vec::<f64>(),
            vec![0.5, 1.5]
        );
        // maximum / minimum (ReLU), reciprocal, square
        let z = nf::array([-1.0, 0.5, 2.0]);
        assert_eq!(nf::maximum(0.0, &z).to_vec::<f64>(), vec![0.0, 0.5, 2.0]);
        assert_eq!(nf::minimum(&z, 1.0).to_vec::<f64>(), vec![-1.0, 0.5, 1.0]);
        assert_eq!(z.reciprocal().to_vec::<f64>(), vec![-1.0, 2.0, 0.5]);
        assert_eq!(z.square().to_vec::<f64>(), vec![1.0, 0.25, 4.0]);
        assert_eq!(
            nf::array([1.234, 5.678]).round(2).to_vec::<f64>(),
            vec![1.23, 5.68]
        );
        // round half to even, like NumPy
        assert_eq!(
            nf::array([0.5, 1.5, 2.5, -0.5]).round(0).to_vec::<f64>(),
            vec![0.0, 2.0, 2.0, -0.0]
        );
    });
}

// ---------------------------------------------------------------- Area 8: elementwise math

#[test]
#[allow(clippy::approx_constant)] // 2.718 is NumPy's rounded output, not a constant
fn area8_ex1_sqrt_log_exp() {
    in_all_modes(|| {
        let r = nf::sqrt([1, 2, 3]);
        assert_close(&r.to_vec::<f64>(), &[1.0, 2f64.sqrt(), 3f64.sqrt()], 0.0);
        assert_eq!(format!("{r}"), "[1.         1.41421356 1.73205081]");
        let a = nf::array([1, 4, 9, 16]);
        assert_eq!(a.sqrt().to_vec::<f64>(), vec![1.0, 2.0, 3.0, 4.0]);
        let l = a.log().round(3);
        assert_eq!(l.to_vec::<f64>(), vec![0.0, 1.386, 2.197, 2.773]);
        assert_eq!(format!("{l}"), "[0.    1.386 2.197 2.773]");
        let e = nf::exp([0, 1, 2]).round(3);
        assert_eq!(e.to_vec::<f64>(), vec![1.0, 2.718, 7.389]);
        assert_eq!(format!("{e}"), "[1.    2.718 7.389]");
    });
}

#[test]
fn area8_ex2_sin_cos_on_linspace() {
    in_all_modes(|| {
        let x = nf::linspace(-std::f64::consts::PI, std::f64::consts::PI, 5);
        let s = x.sin().round(2);
        assert_eq!(s.to_vec::<f64>(), vec![-0.0, -1.0, 0.0, 1.0, 0.0]);
        assert!(
            s.to_vec::<f64>()[0].is_sign_negative(),
            "sin(-pi).round(2) is -0.0"
        );
        assert_eq!(format!("{s}"), "[-0. -1.  0.  1.  0.]");
        let c = x.cos().round(2);
        assert_eq!(c.to_vec::<f64>(), vec![-1.0, 0.0, 1.0, 0.0, -1.0]);
        assert_eq!(format!("{c}"), "[-1.  0.  1.  0. -1.]");
    });
}

#[test]
fn area8_ex3_pythagorean_identity_and_arcsin() {
    in_all_modes(|| {
        let deg = nf::array([0.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0]);
        let r = deg.radians();
        let manual = &deg * std::f64::consts::PI / 180.0;
        assert_close(&r.to_vec::<f64>(), &manual.to_vec::<f64>(), 1e-15);
        let one = r.sin().square() + r.cos().square();
        assert_close(&one.to_vec::<f64>(), &[1.0; 7], 1e-15);
        let p = std::f64::consts::PI;
        let angles = nf::array([0.0, p / 6.0, p / 4.0, p / 3.0, p / 2.0]);
        let back = angles.sin().arcsin().round(3);
        assert_eq!(back.to_vec::<f64>(), vec![0.0, 0.524, 0.785, 1.047, 1.571]);
    });
}

#[test]
fn area8_ex4_exp_log_family_on_linspace() {
    in_all_modes(|| {
        let x = nf::linspace(0.1, 2.0, 5);
        assert_close(&x.to_vec::<f64>(), &[0.1, 0.575, 1.05, 1.525, 2.0], 1e-15);
        let r3 = |y: nf::Array| y.round(3).to_vec::<f64>();
        assert_eq!(r3(x.exp()), vec![1.105, 1.777, 2.858, 4.595, 7.389]);
        assert_eq!(r3(x.log()), vec![-2.303, -0.553, 0.049, 0.422, 0.693]);
        assert_eq!(r3(x.log2()), vec![-3.322, -0.798, 0.07, 0.609, 1.0]);
        assert_eq!(r3(x.log10()), vec![-1.0, -0.24, 0.021, 0.183, 0.301]);
        assert_eq!(r3(x.sqrt()), vec![0.316, 0.758, 1.025, 1.235, 1.414]);
        assert_eq!(r3(x.cbrt()), vec![0.464, 0.832, 1.016, 1.151, 1.26]);
        // log1p is accurate for tiny x; log(1 + x) is not (NumPy's exact float64 results)
        assert_eq!(
            nf::log1p([1e-10]).to_vec::<f64>(),
            vec![9.999_999_999_500_001e-11]
        );
        assert_eq!(
            nf::log([1.0 + 1e-10]).to_vec::<f64>(),
            vec![1.000_000_082_690_371e-10]
        );
    });
}

#[test]
fn area8_dtypes_and_special_values() {
    in_all_modes(|| {
        // float32 stays float32 through transcendental functions
        let f = nf::array([0.0f32, 1.0]);
        for y in [f.sin(), f.cos(), f.exp(), f.sqrt(), f.log1p()] {
            assert_eq!(y.dtype(), nf::float32);
        }
        // log of non-positive numbers gives -inf and nan, sqrt(-1) nan
        let l = nf::log([0.0, -1.0]).to_vec::<f64>();
        assert_eq!(l[0], f64::NEG_INFINITY);
        assert!(l[1].is_nan());
        assert!(nf::sqrt([-1.0]).to_vec::<f64>()[0].is_nan());
        assert_eq!(nf::tan([0.0]).to_vec::<f64>(), vec![0.0]);
        assert_close(&nf::log2([8.0]).to_vec::<f64>(), &[3.0], 0.0);
        assert_close(
            &[nf::array([std::f64::consts::E]).log().item_f64()],
            &[1.0],
            0.0,
        );
    });
}
