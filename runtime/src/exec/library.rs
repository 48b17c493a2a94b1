//! Library steps: ops the JIT does not compile, run by a runtime routine — the vectorized
//! `vmath` transcendentals (in place when the executor owns the argument) or the
//! interpreter's op — with their run time recorded for `explain`.

use super::Executor;
use crate::interp;
use crate::ndarray::NdArray;
use numfuse_ir::{NodeId, Op, Result};
use std::time::{Duration, Instant};

/// What happened to one library step during an evaluation (for `explain`).
#[derive(Clone, Debug)]
pub struct LibraryRun {
    /// The node computed.
    pub node: NodeId,
    /// The op's name.
    pub op: String,
    /// Wall time (for steps inside a row-blocked segment: summed over blocks, divided by
    /// the threads).
    pub run_time: Duration,
    /// Bytes read and written.
    pub bytes: usize,
    /// Whether it ran block by block inside a segment.
    pub blocked: bool,
}

impl Executor<'_> {
    /// Runs the library step computing `x`.
    pub(super) fn run_library(&mut self, x: NodeId, uses: &[u32]) -> Result<()> {
        let graph = self.g;
        let node = graph.node(x);
        let args: Vec<NdArray> = node
            .inputs
            .iter()
            .map(|&i| self.value(i))
            .collect::<Result<_>>()?;
        // the first argument may be overwritten when this step is its only reader and a
        // kernel of this schedule produced it (a private, contiguous buffer)
        let a0 = node.inputs.first().map(|i| i.index());
        let private = a0.is_some_and(|i| {
            uses[i] == 1
                && !matches!(graph.node(NodeId(i as u32)).op, Op::Input(_))
                && !graph.outputs().iter().any(|o| o.index() == i)
        });
        if private {
            self.values[a0.unwrap_or(0)] = None;
        }
        let refs: Vec<&NdArray> = args.iter().collect();
        let start = Instant::now();
        let v = match crate::libcall::vector_math(&node.op, &refs, private) {
            Some(v) => v,
            None => interp::eval_op(&node.op, &refs)?,
        };
        let bytes = refs.iter().map(|a| a.nbytes()).sum::<usize>() + v.nbytes();
        self.library_runs.push(LibraryRun {
            node: x,
            op: node.op.mnemonic(),
            run_time: start.elapsed(),
            bytes,
            blocked: false,
        });
        self.values[x.index()] = Some(v);
        Ok(())
    }
}
