//! Library steps with fast paths: transcendental ufuncs on float32/float64 run the
//! vectorized `vmath` routines (AVX-512 / AVX2 with run-time dispatch) chunk by chunk on
//! both cores, in place when the executor owns the argument, instead of the interpreter's
//! per-element libm.

use crate::buffer::Bytes;
use crate::ndarray::NdArray;
use numfuse_ir::Op;

/// Transcendental ufuncs on float32/float64 through the vectorized `vmath` routines (AVX-512
/// / AVX2 with run-time dispatch), in place when the executor owns the argument, otherwise
/// into a fresh buffer chunk by chunk (each chunk copied, then transformed while in L1 — one
/// pass over memory instead of a copy and a second pass); large arrays are split in two
/// halves run on both cores (elementwise, so the bits do not depend on the split). `None`
/// for everything else (the interpreter's routine runs).
pub(crate) fn vector_math(op: &Op, args: &[&NdArray], in_place: bool) -> Option<NdArray> {
    use numfuse_codegen::vmath::{self, BinaryFn, UnaryFn};
    use numfuse_ir::{BinaryOp, DType};
    let dtype = args.first()?.dtype();
    if !matches!(dtype, DType::Float32 | DType::Float64) {
        return None;
    }
    let (unary, binary) = match op {
        Op::Unary(u) => (
            Some(UnaryFn::ALL.into_iter().find(|f| f.name() == u.name())?),
            None,
        ),
        Op::Binary(b) => {
            let name = match b {
                BinaryOp::Pow => "pow",
                BinaryOp::Arctan2 => "atan2",
                BinaryOp::Hypot => "hypot",
                _ => return None,
            };
            (
                None,
                Some(BinaryFn::ALL.into_iter().find(|f| f.name() == name)?),
            )
        }
        _ => return None,
    };
    let y = match binary {
        Some(_) => Some(args.get(1)?.as_c_contiguous()),
        None => None,
    };
    Some(if dtype == DType::Float64 {
        transform::<f64>(
            args[0],
            y.as_ref(),
            in_place,
            &|xs: &mut [f64], ys| match unary {
                Some(f) => vmath::unary_f64(f, xs),
                None => binary
                    .into_iter()
                    .for_each(|f| vmath::binary_f64(f, xs, ys)),
            },
        )
    } else {
        transform::<f32>(
            args[0],
            y.as_ref(),
            in_place,
            &|xs: &mut [f32], ys| match unary {
                Some(f) => vmath::unary_f32(f, xs),
                None => binary
                    .into_iter()
                    .for_each(|f| vmath::binary_f32(f, xs, ys)),
            },
        )
    })
}

/// A routine transforming `xs` in place, given the matching elements of the second operand
/// (empty for a unary one).
type Routine<'a, T> = &'a (dyn Fn(&mut [T], &[T]) + Sync);

/// Elements per chunk of [`transform`]'s copy-then-transform loop (16 KB of `f64`).
const CHUNK: usize = 2048;

/// `routine` applied to `x` (and the C-contiguous `y`): in `x`'s own buffer when `in_place`
/// allows it, else into a fresh one.
fn transform<T: crate::buffer::Pod + Send + Sync>(
    x: &NdArray,
    y: Option<&NdArray>,
    in_place: bool,
    routine: Routine<T>,
) -> NdArray {
    let y_data = y.map(|y| y.data());
    let ys: &[T] = match (y, &y_data) {
        // an empty view may carry an offset past its (empty) buffer: nothing to read
        (Some(y), Some(d)) if y.size() > 0 => &d.as_slice::<T>()[y.offset()..y.offset() + y.size()],
        _ => &[],
    };
    let owned = in_place && x.is_c_contiguous() && x.offset() == 0 && !x.is_view();
    if owned || !x.is_c_contiguous() || x.size() == 0 {
        // transformed in its own buffer, or in a strided copy made first
        let out = if owned { x.clone() } else { x.copy() };
        out.update_in_place(|xs: &mut [T]| split_chunks(None, xs, ys, routine));
        return out;
    }
    let mut out = Bytes::for_overwrite(x.dtype(), x.size());
    let data = x.data();
    let src = &data.as_slice::<T>()[x.offset()..x.offset() + x.size()];
    split_chunks(Some(src), out.as_mut_slice::<T>(), ys, routine);
    NdArray::from_bytes(out, x.shape().clone())
}

/// Runs `routine` over `out` (first filled from `src` chunk by chunk, if given), in pieces
/// both cores claim when it is large enough.
fn split_chunks<T: Copy + Send + Sync>(
    src: Option<&[T]>,
    out: &mut [T],
    ys: &[T],
    routine: Routine<T>,
) {
    let n = out.len();
    let chunked = |src: Option<&[T]>, out: &mut [T], ys: &[T]| {
        for (i, o) in out.chunks_mut(CHUNK).enumerate() {
            let r = i * CHUNK..i * CHUNK + o.len();
            if let Some(s) = src {
                crate::copy::copy_elems(o, &s[r.clone()]);
            }
            routine(o, ys.get(r).unwrap_or(&[]));
        }
    };
    if n < crate::exec::PARALLEL_WORK || crate::exec::max_threads() < 2 {
        return chunked(src, out, ys);
    }
    let grain = crate::workers::grain(n, 4 * CHUNK, CHUNK);
    crate::workers::share_mut(
        out,
        grain,
        || (),
        |_, at, o| {
            let r = at..at + o.len();
            chunked(src.map(|s| &s[r.clone()]), o, ys.get(r).unwrap_or(&[]));
        },
    );
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
