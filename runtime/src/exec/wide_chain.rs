//! Widened chains: a kernel over short rows (`exec/widen.rs`) whose body is a chain of one to
//! four `+ - * /`, each of the previous value and a constant or another operand — z-score's
//! `(x − m) / s` over `(1000000, 8)` with `(1, 8)` statistics — runs as full-width line ops
//! (`vmath::line2_f64`, `chain::run_tile`) instead of its Cranelift code. The flat operands
//! and the output are contiguous runs of `rows · n` elements; each broadcast row is copied
//! into a tile of `2k` copies (`k · n ≥ 256` elements per group), so the elements matching
//! any window of up to `k · n` flat elements are one contiguous slice of the tile. On AMD
//! Zen 5 a 128-bit `divpd` costs what an 8-lane one does (0.94 ns), so the JIT's division
//! is 4× slower per element; and an output of ≥ 8 MB is written with non-temporal stores (no
//! read-for-ownership), one fence per thread. Same IEEE operations in the same order and
//! operand order per element, so the same bits (`tests/tests/wide_chain.rs` compares against
//! `nf::set_line_ops(false)`).

use super::chain::{chain_ops, describe_ops, run_tile, Arg, Elem, TILE};
use super::widen::{tile_of, Walk};
use numfuse_codegen::vmath::{self, LineOp, Streamed};
use numfuse_ir::kernel::{Kernel, Role};
use numfuse_ir::DType;

/// Where one operand's elements come from.
enum Source {
    /// A contiguous run of all `rows · n` elements.
    Flat(*const u8),
    /// `2k` copies of one row (as `u64` words: aligned for either float type).
    Tiled(Vec<u64>),
}

/// Runs `spec` over `shape` (rank 2, rows of `n` elements, `k` rows per group) as line ops
/// when its body is a chain and its operands fit; returns what ran (for `explain`), or
/// `None` when the caller must run the kernel. `ptrs`/`flat` are the operands' base pointers
/// and byte strides, `walks` how each walks the rows.
pub(super) fn run(
    spec: &Kernel,
    shape: &[i64],
    ptrs: &[*mut u8],
    flat: &[i64],
    walks: &[Walk],
    k: usize,
    threads: usize,
) -> Option<String> {
    let dtype = spec.operands.first()?.dtype;
    let plain = spec.reduced == 0 && spec.accs.is_empty() && spec.post.is_empty();
    if !plain || spec.rank != 2 || !matches!(dtype, DType::Float32 | DType::Float64) {
        return None;
    }
    let [store] = spec.stores.as_slice() else {
        return None;
    };
    let (first, ops) = chain_ops(&spec.pre, dtype, store.value as usize, true)?;
    let out = store.operand as usize;
    let (rows, n) = (shape[0] as usize, shape[1] as usize);
    let item = dtype.itemsize();
    let total = rows * n;
    let out_range = byte_range(ptrs[out], total * item);
    let mut sources = Vec::with_capacity(walks.len());
    for (o, walk) in walks.iter().enumerate() {
        let op = &spec.operands[o];
        let step = flat[2 * o + 1];
        let source = match walk {
            _ if op.dtype != dtype => return None,
            Walk::Flat if step == item as i64 => Source::Flat(ptrs[o]),
            Walk::Tiled if o != out => Source::Tiled(tile_of(ptrs[o], step, n, item, 2 * k)),
            _ => return None,
        };
        // an input overlapping the output (a buffer reused in place) stays with the kernel
        let disjoint = |r: (usize, usize)| r.1 <= out_range.0 || out_range.1 <= r.0;
        if let Source::Flat(p) = source {
            if o != out && !disjoint(byte_range(p.cast_mut(), total * item)) {
                return None;
            }
        }
        sources.push(source);
    }
    if spec.operands[out].role != Role::Output || first == out {
        return None;
    }
    let streamed = total * item >= super::lines::STREAM_BYTES as usize && vmath::streams();
    let chain = WideChain {
        ops: &ops,
        sources: &sources,
        first,
        out,
        period: k * n,
    };
    if dtype == DType::Float64 {
        chain.split::<f64>(total, threads, streamed);
    } else {
        chain.split::<f32>(total, threads, streamed);
    }
    Some(describe_ops(&ops, streamed))
}

