//! Library vector-math steps (`runtime/src/libcall.rs`): a standalone transcendental over a
//! large array runs chunk by chunk (copy, then transform in L1) in two halves on both cores.
//! Checked: the bits are the same for 1 and 2 threads, for float64 and float32, unary and
//! binary routines, a private argument transformed in place, an input copied into a fresh
//! buffer and a strided view; lengths that are no multiple of the chunk; the inputs are left
//! unchanged; the results match the interpreter (glibc).

use numfuse as nf;
use numfuse::s;
use numfuse_tests::support::{bits, matches_interpreter, ramp};
use std::sync::Mutex;

/// Serialises the tests of this file: they flip the process-wide thread limit.
static SWITCH: Mutex<()> = Mutex::new(());

type Expr = fn(&nf::Array) -> nf::Array;

/// `exp` of an input: copied into a fresh buffer.
fn exp_of_input(x: &nf::Array) -> nf::Array {
    (x * 30.0).exp()
}

/// `log1p` of every other element: a strided view, copied first.
fn log1p_of_view(x: &nf::Array) -> nf::Array {
    x.slice(s![..;2]).abs().log1p()
}

/// `arctan2` of an input and a computed array (second operand read as it is).
fn arctan2_of_input(x: &nf::Array) -> nf::Array {
    nf::arctan2(x, &(x * 0.5 + 0.25))
}

/// `hypot` of a computed array (private: transformed in place) and an input.
fn hypot_in_place(x: &nf::Array) -> nf::Array {
    nf::hypot(&(x * 3.0 - 1.0), x)
}

/// `sinh` of an input left alone (no kernel before it).
fn sinh_alone(x: &nf::Array) -> nf::Array {
    x.sinh()
}

#[test]
fn large_library_steps_give_the_same_bits_on_one_and_two_threads() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let cases: [(&str, Expr); 5] = [
        ("exp", exp_of_input),
        ("log1p of a view", log1p_of_view),
        ("arctan2", arctan2_of_input),
        ("hypot in place", hypot_in_place),
        ("sinh", sinh_alone),
    ];
    for (n, dtype) in [(400_003, nf::float64), (300_001, nf::float32)] {
        let x = nf::Array::from_ndarray(&(ramp(&[n], 0.3) * 2.0).astype(dtype).eval());
        let before = bits(&x);
        for (name, f) in cases {
            let two = bits(&f(&x));
            nf::set_max_threads(1);
            let one = bits(&f(&x));
            nf::set_max_threads(2);
            assert!(one == two, "{name} {n}: 1 and 2 threads differ");
            assert_eq!(bits(&x), before, "{name} {n}: the input changed");
            matches_interpreter(name, &x, f);
        }
    }
}

#[test]
fn library_steps_keep_non_finite_values() {
    let _guard = SWITCH.lock().unwrap_or_else(|e| e.into_inner());
    let mut v: Vec<f64> = (0..200_000).map(|i| (i as f64 - 1e5) * 1e-4).collect();
    for (i, s) in [f64::NAN, f64::INFINITY, -f64::INFINITY, -0.0, 800.0, -800.0]
        .into_iter()
        .enumerate()
    {
        v[i * 30_011] = s;
    }
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec(vec![200_000], v).expect("shape"));
    for (name, f) in [("sinh", sinh_alone as Expr), ("hypot", hypot_in_place)] {
        let two = bits(&f(&x));
        nf::set_max_threads(1);
        let one = bits(&f(&x));
        nf::set_max_threads(2);
        assert!(one == two, "{name}: 1 and 2 threads differ");
        matches_interpreter(name, &x, f);
    }
}
