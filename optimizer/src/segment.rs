//! Row-blocked segments: consecutive steps of a schedule that all iterate over the same
//! leading *row* axis and exchange values row by row run together on blocks of rows, so
//! the intermediates between them live in small, cache-resident scratch buffers instead of
//! making round trips through memory (loop fusion across kernels, Halide's `compute_at`).
//!
//! Softmax is the example: the row max, `x − max`, `exp`, the row sum and the division are
//! five steps; blocked over 8 rows at a time, `x` is read from memory once and the result
//! written once, everything else stays in L2. A one-dimensional chain with a library call
//! (sigmoid's `exp`) forms a segment over blocks of elements.
//!
//! A step joins a segment when its iteration (or, for a library step, its value) has the
//! segment's row count as leading dimension, and every value it reads from earlier steps of
//! the segment is accessed *row-preservingly*: row `i` of the access reads only row `i` of
//! the producer (movement ops that keep axis 0). Each row is then computed by the same
//! instructions whatever the blocking, so results never depend on block size or threads.

use crate::schedule::{movement_source, Access, Schedule, Step};
use numfuse_ir::{Graph, Node, NodeId, Op, Shape};
use std::ops::Range;

/// Aim for about this many bytes per block-local buffer, so that a few of them stay in L1 and
/// the reads of one block's inputs and the writes of its outputs interleave finely (sigmoid on
/// 10M f64, Zen 4: 6.6–7.4 ms with 64 KB blocks, 5.1–5.8 ms with 8 KB, 5.8 ms with 4 KB).
const BLOCK_BYTES: usize = 8 * 1024;
/// Segments of wide rows still take this many rows per block when they fit in
/// [`MAX_BLOCK_BYTES`]: per-block costs of the line routines (softmax on 4096×1024 is
/// 2.5 ms with 8 rows per block, 2.8 ms with 2).
const MIN_BLOCK_ROWS: usize = 8;
/// The most bytes per block-local buffer that [`MIN_BLOCK_ROWS`] may ask for (L2).
const MAX_BLOCK_BYTES: usize = 64 * 1024;
/// Rows larger than this do not form segments (a block of two rows would not stay in cache).
const MAX_ROW_BYTES: usize = 256 * 1024;

/// A run of steps executed block by block over their common leading axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The steps (indices into [`Schedule::steps`]).
    pub steps: Range<usize>,
    /// Length of the shared leading axis.
    pub rows: usize,
    /// Rows per block.
    pub block_rows: usize,
    /// Values produced and consumed only inside the segment: block-local scratch.
    pub local: Vec<NodeId>,
    /// Values produced inside the segment that are needed afterwards: full buffers.
    pub escaping: Vec<NodeId>,
}

/// The values a step stores.
pub fn step_outputs(step: &Step) -> Vec<NodeId> {
    match step {
        Step::Kernel(k) => k.outputs.clone(),
        Step::Library(x) => vec![*x],
    }
}

/// The realized values a step reads (sources of its accesses).
pub fn step_sources(g: &Graph, step: &Step) -> Vec<NodeId> {
    match step {
        Step::Kernel(k) => k.inputs.iter().map(|a| a.source).collect(),
        Step::Library(x) => g
            .node(*x)
            .inputs
            .iter()
            .map(|&i| movement_source(g, i))
            .collect(),
    }
}

/// The leading axis a step could be blocked over, with its row size in bytes.
/// `library_ok` says which library steps can run block by block.
fn step_rows(g: &Graph, step: &Step, library_ok: &dyn Fn(&Node) -> bool) -> Option<usize> {
    match step {
        Step::Kernel(k) => {
            let kept = k.kernel.rank - k.kernel.reduced;
            (kept >= 1).then(|| k.iter_shape.dims()[0])
        }
        Step::Library(x) => {
            let node = g.node(*x);
            let input = g.node(*node.inputs.first()?);
            let plain =
                node.inputs.len() == 1 && !input.op.is_movement() && input.dtype == node.dtype;
            (plain && input.shape == node.shape && node.shape.ndim() >= 1 && library_ok(node))
                .then(|| node.shape.dims()[0])
        }
    }
}

/// Bytes in one row of a node's value.
fn row_bytes(node: &Node) -> usize {
    node.shape.dims().iter().skip(1).product::<usize>() * node.dtype.itemsize()
}

