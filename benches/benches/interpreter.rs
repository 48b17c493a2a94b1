//! Criterion benches of the reference interpreter on seed workloads (1M elements), with a
//! plain-Rust copy loop over the same bytes as the memory-bandwidth yardstick of the run.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use numfuse as nf;
use std::hint::black_box;

const N: usize = 1_000_000;

fn input(phase: f64) -> nf::Array {
    let v: Vec<f64> = (0..N).map(|i| (i as f64 * 0.37 + phase).sin()).collect();
    nf::Array::from_ndarray(&nf::NdArray::from_vec([N], v).unwrap())
}

fn benches(c: &mut Criterion) {
    let (a, b, cc) = (input(0.1), input(0.2), input(0.3));
    let mut g = c.benchmark_group("interpreter_1M_f64");
    g.throughput(Throughput::Bytes((N * 8) as u64));
    g.bench_function("copy_loop_baseline", |bench| {
        let src: Vec<f64> = (0..N).map(|i| i as f64).collect();
        let mut dst = vec![0.0; N];
        bench.iter(|| {
            dst.copy_from_slice(black_box(&src));
            black_box(&dst);
        })
    });
    g.bench_function("sum", |bench| bench.iter(|| black_box(a.sum(None).eval())));
    g.bench_function("chain_2a+3b2-c/4", |bench| {
        bench.iter(|| black_box((&a * 2.0 + &b * &b * 3.0 - &cc / 4.0).eval()))
    });
    g.bench_function("sigmoid", |bench| {
        bench.iter(|| black_box((1.0 / (1.0 + (-&a).exp())).eval()))
    });
    let x = a.reshape([N / 8, 8]);
    g.bench_function("zscore_125000x8", |bench| {
        bench.iter(|| {
            let z = (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true));
            black_box(z.eval())
        })
    });
    g.finish();
}

criterion_group!(interp, benches);
criterion_main!(interp);
