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
//!
//! [`share`] and [`share_mut`] build a dynamic split on [`join`]: the work is cut into fixed
//! pieces and both threads claim the next one until none is left, so a core slowed by the
//! VM's neighbours does less of it; the pieces do not depend on the thread count.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// How many pieces [`share`] and [`share_mut`] cut their work into: enough that the faster
/// core can take over most of a slower one's share (on this VM the worker's core ran 8–10 %
/// slower than the caller's through whole 5 ms calls), few enough that claiming costs
/// nothing measurable (one atomic add or uncontended lock per piece).
pub const PIECES: usize = 128;

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

/// Runs `body(state, piece)` over the pieces of `0..n` (each `grain` long, the last one
/// shorter), on this thread and on the worker at the same time: each thread claims the next
/// unclaimed piece until none is left, so the faster core does more of them. A thread makes
/// its `state` with `init` when it claims its first piece; the states of the threads that
/// did any work are returned (callers merge them). Which thread runs a piece varies from
/// call to call, so `body` must give the same result for a piece wherever it runs — every
/// caller writes a piece's results at the piece's own place.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// let total = AtomicUsize::new(0);
/// let states = numfuse_runtime::workers::share(1000, 64, || 0usize, |seen, r| {
///     *seen += r.len();
///     total.fetch_add(r.sum::<usize>(), Ordering::Relaxed);
/// });
/// assert_eq!(states.iter().sum::<usize>(), 1000);
/// assert_eq!(total.into_inner(), 999 * 1000 / 2);
/// ```
pub fn share<S, I, F>(n: usize, grain: usize, init: I, body: F) -> Vec<S>
where
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, Range<usize>) + Sync,
{
    let grain = grain.max(1);
    let next = AtomicUsize::new(0);
    let claim_all = || {
        let mut state = None;
        loop {
            // overshoots `n` by at most one grain per thread: no overflow for real sizes
            let at = next.fetch_add(grain, Ordering::Relaxed);
            if at >= n {
                return state;
            }
            body(
                state.get_or_insert_with(&init),
                at..at.saturating_add(grain).min(n),
            );
        }
    };
    let (a, b) = join(claim_all, claim_all);
    a.into_iter().chain(b).collect()
}

/// [`share`] over a mutable slice: `body(state, start, piece)` gets the pieces of `out`
/// (each `grain` long, the last one shorter) and the index of each piece's first element.
///
/// ```
/// let mut v = vec![0usize; 1000];
/// numfuse_runtime::workers::share_mut(&mut v, 100, || (), |_, start, piece| {
///     for (i, x) in piece.iter_mut().enumerate() {
///         *x = start + i;
///     }
/// });
/// assert!(v.iter().enumerate().all(|(i, &x)| x == i));
/// ```
pub fn share_mut<T, S, I, F>(out: &mut [T], grain: usize, init: I, body: F) -> Vec<S>
where
    T: Send,
    S: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, usize, &mut [T]) + Sync,
{
    let grain = grain.max(1);
    let pieces = Mutex::new(out.chunks_mut(grain).enumerate());
    let claim_all = || {
        let mut state = None;
        loop {
            // a panic in `body` happens outside the lock, so it is never poisoned by one;
            // if it were, the other thread just stops claiming
            let Some((i, piece)) = pieces.lock().ok().and_then(|mut p| p.next()) else {
                return state;
            };
            body(state.get_or_insert_with(&init), i * grain, piece);
        }
    };
    let (a, b) = join(claim_all, claim_all);
    a.into_iter().chain(b).collect()
}

/// The piece length that cuts `n` items into about [`PIECES`] pieces of at least `min`
/// items each, rounded up to a multiple of `align` (at least 1).
///
/// ```
/// use numfuse_runtime::workers::grain;
/// assert_eq!(grain(1 << 20, 1, 1), (1 << 20) / 128);
/// assert_eq!(grain(1000, 64, 1), 64);
/// assert_eq!(grain(100_000, 1, 2048), 2048);
/// ```
pub fn grain(n: usize, min: usize, align: usize) -> usize {
    let align = align.max(1);
    n.div_ceil(PIECES).max(min).max(1).div_ceil(align) * align
}

#[cfg(test)]
mod tests {
    use super::{join, share, share_mut};

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

    #[test]
    fn shared_pieces_cover_everything_once() {
        for (n, grain) in [
            (0, 1),
            (1, 1),
            (7, 3),
            (1000, 64),
            (1000, 1000),
            (1000, 5000),
        ] {
            let hits: Vec<std::sync::atomic::AtomicU8> = (0..n).map(|_| 0.into()).collect();
            let states = share(
                n,
                grain,
                || 0usize,
                |count, r| {
                    assert!(r.len() <= grain && !r.is_empty());
                    *count += 1;
                    for i in r {
                        hits[i].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                },
            );
            assert!(hits
                .iter()
                .all(|h| h.load(std::sync::atomic::Ordering::Relaxed) == 1));
            assert_eq!(states.iter().sum::<usize>(), n.div_ceil(grain));
        }
    }

    #[test]
    fn shared_slice_pieces_know_where_they_start() {
        let mut v = vec![usize::MAX; 777];
        let states = share_mut(
            &mut v,
            50,
            || 0usize,
            |seen, start, piece| {
                assert_eq!(start % 50, 0);
                *seen += piece.len();
                for (i, x) in piece.iter_mut().enumerate() {
                    *x = start + i;
                }
            },
        );
        assert!(v.iter().enumerate().all(|(i, &x)| x == i));
        assert_eq!(states.iter().sum::<usize>(), 777);
    }
}
