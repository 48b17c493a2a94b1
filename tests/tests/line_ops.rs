//! Line ops (`runtime/src/exec/lines.rs`): inside a row-blocked segment, a kernel
//! `x ⊙ c[row]` (`+ - * /`, either operand order) runs through the ahead-of-time
//! `vmath::line_*` routines, and absorbs a following transcendental of its result
//! (softmax's `exp(x - max)`). Checked: which kernels take the path (explain says so), that
//! the bits equal those of the compiled kernels (`set_line_ops(false)`) for 1 and 2 threads,
//! float64 and float32, rows shorter and longer than the per-line threshold and rows that
//! are not a multiple of the vector width, large outputs written with non-temporal stores,
//! and the row sums of a line step's result taken over by the line step; views the path does not take still agree; and the results match the interpreter.

use numfuse as nf;
use numfuse_tests::support::{ramp, same_bits_with_and_without};
use std::sync::Mutex;

/// Serialises the tests of this file: they flip the process-wide line-op switch.
static SWITCH: Mutex<()> = Mutex::new(());

type Expr = fn(&nf::Array) -> nf::Array;

/// `x` evaluated into an input array (so that the kernels under test read it directly).
fn materialized(x: nf::Array) -> nf::Array {
    nf::Array::from_ndarray(&x.eval())
}

fn softmax(x: &nf::Array) -> nf::Array {
    let e = (x - x.max(nf::axis(-1).keepdims(true))).exp();
    &e / e.sum(nf::axis(-1).keepdims(true))
}

#[test]
fn softmax_divides_and_subtracts_through_line_ops_with_the_same_bits() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let cases: [(&str, &[usize], nf::DType); 4] = [
        ("softmax 512x1024", &[512, 1024], nf::float64),
        ("softmax rows of 1001", &[300, 1001], nf::float64),
        ("softmax rows of 40", &[6000, 40], nf::float64),
        ("softmax float32", &[512, 1024], nf::float32),
    ];
    for (name, shape, dtype) in cases {
        let x = materialized((ramp(shape, 0.3) * 20.0).astype(dtype));
        let text = same_bits_with_and_without(name, &x, softmax);
        assert!(
            text.contains("line op x / c"),
            "{name}: division not a line op\n{text}"
        );
        assert!(
            text.contains("line op x - c at full vector width, then exp in place"),
            "{name}: exp(x - max) not one line op\n{text}"
        );
        assert!(
            text.contains("fused into the line op before it"),
            "{name}\n{text}"
        );
        // rows long enough for exp per line also get their sums in the same pass
        assert_eq!(
            text.contains("row sums taken in the line op before it"),
            shape[1] >= 256,
            "{name}: row sums\n{text}"
        );
    }
}

/// Outputs of 8 MB and more are written with non-temporal stores where the CPU has them
/// (rows of 1001 elements start at every alignment, so the streamed routine's plain-store
/// head and tail run too): the same bits as the compiled kernels and the plain stores.
#[test]
fn large_outputs_stream_with_the_same_bits() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let cases: [(&str, &[usize], nf::DType); 2] = [
        ("softmax 1100x1001 float64", &[1100, 1001], nf::float64),
        ("softmax 2200x1001 float32", &[2200, 1001], nf::float32),
    ];
    for (name, shape, dtype) in cases {
        let x = materialized((ramp(shape, 0.7) * 30.0).astype(dtype));
        let text = same_bits_with_and_without(name, &x, softmax);
        let streams = numfuse_codegen::vmath::streams();
        assert_eq!(
            text.contains("line op x / c at full vector width, non-temporal stores"),
            streams,
            "{name}\n{text}"
        );
        // a smaller output of the same shape of graph keeps plain stores
        let small = materialized((ramp(&[100, 1001], 0.7) * 30.0).astype(dtype));
        let text = softmax(&small).explain();
        assert!(!text.contains("non-temporal"), "{name} small\n{text}");
    }
}

#[test]
fn every_operand_order_and_op_takes_the_path_or_agrees() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let x = materialized(ramp(&[400, 700], 0.1) * 4.0 + 5.0);
    let cases: [(&str, Expr, Option<&str>); 7] = [
        (
            "c - x then exp",
            |x| {
                let m = x.max(nf::axis(-1).keepdims(true));
                let e = (&m - x).exp();
                &e * e.sum(nf::axis(-1).keepdims(true))
            },
            Some("line op c - x at full vector width, then exp"),
        ),
        (
            "log(x + c) and its row sums",
            |x| {
                let m = x.min(nf::axis(-1).keepdims(true));
                let e = (x + &m).log();
                &e - e.sum(nf::axis(-1).keepdims(true))
            },
            Some("row sums taken in the line op before it"),
        ),
        (
            "c / x",
            |x| {
                let e = x.exp();
                e.sum(nf::axis(-1).keepdims(true)) / &e
            },
            Some("line op c / x"),
        ),
        (
            "x + c",
            |x| {
                let e = x.log();
                &e + e.sum(nf::axis(-1).keepdims(true))
            },
            Some("line op x + c"),
        ),
        (
            "3-D rows",
            |x| {
                let c = x.reshape([40, 10, 700]);
                let e = (&c - c.max(nf::axis(-1).keepdims(true))).exp();
                &e / e.sum(nf::axis(-1).keepdims(true))
            },
            Some("line op x / c"),
        ),
        // a reversed and a stepped view of the rows: not contiguous along the line
        (
            "reversed rows",
            |x| softmax(&x.slice(nf::s![.., ..;-1])),
            None,
        ),
        (
            "stepped rows",
            |x| softmax(&x.slice(nf::s![.., ..;2])),
            None,
        ),
    ];
    for (name, f, marker) in cases {
        let text = same_bits_with_and_without(name, &x, f);
        if let Some(m) = marker {
            assert!(text.contains(m), "{name}: expected `{m}`\n{text}");
        }
    }
}
