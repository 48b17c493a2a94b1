//! Binding kernel operands to memory: a view per operand with byte strides over the
//! iteration dimensions, coalescing of the loop nest, specialisation of the kernel on the
//! operands' inner stride classes and loop order, and the two-thread call split along the
//! outermost kept dimension.

use crate::ndarray::NdArray;
use numfuse_codegen::CallArgs;
use numfuse_ir::kernel::{InnerStride, Kernel, Role};
use numfuse_ir::{Error, Result};
use numfuse_optimizer::KernelStep;

/// One operand bound to memory: the view it reads or writes, its strides in bytes over the
/// iteration dimensions, and (for outputs) the buffer being filled.
pub(super) struct Bound {
    pub(super) view: Option<NdArray>,
    pub(super) strides: Vec<i64>,
    pub(super) bytes: usize,
}

/// Binds a view (already brought to the iteration shape by its access chain) as a kernel
/// operand over `iter_shape`; epilogue (`post`) operands cover the kept dimensions only.
pub(super) fn bind_view(
    k: &KernelStep,
    iter_shape: &[usize],
    post: bool,
    v: NdArray,
) -> Result<Bound> {
    let item = v.itemsize() as i64;
    let kept = k.kernel.rank - k.kernel.reduced;
    let mut strides: Vec<i64> = v.strides_elems().iter().map(|&s| s as i64 * item).collect();
    if post {
        strides.resize(k.kernel.rank, 0);
    }
    let want = if post {
        &iter_shape[..kept]
    } else {
        iter_shape
    };
    if v.shape().dims() != want {
        return Err(Error::Value(format!(
            "internal error: operand view {} for iteration {:?}",
            v.shape(),
            iter_shape
        )));
    }
    Ok(Bound {
        bytes: v.nbytes(),
        view: Some(v),
        strides,
    })
}

/// Specialises a kernel on its bound operands: coalesces the loop nest, picks the
/// reduction order and each operand's inner stride class. Returns the specialised kernel,
/// the coalesced extents and per-operand byte strides.
pub(super) fn specialise(
    kernel: &Kernel,
    iter_shape: &[usize],
    bound: &[Bound],
) -> (Kernel, Vec<i64>, Vec<Vec<i64>>) {
    let (shape, strides, reduced) = coalesce(iter_shape, kernel.reduced, bound);
    let mut spec = kernel.clone();
    spec.rank = shape.len();
    spec.reduced = reduced;
    spec.outer_reduce = numfuse_codegen::outer::eligible(&spec)
        && (kept_varies_fastest(&spec, &strides) || short_rows(&spec, &shape));
    let inner_dim = if spec.outer_reduce {
        spec.rank - spec.reduced - 1
    } else {
        spec.rank.wrapping_sub(1)
    };
    for (o, op) in spec.operands.iter_mut().enumerate() {
        op.inner = match strides[o].get(inner_dim) {
            None => InnerStride::Contiguous,
            Some(&0) => InnerStride::Broadcast,
            Some(&s) if s == op.dtype.itemsize() as i64 => InnerStride::Contiguous,
            Some(_) => InnerStride::Strided,
        };
    }
    (spec, shape, strides)
}

/// Whether the innermost kept dimension is contiguous for the kernel's first input while the
/// innermost reduced one is not (then the reduction runs with reduced dimensions outside).
fn kept_varies_fastest(k: &Kernel, strides: &[Vec<i64>]) -> bool {
    let Some(o) = k.operands.iter().position(|op| op.role == Role::Input) else {
        return false;
    };
    let item = k.operands[o].dtype.itemsize() as i64;
    let (kept_inner, red_inner) = (k.rank - k.reduced - 1, k.rank - 1);
    strides[o][kept_inner].abs() == item && strides[o][red_inner].abs() != item
}

