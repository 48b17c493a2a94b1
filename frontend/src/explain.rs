//! `explain`: what numfuse does with an expression — the graph as written, the graph after the
//! e-graph optimizer with its saturation report (mode, rules on and fired, e-nodes, stop
//! reason, time per rule family), the schedule (kernels with
//! their fused ops and buffers, library steps, the reason for each materialized buffer), each
//! kernel's loop IR and Cranelift IR, compile time, run time and GB/s per kernel.
//!
//! The `NUMFUSE_EXPLAIN` environment variable prints the same while a program runs:
//! `1` = schedule and per-kernel timings, `2` = also kernel IR, `3` = also Cranelift IR.

use crate::array::Array;
use numfuse_ir::{Graph, Result};
use numfuse_optimizer::optimize;
use numfuse_runtime::exec::{self, ExecReport};
use numfuse_runtime::NdArray;
use std::fmt::Write;
use std::sync::OnceLock;

fn env_level() -> u8 {
    static LEVEL: OnceLock<u8> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        std::env::var("NUMFUSE_EXPLAIN")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    })
}

/// Evaluates with the JIT executor, printing a report when `NUMFUSE_EXPLAIN` is set.
pub(crate) fn eval_traced(g: &Graph, inputs: &[NdArray]) -> Result<Vec<NdArray>> {
    let level = env_level();
    if level == 0 {
        return exec::eval(g, inputs, None);
    }
    let mut report = ExecReport::default();
    let out = exec::eval(g, inputs, Some(&mut report))?;
    eprintln!("{}", render(g, &report, level));
    Ok(out)
}

/// [`eval_traced`] for `eval_into`: `None` when the result was stored into `dest`, else the
/// values to copy in (see `numfuse_runtime::exec::eval_into`).
pub(crate) fn eval_into_traced(
    g: &Graph,
    inputs: &[NdArray],
    dest: &NdArray,
) -> Result<Option<Vec<NdArray>>> {
    let level = env_level();
    if level == 0 {
        return exec::eval_into(g, inputs, dest, None);
    }
    let mut report = ExecReport::default();
    let out = exec::eval_into(g, inputs, dest, Some(&mut report))?;
    eprintln!("{}", render(g, &report, level));
    Ok(out)
}

/// Seconds and GB/s of moving `bytes` in `t`.
fn rate(bytes: usize, t: std::time::Duration) -> (f64, f64) {
    let secs = t.as_secs_f64();
    let gbs = if secs > 0.0 {
        bytes as f64 / secs / 1e9
    } else {
        0.0
    };
    (secs, gbs)
}

/// Renders a report at a detail level (1–3).
pub fn render(g: &Graph, report: &ExecReport, level: u8) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "== graph ==\n{g}");
    let Some(sched) = &report.schedule else {
        let _ = writeln!(
            s,
            "== interpreted (work below the JIT threshold of {} elements) ==",
            exec::jit_threshold()
        );
        return s;
    };
    let _ = writeln!(s, "== schedule ==\n{}", sched.to_text(g));
    for (i, run) in report.kernels.iter().enumerate() {
        let (secs, gbs) = rate(run.bytes, run.run_time);
        let _ = writeln!(
            s,
            "== kernel {i}: {} ops, {} | compile {:.0} µs | run {:.1} µs on {} thread(s){} | {:.2} GB/s ==",
            run.kernel.op_count(),
            if run.cache_hit { "cache hit" } else { "compiled" },
            run.compile_time.as_secs_f64() * 1e6,
            secs * 1e6,
            run.threads,
            grouped(run.rows_grouped),
            gbs
        );
        if let Some(aot) = &run.aot {
            let _ = writeln!(
                s,
                "runs ahead-of-time code instead of its Cranelift IR: {aot}"
            );
        }
        if level >= 2 {
            let _ = writeln!(s, "{}", run.kernel);
        }
        if level >= 3 && run.aot.is_none() {
            let _ = writeln!(s, "{}", run.clif);
        }
    }
    for run in &report.library {
        let (secs, gbs) = rate(run.bytes, run.run_time);
        let _ = writeln!(
            s,
            "== library {} -> {}{} | run {:.1} µs | {:.2} GB/s ==",
            run.op,
            run.node,
            if run.blocked {
                " (per block, in cache)"
            } else {
                ""
            },
            secs * 1e6,
            gbs
        );
    }
    if let Some(plan) = &report.memory {
        let _ = writeln!(
            s,
            "== memory plan: {} buffers reused, {} kernels in place ==\n{}",
            report.reused,
            report.in_place,
            plan.to_text(g)
        );
    }
    let (hits, misses) = numfuse_codegen::cache_stats();
    let _ = writeln!(s, "kernel cache: {hits} hits, {misses} misses");
    s
}

impl Array {
    /// Evaluates this array with the JIT and reports every stage: the graph as written, the
    /// optimized graph and the optimizer's report, the schedule, each kernel's loop IR and
    /// Cranelift IR, compile and run times and GB/s. Already-computed arrays report a
    /// one-node graph.
    pub fn try_explain(&self) -> Result<String> {
        let (raw, inputs) = crate::lower::lower_raw(std::slice::from_ref(self))?;
        let (g, opt) = optimize(&raw, &crate::mode::opt_config());
        let mut report = ExecReport::default();
        exec::eval(&g, &inputs, Some(&mut report))?;
        let mut s = String::new();
        let _ = writeln!(s, "== graph as written ==\n{}", raw.to_text_with_origins());
        let _ = writeln!(s, "== optimizer ==\n{opt}");
        let body = render(&g, &report, 3);
        if opt.kept_input {
            // the optimized graph is the graph as written: print the rest of the report only
            let rest = body
                .get(3..)
                .and_then(|b| b.find("\n== "))
                .map(|i| &body[i + 4..]);
            s.push_str("== optimized graph: unchanged ==\n");
            s.push_str(rest.unwrap_or(&body));
        } else {
            s.push_str(&body.replacen("== graph ==", "== optimized graph ==", 1));
        }
        Ok(s)
    }

    /// The schedule as Graphviz DOT: kernels as clusters of the nodes they compute, segments
    /// around their steps, materialized buffers in bold with their reason, buffers reused or
    /// written in place by the memory plan marked.
    pub fn try_explain_dot(&self) -> Result<String> {
        let (g, inputs) = crate::lower::lower(std::slice::from_ref(self))?;
        let mut report = ExecReport::default();
        exec::eval(&g, &inputs, Some(&mut report))?;
        Ok(match &report.schedule {
            Some(sched) => numfuse_optimizer::dot::schedule_dot(&g, sched, report.memory.as_ref()),
            None => g.to_dot(),
        })
    }

    /// [`try_explain_dot`](Self::try_explain_dot), panicking on errors.
    #[track_caller]
    pub fn explain_dot(&self) -> String {
        crate::array::ok(self.try_explain_dot())
    }

    /// [`try_explain`](Self::try_explain), panicking on errors.
    #[track_caller]
    pub fn explain(&self) -> String {
        crate::array::ok(self.try_explain())
    }
}

/// The note on short rows grouped into one loop run (`runtime/src/exec/widen.rs`).
fn grouped(k: usize) -> String {
    if k > 1 {
        format!(", rows grouped by {k}")
    } else {
        String::new()
    }
}
