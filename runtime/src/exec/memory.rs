//! The executor's side of the memory plan (`numfuse_optimizer::memplan`): buffers are
//! released after their last reader, their memory is stashed and handed to the buffer the
//! plan assigns it to, and an elementwise kernel writes over a dying input in place when
//! the plan proved it safe. Whenever the memory cannot be taken back (something still
//! references it), a fresh buffer is used instead: the plan only ever saves memory.

use super::{Bound, Executor};
use crate::buffer::Bytes;
use crate::ndarray::NdArray;
use numfuse_ir::kernel::Role;
use numfuse_ir::{DType, NodeId};
use numfuse_optimizer::memplan::Placement;
use numfuse_optimizer::KernelStep;
use std::sync::Arc;

/// Where a kernel operand's pointer comes from.
pub(super) enum Source {
    /// A snapshot of an input buffer, plus a byte offset.
    Snapshot(Arc<Bytes>, usize),
    /// Output buffer number `n` of the kernel.
    Output(usize),
}

impl Executor<'_> {
    /// Releases the buffers whose last reader has run, keeping their memory for reuse.
    pub(super) fn release(&mut self, dead: &[NodeId]) {
        for &x in dead {
            if let Some(v) = self.values[x.index()].take() {
                if let Ok(bytes) = v.try_into_bytes() {
                    self.stash[x.index()] = Some(bytes);
                }
            }
        }
    }

    /// Memory for the buffer of `x`: the dead buffer the plan assigns, else fresh.
    pub(super) fn output_buffer(&mut self, x: NodeId, dtype: DType, len: usize) -> Bytes {
        if let Some(Placement::Reuse(from)) = self.plan.placement(x) {
            if let Some(b) = self.stash[from.index()].take() {
                if b.dtype() == dtype && b.len() == len {
                    self.reused += 1;
                    return b;
                }
            }
        }
        Bytes::for_overwrite(dtype, len)
    }

    /// Makes output `slot` of `k` the buffer of input `src` (read only at the index written),
    /// redirecting the operands that read `src` to it. Falls back to a fresh buffer when the
    /// memory is still referenced elsewhere.
    pub(super) fn take_in_place(
        &mut self,
        k: &KernelStep,
        slot: usize,
        src: NodeId,
        bound: &mut [Bound],
        sources: &mut [Source],
        outs: &mut [(NodeId, Bytes)],
    ) {
        let mut next_input = 0;
        let mut readers = Vec::new();
        for (o, op) in k.kernel.operands.iter().enumerate() {
            if op.role == Role::Input {
                if k.inputs[next_input].source == src {
                    readers.push(o);
                }
                next_input += 1;
            }
        }
        let node = self.g.node(outs[slot].0);
        let (dtype, len) = (node.dtype, node.shape.size());
        let addr = match readers.first().map(|&o| &sources[o]) {
            Some(Source::Snapshot(data, off)) => data.as_ptr().wrapping_add(*off),
            _ => std::ptr::null(),
        };
        let value = if addr.is_null() {
            None
        } else {
            self.values[src.index()].take()
        };
        let Some(value) = value else {
            outs[slot].1 = Bytes::for_overwrite(dtype, len);
            return;
        };
        // drop this kernel's references, then try to own the memory
        for &o in &readers {
            bound[o].view = None;
            sources[o] = Source::Output(slot);
        }
        let arr = match value.try_into_bytes() {
            Ok(b) if b.as_ptr() == addr && b.dtype() == dtype && b.len() == len => {
                self.in_place += 1;
                outs[slot].1 = b;
                return;
            }
            Ok(b) => NdArray::from_bytes(b, self.g.node(src).shape.clone()),
            Err(arr) => arr,
        };
        // still referenced elsewhere: read the input as before, write a fresh buffer
        let data = arr.data();
        let off = (addr as usize).wrapping_sub(data.as_ptr() as usize);
        for &o in &readers {
            sources[o] = Source::Snapshot(data.clone(), off);
        }
        self.values[src.index()] = Some(arr);
        outs[slot].1 = Bytes::for_overwrite(dtype, len);
    }
}
