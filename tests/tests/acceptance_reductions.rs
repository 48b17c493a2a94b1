//! Seed acceptance examples for reductions and scans with axis / keepdims / ddof / dtype
//! (area 11), in all three evaluation modes.

use numfuse as nf;
use numfuse::s;
use numfuse_tests::support::in_all_modes;

#[test]
fn area11_ex1_sum_mean_max_min() {
    in_all_modes(|| {
        let a = nf::array([[1, 2], [3, 4]]);
        let total = a.sum(None);
        assert_eq!(
            (total.dtype(), total.ndim(), total.item()),
            (nf::int64, 0, nf::Value::I64(10))
        );
        assert_eq!(a.mean(None).item(), nf::Value::F64(2.5));
        assert_eq!(a.max(0).to_vec::<i64>(), vec![3, 4]);
        assert_eq!(a.min(1).to_vec::<i64>(), vec![1, 3]);
        assert_eq!(format!("{}", a.max(0)), "[3 4]");
        assert_eq!(nf::sum(&a, 1).to_vec::<i64>(), vec![3, 7]);
        assert_eq!(nf::max(&a, None).item(), nf::Value::I64(4));
    });
}

#[test]
fn area11_ex2_cumsum_cumprod() {
    in_all_modes(|| {
        let a = nf::array([1, 3, 2, 4]);
        assert_eq!(a.cumsum(None).to_vec::<i64>(), vec![1, 4, 6, 10]);
        assert_eq!(a.cumprod(None).to_vec::<i64>(), vec![1, 3, 6, 24]);
        let b = nf::array([1, 2, 3, 4, 5]);
        assert_eq!(b.cumsum(None).to_vec::<i64>(), vec![1, 3, 6, 10, 15]);
        assert_eq!(b.cumprod(None).to_vec::<i64>(), vec![1, 2, 6, 24, 120]);
        // axis=None flattens; an axis scans along it
        let m = nf::array([[1, 2], [3, 4]]);
        assert_eq!(m.cumsum(None).to_vec::<i64>(), vec![1, 3, 6, 10]);
        assert_eq!(m.cumsum(Some(0)).to_vec::<i64>(), vec![1, 2, 4, 6]);
        let growth = (nf::array([[0.1, 0.1], [0.5, -0.5]]) + 1.0).cumprod(Some(1));
        let g = growth.to_vec::<f64>();
        assert_eq!((g[1], g[3]), (1.1 * 1.1, 0.75));
        // small ints accumulate in int64
        let c = nf::array([100i8, 100, 100]).cumsum(None);
        assert_eq!(
            (c.dtype(), c.to_vec::<i64>()),
            (nf::int64, vec![100, 200, 300])
        );
    });
}

#[test]
fn area11_ex3_argmin_argmax() {
    in_all_modes(|| {
        let m = nf::array([[3, 1, 4], [1, 5, 9], [2, 6, 5]]);
        let amin = m.argmin(Some(1));
        assert_eq!(
            (amin.dtype(), amin.to_vec::<i64>()),
            (nf::int64, vec![1, 0, 0])
        );
        assert_eq!(m.argmax(Some(0)).to_vec::<i64>(), vec![0, 2, 1]);
        let v = nf::array([10, 5, 8, 3, 15, 7, 2, 12]);
        assert_eq!(
            (v.min(None).item(), v.argmin(None).item()),
            (nf::Value::I64(2), nf::Value::I64(6))
        );
        assert_eq!(
            (v.max(None).item(), v.argmax(None).item()),
            (nf::Value::I64(15), nf::Value::I64(4))
        );
        // first occurrence wins; axis=None gives the flat index
        assert_eq!(
            nf::array([1, 3, 3, 0, 0]).argmax(None).item(),
            nf::Value::I64(1)
        );
        assert_eq!(
            nf::array([1, 3, 3, 0, 0]).argmin(None).item(),
            nf::Value::I64(3)
        );
        assert_eq!(m.argmax(None).item(), nf::Value::I64(5));
        assert_eq!(m.argmin(Some(-1)).to_vec::<i64>(), vec![1, 0, 0]);
    });
}

