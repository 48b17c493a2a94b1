//! Vector code for the innermost loop of reductions and the vector evaluation of a kernel's
//! per-element instructions: float sums go through the blocked, compensated summation of
//! `blocksum`; other folds (and all integer folds, which are exact) use four vector
//! accumulators folded lane by lane at the end. Float `max`/`min` run as one `maxpd`/`minpd`
//! per vector with a NaN check, falling back to the exact NaN-propagating fold for rows that
//! hold a NaN.

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
                |b: &mut FunctionBuilder, p: &[Value]| vector_values(b, k, &l, p, None)[value];
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
            .map(|_| [(); UNROLL].map(|_| self.b.declare_var(l.vt)))
            .collect();
        self.reset_vector_accs(&l, &vaccs);
        let step = UNROLL as i64 * l.n;
        let ordered = l.elem.is_float()
            && accs
                .iter()
                .all(|a| matches!(a.op, ReduceOp::Max | ReduceOp::Min));
        let (iv, cur) = if ordered {
            self.minmax_vector_loop(d, ptrs, step, &l, &vaccs)
        } else {
            let zero = self.b.ins().iconst(types::I64, 0);
            self.vector_loop_from(d, ptrs, zero, step, |this, cur| {
                this.vector_step(&l, &vaccs, cur, None)
            })
        };
        self.counted_loop(d, cur, iv, |this, cur| this.reduced_level(d + 1, cur));
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

    /// Sets every vector accumulator to its fold's identity.
    fn reset_vector_accs(&mut self, l: &Lanes, vaccs: &[[Variable; UNROLL]]) {
        for (a, vars) in self.k.accs.iter().zip(vaccs) {
            let id = self.acc_identity(a.op, a.dtype);
            let splat = self.b.ins().splat(l.vt, id);
            for &v in vars {
                self.b.def_var(v, splat);
            }
        }
    }

    /// One iteration of the innermost reduced loop: [`UNROLL`] vectors folded into their
    /// accumulators with the exact (NaN-propagating) folds, or with the ordered `max`/`min`
    /// folds (then `nan_seen` collects the lanes that held a NaN).
    fn vector_step(
        &mut self,
        l: &Lanes,
        vaccs: &[[Variable; UNROLL]],
        cur: &[Value],
        nan_seen: Option<Variable>,
    ) {
        let accs = self.k.accs.clone();
        let mut p = cur.to_vec();
        #[allow(clippy::needless_range_loop)] // `part` indexes each fold's accumulators
        for part in 0..UNROLL {
            if part > 0 {
                p = self.advance(&p, l.n);
            }
            let vals = self.vector_phase(l, &p);
            for (n, a) in accs.iter().enumerate() {
                let x = vals[a.value as usize];
                let acc = self.b.use_var(vaccs[n][part]);
                let f = match nan_seen {
                    None => vemit::fold(&mut self.b, Some(l), a.op, acc, x),
                    Some(flag) => {
                        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
                        let seen = self.b.use_var(flag);
                        let seen = self.b.ins().bor(seen, nan);
                        self.b.def_var(flag, seen);
                        vemit::fold_ordered(&mut self.b, l, a.op, acc, x)
                    }
                };
                self.b.def_var(vaccs[n][part], f);
            }
        }
    }

    /// The vector loop of float `max`/`min` folds: one `maxpd`/`minpd` per vector
    /// ([`vemit::fold_ordered`], the exact fold's result whenever no NaN is involved) plus a
    /// running "NaN seen" mask; if the row held a NaN, the accumulators are reset and the row is
    /// folded again with the exact folds, so results are those of the exact loop in every case.
    /// Returns the index and pointers where the vector loop stopped.
    fn minmax_vector_loop(
        &mut self,
        d: usize,
        ptrs: Vec<Value>,
        step: i64,
        l: &Lanes,
        vaccs: &[[Variable; UNROLL]],
    ) -> (Value, Vec<Value>) {
        let lane_int = l.mt.lane_type();
        let flag = self.b.declare_var(l.mt);
        let zero_lane = self.b.ins().iconst(lane_int, 0);
        let clear = self.b.ins().splat(l.mt, zero_lane);
        self.b.def_var(flag, clear);
        let zero = self.b.ins().iconst(types::I64, 0);
        let (iv, cur) = self.vector_loop_from(d, ptrs.clone(), zero, step, |this, cur| {
            this.vector_step(l, vaccs, cur, Some(flag))
        });
        let at = self.b.declare_var(types::I64);
        self.b.def_var(at, iv);
        let vars = self.pointer_vars(&cur);
        let (slow, join) = (self.b.create_block(), self.b.create_block());
        let seen = self.b.use_var(flag);
        let any = self.b.ins().vany_true(seen);
        self.b.ins().brif(any, slow, &[], join, &[]);
        self.b.switch_to_block(slow);
        self.reset_vector_accs(l, vaccs);
        let zero = self.b.ins().iconst(types::I64, 0);
        let (iv2, cur2) = self.vector_loop_from(d, ptrs, zero, step, |this, cur| {
            this.vector_step(l, vaccs, cur, None)
        });
        self.b.def_var(at, iv2);
        for (&v, p) in vars.iter().zip(cur2) {
            self.b.def_var(v, p);
        }
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
        let iv = self.b.use_var(at);
        (iv, vars.iter().map(|&v| self.b.use_var(v)).collect())
    }
}

