//! `numfuse_codegen::blocksum::row_sum` — the ahead-of-time copy of a compiled row sum that
//! line ops use to take over softmax's `sum(e)` — gives the compiled kernel's bits: for every
//! row width from 0 to 300 and around 1024 (whole blocks of 128, vector remainders and scalar
//! tails), float64 and float32, data with cancellation over many magnitudes, negative zeros,
//! infinities and NaN.

use numfuse as nf;
use numfuse_codegen::blocksum::row_sum;

/// A deterministic mix of magnitudes from 1e-6 to 1e9 of both signs, some negative zeros.
fn mixed(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            match s % 17 {
                0 => -0.0,
                k => u * 10f64.powi(k as i32 - 6),
            }
        })
        .collect()
}

/// The compiled row sums of `data` as a `rows × width` matrix of `dtype`.
fn compiled_row_sums<T: numfuse_runtime::Element>(
    data: &[f64],
    rows: usize,
    width: usize,
    dtype: nf::DType,
) -> Vec<T> {
    let x = nf::Array::from_ndarray(
        &nf::array(data.to_vec())
            .reshape([rows, width])
            .astype(dtype)
            .eval(),
    );
    nf::with_mode(nf::Mode::Lazy, || x.sum(-1).to_vec::<T>())
}

fn check_widths(widths: impl Iterator<Item = usize>, special: &[f64]) {
    nf::set_jit_threshold(0);
    let rows = 3;
    for width in widths {
        let mut data = mixed(rows * width, width as u64 + 1);
        for (i, &v) in special.iter().enumerate() {
            if width > 0 {
                let at = (i * 37 + width / 2) % (rows * width);
                data[at] = v;
            }
        }
        let got64 = compiled_row_sums::<f64>(&data, rows, width, nf::float64);
        let got32 = compiled_row_sums::<f32>(&data, rows, width, nf::float32);
        for r in 0..rows {
            let row = &data[r * width..(r + 1) * width];
            let want64 = row_sum(row);
            let row32: Vec<f32> = row.iter().map(|&v| v as f32).collect();
            let want32 = row_sum(&row32);
            assert_eq!(
                got64[r].to_bits(),
                want64.to_bits(),
                "float64 width {width} row {r}: {} vs {want64}",
                got64[r]
            );
            assert_eq!(
                got32[r].to_bits(),
                want32.to_bits(),
                "float32 width {width} row {r}: {} vs {want32}",
                got32[r]
            );
        }
    }
}

#[test]
fn row_sum_is_the_compiled_sum_for_every_width() {
    check_widths((0..=300).chain(1000..=1040), &[]);
}

#[test]
fn row_sum_is_the_compiled_sum_with_zeros_infinities_and_nan() {
    check_widths(
        [1, 7, 8, 9, 130, 257, 1024].into_iter(),
        &[-0.0, f64::INFINITY],
    );
    check_widths(
        [5, 129, 300].into_iter(),
        &[f64::NEG_INFINITY, f64::INFINITY],
    );
    check_widths([2, 128, 1031].into_iter(), &[f64::NAN]);
}
