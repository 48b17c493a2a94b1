//! Times one seed workload repeatedly (for profilers and `NUMFUSE_EXPLAIN=1`):
//! `cargo run --release --example profile -- softmax 20` (workloads: softmax, zscore, sigmoid,
//! exp, imgnorm, colnorm (`(x − m) / s` on 1M×8 with (1,8) `m`, `s`), colmean and colstd
//! (z-score's statistics alone; colstdW on 8M elements in rows of W), flatnorm (the same on 8M
//! with scalars), tiny, pairwise, rowmax, rowsum, rowsumW (rows of W elements), sum, into; a
//! third argument `eager` or `interpret` picks the mode; `THREADS=1` runs on one thread; `LINE_OPS=0` runs line ops as compiled
//! kernels, for A/B runs).

use numfuse as nf;
use std::time::Instant;

mod common;
use common::data;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("softmax");
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    if std::env::var("LINE_OPS").as_deref() == Ok("0") {
        nf::set_line_ops(false);
    }
    if std::env::var("THREADS").as_deref() == Ok("1") {
        nf::set_max_threads(1);
    }
    let mode = match args.get(3).map(String::as_str) {
        Some("eager") => nf::Mode::Eager,
        Some("interpret") => nf::Mode::Interpret,
        _ => nf::Mode::Lazy,
    };
    if name == "tiny" {
        // the fixed cost of re-evaluating a cached 10-op graph on 64 elements
        nf::set_jit_threshold(0);
        let x = data(&[64], 0.1);
        let ten = |a: &nf::Array| ((a * 1.5 + 2.0) * a - 0.5).abs().sqrt() * 3.0 + a / 7.0 - 1.0;
        for _ in 0..reps.max(1) {
            let t = Instant::now();
            for _ in 0..1000 {
                std::hint::black_box(ten(&x).eval());
            }
            println!("tiny: {:.2} µs per eval", t.elapsed().as_secs_f64() * 1e3);
        }
        return;
    }
    if name == "pairwise" {
        let a = data(&[2000, 3], 0.7);
        let b = data(&[2000, 3], 0.8);
        for _ in 0..reps {
            let t = Instant::now();
            let y = nf::with_mode(mode, || {
                let d =
                    a.slice(numfuse::s![.., newaxis, ..]) - b.slice(numfuse::s![newaxis, .., ..]);
                (&d * &d).sum(-1).sqrt().eval()
            });
            std::hint::black_box(&y);
            println!("pairwise: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
        }
        return;
    }
    if name == "imgnorm" {
        let f32s = |a: nf::Array| nf::Array::from_ndarray(&a.astype(nf::float32).eval());
        let img = f32s(data(&[32, 3, 224, 224], 0.9));
        let mean = f32s(data(&[1, 3, 1, 1], 0.1));
        let std = f32s(data(&[1, 3, 1, 1], 0.2).abs() + 0.5);
        for _ in 0..reps {
            let t = Instant::now();
            let y = nf::with_mode(mode, || ((&img - &mean) / &std).eval());
            std::hint::black_box(&y);
            println!(
                "imgnorm: {:.2} ms, {} page faults so far",
                t.elapsed().as_secs_f64() * 1e3,
                minor_faults()
            );
        }
        return;
    }
    if name == "into" {
        // `out=`: the chain 2a + 3b² − c/4 on 10M f64 with eval + copy against eval_into
        let (a, b, c) = (
            data(&[10_000_000], 0.1),
            data(&[10_000_000], 0.2),
            data(&[10_000_000], 0.3),
        );
        let chain = || &a * 2.0 + &b * &b * 3.0 - &c / 4.0;
        let out = nf::NdArray::zeros([10_000_000], nf::float64);
        for _ in 0..reps {
            let t = Instant::now();
            out.assign(&chain().eval()).unwrap();
            let copy = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            chain().eval_into(&out);
            let direct = t.elapsed().as_secs_f64() * 1e3;
            println!("into: eval + copy {copy:.2} ms, eval_into {direct:.2} ms");
        }
        return;
    }
    let x = match name {
        "softmax" | "rowmax" | "rowsum" => data(&[4096, 1024], 0.6),
        "zscore" | "colnorm" | "colmean" | "colstd" => data(&[1_000_000, 8], 0.5),
        "flatnorm" => data(&[8_000_000], 0.5),
        w if w.starts_with("rowsum") && w.len() > 6 => {
            // rowsumW: row sums of a (1000000, W) matrix (short rows)
            data(
                &[1_000_000, w[6..].parse().expect("rowsumW: W a number")],
                0.5,
            )
        }
        w if w.starts_with("colstd") && w.len() > 6 => {
            // colstdW: column deviations of an (8000000 / W, W) matrix (the wide-row tiles)
            let width: usize = w[6..].parse().expect("colstdW: W a number");
            data(&[8_000_000 / width, width], 0.5)
        }
        _ => data(&[10_000_000], 0.4),
    };
    let f = |x: &nf::Array| match name {
        "softmax" => {
            let e = (x - x.max(nf::axis(-1).keepdims(true))).exp();
            &e / e.sum(nf::axis(-1).keepdims(true))
        }
        "zscore" => (x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true)),
        "sigmoid" => 1.0 / (1.0 + (-x).exp()),
        "colnorm" => (x - data(&[1, 8], 0.1)) / (data(&[1, 8], 0.2).abs() + 0.5),
        "flatnorm" => (x - 0.1) / 1.7,
        "colmean" => x.mean(nf::axis(0).keepdims(true)),
        w if w.starts_with("colstd") => x.std(nf::axis(0).keepdims(true)),
        "exp" => x.exp(),
        "rowmax" => x.max(-1),
        w if w.starts_with("rowsum") => x.sum(-1),
        _ => x.sum(None),
    };
    for _ in 0..reps {
        let t = Instant::now();
        let y = nf::with_mode(mode, || f(&x).eval());
        std::hint::black_box(&y);
        println!("{name}: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    }
}

/// Minor page faults of this process so far (Linux; 0 elsewhere).
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1.to_string();
            after.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}