/// Rewrites `chain` (read from a value with `rows` leading rows) for a block of `block` rows,
/// or `None` when the chain is not row-preserving (row `i` of the result must read only row
/// `i` of the source).
pub fn block_chain(source: &Shape, chain: &[Op], rows: usize, block: usize) -> Option<Vec<Op>> {
    let with_rows = |s: &Shape| {
        let mut d = s.dims().to_vec();
        d[0] = block;
        Shape::from(d)
    };
    let mut cur = source.clone();
    let mut out = Vec::with_capacity(chain.len());
    // whether the view so far is the block's C-contiguous layout: only then is a reshape
    // certainly a view of the block (a reshape of a broadcast, permuted or sliced view may
    // need a copy, which would not read the block's memory)
    let mut plain = true;
    for op in chain {
        if cur.ndim() == 0 || cur.dims()[0] != rows {
            return None;
        }
        let (next, rewritten) = match op {
            Op::Reshape(s) | Op::Broadcast(s)
                if s.ndim() >= 1 && s.dims()[0] == rows && {
                    // a broadcast must not add leading axes; a reshape keeps rows whole
                    matches!(op, Op::Reshape(_)) && plain
                        || matches!(op, Op::Broadcast(_)) && s.ndim() == cur.ndim()
                } =>
            {
                plain &= matches!(op, Op::Reshape(_)) || *s == cur;
                let r = if matches!(op, Op::Reshape(_)) {
                    Op::Reshape(with_rows(s))
                } else {
                    Op::Broadcast(with_rows(s))
                };
                (s.clone(), r)
            }
            Op::Permute(p) if p.first() == Some(&0) => {
                plain &= p.iter().enumerate().all(|(i, &a)| i == a);
                let d: Vec<usize> = p.iter().map(|&a| cur.dims()[a]).collect();
                (Shape::from(d), op.clone())
            }
            Op::Slice(axes) if axes.first().is_some_and(|a| whole(a, rows)) => {
                plain &= axes.iter().zip(cur.dims()).all(|(a, &n)| whole(a, n));
                let d: Vec<usize> = axes.iter().map(|a| a.len).collect();
                let mut axes = axes.clone();
                axes[0].len = block;
                (Shape::from(d), Op::Slice(axes))
            }
            _ => return None,
        };
        cur = next;
        out.push(rewritten);
    }
    (cur.ndim() >= 1 && cur.dims()[0] == rows).then_some(out)
}

fn whole(a: &numfuse_ir::SliceAxis, rows: usize) -> bool {
    a.start == 0 && a.step == 1 && a.len == rows
}

fn access_ok(g: &Graph, a: &Access, rows: usize) -> bool {
    block_chain(&g.node(a.source).shape, &a.chain, rows, 2).is_some()
}

/// Whether `step` reads every value produced by `produced` row-preservingly.
fn reads_ok(g: &Graph, step: &Step, produced: &[NodeId], rows: usize) -> bool {
    match step {
        Step::Kernel(k) => k
            .inputs
            .iter()
            .all(|a| !produced.contains(&a.source) || access_ok(g, a, rows)),
        // a library step in a segment reads one plain value of its own shape
        Step::Library(x) => produced.contains(&g.node(*x).inputs[0]),
    }
}

/// Finds the row-blocked segments of a schedule (each of at least two steps with at least
/// one block-local value). `library_ok` says which library steps can run block by block.
pub fn find_segments(
    g: &Graph,
    sched: &Schedule,
    library_ok: &dyn Fn(&Node) -> bool,
) -> Vec<Segment> {
    let steps = &sched.steps;
    let mut segments = Vec::new();
    let mut start = 0;
    while start < steps.len() {
        // a segment starts with a kernel (a library step reads a value of the segment)
        let first = &steps[start];
        let rows = match first {
            Step::Kernel(_) => step_rows(g, first, library_ok),
            Step::Library(_) => None,
        };
        let Some(rows) = rows else {
            start += 1;
            continue;
        };
        let mut produced = step_outputs(&steps[start]);
        let mut end = start + 1;
        while end < steps.len()
            && step_rows(g, &steps[end], library_ok) == Some(rows)
            && reads_ok(g, &steps[end], &produced, rows)
        {
            produced.extend(step_outputs(&steps[end]));
            end += 1;
        }
        match make_segment(g, sched, start..end, rows, &produced) {
            Some(seg) => {
                segments.push(seg);
                start = end;
            }
            None => start += 1,
        }
    }
    segments
}

fn make_segment(
    g: &Graph,
    sched: &Schedule,
    steps: Range<usize>,
    rows: usize,
    produced: &[NodeId],
) -> Option<Segment> {
    if steps.len() < 2 || rows < 2 {
        return None;
    }
    let widest = produced.iter().map(|&x| row_bytes(g.node(x))).max()?;
    if widest == 0 || widest > MAX_ROW_BYTES {
        return None;
    }
    let mut needed_later: Vec<NodeId> =
        g.outputs().iter().map(|&o| movement_source(g, o)).collect();
    for step in &sched.steps[steps.end..] {
        needed_later.extend(step_sources(g, step));
    }
    let (escaping, local): (Vec<NodeId>, Vec<NodeId>) =
        produced.iter().partition(|x| needed_later.contains(x));
    if local.is_empty() {
        return None;
    }
    let block_rows = (BLOCK_BYTES / widest)
        .max(MIN_BLOCK_ROWS.min(MAX_BLOCK_BYTES / widest))
        .clamp(2, rows.div_ceil(2).max(2));
    Some(Segment {
        steps,
        rows,
        block_rows,
        local,
        escaping,
    })
}
