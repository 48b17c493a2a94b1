//! Chain steps (`runtime/src/exec/chain.rs`): inside a row-blocked segment, a kernel of one
//! to four `+ - * /` with scalar constants on one contiguous array (sigmoid's `1 / (1 + e)`)
//! runs as ahead-of-time line ops at full vector width. Checked: which kernels take the path
//! (explain says so), that the bits equal those of the compiled kernels
//! (`set_line_ops(false)`) for 1 and 2 threads, float64 and float32, either operand order,
//! lengths that are not a multiple of the tile or the vector width, non-finite values; and
//! the results match the interpreter; outputs of 8 MB or more are written with non-temporal
//! stores, with the same bits.

use numfuse as nf;
use numfuse_tests::support::{ramp, same_bits_with_and_without};
use std::sync::Mutex;

/// Serialises the tests of this file: they flip the process-wide line-op switch.
static SWITCH: Mutex<()> = Mutex::new(());

type Expr = fn(&nf::Array) -> nf::Array;

fn sigmoid(x: &nf::Array) -> nf::Array {
    1.0 / (1.0 + (-x).exp())
}

fn three_ops(x: &nf::Array) -> nf::Array {
    2.0 / ((-x).exp() + 0.5) - 4.0
}

fn four_ops(x: &nf::Array) -> nf::Array {
    (3.0 - (-x).exp() * 1.5) / 7.0 + 0.25
}

#[test]
fn constant_chains_run_as_line_ops_with_the_same_bits() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let cases: [(&str, Expr, &str); 3] = [
        ("sigmoid", sigmoid, "line ops c + x, then c / x"),
        (
            "three ops",
            three_ops,
            "line ops x + c, then c / x, then x - c",
        ),
        (
            "four ops",
            four_ops,
            "line ops x * c, then c - x, then x / c, then x + c",
        ),
    ];
    for (name, f, ops) in cases {
        for (n, dtype) in [
            (100_003, nf::float64),
            (70_001, nf::float32),
            (1 << 17, nf::float64),
        ] {
            let x = nf::Array::from_ndarray(&(ramp(&[n], 0.001) * 40.0).astype(dtype).eval());
            let text = same_bits_with_and_without(name, &x, f);
            assert!(text.contains(ops), "{name} {n}: no chain step:\n{text}");
        }
    }
}

#[test]
fn chains_keep_the_bits_of_non_finite_values() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let mut v: Vec<f64> = (0..50_000).map(|i| (i as f64 - 25_000.0) * 0.05).collect();
    for (i, s) in [
        f64::NAN,
        f64::INFINITY,
        -f64::INFINITY,
        -0.0,
        0.0,
        -800.0,
        800.0,
    ]
    .into_iter()
    .enumerate()
    {
        v[i * 997] = s;
    }
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec(vec![50_000], v).expect("shape"));
    for (name, f) in [("sigmoid", sigmoid as Expr), ("three ops", three_ops)] {
        let text = same_bits_with_and_without(name, &x, f);
        assert!(text.contains("line ops"), "{name}: no chain step:\n{text}");
    }
}

#[test]
fn large_outputs_are_streamed_with_the_same_bits() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    // ≥ 8 MB outputs take non-temporal stores (one fence per block); odd lengths leave an
    // unaligned head and tail to the normal stores.
    for (n, dtype) in [(1_100_003, nf::float64), (2_200_001, nf::float32)] {
        let x = nf::Array::from_ndarray(&(ramp(&[n], 1e-5) * 40.0).astype(dtype).eval());
        for (name, f) in [("sigmoid", sigmoid as Expr), ("four ops", four_ops)] {
            let text = same_bits_with_and_without(name, &x, f);
            assert!(
                text.contains("at full vector width, non-temporal stores"),
                "{name} {n}: not streamed:\n{text}"
            );
        }
    }
}
