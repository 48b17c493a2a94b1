//! The one-pass kernel of [`Op::Moments`](numfuse_ir::Op::Moments): `Σx` and the centred
//! sum of squares `S = Σ(x − m)²`, `m = Σx / N`, over the leading axes of a float array,
//! reading the array from memory once where the two-pass formula reads it twice.
//!
//! The rows (reduced positions) are cut into blocks of [`block_rows`] rows that stay in cache.
//! For each block `b` of `n_b` rows and each kept column the kernel records, in `f64`:
//! the block sum `s_b`, the block centre `c_b = s_b / n_b`, and — in a second pass over the
//! block while it is in cache — `A_b = Σ(x − c_b)²` and `B_b = Σ(x − c_b)`. After all blocks,
//! `Σx = Σ s_b`, `m = Σx / N` (rounded exactly as the graph's `sum / N`) and, with
//! `d_b = m − c_b`,
//!
//! ```text
//! S = Σ_b  A_b − 2 d_b B_b + n_b d_b²
//! ```
//!
//! which is `Σ(x − m)²` exactly in real arithmetic for any centres `c_b`. The block sums of
//! both totals are added with Neumaier compensation. Accuracy: `d_b` is a difference of two
//! numbers close to the mean (exact when they lie within a factor of two), `B_b` carries the
//! rounding of `c_b` to first order, and every other term is a sum of squares, so `S` is as
//! accurate as the two-pass formula even for data whose mean is far larger than its spread
//! (tested against a double-double reference up to `|mean| / std = 1e8`); it is not
//! bit-identical to it. `S` is never negative (a rounding below zero is clamped; NaN stays).
//!
//! Block summaries do not depend on how blocks are shared between the threads and are folded
//! in block order, so results are the same on one and two threads.

use crate::buffer::{Bytes, Pod};
use crate::ndarray::NdArray;
use numfuse_ir::{DType, Error, Result, Shape};

/// Rows per block for `k` kept elements per row: about 32 KB per block, 64–512 rows.
fn block_rows(k: usize) -> usize {
    (4096 / k.max(1)).clamp(64, 512)
}

/// Rows of work below which one thread does everything.
const PARALLEL_ELEMS: usize = 1 << 17;

/// Values of one block, for each of the `k` columns: `[s_b; k]`, `[c_b; k]`, `[A_b; k]`,
/// `[B_b; k]` back to back.
const FIELDS: usize = 4;

/// A float element read as `f64` and written back from it.
trait Real: Pod + Send + Sync {
    fn get(self) -> f64;
    fn put(v: f64) -> Self;
    /// `a / b` in this type (the graph's rounding of the mean).
    fn div(a: Self, b: Self) -> Self;
}
impl Real for f64 {
    fn get(self) -> f64 {
        self
    }
    fn put(v: f64) -> f64 {
        v
    }
    fn div(a: f64, b: f64) -> f64 {
        a / b
    }
}
impl Real for f32 {
    fn get(self) -> f64 {
        self as f64
    }
    fn put(v: f64) -> f32 {
        v as f32
    }
    fn div(a: f32, b: f32) -> f32 {
        a / b
    }
}

