//! The block loop of a row-blocked segment (`segment.rs` binds it): the steps as bound for
//! one block, the per-thread scratch they run in, and the split of the blocks between two
//! threads.
//!
//! Tried and measured slower (sigmoid on 10M f64: 8.3–9.8 ms against 7.0–7.3): computing
//! large escaping values into scratch and streaming them out with non-temporal stores, which
//! a plain streaming pass showed 25 % faster; and prefetching the next block's inputs
//! (7.2 → 9.4–12.5 ms). Streamed outputs measured no better on Intel Xeon (Emerald Rapids)
//! either, with 64-byte AVX-512 non-temporal stores: sigmoid 14.2–16.1 ms plain against
//! 14.8–15.0 ms streamed (the output step alone 5.2–5.3 against 5.4 ms). Re-measured on AMD
//! Zen 4 (scratch then a streamed copy of each block's large kernel outputs): sigmoid
//! 6.5–6.8 → 7.9–8.3 ms. Starting the second thread with a half block, so that one thread's
//! memory-bound steps meet the other's compute-bound ones: no change (softmax 2.36–2.49 ms,
//! sigmoid 6.4–7.3 ms either way).

use super::chain::ChainStep;
use super::lines::LineStep;
use super::KernelRun;
use crate::buffer::Bytes;
use numfuse_codegen::vmath::{self, UnaryFn};
use numfuse_codegen::{CallArgs, Compiled};
use numfuse_ir::{DType, NodeId};
use std::ops::Range;
use std::time::{Duration, Instant};

/// Where a value of the segment lives during one block.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Home {
    /// Per-thread scratch slot.
    Local(usize),
    /// A full output buffer, written at `base + r0 · row_bytes`.
    Full { base: *mut u8, row_bytes: i64 },
}

/// How an operand's pointer is found for a block starting at row `r0`.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Ptr {
    /// A value from before the segment: `base + r0 · row_stride`.
    Outside { base: *mut u8, row_stride: i64 },
    /// A value of the segment: its home for the block, plus a fixed byte offset.
    Inside { home: Home, offset: isize },
}

pub(super) struct BlockKernel {
    pub(super) compiled: Compiled,
    pub(super) shape: Vec<i64>,
    /// Coalesced leading extent per row (the rows may merge with inner dimensions).
    pub(super) per_row: i64,
    pub(super) strides: Vec<i64>,
    pub(super) ptrs: Vec<Ptr>,
    pub(super) run: KernelRun,
}

pub(super) enum BlockStep {
    Kernel(Box<BlockKernel>),
    /// A kernel of the form `x ⊙ c[line]` run by the ahead-of-time line routines
    /// (`exec/lines.rs`), possibly with the next step's transcendental absorbed.
    Lines(Box<LineStep>),
    /// A kernel of `+ - * /` with scalar constants on one contiguous array, run by the
    /// ahead-of-time line routines one op after the other (`exec/chain.rs`).
    Chain(Box<ChainStep>),
    /// An in-place vector-math transcendental over the block (`input` copied to `output`
    /// first unless they share storage).
    Math {
        f: UnaryFn,
        dtype: DType,
        input: Home,
        output: Home,
        row_elems: usize,
        /// The node it computes.
        node: NodeId,
    },
}

/// Raw pointers that cross into the worker thread.
struct SendPtrs<T>(T);
// SAFETY: the pointers address full output buffers (each block writes disjoint rows) and
// input snapshots (read-only while the segment runs), both alive until both threads join;
// per-thread scratch is allocated by each thread itself.
unsafe impl<T> Send for SendPtrs<T> {}
// SAFETY: as above; the steps are only read by the threads.
unsafe impl<T> Sync for SendPtrs<T> {}

