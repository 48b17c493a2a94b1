//! `eval_into` (NumPy's `out=`): broadcasting into `out`, same-kind casting, NumPy's errors,
//! and aliasing — `out` may be read by the expression at any index.

use numfuse as nf;
use numfuse::{s, SliceView};

fn nd(v: Vec<f64>) -> nf::NdArray {
    let n = v.len();
    nf::NdArray::from_vec([n], v).unwrap()
}

#[test]
fn writes_broadcasts_and_casts_like_numpy() {
    for mode in [nf::Mode::Lazy, nf::Mode::Eager, nf::Mode::Interpret] {
        nf::with_mode(mode, || {
            let out = nf::NdArray::zeros([2, 3], nf::float32);
            (&nf::arange(3.0) * 2.0).eval_into(&out);
            assert_eq!(out.to_vec::<f32>().unwrap(), vec![0., 2., 4., 0., 2., 4.]);
            // int result into a float output: same kind or safe
            let outf = nf::NdArray::zeros([3], nf::float64);
            nf::arange(3).eval_into(&outf);
            assert_eq!(outf.to_vec::<f64>().unwrap(), vec![0., 1., 2.]);
        });
    }
}

#[test]
fn reading_the_output_at_other_indices_is_safe() {
    for mode in [nf::Mode::Lazy, nf::Mode::Eager, nf::Mode::Interpret] {
        nf::with_mode(mode, || {
            nf::set_jit_threshold(0);
            let buf = nd(vec![0., 1., 2., 3., 4.]);
            let x = nf::Array::from_ndarray(&buf);
            // np.add(a[::-1], a, out=a) gives [4, 4, 4, 4, 4]
            (x.slice(s![..;-1]) + &x).eval_into(&buf);
            assert_eq!(buf.to_vec::<f64>().unwrap(), vec![4.; 5]);
            // shifted: out[1:] = a[:-1] * 10 through a view of the same buffer
            let buf = nd(vec![1., 2., 3., 4.]);
            let x = nf::Array::from_ndarray(&buf);
            let dst = buf.view(s![1..]).unwrap();
            (x.slice(s![..-1]) * 10.0).eval_into(&dst);
            assert_eq!(buf.to_vec::<f64>().unwrap(), vec![1., 10., 20., 30.]);
            nf::set_jit_threshold(1 << 15);
        });
    }
}

#[test]
fn bad_outputs_get_numpy_errors() {
    let r = nf::arange(3.0) * 1.5;
    let ints = nf::NdArray::zeros([3], nf::int64);
    let e = r.try_eval_into(&ints).unwrap_err();
    assert_eq!(e.numpy_class(), "TypeError");
    assert_eq!(
        e.to_string(),
        "Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'same_kind'"
    );
    let small = nf::NdArray::zeros([3], nf::float64);
    let e = (nf::zeros([2, 3]) + 1.0).try_eval_into(&small).unwrap_err();
    assert_eq!(e.numpy_class(), "ValueError");
    assert_eq!(
        e.to_string(),
        "non-broadcastable output operand with shape (3,) doesn't match the broadcast shape (2,3)"
    );
    let mut ro = nf::NdArray::zeros([3], nf::float64);
    ro.set_writeable(false);
    let e = r.try_eval_into(&ro).unwrap_err();
    assert_eq!(e.to_string(), "output array is read-only");
}
