//! Matmul chains through the whole pipeline: with the fast optimizer policy,
//! `a.matmul(&b).matmul(&c)` runs in the cheaper order (the optimized IR shows `b @ c` first)
//! and agrees with the interpreter's left-to-right product within rounding; with the default
//! strict policy the written order is kept and the result is bitwise the interpreter's.

use numfuse as nf;
use numfuse_tests::support::{assert_close, bits, ramp};

fn chain() -> nf::Array {
    let a = ramp(&[300, 4], 0.1);
    let b = ramp(&[4, 300], 0.2);
    let c = ramp(&[300, 5], 0.3);
    a.matmul(&b).matmul(&c)
}

/// The shape of the first operand of the first matmul in an IR dump.
fn first_product_line(ir: &str) -> String {
    ir.lines()
        .find(|l| l.contains("matmul("))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn fast_mode_evaluates_the_cheaper_order() {
    let reference = nf::with_mode(nf::Mode::Interpret, || chain().to_vec::<f64>());
    let (ir, got) = nf::with_opt_mode(nf::OptMode::Fast, || {
        let y = chain();
        (y.optimized_ir(), y.to_vec::<f64>())
    });
    // b @ c is (4,5): the first product computed is the small one
    assert!(first_product_line(&ir).contains(": (4,5)"), "{ir}");
    assert_close(&got, &reference, 1e-12);
}

#[test]
fn strict_mode_keeps_numpys_left_to_right_order() {
    let reference = nf::with_mode(nf::Mode::Interpret, || bits(&chain()));
    let y = chain();
    let ir = y.optimized_ir();
    assert!(first_product_line(&ir).contains(": (300,300)"), "{ir}");
    assert_eq!(bits(&y), reference);
}
