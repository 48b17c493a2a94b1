//! Repacked inputs (`runtime/src/exec/repack.rs`): a small input that a kernel reads with a
//! stride along its innermost loop, many times over, is copied once so that the loop reads
//! it contiguously. Checked: pairwise distances (float64, float32, int64) take the path
//! (the kernel's operand becomes `inner=Contiguous` in `explain`) and give the
//! interpreter's values (bitwise for integers), for 1 and 2 threads alike, also as the first
//! step of a row-blocked segment (distances with their square root); a large strided input
//! is left as it is; a broadcast view of a transposed input agrees too.

use numfuse as nf;
use numfuse_tests::support::{bits, matches_interpreter, ramp};

type Expr = fn(&nf::Array) -> nf::Array;

/// Squared distances between the rows of `x[:n]` and `x[n:]` (`x` has `2n` rows).
fn pairwise(x: &nf::Array) -> nf::Array {
    let n = x.shape()[0] / 2;
    let a = x.slice(nf::s![..n as isize]);
    let b = x.slice(nf::s![n as isize..]);
    let d = a.slice(nf::s![.., newaxis, ..]) - b.slice(nf::s![newaxis, .., ..]);
    (&d * &d).sum(-1)
}

/// Distances: the squared ones and their square root run as one row-blocked segment.
fn distances(x: &nf::Array) -> nf::Array {
    pairwise(x).sqrt()
}

fn materialized(x: nf::Array) -> nf::Array {
    nf::Array::from_ndarray(&x.eval())
}

fn same_bits_for_1_and_2_threads(name: &str, x: &nf::Array, f: Expr) {
    let two = bits(&f(x));
    nf::set_max_threads(1);
    let one = bits(&f(x));
    nf::set_max_threads(2);
    assert!(one == two, "{name}: 1 and 2 threads differ");
}

#[test]
fn pairwise_distances_read_the_second_set_contiguously() {
    let base = ramp(&[1200, 3], 0.2) * 10.0;
    let cases: [(&str, nf::Array); 3] = [
        ("float64", materialized(base.clone())),
        ("float32", materialized(base.astype(nf::float32))),
        ("int64", materialized(base.round(0).astype(nf::int64))),
    ];
    for (name, x) in cases {
        let text = pairwise(&x).explain();
        assert!(
            text.contains("in1: ") && !text.contains("inner=Strided"),
            "{name}: a strided operand is left\n{text}"
        );
        matches_interpreter(name, &x, pairwise);
        same_bits_for_1_and_2_threads(name, &x, pairwise);
    }
    for (name, x) in [
        ("float64 in a segment", materialized(base.clone())),
        (
            "float32 in a segment",
            materialized(base.astype(nf::float32)),
        ),
    ] {
        let text = distances(&x).explain();
        assert!(
            text.contains("segment: steps 0–1") && !text.contains("inner=Strided"),
            "{name}: no segment, or a strided operand is left\n{text}"
        );
        matches_interpreter(name, &x, distances);
        same_bits_for_1_and_2_threads(name, &x, distances);
    }
    let x = materialized(base.astype(nf::int64));
    let want = nf::with_mode(nf::Mode::Interpret, || bits(&pairwise(&x)));
    assert_eq!(bits(&pairwise(&x)), want, "int64 pairwise is exact");
}

#[test]
fn large_or_transposed_inputs_agree() {
    // 40000 x 8 float64 = 2.5 MB: above the repack limit, read as it is
    let big = materialized(ramp(&[80_000, 8], 0.4));
    let big_sum: Expr = |x| {
        let a = x.slice(nf::s![..4]);
        let b = x.slice(nf::s![4..]);
        (a.slice(nf::s![.., newaxis, ..]) * b.slice(nf::s![newaxis, .., ..])).sum(-1)
    };
    matches_interpreter("large strided input", &big, big_sum);
    // the second set given transposed: (3, n) read as (n, 3)
    let t = materialized(ramp(&[3, 1000], 0.7));
    let from_transposed: Expr = |t| {
        let b = t.t();
        let d = b.slice(nf::s![.., newaxis, ..]) - b.slice(nf::s![newaxis, .., ..]);
        (&d * &d).sum(-1).sqrt()
    };
    matches_interpreter("transposed input", &t, from_transposed);
    same_bits_for_1_and_2_threads("transposed input", &t, from_transposed);
}