/// The values of the `pre` phase of `k` for `l.n` consecutive points at `ptrs`; `steps`
/// holds each operand's byte stride between the points (needed for strided operands only).
pub(crate) fn vector_values(
    b: &mut FunctionBuilder,
    k: &Kernel,
    l: &Lanes,
    ptrs: &[Value],
    steps: Option<&[Value]>,
) -> Vec<Value> {
    vector_insts(b, k, l, &k.pre, ptrs, steps, &[])
}

/// The values of `insts` (a phase of `k`) for `l.n` consecutive points, with `accs` the
/// accumulator vectors the epilogue reads.
pub(crate) fn vector_insts(
    b: &mut FunctionBuilder,
    k: &Kernel,
    l: &Lanes,
    insts: &[KInst],
    ptrs: &[Value],
    steps: Option<&[Value]>,
    accs: &[Value],
) -> Vec<Value> {
    let mut vals: Vec<Value> = Vec::with_capacity(insts.len());
    for inst in insts {
        let v = match inst {
            KInst::Load(o) => {
                let (op, p) = (&k.operands[*o as usize], ptrs[*o as usize]);
                match op.inner {
                    InnerStride::Broadcast => {
                        let s = b.ins().load(clif_type(op.dtype), flags(), p, 0);
                        b.ins().splat(l.vt, s)
                    }
                    InnerStride::Contiguous => b.ins().load(l.vt, flags(), p, 0),
                    InnerStride::Strided => {
                        let step = steps.expect("strided lanes need their strides")[*o as usize];
                        gather(b, l, clif_type(op.dtype), p, step)
                    }
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
            KInst::Acc(n) => accs[*n as usize],
            KInst::Cast(..) => unreachable!("not vectorizable (checked by lanes_for)"),
        };
        vals.push(v);
    }
    vals
}

/// `l.n` elements `step` bytes apart from `p`, as one vector (scalar loads inserted lane by
/// lane).
fn gather(b: &mut FunctionBuilder, l: &Lanes, elem: Type, p: Value, step: Value) -> Value {
    let first = b.ins().load(elem, flags(), p, 0);
    let mut v = b.ins().splat(l.vt, first);
    let mut at = p;
    for lane in 1..l.n {
        at = b.ins().iadd(at, step);
        let x = b.ins().load(elem, flags(), at, 0);
        v = b.ins().insertlane(v, x, lane as u8);
    }
    v
}
