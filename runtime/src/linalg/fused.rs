//! [`Op::MatMulEpilogue`](numfuse_ir::Op::MatMulEpilogue): a float matmul whose elementwise
//! consumers (scale, row bias, ReLU) run inside the GEMM's output pass — each finished tile of
//! `C` gets `relu(scale * c + bias[j])` while it is still in registers — instead of as a
//! second kernel over the stored product. Where the AVX-512 kernel does not run the same
//! epilogue is applied to each finished product ([`finish`]), with the same roundings.
//! [`avx512_gemm`] is the bridge from `gemm.rs`'s strided products (fused or not) to the
//! AVX-512 kernel with its epilogue.

use super::avx512::{self, Epilogue};
use super::gemm::{run, Dims, Gemm};
use crate::ndarray::NdArray;
use numfuse_ir::linalg_op::{infer_matmul_epilogue, MatmulEpilogue};
use numfuse_ir::{DType, Error, Result};

/// Applies `epi` to a finished C-ordered product with `n` columns.
pub(super) fn finish<T: avx512::Element>(c: &mut [T], n: usize, epi: &Epilogue<T>) {
    if epi.scale.is_none() && epi.bias.is_none() && !epi.relu {
        return;
    }
    for row in c.chunks_exact_mut(n.max(1)) {
        for (j, v) in row.iter_mut().enumerate() {
            *v = epi.apply(*v, j);
        }
    }
}

/// The AVX-512 kernel with its epilogue when enabled; it validates the views itself and
/// returns `false` (doing nothing) when it cannot run.
#[allow(clippy::too_many_arguments)]
pub(super) fn avx512_gemm<T: avx512::Element>(
    a: &[T],
    oa: isize,
    b: &[T],
    ob: isize,
    d: Dims,
    c: &mut [T],
    threads: usize,
    epi: &Epilogue<T>,
) -> bool {
    let view = |data, off, rows, cols, rs, cs| avx512::MatRef {
        data,
        off,
        rows,
        cols,
        rs,
        cs,
    };
    avx512::enabled()
        && avx512::gemm(
            view(a, oa, d.m, d.k, d.rsa, d.csa),
            view(b, ob, d.k, d.n, d.rsb, d.csb),
            c,
            threads,
            epi,
        )
}

fn fused<T: Gemm + avx512::Element>(
    a: &NdArray,
    b: &NdArray,
    bias: Option<&NdArray>,
    e: &MatmulEpilogue,
    to_t: fn(f64) -> T,
) -> Result<NdArray> {
    let (shape, _) = infer_matmul_epilogue(
        e,
        &[a, b]
            .into_iter()
            .chain(bias)
            .map(|x| (x.shape().clone(), x.dtype()))
            .collect::<Vec<_>>(),
    )?;
    let bias_c = bias.map(|x| x.to_vec::<T>()).transpose()?;
    let epi = Epilogue {
        scale: e.scale.map(|s| to_t(s.as_f64())),
        bias: bias_c.as_deref(),
        relu: e.relu,
    };
    run::<T>(a, b, &shape, &epi)
}

/// `relu(scale * (a @ b) + bias)` with the steps `e` names, for float32/float64 `a`, `b`.
pub fn matmul_epilogue(
    a: &NdArray,
    b: &NdArray,
    bias: Option<&NdArray>,
    e: &MatmulEpilogue,
) -> Result<NdArray> {
    match a.dtype() {
        DType::Float32 => fused::<f32>(a, b, bias, e, |s| s as f32),
        DType::Float64 => fused::<f64>(a, b, bias, e, |s| s),
        d => Err(Error::Value(format!("matmul epilogue on {d}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use numfuse_ir::Scalar;

    fn ramp(shape: &[usize], phase: f64) -> NdArray {
        let n: usize = shape.iter().product();
        let v: Vec<f64> = (0..n)
            .map(|i| ((i as f64) * 0.618_033_988_75 + phase).fract() * 2.0 - 1.0)
            .collect();
        NdArray::from_vec(shape.to_vec(), v).unwrap()
    }

    #[test]
    fn finish_rounds_each_step_like_the_unfused_ops() {
        let mut c = vec![1.5f64, -2.0, f64::NAN, -0.0, 0.25, 3.0];
        let bias = [0.5, 1.0, -1.0];
        let epi = Epilogue {
            scale: Some(0.1),
            bias: Some(&bias[..]),
            relu: true,
        };
        let want: Vec<f64> = c
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let x = v * 0.1 + bias[i % 3];
                if x < 0.0 {
                    0.0
                } else {
                    x
                }
            })
            .collect();
        finish(&mut c, 3, &epi);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&c), bits(&want));
        assert!(c[2].is_nan());
    }

    #[test]
    fn fused_product_equals_product_then_finish() {
        // sizes that cross the micro-kernel's row and column edges
        for (m, k, n) in [(1, 1, 1), (13, 40, 17), (37, 300, 70)] {
            let (a, b, bias) = (ramp(&[m, k], 0.1), ramp(&[k, n], 0.2), ramp(&[n], 0.3));
            let e = MatmulEpilogue {
                scale: Some(Scalar::float(0.75)),
                bias: true,
                relu: true,
            };
            let got = matmul_epilogue(&a, &b, Some(&bias), &e).unwrap();
            let mut want = super::super::gemm::matmul(&a, &b)
                .unwrap()
                .to_vec::<f64>()
                .unwrap();
            let bv = bias.to_vec::<f64>().unwrap();
            let epi = Epilogue {
                scale: Some(0.75),
                bias: Some(&bv[..]),
                relu: true,
            };
            finish(&mut want, n, &epi);
            let got = got.to_vec::<f64>().unwrap();
            assert_eq!(
                got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "({m},{k},{n})"
            );
        }
    }

    #[test]
    fn a_bad_bias_is_an_error() {
        let e = MatmulEpilogue {
            scale: None,
            bias: true,
            relu: false,
        };
        let (a, b) = (ramp(&[2, 3], 0.1), ramp(&[3, 4], 0.2));
        assert!(matmul_epilogue(&a, &b, Some(&ramp(&[3], 0.0)), &e).is_err());
        assert!(matmul_epilogue(&a, &b, None, &e).is_err());
    }
}
