//! The main job: builds the seed workloads (z-score, softmax, pairwise distances, a fused
//! chain, sigmoid, a big sum, image normalisation), prints their graphs, schedules and results
//! on small inputs, then times them in each evaluation mode on the sizes next to a
//! STREAM-triad probe measured in the same run. Run with `cargo run --release --example tour`.

use numfuse as nf;
use numfuse::s;
use std::time::Instant;

mod common;
use common::data;

fn zscore(x: &nf::Array) -> nf::Array {
    (x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true))
}

fn softmax(x: &nf::Array) -> nf::Array {
    let e = (x - x.max(nf::axis(-1).keepdims(true))).exp();
    &e / e.sum(nf::axis(-1).keepdims(true))
}

fn pairwise(a: &nf::Array, b: &nf::Array) -> nf::Array {
    let d = a.slice(s![.., newaxis, ..]) - b.slice(s![newaxis, .., ..]);
    (&d * &d).sum(-1).sqrt()
}

fn chain(a: &nf::Array, b: &nf::Array, c: &nf::Array) -> nf::Array {
    a * 2.0 + b * b * 3.0 - c / 4.0
}

fn sigmoid(x: &nf::Array) -> nf::Array {
    1.0 / (1.0 + (-x).exp())
}

fn image_norm(img: &nf::Array, mean: &nf::Array, std: &nf::Array) -> nf::Array {
    (img - mean) / std
}

struct Workload {
    name: &'static str,
    inputs: Vec<nf::Array>,
    f: fn(&[nf::Array]) -> nf::Array,
    /// Bytes a single fused pass must move (inputs read + output written).
    bytes: usize,
}

fn workloads(big: bool) -> Vec<Workload> {
    let n = if big { 10_000_000 } else { 6 };
    let (zs, sm, pw) = if big {
        ([1_000_000, 8], [4096, 1024], [2000, 3])
    } else {
        ([4, 3], [2, 4], [3, 2])
    };
    let img = if big { [32, 3, 224, 224] } else { [1, 3, 2, 2] };
    let f32s = |a: nf::Array| nf::Array::from_ndarray(&a.astype(nf::float32).eval());
    let w = |name, inputs: Vec<nf::Array>, f, out: usize| {
        let bytes = inputs.iter().map(|a: &nf::Array| a.nbytes()).sum::<usize>() + out;
        Workload {
            name,
            inputs,
            f,
            bytes,
        }
    };
    vec![
        w("sum 10M", vec![data(&[n], 0.1)], |x| x[0].sum(None), 8),
        w(
            "2a+3b²-c/4",
            vec![data(&[n], 0.1), data(&[n], 0.2), data(&[n], 0.3)],
            |x| chain(&x[0], &x[1], &x[2]),
            n * 8,
        ),
        w("sigmoid", vec![data(&[n], 0.4)], |x| sigmoid(&x[0]), n * 8),
        w(
            "z-score",
            vec![data(&zs, 0.5)],
            |x| zscore(&x[0]),
            zs[0] * zs[1] * 8,
        ),
        w(
            "softmax",
            vec![data(&sm, 0.6)],
            |x| softmax(&x[0]),
            sm[0] * sm[1] * 8,
        ),
        w(
            "pairwise",
            vec![data(&pw, 0.7), data(&pw, 0.8)],
            |x| pairwise(&x[0], &x[1]),
            pw[0] * pw[0] * 8,
        ),
        w(
            "image norm f32",
            vec![
                f32s(data(&img, 0.9)),
                f32s(data(&[1, 3, 1, 1], 0.1)),
                f32s(data(&[1, 3, 1, 1], 0.2).abs() + 0.5),
            ],
            |x| image_norm(&x[0], &x[1], &x[2]),
            img.iter().product::<usize>() * 4,
        ),
    ]
}

/// One timing of building and evaluating the workload in `mode`, in ms.
fn time_once(mode: nf::Mode, w: &Workload) -> f64 {
    nf::with_mode(mode, || {
        let t = Instant::now();
        let y = (w.f)(&w.inputs);
        let _ = y.eval();
        t.elapsed().as_secs_f64() * 1e3
    })
}

/// Median and best timings (ms) of the workload in each of `modes` over `reps` rounds, and
/// of the triad probe: each round times the probe and every mode once, after one untimed
/// warm-up evaluation per mode (as criterion warms up). Interleaving puts drifts in the
/// machine's load (a shared VM) on every mode and on the bandwidth yardstick alike, so the
/// ratios compare like with like.
fn time_rounds(modes: &[nf::Mode], w: &Workload, reps: usize, triad: &mut Triad) -> Rounds {
    for &mode in modes {
        time_once(mode, w);
    }
    let mut ts: Vec<Vec<f64>> = vec![Vec::with_capacity(reps); modes.len() + 1];
    for _ in 0..reps {
        ts[0].push(triad.sample_ms());
        for (t, &mode) in ts[1..].iter_mut().zip(modes) {
            t.push(time_once(mode, w));
        }
    }
    for t in &mut ts {
        t.sort_by(|a, b| a.total_cmp(b));
    }
    Rounds {
        median: ts.iter().map(|t| t[t.len() / 2]).collect(),
        best: ts.iter().map(|t| t[0]).collect(),
    }
}

/// Timings of [`time_rounds`]: index 0 the triad probe, then each mode.
struct Rounds {
    median: Vec<f64>,
    best: Vec<f64>,
}

/// STREAM triad `a = b + s·c` over 10M f64 in plain Rust on both cores (each thread owns
/// half of every array, first-touched by that thread, as STREAM does): the bandwidth
/// yardstick, in GB/s counted as STREAM counts (24 bytes per element).
struct Triad {
    a: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
}

