//! Memory layout: strides in bytes, C/F order, contiguity flags, `ascontiguousarray` /
//! `asfortranarray` and `base` (area 25 of `seed_inventory.md`, with erratum E5 corrected:
//! `np.array([[1,2,3],[4,5,6]])` is int64, so its strides are (24, 8) in C order and (8, 16)
//! in F order).

use numfuse as nf;
use numfuse::{s, SliceView};

/// `np.arange(n, dtype=dtype).reshape(shape)` as a concrete array.
fn arange_as(n: i64, dtype: nf::DType, shape: &[isize]) -> nf::NdArray {
    nf::arange(n).astype(dtype).reshape(shape).eval()
}

#[test]
fn area25_ex1_float64_strides_c_and_f_order() {
    let a = arange_as(12, nf::float64, &[3, 4]);
    assert_eq!((a.strides(), a.itemsize()), (vec![32, 8], 8));
    assert!(a.is_c_contiguous() && !a.is_f_contiguous());
    let c = nf::ascontiguousarray(&a);
    assert_eq!(c.strides(), vec![32, 8]);
    assert!(c.is_c_contiguous());
    let f = nf::asfortranarray(&a);
    assert_eq!(f.strides(), vec![8, 24]);
    assert!(f.is_f_contiguous() && !f.is_c_contiguous());
    assert_eq!(f.to_vec::<f64>().unwrap(), a.to_vec::<f64>().unwrap());
    let t = a.t();
    assert_eq!(t.strides(), vec![8, 32]);
    assert!(nf::shares_memory(&a, &t) && t.is_view());
    assert!(t.is_f_contiguous() && !t.is_c_contiguous());
}

#[test]
fn area25_ex1_lazy_transpose_reports_view_strides() {
    for mode in [nf::Mode::Lazy, nf::Mode::Eager, nf::Mode::Interpret] {
        nf::with_mode(mode, || {
            let a = nf::arange(12.0).reshape([3, 4]);
            assert_eq!(a.dtype(), nf::float64);
            assert_eq!(a.strides(), vec![32, 8], "{mode:?}");
            assert_eq!(a.t().strides(), vec![8, 32], "{mode:?}");
            assert_eq!(
                nf::arange(24.0).reshape([2, 3, 4]).strides(),
                vec![96, 32, 8],
                "{mode:?}"
            );
        });
    }
}

#[test]
fn creation_functions_have_c_strides() {
    assert_eq!(nf::zeros([3, 4]).strides(), vec![32, 8]);
    assert_eq!(
        nf::ones([2, 3]).astype(nf::float32).copy().strides(),
        vec![12, 4]
    );
    assert_eq!(nf::full([2, 2], 7).strides(), vec![16, 8]);
    assert!(nf::zeros([3, 4]).eval().is_c_contiguous());
}

