//! The executor: runs a [`Schedule`] — compiled kernels and library steps — over concrete
//! arrays. Per kernel it binds every operand to a strided view, coalesces the loop nest
//! (dropping unit dimensions, merging dimensions that are contiguous for every operand),
//! specialises the kernel on the operands' inner stride classes, fetches it from the JIT cache
//! and calls it — on two threads when the work is large, split along the outermost kept
//! dimension so that every result is computed by the same instructions whatever the thread
//! count. Small graphs are interpreted (compiling would cost more than it saves).
//!
//! The steps run in the units of the memory plan (a step, or a row-blocked segment —
//! `exec/segment.rs`); after each unit the buffers it read for the last time are released
//! and their memory handed on as the plan says (`exec/memory.rs`). Operand binding lives in
//! `exec/bind.rs`, split full reductions in `exec/split.rs`, library steps in
//! `exec/library.rs`.

use crate::buffer::Bytes;
use crate::interp;
use crate::ndarray::NdArray;
use memory::Source;
use numfuse_codegen::{get_or_compile, Compiled};
use numfuse_ir::kernel::{Kernel, Role};
use numfuse_ir::{Error, Graph, NodeId, Op, Result};
use numfuse_optimizer::memplan::{MemoryPlan, Placement};
use numfuse_optimizer::{KernelStep, Realize, Schedule, Step};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod bind;
mod blocks;
mod chain;
mod dest;
mod library;
mod line_sums;
mod lines;
mod memory;
mod plan;
mod repack;
mod segment;
mod split;
mod wide_chain;
mod widen;

use bind::{bind_view, specialise, Bound};
use dest::Dest;
pub use dest::{direct_writes, eval_into};
pub use library::LibraryRun;
pub use plan::{plan_cache_counts, plan_cached, plan_schedule};

static MIN_WORK: AtomicUsize = AtomicUsize::new(1 << 15);
static MAX_THREADS: AtomicUsize = AtomicUsize::new(2);

/// Limits the threads one kernel call may use (1 or 2; results never depend on it).
pub fn set_max_threads(n: usize) {
    MAX_THREADS.store(n.clamp(1, 2), Ordering::Relaxed);
}
/// The thread limit set by [`set_max_threads`].
pub(crate) fn max_threads() -> usize {
    MAX_THREADS.load(Ordering::Relaxed)
}
static LINE_OPS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Whether kernels of the form `x ⊙ c[line]`, and chains of `+ - * /` with scalar constants,
/// inside row-blocked segments run through the ahead-of-time line routines (`exec/lines.rs`,
/// `exec/chain.rs`; the default) or their compiled code. The
/// bits are the same either way; the switch exists for A/B measurements and tests.
pub fn set_line_ops(enabled: bool) {
    LINE_OPS.store(enabled, Ordering::Relaxed);
}
/// The setting of [`set_line_ops`].
pub(crate) fn line_ops_enabled() -> bool {
    LINE_OPS.load(Ordering::Relaxed)
}
/// Work (elements × kernels) above which one kernel call is split across two threads.
pub(crate) const PARALLEL_WORK: usize = 1 << 17;

/// Graphs whose total work (sum of node sizes) is below this run in the interpreter.
pub fn jit_threshold() -> usize {
    MIN_WORK.load(Ordering::Relaxed)
}
/// Sets the interpretation threshold (0 compiles everything; tests use it).
pub fn set_jit_threshold(work: usize) {
    MIN_WORK.store(work, Ordering::Relaxed);
}

/// What happened to one kernel during an evaluation (for `explain`).
#[derive(Clone, Debug)]
pub struct KernelRun {
    /// The specialised kernel.
    pub kernel: Kernel,
    /// Its Cranelift IR.
    pub clif: Arc<String>,
    /// Compile time (zero on a cache hit).
    pub compile_time: Duration,
    /// Whether the cache had it.
    pub cache_hit: bool,
    /// Run time of the call(s).
    pub run_time: Duration,
    /// Bytes read and written.
    pub bytes: usize,
    /// Threads used.
    pub threads: usize,
    /// Short rows grouped `k` to one run (`exec/widen.rs`); 1 when not grouped.
    pub rows_grouped: usize,
    /// When the kernel ran through ahead-of-time code instead of its Cranelift code (a line
    /// op of a segment, `exec/lines.rs`): what ran.
    pub aot: Option<String>,
}

