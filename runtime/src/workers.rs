//! The worker thread every two-way split runs its second half on: one process-wide pool
//! (rayon) of one persistent thread — the caller runs the first half itself — so a split
//! kernel call, GEMM or LU update pays a wake-up of a waiting thread instead of an OS thread
//! spawn. (With two workers, the idle one spun looking for work and took time slices from
//! the two busy threads on this 2-core machine.) Spawning cost 50–60 µs per call on the Xeon this
//! was measured on (the second thread of a 2 ms dense layer started that much after the
//! first); the pool's hand-off costs a few microseconds.
//!
//! [`join`] makes no promise that its two halves run at the same time (rayon runs them one
//! after the other when the other worker is busy), so code running under it must never wait
//! for the other half — every split here only shares read-only inputs and writes disjoint
//! outputs, and the GEMM's shared packing is claimed unit by unit, not behind a barrier.

use std::sync::OnceLock;

/// The pool, built on first use; `None` when the threads could not be created (then both
/// halves run on the caller's thread).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|i| format!("numfuse-worker-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `a` and `b`, normally at the same time on the two workers, and returns both
/// results. A panic in either is propagated to the caller after both finished.
///
/// ```
/// let (x, y) = numfuse_runtime::workers::join(|| 1 + 1, || 2 * 3);
/// assert_eq!((x, y), (2, 6));
/// ```
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    let Some(p) = pool() else {
        return (a(), b());
    };
    // `a` runs here, on the caller's thread; only `b` is handed to a worker
    let mut rb = None;
    let ra = p.in_place_scope(|s| {
        s.spawn(|_| rb = Some(b()));
        a()
    });
    (ra, rb.expect("the scope ran b to completion"))
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn both_halves_run_and_return_their_results() {
        let mut left = vec![0u32; 1000];
        let mut right = vec![0u32; 1000];
        let (sa, sb) = join(
            || {
                left.iter_mut().for_each(|x| *x = 1);
                left.len()
            },
            || {
                right.iter_mut().for_each(|x| *x = 2);
                right.len()
            },
        );
        assert_eq!((sa, sb), (1000, 1000));
        assert!(left.iter().all(|&x| x == 1) && right.iter().all(|&x| x == 2));
    }

    #[test]
    fn nested_joins_complete() {
        let (a, b) = join(|| join(|| 1, || 2), || join(|| 3, || 4));
        assert_eq!((a, b), ((1, 2), (3, 4)));
    }

    #[test]
    fn a_panic_in_one_half_reaches_the_caller() {
        let r = std::panic::catch_unwind(|| join(|| 1, || -> i32 { panic!("boom") }));
        assert!(r.is_err());
    }
}
