//! Runs a row-blocked [`Segment`]: its steps execute one block of rows at a time, block-local
//! values living in per-thread scratch buffers that stay in cache, escaping values written
//! row block by row block into their full buffers. Blocks are split between two threads as
//! contiguous ranges; every row is computed by the same instructions whatever the blocking
//! and thread count, so results are identical to the unblocked schedule.
//!
//! Every operand is bound once per segment: values from before the segment as full strided
//! views (a block reads them at `base + r0 · stride₀`), values of the segment through their
//! access chain rewritten for a block (`block_chain`), so a block reads them at a fixed
//! offset from the block's base. Per block only pointers and the leading extent change.

use super::blocks::{run_blocks, BlockKernel, BlockStep, Home, Ptr};
use super::line_sums;
use super::{bind_view, specialise, Bound, Executor, KernelRun, PARALLEL_WORK};
use crate::buffer::Bytes;
use crate::interp;
use crate::ndarray::NdArray;
use numfuse_ir::kernel::Role;
use numfuse_ir::{DType, Error, NodeId, Result};
use numfuse_optimizer::segment::block_chain;
use numfuse_optimizer::{KernelStep, Segment, Step};
use std::sync::Arc;
use std::time::Duration;

impl Executor<'_> {
    /// Runs the steps of `seg` block by block.
    pub(super) fn run_segment(&mut self, seg: &Segment) -> Result<()> {
        let g = self.g;
        let b = seg.block_rows;
        let mut full: Vec<(NodeId, Bytes)> = Vec::new();
        let mut homes: Vec<(NodeId, Home)> = Vec::new();
        let mut slots: Vec<(DType, usize)> = Vec::new();
        for &x in &seg.escaping {
            let node = g.node(x);
            let mut bytes = self.output_buffer(x, node.dtype, node.shape.size());
            let row_bytes = (node.shape.size() / seg.rows * node.dtype.itemsize()) as i64;
            homes.push((
                x,
                Home::Full {
                    base: bytes.as_mut_ptr(),
                    row_bytes,
                },
            ));
            full.push((x, bytes));
        }
        let uses = g.use_counts();
        let mut keep = Vec::new(); // snapshots read by the segment
        let mut steps = Vec::new();
        for step in &self.sched.steps[seg.steps.clone()] {
            let s = match step {
                Step::Kernel(k) => {
                    let prev = steps.last_mut();
                    match self.bind_block_kernel(k, seg, prev, &mut homes, &mut slots, &mut keep)? {
                        Some(s) => s,
                        None => continue,
                    }
                }
                Step::Library(x) => {
                    let node = g.node(*x);
                    let f = crate::libcall::block_unary(node).ok_or_else(|| {
                        Error::Value(format!("internal error: {x} cannot run in blocks"))
                    })?;
                    let input = home_of(&homes, node.inputs[0])?;
                    let row_elems = node.shape.size() / seg.rows;
                    let single_use = uses[node.inputs[0].index()] == 1;
                    let output = match home_of(&homes, *x) {
                        Ok(h) => h,
                        Err(_) if single_use && matches!(input, Home::Local(_)) => {
                            homes.push((*x, input));
                            input
                        }
                        Err(_) => {
                            slots.push((node.dtype, b * row_elems));
                            homes.push((*x, Home::Local(slots.len() - 1)));
                            Home::Local(slots.len() - 1)
                        }
                    };
                    let math = BlockStep::Math {
                        f,
                        dtype: node.dtype,
                        input,
                        output,
                        row_elems,
                        node: *x,
                    };
                    match steps.last_mut() {
                        Some(BlockStep::Lines(l)) => match l.absorb(math, single_use) {
                            Some(m) => m,
                            None => continue,
                        },
                        _ => math,
                    }
                }
            };
            steps.push(s);
        }
        let elems: usize = seg
            .escaping
            .iter()
            .chain(&seg.local)
            .map(|&x| g.node(x).shape.size())
            .sum();
        let blocks = seg.rows.div_ceil(b);
        let threads = if elems >= PARALLEL_WORK && blocks >= 2 && super::max_threads() >= 2 {
            2
        } else {
            1
        };
        let times = run_blocks(&steps, &slots, seg.rows, b, threads, self.timed);
        drop(keep);
        for (i, s) in steps.into_iter().enumerate() {
            let run_time = times[i] / threads as u32;
            match s {
                BlockStep::Kernel(mut k) => {
                    k.run.run_time = run_time;
                    k.run.threads = threads;
                    self.runs.push(k.run);
                }
                BlockStep::Lines(mut l) => {
                    l.run.run_time = run_time;
                    l.run.threads = threads;
                    if let Some((_, x)) = l.then {
                        self.push_blocked_library(
                            x,
                            Duration::ZERO,
                            " (fused into the line op before it)",
                        );
                    }
                    let sums = l.sums.map(|s| KernelRun { threads, ..s.run });
                    self.runs.push(l.run);
                    self.runs.extend(sums);
                }
                BlockStep::Chain(mut c) => {
                    c.run.run_time = run_time;
                    c.run.threads = threads;
                    self.runs.push(c.run);
                }
                BlockStep::Math { node, .. } => self.push_blocked_library(node, run_time, ""),
            }
        }
        for (x, bytes) in full {
            self.values[x.index()] = Some(NdArray::from_bytes(bytes, g.node(x).shape.clone()));
        }
        Ok(())
    }

    /// Records a vector-math step that ran block by block (`note` added to its name).
    fn push_blocked_library(&mut self, x: NodeId, run_time: Duration, note: &str) {
        let node = self.g.node(x);
        self.library_runs.push(super::LibraryRun {
            node: x,
            op: node.op.mnemonic() + note,
            run_time,
            bytes: 2 * node.shape.size() * node.dtype.itemsize(),
            blocked: true,
        });
    }

    /// Binds kernel step `k` for one block: a compiled kernel, or a line step when the
    /// kernel has that form (`exec/lines.rs`); `None` when the line step `prev` takes it
    /// over (row sums, `exec/line_sums.rs`).
    fn bind_block_kernel(
        &mut self,
        k: &KernelStep,
        seg: &Segment,
        prev: Option<&mut BlockStep>,
        homes: &mut Vec<(NodeId, Home)>,
        slots: &mut Vec<(DType, usize)>,
        keep: &mut Vec<Arc<Bytes>>,
    ) -> Result<Option<BlockStep>> {
        let b = seg.block_rows;
        let mut iter_shape = k.iter_shape.dims().to_vec();
        iter_shape[0] = b;
        let mut bound = Vec::new();
        let mut ptrs = Vec::new();
        let mut outside = Vec::new();
        let (mut next_in, mut next_out) = (0, 0);
        for op in &k.kernel.operands {
            match op.role {
                Role::Input => {
                    let access = &k.inputs[next_in];
                    next_in += 1;
                    if let Ok(home) = home_of(homes, access.source) {
                        // a value of the segment, read through the chain rewritten for a block
                        let src = self.g.node(access.source);
                        let chain = block_chain(&src.shape, &access.chain, seg.rows, b)
                            .ok_or_else(|| Error::Value("internal error: row chain".into()))?;
                        let mut dims = src.shape.dims().to_vec();
                        dims[0] = b;
                        let block = NdArray::zeros(dims, src.dtype);
                        let mut v = block.clone();
                        for op in &chain {
                            v = interp::eval_op(op, &[&v])?;
                        }
                        if v.data().as_ptr() != block.data().as_ptr() {
                            // the scheduler admits only chains that stay views (block_chain)
                            return Err(Error::Value(
                                "internal error: a block chain copied its operand".into(),
                            ));
                        }
                        let offset = (v.offset() * v.itemsize()) as isize;
                        bound.push(bind_view(k, &iter_shape, access.post, v)?);
                        ptrs.push(Ptr::Inside { home, offset });
                    } else {
                        let full = self.bind_input(k, next_in - 1)?;
                        let v = full.view.as_ref().expect("inputs have views");
                        let data = v.data();
                        let base = data.as_ptr().wrapping_add(v.offset() * v.itemsize()) as *mut u8;
                        keep.push(data);
                        outside.push(ptrs.len());
                        ptrs.push(Ptr::Outside {
                            base,
                            row_stride: full.strides[0],
                        });
                        bound.push(full);
                    }
                }
                Role::Output => {
                    let x = k.outputs[next_out];
                    next_out += 1;
                    let node = self.g.node(x);
                    let item = op.dtype.itemsize() as i64;
                    let home = match home_of(homes, x) {
                        Ok(h) => h,
                        Err(_) => {
                            slots.push((node.dtype, node.shape.size() / seg.rows * b));
                            homes.push((x, Home::Local(slots.len() - 1)));
                            Home::Local(slots.len() - 1)
                        }
                    };
                    let mut strides: Vec<i64> = node
                        .shape
                        .c_strides()
                        .iter()
                        .map(|&s| s as i64 * item)
                        .collect();
                    strides.resize(k.kernel.rank, 0);
                    bound.push(Bound {
                        view: None,
                        strides,
                        bytes: node.shape.size() * op.dtype.itemsize(),
                    });
                    ptrs.push(Ptr::Inside { home, offset: 0 });
                }
            }
        }
        let (mut spec, mut shape, mut strides) = specialise(&k.kernel, &iter_shape, &bound);
        if repack_outside(k, spec.outer_reduce, &outside, &mut bound, &mut ptrs, keep)? {
            (spec, shape, strides) = specialise(&k.kernel, &iter_shape, &bound);
        }
        let bytes = bound.iter().map(|x| x.bytes).sum();
        let mut run = KernelRun {
            kernel: spec,
            clif: Arc::new(String::new()),
            compile_time: Duration::ZERO,
            cache_hit: true,
            run_time: Duration::ZERO,
            bytes,
            threads: 1,
            rows_grouped: 1,
            aot: None,
        };
        if super::line_ops_enabled() {
            let lines = super::lines::recognise(&run.kernel, &shape, &strides, &ptrs, b, &run);
            if let Some(mut l) = lines {
                l.stream_if_large(seg.rows);
                l.run.aot = Some(l.describe());
                return Ok(Some(BlockStep::Lines(Box::new(l))));
            }
            if let Some(mut c) =
                super::chain::recognise(&run.kernel, &shape, &strides, &ptrs, b, seg.rows, &run)
            {
                c.run.aot = Some(c.describe());
                return Ok(Some(BlockStep::Chain(Box::new(c))));
            }
            if let Some(BlockStep::Lines(l)) = prev {
                if let Some(sums) = line_sums::recognise(&run.kernel, &shape, &strides, &ptrs, &run)
                {
                    if l.absorb_sums(sums, b).is_none() {
                        return Ok(None);
                    }
                }
            }
        }
        let (compiled, info) = super::compile(&run.kernel)?;
        run.clif = info.clif;
        run.compile_time = info.compile_time;
        run.cache_hit = info.cache_hit;
        run.rows_grouped = info.rows_grouped;
        let per_row = shape.first().copied().unwrap_or(1) / b as i64;
        Ok(Some(BlockStep::Kernel(Box::new(BlockKernel {
            compiled,
            shape,
            per_row,
            strides: strides.into_iter().flatten().collect(),
            ptrs,
            run,
        }))))
    }
}

