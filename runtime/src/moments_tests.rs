//! Tests of the one-pass moments kernel (`moments.rs`): against the two-pass formula,
//! strided and float32 inputs, and the AVX build against the baseline build.

use super::*;

fn two_pass(x: &[f64], rows: usize, k: usize) -> Vec<f64> {
    let mut out = vec![0.0; 2 * k];
    for c in 0..k {
        let s: f64 = (0..rows).map(|r| x[r * k + c]).sum();
        let m = s / rows as f64;
        out[c] = s;
        out[k + c] = (0..rows).map(|r| (x[r * k + c] - m).powi(2)).sum();
    }
    out
}

#[test]
fn matches_two_pass_on_several_blocks_with_a_short_last_one() {
    let (rows, k) = (1000, 3);
    let x: Vec<f64> = (0..rows * k)
        .map(|i| ((i * 7919) % 1013) as f64 * 0.25)
        .collect();
    let a = NdArray::from_vec([rows, k], x.clone()).unwrap();
    let got = moments(&a, 1).unwrap().to_vec::<f64>().unwrap();
    for (g, w) in got.iter().zip(two_pass(&x, rows, k)) {
        assert!((g - w).abs() <= 1e-12 * w.abs(), "{g} vs {w}");
    }
}

#[test]
fn strided_and_float32_inputs() {
    let x: Vec<f32> = (0..600).map(|i| (i % 17) as f32).collect();
    let a = NdArray::from_vec([300, 2], x).unwrap().t(); // (2, 300), columns strided
    let got = moments(&a, 1).unwrap();
    assert_eq!(got.shape().dims(), &[2, 300]);
    assert_eq!(got.dtype(), DType::Float32);
    let v = got.to_vec::<f32>().unwrap();
    let (s, q) = (v[0], v[300]); // column 0: x[0], x[1] = 0, 1
    assert_eq!((s, q), (1.0, 0.5));
}

#[test]
fn empty_reduction_and_non_finite_values() {
    let a = NdArray::from_vec([0, 2], Vec::<f64>::new()).unwrap();
    assert_eq!(
        moments(&a, 1).unwrap().to_vec::<f64>().unwrap(),
        vec![0.0; 4]
    );
    let b = NdArray::from_vec([3, 1], vec![1.0, f64::INFINITY, 2.0]).unwrap();
    let v = moments(&b, 1).unwrap().to_vec::<f64>().unwrap();
    assert!(v[0].is_infinite() && v[1].is_nan(), "{v:?}");
}

/// The AVX build of the block loops gives the baseline build's bits (same operations,
/// wider registers) for short rows, tiles, leftover columns and ragged blocks.
#[cfg(target_arch = "x86_64")]
#[test]
fn avx_block_summaries_have_the_same_bits() {
    if !std::arch::is_x86_feature_detected!("avx") {
        return;
    }
    for k in [1, 2, 4, 8, 3, 16, 13] {
        for rows in [1, 7, 64, 333, 512] {
            let x: Vec<f64> = (0..rows * k)
                .map(|i| ((i * 7919) % 1013) as f64 * 0.37 - 150.0)
                .collect();
            let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let next: Vec<f64> = x.iter().map(|v| v + 1.0).collect();
            let (mut a, mut b) = (vec![0.0; FIELDS * k], vec![0.0; FIELDS * k]);
            summarize(&x, &next, &mut a);
            // SAFETY: AVX was detected above.
            unsafe { summarize_avx(&x, &next, &mut b) };
            let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "float64 k={k} rows={rows}");
            summarize(&x32, &[], &mut a);
            // SAFETY: as above.
            unsafe { summarize_avx(&x32, &[], &mut b) };
            assert_eq!(bits(&a), bits(&b), "float32 k={k} rows={rows}");
        }
    }
}
