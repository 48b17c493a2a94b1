//! View-versus-copy semantics on concrete [`nf::NdArray`]s (area 4 of `seed_inventory.md`)
//! and the value semantics of lazy [`nf::Array`]s built from them.
//!
//! NumPy's rules: basic slicing, transposing and (where possible) reshaping give views that share
//! memory with their base, so writes through a view are seen by the base; `copy`/`flatten`
//! give independent arrays. A lazy array snapshots the concrete arrays it reads, so later
//! writes never change its result. Strides and contiguity flags are in `views_layout.rs`.

use numfuse as nf;
use numfuse::{s, SliceView};

/// A concrete int64 `arange(n)`.
fn arange(n: i64) -> nf::NdArray {
    nf::arange(n).eval()
}

fn ints(a: &nf::NdArray) -> Vec<i64> {
    a.to_vec::<i64>().unwrap()
}

fn floats(a: &nf::NdArray) -> Vec<f64> {
    a.to_vec::<f64>().unwrap()
}

#[test]
fn area4_ex3_write_through_slice_view_changes_base() {
    let a = arange(10);
    let v = a.view(s![2..6]).unwrap();
    assert!(v.is_view());
    v.set(&[0], 99).unwrap();
    assert_eq!(ints(&a), vec![0, 1, 99, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(ints(&v), vec![99, 3, 4, 5]);
    assert!(nf::shares_memory(&a, &v));
    // an explicit copy is independent
    let c = a.view(s![2..6]).unwrap().copy();
    assert!(!nf::shares_memory(&a, &c));
    assert!(!c.is_view());
    c.set(&[0], -1).unwrap();
    assert_eq!(a.get(&[2]).unwrap(), nf::Value::I64(99));
    // a reshape of a contiguous array is a view
    let r = a.reshape(&nf::Shape::from([2, 5])).unwrap();
    assert!(nf::shares_memory(&a, &r) && r.is_view());
    r.set(&[1, 4], 1000).unwrap();
    assert_eq!(a.get(&[-1]).unwrap(), nf::Value::I64(1000));
}

#[test]
fn area4_ex4_strided_view_and_column_view_writes() {
    let arr = nf::arange(16).astype(nf::float64).reshape([4, 4]).eval();
    let view = arr.view(s![..;2, ..;2]).unwrap();
    assert_eq!(view.shape().dims(), &[2, 2]);
    assert!(nf::shares_memory(&arr, &view));
    view.set(&[0, 0], 999.0).unwrap();
    assert_eq!(arr.get(&[0, 0]).unwrap(), nf::Value::F64(999.0));
    view.set(&[1, 1], -1.0).unwrap();
    assert_eq!(arr.get(&[2, 2]).unwrap(), nf::Value::F64(-1.0));

    let base = nf::arange(6).reshape([2, 3]).eval();
    let cols = base.view(s![.., 1..]).unwrap();
    cols.set(&[0, 0], 999).unwrap();
    assert_eq!(ints(&base), vec![0, 999, 2, 3, 4, 5]);
}

#[test]
fn erratum_e6_view_of_step_slice_writes_the_right_element() {
    // arr = np.arange(20, dtype=float); arr[2:10:2][0] = 999 writes arr[2]; arr[0] stays 0
    let arr = nf::arange(20).astype(nf::float64).eval();
    let view = arr.view(s![2..10;2]).unwrap();
    assert_eq!(floats(&view), vec![2.0, 4.0, 6.0, 8.0]);
    view.set(&[0], 999.0).unwrap();
    assert_eq!(arr.get(&[2]).unwrap(), nf::Value::F64(999.0));
    assert_eq!(arr.get(&[0]).unwrap(), nf::Value::F64(0.0));
    let arr2 = arr.copy();
    arr2.set(&[0], -1.0).unwrap();
    assert_eq!(arr.get(&[0]).unwrap(), nf::Value::F64(0.0));
    // reshape of a contiguous array is a view: writes reach the base
    let arr3 = arange(12);
    let reshaped = arr3.reshape(&nf::Shape::from([3, 4])).unwrap();
    reshaped.set(&[0, 0], -1).unwrap();
    assert_eq!(arr3.get(&[0]).unwrap(), nf::Value::I64(-1));
}

#[test]
fn zeros_ones_full_evaluate_to_fresh_contiguous_arrays() {
    for x in [nf::zeros([12]), nf::ones([12]), nf::full([12], 7.0)] {
        let nd = x.eval();
        assert_eq!(nd.strides(), vec![8]);
        assert!(nd.is_c_contiguous() && !nd.is_view() && nd.is_writeable());
        nd.set(&[3], 999.0).unwrap();
        let v = floats(&nd);
        assert_eq!(v.iter().filter(|&&e| e == 999.0).count(), 1, "{v:?}");
    }
    let img = nf::ones([2, 6, 6]).eval();
    img.view(s![.., 2..5, 2..5]).unwrap().fill(0.0).unwrap();
    assert_eq!(nf::Array::from_ndarray(&img).sum(None).item_f64(), 54.0);
}

#[test]
fn shares_memory_and_may_share_memory() {
    let a = arange(10);
    let (lo, hi) = (a.view(s![..5]).unwrap(), a.view(s![5..]).unwrap());
    // disjoint halves of one buffer: may share (same extent), do not share
    assert!(!nf::shares_memory(&lo, &hi));
    assert!(nf::may_share_memory(&a, &lo));
    let (even, odd) = (a.view(s![..;2]).unwrap(), a.view(s![1..;2]).unwrap());
    assert!(!nf::shares_memory(&even, &odd));
    assert!(nf::shares_memory(&a.view(s![..;-1]).unwrap(), &a));
    // transposes share memory; flatten copies; ravel of a contiguous array does not
    let m = nf::arange(12).reshape([3, 4]).eval();
    assert!(nf::shares_memory(&m, &m.t()));
    assert!(m.t().is_view());
    assert!(!nf::shares_memory(&m, &m.flatten()));
    assert!(nf::shares_memory(&m, &m.ravel()));
    // ravel of a non-contiguous view must copy
    assert!(!nf::shares_memory(&m, &m.t().ravel()));
    assert_eq!(
        ints(&m.t().ravel()),
        vec![0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]
    );
    // unrelated arrays never share
    assert!(!nf::shares_memory(&arange(3), &arange(3)));
}

#[test]
fn views_of_views_compose_offsets_and_strides() {
    let a = arange(10);
    let even = a.view(s![..;2]).unwrap();
    let picked = even.view(s![1..;2]).unwrap();
    assert_eq!((ints(&picked), picked.strides()), (vec![2, 6], vec![32]));
    picked.set(&[1], -6).unwrap();
    assert_eq!(a.get(&[6]).unwrap(), nf::Value::I64(-6));
    let last3 = a.view(s![..;-1]).unwrap().view(s![..3]).unwrap();
    assert_eq!((ints(&last3), last3.strides()), (vec![9, 8, 7], vec![-8]));
    last3.fill(0).unwrap();
    assert_eq!(ints(&a)[7..], [0, 0, 0]);
    let t = nf::arange(12).reshape([3, 4]).eval().t();
    let row = t.view(s![1]).unwrap();
    assert_eq!((ints(&row), row.strides()), (vec![1, 5, 9], vec![32]));
}

#[test]
fn integer_index_views_and_newaxis_views_share_memory() {
    let m = nf::arange(12).reshape([3, 4]).eval();
    let row = m.view(s![1]).unwrap();
    assert_eq!(
        (row.shape().dims(), ints(&row)),
        (&[4usize][..], vec![4, 5, 6, 7])
    );
    row.fill(0).unwrap();
    assert_eq!(ints(&m), vec![0, 1, 2, 3, 0, 0, 0, 0, 8, 9, 10, 11]);
    let col = m.view(s![.., newaxis, 2]).unwrap();
    assert_eq!(col.shape().dims(), &[3, 1]);
    col.set(&[2, 0], 42).unwrap();
    assert_eq!(m.get(&[2, 2]).unwrap(), nf::Value::I64(42));
    // all-integer indexing gives a 0-d view; get() reads an element
    let cell = m.view(s![0, 3]).unwrap();
    assert_eq!((cell.ndim(), cell.item().unwrap()), (0, nf::Value::I64(3)));
}

#[test]
fn fill_assign_and_slice_assignment() {
    // img_batch[:, 2:5, 2:5] = 0 (copy(): see zeros_ones_full_evaluate_to_fresh_contiguous_arrays)
    let img = nf::ones([2, 6, 6]).eval().copy();
    img.view(s![.., 2..5, 2..5]).unwrap().fill(0.0).unwrap();
    let sum = nf::Array::from_ndarray(&img).sum(None).item_f64();
    assert_eq!(sum, 72.0 - 18.0);
    assert_eq!(img.get(&[1, 4, 4]).unwrap(), nf::Value::F64(0.0));
    assert_eq!(img.get(&[1, 5, 4]).unwrap(), nf::Value::F64(1.0));
    // assign broadcasts a row into every row, casting int64 to float64
    let z = nf::zeros([2, 3]).eval().copy();
    z.assign(&nf::array([1, 2, 3]).eval()).unwrap();
    assert_eq!(floats(&z), vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
    // out[:, :, c] = ... through a view; J[:, j] = column
    let out = nf::zeros([2, 2, 3]).astype(nf::uint8).eval().copy();
    out.view(s![.., .., 1])
        .unwrap()
        .assign(&nf::array([[7u8], [9]]).eval())
        .unwrap();
    assert_eq!(
        out.to_vec::<u8>().unwrap(),
        vec![0, 7, 0, 0, 7, 0, 0, 9, 0, 0, 9, 0]
    );
    // fill converts with astype rules
    let f = nf::zeros([3]).astype(nf::int64).eval().copy();
    f.fill(2.9).unwrap();
    assert_eq!(ints(&f), vec![2, 2, 2]);
    // overlapping self-assignment behaves as if the source were copied first
    let a = arange(6);
    a.view(s![1..])
        .unwrap()
        .assign(&a.view(s![..5]).unwrap())
        .unwrap();
    assert_eq!(ints(&a), vec![0, 0, 1, 2, 3, 4]);
}

#[test]
fn crop_paste_within_one_array() {
    // batch[i, :ch, :cw, :] = batch[i, y0:y0+ch, x0:x0+cw, :]
    let batch = nf::arange(2 * 4 * 4).reshape([2, 4, 4, 1]).eval();
    let src = batch.view(s![0, 2..4, 1..3, ..]).unwrap();
    batch
        .view(s![0, ..2, ..2, ..])
        .unwrap()
        .assign(&src)
        .unwrap();
    let first = batch.view(s![0, .., .., 0]).unwrap();
    assert_eq!(ints(&first)[..8], [9, 10, 2, 3, 13, 14, 6, 7]);
    assert_eq!(ints(&batch.view(s![1, 0, 0, 0]).unwrap()), vec![16]);
}

#[test]
fn lazy_arrays_snapshot_their_concrete_inputs() {
    let nd = nf::arange(3).astype(nf::float64).eval();
    let x = nf::Array::from_ndarray(&nd);
    let y = &x * 2.0;
    nd.set(&[0], 100.0).unwrap();
    assert_eq!(y.to_vec::<f64>(), vec![0.0, 2.0, 4.0]);
    assert_eq!(x.to_vec::<f64>(), vec![0.0, 1.0, 2.0]);
    // the array handed back by eval() is a fresh snapshot too
    let got = y.eval();
    got.fill(-1.0).unwrap();
    assert_eq!(y.to_vec::<f64>(), vec![0.0, 2.0, 4.0]);
}

#[test]
fn writing_through_a_view_does_not_change_a_pending_graph() {
    for mode in [nf::Mode::Lazy, nf::Mode::Eager, nf::Mode::Interpret] {
        nf::with_mode(mode, || {
            let base = nf::arange(10).astype(nf::float64).eval();
            let total = nf::Array::from_ndarray(&base).sum(None);
            let doubled = nf::asarray(&base) * 2.0;
            base.view(s![..5]).unwrap().fill(0.0).unwrap();
            assert_eq!(total.item_f64(), 45.0, "{mode:?}");
            assert_eq!(doubled.to_vec::<f64>()[1], 2.0, "{mode:?}");
            // a new graph sees the new values
            assert_eq!(
                nf::Array::from_ndarray(&base).sum(None).item_f64(),
                35.0,
                "{mode:?}"
            );
        });
    }
}

#[test]
fn views_of_lazy_results_do_not_alias_the_graph_value() {
    let x = nf::arange(6).reshape([2, 3]);
    let nd = x.eval();
    nd.view(s![0]).unwrap().fill(7).unwrap();
    assert_eq!(ints(&nd)[..3], [7, 7, 7]);
    assert_eq!(x.to_vec::<i64>(), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(ints(&x.eval()), vec![0, 1, 2, 3, 4, 5]);
}
