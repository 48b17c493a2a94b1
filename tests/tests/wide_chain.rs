//! Widened chains (`runtime/src/exec/wide_chain.rs`): a kernel over short rows whose body
//! is a chain of `+ - * /` of the previous value and a constant or a broadcast row —
//! z-score's `(x − m) / s` — runs as full-width line ops over the grouped rows. Checked:
//! explain names it; the bits equal the compiled kernel's (`set_line_ops(false)`) for 1 and 2
//! threads, float64 and float32, every row width that is grouped (2–31), row counts that are
//! no multiple of the group, either operand order, non-finite values, and outputs large
//! enough for non-temporal stores; the results match the interpreter.

use numfuse as nf;
use numfuse::s;
use numfuse_tests::support::{ramp, same_bits_with_and_without};
use std::sync::Mutex;

/// Serialises the tests of this file: they flip the process-wide line-op switch.
static SWITCH: Mutex<()> = Mutex::new(());

type Expr = fn(&nf::Array) -> nf::Array;

/// Per-column statistics-like rows: `(1, n)`, computed by kernels of their own (`m` away
/// from the values of `x`, so `m - x` does not cancel and the interpreter comparison stays
/// tight).
fn rows_of(x: &nf::Array) -> (nf::Array, nf::Array) {
    let m = x.slice(s![1..2, ..]) * 0.25 + 3.0;
    let s = x.slice(s![0..1, ..]).abs() + 0.5;
    (m, s)
}

fn zscore(x: &nf::Array) -> nf::Array {
    let (m, s) = rows_of(x);
    (x - &m) / &s
}

fn reversed(x: &nf::Array) -> nf::Array {
    let (m, s) = rows_of(x);
    &s / (&m - x) + 2.0
}

fn four_ops(x: &nf::Array) -> nf::Array {
    let (m, s) = rows_of(x);
    ((x * &s) - &m) * 3.0 + &s
}

const CASES: [(&str, Expr, &str); 3] = [
    ("zscore", zscore, "line ops x - y, then x / y"),
    ("reversed", reversed, "line ops "),
    ("four ops", four_ops, "line ops "),
];

#[test]
fn short_row_chains_run_as_line_ops_with_the_same_bits() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    for n in [2usize, 3, 5, 8, 13, 31] {
        for (rows, dtype) in [(20_011, nf::float64), (9_001, nf::float32)] {
            let x = nf::Array::from_ndarray(&ramp(&[rows, n], 0.2).astype(dtype).eval());
            for (name, f, ops) in CASES {
                let text = same_bits_with_and_without(name, &x, f);
                assert!(
                    text.contains(ops) && text.contains("rows grouped"),
                    "{name} ({rows},{n}): no widened chain:\n{text}"
                );
            }
        }
    }
}

#[test]
fn widened_chains_keep_non_finite_values_and_stream_large_outputs() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let (rows, n) = (150_007, 8);
    let mut v: Vec<f64> = (0..rows * n)
        .map(|i| (i % 1000) as f64 * 0.01 - 5.0)
        .collect();
    for (i, s) in [f64::NAN, f64::INFINITY, -f64::INFINITY, -0.0, 1e308, 5e-324]
        .into_iter()
        .enumerate()
    {
        v[8 + i * 99_991] = s;
    }
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec(vec![rows, n], v).expect("shape"));
    for (name, f, ops) in CASES {
        let text = same_bits_with_and_without(name, &x, f);
        assert!(
            text.contains(ops) && text.contains("non-temporal stores"),
            "{name}: no streamed widened chain:\n{text}"
        );
    }
}
