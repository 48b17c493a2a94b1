//! Reductions with the reduced dimensions as the *outer* loops (`Kernel::outer_reduce`): used
//! when the kept dimensions vary fastest in memory, e.g. `x.sum(axis=0)` of a C-ordered
//! matrix. The accumulator lives in the output buffer: an init pass stores the identity, the
//! accumulate pass walks the outer kept dimensions, then the reduced ones, then the innermost
//! kept one (consecutive memory, independent accumulators; the last two in blocks with
//! register accumulators, [`crate::outer_blocked`]), and the epilogue pass applies the `post`
//! phase in place. All three run in vectors along the innermost kept dimension where the
//! output is contiguous (strided inputs gathered lane by lane), scalars otherwise.
//! Summation order per output element is sequential, exactly NumPy's order for such axes
//! (the executor may run the kernel on chunks of rows and fold the chunk results in order,
//! `runtime/src/exec/split.rs`).

use crate::emit::clif_type;
use crate::lower::Lower;
use crate::vemit::{self, Lanes};
use cranelift::prelude::*;
use numfuse_ir::kernel::{InnerStride, KInst, Kernel, Role};

fn flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// Whether a kernel can run with the outer loop order: one accumulator stored directly in the
/// single output, whose dtype is the accumulator's.
pub fn eligible(k: &Kernel) -> bool {
    k.accs.len() == 1
        && k.stores.len() == 1
        && k.reduced > 0
        && k.rank > k.reduced
        && k.operands[k.stores[0].operand as usize].dtype == k.accs[0].dtype
}

#[derive(Clone, Copy)]
enum Pass {
    Init,
    /// Every reduced point folded in (the accumulate pass proper runs at the innermost two
    /// loops, [`crate::outer_blocked`]).
    Accumulate,
    Epilogue,
}

impl Lower<'_, '_> {
    /// The three passes of an outer-order reduction. The accumulate pass loops over the outer
    /// kept dimensions, then the reduced ones, then the innermost kept one; the last two are
    /// walked in blocks with register accumulators.
    pub(crate) fn outer_reduction(&mut self, ptrs: Vec<Value>) {
        let kept: Vec<usize> = (0..self.k.rank - self.k.reduced).collect();
        let outer_kept = &kept[..kept.len() - 1];
        let order: Vec<usize> = outer_kept
            .iter()
            .copied()
            .chain(kept.len()..self.k.rank)
            .collect();
        self.accs = vec![self.b.declare_var(clif_type(self.k.accs[0].dtype))];
        self.nest(&kept, ptrs.clone(), Pass::Init);
        self.nest(&order, ptrs.clone(), Pass::Accumulate);
        self.nest(&kept, ptrs, Pass::Epilogue);
    }

    /// Loops over `dims` (outermost first) and runs `pass` at every point; the accumulate pass
    /// hands its last dimension (the innermost reduced one) to the blocked accumulator loop.
    fn nest(&mut self, dims: &[usize], ptrs: Vec<Value>, pass: Pass) {
        let Some((&d, rest)) = dims.split_first() else {
            return self.point(&ptrs, pass);
        };
        if rest.is_empty() && matches!(pass, Pass::Accumulate) {
            let inner_kept = self.k.rank - self.k.reduced - 1;
            return self.blocked_accumulate(d, inner_kept, ptrs);
        }
        let mut start = self.b.ins().iconst(types::I64, 0);
        let mut ptrs = ptrs;
        if rest.is_empty() {
            if let Some(l) = self.pass_lanes(pass) {
                (start, ptrs) = self.vector_loop_from(d, ptrs, start, l.n, |this, p| {
                    this.vector_point(&l, p, pass)
                });
            }
        }
        self.counted_loop(d, ptrs, start, |this, cur| this.nest(rest, cur, pass));
    }

    /// The lanes of the init or epilogue pass over the innermost kept dimension, if it
    /// vectorizes: a contiguous output and, for the epilogue, vector forms for every `post`
    /// instruction over operands of the lane dtype (strided inputs are gathered).
    fn pass_lanes(&self, pass: Pass) -> Option<Lanes> {
        let l = self.lanes.filter(|_| self.output_is_contiguous())?;
        if matches!(pass, Pass::Init) {
            return Some(l);
        }
        let k = self.k;
        let operands_ok = k.post.iter().all(|i| match i {
            KInst::Load(o) => {
                let op = &k.operands[*o as usize];
                op.dtype == l.elem && (op.inner != InnerStride::Strided || op.role == Role::Input)
            }
            _ => true,
        });
        let stored = k.value_dtype(true, k.stores[0].value) == l.elem;
        (operands_ok && stored && vemit::insts_vectorize(k, true, l.elem)).then_some(l)
    }

    /// `l.n` consecutive output elements of the init pass (the identity stored) or the
    /// epilogue pass (the accumulators loaded, `post` applied, the result stored in place).
    fn vector_point(&mut self, l: &Lanes, ptrs: &[Value], pass: Pass) {
        let acc = self.k.accs[0];
        let out = ptrs[self.k.stores[0].operand as usize];
        let value = match pass {
            Pass::Init => {
                let id = self.acc_identity(acc.op, acc.dtype);
                self.b.ins().splat(l.vt, id)
            }
            _ => {
                let cur = self.b.ins().load(l.vt, flags(), out, 0);
                let steps = self.lane_steps();
                let k = self.k;
                let vals = crate::vreduce::vector_insts(
                    &mut self.b,
                    k,
                    l,
                    &k.post,
                    ptrs,
                    Some(&steps),
                    &[cur],
                );
                vals[k.stores[0].value as usize]
            }
        };
        self.b.ins().store(flags(), value, out, 0);
    }

    /// Whether the output is contiguous along the innermost kept dimension (vector stores).
    pub(crate) fn output_is_contiguous(&self) -> bool {
        let o = &self.k.operands[self.k.stores[0].operand as usize];
        o.inner == numfuse_ir::kernel::InnerStride::Contiguous && o.dtype == self.k.accs[0].dtype
    }

    fn point(&mut self, ptrs: &[Value], pass: Pass) {
        let acc = self.k.accs[0];
        let out = ptrs[self.k.stores[0].operand as usize];
        let ty = clif_type(acc.dtype);
        match pass {
            Pass::Init => {
                let id = self.acc_identity(acc.op, acc.dtype);
                self.b.ins().store(flags(), id, out, 0);
            }
            Pass::Accumulate => unreachable!("the accumulate pass ends in blocked_accumulate"),
            Pass::Epilogue => {
                let cur = self.b.ins().load(ty, flags(), out, 0);
                self.b.def_var(self.accs[0], cur);
                let vals = self.scalar_phase(true, ptrs);
                self.store_all(&vals, ptrs);
            }
        }
    }
}