/// The record of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct ExecReport {
    /// The schedule, if the graph was compiled (`None` = interpreted).
    pub schedule: Option<Schedule>,
    /// One entry per kernel step, in order.
    pub kernels: Vec<KernelRun>,
    /// One entry per library step, in order.
    pub library: Vec<LibraryRun>,
    /// The memory plan followed.
    pub memory: Option<numfuse_optimizer::memplan::MemoryPlan>,
    /// Buffers that took over the memory of a dead buffer.
    pub reused: usize,
    /// Kernels that wrote over their input in place.
    pub in_place: usize,
}

/// Evaluates `graph` with the JIT (or the interpreter for small work).
pub fn eval(
    graph: &Graph,
    inputs: &[NdArray],
    report: Option<&mut ExecReport>,
) -> Result<Vec<NdArray>> {
    if graph_work(graph) < jit_threshold() {
        return interp::eval(graph, inputs);
    }
    let planned = plan_cached(graph);
    run(graph, inputs, &planned.0, &planned.1, report, None)
}

/// Elements computed by all nodes of `graph` (compared with [`jit_threshold`]).
fn graph_work(graph: &Graph) -> usize {
    graph.nodes().iter().map(|n| n.shape.size()).sum()
}

/// Runs a planned schedule; `dest` names an output node whose kernel writes into an
/// existing array ([`eval_into`]).
fn run(
    graph: &Graph,
    inputs: &[NdArray],
    sched: &Schedule,
    plan: &MemoryPlan,
    report: Option<&mut ExecReport>,
    dest: Option<Dest>,
) -> Result<Vec<NdArray>> {
    let uses = graph.use_counts();
    let mut ex = Executor {
        g: graph,
        timed: report.is_some(),
        values: vec![None; graph.len()],
        stash: (0..graph.len()).map(|_| None).collect(),
        sched,
        plan,
        dest,
        runs: Vec::new(),
        library_runs: Vec::new(),
        reused: 0,
        in_place: 0,
    };
    for (i, n) in graph.nodes().iter().enumerate() {
        if let Op::Input(k) = n.op {
            ex.values[i] = Some(inputs[k as usize].clone());
        }
    }
    for (u, unit) in plan.units.iter().enumerate() {
        match sched.segments.iter().find(|s| s.steps.start == unit.start) {
            Some(seg) => ex.run_segment(seg)?,
            None => match &sched.steps[unit.start] {
                Step::Library(x) => ex.run_library(*x, &uses)?,
                Step::Kernel(k) => ex.run_kernel(k)?,
            },
        }
        ex.release(&plan.release[u]);
    }
    let outs = graph
        .outputs()
        .iter()
        .map(|&o| ex.value(o))
        .collect::<Result<Vec<_>>>()?;
    if let Some(r) = report {
        r.kernels = std::mem::take(&mut ex.runs);
        r.library = std::mem::take(&mut ex.library_runs);
        r.schedule = Some(sched.clone());
        r.memory = Some(plan.clone());
        r.reused = ex.reused;
        r.in_place = ex.in_place;
    }
    Ok(outs)
}

struct Executor<'a> {
    g: &'a Graph,
    /// Whether a report was asked for: steps inside segments are then timed block by block
    /// (two clock reads per step and block, measurable on small blocks).
    timed: bool,
    values: Vec<Option<NdArray>>,
    /// Memory of released buffers, by node, until the plan hands it on.
    stash: Vec<Option<Bytes>>,
    sched: &'a Schedule,
    plan: &'a MemoryPlan,
    /// The output written straight into an existing array, if any.
    dest: Option<Dest>,
    reused: usize,
    in_place: usize,
    runs: Vec<KernelRun>,
    library_runs: Vec<LibraryRun>,
}

