//! Large reductions that cannot be split along a kept dimension, spread over both cores: full
//! reductions (no kept dimension) and outer-order reductions whose one kept dimension is
//! narrow (`x.sum(axis=0)` of a `(1000000, 8)` array: halves of 8 columns would make both
//! threads read every cache line). The reduced range is cut into chunks along its outermost
//! dimension, a *partial* kernel reduces each chunk into raw accumulator values (one per kept
//! element), and a *finish* kernel folds the partials in chunk order and runs the epilogue
//! (see `Kernel::split_partial`). The number of chunks depends only on the size, never on the
//! thread count, so results are identical for one and two threads.

use super::CallInfo;
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

/// Kept extents below which an outer-order reduction is split along its rows instead.
const NARROW: i64 = 64;

/// Whether a specialised kernel is a large reduction worth splitting into chunks: a full
/// reduction, or an outer-order reduction with one narrow kept dimension.
pub(super) fn eligible(spec: &Kernel, shape: &[i64]) -> bool {
    let kept = spec.rank - spec.reduced;
    let shape_ok = match kept {
        0 => !spec.outer_reduce,
        1 => spec.outer_reduce && shape[0] < NARROW,
        _ => false,
    };
    spec.reduced > 0 && shape_ok && shape[kept] >= 2 && shape.iter().product::<i64>() >= SPLIT_MIN
}

/// Runs `spec` as chunk partials plus a finish pass. `ptrs`/`strides` are the operands of
/// `spec` bound as for a direct call (outputs are written by the finish pass only).
pub(super) fn run(
    spec: &Kernel,
    shape: &[i64],
    ptrs: &[*mut u8],
    strides: &[i64],
    threads: usize,
) -> Result<CallInfo> {
    let jit = |k: &Kernel| {
        get_or_compile(k).map_err(|e| Error::Value(format!("internal error: JIT failed: {e}")))
    };
    let (partial, hit_p) = jit(&spec.split_partial())?;
    let (finish, hit_f) = jit(&spec.split_finish())?;
    let rank = spec.rank;
    let kept = rank - spec.reduced; // 0 or 1: the chunked dimension is `kept`
    let width = if kept == 0 { 1 } else { shape[0] };
    let total: i64 = shape.iter().product();
    let chunks = (total / CHUNK).clamp(2, 16).min(shape[kept]);
    let mut partials: Vec<Bytes> = spec
        .accs
        .iter()
        .map(|a| Bytes::for_overwrite(a.dtype, (chunks * width) as usize))
        .collect();
    let part_ptrs: Vec<*mut u8> = partials.iter_mut().map(|b| b.as_mut_ptr()).collect();
    let items: Vec<i64> = spec
        .accs
        .iter()
        .map(|a| a.dtype.itemsize() as i64)
        .collect();
    // partial kernel: the original operands, then one output per accumulator, a row of
    // `width` values per chunk (stride one element along the kept dimension, 0 elsewhere)
    let mut p_strides = strides.to_vec();
    for &it in &items {
        p_strides.extend((0..rank).map(|d| if d < kept { it } else { 0 }));
    }
    let chunk_call = |c: i64| {
        let n = shape[kept];
        let (lo, hi) = (c * n / chunks, (c + 1) * n / chunks);
        let mut p: Vec<*mut u8> = ptrs
            .iter()
            .enumerate()
            .map(|(o, &q)| q.wrapping_offset((lo * strides[o * rank + kept]) as isize))
            .collect();
        p.extend(
            part_ptrs
                .iter()
                .zip(&items)
                .map(|(&q, &it)| q.wrapping_offset((c * width * it) as isize)),
        );
        let mut s = shape.to_vec();
        s[kept] = hi - lo;
        call(&partial.func, &s, &p, &p_strides);
    };
    if threads >= 2 {
        // each chunk writes its own partials: either thread may run any
        let other = Shared(&chunk_call);
        crate::workers::share(
            chunks as usize,
            1,
            || (),
            |_, r| r.for_each(|c| other.get()(c as i64)),
        );
    } else {
        (0..chunks).for_each(&chunk_call);
    }
    // finish kernel over (kept, chunk): reduce the partials over the chunks; the original
    // operands are read (epilogue) and written at their kept positions
    let mut f_ptrs = ptrs.to_vec();
    f_ptrs.extend(&part_ptrs);
    let mut f_strides = Vec::with_capacity((ptrs.len() + items.len()) * (kept + 1));
    for o in 0..ptrs.len() {
        f_strides.extend(strides[o * rank..o * rank + kept].iter().copied());
        f_strides.push(0);
    }
    for &it in &items {
        if kept == 1 {
            f_strides.push(it);
        }
        f_strides.push(width * it);
    }
    let f_shape: Vec<i64> = shape[..kept].iter().copied().chain([chunks]).collect();
    call(&finish.func, &f_shape, &f_ptrs, &f_strides);
    drop(partials);
    Ok(CallInfo {
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
        rows_grouped: 1,
        aot: None,
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
