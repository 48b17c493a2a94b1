//! Full reductions (no kept dimension) over large inputs, spread over both cores: the
//! reduced range is cut into chunks along its outermost dimension, a *partial* kernel
//! reduces each chunk into raw accumulator values, and a *finish* kernel folds the partials
//! in chunk order and runs the epilogue (see `Kernel::split_partial`). The number of chunks
//! depends only on the size, never on the thread count, so results are identical for one
//! and two threads.

use crate::buffer::Bytes;
use numfuse_codegen::{get_or_compile, CallArgs, KernelFn};
use numfuse_ir::kernel::Kernel;
use numfuse_ir::{Error, Result};
use std::sync::Arc;
use std::time::Duration;

/// Elements below which a full reduction runs as one call.
const SPLIT_MIN: i64 = 1 << 20;
/// Elements per chunk aimed at.
const CHUNK: i64 = 1 << 19;

/// Whether a specialised kernel is a large full reduction worth splitting.
pub(super) fn eligible(spec: &Kernel, shape: &[i64]) -> bool {
    spec.rank > 0
        && spec.rank == spec.reduced
        && !spec.outer_reduce
        && shape[0] >= 2
        && shape.iter().product::<i64>() >= SPLIT_MIN
}

/// What the split run compiled, for the report.
pub(super) struct SplitInfo {
    pub(super) clif: Arc<String>,
    pub(super) compile_time: Duration,
    pub(super) cache_hit: bool,
}

/// Runs `spec` as chunk partials plus a finish pass. `ptrs`/`strides` are the operands of
/// `spec` bound as for a direct call (outputs are written by the finish pass only).
pub(super) fn run(
    spec: &Kernel,
    shape: &[i64],
    ptrs: &[*mut u8],
    strides: &[i64],
    threads: usize,
) -> Result<SplitInfo> {
    let jit = |k: &Kernel| {
        get_or_compile(k).map_err(|e| Error::Value(format!("internal error: JIT failed: {e}")))
    };
    let (partial, hit_p) = jit(&spec.split_partial())?;
    let (finish, hit_f) = jit(&spec.split_finish())?;
    let rank = spec.rank;
    let total: i64 = shape.iter().product();
    let chunks = (total / CHUNK).clamp(2, 16).min(shape[0]);
    let mut partials: Vec<Bytes> = spec
        .accs
        .iter()
        .map(|a| Bytes::for_overwrite(a.dtype, chunks as usize))
        .collect();
    let part_ptrs: Vec<*mut u8> = partials.iter_mut().map(|b| b.as_mut_ptr()).collect();
    let items: Vec<i64> = spec
        .accs
        .iter()
        .map(|a| a.dtype.itemsize() as i64)
        .collect();
    // partial kernel: the original operands, then one output per accumulator
    let mut p_strides = strides.to_vec();
    p_strides.resize(strides.len() + items.len() * rank, 0);
    let chunk_call = |c: i64| {
        let (lo, hi) = (c * shape[0] / chunks, (c + 1) * shape[0] / chunks);
        let mut p: Vec<*mut u8> = ptrs
            .iter()
            .enumerate()
            .map(|(o, &q)| q.wrapping_offset((lo * strides[o * rank]) as isize))
            .collect();
        p.extend(
            part_ptrs
                .iter()
                .zip(&items)
                .map(|(&q, &it)| q.wrapping_offset((c * it) as isize)),
        );
        let mut s = shape.to_vec();
        s[0] = hi - lo;
        call(&partial.func, &s, &p, &p_strides);
    };
    let half = chunks / 2;
    if threads >= 2 {
        let other = Shared(&chunk_call);
        std::thread::scope(|s| {
            s.spawn(|| (half..chunks).for_each(|c| other.get()(c)));
            (0..half).for_each(&chunk_call);
        });
    } else {
        (0..chunks).for_each(&chunk_call);
    }
    // finish kernel: reduce the partials (one dimension), original operands read at base
    let mut f_ptrs = ptrs.to_vec();
    f_ptrs.extend(&part_ptrs);
    let mut f_strides = vec![0i64; ptrs.len()];
    f_strides.extend(&items);
    call(&finish.func, &[chunks], &f_ptrs, &f_strides);
    drop(partials);
    Ok(SplitInfo {
        clif: Arc::new(format!("{}\n{}", partial.clif, finish.clif)),
        compile_time: if hit_p {
            Duration::ZERO
        } else {
            partial.compile_time
        } + if hit_f {
            Duration::ZERO
        } else {
            finish.compile_time
        },
        cache_hit: hit_p && hit_f,
    })
}

/// A closure over raw pointers shared with the second thread.
struct Shared<'a, F>(&'a F);
impl<'a, F> Shared<'a, F> {
    /// The closure (a method, so that closures capture the whole wrapper).
    fn get(&self) -> &'a F {
        self.0
    }
}
// SAFETY: the closure reads input snapshots kept alive by the caller and writes only the
// partial slots of its own chunks (disjoint between the threads); both threads join before
// the buffers are released.
unsafe impl<F> Sync for Shared<'_, F> {}
// SAFETY: as above.
unsafe impl<F> Send for Shared<'_, F> {}

fn call(f: &KernelFn, shape: &[i64], ptrs: &[*mut u8], strides: &[i64]) {
    let args = CallArgs {
        shape,
        ptrs,
        strides,
    };
    // SAFETY: every pointer comes from a validated view of a live buffer bound for the full
    // reduction (a chunk only narrows the outermost extent and advances the pointers inside
    // it) or from a partial buffer of `chunks` elements indexed below `chunks`; the outputs of
    // the original kernel are written only by the single finish call.
    unsafe { f.call(&args) }
}