/// `[start, end)` of `bytes` bytes at `p`.
fn byte_range(p: *mut u8, bytes: usize) -> (usize, usize) {
    (p as usize, p as usize + bytes)
}

/// One widened chain's operands.
struct WideChain<'a> {
    ops: &'a [(LineOp, Arg)],
    sources: &'a [Source],
    first: usize,
    out: usize,
    /// Elements per group of rows (`k · n`): the period of every tiled operand.
    period: usize,
}

/// Raw operand pointers shared by the two halves.
struct Shared<'a, 'b>(&'a WideChain<'b>);
// SAFETY: the halves read the same inputs (read-only during the call) and write disjoint
// ranges of the output.
unsafe impl Send for Shared<'_, '_> {}
// SAFETY: as above.
unsafe impl Sync for Shared<'_, '_> {}

impl WideChain<'_> {
    /// All `total` elements, in pieces claimed by both threads when `threads ≥ 2`
    /// (elementwise: the bits do not depend on the split).
    fn split<T: Elem>(&self, total: usize, threads: usize, streamed: bool) {
        let shared = Shared(self);
        let part = |_: &mut (), r: std::ops::Range<usize>| {
            let c = &shared;
            if streamed {
                vmath::with_streamed_stores(|s| c.0.range::<T>(r.start, r.end, Some(s)));
            } else {
                c.0.range::<T>(r.start, r.end, None);
            }
        };
        if threads < 2 || total < 2 * TILE {
            return part(&mut (), 0..total);
        }
        let grain = crate::workers::grain(total, 8 * TILE, TILE);
        crate::workers::share(total, grain, || (), part);
    }

    /// Elements `[lo, hi)`, tile by tile.
    fn range<T: Elem>(&self, lo: usize, hi: usize, s: Option<&Streamed>) {
        let mut tmp = [[T::default(); TILE]; 2];
        let mut at = lo;
        while at < hi {
            let m = TILE.min(hi - at);
            let arg = |o: usize| self.slice::<T>(o, at, m);
            let Source::Flat(base) = self.sources[self.out] else {
                unreachable!("the output is flat (checked in `run`)")
            };
            // SAFETY: the output's elements `[at, at + m)` — inside its `total` contiguous
            // elements (a fresh or owned buffer), written by this call only (the halves are
            // disjoint), and disjoint from every input (checked in `run`); the `&mut` lives
            // for this tile only.
            let out =
                unsafe { std::slice::from_raw_parts_mut(base.cast::<T>().cast_mut().add(at), m) };
            run_tile(
                self.ops,
                self.slice::<T>(self.first, at, m),
                &arg,
                out,
                &mut tmp,
                s,
            );
            at += m;
        }
    }

    /// Operand `o`'s elements matching flat elements `[at, at + m)` (`m ≤ TILE ≤ period`).
    fn slice<T: Elem>(&self, o: usize, at: usize, m: usize) -> &[T] {
        match &self.sources[o] {
            // SAFETY: a flat operand holds `total ≥ at + m` contiguous elements of `T` at
            // `p` (a validated view of a live buffer, checked contiguous in `run`).
            Source::Flat(p) => unsafe { std::slice::from_raw_parts(p.cast::<T>().add(at), m) },
            Source::Tiled(tile) => {
                let start = at % self.period;
                // SAFETY: the tile holds `2 · period` elements of `T` (2k rows of `n`), and
                // `start + m < period + TILE ≤ 2 · period`.
                unsafe { std::slice::from_raw_parts(tile.as_ptr().cast::<T>().add(start), m) }
            }
        }
    }
}
