//! Failure reports: a shrunk failing case with its reproduction ([`Failure::report`]) and
//! the signature that groups failures by probable cause.

use numfuse as nf;
use numfuse::{DType, Mode, NdArray};
use std::fmt::Write as _;

use super::comparison::{FailKind, ModeFailure};
use super::inexact::reference_values;
use super::program::Case;
use super::replay::{build, guarded};
use super::values::fmt_value_short;

/// A failing case, shrunk, with everything needed to reproduce it.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The run's seed.
    pub seed: u64,
    /// The case index.
    pub index: u64,
    /// The shrunk program.
    pub case: Case,
    /// Steps before shrinking.
    pub original_steps: usize,
    /// The disagreements of the shrunk program.
    pub failures: Vec<ModeFailure>,
    /// Groups failures that are probably the same bug.
    pub signature: String,
}

pub(super) fn describe_input(k: usize, x: &NdArray) -> String {
    let layout = if x.is_c_contiguous() && x.offset() == 0 && !x.has_broadcast_axes() {
        "C-contiguous".to_string()
    } else {
        format!(
            "view: strides {:?} bytes, offset {} elements{}",
            x.strides(),
            x.offset(),
            if x.has_broadcast_axes() {
                ", broadcast (stride 0)"
            } else {
                ""
            }
        )
    };
    let vals = x.values();
    let shown: Vec<String> = vals.iter().take(96).map(|&v| fmt_value_short(v)).collect();
    let more = if vals.len() > 96 {
        format!(", ... ({} values)", vals.len())
    } else {
        String::new()
    };
    format!(
        "    input{k}: {} {} [{layout}]\n      values (C order): [{}{more}]\n",
        x.dtype(),
        x.shape(),
        shown.join(", ")
    )
}

fn schedule_text(case: &Case) -> String {
    let r = guarded(|| {
        nf::with_mode(Mode::Interpret, || {
            build(case).and_then(|a| a.try_explain())
        })
    });
    match r {
        Ok(Ok(s)) => {
            // the schedule and the kernels' loop IR, without the Cranelift IR
            let mut out = String::new();
            let mut in_clif = false;
            for line in s.lines() {
                if line.starts_with("function ") {
                    in_clif = true;
                }
                if !in_clif {
                    let _ = writeln!(out, "    {line}");
                }
                if in_clif && line.starts_with('}') {
                    in_clif = false;
                }
            }
            out
        }
        Ok(Err(e)) => format!("    <explain failed: {e}>\n"),
        Err(p) => format!("    <explain panicked: {p}>\n"),
    }
}

impl Failure {
    /// A reproduction: how to rerun, the program as Rust, the graph text, the inputs, what
    /// differed, and the JIT's schedule.
    pub fn report(&self) -> String {
        let mut s = String::new();
        let modes: Vec<String> = self
            .failures
            .iter()
            .map(|f| format!("{:?}/{:?}", f.mode, f.kind))
            .collect();
        let _ = writeln!(
            s,
            "seed {} case {} — {} (shrunk from {} to {} steps)",
            self.seed,
            self.index,
            modes.join(", "),
            self.original_steps,
            self.case.nodes.len()
        );
        let _ = writeln!(
            s,
            "  rerun: NUMFUSE_FUZZ_SEED={} NUMFUSE_FUZZ_CASE={} cargo test -p numfuse-tests --test fuzz_jit -- --nocapture",
            self.seed, self.index
        );
        let _ = writeln!(s, "  program (shrunk):\n{}", self.case.to_rust());
        let ir = guarded(|| nf::with_mode(Mode::Interpret, || build(&self.case).map(|a| a.ir())));
        let ir = match ir {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => format!("<error: {e}>"),
            Err(p) => format!("<panic: {p}>"),
        };
        let _ = writeln!(s, "  graph (x.ir()):");
        for line in ir.lines() {
            let _ = writeln!(s, "    {line}");
        }
        let _ = writeln!(s, "  inputs:");
        for (k, x) in self.case.inputs.iter().enumerate() {
            s.push_str(&describe_input(k, x));
        }
        for f in &self.failures {
            let _ = writeln!(s, "  {:?} — {:?}:", f.mode, f.kind);
            for line in f.detail.lines() {
                let _ = writeln!(s, "    {line}");
            }
        }
        let _ = writeln!(s, "  JIT schedule:");
        s.push_str(&schedule_text(&self.case));
        s
    }
}

pub(super) fn signature(case: &Case, failures: &[ModeFailure]) -> String {
    let mut modes: Vec<String> = failures
        .iter()
        .map(|f| format!("{:?}/{:?}", f.mode, f.kind))
        .collect();
    modes.sort();
    // panics are grouped by where they happen, whatever the program
    if let Some(p) = failures.iter().find(|f| f.kind == FailKind::Panic) {
        let at = p
            .detail
            .rsplit_once(" at ")
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| p.detail.clone());
        return format!("{} :: panic at {at}", modes.join(","));
    }
    // other failures by the failing (final) step of the shrunk program and its result kind
    let dts: Vec<Option<DType>> = reference_values(case)
        .iter()
        .map(|r| r.as_ref().map(|v| v.dtype()))
        .collect();
    let last = case.nodes.len() - 1;
    let spec = &case.nodes[last];
    let kinds = |xs: &[usize]| -> String {
        xs.iter()
            .map(|&a| dts[a].map(kind_letter).unwrap_or("?"))
            .collect()
    };
    format!(
        "{} :: {} -> {}",
        modes.join(","),
        spec.label(),
        kinds(&[last])
    )
}

fn kind_letter(d: DType) -> &'static str {
    match d {
        DType::Bool => "b",
        DType::Float16 => "h",
        d if d.is_signed_integer() => "i",
        d if d.is_integer() => "u",
        d if d.is_complex() => "c",
        _ => "f",
    }
}
