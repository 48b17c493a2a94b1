//! The public entry point: [`optimize`] loads a graph into an e-graph, saturates it with the
//! enabled rule families under a budget, extracts the cheapest equivalent graph with DAG costs
//! and returns it with an [`OptReport`]. When extraction finds nothing cheaper (or anything
//! unexpected happens) the input graph is returned unchanged, so the optimizer can only remove
//! work.
//!
//! The default configuration comes from `NUMFUSE_OPT`: `strict` (default; bitwise-equal
//! results, except one-pass variances, [`crate::moments`], which are as accurate as the
//! two-pass formula but round differently), `fast` (reassociation, distribution, reordered
//! reductions) or `off`.
//!
//! ```
//! use numfuse_ir::{BinaryOp, DType, Graph, Op, Scalar, Shape};
//! use numfuse_optimizer::{optimize, OptConfig};
//! let mut g = Graph::new();
//! let x = g.input(Shape::from([1000]), DType::Float64);
//! let one = g.add(Op::Const { value: Scalar::float(1.0), dtype: DType::Float64 }, &[]).unwrap();
//! let ones = g.add(Op::Broadcast(Shape::from([1000])), &[one]).unwrap();
//! let y = g.add(Op::Binary(BinaryOp::Mul), &[x, ones]).unwrap();
//! g.mark_output(y);
//! let (opt, report) = optimize(&g, &OptConfig::strict());
//! assert_eq!(opt.len(), 1); // x * 1 → x
//! assert!(report.to_string().contains("identity×1"));
//! ```

use crate::egraph::convert::{canonical_origins, load, rebuild};
use crate::egraph::extract::{dag_cost, dag_extract, graph_cost};
use crate::egraph::rules::{all_rules, Family, Mode};
use crate::egraph::runner::{saturate, select, Budget, SaturationReport};
use numfuse_ir::Graph;
use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What the optimizer does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptMode {
    /// Return the graph unchanged.
    Disabled,
    /// Rewrites that keep NumPy's results bit for bit.
    Strict,
    /// Also rewrites that change float rounding (reassociation, distribution, scaled sums).
    Fast,
}

impl OptMode {
    /// Parses `off`/`disabled`/`none`, `strict`, `fast` (case-insensitive).
    pub fn parse(s: &str) -> Option<OptMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "disabled" | "none" | "0" => Some(OptMode::Disabled),
            "strict" | "on" | "1" => Some(OptMode::Strict),
            "fast" => Some(OptMode::Fast),
            _ => None,
        }
    }
}

/// Optimizer settings.
#[derive(Clone, Debug, PartialEq)]
pub struct OptConfig {
    /// Strict, fast or disabled.
    pub mode: OptMode,
    /// Limits of the saturation run.
    pub budget: Budget,
    /// Enabled rule families.
    pub families: Vec<Family>,
}