/// Runs all blocks on `threads` threads (each claiming the next piece of blocks, see
/// `workers::share`); returns the summed time spent in each step when `timed` (zeros
/// otherwise).
pub(super) fn run_blocks(
    steps: &[BlockStep],
    slots: &[(DType, usize)],
    rows: usize,
    b: usize,
    threads: usize,
    timed: bool,
) -> Vec<Duration> {
    let blocks = rows.div_ceil(b);
    let shared = SendPtrs(steps);
    let n_steps = steps.len();
    let scratch_and_times = || {
        let scratch: Vec<Bytes> = slots
            .iter()
            .map(|&(d, n)| Bytes::for_overwrite(d, n))
            .collect();
        (scratch, vec![Duration::ZERO; n_steps])
    };
    let work = |(scratch, times): &mut (Vec<Bytes>, Vec<Duration>), range: Range<usize>| {
        let steps = &shared;
        for blk in range {
            let r0 = blk * b;
            let rows_here = b.min(rows - r0);
            for (i, step) in steps.0.iter().enumerate() {
                if timed {
                    let t = Instant::now();
                    run_step(step, scratch, r0, rows_here);
                    times[i] += t.elapsed();
                } else {
                    run_step(step, scratch, r0, rows_here);
                }
            }
        }
    };
    if threads < 2 {
        let mut state = scratch_and_times();
        work(&mut state, 0..blocks);
        return state.1;
    }
    // blocks are independent (each writes its own rows), so either thread may run any
    let grain = crate::workers::grain(blocks, 1, 1);
    let mut total = vec![Duration::ZERO; n_steps];
    for (_, times) in crate::workers::share(blocks, grain, scratch_and_times, work) {
        for (a, t) in total.iter_mut().zip(times) {
            *a += t;
        }
    }
    total
}

fn base(home: Home, scratch: &mut [Bytes], r0: usize) -> *mut u8 {
    match home {
        Home::Local(i) => scratch[i].as_mut_ptr(),
        Home::Full { base, row_bytes } => base.wrapping_offset((r0 as i64 * row_bytes) as isize),
    }
}

/// The address of operand `p` for the block starting at row `r0`.
pub(super) fn base_ptr(p: Ptr, scratch: &mut [Bytes], r0: usize) -> *mut u8 {
    match p {
        Ptr::Outside { base, row_stride } => {
            base.wrapping_offset((r0 as i64 * row_stride) as isize)
        }
        Ptr::Inside { home, offset } => base(home, scratch, r0).wrapping_offset(offset),
    }
}

fn run_step(step: &BlockStep, scratch: &mut [Bytes], r0: usize, rows: usize) {
    match step {
        BlockStep::Kernel(k) => {
            let ptrs: smallvec::SmallVec<[*mut u8; 8]> =
                k.ptrs.iter().map(|&p| base_ptr(p, scratch, r0)).collect();
            let mut shape: smallvec::SmallVec<[i64; 8]> = k.shape.iter().copied().collect();
            shape[0] = rows as i64 * k.per_row;
            let args = CallArgs {
                shape: &shape,
                ptrs: &ptrs,
                strides: &k.strides,
            };
            // SAFETY: operands were bound and validated for a full block; a shorter last
            // block only shrinks the leading extent. Inputs from before the segment are
            // snapshots kept alive by the caller, read at rows [r0, r0 + rows); values of the
            // segment are read from the block that earlier steps of this thread wrote; outputs
            // go to this thread's scratch or to rows of a full buffer no other block writes.
            unsafe { k.compiled.func.call(&args) }
        }
        BlockStep::Lines(l) => l.run(scratch, r0, rows),
        BlockStep::Chain(c) => c.run(scratch, r0, rows),
        BlockStep::Math {
            f,
            dtype,
            input,
            output,
            row_elems,
            ..
        } => {
            let n = rows * row_elems;
            let src = base(*input, scratch, r0);
            let dst = base(*output, scratch, r0);
            // SAFETY: `src` and `dst` address `n` elements of `dtype` written by earlier steps
            // for this block (scratch of this thread, or this block's rows of a full buffer);
            // when they differ the regions do not overlap (distinct buffers).
            unsafe {
                if src != dst {
                    let bytes = n * dtype.itemsize();
                    crate::copy::copy_elems(
                        std::slice::from_raw_parts_mut(dst, bytes),
                        std::slice::from_raw_parts(src, bytes),
                    );
                }
                match dtype {
                    DType::Float64 => {
                        vmath::unary_f64(*f, std::slice::from_raw_parts_mut(dst.cast(), n))
                    }
                    _ => vmath::unary_f32(*f, std::slice::from_raw_parts_mut(dst.cast(), n)),
                }
            }
        }
    }
}
