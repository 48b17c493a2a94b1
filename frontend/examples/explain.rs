//! Prints `explain` for a seed workload: `cargo run --release --example explain -- softmax`
//! (also `zscore`, `pairwise`, `sigmoid`, `chain`; `--full` keeps the kernel and Cranelift IR,
//! `--dot` prints the schedule as Graphviz DOT instead).

use numfuse as nf;
use numfuse::s;

mod common;
use common::data;

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "softmax".into());
    let y = match name.as_str() {
        "zscore" => {
            let x = data(&[100_000, 8], 0.5);
            (&x - x.mean(nf::axis(0).keepdims(true))) / x.std(nf::axis(0).keepdims(true))
        }
        "pairwise" => {
            let (a, b) = (data(&[2000, 3], 0.7), data(&[2000, 3], 0.8));
            let d = a.slice(s![.., newaxis, ..]) - b.slice(s![newaxis, .., ..]);
            (&d * &d).sum(-1).sqrt()
        }
        "sigmoid" => {
            let x = data(&[1_000_000], 0.4);
            1.0 / (1.0 + (-&x).exp())
        }
        "chain" => {
            let (a, b, c) = (
                data(&[1_000_000], 0.1),
                data(&[1_000_000], 0.2),
                data(&[1_000_000], 0.3),
            );
            &a * 2.0 + &b * &b * 3.0 - &c / 4.0
        }
        _ => {
            let x = data(&[4096, 1024], 0.6);
            let e = (&x - x.max(nf::axis(-1).keepdims(true))).exp();
            &e / e.sum(nf::axis(-1).keepdims(true))
        }
    };
    // levels of detail: the report includes kernel IR and Cranelift IR; print the summary lines
    if std::env::args().any(|a| a == "--dot") {
        print!("{}", y.explain_dot());
        return;
    }
    let report = y.explain();
    let full = std::env::args().any(|a| a == "--full");
    for line in report.lines() {
        let ir_line =
            line.starts_with("    ") || line.starts_with("  v") || line.starts_with("  p");
        if full || !ir_line {
            println!("{line}");
        }
    }
}
