//! The main job: builds seed workloads (z-score normalisation, softmax, pairwise distances, a
//! fused elementwise chain, a big sum), prints their graphs and results, and times them in each
//! evaluation mode. Run with `cargo run --release --example tour`.

use numfuse as nf;
use numfuse::s;
use std::time::Instant;

/// Deterministic pseudo-data in [-1, 1): `sin(i * 0.37 + phase)`.
fn data(shape: &[usize], phase: f64) -> nf::Array {
    let n: usize = shape.iter().product();
    let x = nf::arange(n).astype(nf::float64) * 0.37 + phase;
    x.sin().reshape(shape.to_vec())
}

fn zscore(x: &nf::Array) -> nf::Array {
    let mu = x.mean(nf::axis(0).keepdims(true));
    let sd = x.std(nf::axis(0).keepdims(true));
    (x - mu) / sd
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

type Workload = (&'static str, Box<dyn Fn() -> nf::Array>);

fn workloads(big: bool) -> Vec<Workload> {
    let k = if big { 1 } else { 0 };
    let (zs, sm, pw, ch) = if big {
        ([200_000, 8], [1024, 1024], [1000, 3], 2_000_000)
    } else {
        ([4, 3], [2, 4], [3, 2], 6)
    };
    let _ = k;
    vec![
        ("z-score", Box::new(move || zscore(&data(&zs, 0.1)))),
        ("softmax", Box::new(move || softmax(&data(&sm, 0.2)))),
        (
            "pairwise",
            Box::new(move || pairwise(&data(&pw, 0.3), &data(&pw, 0.4))),
        ),
        (
            "2a+3b²-c/4",
            Box::new(move || chain(&data(&[ch], 0.5), &data(&[ch], 0.6), &data(&[ch], 0.7))),
        ),
        ("sum", Box::new(move || data(&[ch], 0.8).sum(None))),
    ]
}

fn time_mode(mode: nf::Mode, f: &dyn Fn() -> nf::Array) -> f64 {
    nf::with_mode(mode, || {
        let t = Instant::now();
        let y = f();
        let _ = y.eval();
        t.elapsed().as_secs_f64() * 1e3
    })
}

fn main() {
    println!("numfuse tour — seed workloads, small inputs\n");
    for (name, f) in workloads(false) {
        let y = f();
        println!("── {name}: graph ──\n{}", y.ir());
        println!("result ({} {}):\n{y}\n", y.shape(), y.dtype());
    }
    println!("── timing (ms, larger inputs; the reference interpreter is the engine in every mode until the JIT lands) ──");
    println!(
        "{:<14} {:>10} {:>10} {:>10}",
        "workload", "lazy", "eager", "interpret"
    );
    for (name, f) in workloads(true) {
        let lazy = time_mode(nf::Mode::Lazy, &*f);
        let eager = time_mode(nf::Mode::Eager, &*f);
        let interp = time_mode(nf::Mode::Interpret, &*f);
        println!("{name:<14} {lazy:>10.1} {eager:>10.1} {interp:>10.1}");
    }
    let t = Instant::now();
    let x = nf::arange(10_000_000).astype(nf::float64);
    let y = ((&x * 0.5).sin() + 1.0).sum(None);
    let v = y.item_f64();
    println!("\ninterpreter, 10^7 elements: arange → astype → *0.5 → sin → +1 → sum = {v:.6} in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
}
