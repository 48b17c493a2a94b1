//! Accuracy and special-value tests of `numfuse_codegen::vmath`.
//!
//! For every function and precision: ≥ 10^5 samples (random bit patterns over all finite
//! exponents, uniform and log-uniform draws over the function's domain, the regions near 0, 1,
//! multiples of π/2, range-reduction boundaries, overflow/underflow thresholds and subnormals,
//! and every special value), run through every instruction-set level this CPU supports.
//!
//! * The reference is a double-double (~2^-100) implementation in this test (`double_double`,
//!   `exact`; fast enough for 10^5 samples per test in a debug build). It is itself checked
//!   against `astro-float` (arbitrary precision) on a few hundred samples per function, and
//!   `astro-float` is the reference for `sin`/`cos`/`tan` arguments ≥ 2^20.
//! * Non-finite and zero inputs (and the edge cases listed in `special_inputs`) must match
//!   glibc bit for bit (NaN only as NaN), which implements the C99 Annex F special cases.
//! * The error is `|computed - exact| / ulp(exact)` in the output precision; the test asserts
//!   the project's bounds (≤ 1 ulp for exp and log, ≤ 2 ulp for the rest) and prints the max
//!   ulp error and the share of correctly rounded results (`cargo test -- --nocapture`).
//!
//! This file holds the tests; the reference, the samples and the harness are in the modules
//! below.

mod astro;
mod double_double;
mod exact;
mod harness;
mod libm;
mod reference;
mod rng;
mod samples;

use numfuse_codegen::vmath::{self, BinaryFn, Level, UnaryFn};

use crate::harness::{run_binary, run_unary};
use crate::reference::Prec;

macro_rules! unary_tests {
    ($($t64:ident, $t32:ident, $f:ident, $bound:expr;)*) => {$(
        #[test]
        fn $t64() {
            run_unary(UnaryFn::$f, Prec::F64, $bound);
        }
        #[test]
        fn $t32() {
            run_unary(UnaryFn::$f, Prec::F32, $bound);
        }
    )*};
}

unary_tests! {
    exp_f64, exp_f32, Exp, 1.0;
    exp2_f64, exp2_f32, Exp2, 2.0;
    expm1_f64, expm1_f32, Expm1, 2.0;
    log_f64, log_f32, Log, 1.0;
    log2_f64, log2_f32, Log2, 2.0;
    log10_f64, log10_f32, Log10, 2.0;
    log1p_f64, log1p_f32, Log1p, 2.0;
    sin_f64, sin_f32, Sin, 2.0;
    cos_f64, cos_f32, Cos, 2.0;
    tan_f64, tan_f32, Tan, 2.0;
    arcsin_f64, arcsin_f32, Arcsin, 2.0;
    arccos_f64, arccos_f32, Arccos, 2.0;
    arctan_f64, arctan_f32, Arctan, 2.0;
    sinh_f64, sinh_f32, Sinh, 2.0;
    cosh_f64, cosh_f32, Cosh, 2.0;
    tanh_f64, tanh_f32, Tanh, 2.0;
    arcsinh_f64, arcsinh_f32, Arcsinh, 2.0;
    arccosh_f64, arccosh_f32, Arccosh, 2.0;
    arctanh_f64, arctanh_f32, Arctanh, 2.0;
    cbrt_f64, cbrt_f32, Cbrt, 2.0;
    sqrt_f64, sqrt_f32, Sqrt, 0.5;
}

#[test]
fn pow_f64() {
    run_binary(BinaryFn::Pow, Prec::F64, 2.0);
}
#[test]
fn pow_f32() {
    run_binary(BinaryFn::Pow, Prec::F32, 2.0);
}
#[test]
fn atan2_f64() {
    run_binary(BinaryFn::Atan2, Prec::F64, 2.0);
}
#[test]
fn atan2_f32() {
    run_binary(BinaryFn::Atan2, Prec::F32, 2.0);
}
#[test]
fn hypot_f64() {
    run_binary(BinaryFn::Hypot, Prec::F64, 2.0);
}
#[test]
fn hypot_f32() {
    run_binary(BinaryFn::Hypot, Prec::F32, 2.0);
}

