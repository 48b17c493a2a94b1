//! Line operations with non-temporal stores (`Streamed`: `x ⊙ c` and `x ⊙ y`).
//!
//! A large output written once (softmax's `e / sum(e)` into a 32 MB result) costs two
//! memory transfers per cache line with normal stores: the line is first read for ownership,
//! then written back. Streaming stores write whole lines past the caches, without the read.
//! Measured on AMD Zen 4 (row softmax 4096×1024 f64, alternating runs): the division step
//! 1.3–1.9 → 1.0–1.2 ms, softmax 4.10–4.23 → 3.75–3.93 ms. (On Zen 3 and on Intel Emerald
//! Rapids an earlier attempt measured no gain, and no loss.)
//!
//! Each vector-sized chunk is computed by the same loop as [`super::lines`] (one IEEE
//! operation per element, so the same bits) into registers, then stored with one aligned
//! streaming store; the elements before the first aligned address and after the last full
//! chunk use normal stores. The routines do not fence: [`super::Streamed`] issues one
//! `sfence` when its scope ends, so the stores are ordered before anything the caller does
//! next (another thread reading the output after a join). One fence per 2 KB tile instead
//! made sigmoid's streamed output slower than normal stores (5.3 → 6.2 ms on AMD Zen 5); one
//! per 1024-row block made it faster (5.3 → 4.8 ms).

use super::lines::{each, Rhs};
use super::LineOp;
use std::arch::x86_64::*;

/// One streamed routine: `$lanes` elements of `$t` per `$load`/`$stream` vector.
macro_rules! streamed {
    ($name:ident, $t:ty, $feat:literal, $lanes:literal, $load:ident, $stream:ident) => {
        /// `out[i] = x[i] ⊙ c[i]` with streaming stores for the aligned body of `out`, not
        /// fenced.
        #[target_feature(enable = $feat)]
        pub(super) fn $name<R: Rhs<$t>>(op: LineOp, x: &[$t], c: R, out: &mut [$t]) {
            let n = out.len().min(x.len());
            let (x, out) = (&x[..n], &mut out[..n]);
            let head = out
                .as_ptr()
                .align_offset($lanes * std::mem::size_of::<$t>())
                .min(n);
            let body = head + (n - head) / $lanes * $lanes;
            each(op, &x[..head], c.part(0..head), &mut out[..head]);
            let chunks = x[head..body].chunks_exact($lanes);
            for (i, (xc, oc)) in chunks
                .zip(out[head..body].chunks_exact_mut($lanes))
                .enumerate()
            {
                let at = head + i * $lanes;
                let mut t = [0.0 as $t; $lanes];
                each(op, xc, c.part(at..at + $lanes), &mut t);
                // SAFETY: `t` holds one vector; `oc` is one vector of `out` starting at an
                // address aligned to the vector size (`head` reached the first such address).
                unsafe { $stream(oc.as_mut_ptr(), $load(t.as_ptr())) };
            }
            each(op, &x[body..], c.part(body..n), &mut out[body..]);
        }
    };
}

/// Orders the streaming stores issued so far before later stores of this thread.
pub(super) fn fence() {
    // SAFETY: `sfence` is SSE, part of the x86-64 baseline every such CPU has.
    unsafe { _mm_sfence() };
}

streamed!(
    f64_avx512,
    f64,
    "avx512f,avx512dq",
    8,
    _mm512_loadu_pd,
    _mm512_stream_pd
);
streamed!(
    f32_avx512,
    f32,
    "avx512f,avx512dq",
    16,
    _mm512_loadu_ps,
    _mm512_stream_ps
);
streamed!(
    f64_avx2,
    f64,
    "avx2,fma",
    4,
    _mm256_loadu_pd,
    _mm256_stream_pd
);
streamed!(
    f32_avx2,
    f32,
    "avx2,fma",
    8,
    _mm256_loadu_ps,
    _mm256_stream_ps
);
