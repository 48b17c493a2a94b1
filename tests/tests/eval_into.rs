//! `eval_into` (NumPy's `out=`): broadcasting into `out`, same-kind casting, NumPy's errors,
//! and aliasing — `out` may be read by the expression at any index.

use numfuse as nf;
use numfuse::{s, SliceView};

/// Serializes the tests that change the process-wide JIT threshold and thread count.
static GLOBALS: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _g = GLOBALS.lock().unwrap_or_else(|p| p.into_inner());
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

/// Expressions of several kinds (fused elementwise, reductions, views of results, library
/// results, broadcasts) for the direct-write checks.
fn expressions(x: &nf::Array, y: &nf::Array) -> Vec<(&'static str, nf::Array)> {
    vec![
        ("chain", x * 2.0 + y * y - 0.25),
        ("exp", (x * 0.01).exp()),
        ("row sum", x.sum(nf::axis(1))),
        ("transposed", (x + y).transpose()),
        ("matmul", x.matmul(y.transpose())),
        ("broadcast row", x.sum(nf::axis(0)) * 3.0),
        ("softmax", {
            let e = (x - x.max(nf::axis(1).keepdims(true))).exp();
            &e / e.sum(nf::axis(1).keepdims(true))
        }),
    ]
}

fn dims(shape: &[usize]) -> nf::Shape {
    nf::Shape::from(shape)
}

/// A zeroed array of `shape` whose last axis has stride 2 (not C-contiguous).
fn strided(shape: &[usize]) -> nf::NdArray {
    let mut wide = shape.to_vec();
    *wide.last_mut().unwrap() *= 2;
    let full = nf::NdArray::zeros(wide, nf::float64);
    let all = nf::SliceArg::Slice {
        start: None,
        stop: None,
        step: 1,
    };
    let mut args = vec![all; shape.len() - 1];
    args.push(nf::SliceArg::Slice {
        start: None,
        stop: None,
        step: 2,
    });
    full.view(args).unwrap()
}

#[test]
fn direct_writes_match_eval_for_every_layout_and_thread_count() {
    let _g = GLOBALS.lock().unwrap_or_else(|p| p.into_inner());
    nf::set_jit_threshold(0);
    for threads in [1, 2] {
        nf::set_max_threads(threads);
        for (r, c) in [(3, 5), (257, 129), (600, 300)] {
            let x = numfuse_tests::support::ramp(&[r, c], 0.3);
            let y = numfuse_tests::support::ramp(&[r, c], 0.7);
            let wants: Vec<nf::NdArray> =
                expressions(&x, &y).iter().map(|(_, e)| e.eval()).collect();
            for (k, want) in wants.iter().enumerate() {
                let shape: Vec<usize> = want.shape().dims().to_vec();
                // exact layout (direct), a contiguous slice of a larger buffer (direct), a
                // strided view and a float32 array (both copied)
                let big = nf::NdArray::zeros([2 * want.size().max(1)], nf::float64);
                let n = want.size();
                let slots = [
                    nf::NdArray::zeros(shape.clone(), nf::float64),
                    big.view(s![n..2 * n])
                        .unwrap()
                        .reshape(&dims(&shape))
                        .unwrap(),
                    strided(&shape),
                    nf::NdArray::zeros(shape.clone(), nf::float32),
                ];
                for out in &slots {
                    // a fresh expression each time: a computed one would be copied
                    let (name, e) = expressions(&x, &y).swap_remove(k);
                    let before = nf::direct_writes();
                    e.eval_into(out);
                    let got = out.astype(nf::float64);
                    let expect = want.astype(out.dtype()).astype(nf::float64);
                    assert_eq!(
                        got.to_vec::<f64>().unwrap(),
                        expect.to_vec::<f64>().unwrap(),
                        "{name} {r}x{c} into {:?} {}",
                        out.strides(),
                        out.dtype()
                    );
                    let direct = nf::direct_writes() > before;
                    if name == "chain" && out.dtype() == nf::float64 && out.is_c_contiguous() {
                        assert!(direct, "{name}: the kernel should store into out");
                    }
                }
            }
        }
    }
    nf::set_max_threads(2);
    nf::set_jit_threshold(1 << 15);
}

#[test]
fn a_direct_write_is_not_cached_and_the_output_stays_the_callers() {
    let _g = GLOBALS.lock().unwrap_or_else(|p| p.into_inner());
    nf::set_jit_threshold(0);
    let x = nf::arange(1000.0);
    let y = (&x * 2.0).sqrt();
    let out = nf::NdArray::zeros([1000], nf::float64);
    let addr = out.data().as_ptr();
    y.eval_into(&out);
    assert_eq!(out.data().as_ptr(), addr, "written where it was");
    out.fill(-1.0).unwrap();
    // the expression still gives its own value, and out keeps the caller's
    assert_eq!(y.to_vec::<f64>()[8], 4.0);
    assert_eq!(out.to_vec::<f64>().unwrap()[8], -1.0);
    nf::set_jit_threshold(1 << 15);
}
