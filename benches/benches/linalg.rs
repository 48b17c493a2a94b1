//! Criterion benches of the library ops on the workloads (Lazy mode; each iteration
//! builds the expression and evaluates it): dense layer with ReLU, attention scores by einsum,
//! an einsum chain, rfft of 2²⁰ f64, solve 1000×1000, thin SVD 500×50 and matmul 1024² f64.
//! NumPy/JAX reference numbers are in issue 5 and the branch report. The `raw_matrixmultiply_*`
//! entries are the yardsticks (same machine load): float32/float64 products run numfuse's
//! AVX-512 GEMM by default; `NUMFUSE_GEMM=matrixmultiply` runs the same benches on the
//! fallback.

use criterion::{criterion_group, criterion_main, Criterion};
use numfuse as nf;
use std::hint::black_box;
use std::time::Duration;

fn input(shape: &[usize], phase: f64) -> nf::Array {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n)
        .map(|i| ((i as f64) * 0.618_033_988_75 + phase).fract() * 2.0 - 1.0)
        .collect();
    nf::Array::from_ndarray(&nf::NdArray::from_vec(shape.to_vec(), v).unwrap())
}

fn f32_input(shape: &[usize], phase: f64) -> nf::Array {
    nf::Array::from_ndarray(&input(shape, phase).astype(nf::float32).eval())
}

fn workloads(c: &mut Criterion) {
    let mut g = c.benchmark_group("linalg");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(500));
    let (x, w, b) = (
        f32_input(&[256, 1024], 0.1),
        f32_input(&[1024, 1024], 0.2),
        f32_input(&[1024], 0.3),
    );
    g.bench_function("dense_relu_256x1024x1024_f32", |bench| {
        bench.iter(|| black_box(nf::maximum(x.matmul(&w) + &b, 0.0f32).eval()))
    });
    let (q, k) = (
        f32_input(&[4, 8, 256, 64], 0.4),
        f32_input(&[4, 8, 256, 64], 0.5),
    );
    g.bench_function("attention_bhid_bhjd_4x8x256x64_f32", |bench| {
        bench.iter(|| black_box(nf::einsum("bhid,bhjd->bhij", &[q.clone(), k.clone()]).eval()))
    });
    let ops = [
        input(&[1000, 10], 0.6),
        input(&[10, 1000], 0.7),
        input(&[1000, 10], 0.8),
    ];
    g.bench_function("einsum_chain_ij_jk_kl", |bench| {
        bench.iter(|| black_box(nf::einsum("ij,jk,kl->il", &ops).eval()))
    });
    g.bench_function("multi_dot_chain_same_shapes", |bench| {
        bench.iter(|| black_box(nf::linalg::multi_dot(&ops).eval()))
    });
    let sig = input(&[1 << 20], 0.9);
    g.bench_function("rfft_2^20_f64", |bench| {
        bench.iter(|| black_box(nf::fft::rfft(&sig).eval()))
    });
    let a = input(&[1000, 1000], 1.0) + nf::eye(1000) * 10.0;
    let a = nf::Array::from_ndarray(&a.eval());
    let rhs = input(&[1000], 1.1);
    g.bench_function("solve_1000_f64", |bench| {
        bench.iter(|| black_box(nf::linalg::solve(&a, &rhs).eval()))
    });
    let m = input(&[500, 50], 1.2);
    g.bench_function("svd_thin_500x50_f64", |bench| {
        bench.iter(|| {
            let (u, s, vt) = nf::linalg::svd(&m, false);
            black_box(nf::eval_all(&[&u, &s, &vt]))
        })
    });
    let (ma, mb) = (input(&[1024, 1024], 1.3), input(&[1024, 1024], 1.4));
    g.bench_function("matmul_1024_f64", |bench| {
        bench.iter(|| black_box(ma.matmul(&mb).eval()))
    });
    // yardsticks: plain matrixmultiply on Vecs, in the same run (same machine load)
    let n = 1024;
    let (va, vb) = (vec![0.5f64; n * n], vec![0.25f64; n * n]);
    let mut vc = vec![0f64; n * n];
    g.bench_function("raw_matrixmultiply_dgemm_1024", |bench| {
        bench.iter(|| {
            // SAFETY: three n×n row-major buffers of exactly n*n elements each.
            unsafe {
                matrixmultiply::dgemm(
                    n,
                    n,
                    n,
                    1.0,
                    va.as_ptr(),
                    n as isize,
                    1,
                    vb.as_ptr(),
                    n as isize,
                    1,
                    0.0,
                    vc.as_mut_ptr(),
                    n as isize,
                    1,
                )
            };
            black_box(&vc);
        })
    });
    let (sa, sb) = (vec![0.5f32; 256 * n], vec![0.25f32; n * n]);
    let mut sc = vec![0f32; 256 * n];
    g.bench_function("raw_matrixmultiply_sgemm_256x1024x1024", |bench| {
        bench.iter(|| {
            // SAFETY: a 256×n, an n×n and a 256×n row-major buffer of exactly those sizes.
            unsafe {
                matrixmultiply::sgemm(
                    256,
                    n,
                    n,
                    1.0,
                    sa.as_ptr(),
                    n as isize,
                    1,
                    sb.as_ptr(),
                    n as isize,
                    1,
                    0.0,
                    sc.as_mut_ptr(),
                    n as isize,
                    1,
                )
            };
            black_box(&sc);
        })
    });
    // attention scores as numfuse's batch split runs them: 32 products 256x64 · (256x64)^T,
    // 16 per thread, B read through its transposed strides
    let (bt, m, d) = (32, 256, 64);
    let (qa, ka) = (vec![0.5f32; bt * m * d], vec![0.25f32; bt * m * d]);
    let mut ac = vec![0f32; bt * m * m];
    g.bench_function(
        "raw_matrixmultiply_sgemm_attention_32x256x64x256",
        |bench| {
            bench.iter(|| {
                std::thread::scope(|s| {
                    for (t, ct) in ac.chunks_mut(bt / 2 * m * m).enumerate() {
                        let (qa, ka) = (&qa, &ka);
                        s.spawn(move || {
                            for (j, cj) in ct.chunks_mut(m * m).enumerate() {
                                let o = (t * bt / 2 + j) * m * d;
                                // SAFETY: q and k items of m*d elements at offset o (o + m*d <=
                                // bt*m*d); k is read as its d×m transpose (rs 1, cs d); cj holds
                                // m*m elements.
                                unsafe {
                                    matrixmultiply::sgemm(
                                        m,
                                        d,
                                        m,
                                        1.0,
                                        qa[o..].as_ptr(),
                                        d as isize,
                                        1,
                                        ka[o..].as_ptr(),
                                        1,
                                        d as isize,
                                        0.0,
                                        cj.as_mut_ptr(),
                                        m as isize,
                                        1,
                                    )
                                };
                            }
                        });
                    }
                });
                black_box(&ac);
            })
        },
    );
    g.finish();
}

criterion_group!(benches, workloads);
criterion_main!(benches);
