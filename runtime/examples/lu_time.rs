//! Times the LU factorization and `solve` of a 1000 × 1000 float64 system (min and median of
//! 20 runs): `cargo run --release -p numfuse-runtime --example lu_time`.

use numfuse_runtime::linalg::lu::{solve, Lu};
use std::time::Instant;

fn main() {
    let n = 1000;
    let a: Vec<f64> = (0..n * n)
        .map(|i| {
            ((i * 7919 % 1000) as f64 / 500.0 - 1.0) + if i % (n + 1) == 0 { 4.0 } else { 0.0 }
        })
        .collect();
    let b: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let time = |f: &dyn Fn()| {
        let mut t: Vec<f64> = (0..20)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        t.sort_by(f64::total_cmp);
        (t[0], t[10])
    };
    let (fmin, fmed) = time(&|| {
        std::hint::black_box(Lu::factor(&a, n).unwrap());
    });
    let (smin, smed) = time(&|| {
        std::hint::black_box(solve(&a, &b, n, 1).unwrap());
    });
    println!("LU {n}: min {fmin:.2} ms, median {fmed:.2} ms; solve: min {smin:.2} ms, median {smed:.2} ms");
}
