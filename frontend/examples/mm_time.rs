//! Times the GEMM micro-kernels on one and two threads (median of 15 runs each): `matmul` of
//! two n×n float64 matrices (n = 1024 unless given) and the dense layer with ReLU
//! 256×1024·1024×1024 float32, in GFLOP/s, for tuning the block sizes of
//! `runtime/src/linalg/avx512/driver.rs`: `cargo run --release --example mm_time [n]`.

use numfuse as nf;
use std::time::Instant;

mod common;
use common::data;

fn median_ms(f: &dyn Fn()) -> f64 {
    f();
    let mut ts: Vec<f64> = (0..15)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ts.sort_by(f64::total_cmp);
    ts[ts.len() / 2]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let a = nf::Array::from_ndarray(&data(&[n, n], 0.1).eval());
    let b = nf::Array::from_ndarray(&data(&[n, n], 0.2).eval());
    let flops = 2.0 * (n * n * n) as f64;
    let x = nf::Array::from_ndarray(&data(&[256, 1024], 0.1).astype(nf::float32).eval());
    let w = nf::Array::from_ndarray(&data(&[1024, 1024], 0.2).astype(nf::float32).eval());
    let dense_flops = 2.0 * (256 * 1024 * 1024) as f64;
    for threads in [1, 2] {
        nf::set_max_threads(threads);
        let ms = median_ms(&|| {
            std::hint::black_box(a.matmul(&b).eval());
        });
        println!(
            "matmul {n} f64, {threads} thread(s): {ms:.2} ms, {:.1} GFLOP/s",
            flops / ms / 1e6
        );
        let ms = median_ms(&|| {
            std::hint::black_box(nf::maximum(x.matmul(&w), 0.0f32).eval());
        });
        let gf = dense_flops / ms / 1e6;
        println!("dense relu 256x1024x1024 f32, {threads} thread(s): {ms:.2} ms, {gf:.1} GFLOP/s");
    }
}
