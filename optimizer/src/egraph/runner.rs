//! The saturation loop with budgets, and its report.
//!
//! Each iteration searches every enabled rule over every e-node (read-only), then applies the
//! proposals (type-checked, added, unioned) and rebuilds. The run stops when nothing changes
//! (saturated) or a budget is hit: the node limit is checked after *every* application (egg's
//! runner only checks between iterations and can overshoot several-fold), the time limit after
//! every rule's search and every 64 applications, the iteration limit per iteration.

use super::analysis::{node_type, NfEGraph};
use super::lang::ENode;
use super::rules::{Build, Ctx, Family, Mode, Rule, Soundness};
use egg::Id;
use std::fmt;
use std::time::{Duration, Instant};

/// Limits of one saturation run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    /// Stop once the e-graph holds more e-nodes than this.
    pub node_limit: usize,
    /// Stop after this many iterations.
    pub iter_limit: usize,
    /// Stop once this much time has passed.
    pub time_limit: Duration,
}

impl Default for Budget {
    /// 20 000 e-nodes, 12 iterations, 50 ms.
    fn default() -> Budget {
        Budget {
            node_limit: 20_000,
            iter_limit: 12,
            time_limit: Duration::from_millis(50),
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// No rule changed the e-graph: every equivalence the rules know was found.
    Saturated,
    /// The node limit was reached.
    NodeLimit,
    /// The iteration limit was reached.
    IterLimit,
    /// The time limit was reached.
    TimeLimit,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::Saturated => "saturated",
            StopReason::NodeLimit => "node limit",
            StopReason::IterLimit => "iteration limit",
            StopReason::TimeLimit => "time limit",
        })
    }
}

/// How often one rule fired (its proposals changed the e-graph).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleStat {
    /// Rule name.
    pub name: &'static str,
    /// Its family.
    pub family: Family,
    /// Unions that merged two different classes.
    pub fired: usize,
}

/// What a saturation run did, as data.
#[derive(Clone, Debug, PartialEq)]
pub struct SaturationReport {
    /// Why it stopped.
    pub stop: StopReason,
    /// Iterations run.
    pub iterations: usize,
    /// E-nodes before and after.
    pub enodes: (usize, usize),
    /// E-classes after.
    pub eclasses: usize,
    /// Every enabled rule with its count.
    pub rules: Vec<RuleStat>,
    /// Search + apply time per family.
    pub family_time: Vec<(Family, Duration)>,
    /// Wall time of the whole run (including rebuilds).
    pub time: Duration,
}

impl SaturationReport {
    /// The deterministic part of the report (no timings): stop reason, iterations, e-nodes,
    /// e-classes and the rules that fired — for snapshots.
    pub fn summary(&self) -> String {
        let fired: Vec<String> = self
            .rules
            .iter()
            .filter(|r| r.fired > 0)
            .map(|r| format!("{}×{}", r.name, r.fired))
            .collect();
        format!(
            "stop: {} after {} iteration(s), {} → {} e-nodes, {} e-classes; fired: {}",
            self.stop,
            self.iterations,
            self.enodes.0,
            self.enodes.1,
            self.eclasses,
            if fired.is_empty() {
                "none".into()
            } else {
                fired.join(" ")
            }
        )
    }
}

impl fmt::Display for SaturationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "stop: {} after {} iteration(s), {} → {} e-nodes, {} e-classes, {:.3} ms",
            self.stop,
            self.iterations,
            self.enodes.0,
            self.enodes.1,
            self.eclasses,
            self.time.as_secs_f64() * 1e3
        )?;
        for (fam, t) in &self.family_time {
            let fired: Vec<String> = self
                .rules
                .iter()
                .filter(|r| r.family == *fam && r.fired > 0)
                .map(|r| format!("{}×{}", r.name, r.fired))
                .collect();
            let on: Vec<&str> = self
                .rules
                .iter()
                .filter(|r| r.family == *fam)
                .map(|r| r.name)
                .collect();
            writeln!(
                f,
                "  {fam}: {:.3} ms, rules on: {}; fired: {}",
                t.as_secs_f64() * 1e3,
                on.join(" "),
                if fired.is_empty() {
                    "none".into()
                } else {
                    fired.join(" ")
                }
            )?;
        }
        Ok(())
    }
}