impl Executor<'_> {
    /// The value of a realized node (views and constants are made on demand).
    fn value(&mut self, x: NodeId) -> Result<NdArray> {
        if let Some(v) = &self.values[x.index()] {
            return Ok(v.clone());
        }
        let node = self.g.node(x);
        let v = match (&node.op, &self.sched.realize[x.index()]) {
            (Op::Const { .. }, _) => interp::eval_op(&node.op, &[])?,
            (op, Realize::View) | (op, Realize::Inline) if op.is_movement() => {
                let src = self.value(node.inputs[0])?;
                interp::eval_op(op, &[&src])?
            }
            _ => {
                return Err(Error::Value(format!(
                    "internal error: {x} was not computed before use"
                )))
            }
        };
        // views are not cached: a cached view would keep its buffer from being released
        if matches!(node.op, Op::Const { .. }) {
            self.values[x.index()] = Some(v.clone());
        }
        Ok(v)
    }

    fn bind_input(&mut self, k: &KernelStep, i: usize) -> Result<Bound> {
        let access = &k.inputs[i];
        let mut v = self.value(access.source)?;
        for op in &access.chain {
            v = interp::eval_op(op, &[&v])?;
        }
        bind_view(k, &k.iter_shape, access.post, v)
    }

    fn run_kernel(&mut self, k: &KernelStep) -> Result<()> {
        let kept = k.kernel.rank - k.kernel.reduced;
        let mut bound: Vec<Bound> = Vec::with_capacity(k.kernel.operands.len());
        let mut outs: Vec<(NodeId, Bytes)> = Vec::new();
        let mut in_place: Option<(usize, NodeId)> = None;
        let mut dest_slot: Option<usize> = None;
        let mut next_input = 0;
        for op in &k.kernel.operands {
            match op.role {
                Role::Input => {
                    bound.push(self.bind_input(k, next_input)?);
                    next_input += 1;
                }
                Role::Output => {
                    let node = k.outputs[outs.len()];
                    let shape = self.g.node(node).shape.clone();
                    let item = op.dtype.itemsize() as i64;
                    let mut strides: Vec<i64> =
                        shape.c_strides().iter().map(|&s| s as i64 * item).collect();
                    strides.resize(k.kernel.rank, 0);
                    debug_assert_eq!(shape.ndim(), kept);
                    let direct = self.dest.as_ref().is_some_and(|d| d.node == node);
                    let bytes = match self.plan.placement(node) {
                        _ if direct => {
                            dest_slot = Some(outs.len());
                            Bytes::for_overwrite(op.dtype, 0) // `dest`'s memory, below
                        }
                        Some(Placement::InPlace(src)) => {
                            in_place = Some((outs.len(), *src));
                            Bytes::for_overwrite(op.dtype, 0) // replaced below
                        }
                        _ => self.output_buffer(node, op.dtype, shape.size()),
                    };
                    outs.push((node, bytes));
                    bound.push(Bound {
                        view: None,
                        strides,
                        bytes: shape.size() * op.dtype.itemsize(),
                    });
                }
            }
        }
        let (mut spec, mut shape, mut strides) = specialise(&k.kernel, &k.iter_shape, &bound);
        // small inputs read element by element in the inner loop get a contiguous copy
        // (not an input this kernel may overwrite in place: that one keeps its memory)
        if in_place.is_none() && k.kernel.rank > 0 {
            let kept = k.kernel.rank - k.kernel.reduced;
            let inner = if spec.outer_reduce {
                kept - 1
            } else {
                k.kernel.rank - 1
            };
            let dims = k.iter_shape.dims();
            if repack::small_strided_inputs(&k.kernel, dims, inner, &mut bound, &|_| true)? {
                (spec, shape, strides) = specialise(&k.kernel, &k.iter_shape, &bound);
            }
        }
        // Pointers: inputs read their snapshots; outputs write their buffers.
        let mut sources: Vec<Source> = Vec::with_capacity(bound.len());
        let mut next_out = 0;
        for b in &bound {
            sources.push(match &b.view {
                Some(v) => Source::Snapshot(v.data(), v.offset() * v.itemsize()),
                None => {
                    next_out += 1;
                    Source::Output(next_out - 1)
                }
            });
        }
        if let Some((slot, src)) = in_place {
            self.take_in_place(k, slot, src, &mut bound, &mut sources, &mut outs);
        }
        let mut out_ptrs: Vec<*mut u8> = outs.iter_mut().map(|o| o.1.as_mut_ptr()).collect();
        let flat: Vec<i64> = strides.iter().flatten().copied().collect();
        let work: usize = k.iter_shape.size() * (spec.op_count() + 1);
        let split = split::eligible(&spec, &shape);
        let threads = if work >= PARALLEL_WORK
            && max_threads() >= 2
            && (spec.rank > spec.reduced || split)
            && shape[0] >= 2
        {
            2
        } else {
            1
        };
        let start = Instant::now();
        let call = |out_ptrs: &[*mut u8]| {
            let ptrs: Vec<*mut u8> = sources
                .iter()
                .map(|s| match s {
                    Source::Snapshot(data, off) => data.as_ptr().wrapping_add(*off) as *mut u8,
                    Source::Output(n) => out_ptrs[*n],
                })
                .collect();
            invoke(&spec, &shape, &ptrs, &flat, threads, split)
        };
        let info = match (dest_slot, &self.dest) {
            (Some(slot), Some(d)) => d.array.with_base_ptr(|base| {
                out_ptrs[slot] = base;
                call(&out_ptrs)
            })?,
            _ => call(&out_ptrs)?,
        };
        let run_time = start.elapsed().saturating_sub(info.compile_time);
        drop(sources);
        let bytes = bound.iter().map(|b| b.bytes).sum();
        for (slot, (node, bytes)) in outs.into_iter().enumerate() {
            self.values[node.index()] = match (dest_slot, &self.dest) {
                (Some(d), Some(dest)) if d == slot => Some(dest.array.clone()),
                _ => Some(NdArray::from_bytes(bytes, self.g.node(node).shape.clone())),
            };
        }
        self.runs.push(KernelRun {
            kernel: spec,
            clif: info.clif,
            compile_time: info.compile_time,
            cache_hit: info.cache_hit,
            run_time,
            bytes,
            threads,
            rows_grouped: info.rows_grouped,
            aot: info.aot,
        });
        Ok(())
    }
}