/// The C ABI wrappers, the symbol table and the aliasing / empty-slice cases.
#[test]
fn extern_routines_and_symbols() {
    let syms = vmath::symbols();
    assert_eq!(syms.len(), 2 * (UnaryFn::ALL.len() + BinaryFn::ALL.len()));
    for f in UnaryFn::ALL {
        assert!(syms.iter().any(|(s, _)| *s == f.symbol_f64()));
        assert!(syms.iter().any(|(s, _)| *s == f.symbol_f32()));
    }
    assert!(syms.iter().any(|(s, _)| *s == "nf_vpow_f64"));
    assert!(syms.iter().all(|(_, p)| !p.is_null()));
    // Odd lengths exercise the vector loop remainders; compare with the safe wrappers.
    for n in [0usize, 1, 7, 33, 100] {
        let xs: Vec<f64> = (0..n).map(|i| 0.37 * i as f64 - 3.0).collect();
        let mut a = xs.clone();
        let mut b = xs.clone();
        // SAFETY: `a` holds `n` elements.
        unsafe { vmath::nf_vsin_f64(a.as_mut_ptr(), n) };
        vmath::sin_f64(&mut b);
        assert_eq!(a, b);
        let mut c = xs.clone();
        let d = xs.clone();
        // SAFETY: `c` and `d` hold `n` elements each and are disjoint.
        unsafe { vmath::nf_vpow_f64(c.as_mut_ptr(), d.as_ptr(), n) };
        let mut e = xs.clone();
        let p = e.as_mut_ptr();
        // SAFETY: identical ranges are allowed.
        unsafe { vmath::nf_vpow_f64(p, p, n) };
        assert_eq!(
            c.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            e.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }
    println!("dispatch level: {:?}", Level::current());
}

/// Signaling NaN operands against glibc (which NumPy calls): NaN-ness must agree for every
/// routine, precision and level, paired with the values C99 makes absorb a quiet NaN
/// (`hypot(sNaN, ±inf)` and `pow(sNaN, 0)` are NaN in glibc, not `inf` and `1`).
#[test]
fn signaling_nan_operands_match_glibc() {
    let snan64 = [
        f64::from_bits(0x7ff4_0000_0000_0001),
        f64::from_bits(0xfff7_c592_a846_72d3),
    ];
    let snan32 = [f32::from_bits(0x7fa0_0001), f32::from_bits(0xffbf_0123)];
    let others = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    let mut bad = Vec::new();
    for level in Level::supported() {
        for f in UnaryFn::ALL {
            let mut a = snan64.to_vec();
            vmath::unary_f64_at(level, f, &mut a);
            let mut b = snan32.to_vec();
            vmath::unary_f32_at(level, f, &mut b);
            if !a.iter().all(|v| v.is_nan()) || !b.iter().all(|v| v.is_nan()) {
                bad.push(format!("{} [{level:?}]: {a:?} {b:?}", f.name()));
            }
        }
        for f in BinaryFn::ALL {
            for (&s64, &s32) in snan64.iter().zip(&snan32) {
                for &o in &others {
                    for (x, y) in [(s64, o), (o, s64)] {
                        let mut a = [x];
                        vmath::binary_f64_at(level, f, &mut a, &[y]);
                        if a[0].is_nan() != crate::libm::libm_binary(f, x, y).is_nan() {
                            bad.push(format!(
                                "{} f64 [{level:?}]({x:e}, {y:e}) = {}",
                                f.name(),
                                a[0]
                            ));
                        }
                    }
                    let o = o as f32;
                    for (x, y) in [(s32, o), (o, s32)] {
                        let mut a = [x];
                        vmath::binary_f32_at(level, f, &mut a, &[y]);
                        if a[0].is_nan() != crate::libm::libm_binary32(f, x, y).is_nan() {
                            bad.push(format!(
                                "{} f32 [{level:?}]({x:e}, {y:e}) = {}",
                                f.name(),
                                a[0]
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "signaling NaN results differ from glibc:\n{}",
        bad.join("\n")
    );
}
