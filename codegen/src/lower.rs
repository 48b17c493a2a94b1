//! Kernel IR → Cranelift IR: the loop nest.
//!
//! The generated function is `extern "C" fn(shape: *const i64, ptrs: *const *mut u8,
//! strides: *const i64)` (see [`crate::abi`]). It walks the nest with one pointer per operand
//! per level (`pointer += stride` after each iteration, strides in bytes). The innermost loop
//! of an eligible kernel ([`crate::vemit::lanes_for`]) has a vector main loop (two vectors per
//! iteration for reductions, each with its own accumulators) and a scalar tail; everything
//! else runs the scalar body. Reductions initialise accumulators at the first reduced
//! level, fold over the reduced dimensions, then run the epilogue and store.

use crate::emit::{self, clif_type, constant, fconst, truthy};
use crate::vemit::{self, Lanes};
use cranelift::prelude::*;
use numfuse_ir::kernel::{InnerStride, KInst, Kernel};
use numfuse_ir::{DType, ReduceOp};

fn flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// Emits the body of `k` into `func` (whose signature is the kernel ABI).
pub fn build(
    k: &Kernel,
    func: &mut codegen::ir::Function,
    fctx: &mut FunctionBuilderContext,
    target: isa::TargetFrontendConfig,
) {
    let mut b = FunctionBuilder::new(func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let (shape_p, ptrs_p, strides_p) = (params[0], params[1], params[2]);
    let shape: Vec<Value> = (0..k.rank)
        .map(|d| b.ins().load(types::I64, flags(), shape_p, (8 * d) as i32))
        .collect();
    let base: Vec<Value> = (0..k.operands.len())
        .map(|o| b.ins().load(types::I64, flags(), ptrs_p, (8 * o) as i32))
        .collect();
    let strides: Vec<Vec<Value>> = (0..k.operands.len())
        .map(|o| {
            (0..k.rank)
                .map(|d| {
                    b.ins().load(
                        types::I64,
                        flags(),
                        strides_p,
                        (8 * (o * k.rank + d)) as i32,
                    )
                })
                .collect()
        })
        .collect();
    let lanes = vemit::lanes_for(k);
    let lane_dim = if k.outer_reduce {
        k.rank - k.reduced - 1
    } else {
        k.rank.saturating_sub(1)
    };
    let mut l = Lower {
        k,
        b,
        shape,
        strides,
        lanes,
        lane_dim,
        accs: Vec::new(),
    };
    l.level(0, base);
    l.b.ins().return_(&[]);
    l.b.seal_all_blocks();
    l.b.finalize(target);
}

pub(crate) struct Lower<'a, 'f> {
    pub(crate) k: &'a Kernel,
    pub(crate) b: FunctionBuilder<'f>,
    pub(crate) shape: Vec<Value>,
    pub(crate) strides: Vec<Vec<Value>>,
    pub(crate) lanes: Option<Lanes>,
    /// The dimension the vector lanes run along: the innermost one, or the innermost kept one
    /// of an outer-order reduction.
    pub(crate) lane_dim: usize,
    pub(crate) accs: Vec<Variable>,
}

#[derive(Clone, Copy)]
enum Next {
    Level,
    Reduced,
}

impl Lower<'_, '_> {
    fn kept(&self) -> usize {
        self.k.rank - self.k.reduced
    }

    fn level(&mut self, d: usize, ptrs: Vec<Value>) {
        if self.k.outer_reduce {
            return self.outer_reduction(ptrs);
        }
        if !self.k.accs.is_empty() && d == self.kept() {
            return self.reduction(ptrs);
        }
        if d == self.k.rank {
            let vals = self.scalar_phase(false, &ptrs);
            self.store_all(&vals, &ptrs);
            return;
        }
        if d + 1 == self.k.rank && self.lanes.is_some() && self.k.accs.is_empty() {
            return self.vector_elementwise(ptrs);
        }
        self.loop_over(d, ptrs, Next::Level);
    }

    /// A counted loop over dimension `d`, advancing every operand pointer by its stride.
    fn loop_over(&mut self, d: usize, ptrs: Vec<Value>, next: Next) {
        let zero = self.b.ins().iconst(types::I64, 0);
        self.counted_loop(d, ptrs, zero, |this, cur| match next {
            Next::Level => this.level(d + 1, cur),
            Next::Reduced => this.reduced_level(d + 1, cur),
        });
    }

    /// The one strided loop of the code generator: from index `start` to the extent of `d`,
    /// running `body` at each element's pointers, then advancing every pointer by its stride.
    pub(crate) fn counted_loop(
        &mut self,
        d: usize,
        ptrs: Vec<Value>,
        start: Value,
        mut body: impl FnMut(&mut Self, Vec<Value>),
    ) {
        let i = self.b.declare_var(types::I64);
        self.b.def_var(i, start);
        let vars = self.pointer_vars(&ptrs);
        let (head, body_b, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(head);
        let iv = self.b.use_var(i);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, iv, self.shape[d]);
        self.b.ins().brif(more, body_b, &[], exit, &[]);
        self.b.switch_to_block(body_b);
        let cur: Vec<Value> = vars.iter().map(|&v| self.b.use_var(v)).collect();
        body(self, cur);
        for (o, &v) in vars.iter().enumerate() {
            let p = self.b.use_var(v);
            let np = self.b.ins().iadd(p, self.strides[o][d]);
            self.b.def_var(v, np);
        }
        let iv = self.b.use_var(i);
        let ni = self.b.ins().iadd_imm_s(iv, 1);
        self.b.def_var(i, ni);
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(exit);
    }

    /// One variable per operand pointer, initialised to `ptrs`.
    pub(crate) fn pointer_vars(&mut self, ptrs: &[Value]) -> Vec<Variable> {
        ptrs.iter()
            .map(|&p| {
                let v = self.b.declare_var(types::I64);
                self.b.def_var(v, p);
                v
            })
            .collect()
    }

    /// The values of a phase at one point (scalars).
    pub(crate) fn scalar_phase(&mut self, post: bool, ptrs: &[Value]) -> Vec<Value> {
        let insts = if post { &self.k.post } else { &self.k.pre };
        let mut vals: Vec<Value> = Vec::with_capacity(insts.len());
        for inst in insts {
            let b = &mut self.b;
            let v = match inst {
                KInst::Load(o) => {
                    let ty = clif_type(self.k.operands[*o as usize].dtype);
                    b.ins().load(ty, flags(), ptrs[*o as usize], 0)
                }
                KInst::Const(s, d) => constant(b, *s, *d),
                KInst::Unary(op, d, a) => emit::unary(b, *op, *d, vals[*a as usize]),
                KInst::Binary(op, d, x, y) => {
                    emit::binary(b, *op, *d, vals[*x as usize], vals[*y as usize])
                }
                KInst::Select(c, x, y) => {
                    b.ins()
                        .select(vals[*c as usize], vals[*x as usize], vals[*y as usize])
                }
                KInst::Cast(from, to, a) => emit::cast(b, *from, *to, vals[*a as usize]),
                KInst::Acc(n) => b.use_var(self.accs[*n as usize]),
            };
            vals.push(v);
        }
        vals
    }

    /// The values of the `pre` phase for `lanes` consecutive points along [`Self::lane_dim`]
    /// (strided operands are gathered lane by lane).
    pub(crate) fn vector_phase(&mut self, l: &Lanes, ptrs: &[Value]) -> Vec<Value> {
        let steps = self.lane_steps();
        crate::vreduce::vector_values(&mut self.b, self.k, l, ptrs, Some(&steps))
    }

    /// Each operand's run-time byte stride along [`Self::lane_dim`].
    pub(crate) fn lane_steps(&self) -> Vec<Value> {
        self.strides.iter().map(|s| s[self.lane_dim]).collect()
    }

    pub(crate) fn store_all(&mut self, vals: &[Value], ptrs: &[Value]) {
        for st in &self.k.stores {
            self.b.ins().store(
                flags(),
                vals[st.value as usize],
                ptrs[st.operand as usize],
                0,
            );
        }
    }

    /// Pointers advanced by `count` elements along [`Self::lane_dim`] (broadcast operands
    /// stay; strided ones move by their run-time stride).
    pub(crate) fn advance(&mut self, ptrs: &[Value], count: i64) -> Vec<Value> {
        ptrs.iter()
            .zip(&self.k.operands)
            .enumerate()
            .map(|(o, (&p, op))| match op.inner {
                InnerStride::Contiguous => self
                    .b
                    .ins()
                    .iadd_imm_s(p, count * op.dtype.itemsize() as i64),
                InnerStride::Strided => {
                    let step = self
                        .b
                        .ins()
                        .imul_imm_s(self.strides[o][self.lane_dim], count);
                    self.b.ins().iadd(p, step)
                }
                InnerStride::Broadcast => p,
            })
            .collect()
    }

    /// Innermost elementwise loop: vector main loop, then scalar tail.
    /// The innermost elementwise loop: a vector loop unrolled twice (two independent vector
    /// bodies per iteration), one more vector step if it fits, then scalars.
    fn vector_elementwise(&mut self, ptrs: Vec<Value>) {
        let l = self.lanes.expect("checked");
        let d = self.k.rank - 1;
        let body = |this: &mut Self, cur: &[Value]| {
            let vals = this.vector_phase(&l, cur);
            this.store_all(&vals, cur);
        };
        let zero = self.b.ins().iconst(types::I64, 0);
        let (iv, cur) = self.vector_loop_from(d, ptrs, zero, 2 * l.n, |this, cur| {
            body(this, cur);
            let second = this.advance(cur, l.n);
            body(this, &second);
        });
        let (iv, cur) = self.vector_loop_from(d, cur, iv, l.n, body);
        self.counted_loop(d, cur, iv, |this, cur| this.level(d + 1, cur));
    }

    /// A loop over dimension `d` from index `start` in steps of `step` elements while a whole
    /// step fits; returns the index and pointers where it stopped.
    pub(crate) fn vector_loop_from(
        &mut self,
        d: usize,
        ptrs: Vec<Value>,
        start: Value,
        step: i64,
        mut vbody: impl FnMut(&mut Self, &[Value]),
    ) -> (Value, Vec<Value>) {
        let i = self.b.declare_var(types::I64);
        self.b.def_var(i, start);
        let vars = self.pointer_vars(&ptrs);
        let (vhead, vbody_b, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().jump(vhead, &[]);
        self.b.switch_to_block(vhead);
        let iv = self.b.use_var(i);
        let end = self.b.ins().iadd_imm_s(iv, step);
        let fits = self
            .b
            .ins()
            .icmp(IntCC::SignedLessThanOrEqual, end, self.shape[d]);
        self.b.ins().brif(fits, vbody_b, &[], exit, &[]);
        self.b.switch_to_block(vbody_b);
        let cur: Vec<Value> = vars.iter().map(|&v| self.b.use_var(v)).collect();
        vbody(self, &cur);
        let next = self.advance(&cur, step);
        for (&v, p) in vars.iter().zip(next) {
            self.b.def_var(v, p);
        }
        let iv = self.b.use_var(i);
        let ni = self.b.ins().iadd_imm_s(iv, step);
        self.b.def_var(i, ni);
        self.b.ins().jump(vhead, &[]);
        self.b.switch_to_block(exit);
        let iv = self.b.use_var(i);
        let cur: Vec<Value> = vars.iter().map(|&v| self.b.use_var(v)).collect();
        (iv, cur)
    }

    pub(crate) fn acc_identity(&mut self, op: ReduceOp, d: DType) -> Value {
        let ty = clif_type(d);
        if d.is_float() {
            return fconst(&mut self.b, ty, vemit::identity(op));
        }
        let (lo, hi) = d.integer_range().unwrap_or((0, 1));
        let v: i128 = match op {
            ReduceOp::Sum | ReduceOp::Any => 0,
            ReduceOp::Prod | ReduceOp::All => 1,
            ReduceOp::Max => lo,
            ReduceOp::Min => hi,
        };
        emit::iconst(&mut self.b, ty, v as i64)
    }

    fn reduction(&mut self, ptrs: Vec<Value>) {
        let accs: Vec<Variable> = self
            .k
            .accs
            .iter()
            .map(|a| {
                let v = self.b.declare_var(clif_type(a.dtype));
                let init = self.acc_identity(a.op, a.dtype);
                self.b.def_var(v, init);
                v
            })
            .collect();
        self.accs = accs;
        self.reduced_level(self.kept(), ptrs.clone());
        let vals = self.scalar_phase(true, &ptrs);
        self.store_all(&vals, &ptrs);
    }

    pub(crate) fn reduced_level(&mut self, d: usize, ptrs: Vec<Value>) {
        if d == self.k.rank {
            let vals = self.scalar_phase(false, &ptrs);
            for (n, a) in self.k.accs.clone().iter().enumerate() {
                let x = vals[a.value as usize];
                let xd = self.k.value_dtype(false, a.value);
                let acc = self.b.use_var(self.accs[n]);
                let folded = self.fold_scalar(a.op, a.dtype, xd, acc, x);
                self.b.def_var(self.accs[n], folded);
            }
            return;
        }
        if d + 1 == self.k.rank && self.lanes.is_some() {
            return self.vector_reduce_inner(d, ptrs);
        }
        self.loop_over(d, ptrs, Next::Reduced);
    }

    pub(crate) fn fold_scalar(
        &mut self,
        op: ReduceOp,
        acc_d: DType,
        x_d: DType,
        acc: Value,
        x: Value,
    ) -> Value {
        let b = &mut self.b;
        if matches!(op, ReduceOp::Any | ReduceOp::All) || acc_d.is_bool() {
            let t = if x_d.is_bool() { x } else { truthy(b, x_d, x) };
            return match op {
                ReduceOp::Any | ReduceOp::Sum | ReduceOp::Max => b.ins().bor(acc, t),
                _ => b.ins().band(acc, t),
            };
        }
        if acc_d.is_float() {
            return vemit::fold(b, None, op, acc, x);
        }
        crate::vint::fold(b, acc_d.is_signed_integer(), op, acc, x)
    }
}
