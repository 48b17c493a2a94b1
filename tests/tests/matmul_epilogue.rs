//! Matmul epilogue fusion: `maximum(x @ w * s + b, 0)` and its sub-chains become one matmul
//! node whose GEMM applies the epilogue in its output pass — bitwise equal to the unfused
//! ops (the interpreter), for float32 and float64, batched products, NaN, and sizes that run
//! the AVX-512 micro-kernel's edges; and every chain that would round differently (division by
//! a non-power of two, `maximum(0, x)`, a bias that is not a row vector, an intermediate used
//! twice) is left alone.

use numfuse as nf;
use numfuse_tests::support::{bits, ramp};

/// A named way of building the expression under test.
type Case<'a> = (&'static str, Box<dyn Fn() -> nf::Array + 'a>);

/// Lazy (optimized, fused) against the interpreter (unfused); returns whether it fused.
fn check(name: &str, f: &dyn Fn() -> nf::Array) -> bool {
    nf::set_jit_threshold(0);
    let y = f();
    let ir = y.optimized_ir();
    let fused = ir.lines().any(|l| {
        l.contains("matmul(") && ["scale=", " bias", " relu"].iter().any(|a| l.contains(a))
    });
    let leftover = ["multiply", "divide", "add(", "maximum"]
        .iter()
        .any(|op| ir.contains(op));
    let reference = nf::with_mode(nf::Mode::Interpret, || bits(&f()));
    assert_eq!(bits(&y), reference, "{name}\n{ir}");
    assert!(!(fused && leftover), "{name}: fused but ops are left\n{ir}");
    fused
}

#[test]
fn dense_layers_fuse_and_match_the_unfused_ops_bitwise() {
    for (m, k, n) in [(1, 1, 1), (5, 7, 3), (13, 33, 17), (40, 300, 70)] {
        for dt in [nf::float64, nf::float32] {
            let x = ramp(&[m, k], 0.1).astype(dt);
            let w = ramp(&[k, n], 0.2).astype(dt);
            let b = ramp(&[n], 0.3).astype(dt);
            let cases: [Case; 5] = [
                (
                    "dense relu",
                    Box::new(|| nf::maximum(x.matmul(&w) + &b, 0.0)),
                ),
                ("bias first", Box::new(|| &b + x.matmul(&w))),
                ("scaled", Box::new(|| x.matmul(&w) * 0.37)),
                ("divided by 8", Box::new(|| x.matmul(&w) / 8.0)),
                (
                    "all three",
                    Box::new(|| nf::maximum(x.matmul(&w) * 2.0 + &b, 0.0)),
                ),
            ];
            for (name, f) in cases {
                assert!(check(name, &*f), "{name} ({m},{k},{n}) {dt:?} did not fuse");
            }
        }
    }
}

#[test]
fn batched_attention_scores_fuse() {
    let q = ramp(&[2, 3, 17, 8], 0.4).astype(nf::float32);
    let k = ramp(&[2, 3, 19, 8], 0.5).astype(nf::float32);
    let f = || nf::einsum("bhid,bhjd->bhij", &[q.clone(), k.clone()]) / 8.0f32;
    nf::set_jit_threshold(0);
    assert!(
        f().optimized_ir().contains("scale=0.125"),
        "{}",
        f().optimized_ir()
    );
    check("attention / 64", &f);
}

#[test]
fn nan_and_signed_zero_pass_through_like_maximum() {
    let mut v = ramp(&[6, 4], 0.6).to_vec::<f64>();
    v[5] = f64::NAN;
    let x = nf::Array::from_ndarray(&nf::NdArray::from_vec([6, 4], v).unwrap());
    let w = ramp(&[4, 5], 0.7);
    let b = nf::Array::from_ndarray(&nf::NdArray::from_vec([5], vec![-0.0; 5]).unwrap());
    let zero_rows = nf::zeros([2, 4]);
    assert!(check("NaN row", &|| nf::maximum(x.matmul(&w) + &b, 0.0)));
    assert!(check("-0.0 bias on zero products", &|| {
        nf::maximum(zero_rows.matmul(&w) * -1.0 + &b, 0.0)
    }));
}

#[test]
fn chains_that_would_round_differently_are_not_fused() {
    let x = ramp(&[6, 5], 0.1);
    let w = ramp(&[5, 4], 0.2);
    let full_bias = ramp(&[6, 4], 0.3);
    let col_bias = ramp(&[6, 1], 0.4);
    let cases: [Case; 5] = [
        ("divided by 3", Box::new(|| x.matmul(&w) / 3.0)),
        ("maximum(0, x)", Box::new(|| nf::maximum(0.0, x.matmul(&w)))),
        ("full bias", Box::new(|| x.matmul(&w) + &full_bias)),
        ("column bias", Box::new(|| x.matmul(&w) + &col_bias)),
        (
            "product used twice",
            Box::new(|| {
                let p = x.matmul(&w);
                &p * 2.0 + &p
            }),
        ),
    ];
    for (name, f) in cases {
        assert!(!check(name, &*f), "{name} fused");
    }
}

#[test]
fn a_matmul_that_is_a_graph_output_keeps_its_value() {
    nf::set_jit_threshold(0);
    let x = ramp(&[4, 3], 0.1);
    let w = ramp(&[3, 2], 0.2);
    let p = x.matmul(&w);
    let r = nf::maximum(&p, 0.0);
    let both = nf::eval_all(&[&p, &r]);
    let reference = nf::with_mode(nf::Mode::Interpret, || {
        (bits(&x.matmul(&w)), bits(&nf::maximum(x.matmul(&w), 0.0)))
    });
    let got = |i: usize| bits(&nf::Array::from_ndarray(&both[i]));
    assert_eq!((got(0), got(1)), reference);
}
