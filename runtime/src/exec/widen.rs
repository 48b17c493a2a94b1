//! Short rows widened: an elementwise kernel over `(R, n)` with a small `n` — `(x − m) / s` on a
//! `(1000000, 8)` matrix with `(1, 8)` statistics, z-score's last step — spends most of its time
//! entering and leaving an inner loop of a few elements. When every operand either walks the
//! two dimensions as one flat run (row stride = `n` × element stride) or is one row broadcast
//! down the rows, `k` rows are grouped into one of `k · n` elements: flat operands keep their
//! memory, each broadcast row is copied `k` times into a small tile (read by every group), and
//! the same compiled kernel runs over `(R / k, k · n)` plus the `R mod k` rows left over. Every
//! element is computed by the same operations on the same values, so results are unchanged;
//! only the loop shape differs (a run-time argument: nothing recompiles).
//!
//! Measured on `(x − m) / s` over `(1000000, 8)` float64 with `(1, 8)` rows, 2 threads, runs
//! interleaved on a noisy VM: 6.6–7.9 ms → 3.9–7.4 ms (5 pairs, each faster); z-score's last
//! kernel 7.0 → 6.2 ms. Groups of 64 and 1024 elements measured no better than 256.

use super::bind::call_split;
use numfuse_codegen::KernelFn;
use numfuse_ir::kernel::Kernel;

/// Rows of fewer elements than this are widened.
pub(super) const NARROW: i64 = 32;
/// Elements per widened row, at least.
const WIDE: i64 = 256;

/// How one operand is walked once rows are grouped.
pub(super) enum Walk {
    /// Rows follow each other in memory: the grouped row stride is `k` times the old one.
    Flat,
    /// One row broadcast everywhere (stride 0 on every dimension but the last): read from a
    /// tile of `k` copies.
    Tiled,
}

/// Calls `f` like [`call_split`], grouping short rows first where that is exact; returns the
/// rows per group (1: not grouped) and, when line ops ran instead of `f`
/// (`exec/wide_chain.rs`), what they were.
pub(super) fn call(
    f: &KernelFn,
    spec: &Kernel,
    shape: &[i64],
    ptrs: &[*mut u8],
    flat: &[i64],
    threads: usize,
) -> (usize, Option<String>) {
    let rank = spec.rank;
    let Some(walks) = walks(spec, shape, flat) else {
        call_split(f, shape, ptrs, flat, rank, threads);
        return (1, None);
    };
    let (rows, n) = (shape[rank - 2], shape[rank - 1]);
    let k = group(n);
    if super::line_ops_enabled() {
        let ran = super::wide_chain::run(spec, shape, ptrs, flat, &walks, k as usize, threads);
        if ran.is_some() {
            return (k as usize, ran);
        }
    }
    let mut tiles: Vec<Vec<u64>> = Vec::new();
    let mut wide_ptrs = ptrs.to_vec();
    let mut wide_flat = flat.to_vec();
    for (o, walk) in walks.iter().enumerate() {
        let s = &mut wide_flat[o * rank..(o + 1) * rank];
        match walk {
            Walk::Flat => s[rank - 2] *= k,
            Walk::Tiled => {
                let item = spec.operands[o].dtype.itemsize();
                let mut tile = tile_of(ptrs[o], s[rank - 1], n as usize, item, k as usize);
                wide_ptrs[o] = tile.as_mut_ptr().cast();
                s[rank - 1] = item as i64;
                tiles.push(tile);
            }
        }
    }
    let mut wide_shape = shape.to_vec();
    wide_shape[rank - 2] = rows / k;
    wide_shape[rank - 1] = k * n;
    call_split(f, &wide_shape, &wide_ptrs, &wide_flat, rank, threads);
    let left = rows % k;
    if left > 0 {
        let done = rows - left;
        let rest: Vec<*mut u8> = ptrs
            .iter()
            .enumerate()
            .map(|(o, &p)| p.wrapping_offset((done * flat[o * rank + rank - 2]) as isize))
            .collect();
        let mut rest_shape = shape.to_vec();
        rest_shape[rank - 2] = left;
        call_split(f, &rest_shape, &rest, flat, rank, 1);
    }
    drop(tiles); // the tiles outlive both calls
    (k as usize, None)
}

/// Each operand's walk when the kernel's rows can be grouped, `None` otherwise.
fn walks(spec: &Kernel, shape: &[i64], flat: &[i64]) -> Option<Vec<Walk>> {
    let rank = spec.rank;
    if spec.reduced != 0 || rank < 2 {
        return None;
    }
    let (rows, n) = (shape[rank - 2], shape[rank - 1]);
    // n ≤ 1: no loop to widen (and an empty row has no group size)
    if !(2..NARROW).contains(&n) || rows < 2 * group(n) {
        return None;
    }
    let mut any_tiled = false;
    let walks = (0..spec.operands.len())
        .map(|o| {
            let s = &flat[o * rank..(o + 1) * rank];
            let (s0, s1) = (s[rank - 2], s[rank - 1]);
            if s0 == n * s1 {
                Some(Walk::Flat)
            } else if s[..rank - 1].iter().all(|&x| x == 0) {
                any_tiled = true;
                Some(Walk::Tiled)
            } else {
                None
            }
        })
        .collect::<Option<Vec<Walk>>>()?;
    any_tiled.then_some(walks)
}

/// Rows per group for rows of `n` elements.
fn group(n: i64) -> i64 {
    (WIDE + n - 1) / n
}

/// `k` contiguous copies of the `n` elements of `item` bytes at `p`, `stride` bytes apart.
pub(super) fn tile_of(p: *const u8, stride: i64, n: usize, item: usize, k: usize) -> Vec<u64> {
    let row = n * item;
    let mut tile = vec![0u64; (row * k).div_ceil(8)];
    let bytes = tile.as_mut_ptr().cast::<u8>();
    for j in 0..n {
        // SAFETY: `p` addresses element 0 of an operand row of `n` elements `stride` bytes
        // apart, read by the kernel anyway (a validated view of a live buffer); the
        // destination is this tile's element `j` of copy 0, inside `tile` (`row · k` bytes).
        unsafe {
            std::ptr::copy_nonoverlapping(
                p.wrapping_offset(j as isize * stride as isize),
                bytes.add(j * item),
                item,
            )
        }
    }
    for c in 1..k {
        // SAFETY: copy 0 occupies bytes `[0, row)`, copy `c` bytes `[c · row, (c + 1) · row)`,
        // both inside `tile`, and they do not overlap for `c ≥ 1`.
        unsafe { std::ptr::copy_nonoverlapping(bytes, bytes.add(c * row), row) }
    }
    tile
}
