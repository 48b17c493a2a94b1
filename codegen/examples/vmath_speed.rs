//! Times the vector-math routines on an in-cache tile and on a large buffer (one thread):
//! `cargo run --release -p numfuse-codegen --example vmath_speed`.

use numfuse_codegen::vmath::{self, UnaryFn};
use std::time::Instant;

fn time(f: UnaryFn, n: usize, reps: usize) -> f64 {
    let src: Vec<f64> = (0..n)
        .map(|i| ((i as f64) * 0.618).fract() * 4.0 - 2.0)
        .collect();
    let mut xs = src.clone();
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        // only the routine is timed: a copy of some sizes and address distances can take
        // glibc's slow `rep movsb` path on AMD Zen 3 and cost more than the routine
        let mut spent = 0.0;
        for _ in 0..reps {
            xs.copy_from_slice(&src);
            let t = Instant::now();
            vmath::unary_f64(f, &mut xs);
            spent += t.elapsed().as_secs_f64();
        }
        best = best.min(spent / (reps * n) as f64);
    }
    std::hint::black_box(&xs);
    best * 1e9
}

fn main() {
    println!("level {:?}", vmath::Level::current());
    for f in [UnaryFn::Exp, UnaryFn::Log, UnaryFn::Sin, UnaryFn::Tanh] {
        println!(
            "{:>6}: tile 1024 {:.3} ns/elem, 10M {:.3} ns/elem",
            f.name(),
            time(f, 1024, 2000),
            time(f, 10_000_000, 2)
        );
    }
}