#[test]
fn area25_ex2_int64_c_and_f_order() {
    let data = [[1, 2, 3], [4, 5, 6]];
    let arr_c = nf::array_order(data, nf::Order::C);
    let arr_f = nf::array_order(data, nf::Order::F);
    assert_eq!(arr_c.dtype(), nf::int64);
    assert_eq!(arr_c.strides(), vec![24, 8]);
    assert_eq!(arr_f.strides(), vec![8, 16]);
    assert!(arr_c.is_c_contiguous() && arr_f.is_f_contiguous());
    assert!(!arr_c.is_f_contiguous() && !arr_f.is_c_contiguous());
    assert_eq!(arr_f.to_vec::<i64>().unwrap(), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(nf::asfortranarray(&arr_c).strides(), vec![8, 16]);
    // T is a view of arr_c (T.base is arr_c); ascontiguousarray(T) is C-contiguous
    let t = arr_c.t();
    assert!(t.is_view() && nf::shares_memory(&t, &arr_c));
    let tc = nf::ascontiguousarray(&t);
    assert!(tc.is_c_contiguous() && !nf::shares_memory(&tc, &arr_c));
    assert_eq!(tc.strides(), vec![16, 8]);
    assert_eq!(tc.to_vec::<i64>().unwrap(), vec![1, 4, 2, 5, 3, 6]);
    // already-contiguous input comes back as itself (no copy)
    assert!(nf::shares_memory(&nf::ascontiguousarray(&arr_c), &arr_c));
    assert!(nf::shares_memory(&nf::asfortranarray(&arr_f), &arr_f));
    // stride[k] = itemsize * prod(shape[k+1:])
    assert_eq!(
        arange_as(24, nf::float64, &[2, 3, 4]).strides(),
        vec![96, 32, 8]
    );
}

#[test]
fn area25_ex4_float32_base_transpose_and_strided_view() {
    let b = arange_as(16, nf::float64, &[4, 4]);
    assert!(!b.t().is_c_contiguous());
    assert!(nf::ascontiguousarray(&b.t()).is_c_contiguous());

    let base = arange_as(24, nf::float32, &[4, 6]);
    assert_eq!(base.strides(), vec![24, 4]);
    assert!(base.is_c_contiguous());
    let t = base.t();
    assert_eq!(t.strides(), vec![4, 24]);
    assert!(t.is_f_contiguous() && !t.is_c_contiguous());
    let sub = base.view(s![..;2, ..;2]).unwrap();
    assert_eq!(
        (sub.shape().dims(), sub.strides()),
        (&[2usize, 3][..], vec![48, 8])
    );
    assert!(!sub.is_c_contiguous() && !sub.is_f_contiguous());
    // base = arange(24).reshape(4, 6) is itself a view of the arange: all three have a base
    let flat = nf::arange(24).astype(nf::float32).eval();
    let reshaped = flat.reshape(&nf::Shape::from([4, 6])).unwrap();
    assert!(reshaped.is_view() && reshaped.t().is_view());
    assert!(reshaped.view(s![..;2, ..;2]).unwrap().is_view());
    assert!(!flat.is_view());
}

#[test]
fn flags_of_special_shapes_and_views() {
    // 1-D contiguous arrays are both C- and F-contiguous; so are size-1 axes
    let v = arange_as(5, nf::float64, &[5]);
    assert!(v.is_c_contiguous() && v.is_f_contiguous());
    let col = arange_as(3, nf::float64, &[3, 1]);
    assert!(col.is_c_contiguous() && col.is_f_contiguous());
    // a reversed view has a negative stride and is not contiguous
    let r = v.view(s![..;-1]).unwrap();
    assert_eq!(r.strides(), vec![-8]);
    assert!(!r.is_c_contiguous());
    assert_eq!(r.to_vec::<f64>().unwrap(), vec![4.0, 3.0, 2.0, 1.0, 0.0]);
    // a row slice of a C array stays C-contiguous; a column slice does not
    let m = arange_as(12, nf::int32, &[3, 4]);
    assert_eq!(m.strides(), vec![16, 4]);
    assert!(m.view(s![1..3]).unwrap().is_c_contiguous());
    let c = m.view(s![.., 1]).unwrap();
    assert_eq!(c.strides(), vec![16]);
    assert!(!c.is_c_contiguous());
    // a broadcast view has stride 0 on stretched axes
    let b = arange_as(3, nf::float64, &[3])
        .broadcast_to(&nf::Shape::from([2, 3]))
        .unwrap();
    assert_eq!(b.strides(), vec![0, 8]);
    // reshape of a transpose cannot be a view: NumPy copies
    let (copied, is_view) = m.t().reshape_view_or_copy(&nf::Shape::from([12])).unwrap();
    assert!(!is_view && !nf::shares_memory(&copied, &m));
    assert_eq!(copied.to_vec::<i32>().unwrap()[..4], [0, 4, 8, 1]);
    // a copy in F order keeps values and flips the flags
    let f = m.copy_order(nf::Order::F);
    assert_eq!(f.strides(), vec![4, 12]);
    assert_eq!(f.to_vec::<i32>().unwrap(), m.to_vec::<i32>().unwrap());
}

#[test]
fn diagonal_and_newaxis_views() {
    let m = arange_as(9, nf::float64, &[3, 3]);
    let d = m.diagonal(0).unwrap();
    assert_eq!(
        (d.strides(), d.to_vec::<f64>().unwrap()),
        (vec![32], vec![0.0, 4.0, 8.0])
    );
    assert!(nf::shares_memory(&d, &m));
    let up = m.diagonal(1).unwrap();
    assert_eq!(up.to_vec::<f64>().unwrap(), vec![1.0, 5.0]);
    let e = m.view(s![newaxis, .., 1]).unwrap();
    assert_eq!(e.shape().dims(), &[1, 3]);
    assert_eq!(e.to_vec::<f64>().unwrap(), vec![1.0, 4.0, 7.0]);
    assert!(nf::shares_memory(&e, &m));
}
