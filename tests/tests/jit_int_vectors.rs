//! Integer vector lanes: every integer op and fold with a vector form, on every integer dtype,
//! over lengths around the lane counts (vector body, unrolled body, scalar tail), contiguous
//! and broadcast operands — bitwise equal to the interpreter (NumPy's wrap-around semantics).

use numfuse as nf;

fn ints(n: usize, phase: f64, dtype: nf::DType) -> nf::Array {
    // values spanning negatives, zero and the dtype's wrap-around range
    let v: Vec<f64> = (0..n)
        .map(|i| (((i as f64) * 0.618_033_988_75 + phase).fract() * 2.0 - 1.0) * 300.0)
        .collect();
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec([n], v).unwrap());
    nf::Array::from_ndarray(&x.astype(nf::int64).astype(dtype).eval())
}

type Op = fn(&nf::Array, &nf::Array) -> nf::Array;

fn ops() -> Vec<(&'static str, Op)> {
    vec![
        ("negative", |x, _| x.negative()),
        ("abs", |x, _| x.abs()),
        ("square", |x, _| x.square()),
        ("invert", |x, _| x.invert()),
        ("floor", |x, _| x.floor()),
        ("add", |x, y| x + y),
        ("subtract", |x, y| x - y),
        ("multiply", |x, y| x * y),
        ("bitwise_and", |x, y| x.bitwise_and(y)),
        ("bitwise_or", |x, y| x.bitwise_or(y)),
        ("bitwise_xor", |x, y| x.bitwise_xor(y)),
        ("maximum", |x, y| x.maximum(y)),
        ("minimum", |x, y| x.minimum(y)),
        ("fmax", |x, y| x.fmax(y)),
        ("where less", |x, y| nf::where_(x.less(y), x, y)),
        ("where ge/ne", |x, y| {
            nf::where_(x.greater_equal(y).logical_and(x.not_equal(y)), x, y)
        }),
        ("where logical_not", |x, y| {
            nf::where_(x.logical_not(), y, x)
        }),
        ("broadcast scalar", |x, _| x * 3 + 7),
        ("sum", |x, y| (x + y).sum(None)),
        ("max", |x, _| x.max(None)),
        ("min", |x, _| x.min(None)),
        ("prod", |x, _| x.prod(None)),
        ("row sums", |x, _| x.reshape([-1, 1]).sum(1)),
    ]
}

#[test]
fn integer_vector_ops_match_the_interpreter() {
    nf::set_jit_threshold(0);
    let dtypes = [
        nf::int8,
        nf::int16,
        nf::int32,
        nf::int64,
        nf::uint8,
        nf::uint16,
        nf::uint32,
        nf::uint64,
    ];
    for dtype in dtypes {
        for n in [1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 67] {
            let (x, y) = (ints(n, 0.1, dtype), ints(n, 0.7, dtype));
            for (name, f) in ops() {
                let jit = f(&x, &y).astype(nf::int64).eval().to_vec::<i64>().unwrap();
                let interp = nf::with_mode(nf::Mode::Interpret, || {
                    f(&x, &y).astype(nf::int64).eval().to_vec::<i64>().unwrap()
                });
                assert_eq!(jit, interp, "{name} on {dtype} n={n}");
            }
        }
    }
}

#[test]
fn integer_kernels_use_vector_lanes() {
    nf::set_jit_threshold(0);
    for (dtype, lanes) in [
        (nf::int32, "i32x4"),
        (nf::uint8, "i8x16"),
        (nf::int64, "i64x2"),
    ] {
        let (x, y) = (ints(100, 0.1, dtype), ints(100, 0.7, dtype));
        let report = (&x + &y).maximum(&x).explain();
        assert!(report.contains(lanes), "{dtype}: no {lanes} code\n{report}");
    }
}
