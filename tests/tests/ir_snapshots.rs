//! insta snapshots of the IR text (and one DOT dump) of seed programs: the stable text form is
//! part of numfuse's user interface, so any change to it shows up in review.

use numfuse as nf;
use numfuse::s;

fn input(shape: &[usize]) -> nf::Array {
    let n: usize = shape.iter().product();
    let nd = nf::NdArray::from_vec(shape.to_vec(), (0..n).map(|i| i as f64).collect()).unwrap();
    nf::Array::from_ndarray(&nd)
}

#[test]
fn ir_zscore() {
    let x = input(&[6, 3]);
    let z = (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true));
    insta::assert_snapshot!(z.ir());
}

#[test]
fn ir_softmax() {
    let x = input(&[2, 4]);
    let e = (&x - x.max(nf::axis(-1).keepdims(true))).exp();
    let y = &e / e.sum(nf::axis(-1).keepdims(true));
    insta::assert_snapshot!(y.ir());
}

#[test]
fn ir_pairwise_distances() {
    let a = input(&[5, 3]);
    let d = a.slice(s![.., newaxis, ..]) - a.slice(s![newaxis, .., ..]);
    let y = (&d * &d).sum(-1).sqrt();
    insta::assert_snapshot!(y.ir());
}

#[test]
fn ir_image_normalisation() {
    let img = input(&[2, 4, 4, 3]).astype(nf::uint8);
    let mean = nf::array([0.485f32, 0.456, 0.406]);
    let std = nf::array([0.229f32, 0.224, 0.225]);
    let y = ((img.astype(nf::float32) / 255.0 - mean) / std).permute(&[0, 3, 1, 2]);
    insta::assert_snapshot!(y.ir());
}

#[test]
fn ir_relu_layer_and_clip() {
    let x = input(&[4, 3]);
    let b = nf::array([0.1, -0.2, 0.3]);
    let y = nf::maximum(&x + b, 0.0).clip(0.0, 6.0).sum(nf::axis(1));
    insta::assert_snapshot!(y.ir());
}

#[test]
fn ir_sharing_is_hash_consed() {
    // the same subexpression built twice appears once in the graph
    let x = input(&[3]);
    let y = (&x * 2.0).exp() + (&x * 2.0).exp();
    insta::assert_snapshot!(y.ir());
}

#[test]
fn dot_export() {
    let x = input(&[2, 2]);
    let y = (&x + 1.0).sum(None);
    insta::assert_snapshot!(y.ir_dot());
}

#[test]
fn deep_chains_build_evaluate_and_drop_without_recursion() {
    let mut x = nf::array([1.0f64]);
    for _ in 0..200_000 {
        x = &x + 1.0;
    }
    assert_eq!(x.size(), 1);
    drop(x);
    let mut y = nf::array([0.0f64]);
    for _ in 0..20_000 {
        y = &y + 1.0;
    }
    assert_eq!(y.to_vec::<f64>(), vec![20_000.0]);
}