/// `[Σx, Σ(x − Σx/N)²]` over the leading `reduced` axes of `x` (float32 or float64), packed
/// into an array of shape `(2,) + x.shape[reduced..]`.
///
/// ```
/// use numfuse_runtime::ndarray::NdArray;
/// let x = NdArray::from_vec([4, 2], vec![1.0f64, 10.0, 2.0, 20.0, 3.0, 30.0, 4.0, 40.0]).unwrap();
/// let m = numfuse_runtime::moments::moments(&x, 1).unwrap();
/// assert_eq!(m.to_vec::<f64>().unwrap(), vec![10.0, 100.0, 5.0, 500.0]);
/// ```
pub fn moments(x: &NdArray, reduced: usize) -> Result<NdArray> {
    let shape = x.shape();
    if reduced > shape.ndim() {
        return Err(Error::Value(format!(
            "moments over {reduced} axes of an array of shape {shape}"
        )));
    }
    let rows: usize = shape[..reduced].iter().product();
    let k: usize = shape[reduced..].iter().product();
    let out_shape = Shape(
        [2].into_iter()
            .chain(shape[reduced..].iter().copied())
            .collect(),
    );
    // the kernel walks contiguous blocks of whole rows
    let (flat, _) = x.reshape_view_or_copy(&Shape::from([rows * k]))?;
    let flat = if flat.is_c_contiguous() {
        flat
    } else {
        flat.as_c_contiguous()
    };
    let out = match x.dtype() {
        DType::Float64 => run::<f64>(&flat, rows, k),
        DType::Float32 => run::<f32>(&flat, rows, k),
        d => {
            return Err(Error::Type(format!(
                "moments: no loop for dtype {d} (float32 and float64 only)"
            )))
        }
    };
    Ok(NdArray::from_bytes(out, out_shape))
}

fn run<T: Real>(x: &NdArray, rows: usize, k: usize) -> Bytes {
    let data = x.data();
    let all = &data.as_slice::<T>()[x.offset()..x.offset() + rows * k];
    let b = block_rows(k);
    let blocks = rows.div_ceil(b);
    let mut summary = vec![0.0f64; blocks * FIELDS * k];
    let fill = |first: usize, out: &mut [f64]| {
        for (i, s) in out.chunks_exact_mut(FIELDS * k).enumerate() {
            let r0 = (first + i) * b;
            let next = all.get((r0 + b) * k..((r0 + 2 * b).min(rows) * k).max((r0 + b) * k));
            summarize_fast(&all[r0 * k..(r0 + b).min(rows) * k], next.unwrap_or(&[]), s);
        }
    };
    let threads = if rows * k >= PARALLEL_ELEMS && blocks >= 2 {
        crate::exec::max_threads()
    } else {
        1
    };
    if threads >= 2 {
        // each block's summary has its own place: either thread may compute any
        let per_block = FIELDS * k;
        let grain = crate::workers::grain(blocks, 2, 1) * per_block;
        crate::workers::share_mut(
            &mut summary,
            grain,
            || (),
            |_, at, piece| fill(at / per_block, piece),
        );
    } else {
        fill(0, &mut summary);
    }
    let mut out = Bytes::for_overwrite(T::DTYPE, 2 * k);
    let o = out.as_mut_slice::<T>();
    for c in 0..k {
        let (sum, ss) = fold_column(&summary, c, k, b, rows);
        o[c] = sum;
        o[k + c] = ss;
    }
    out
}

/// Vector width of the block loops (accumulators kept in registers).
const W: usize = 8;

/// [`summarize`] built for AVX where the CPU has it (the same operations in 256-bit
/// registers, so the same bits: one Zen 4 core 2.7 → 1.9 ms for z-score's moments, two
/// cores 1.9 → 1.5 ms), else the baseline build.
fn summarize_fast<T: Real>(xs: &[T], next: &[T], s: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: AVX was detected on this CPU.
        return unsafe { summarize_avx(xs, next, s) };
    }
    summarize(xs, next, s)
}

/// [`summarize`] compiled with AVX enabled.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn summarize_avx<T: Real>(xs: &[T], next: &[T], s: &mut [f64]) {
    summarize(xs, next, s)
}

