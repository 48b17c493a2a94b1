//! Bad-input tests for dtypes, indexing, conversions and mutation: out-of-range weak integers,
//! ufuncs without a loop for the input types, index errors, negative integer powers found at
//! evaluation, `item()`/`to_vec` misuse, writes to read-only arrays and ragged nested input.
//!
//! As in `errors.rs`: each is a typed [`nf::Error`] from the `try_` form, the panicking form
//! panics with the same message, every message is an insta snapshot, and each is checked
//! against NumPy 2.4's exact class and text.

use numfuse as nf;
use numfuse::{s, SliceView};
use numfuse_tests::support::{check_error, expect_err, panic_message, stable_locations};

/// NumPy's TypeError text for a ufunc without a loop for its input types.
fn no_loop(ufunc: &str) -> String {
    format!(
        "ufunc '{ufunc}' not supported for the input types, and the inputs could not be safely \
         coerced to any supported types according to the casting rule ''safe''"
    )
}

#[test]
fn weak_integer_out_of_range_for_the_array_dtype() {
    let u = nf::array([1u8, 2]);
    let err = check_error(u.try_add(300), || &u + 300);
    assert_eq!(
        err,
        nf::Error::ScalarOutOfRange {
            value: 300,
            dtype: nf::uint8
        }
    );
    assert_eq!(err.numpy_class(), "OverflowError");
    assert_eq!(
        err.to_string(),
        "Python integer 300 out of bounds for uint8"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(u.try_add(-1), || &u + -1);
    assert_eq!(err.to_string(), "Python integer -1 out of bounds for uint8");
    let i = nf::array([1i8, 2]);
    let err = check_error(i.try_multiply(200), || &i * 200);
    assert_eq!(err.to_string(), "Python integer 200 out of bounds for int8");
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    // in range, it wraps like NumPy
    assert_eq!((&u + 255).to_vec::<u8>(), vec![0, 1]);
}

#[test]
fn ufunc_without_a_loop_for_float_inputs() {
    let (a, b) = (nf::array([1.0, 2.0]), nf::array([3.0, 4.0]));
    let err = check_error(a.try_bitwise_and(&b), || &a & &b);
    assert!(
        matches!(
            &err,
            nf::Error::UnsupportedType {
                op: "bitwise_and",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        (err.numpy_class(), err.to_string()),
        ("TypeError", no_loop("bitwise_and"))
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(a.try_bitwise_or(1), || &a | 1);
    assert!(
        matches!(
            &err,
            nf::Error::UnsupportedType {
                op: "bitwise_or",
                ..
            }
        ),
        "{err:?}"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(a.try_invert(), || !&a);
    assert!(
        matches!(&err, nf::Error::UnsupportedType { op: "invert", .. }),
        "{err:?}"
    );
    assert_eq!(
        (err.numpy_class(), err.to_string()),
        ("TypeError", no_loop("invert"))
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    // on integers and bools they work
    assert_eq!(
        (nf::array([6, 3]) & nf::array([3, 5])).to_vec::<i64>(),
        vec![2, 1]
    );
    assert_eq!(
        (!nf::array([true, false])).to_vec::<bool>(),
        vec![false, true]
    );
}

#[test]
fn index_out_of_range() {
    let a = nf::arange(5);
    let err = check_error(a.try_slice(s![10]), || a.slice(s![10]));
    assert_eq!(
        err,
        nf::Error::IndexOutOfBounds {
            index: 10,
            axis: 0,
            size: 5
        }
    );
    assert_eq!(err.numpy_class(), "IndexError");
    assert_eq!(
        err.to_string(),
        "index 10 is out of bounds for axis 0 with size 5"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(a.try_slice(s![-6]), || a.slice(s![-6]));
    assert_eq!(
        err.to_string(),
        "index -6 is out of bounds for axis 0 with size 5"
    );
    let m = nf::arange(12).reshape([3, 4]);
    let err = check_error(m.try_slice(s![1, 4]), || m.slice(s![1, 4]));
    assert_eq!(
        err.to_string(),
        "index 4 is out of bounds for axis 1 with size 4"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    // the same errors on concrete arrays
    let nd = m.eval();
    assert_eq!(
        expect_err(nd.view(s![1, 4])),
        nf::Error::IndexOutOfBounds {
            index: 4,
            axis: 1,
            size: 4
        }
    );
    assert_eq!(
        expect_err(nd.get(&[3, 0])).to_string(),
        "index 3 is out of bounds for axis 0 with size 3"
    );
    assert_eq!(expect_err(nd.set(&[0, -5], 1)).numpy_class(), "IndexError");
}

#[test]
fn too_many_indices() {
    let a = nf::arange(5);
    let err = check_error(a.try_slice(s![1, 2]), || a.slice(s![1, 2]));
    assert_eq!(err, nf::Error::TooManyIndices { ndim: 1, given: 2 });
    assert_eq!(err.numpy_class(), "IndexError");
    assert_eq!(
        err.to_string(),
        "too many indices for array: array is 1-dimensional, but 2 were indexed"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(a.try_slice(s![1.., 2..]), || a.slice(s![1.., 2..]));
    assert_eq!(err, nf::Error::TooManyIndices { ndim: 1, given: 2 });
    let nd = a.eval();
    assert_eq!(
        expect_err(nd.get(&[1, 2])),
        nf::Error::TooManyIndices { ndim: 1, given: 2 }
    );
    // newaxis does not count as an index
    assert_eq!(
        a.slice(s![newaxis, 1..3, newaxis]).shape().dims(),
        &[1, 2, 1]
    );
}

#[test]
fn bad_slices() {
    let a = nf::arange(5);
    let err = check_error(a.try_slice(s![..;0]), || a.slice(s![..;0]));
    assert_eq!(
        (err.numpy_class(), err.to_string().as_str()),
        ("ValueError", "slice step cannot be zero")
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let err = check_error(a.try_slice(s![..., ...]), || a.slice(s![..., ...]));
    assert_eq!(err.numpy_class(), "IndexError");
    assert_eq!(
        err.to_string(),
        "an index can only have a single ellipsis ('...')"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
}

#[test]
fn len_of_a_zero_dimensional_array_is_a_type_error() {
    let err = expect_err(nf::scalar(1.0).try_len());
    assert_eq!(
        (err.numpy_class(), err.to_string().as_str()),
        ("TypeError", "len() of unsized object")
    );
}

#[test]
fn negative_integer_power_is_an_error_at_evaluation() {
    let mut messages = Vec::new();
    for mode in [nf::Mode::Lazy, nf::Mode::Eager, nf::Mode::Interpret] {
        nf::with_mode(mode, || {
            let (x, e) = (nf::array([2, 3]), nf::array([1, -1]));
            let tried = x.try_power(&e).and_then(|p| p.try_eval());
            let err = check_error(tried, || x.power(&e).eval());
            assert_eq!(err.numpy_class(), "ValueError", "{mode:?}");
            assert_eq!(
                err.to_string(),
                "Integers to negative integer powers are not allowed."
            );
            messages.push(err.to_string());
            let err = check_error(x.try_power(-1).and_then(|p| p.try_eval()), || {
                x.power(-1).eval()
            });
            assert!(matches!(err, nf::Error::Value(_)), "{mode:?}");
            // float exponents are fine
            assert_eq!(x.power(-1.0).to_vec::<f64>(), vec![0.5, 1.0 / 3.0]);
        });
    }
    insta::assert_snapshot!(stable_locations(&messages.join("\n")));
}

#[test]
fn item_of_a_multi_element_array() {
    let a = nf::arange(3);
    let err = check_error(a.try_item(), || a.item());
    assert_eq!(err, nf::Error::NotAScalar { size: 3 });
    assert_eq!(
        err.to_string(),
        "can only convert an array of size 1 to a Python scalar"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    assert_eq!(panic_message(|| a.item_f64()), err.to_string());
    assert_eq!(
        expect_err(a.eval().item()),
        nf::Error::NotAScalar { size: 3 }
    );
    // size-1 arrays of any rank are fine
    assert_eq!(nf::array([[5]]).item(), nf::Value::I64(5));
}

#[test]
fn item_of_a_multi_element_array_is_a_value_error() {
    assert_eq!(
        expect_err(nf::arange(3).try_item()).numpy_class(),
        "ValueError"
    );
}

#[test]
fn to_vec_with_the_wrong_element_type() {
    let a = nf::arange(3);
    let err = check_error(a.try_to_vec::<f64>(), || a.to_vec::<f64>());
    assert!(
        matches!(
            err,
            nf::Error::TypeMismatch {
                expected: nf::DType::Int64,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.numpy_class(), "TypeError");
    assert!(err.to_string().starts_with("array has dtype int64"));
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let f = nf::array([1.0f32]);
    assert!(matches!(
        expect_err(f.try_to_vec::<f64>()),
        nf::Error::TypeMismatch { .. }
    ));
    assert!(matches!(
        expect_err(f.eval().to_vec::<i32>()),
        nf::Error::TypeMismatch { .. }
    ));
}

#[test]
fn writing_into_a_read_only_array() {
    let mut a = nf::arange(4).eval();
    a.set_writeable(false);
    assert!(!a.is_writeable());
    let err = expect_err(a.set(&[0], 1));
    assert_eq!(
        (err.clone(), err.numpy_class()),
        (nf::Error::ReadOnly, "ValueError")
    );
    assert_eq!(err.to_string(), "assignment destination is read-only");
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    assert_eq!(expect_err(a.fill(0)), nf::Error::ReadOnly);
    assert_eq!(
        expect_err(a.assign(&nf::arange(4).eval())),
        nf::Error::ReadOnly
    );
    // views of a read-only array are read-only; the data is unchanged
    assert_eq!(
        expect_err(a.view(s![1..]).unwrap().fill(9)),
        nf::Error::ReadOnly
    );
    assert_eq!(a.to_vec::<i64>().unwrap(), vec![0, 1, 2, 3]);
    // a copy is writeable again
    let c = a.copy();
    c.set(&[0], 7).unwrap();
    assert_eq!(c.to_vec::<i64>().unwrap()[0], 7);
}

#[test]
fn broadcast_views_are_read_only() {
    // np.broadcast_to gives a read-only view
    let nd = nf::arange(3).eval();
    let view = nd.broadcast_to(&nf::Shape::from([2, 3])).unwrap();
    assert!(!view.is_writeable());
    assert_eq!(expect_err(view.fill(0)), nf::Error::ReadOnly);
    assert_eq!(nd.to_vec::<i64>().unwrap(), vec![0, 1, 2]);
    // a lazy broadcast's value must be read-only too, or else a real copy (one write, one element)
    let b = nf::array([1, 2, 3]).broadcast_to([2, 3]).eval();
    match b.set(&[0, 0], 9) {
        Err(err) => assert_eq!(err, nf::Error::ReadOnly),
        Ok(()) => assert_eq!(b.to_vec::<i64>().unwrap(), vec![9, 2, 3, 1, 2, 3]),
    }
}

#[test]
fn assigning_an_array_that_does_not_broadcast() {
    let z = nf::arange(6).reshape([2, 3]).eval();
    let err = expect_err(z.assign(&nf::arange(2).eval()));
    assert_eq!(err.numpy_class(), "ValueError");
    assert_eq!(
        err.to_string(),
        "could not broadcast input array from shape (2,) into shape (2,3)"
    );
    insta::assert_snapshot!(stable_locations(&err.to_string()));
}

#[test]
fn ragged_nested_input() {
    let rows = vec![vec![1.0, 2.0], vec![3.0]];
    let err = check_error(nf::try_array(rows.clone()), || nf::array(rows.clone()));
    assert!(matches!(err, nf::Error::Ragged { .. }), "{err:?}");
    assert_eq!(err.numpy_class(), "ValueError");
    let want =
        "setting an array element with a sequence. The requested array has an inhomogeneous \
                shape after 1 dimensions. The detected shape was (2,) + inhomogeneous part.";
    assert_eq!(err.to_string(), want);
    insta::assert_snapshot!(stable_locations(&err.to_string()));
    let deep = vec![vec![vec![1, 2], vec![3, 4]], vec![vec![1, 2], vec![3]]];
    assert!(matches!(
        expect_err(nf::try_array(deep)),
        nf::Error::Ragged { .. }
    ));
    // rectangular nested Vecs are fine
    let ok = nf::try_array(vec![vec![1.0, 2.0], vec![3.0, 4.0]]).unwrap();
    assert_eq!(ok.shape().dims(), &[2, 2]);
}

#[test]
fn ragged_nested_input_prints_the_detected_shape_like_numpy() {
    let deep = vec![vec![vec![1, 2], vec![3, 4]], vec![vec![1, 2], vec![3]]];
    let want =
        "setting an array element with a sequence. The requested array has an inhomogeneous \
                shape after 2 dimensions. The detected shape was (2, 2) + inhomogeneous part.";
    assert_eq!(expect_err(nf::try_array(deep)).to_string(), want);
}

#[test]
fn arange_with_zero_step() {
    let err = expect_err(nf::try_arange_step(0, 5, 0));
    assert_eq!(
        (err.numpy_class(), err.to_string().as_str()),
        ("ZeroDivisionError", "division by zero")
    );
}
