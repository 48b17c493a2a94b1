//! Seed acceptance examples for basic indexing and slicing (area 4) and shape manipulation
//! (area 14) on lazy arrays, in all three evaluation modes.
//!
//! The view-versus-copy halves of area 4 (writes through views, `shares_memory`) are in
//! `views.rs`, on concrete `NdArray`s.

use numfuse as nf;
use numfuse::s;
use numfuse_tests::support::in_all_modes;

/// The shape as a `Vec` (short to compare).
fn dims(x: &nf::Array) -> Vec<usize> {
    x.shape().dims().to_vec()
}

// ---------------------------------------------------------------- Area 4: basic indexing

#[test]
fn area4_ex1_one_dimensional_indexing() {
    in_all_modes(|| {
        let a = nf::array([10, 20, 30, 40, 50, 60, 70, 80]);
        // a[2] and a[-1] are scalars (0-d), not views (erratum E11)
        assert_eq!(
            (a.slice(s![2]).ndim(), a.slice(s![2]).item()),
            (0, nf::Value::I64(30))
        );
        assert_eq!(a.slice(s![-1]).item(), nf::Value::I64(80));
        assert_eq!(a.slice(s![1..5]).to_vec::<i64>(), vec![20, 30, 40, 50]);
        assert_eq!(a.slice(s![..;3]).to_vec::<i64>(), vec![10, 40, 70]);
        let r = a.slice(s![..;-1]);
        assert_eq!(r.to_vec::<i64>(), vec![80, 70, 60, 50, 40, 30, 20, 10]);
        assert_eq!(format!("{r}"), "[80 70 60 50 40 30 20 10]");
    });
}

#[test]
fn area4_ex2_two_dimensional_indexing() {
    in_all_modes(|| {
        let m = nf::arange(16).reshape([4, 4]);
        assert_eq!(m.slice(s![2, 1]).item(), nf::Value::I64(9));
        let block = m.slice(s![1..3, 1..3]);
        assert_eq!(
            (dims(&block), block.to_vec::<i64>()),
            (vec![2, 2], vec![5, 6, 9, 10])
        );
        assert_eq!(m.slice(s![.., -1]).to_vec::<i64>(), vec![3, 7, 11, 15]);
        assert_eq!(m.slice(s![0]).to_vec::<i64>(), vec![0, 1, 2, 3]);
        assert_eq!(m.slice(s![0, ..]).to_vec::<i64>(), vec![0, 1, 2, 3]);
        assert_eq!(m.slice(s![-1, -1]).item(), nf::Value::I64(15));

        let a = nf::arange(10);
        assert_eq!(a.slice(s![2..7]).to_vec::<i64>(), vec![2, 3, 4, 5, 6]);
        assert_eq!(a.slice(s![..;2]).to_vec::<i64>(), vec![0, 2, 4, 6, 8]);
        let m = nf::arange(12).reshape([3, 4]);
        assert_eq!(m.slice(s![1, 2]).item(), nf::Value::I64(6));
        assert_eq!(m.slice(s![.., 1]).to_vec::<i64>(), vec![1, 5, 9]);
        let t = nf::array([[1, 2], [3, 4]]);
        assert_eq!(t.slice(s![0, 1]).item(), nf::Value::I64(2));
        assert_eq!(t.slice(s![.., 0]).to_vec::<i64>(), vec![1, 3]);
        let cube = nf::arange(24).reshape([2, 3, 4]);
        assert_eq!(cube.slice(s![0, 1, 2]).item(), nf::Value::I64(6));
    });
}

#[test]
fn area4_ex5_practice_slices_and_diagonal() {
    in_all_modes(|| {
        let m = nf::arange(36).reshape([6, 6]);
        assert_eq!(
            m.slice(s![2..4, 2..4]).to_vec::<i64>(),
            vec![14, 15, 20, 21]
        );
        assert_eq!(nf::diag(&m, 0).to_vec::<i64>(), vec![0, 7, 14, 21, 28, 35]);
        assert_eq!(m.slice(s![-1, ..;2]).to_vec::<i64>(), vec![30, 32, 34]);
        let rows = nf::arange(25).reshape([5, 5]).slice(s![-1..;-2]);
        assert_eq!(dims(&rows), vec![3, 5]);
        let want: Vec<i64> = [20, 10, 0].iter().flat_map(|&r| r..r + 5).collect();
        assert_eq!(rows.to_vec::<i64>(), want);
    });
}