/// The rules of `families` that are sound in `mode`.
pub fn select(rules: Vec<Rule>, mode: Mode, families: &[Family]) -> Vec<Rule> {
    rules
        .into_iter()
        .filter(|r| families.contains(&r.family))
        .filter(|r| mode == Mode::Fast || r.soundness != Soundness::Fast)
        .collect()
}

fn add_build(eg: &mut NfEGraph, b: &Build) -> Option<Id> {
    match b {
        Build::Class(id) => Some(*id),
        Build::Node(op, kids) => {
            let ids: Option<Vec<Id>> = kids.iter().map(|k| add_build(eg, k)).collect();
            let node = ENode::new(op.clone(), &ids?);
            // a node already present was typed when it was added (most proposals of later
            // iterations repeat earlier ones)
            if let Some(id) = eg.lookup(node.clone()) {
                return Some(id);
            }
            node_type(eg, &node).ok()?;
            Some(eg.add(node))
        }
    }
}

fn charge(fam: Family, d: Duration, ft: &mut [(Family, Duration)]) {
    if let Some(e) = ft.iter_mut().find(|(f, _)| *f == fam) {
        e.1 += d;
    }
}

/// Runs `rules` on `eg` in `mode` within `budget`.
pub fn saturate(eg: &mut NfEGraph, rules: &[Rule], mode: Mode, budget: Budget) -> SaturationReport {
    let start = Instant::now();
    let before = eg.total_number_of_nodes();
    let mut fired = vec![0usize; rules.len()];
    let mut fam_time: Vec<(Family, Duration)> = Vec::new();
    for r in rules {
        if !fam_time.iter().any(|(f, _)| *f == r.family) {
            fam_time.push((r.family, Duration::ZERO));
        }
    }
    let mut stop = StopReason::IterLimit;
    let mut iterations = 0;
    'outer: for _ in 0..budget.iter_limit {
        iterations += 1;
        let mut matches: Vec<(usize, Id, Build)> = Vec::new();
        {
            let ctx = Ctx { eg, mode };
            let mut buf = Vec::new();
            // a fixed order (by class id) keeps runs deterministic
            let mut classes: Vec<&egg::EClass<ENode, _>> = ctx.eg.classes().collect();
            classes.sort_unstable_by_key(|c| c.id);
            for (ri, rule) in rules.iter().enumerate() {
                let t = Instant::now();
                for class in &classes {
                    for n in class.nodes.iter() {
                        (rule.search)(&ctx, class.id, n, &mut buf);
                        matches.extend(buf.drain(..).map(|b| (ri, class.id, b)));
                    }
                }
                charge(rule.family, t.elapsed(), &mut fam_time);
                if start.elapsed() > budget.time_limit {
                    stop = StopReason::TimeLimit;
                    break 'outer;
                }
            }
        }
        let mut changed = false;
        for (k, (ri, class, b)) in matches.into_iter().enumerate() {
            let t = Instant::now();
            // `total_size` (the hash-cons table) is O(1); `total_number_of_nodes` walks every
            // class, which made each application O(classes)
            let size = eg.total_size();
            if let Some(new) = add_build(eg, &b) {
                if eg.union(class, new) {
                    fired[ri] += 1;
                    changed = true;
                }
            }
            changed |= eg.total_size() != size;
            charge(rules[ri].family, t.elapsed(), &mut fam_time);
            if eg.total_size() > budget.node_limit {
                stop = StopReason::NodeLimit;
                break 'outer;
            }
            if k % 64 == 63 && start.elapsed() > budget.time_limit {
                stop = StopReason::TimeLimit;
                break 'outer;
            }
        }
        eg.rebuild();
        if !changed {
            stop = StopReason::Saturated;
            break;
        }
    }
    eg.rebuild();
    SaturationReport {
        stop,
        iterations,
        enodes: (before, eg.total_number_of_nodes()),
        eclasses: eg.number_of_classes(),
        rules: rules
            .iter()
            .zip(fired)
            .map(|(r, fired)| RuleStat {
                name: r.name,
                family: r.family,
                fired,
            })
            .collect(),
        family_time: fam_time,
        time: start.elapsed(),
    }
}
