//! Library steps with fast paths: transcendental ufuncs on float32/float64 run the
//! vectorized `vmath` routines (AVX-512 / AVX2 with run-time dispatch) over a whole buffer,
//! in place when the executor owns the argument, instead of the interpreter's per-element libm.

use crate::buffer::Bytes;
use crate::ndarray::NdArray;
use numfuse_ir::Op;

/// Transcendental ufuncs on float32/float64 through the vectorized `vmath` routines (AVX-512
/// / AVX2 with run-time dispatch): the argument is copied into a fresh contiguous buffer and
/// transformed in place. `None` for everything else (the interpreter's routine runs).
pub(crate) fn vector_math(op: &Op, args: &[&NdArray], in_place: bool) -> Option<NdArray> {
    use numfuse_codegen::vmath::{self, BinaryFn, UnaryFn};
    use numfuse_ir::{BinaryOp, DType};
    let dtype = args.first()?.dtype();
    if !matches!(dtype, DType::Float32 | DType::Float64) {
        return None;
    }
    if !matches!(op, Op::Unary(_) | Op::Binary(_)) {
        return None;
    }
    let out =
        if in_place && args[0].is_c_contiguous() && args[0].offset() == 0 && !args[0].is_view() {
            args[0].clone()
        } else {
            contiguous_copy(args[0])
        };
    match op {
        Op::Unary(u) => {
            let f = UnaryFn::ALL.into_iter().find(|f| f.name() == u.name())?;
            if dtype == DType::Float64 {
                out.update_in_place(|xs: &mut [f64]| vmath::unary_f64(f, xs));
            } else {
                out.update_in_place(|xs: &mut [f32]| vmath::unary_f32(f, xs));
            }
        }
        Op::Binary(b) => {
            let f = match b {
                BinaryOp::Pow => BinaryFn::ALL.into_iter().find(|f| f.name() == "pow"),
                BinaryOp::Arctan2 => BinaryFn::ALL.into_iter().find(|f| f.name() == "atan2"),
                BinaryOp::Hypot => BinaryFn::ALL.into_iter().find(|f| f.name() == "hypot"),
                _ => None,
            }?;
            let y = args[1].as_c_contiguous();
            if dtype == DType::Float64 {
                let ys = y.to_vec::<f64>().ok()?;
                out.update_in_place(|xs: &mut [f64]| vmath::binary_f64(f, xs, &ys));
            } else {
                let ys = y.to_vec::<f32>().ok()?;
                out.update_in_place(|xs: &mut [f32]| vmath::binary_f32(f, xs, &ys));
            }
        }
        _ => return None,
    }
    Some(out)
}

/// Square roots of at least this many elements run as vector-math library steps (see
/// [`prefers_vmath`]).
const VMATH_SQRT_MIN: usize = 1 << 16;

/// Whether a node the JIT could compile runs faster as a vector-math library step: a
/// float32/float64 `sqrt` of a reduction's result of at least [`VMATH_SQRT_MIN`] elements
/// (pairwise distances, row norms) when the routines run at AVX-512 width. The JIT emits
/// 128-bit vectors, and on AMD Zen 5 an 8-lane `vsqrtpd` costs about what a 2-lane one does;
/// the reduction and the square root then run row block by row block in a segment, so the
/// reduction's result never travels to memory. Both give the correctly rounded square root:
/// the bits do not change. Measured on pairwise distances of 2000×3 points (AMD Zen 5, two
/// threads, alternating runs): 4.05–4.39 ms against 5.25–5.39 ms (minima).
pub(crate) fn prefers_vmath(node: &numfuse_ir::Node, g: &numfuse_ir::Graph) -> bool {
    use numfuse_codegen::vmath::Level;
    use numfuse_ir::{DType, UnaryOp};
    matches!(node.op, Op::Unary(UnaryOp::Sqrt))
        && matches!(node.dtype, DType::Float32 | DType::Float64)
        && node.shape.size() >= VMATH_SQRT_MIN
        && matches!(g.node(node.inputs[0]).op, Op::Reduce { .. })
        && Level::current() == Level::Avx512
}

/// The vector-math routine that runs a library node block by block inside a segment: a
/// float32/float64 ufunc of one argument that `vmath` has (transcendentals, and `sqrt`).
pub(crate) fn block_unary(node: &numfuse_ir::Node) -> Option<numfuse_codegen::vmath::UnaryFn> {
    use numfuse_ir::DType;
    let Op::Unary(u) = &node.op else {
        return None;
    };
    if !matches!(node.dtype, DType::Float32 | DType::Float64) {
        return None;
    }
    numfuse_codegen::vmath::UnaryFn::ALL
        .into_iter()
        .find(|f| f.name() == u.name())
}

/// A fresh C-contiguous copy: a plain memcpy into a pooled buffer when the source is
/// contiguous, the general strided copy otherwise.
fn contiguous_copy(x: &NdArray) -> NdArray {
    if !x.is_c_contiguous() || x.dtype() == numfuse_ir::DType::Bool || x.size() == 0 {
        return x.copy();
    }
    let mut out = Bytes::for_overwrite(x.dtype(), x.size());
    let data = x.data();
    crate::with_dtype!(x.dtype(), T => {
        let src = &data.as_slice::<T>()[x.offset()..x.offset() + x.size()];
        crate::copy::copy_elems(out.as_mut_slice::<T>(), src);
    });
    NdArray::from_bytes(out, x.shape().clone())
}
