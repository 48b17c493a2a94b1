//! NumPy's array printing, checked against NumPy 2.4.6: every expected string (in the modules
//! below) is the output of `str(a)` and `repr(a)` with NumPy's default print options for the
//! same array.
//!
//! The corpus covers every dtype, 0-d, empty and size-0 arrays, 1-D to 5-D arrays, negative
//! numbers, nan/inf, the switch to scientific notation (including its dtype-dependent cutoffs),
//! float16/float32 shortest digits, complex numbers, line wrapping and summarised arrays.

use numfuse_runtime::format::repr;
use numfuse_runtime::half::f16;
use numfuse_runtime::num_complex::Complex;
use numfuse_runtime::{Element, NdArray};

mod basic;
mod layouts;
mod notation;
mod random;

/// A C-ordered array of `shape`.
fn arr<T: Element>(shape: &[usize], data: Vec<T>) -> NdArray {
    NdArray::from_vec(shape.to_vec(), data).unwrap()
}
/// A float16 from its bits (exact).
fn h(bits: u16) -> f16 {
    f16::from_bits(bits)
}
fn c64(re: f32, im: f32) -> Complex<f32> {
    Complex::new(re, im)
}
fn c128(re: f64, im: f64) -> Complex<f64> {
    Complex::new(re, im)
}

/// Checks `str` and `repr` of every case, reporting all mismatches at once.
fn check(cases: Vec<(&str, NdArray, &str, &str)>) {
    let mut failures = Vec::new();
    for (name, a, want_str, want_repr) in cases {
        let got_str = a.to_string();
        if got_str != want_str {
            failures.push(format!(
                "{name}: str\n  got:  {got_str:?}\n  want: {want_str:?}"
            ));
        }
        let got_repr = repr(&a);
        if got_repr != want_repr {
            failures.push(format!(
                "{name}: repr\n  got:  {got_repr:?}\n  want: {want_repr:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
