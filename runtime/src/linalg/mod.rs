//! Library kernels for [`Op::MatMul`](numfuse_ir::Op::MatMul) and
//! [`Op::Linalg`](numfuse_ir::Op::Linalg): the interpreter and the executor's library steps
//! both call [`eval_linalg`] and [`gemm::matmul`].
//!
//! Decompositions run per matrix of the batch on float64 (float32 input is computed in
//! float64 and rounded once at the end); their packed layout is described in
//! [`numfuse_ir::linalg_op`]. Complex input is not supported by the decompositions yet.

pub mod avx512;
pub mod decomp;
pub mod fused;
pub mod gemm;
pub mod lu;

use crate::cast::cast_array;
use crate::ndarray::NdArray;
use num_complex::Complex;
use numfuse_ir::{DType, Error, LinalgOp, Result, Shape};

/// faer's parallelism for about `work` multiply-adds: sequential below `sequential_below`,
/// faer's global setting above.
fn faer_par(work: usize, sequential_below: usize) -> faer::Par {
    if work < sequential_below {
        faer::Par::Seq
    } else {
        faer::get_global_parallelism()
    }
}

/// Float64 matrix data, borrowed from an input's buffer or copied.
enum F64Data {
    /// A C-contiguous float64 input: its buffer, element offset and length.
    Shared(std::sync::Arc<crate::buffer::Bytes>, usize, usize),
    /// A converted or gathered copy.
    Owned(Vec<f64>),
}

impl F64Data {
    fn as_slice(&self) -> &[f64] {
        match self {
            F64Data::Shared(b, off, len) => &b.as_slice::<f64>()[*off..off + len],
            F64Data::Owned(v) => v,
        }
    }
}

/// The batch items of `x` (`(..., m, n)`) as row-major float64 matrices: a C-contiguous
/// float64 input is read in place (a 1000×1000 solve no longer copies 8 MB into a fresh,
/// page-faulting vector first), anything else is converted.
fn matrices(x: &NdArray) -> (F64Data, usize, usize, usize) {
    let nd = x.ndim();
    let (m, n) = (x.shape()[nd - 2], x.shape()[nd - 1]);
    let batch = x.shape()[..nd - 2].iter().product();
    let data = if x.dtype() == DType::Float64 && x.is_c_contiguous() {
        F64Data::Shared(x.data(), x.offset(), x.size())
    } else {
        F64Data::Owned(
            cast_array(x, DType::Float64)
                .to_vec::<f64>()
                .expect("float64 after the cast"),
        )
    };
    (data, batch, m, n)
}

fn finish(out: Vec<f64>, shape: Shape, dtype: DType) -> Result<NdArray> {
    let a = NdArray::from_vec(shape, out)?;
    Ok(if dtype == DType::Float64 {
        a
    } else {
        cast_array(&a, dtype)
    })
}

/// Evaluates a decomposition or solver on its inputs (`[a]`, or `[a, b]` for solve).
pub fn eval_linalg(op: LinalgOp, args: &[&NdArray]) -> Result<NdArray> {
    let tys: Vec<_> = args
        .iter()
        .map(|a| (a.shape().clone(), a.dtype()))
        .collect();
    let (shape, dtype) = numfuse_ir::infer::infer(&numfuse_ir::Op::Linalg(op), &tys)?;
    if args[0].dtype().is_complex() {
        return Err(Error::Type(format!(
            "linalg.{} of complex input is not supported yet",
            op.name()
        )));
    }
    let (a_data, batch, m, n) = matrices(args[0]);
    let a = a_data.as_slice();
    let item = |i: usize| &a[i * m * n..(i + 1) * m * n];
    let mut out: Vec<f64> = Vec::with_capacity(shape.size());
    match op {
        LinalgOp::Solve => {
            let (b_data, _, _, k) = matrices(args[1]);
            let b = b_data.as_slice();
            for i in 0..batch {
                out.extend(decomp::solve(
                    item(i),
                    &b[i * n * k..(i + 1) * n * k],
                    n,
                    k,
                )?);
            }
        }
        LinalgOp::Inv => {
            for i in 0..batch {
                out.extend(decomp::inv(item(i), n)?);
            }
        }
        LinalgOp::Det => out.extend((0..batch).map(|i| decomp::det(item(i), n))),
        LinalgOp::Slogdet => {
            for i in 0..batch {
                let (s, l) = decomp::slogdet(item(i), n);
                out.extend([s, l]);
            }
        }
        LinalgOp::Cholesky => {
            for i in 0..batch {
                out.extend(decomp::cholesky(item(i), n)?);
            }
        }
        LinalgOp::Qr { complete } => {
            for i in 0..batch {
                out.extend(decomp::qr(item(i), m, n, complete));
            }
        }
        LinalgOp::Eigh { lower, vectors } => {
            for i in 0..batch {
                out.extend(decomp::eigh(item(i), n, lower, vectors)?);
            }
        }
        LinalgOp::Svd { full, uv } => {
            for i in 0..batch {
                out.extend(decomp::svd(item(i), m, n, full, uv)?);
            }
        }
        LinalgOp::Eig { vectors } => {
            let mut z: Vec<Complex<f64>> = Vec::with_capacity(shape.size());
            for i in 0..batch {
                z.extend(decomp::eig(item(i), n, vectors)?);
            }
            let r = NdArray::from_vec(shape, z)?;
            return Ok(if dtype == DType::Complex128 {
                r
            } else {
                cast_array(&r, dtype)
            });
        }
    }
    finish(out, shape, dtype)
}
