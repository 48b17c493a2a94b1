//! Stable text and Graphviz DOT forms of a [`Graph`], used by IR dumps and snapshot tests.
//!
//! Text form, one node per line: `%3 = add(%1, %2) : (3,4) float64`, attributes after the
//! arguments (`%4 = reduce.add(%3) axes=(0) : (4,) float64`), outputs last.

use crate::graph::Graph;
use std::fmt::{self, Write};

impl fmt::Display for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f, false)
    }
}

impl Graph {
    fn write_text(&self, f: &mut dyn fmt::Write, origins: bool) -> fmt::Result {
        for (i, n) in self.nodes().iter().enumerate() {
            let args: Vec<String> = n.inputs.iter().map(|x| x.to_string()).collect();
            let (name, attrs) = n.op.parts();
            write!(f, "%{i} = {name}")?;
            if !args.is_empty() {
                write!(f, "({})", args.join(", "))?;
            }
            if !attrs.is_empty() {
                write!(f, " {attrs}")?;
            }
            write!(f, " : {} {}", n.shape, n.dtype)?;
            match n.origin {
                Some(o) if origins => writeln!(f, "    # {}:{}", o.file(), o.line())?,
                _ => writeln!(f)?,
            }
        }
        let outs: Vec<String> = self.outputs().iter().map(|x| x.to_string()).collect();
        writeln!(f, "return {}", outs.join(", "))
    }
}

impl Graph {
    /// The stable text form (same as `Display`).
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// The text form with each node tagged with the user's source line that created it
    /// (`    # src/main.rs:12`), for `explain`.
    pub fn to_text_with_origins(&self) -> String {
        let mut s = String::new();
        let _ = self.write_text(&mut s, true);
        s
    }

    /// Graphviz DOT: one box per node labelled with op, shape and dtype; outputs doubled.
    pub fn to_dot(&self) -> String {
        let mut s = String::from(
            "digraph numfuse {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n",
        );
        for (i, n) in self.nodes().iter().enumerate() {
            let label =
                format!("%{i} {}\\n{} {}", n.op.mnemonic(), n.shape, n.dtype).replace('"', "\\\"");
            let style = if self.outputs().iter().any(|o| o.index() == i) {
                ", peripheries=2"
            } else if n.op.is_leaf() {
                ", style=rounded"
            } else {
                ""
            };
            let _ = writeln!(s, "  n{i} [label=\"{label}\"{style}];");
            for x in &n.inputs {
                let _ = writeln!(s, "  n{} -> n{i};", x.0);
            }
        }
        s.push_str("}\n");
        s
    }
}
