//! Bad-input tests for shapes, axes, reshapes and reductions: every error is a typed
//! [`nf::Error`] from the `try_` form with NumPy's exception class and wording, the panicking
//! form panics with the same message, and every message is an insta snapshot
//! (`tests/tests/snapshots/errors__*.snap`).
//!
//! Every message is checked against NumPy 2.4's exact class and text. Dtype, index,
//! conversion and mutation errors are in `errors_values.rs`.

use numfuse as nf;
use numfuse_tests::support::{check_error, expect_err, panic_message, stable_locations};

#[test]
fn broadcast_mismatch_names_shapes_and_origins() {
    let a = nf::ones([3, 4]);
    let b = nf::ones([3]);
    let err = check_error(a.try_add(&b), || &a + &b);
    match &err {
        nf::Error::Broadcast { shapes, origins } => {
            assert_eq!(shapes, &[nf::Shape::from([3, 4]), nf::Shape::from([3])]);
            assert_eq!(origins, &[Some(a.origin()), Some(b.origin())]);
        }
        other => panic!("wrong variant {other:?}"),
    }
    assert_eq!(err.numpy_class(), "ValueError");
    let msg = err.to_string();
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines.len(), 3, "{msg}");
    // NumPy's exact message (each shape followed by a space), then numfuse's origin lines
    assert_eq!(
        lines[0],
        "operands could not be broadcast together with shapes (3,4) (3,) "
    );
    assert_eq!(
        lines[1],
        format!("  operand 0 with shape (3,4) was created at {}", a.origin())
    );
    assert_eq!(
        lines[2],
        format!("  operand 1 with shape (3,) was created at {}", b.origin())
    );
    insta::assert_snapshot!(stable_locations(&msg));
}

#[test]
fn broadcast_mismatch_names_the_creation_site_of_converted_operands() {
    // int64 + float64: the int operand is cast first, but the message must still point at
    // the line that created it, not at the `+`
    let ints = nf::arange(12).reshape([3, 4]);
    let floats = nf::ones([3]);
    let err = check_error(ints.try_add(&floats), || &ints + &floats);
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "operand 0 with shape (3,4) was created at {}",
            ints.origin()
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "operand 1 with shape (3,) was created at {}",
            floats.origin()
        )),
        "{msg}"
    );
}

#[test]
fn broadcast_mismatch_table_rows_and_three_operands() {
    let (a, b) = (nf::zeros([2, 3]), nf::zeros([2, 4]));
    let err = check_error(a.try_multiply(&b), || &a * &b);
    assert!(matches!(err, nf::Error::Broadcast { .. }));
    assert!(err
        .to_string()
        .starts_with("operands could not be broadcast together with shapes (2,3) (2,4) \n"));
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    // where(cond, x, y) lists all three shapes, like NumPy: (2,3) (4,) ()
    let (cond, x, y) = (nf::ones([2, 3]).gt(0.0), nf::ones([4]), nf::scalar(0.0));
    let err = check_error(nf::try_where(&cond, &x, &y), || nf::where_(&cond, &x, &y));
    assert!(err
        .to_string()
        .starts_with("operands could not be broadcast together with shapes (2,3) (4,) () \n"));
    insta::assert_snapshot!(stable_locations(&err.to_string()));
}

#[test]
fn axis_out_of_bounds() {
    let x = nf::ones([2, 3]);
    let cases = [
        (
            x.try_sum(2),
            "axis 2 is out of bounds for array of dimension 2",
        ),
        (
            x.try_mean(-3),
            "axis -3 is out of bounds for array of dimension 2",
        ),
        (
            x.try_argmax(Some(2)),
            "axis 2 is out of bounds for array of dimension 2",
        ),
        (
            x.try_cumsum(Some(2)),
            "axis 2 is out of bounds for array of dimension 2",
        ),
        (
            nf::ones([3]).try_expand_dims(3),
            "axis 3 is out of bounds for array of dimension 2",
        ),
        (
            nf::ones([1, 3]).try_squeeze(Some(2)),
            "axis 2 is out of bounds for array of dimension 2",
        ),
    ];
    for (r, want) in cases {
        let err = expect_err(r);
        assert!(matches!(err, nf::Error::AxisOutOfBounds { .. }), "{err:?}");
        assert_eq!(
            (err.numpy_class(), err.to_string().as_str()),
            ("AxisError", want)
        );
    }
    let err = check_error(x.try_sum(2), || x.sum(2));
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    assert_eq!(
        panic_message(|| x.argmax(Some(2))),
        "axis 2 is out of bounds for array of dimension 2"
    );
}

