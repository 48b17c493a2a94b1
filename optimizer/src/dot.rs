//! Graphviz DOT of a schedule: every node of the graph, each kernel drawn as a cluster of the
//! nodes it computes (library steps as their own clusters, row-blocked segments as clusters
//! around their steps), materialized buffers in bold with the reason, and buffers placed by
//! the memory plan (reused or written in place) marked.

use crate::memplan::{MemoryPlan, Placement};
use crate::schedule::{Realize, Schedule, Step};
use crate::segment::step_outputs;
use numfuse_ir::{Graph, NodeId};
use std::fmt::Write;

fn node_line(g: &Graph, sched: &Schedule, plan: Option<&MemoryPlan>, x: NodeId) -> String {
    let n = g.node(x);
    let mut label = format!("{x} {}\\n{} {}", n.op.mnemonic(), n.shape, n.dtype);
    let mut style = String::new();
    if sched.realize[x.index()] == Realize::Buffer {
        if let Some(why) = sched.reasons[x.index()] {
            let _ = write!(label, "\\n[{why}]");
        }
        if sched.segments.iter().any(|seg| seg.local.contains(&x)) {
            label.push_str("\\n(block-local: never in memory)");
            style.push_str(", style=dashed");
        } else {
            style.push_str(", penwidth=2");
        }
    }
    match plan.and_then(|p| p.placement(x)) {
        Some(Placement::Reuse(from)) => {
            let _ = write!(label, "\\nreuses {from}");
            style.push_str(", color=blue");
        }
        Some(Placement::InPlace(over)) => {
            let _ = write!(label, "\\nin place over {over}");
            style.push_str(", color=darkgreen");
        }
        _ => {}
    }
    if g.outputs().contains(&x) {
        style.push_str(", peripheries=2");
    }
    format!(
        "    n{} [label=\"{}\"{style}];\n",
        x.0,
        label.replace('"', "\\\"")
    )
}

/// The schedule as Graphviz DOT (see the module doc).
pub fn schedule_dot(g: &Graph, sched: &Schedule, plan: Option<&MemoryPlan>) -> String {
    let mut s = String::from(
        "digraph schedule {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    let mut placed = vec![false; g.len()];
    for (i, step) in sched.steps.iter().enumerate() {
        if let Some(seg) = sched.segments.iter().find(|seg| seg.steps.start == i) {
            let _ = writeln!(
                s,
                "  subgraph cluster_seg{i} {{\n  label=\"segment: {} rows in blocks of {}\"; style=dashed;",
                seg.rows, seg.block_rows
            );
        }
        let (title, members): (String, Vec<NodeId>) = match step {
            Step::Kernel(k) => {
                let mut m = k.fused.clone();
                m.extend(step_outputs(step));
                (format!("kernel {i}"), m)
            }
            Step::Library(x) => (format!("library {i}"), vec![*x]),
        };
        let _ = writeln!(
            s,
            "  subgraph cluster_{i} {{\n    label=\"{title}\"; style=rounded;"
        );
        for x in members {
            if !std::mem::replace(&mut placed[x.index()], true) {
                s.push_str(&node_line(g, sched, plan, x));
            }
        }
        s.push_str("  }\n");
        if sched.segments.iter().any(|seg| seg.steps.end == i + 1) {
            s.push_str("  }\n");
        }
    }
    for (i, &done) in placed.iter().enumerate() {
        if !done {
            s.push_str(&node_line(g, sched, plan, NodeId(i as u32)));
        }
        for x in &g.node(NodeId(i as u32)).inputs {
            let _ = writeln!(s, "  n{} -> n{i};", x.0);
        }
    }
    s.push_str("}\n");
    s
}
