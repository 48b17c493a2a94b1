//! Criterion benches of the fused JIT on the seed workloads (Lazy vs Eager), plus the
//! per-evaluation overhead of a cached 10-op graph and a plain-Rust triad as the bandwidth
//! yardstick of the same run. The main job (`cargo run --release --example tour`) prints the
//! issue-sized table; these use 1M-element inputs so a run stays short.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use numfuse as nf;
use std::hint::black_box;

const N: usize = 1 << 20;

fn input(shape: &[usize], phase: f64) -> nf::Array {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n)
        .map(|i| ((i as f64) * 0.618_033_988_75 + phase).fract() * 2.0 - 1.0)
        .collect();
    nf::Array::from_ndarray(&nf::NdArray::from_vec(shape.to_vec(), v).unwrap())
}

fn ten_ops(a: &nf::Array) -> nf::Array {
    ((a * 1.5 + 2.0) * a - 0.5).abs().sqrt() * 3.0 + a / 7.0 - 1.0
}

fn workloads(c: &mut Criterion) {
    let (a, b, cc) = (input(&[N], 0.1), input(&[N], 0.2), input(&[N], 0.3));
    let m = input(&[N / 8, 8], 0.4);
    let sm = input(&[1024, 1024], 0.5);
    let mut g = c.benchmark_group("jit_1M_f64");
    g.throughput(Throughput::Bytes((N * 8) as u64));
    g.bench_function("triad_rust", |bench| {
        let (x, y) = (vec![1.5f64; N], vec![2.5f64; N]);
        let mut z = vec![0f64; N];
        bench.iter(|| {
            for ((z, x), y) in z.iter_mut().zip(&x).zip(&y) {
                *z = x + 3.0 * y;
            }
            black_box(&z);
        })
    });
    for mode in [nf::Mode::Lazy, nf::Mode::Eager] {
        let tag = format!("{mode:?}").to_lowercase();
        g.bench_function(format!("sum/{tag}"), |bench| {
            bench.iter(|| nf::with_mode(mode, || black_box(a.sum(None).eval())))
        });
        g.bench_function(format!("chain/{tag}"), |bench| {
            bench.iter(|| {
                nf::with_mode(mode, || {
                    black_box((&a * 2.0 + &b * &b * 3.0 - &cc / 4.0).eval())
                })
            })
        });
        g.bench_function(format!("sigmoid/{tag}"), |bench| {
            bench.iter(|| nf::with_mode(mode, || black_box((1.0 / (1.0 + (-&a).exp())).eval())))
        });
        g.bench_function(format!("zscore/{tag}"), |bench| {
            bench.iter(|| {
                nf::with_mode(mode, || {
                    black_box(
                        ((&m - m.mean(nf::axis(0).keepdims(true)))
                            / m.std(nf::axis(0).keepdims(true)))
                        .eval(),
                    )
                })
            })
        });
        g.bench_function(format!("softmax/{tag}"), |bench| {
            bench.iter(|| {
                nf::with_mode(mode, || {
                    let e = (&sm - sm.max(nf::axis(-1).keepdims(true))).exp();
                    black_box((&e / e.sum(nf::axis(-1).keepdims(true))).eval())
                })
            })
        });
    }
    g.finish();
    // overhead of re-evaluating a cached 10-op graph on a tiny input
    nf::set_jit_threshold(0);
    let tiny = input(&[64], 0.6);
    c.bench_function("cached_10op_eval_overhead", |bench| {
        bench.iter(|| black_box(ten_ops(&tiny).eval()))
    });
    nf::set_jit_threshold(1 << 15);
}

criterion_group!(jit, workloads);
criterion_main!(jit);