/// Reduced points per output at most which a reduction runs in outer order when its
/// innermost kept extent is at least [`SHORT_ROWS_WIDTH`]. Measured on row sums of
/// `(1000000, w)` float64: 1.3–1.8× faster for `w` of 2 to 6, even at 7, slower at 8 (where
/// the inner order's vector loop is full).
const SHORT_ROWS: i64 = 6;
/// See [`SHORT_ROWS`].
const SHORT_ROWS_WIDTH: i64 = 64;

/// Whether every output folds only a few points while there are many outputs along the
/// innermost kept dimension (pairwise distances: 3 coordinates per pair): vectors across the
/// outputs (strided inputs gathered) beat a per-output loop too short to vectorize.
fn short_rows(k: &Kernel, shape: &[i64]) -> bool {
    let kept = k.rank - k.reduced;
    shape[kept..].iter().product::<i64>() <= SHORT_ROWS && shape[kept - 1] >= SHORT_ROWS_WIDTH
}

/// Calls the kernel, splitting the outermost dimension into pieces that `threads` threads
/// claim one after the other (`workers::share`).
pub(super) fn call_split(
    f: &numfuse_codegen::KernelFn,
    shape: &[i64],
    ptrs: &[*mut u8],
    strides: &[i64],
    rank: usize,
    threads: usize,
) {
    let run = |shape: &[i64], ptrs: &[*mut u8]| {
        let args = CallArgs {
            shape,
            ptrs,
            strides,
        };
        // SAFETY: every operand pointer and stride comes from a validated view of a live
        // buffer (input snapshots held by the caller, fresh output buffers), so every index
        // in `shape` is in bounds; outputs are fresh and written by exactly one call per
        // index (the split below partitions the outermost kept dimension); nothing else
        // writes these buffers meanwhile.
        unsafe { f.call(&args) }
    };
    if threads < 2 {
        return run(shape, ptrs);
    }
    struct Ptrs<'a>(&'a [*mut u8]);
    // SAFETY: the pieces touch disjoint output elements (disjoint ranges of the outermost
    // dimension, which every output is indexed by) and only read shared inputs.
    unsafe impl Sync for Ptrs<'_> {}
    impl Ptrs<'_> {
        fn get(&self) -> &[*mut u8] {
            self.0
        }
    }
    let base = Ptrs(ptrs);
    let rows = shape[0] as usize;
    let grain = crate::workers::grain(rows, 1, 1);
    crate::workers::share(
        rows,
        grain,
        || (),
        |_, r| {
            let p: Vec<*mut u8> = base
                .get()
                .iter()
                .enumerate()
                .map(|(o, &p)| p.wrapping_offset((r.start as i64 * strides[o * rank]) as isize))
                .collect();
            let mut s = shape.to_vec();
            s[0] = r.len() as i64;
            run(&s, &p)
        },
    );
}

/// Drops unit dimensions and merges neighbours that are contiguous for every operand (never
/// across the kept/reduced boundary). Returns the shape, per-operand byte strides and the
/// number of reduced dimensions.
fn coalesce(shape: &[usize], reduced: usize, bound: &[Bound]) -> (Vec<i64>, Vec<Vec<i64>>, usize) {
    let rank = shape.len();
    let kept = rank - reduced;
    let mut dims: Vec<(i64, bool, Vec<i64>)> = Vec::new();
    for (d, &len) in shape.iter().enumerate() {
        if len == 1 {
            continue;
        }
        let col: Vec<i64> = bound.iter().map(|b| b.strides[d]).collect();
        let is_red = d >= kept;
        if let Some(last) = dims.last_mut() {
            let mergeable = last.1 == is_red
                && last
                    .2
                    .iter()
                    .zip(&col)
                    .all(|(&outer, &inner)| outer == inner * len as i64);
            if mergeable {
                last.0 *= len as i64;
                last.2 = col;
                continue;
            }
        }
        dims.push((len as i64, is_red, col));
    }
    let red = dims.iter().filter(|d| d.1).count();
    let shape: Vec<i64> = dims.iter().map(|d| d.0).collect();
    let strides: Vec<Vec<i64>> = (0..bound.len())
        .map(|o| dims.iter().map(|d| d.2[o]).collect())
        .collect();
    (shape, strides, red)
}