#[test]
fn axis_out_of_bounds_in_swapaxes_and_moveaxis() {
    let x = nf::ones([2, 3]);
    let err = check_error(x.try_swapaxes(0, 5), || x.swapaxes(0, 5));
    assert_eq!(err.numpy_class(), "AxisError", "{err:?}");
    // NumPy names the argument that is out of range
    assert_eq!(
        err.to_string(),
        "axis2: axis 5 is out of bounds for array of dimension 2"
    );
    let first = expect_err(x.try_swapaxes(-3, 0)).to_string();
    assert_eq!(
        first,
        "axis1: axis -3 is out of bounds for array of dimension 2"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(x.try_moveaxis(0, 2), || x.moveaxis(0, 2));
    assert_eq!(err.numpy_class(), "AxisError", "{err:?}");
    assert_eq!(
        err.to_string(),
        "destination: axis 2 is out of bounds for array of dimension 2"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = expect_err(x.try_moveaxis(-3, 0));
    assert_eq!(
        err.to_string(),
        "source: axis -3 is out of bounds for array of dimension 2"
    );
}

#[test]
fn repeated_axes() {
    let x = nf::ones([2, 3]);
    for r in [x.try_sum([0, 0]), x.try_max([1, -1]), x.try_mean([0, 0])] {
        let err = expect_err(r);
        assert_eq!(
            (err.clone(), err.numpy_class()),
            (nf::Error::RepeatedAxis, "ValueError")
        );
    }
    let err = check_error(x.try_sum([1, -1]), || x.sum([1, -1]));
    assert_eq!(err.to_string(), "duplicate value in 'axis'");
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(x.try_permute(&[0, 0]), || x.permute(&[0, 0]));
    assert_eq!(err.numpy_class(), "ValueError");
    assert_eq!(err.to_string(), "repeated axis in transpose");
    insta::assert_snapshot!(stable_locations(&err.to_string()));
}

#[test]
fn reshape_to_a_different_size() {
    let x = nf::arange(6);
    let err = check_error(x.try_reshape([4, 2]), || x.reshape([4, 2]));
    assert!(matches!(err, nf::Error::Reshape { size: 6, .. }));
    assert_eq!(err.numpy_class(), "ValueError");
    assert_eq!(
        err.to_string(),
        "cannot reshape array of size 6 into shape (4,2)"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let one = expect_err(x.try_reshape([4]));
    assert_eq!(
        one.to_string(),
        "cannot reshape array of size 6 into shape (4,)"
    );
    let err = check_error(nf::arange(7).try_reshape([2, -1]), || {
        nf::arange(7).reshape([2, -1])
    });
    assert!(matches!(err, nf::Error::Reshape { size: 7, .. }));
    assert_eq!(
        err.to_string(),
        "cannot reshape array of size 7 into shape (2,newaxis)"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(x.try_reshape([-1, -1]), || x.reshape([-1, -1]));
    assert_eq!(
        (err.numpy_class(), err.to_string().as_str()),
        ("ValueError", "can only specify one unknown dimension")
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(nf::ones([2, 3]).try_permute(&[0]), || {
        nf::ones([2, 3]).permute(&[0])
    });
    assert_eq!(err.to_string(), "axes don't match array");
    insta::assert_snapshot!(stable_locations(&err.to_string()));
}

#[test]
fn reductions_without_identity_over_empty_arrays() {
    let empty = nf::array(Vec::<f64>::new());
    let err = check_error(empty.try_max(None), || empty.max(None));
    assert!(matches!(err, nf::Error::EmptyReduction { .. }));
    assert_eq!(err.numpy_class(), "ValueError");
    assert_eq!(
        err.to_string(),
        "zero-size array to reduction operation maximum which has no identity"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(empty.try_min(None), || empty.min(None));
    assert_eq!(
        err.to_string(),
        "zero-size array to reduction operation minimum which has no identity"
    );
    let err = check_error(nf::zeros([0, 3]).try_max(0), || nf::zeros([0, 3]).max(0));
    assert!(matches!(err, nf::Error::EmptyReduction { .. }));
    let err = check_error(empty.try_argmax(None), || empty.argmax(None));
    assert!(matches!(err, nf::Error::EmptyReduction { .. }));
    assert_eq!(
        (err.numpy_class(), err.to_string().as_str()),
        ("ValueError", "attempt to get argmax of an empty sequence")
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(empty.try_argmin(None), || empty.argmin(None));
    assert_eq!(
        err.to_string(),
        "attempt to get argmin of an empty sequence"
    );
    let err = check_error(empty.try_ptp(None), || nf::ptp(&empty, None));
    assert_eq!(
        err.to_string(),
        "zero-size array to reduction operation maximum which has no identity"
    );
    // reductions with an identity are fine on empty input
    assert_eq!(empty.sum(None).item_f64(), 0.0);
    assert_eq!(nf::zeros([3, 0]).max(0).shape().dims(), &[0]);
}

#[test]
fn squeeze_of_an_axis_longer_than_one() {
    let x = nf::ones([2, 3]);
    let err = check_error(x.try_squeeze(Some(0)), || x.squeeze(Some(0)));
    assert_eq!(err.numpy_class(), "ValueError");
    assert_eq!(
        err.to_string(),
        "cannot select an axis to squeeze out which has size not equal to one"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
}

#[test]
fn broadcast_to_an_incompatible_shape() {
    let x = nf::ones([3]);
    let err = check_error(x.try_broadcast_to([4]), || x.broadcast_to([4]));
    assert!(matches!(err, nf::Error::BroadcastTo { .. }), "{err:?}");
    assert_eq!(err.numpy_class(), "ValueError");
    let want = "operands could not be broadcast together with remapped shapes [original->remapped]: (3,)  and requested shape (4,)";
    assert_eq!(err.to_string(), want);
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let m = nf::ones([2, 3]);
    let err = check_error(m.try_broadcast_to([3, 3]), || m.broadcast_to([3, 3]));
    assert!(err
        .to_string()
        .ends_with("(2,3)  and requested shape (3,3)"));
    // broadcasting to fewer dimensions is also an error
    assert!(matches!(
        expect_err(m.try_broadcast_to([3])),
        nf::Error::BroadcastTo { .. }
    ));
}

#[test]
fn diag_of_a_three_dimensional_array() {
    let x = nf::ones([2, 2, 2]);
    let err = check_error(nf::try_diag(&x, 0), || nf::diag(&x, 0));
    assert_eq!(
        (err.numpy_class(), err.to_string().as_str()),
        ("ValueError", "Input must be 1- or 2-d.")
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
}
