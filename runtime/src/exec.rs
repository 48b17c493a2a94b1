//! The executor: runs a [`Schedule`] — compiled kernels and library steps — over concrete
//! arrays. Per kernel it binds every operand to a strided view, coalesces the loop nest
//! (dropping unit dimensions, merging dimensions that are contiguous for every operand),
//! specialises the kernel on the operands' inner stride classes, fetches it from the JIT cache
//! and calls it — on two threads when the work is large, split along the outermost kept
//! dimension so that every result is computed by the same instructions whatever the thread
//! count. Small graphs are interpreted (compiling would cost more than it saves).

use crate::buffer::Bytes;
use crate::interp;
use crate::ndarray::NdArray;
use numfuse_codegen::{get_or_compile, CallArgs};
use numfuse_ir::kernel::{InnerStride, Kernel, Role};
use numfuse_ir::{Error, Graph, NodeId, Op, Result};
use numfuse_optimizer::{schedule, KernelStep, Realize, Schedule, Step};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod library;
mod segment;
mod split;

pub use library::LibraryRun;

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
/// Work (elements × kernels) above which one kernel call is split across two threads.
const PARALLEL_WORK: usize = 1 << 17;

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
}

/// Evaluates `graph` with the JIT (or the interpreter for small work).
pub fn eval(
    graph: &Graph,
    inputs: &[NdArray],
    report: Option<&mut ExecReport>,
) -> Result<Vec<NdArray>> {
    let work: usize = graph.nodes().iter().map(|n| n.shape.size()).sum();
    if work < jit_threshold() {
        return interp::eval(graph, inputs);
    }
    let mut sched = schedule(graph, &numfuse_codegen::support::node_supported);
    sched.segments = numfuse_optimizer::find_segments(graph, &sched, &|n| {
        crate::libcall::block_unary(n).is_some()
    });
    let uses = graph.use_counts();
    let mut ex = Executor {
        g: graph,
        values: vec![None; graph.len()],
        sched: &sched,
        runs: Vec::new(),
        library_runs: Vec::new(),
    };
    for (i, n) in graph.nodes().iter().enumerate() {
        if let Op::Input(k) = n.op {
            ex.values[i] = Some(inputs[k as usize].clone());
        }
    }
    let mut next = 0;
    while next < sched.steps.len() {
        if let Some(seg) = sched.segments.iter().find(|s| s.steps.start == next) {
            ex.run_segment(seg)?;
            next = seg.steps.end;
            continue;
        }
        let step = &sched.steps[next];
        next += 1;
        match step {
            Step::Library(x) => ex.run_library(*x, &uses)?,
            Step::Kernel(k) => ex.run_kernel(k)?,
        }
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
    }
    Ok(outs)
}

struct Executor<'a> {
    g: &'a Graph,
    values: Vec<Option<NdArray>>,
    sched: &'a Schedule,
    runs: Vec<KernelRun>,
    library_runs: Vec<LibraryRun>,
}

/// One operand bound to memory: the view it reads or writes, its strides in bytes over the
/// iteration dimensions, and (for outputs) the buffer being filled.
pub(crate) struct Bound {
    pub(crate) view: Option<NdArray>,
    pub(crate) strides: Vec<i64>,
    pub(crate) bytes: usize,
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
        self.values[x.index()] = Some(v.clone());
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
                    outs.push((node, Bytes::for_overwrite(op.dtype, shape.size())));
                    bound.push(Bound {
                        view: None,
                        strides,
                        bytes: shape.size() * op.dtype.itemsize(),
                    });
                }
            }
        }
        let (spec, shape, strides) = specialise(&k.kernel, &k.iter_shape, &bound);
        // Pointers: inputs read their snapshots; outputs write their fresh buffers.
        let snapshots: Vec<_> = bound
            .iter()
            .map(|b| {
                b.view
                    .as_ref()
                    .map(|v| (v.data(), v.offset() * v.itemsize()))
            })
            .collect();
        let mut out_iter = outs.iter_mut();
        let ptrs: Vec<*mut u8> = snapshots
            .iter()
            .map(|snap| match snap {
                Some((data, off)) => data.as_ptr().wrapping_add(*off) as *mut u8,
                None => out_iter
                    .next()
                    .expect("one buffer per output")
                    .1
                    .as_mut_ptr(),
            })
            .collect();
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
        let (clif, compile_time, hit) = if split {
            let info = split::run(&spec, &shape, &ptrs, &flat, threads)?;
            (info.clif, info.compile_time, info.cache_hit)
        } else {
            let (compiled, hit) = get_or_compile(&spec)
                .map_err(|e| Error::Value(format!("internal error: JIT failed: {e}")))?;
            call_split(&compiled.func, &shape, &ptrs, &flat, spec.rank, threads);
            let ct = if hit {
                Duration::ZERO
            } else {
                compiled.compile_time
            };
            (compiled.clif.clone(), ct, hit)
        };
        let run_time = start.elapsed().saturating_sub(compile_time);
        drop(snapshots);
        let bytes = bound.iter().map(|b| b.bytes).sum();
        for (node, bytes) in outs {
            let shape = self.g.node(node).shape.clone();
            self.values[node.index()] = Some(NdArray::from_bytes(bytes, shape));
        }
        self.runs.push(KernelRun {
            kernel: spec,
            clif,
            compile_time,
            cache_hit: hit,
            run_time,
            bytes,
            threads,
        });
        Ok(())
    }
}

/// Binds a view (already brought to the iteration shape by its access chain) as a kernel
/// operand over `iter_shape`; epilogue (`post`) operands cover the kept dimensions only.
pub(crate) fn bind_view(
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
pub(crate) fn specialise(
    kernel: &Kernel,
    iter_shape: &[usize],
    bound: &[Bound],
) -> (Kernel, Vec<i64>, Vec<Vec<i64>>) {
    let (shape, strides, reduced) = coalesce(iter_shape, kernel.reduced, bound);
    let mut spec = kernel.clone();
    spec.rank = shape.len();
    spec.reduced = reduced;
    spec.outer_reduce =
        numfuse_codegen::outer::eligible(&spec) && kept_varies_fastest(&spec, &strides);
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

/// Calls the kernel, splitting the outermost dimension across `threads`.
fn call_split(
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
    let half = shape[0] / 2;
    let second: Vec<*mut u8> = ptrs
        .iter()
        .enumerate()
        .map(|(o, &p)| p.wrapping_offset((half * strides[o * rank]) as isize))
        .collect();
    let mut s1 = shape.to_vec();
    s1[0] = half;
    let mut s2 = shape.to_vec();
    s2[0] = shape[0] - half;
    struct Ptrs(Vec<*mut u8>);
    // SAFETY: the two halves touch disjoint output elements and only read shared inputs.
    unsafe impl Send for Ptrs {}
    let (p1, p2) = (Ptrs(ptrs.to_vec()), Ptrs(second));
    std::thread::scope(|s| {
        s.spawn(|| {
            let p = p2;
            run(&s2, &p.0)
        });
        let p = p1;
        run(&s1, &p.0);
    });
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