fn home_of(homes: &[(NodeId, Home)], x: NodeId) -> Result<Home> {
    homes
        .iter()
        .find(|(n, _)| *n == x)
        .map(|(_, h)| *h)
        .ok_or_else(|| Error::Value(format!("internal error: {x} has no home in the segment")))
}

/// Repacks the small strided inputs from outside the segment (operands `outside`, bound
/// over the kernel's whole iteration space, `exec/repack.rs`) — pairwise distances read
/// `b[j, k]` with stride 3 along the innermost `j` — and points their `ptrs` at the copies;
/// returns whether any changed.
fn repack_outside(
    k: &KernelStep,
    outer_reduce: bool,
    outside: &[usize],
    bound: &mut [Bound],
    ptrs: &mut [Ptr],
    keep: &mut Vec<Arc<Bytes>>,
) -> Result<bool> {
    let rank = k.kernel.rank;
    if outside.is_empty() || rank == 0 {
        return Ok(false);
    }
    let inner = if outer_reduce {
        rank - k.kernel.reduced - 1
    } else {
        rank - 1
    };
    let dims = k.iter_shape.dims();
    let eligible = |o: usize| outside.contains(&o);
    if !super::repack::small_strided_inputs(&k.kernel, dims, inner, bound, &eligible)? {
        return Ok(false);
    }
    for &o in outside {
        let b = &bound[o];
        let v = b.view.as_ref().expect("inputs have views");
        let data = v.data();
        let base = data.as_ptr().wrapping_add(v.offset() * v.itemsize()) as *mut u8;
        keep.push(data);
        ptrs[o] = Ptr::Outside {
            base,
            row_stride: b.strides[0],
        };
    }
    Ok(true)
}