#[test]
// `s![5..1;-1]` is NumPy's `a[5:1:-1]`; the lint assumes Rust iteration order
fn area4_slice_forms_used_by_the_seeds() {
    in_all_modes(|| {
        let images = nf::zeros([32, 28, 28]);
        assert_eq!(dims(&images.slice(s![0])), vec![28, 28]);
        assert_eq!(dims(&images.slice(s![.., ..14, ..14])), vec![32, 14, 14]);
        let rgb = nf::arange(50 * 60 * 3).reshape([50, 60, 3]);
        assert_eq!(dims(&rgb.slice(s![.., .., 0])), vec![50, 60]);
        assert_eq!(dims(&rgb.slice(s![10..40, 15..50, ..])), vec![30, 35, 3]);
        let flip = rgb.slice(s![.., ..;-1, ..]);
        assert_eq!(flip.slice(s![0, 0, 0]).item(), nf::Value::I64(59 * 3));
        let x = nf::arange(12).reshape([4, 3]);
        assert_eq!(dims(&x.slice(s![.., 0..1])), vec![4, 1]);
        let prices = nf::array([100.0, 102.0, 99.0, 105.0]);
        let ret = (prices.slice(s![1..]) - prices.slice(s![..-1])) / prices.slice(s![..-1]);
        assert_eq!(ret.to_vec::<f64>(), vec![0.02, -3.0 / 102.0, 6.0 / 99.0]);
        assert_eq!(dims(&x.slice(s![..3, ..])), vec![3, 3]);
        assert_eq!(dims(&x.slice(s![.., newaxis, ..])), vec![4, 1, 3]);
        assert_eq!(dims(&x.slice(s![..., newaxis])), vec![4, 3, 1]);
        assert_eq!(x.slice(s![..., 1]).to_vec::<i64>(), vec![1, 4, 7, 10]);
        // negative steps with bounds: a[5:1:-1], a[::-2], a[-3:], a[:-7:-2]
        let a = nf::arange(10);
        assert_eq!(a.slice(s![5..1;-1]).to_vec::<i64>(), vec![5, 4, 3, 2]);
        assert_eq!(a.slice(s![..;-2]).to_vec::<i64>(), vec![9, 7, 5, 3, 1]);
        assert_eq!(a.slice(s![-3..]).to_vec::<i64>(), vec![7, 8, 9]);
        assert_eq!(a.slice(s![..-7;-2]).to_vec::<i64>(), vec![9, 7, 5]);
        // Python clamps out-of-range slice bounds
        assert_eq!(nf::arange(5).slice(s![3..100]).to_vec::<i64>(), vec![3, 4]);
        assert_eq!(nf::arange(5).slice(s![4..1]).size(), 0);
    });
}

// ---------------------------------------------------------------- Area 14: shape manipulation

#[test]
fn area14_ex1_reshape_ravel_flatten_transpose() {
    in_all_modes(|| {
        let r = nf::arange(6).reshape([2, 3]);
        assert_eq!(
            (dims(&r), r.to_vec::<i64>()),
            (vec![2, 3], vec![0, 1, 2, 3, 4, 5])
        );
        assert_eq!(format!("{r}"), "[[0 1 2]\n [3 4 5]]");
        let a = nf::array([[1, 2], [3, 4]]);
        assert_eq!(a.ravel().to_vec::<i64>(), vec![1, 2, 3, 4]);
        assert_eq!(a.flatten().to_vec::<i64>(), vec![1, 2, 3, 4]);
        assert_eq!(a.t().to_vec::<i64>(), vec![1, 3, 2, 4]);
        assert_eq!(format!("{}", a.t()), "[[1 3]\n [2 4]]");
        // ravel of a transpose is in C order of the transposed array
        assert_eq!(a.t().ravel().to_vec::<i64>(), vec![1, 3, 2, 4]);
    });
}