/// What one kernel call compiled and how it ran, for the report.
struct CallInfo {
    clif: Arc<String>,
    /// Zero on a cache hit.
    compile_time: Duration,
    cache_hit: bool,
    /// Short rows grouped into one run (`exec/widen.rs`); 1: none.
    rows_grouped: usize,
    /// What ran instead of the compiled code (`exec/wide_chain.rs`), if anything.
    aot: Option<String>,
}

/// Calls a specialised kernel (split outer reductions through `split::run`).
fn invoke(
    spec: &Kernel,
    shape: &[i64],
    ptrs: &[*mut u8],
    flat: &[i64],
    threads: usize,
    split: bool,
) -> Result<CallInfo> {
    if split {
        return split::run(spec, shape, ptrs, flat, threads);
    }
    let (compiled, mut info) = compile(spec)?;
    (info.rows_grouped, info.aot) = widen::call(&compiled.func, spec, shape, ptrs, flat, threads);
    Ok(info)
}

/// The compiled kernel for `spec` (from the cache or compiled now) and its report entry
/// (rows not grouped).
fn compile(spec: &Kernel) -> Result<(Compiled, CallInfo)> {
    let (compiled, hit) = get_or_compile(spec)
        .map_err(|e| Error::Value(format!("internal error: JIT failed: {e}")))?;
    let info = CallInfo {
        clif: compiled.clif.clone(),
        compile_time: if hit {
            Duration::ZERO
        } else {
            compiled.compile_time
        },
        cache_hit: hit,
        rows_grouped: 1,
        aot: None,
    };
    Ok((compiled, info))
}