#[test]
fn area11_ex4_axis_shapes_keepdims_ddof() {
    in_all_modes(|| {
        let g = nf::arange(24).reshape([2, 3, 4]);
        assert_eq!(g.sum(0).shape().dims(), &[3, 4]);
        assert_eq!(g.mean(2).shape().dims(), &[2, 3]);
        assert_eq!(g.sum(nf::axis(1).keepdims(true)).shape().dims(), &[2, 1, 4]);
        let x = nf::array([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            x.std(nf::axis(None).ddof(1)).item_f64(),
            1.290_994_448_735_805_6
        );
        assert_eq!(
            x.var(nf::axis(None).ddof(1)).item_f64(),
            1.666_666_666_666_666_7
        );
        assert_eq!(x.var(None).item_f64(), 1.25);
        assert_eq!(nf::std(&x, None).item_f64(), 1.25f64.sqrt());
        // integer input: mean/var/std are float64
        for r in [g.mean(None), g.var(None), g.std(None)] {
            assert_eq!(r.dtype(), nf::float64);
        }
        assert_eq!(g.mean(None).item_f64(), 11.5);
    });
}

#[test]
fn area11_tuple_axes_dtype_and_bool_reductions() {
    in_all_modes(|| {
        // mean over (0,1,2) of an NHWC batch leaves the channels
        let batch = nf::arange(2 * 2 * 2 * 3)
            .astype(nf::float64)
            .reshape([2, 2, 2, 3]);
        let per_channel = batch.mean([0, 1, 2]);
        assert_eq!(per_channel.to_vec::<f64>(), vec![10.5, 11.5, 12.5]);
        // max-pooling by reshape: (4,4) -> (2,2,2,2) -> max over (1,3)
        let img = nf::arange(16).reshape([4, 4]);
        let pooled = img.reshape([2, 2, 2, 2]).max([1, 3]);
        assert_eq!(pooled.to_vec::<i64>(), vec![5, 7, 13, 15]);
        let energy = nf::ones([2, 3, 4]).sum([-2, -1]);
        assert_eq!(energy.to_vec::<f64>(), vec![12.0, 12.0]);
        assert_eq!(
            img.sum(nf::axis([0, 1]).keepdims(true)).shape().dims(),
            &[1, 1]
        );
        // sum(dtype=float64) of float32 data
        let f = nf::array([1.5f32, 2.5, 3.0]);
        let s64 = f.sum(nf::axis(None).dtype(nf::float64));
        assert_eq!(
            (s64.dtype(), s64.item()),
            (nf::float64, nf::Value::F64(7.0))
        );
        assert_eq!(f.sum(None).dtype(), nf::float32);
        // counting with boolean sums; fractions with boolean means
        let y = nf::array([0.0, 1.5, 0.0, 2.0]);
        assert_eq!(y.equal(0.0).sum(None).item(), nf::Value::I64(2));
        assert_eq!(y.gt(1e-10).mean(None).item_f64(), 0.5);
        assert_eq!(y.gt(1.0).any(None).item(), nf::Value::Bool(true));
        assert_eq!(y.gt(1.0).all(None).item(), nf::Value::Bool(false));
        // prod, and uint8 sums widen to uint64
        assert_eq!(
            nf::array([1, 2, 3, 4]).prod(None).item(),
            nf::Value::I64(24)
        );
        let u = nf::array([200u8, 100]).sum(None);
        assert_eq!((u.dtype(), u.item()), (nf::uint64, nf::Value::U64(300)));
    });
}

#[test]
fn area11_ptp_function_form() {
    // erratum E1: ptp is a function (the method was removed in NumPy 2.0)
    in_all_modes(|| {
        let features = nf::array([[1.0, 10.0], [4.0, 30.0], [2.0, 20.0]]);
        assert_eq!(nf::ptp(&features, 0).to_vec::<f64>(), vec![3.0, 20.0]);
        let kept = nf::ptp(&features, nf::axis(0).keepdims(true));
        assert_eq!(kept.shape().dims(), &[1, 2]);
        // min-max scaling with it
        let lo = features.min(nf::axis(0).keepdims(true));
        let scaled = (&features - &lo) / &kept;
        assert_eq!(
            scaled.slice(s![.., 0]).to_vec::<f64>(),
            vec![0.0, 1.0, 1.0 / 3.0]
        );
        assert_eq!(nf::ptp([5, 1, 9], None).item(), nf::Value::I64(8));
    });
}