/// The summaries of one block `xs` (whole rows of `k` elements) into `s`; prefetches
/// `next` (the following block) during the second pass.
#[inline(always)]
fn summarize<T: Real>(xs: &[T], next: &[T], s: &mut [f64]) {
    let k = s.len() / FIELDS;
    let n = (xs.len() / k) as f64;
    let (sums, rest) = s.split_at_mut(k);
    let (centres, rest) = rest.split_at_mut(k);
    let (squares, devs) = rest.split_at_mut(k);
    if W.is_multiple_of(k) {
        // rows shorter than a vector: `W / k` rows per vector, lane `j` is column `j % k`
        let lane = |j: usize| j % k;
        let tail = xs.chunks_exact(W).remainder();
        let mut accs = [[0.0f64; W]; SETS];
        let mut groups = xs.chunks_exact(W * SETS);
        for g in &mut groups {
            let [a0, a1, a2, a3] = &mut accs;
            add_lanes(a0, &g[..W]);
            add_lanes(a1, &g[W..2 * W]);
            add_lanes(a2, &g[2 * W..3 * W]);
            add_lanes(a3, &g[3 * W..]);
        }
        for (a, v) in accs.iter_mut().zip(groups.remainder().chunks_exact(W)) {
            add_lanes(a, v);
        }
        let acc = combine(&accs);
        sums.fill(0.0);
        for (j, a) in acc.iter().enumerate() {
            sums[lane(j)] += a;
        }
        for (j, v) in tail.iter().enumerate() {
            sums[lane(j)] += v.get();
        }
        centre(sums, centres, n);
        let c: [f64; W] = std::array::from_fn(|j| centres[lane(j)]);
        let (mut qs, mut ds) = ([[0.0f64; W]; SETS], [[0.0f64; W]; SETS]);
        let line = 64 / std::mem::size_of::<T>();
        let mut groups = xs.chunks_exact(W * SETS);
        for (i, g) in (&mut groups).enumerate() {
            let ([q0, q1, q2, q3], [d0, d1, d2, d3]) = (&mut qs, &mut ds);
            deviation_lanes(q0, d0, &c, &g[..W]);
            deviation_lanes(q1, d1, &c, &g[W..2 * W]);
            deviation_lanes(q2, d2, &c, &g[2 * W..3 * W]);
            deviation_lanes(q3, d3, &c, &g[3 * W..]);
            // one group is four cache lines of f64 (two of f32): prefetch as many
            for at in (i * SETS * W..(i + 1) * SETS * W).step_by(line) {
                if let Some(p) = next.get(at) {
                    crate::prefetch::prefetch(p);
                }
            }
        }
        let rest = groups.remainder().chunks_exact(W);
        for ((q, d), v) in qs.iter_mut().zip(ds.iter_mut()).zip(rest) {
            deviation_lanes(q, d, &c, v);
        }
        let (q, d) = (combine(&qs), combine(&ds));
        squares.fill(0.0);
        devs.fill(0.0);
        for j in 0..W {
            squares[lane(j)] += q[j];
            devs[lane(j)] += d[j];
        }
        for (j, v) in tail.iter().enumerate() {
            let e = v.get() - centres[lane(j)];
            squares[lane(j)] += e * e;
            devs[lane(j)] += e;
        }
        return;
    }
    // wider rows: tiles of `W` columns, then the last `k % W` columns one by one
    let tiles = k / W * W;
    for c0 in (0..tiles).step_by(W) {
        let mut acc = [0.0f64; W];
        for row in xs.chunks_exact(k) {
            add_lanes(&mut acc, &row[c0..c0 + W]);
        }
        sums[c0..c0 + W].copy_from_slice(&acc);
        centre(&sums[c0..c0 + W], &mut centres[c0..c0 + W], n);
        let c: [f64; W] = std::array::from_fn(|j| centres[c0 + j]);
        let (mut q, mut d) = ([0.0f64; W], [0.0f64; W]);
        for row in xs.chunks_exact(k) {
            deviation_lanes(&mut q, &mut d, &c, &row[c0..c0 + W]);
        }
        squares[c0..c0 + W].copy_from_slice(&q);
        devs[c0..c0 + W].copy_from_slice(&d);
    }
    for col in tiles..k {
        let column = || xs.iter().skip(col).step_by(k).map(|v| v.get());
        sums[col] = column().sum();
        centres[col] = sums[col] / n;
        let (q, d) = column().fold((0.0, 0.0), |(q, d), v| {
            let e = v - centres[col];
            (q + e * e, d + e)
        });
        squares[col] = q;
        devs[col] = d;
    }
}

