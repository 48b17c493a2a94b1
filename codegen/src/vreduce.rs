//! Vector code for the innermost loop of reductions and the vector evaluation of a kernel's
//! per-element instructions: float sums go through the blocked, compensated summation of
//! `blocksum`; other folds (and all integer folds, which are exact) use four vector
//! accumulators folded lane by lane at the end.

use crate::emit::clif_type;
use crate::lower::Lower;
use crate::vemit::{self, Lanes};
use cranelift::prelude::*;
use numfuse_ir::kernel::{InnerStride, KInst, Kernel};
use numfuse_ir::ReduceOp;

/// Independent vector accumulators per fold in the innermost reduced loop: a fold's latency
/// (compare + select for `max`/`min`, 3–4 cycles) is hidden by four chains in flight.
const UNROLL: usize = 4;

fn flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl Lower<'_, '_> {
    /// Innermost reduced loop in vectors: [`UNROLL`] vector accumulators per accumulator, folded
    /// lane by lane into the scalar accumulator afterwards; the tail folds scalars.
    pub(crate) fn vector_reduce_inner(&mut self, d: usize, ptrs: Vec<Value>) {
        let l = self.lanes.expect("checked");
        let accs = self.k.accs.clone();
        let mut ptrs = ptrs;
        let full_len = self.shape[d];
        if accs.len() == 1 && accs[0].op == ReduceOp::Sum && l.elem.is_float() {
            let k = self.k;
            let value = accs[0].value as usize;
            let inner: Vec<(InnerStride, i64)> = k
                .operands
                .iter()
                .map(|o| (o.inner, o.dtype.itemsize() as i64))
                .collect();
            let advance = |b: &mut FunctionBuilder, p: &[Value], count: i64| -> Vec<Value> {
                p.iter()
                    .zip(&inner)
                    .map(|(&p, &(class, item))| {
                        if class == InnerStride::Contiguous {
                            b.ins().iadd_imm_s(p, count * item)
                        } else {
                            p
                        }
                    })
                    .collect()
            };
            let mut partial =
                |b: &mut FunctionBuilder, p: &[Value]| vector_values(b, k, &l, p)[value];
            let (after, left) = crate::blocksum::blocked_sum(
                &mut self.b,
                &l,
                full_len,
                &ptrs,
                &advance,
                &mut partial,
                self.accs[0],
            );
            ptrs = after;
            self.shape[d] = left;
        }
        let vaccs: Vec<[Variable; UNROLL]> = accs
            .iter()
            .map(|a| {
                let id = self.acc_identity(a.op, a.dtype);
                let splat = self.b.ins().splat(l.vt, id);
                let v = [(); UNROLL].map(|_| self.b.declare_var(l.vt));
                for &var in &v {
                    self.b.def_var(var, splat);
                }
                v
            })
            .collect();
        let vaccs2 = vaccs.clone();
        let accs2 = accs.clone();
        self.vector_loop(
            d,
            ptrs,
            UNROLL as i64 * l.n,
            move |this, cur| {
                let mut p = cur.to_vec();
                #[allow(clippy::needless_range_loop)] // `part` indexes each fold's accumulators
                for part in 0..UNROLL {
                    if part > 0 {
                        p = this.advance(&p, l.n);
                    }
                    let vals = this.vector_phase(&l, &p);
                    for (n, a) in accs2.iter().enumerate() {
                        let acc = this.b.use_var(vaccs2[n][part]);
                        let f =
                            vemit::fold(&mut this.b, Some(&l), a.op, acc, vals[a.value as usize]);
                        this.b.def_var(vaccs2[n][part], f);
                    }
                }
            },
            |this, cur| this.reduced_level(d + 1, cur),
        );
        // the tail has already folded into the scalar accumulators; add the vector lanes
        for (n, a) in accs.iter().enumerate() {
            let mut v = self.b.use_var(vaccs[n][0]);
            for &var in &vaccs[n][1..] {
                let w = self.b.use_var(var);
                v = vemit::fold(&mut self.b, Some(&l), a.op, v, w);
            }
            let mut acc = self.b.use_var(self.accs[n]);
            for lane in 0..l.n {
                let x = self.b.ins().extractlane(v, lane as u8);
                acc = self.fold_scalar(a.op, a.dtype, a.dtype, acc, x);
            }
            self.b.def_var(self.accs[n], acc);
        }
        self.shape[d] = full_len;
    }
}

/// The values of the `pre` phase of `k` for `l.n` consecutive points at `ptrs`.
pub(crate) fn vector_values(
    b: &mut FunctionBuilder,
    k: &Kernel,
    l: &Lanes,
    ptrs: &[Value],
) -> Vec<Value> {
    let mut vals: Vec<Value> = Vec::with_capacity(k.pre.len());
    for inst in &k.pre {
        let v = match inst {
            KInst::Load(o) => {
                let op = &k.operands[*o as usize];
                if op.inner == InnerStride::Broadcast {
                    let s = b
                        .ins()
                        .load(clif_type(op.dtype), flags(), ptrs[*o as usize], 0);
                    b.ins().splat(l.vt, s)
                } else {
                    b.ins().load(l.vt, flags(), ptrs[*o as usize], 0)
                }
            }
            KInst::Const(s, d) => vemit::vconst(b, l, *s, *d),
            KInst::Unary(op, d, a) => vemit::vunary(b, l, *op, *d, vals[*a as usize]),
            KInst::Binary(op, d, x, y) => {
                vemit::vbinary(b, l, *op, *d, vals[*x as usize], vals[*y as usize])
            }
            KInst::Select(c, x, y) => vemit::vselect(
                b,
                l,
                vals[*c as usize],
                vals[*x as usize],
                vals[*y as usize],
            ),
            KInst::Cast(..) | KInst::Acc(_) => {
                unreachable!("not vectorizable (checked by lanes_for)")
            }
        };
        vals.push(v);
    }
    vals
}
