//! Shared by the examples: deterministic input data.

use numfuse as nf;

/// Deterministic data in [-1, 1), materialized (so timings exclude making it).
pub fn data(shape: &[usize], phase: f64) -> nf::Array {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n)
        .map(|i| ((i as f64) * 0.618_033_988_75 + phase).fract() * 2.0 - 1.0)
        .collect();
    nf::Array::from_ndarray(&nf::NdArray::from_vec(shape.to_vec(), v).expect("sizes match"))
}