impl Triad {
    /// Elements per array.
    const N: usize = 10_000_000;

    /// The arrays, each half first-touched by the thread that will use it.
    fn new() -> Triad {
        // zeroed allocations are mapped lazily: `fill` below first-touches each half
        let mut t = Triad {
            a: vec![0.0; Self::N],
            b: vec![0.0; Self::N],
            c: vec![0.0; Self::N],
        };
        let half = Self::N / 2;
        let fill = |a: &mut [f64], b: &mut [f64], c: &mut [f64]| {
            a.fill(0.0);
            b.fill(1.5);
            c.fill(2.5);
        };
        let (a0, a1) = t.a.split_at_mut(half);
        let (b0, b1) = t.b.split_at_mut(half);
        let (c0, c1) = t.c.split_at_mut(half);
        std::thread::scope(|s| {
            s.spawn(|| fill(a1, b1, c1));
            fill(a0, b0, c0);
        });
        t
    }

    /// One triad over the arrays on two threads, in ms.
    fn sample_ms(&mut self) -> f64 {
        let triad = |a: &mut [f64], b: &[f64], c: &[f64]| {
            for ((a, b), c) in a.iter_mut().zip(b).zip(c) {
                *a = b + 3.0 * c;
            }
        };
        let half = Self::N / 2;
        let (a0, a1) = self.a.split_at_mut(half);
        let (b0, b1) = self.b.split_at(half);
        let (c0, c1) = self.c.split_at(half);
        let t = Instant::now();
        std::thread::scope(|s| {
            s.spawn(|| triad(a1, b1, c1));
            triad(a0, b0, c0);
        });
        std::hint::black_box(&self.a);
        t.elapsed().as_secs_f64() * 1e3
    }

    /// GB/s of a triad that took `ms`.
    fn gbs(ms: f64) -> f64 {
        (3 * Self::N * 8) as f64 / (ms / 1e3) / 1e9
    }
}

/// A 10-op fused graph: the first evaluation (compile) against a cached one, and the fixed
/// cost of re-evaluating a cached graph on a tiny input.
fn compile_overhead() {
    let ten = |a: &nf::Array| ((a * 1.5 + 2.0) * a - 0.5).abs().sqrt() * 3.0 + a / 7.0 - 1.0;
    let a = data(&[100_000], 0.3);
    let t = Instant::now();
    let _ = (ten(&a) * 1.25).eval(); // a structure not seen before
    let first = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let _ = (ten(&a) * 1.25).eval();
    let cached = t.elapsed().as_secs_f64() * 1e3;
    nf::set_jit_threshold(0);
    let tiny = data(&[64], 0.1);
    let _ = ten(&tiny).eval();
    let reps = 2000;
    let t = Instant::now();
    for _ in 0..reps {
        let _ = ten(&tiny).eval();
    }
    let per = t.elapsed().as_secs_f64() * 1e6 / reps as f64;
    nf::set_jit_threshold(1 << 15);
    println!("\n10-op fused graph on 1e5 f64: first eval {first:.2} ms, cached {cached:.2} ms (compile overhead {:.2} ms)", first - cached);
    println!("cached re-eval of a 10-op graph on 64 elements (build + lower + schedule + run): {per:.1} µs");
}

fn main() {
    println!("numfuse tour — seed workloads on small inputs\n");
    nf::set_jit_threshold(0);
    for w in workloads(false) {
        let y = (w.f)(&w.inputs);
        println!("── {} ──\n{}", w.name, y.ir());
        println!("result {} {}:\n{y}\n", y.shape(), y.dtype());
    }
    let z = zscore(&data(&[4, 3], 0.5));
    println!("── explain(z-score) ──\n{}", z.explain());
    nf::set_jit_threshold(1 << 15);

    let mut triad = Triad::new();
    println!("── timing on the issue's sizes (median ms of 9 rounds; each round runs the STREAM triad probe, lazy and eager once; first = first eval incl. compile) ──");
    println!("% triad: the workload's GB/s against the triad probe's in the same rounds, medians against medians (best: fastest against fastest)\n");
    println!(
        "{:<16} {:>9} {:>9} {:>9} {:>10} {:>8} {:>8} {:>8} {:>6} {:>10}",
        "workload",
        "first",
        "lazy",
        "eager",
        "interpret",
        "GB/s",
        "triad",
        "% triad",
        "best",
        "eager/lazy"
    );
    let mut triads = Vec::new();
    for w in workloads(true) {
        let first = time_once(nf::Mode::Lazy, &w);
        let r = time_rounds(&[nf::Mode::Lazy, nf::Mode::Eager], &w, 9, &mut triad);
        let (lazy, eager) = (r.median[1], r.median[2]);
        let interp = time_once(nf::Mode::Interpret, &w);
        let gbs = |ms: f64| w.bytes as f64 / (ms / 1e3) / 1e9;
        let tri = Triad::gbs(r.median[0]);
        triads.push(tri);
        println!(
            "{:<16} {first:>9.2} {lazy:>9.2} {eager:>9.2} {interp:>10.1} {:>8.1} {tri:>8.1} {:>7.0}% {:>5.0}% {:>9.2}x",
            w.name,
            gbs(lazy),
            100.0 * gbs(lazy) / tri,
            100.0 * gbs(r.best[1]) / Triad::gbs(r.best[0]),
            eager / lazy
        );
    }
    triads.sort_by(|a, b| a.total_cmp(b));
    println!(
        "STREAM triad probe (plain Rust, same rounds): {:.1}–{:.1} GB/s (median per workload)",
        triads[0],
        triads[triads.len() - 1]
    );
    compile_overhead();
    let (hits, misses) = nf::kernel_cache_stats();
    println!("\nkernel cache: {hits} hits, {misses} misses");
}