#[test]
fn area14_ex2_reshape_with_inferred_dimension() {
    in_all_modes(|| {
        assert_eq!(dims(&nf::arange(12).reshape([2, -1])), vec![2, 6]);
        assert_eq!(dims(&nf::arange(24).reshape([6, -1])), vec![6, 4]);
        assert_eq!(dims(&nf::arange(24).reshape([4, 6]).t()), vec![6, 4]);
        let flat = nf::arange(24).flatten();
        assert_eq!(dims(&flat.reshape([-1, 1])), vec![24, 1]);
        assert_eq!(dims(&flat.reshape([1, -1])), vec![1, 24]);
    });
}

#[test]
fn area14_ex3_transpose_swapaxes_moveaxis() {
    in_all_modes(|| {
        assert_eq!(dims(&nf::zeros([2, 3]).t()), vec![3, 2]);
        let images = nf::zeros([10, 28, 28]);
        assert_eq!(dims(&images.permute(&[0, 2, 1])), vec![10, 28, 28]);
        assert_eq!(
            dims(&nf::zeros([4, 3, 2, 5]).swapaxes(1, 2)),
            vec![4, 2, 3, 5]
        );
        assert_eq!(
            dims(&nf::zeros([8, 16, 32]).moveaxis(1, -1)),
            vec![8, 32, 16]
        );
        // values, not just shapes
        let x = nf::arange(6).reshape([1, 2, 3]);
        assert_eq!(x.swapaxes(1, 2).to_vec::<i64>(), vec![0, 3, 1, 4, 2, 5]);
        assert_eq!(x.moveaxis(0, -1).to_vec::<i64>(), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(x.moveaxis(2, 0).to_vec::<i64>(), vec![0, 3, 1, 4, 2, 5]);
        assert_eq!(dims(&x.permute(&[-1, 0, 1])), vec![3, 1, 2]);
    });
}

#[test]
fn area14_ex4_flatten_batches_and_nhwc_to_nchw() {
    in_all_modes(|| {
        let batch = nf::zeros([32, 64, 64, 3]);
        assert_eq!(dims(&batch.reshape([32, -1])), vec![32, 12288]);
        assert_eq!(dims(&batch.permute(&[0, 3, 1, 2])), vec![32, 3, 64, 64]);
        let r = nf::arange(60).reshape([3, 4, 5]).permute(&[2, 1, 0]);
        assert_eq!(dims(&r), vec![5, 4, 3]);
        assert_eq!(
            r.flatten().slice(s![..6]).to_vec::<i64>(),
            vec![0, 20, 40, 5, 25, 45]
        );
        assert_eq!(r.t().to_vec::<i64>(), (0..60).collect::<Vec<i64>>());
    });
}

#[test]
fn area14_newaxis_and_expand_dims() {
    in_all_modes(|| {
        let a = nf::array([1, 2, 3]);
        assert_eq!(dims(&a.slice(s![.., newaxis])), vec![3, 1]);
        assert_eq!(dims(&a.slice(s![newaxis, ..])), vec![1, 3]);
        assert_eq!(dims(&a.expand_dims(1)), vec![3, 1]);
        assert_eq!(dims(&a.expand_dims(-1)), vec![3, 1]);
        assert_eq!(dims(&a.expand_dims(0)), vec![1, 3]);
        let s = a.slice(s![newaxis, .., newaxis]).squeeze(None);
        assert_eq!((dims(&s), s.to_vec::<i64>()), (vec![3], vec![1, 2, 3]));
        assert_eq!(dims(&nf::zeros([1, 3, 1]).squeeze(Some(0))), vec![3, 1]);
        // pts[:, None, :] - pts[None, :, :] is the pairwise difference tensor
        let pts = nf::array([[0.0, 0.0], [3.0, 4.0]]);
        let diff = pts.slice(s![.., newaxis, ..]) - pts.slice(s![newaxis, .., ..]);
        assert_eq!(dims(&diff), vec![2, 2, 2]);
        let dist = (&diff * &diff).sum(-1).sqrt();
        assert_eq!(dist.to_vec::<f64>(), vec![0.0, 5.0, 5.0, 0.0]);
    });
}
