//! Row sums taken over by a line step: when the kernel after a line step (`lines.rs`) sums
//! each line the step has just written — softmax's `sum(e)` right after `e = exp(x - max)` —
//! the line step adds each line up while it is still in L1, with
//! `numfuse_codegen::blocksum::row_sum`, which reproduces the compiled reduction's order
//! bit for bit. The kernel's separate pass over the block (from L2) disappears.

use super::blocks::Ptr;
use super::KernelRun;
use numfuse_codegen::blocksum::row_sum;
use numfuse_ir::kernel::{Accumulator, InnerStride, KInst, KStore, Kernel, Role};
use numfuse_ir::{DType, ReduceOp};

/// A bound kernel `out[l] = sum(x[l, :])` over the lines of a block.
pub(super) struct LineSums {
    /// The summed lines: `lines` of `width` contiguous elements, `in_line` bytes apart.
    pub(super) input: Ptr,
    pub(super) in_line: i64,
    pub(super) lines: i64,
    pub(super) width: i64,
    pub(super) dtype: DType,
    /// One sum per line, `out_line` bytes apart.
    pub(super) out: Ptr,
    out_line: i64,
    /// The kernel this replaces (for the report).
    pub(super) run: KernelRun,
}

/// The row sums of a specialised block kernel (`shape`, byte `strides` per operand, block
/// pointers `ptrs`), if it is exactly that: rank 2, the last dimension reduced by one float
/// `add` of one load, contiguous along the line, the sum stored unchanged into an output of
/// the same dtype.
pub(super) fn recognise(
    spec: &Kernel,
    shape: &[i64],
    strides: &[Vec<i64>],
    ptrs: &[Ptr],
    run: &KernelRun,
) -> Option<LineSums> {
    if shape.len() != 2 || spec.reduced != 1 || spec.outer_reduce || spec.operands.len() != 2 {
        return None;
    }
    let [KInst::Load(x)] = spec.pre.as_slice() else {
        return None;
    };
    let [Accumulator {
        op: ReduceOp::Sum,
        dtype,
        value: 0,
    }] = spec.accs.as_slice()
    else {
        return None;
    };
    let ([KInst::Acc(0)], [KStore { operand, value: 0 }]) =
        (spec.post.as_slice(), spec.stores.as_slice())
    else {
        return None;
    };
    let (x, out) = (*x as usize, *operand as usize);
    let (xo, oo) = (&spec.operands[x], &spec.operands[out]);
    let float = matches!(dtype, DType::Float32 | DType::Float64);
    let item = dtype.itemsize() as i64;
    let fits = float
        && x != out
        && xo.dtype == *dtype
        && oo.dtype == *dtype
        && xo.role == Role::Input
        && oo.role == Role::Output
        && xo.inner == InnerStride::Contiguous
        && strides[x][1] == item
        && strides[out][1] == 0;
    fits.then(|| LineSums {
        input: ptrs[x],
        in_line: strides[x][0],
        lines: shape[0],
        width: shape[1],
        dtype: *dtype,
        out: ptrs[out],
        out_line: strides[out][0],
        run: run.clone(),
    })
}

impl LineSums {
    /// Stores the sum of the `w` elements at `line` as the sum of line `l`, given the block's
    /// first sum at `out0`.
    ///
    /// # Safety
    /// `line` addresses `w` initialised elements of the dtype; `out0` is the block's sums
    /// (one element per line, `out_line` bytes apart), `l` a line of the block.
    pub(super) unsafe fn store(&self, out0: *mut u8, l: i64, line: *const u8, w: usize) {
        let dst = out0.wrapping_offset((l * self.out_line) as isize);
        // SAFETY: forwarded from the caller.
        unsafe {
            if self.dtype == DType::Float64 {
                let xs = std::slice::from_raw_parts(line.cast::<f64>(), w);
                dst.cast::<f64>().write_unaligned(row_sum(xs));
            } else {
                let xs = std::slice::from_raw_parts(line.cast::<f32>(), w);
                dst.cast::<f32>().write_unaligned(row_sum(xs));
            }
        }
    }
}