/// Independent accumulator sets in the short-row loops: consecutive vectors go to
/// different sets, so four add chains are in flight instead of one (the loops were bound
/// by the add latency: 17.6 GB/s on one AMD Zen 4 core, 24 GB/s with four sets; z-score's
/// moments step 2.0 → 1.45–1.7 ms on two cores).
const SETS: usize = 4;

/// The accumulator sets added lane by lane: `(a₀ + a₁) + (a₂ + a₃)`.
fn combine(a: &[[f64; W]; SETS]) -> [f64; W] {
    std::array::from_fn(|j| (a[0][j] + a[1][j]) + (a[2][j] + a[3][j]))
}

/// `acc[j] += v[j]` for one vector of `W` elements.
#[inline(always)]
fn add_lanes<T: Real>(acc: &mut [f64; W], v: &[T]) {
    let v: &[T; W] = v.try_into().expect("a whole vector");
    for j in 0..W {
        acc[j] += v[j].get();
    }
}

/// `q[j] += (v[j] − c[j])²`, `d[j] += v[j] − c[j]` for one vector of `W` elements.
#[inline(always)]
fn deviation_lanes<T: Real>(q: &mut [f64; W], d: &mut [f64; W], c: &[f64; W], v: &[T]) {
    let v: &[T; W] = v.try_into().expect("a whole vector");
    for j in 0..W {
        let e = v[j].get() - c[j];
        q[j] += e * e;
        d[j] += e;
    }
}

/// `centres = sums / n`.
fn centre(sums: &[f64], centres: &mut [f64], n: f64) {
    for (c, &s) in centres.iter_mut().zip(sums) {
        *c = s / n;
    }
}

/// `(Σx, S)` of column `c` from the block summaries, rounded to `T`. A block's sum enters
/// as `n_b c_b` (an exact two-term product) plus `B_b`, which is the block sum with one
/// rounding instead of one per row; a block with a non-finite centre enters as `s_b`.
fn fold_column<T: Real>(summary: &[f64], c: usize, k: usize, b: usize, rows: usize) -> (T, T) {
    let blocks = summary.chunks_exact(FIELDS * k);
    let count = |i: usize| (b.min(rows - i * b)) as f64;
    let mut total = Neumaier::default();
    for (i, s) in blocks.clone().enumerate() {
        let (centre, dev) = (s[k + c], s[3 * k + c]);
        if !centre.is_finite() {
            total.add(s[c]);
            continue;
        }
        let n = count(i);
        let p = n * centre;
        total.add(p);
        total.add(n.mul_add(centre, -p));
        total.add(dev);
    }
    let sum = T::put(total.value());
    let m = T::div(sum, T::put(rows as f64)).get();
    let mut ss = Neumaier::default();
    for (i, s) in blocks.enumerate() {
        let d = m - s[k + c];
        ss.add(s[2 * k + c] - 2.0 * d * s[3 * k + c] + count(i) * d * d);
    }
    let v = ss.value();
    (sum, T::put(if v < 0.0 { 0.0 } else { v }))
}

/// Neumaier's compensated sum.
#[derive(Default)]
struct Neumaier {
    sum: f64,
    comp: f64,
}
impl Neumaier {
    fn add(&mut self, v: f64) {
        let t = self.sum + v;
        self.comp += if self.sum.abs() >= v.abs() {
            (self.sum - t) + v
        } else {
            (v - t) + self.sum
        };
        self.sum = t;
    }
    /// The sum (an infinite or NaN running sum as it is: its compensation is meaningless).
    fn value(&self) -> f64 {
        if self.sum.is_finite() {
            self.sum + self.comp
        } else {
            self.sum
        }
    }
}

#[cfg(test)]
#[path = "moments_tests.rs"]
mod tests;