impl OptConfig {
    /// Strict mode, default budget, every family.
    pub fn strict() -> OptConfig {
        OptConfig {
            mode: OptMode::Strict,
            budget: Budget::default(),
            families: Family::ALL.to_vec(),
        }
    }
    /// Fast mode, default budget, every family.
    pub fn fast() -> OptConfig {
        OptConfig {
            mode: OptMode::Fast,
            ..OptConfig::strict()
        }
    }
    /// Returns graphs unchanged.
    pub fn disabled() -> OptConfig {
        OptConfig {
            mode: OptMode::Disabled,
            ..OptConfig::strict()
        }
    }
    /// The process default: `NUMFUSE_OPT` (`strict`, `fast`, `off`), else strict. Read once.
    pub fn from_env() -> OptConfig {
        static MODE: OnceLock<OptMode> = OnceLock::new();
        let mode = *MODE.get_or_init(|| {
            std::env::var("NUMFUSE_OPT")
                .ok()
                .and_then(|v| OptMode::parse(&v))
                .unwrap_or(OptMode::Strict)
        });
        OptConfig {
            mode,
            ..OptConfig::strict()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse() {
        assert_eq!(OptMode::parse(" Fast "), Some(OptMode::Fast));
        assert_eq!(OptMode::parse("off"), Some(OptMode::Disabled));
        assert_eq!(OptMode::parse("strict"), Some(OptMode::Strict));
        assert_eq!(OptMode::parse("quick"), None);
    }
}

impl Default for OptConfig {
    fn default() -> OptConfig {
        OptConfig::strict()
    }
}

/// What [`optimize`] did, as data (`Display` prints it for `explain`).
#[derive(Clone, Debug, PartialEq)]
pub struct OptReport {
    /// The mode used.
    pub mode: OptMode,
    /// The saturation run (none when disabled).
    pub saturation: Option<SaturationReport>,
    /// Graph nodes before and after.
    pub nodes: (usize, usize),
    /// Extraction cost (1 + elements × op weight per node) before and after.
    pub cost: (f64, f64),
    /// True when the input graph was kept (nothing cheaper found, or disabled).
    pub kept_input: bool,
    /// Set when the optimizer hit an internal problem and fell back to the input graph.
    pub fallback: Option<String>,
    /// Time to load the graph into the e-graph.
    pub load_time: Duration,
    /// Time of the DAG extraction.
    pub extract_time: Duration,
    /// Time outside saturation: loading, costing, extraction, rebuilding the graph.
    pub other_time: Duration,
    /// Total time.
    pub time: Duration,
    /// One line per matmul whose elementwise consumers were fused into its output pass.
    pub epilogues: Vec<String>,
    /// One line per variance whose two sums were fused into one pass ([`crate::moments`]).
    pub moments: Vec<String>,
}

impl fmt::Display for OptReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "optimizer: {:?}, {} → {} nodes, cost {:.0} → {:.0}{}, {:.3} ms (outside saturation \
             {:.3} ms: load {:.3}, extract {:.3})",
            self.mode,
            self.nodes.0,
            self.nodes.1,
            self.cost.0,
            self.cost.1,
            if self.kept_input { " (input kept)" } else { "" },
            self.time.as_secs_f64() * 1e3,
            self.other_time.as_secs_f64() * 1e3,
            self.load_time.as_secs_f64() * 1e3,
            self.extract_time.as_secs_f64() * 1e3
        )?;
        if let Some(fb) = &self.fallback {
            writeln!(f, "  fallback: {fb}")?;
        }
        for e in &self.epilogues {
            writeln!(f, "  matmul epilogue: {e}")?;
        }
        for m in &self.moments {
            writeln!(f, "  moments: {m}")?;
        }
        if let Some(s) = &self.saturation {
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// Optimizes `g` (see the module docs). The result computes the same outputs, in the same
/// order, from the same inputs; in strict mode bit for bit, except the centred sums of
/// fused variances ([`crate::moments`]).
pub fn optimize(g: &Graph, cfg: &OptConfig) -> (Graph, OptReport) {
    let start = Instant::now();
    let mut report = OptReport {
        mode: cfg.mode,
        saturation: None,
        nodes: (g.len(), g.len()),
        cost: (0.0, 0.0),
        kept_input: true,
        fallback: None,
        load_time: Duration::ZERO,
        extract_time: Duration::ZERO,
        other_time: Duration::ZERO,
        time: Duration::ZERO,
        epilogues: Vec::new(),
        moments: Vec::new(),
    };
    let mode = match cfg.mode {
        OptMode::Disabled => {
            report.time = start.elapsed();
            return (g.clone(), report);
        }
        OptMode::Strict => Mode::Strict,
        OptMode::Fast => Mode::Fast,
    };
    let t0 = Instant::now();
    let mut loaded = load(g);
    report.load_time = t0.elapsed();
    let rules = select(all_rules(), mode, &cfg.families);
    let sat = saturate(&mut loaded.egraph, &rules, mode, cfg.budget);
    let eg = &loaded.egraph;
    let sat_time = sat.time;
    report.saturation = Some(sat);
    let before = Some(graph_cost(g));
    let t1 = Instant::now();
    let choice = dag_extract(eg);
    report.extract_time = t1.elapsed();
    let after = dag_cost(eg, &choice, &loaded.outputs);
    let result = match (before, after) {
        (Some(b), Some(a)) => {
            report.cost = (b, a);
            if a < b * (1.0 - 1e-12) {
                let origins = canonical_origins(eg, &loaded.origins);
                match rebuild(eg, &choice, &loaded.outputs, &origins, mode == Mode::Fast) {
                    Ok(out) => Some(out),
                    Err(e) => {
                        report.fallback = Some(e.to_string());
                        None
                    }
                }
            } else {
                report.cost.1 = b;
                None
            }
        }
        _ => {
            report.fallback = Some("extraction found no complete choice".into());
            None
        }
    };
    let out = match result {
        Some(out) => {
            debug_assert!(out.verify().is_ok(), "optimizer produced an invalid graph");
            report.kept_input = false;
            out
        }
        None => g.clone(),
    };
    let (out, epilogues) = crate::matmul_epilogue::fuse(out);
    if !epilogues.is_empty() {
        report.kept_input = false;
    }
    report.epilogues = epilogues;
    let (out, moments) = crate::moments::fuse(out);
    if !moments.is_empty() {
        report.kept_input = false;
    }
    report.moments = moments;
    report.nodes.1 = out.len();
    report.time = start.elapsed();
    report.other_time = report.time.saturating_sub(sat_time);
    (out, report)
}
