//! The accumulate pass of an outer-order reduction ([`crate::outer`]) with the accumulators in
//! registers: the innermost reduced dimension is walked in blocks of [`ROWS`] rows, and within
//! a block each group of output columns (eight vectors, then one vector, then single scalars)
//! loads its accumulators from the output once, folds every row of the block into them and
//! stores them once. A plain load-fold-store per row would chain every row through memory
//! (store-to-load forwarding latency per element); here the chains are register adds, several
//! in flight. Each output element still folds the same reduced points in the same order as the
//! scalar nest — NumPy's sequential order for such axes — so results are bitwise unchanged,
//! and the block of rows a group walks stays in cache for the next group.

use crate::lower::Lower;
use crate::vemit::{self, Lanes};
use cranelift::prelude::*;

/// Rows of the innermost reduced dimension per block.
const ROWS: i64 = 64;
/// Vectors of output columns folded together in the widest group.
const GROUP: i64 = 8;

fn flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl Lower<'_, '_> {
    /// Accumulates over the reduced dimension `r` (innermost reduced) and the kept dimension
    /// `j` (the only kept loop inside it), starting at `ptrs`.
    pub(crate) fn blocked_accumulate(&mut self, r: usize, j: usize, ptrs: Vec<Value>) {
        let n = self.shape[r];
        let start = self.b.declare_var(types::I64);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(start, zero);
        let vars = self.pointer_vars(&ptrs);
        let (head, body, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(head);
        let s = self.b.use_var(start);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, s, n);
        self.b.ins().brif(more, body, &[], exit, &[]);
        self.b.switch_to_block(body);
        let s = self.b.use_var(start);
        let left = self.b.ins().isub(n, s);
        let rows = self.b.ins().iconst(types::I64, ROWS);
        let len = self.b.ins().smin(left, rows);
        let cur: Vec<Value> = vars.iter().map(|&v| self.b.use_var(v)).collect();
        self.shape[r] = len;
        self.column_groups(r, j, cur.clone());
        self.shape[r] = n;
        for (o, (&v, &p)) in vars.iter().zip(&cur).enumerate() {
            let step = self.b.ins().imul_imm_s(self.strides[o][r], ROWS);
            let np = self.b.ins().iadd(p, step);
            self.b.def_var(v, np);
        }
        let ns = self.b.ins().iadd_imm_s(s, ROWS);
        self.b.def_var(start, ns);
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(exit);
    }

    /// One block of rows: every column of `j`, in vector groups where the kernel has lanes and
    /// the output is contiguous, the rest one scalar column at a time.
    fn column_groups(&mut self, r: usize, j: usize, ptrs: Vec<Value>) {
        let mut iv = self.b.ins().iconst(types::I64, 0);
        let mut cur = ptrs;
        if let Some(l) = self.lanes.filter(|_| self.output_is_contiguous()) {
            for g in [GROUP, 1] {
                (iv, cur) = self.vector_loop_from(j, cur, iv, g * l.n, |this, p| {
                    this.vector_columns(r, &l, g, p)
                });
            }
        }
        self.counted_loop(j, cur, iv, |this, p| this.scalar_column(r, p));
    }

    /// `g` vectors of columns starting at `ptrs`: accumulators loaded, every row folded in,
    /// accumulators stored.
    fn vector_columns(&mut self, r: usize, l: &Lanes, g: i64, ptrs: &[Value]) {
        let acc = self.k.accs[0];
        let out = self.k.stores[0].operand as usize;
        let at: Vec<Vec<Value>> = (0..g).map(|q| self.advance(ptrs, q * l.n)).collect();
        let accs: Vec<Variable> = at
            .iter()
            .map(|p| {
                let v = self.b.declare_var(l.vt);
                let old = self.b.ins().load(l.vt, flags(), p[out], 0);
                self.b.def_var(v, old);
                v
            })
            .collect();
        let zero = self.b.ins().iconst(types::I64, 0);
        self.counted_loop(r, ptrs.to_vec(), zero, |this, row| {
            for (q, &v) in accs.iter().enumerate() {
                let p = this.advance(&row, q as i64 * l.n);
                let vals = this.vector_phase(l, &p);
                let a = this.b.use_var(v);
                let f = vemit::fold(&mut this.b, Some(l), acc.op, a, vals[acc.value as usize]);
                this.b.def_var(v, f);
            }
        });
        for (p, &v) in at.iter().zip(&accs) {
            let a = self.b.use_var(v);
            self.b.ins().store(flags(), a, p[out], 0);
        }
    }

    /// One column starting at `ptrs`, in a scalar accumulator.
    fn scalar_column(&mut self, r: usize, ptrs: Vec<Value>) {
        let acc = self.k.accs[0];
        let out = ptrs[self.k.stores[0].operand as usize];
        let ty = crate::emit::clif_type(acc.dtype);
        let v = self.b.declare_var(ty);
        let old = self.b.ins().load(ty, flags(), out, 0);
        self.b.def_var(v, old);
        let x_d = self.k.value_dtype(false, acc.value);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.counted_loop(r, ptrs, zero, |this, row| {
            let vals = this.scalar_phase(false, &row);
            let a = this.b.use_var(v);
            let f = this.fold_scalar(acc.op, acc.dtype, x_d, a, vals[acc.value as usize]);
            this.b.def_var(v, f);
        });
        let a = self.b.use_var(v);
        self.b.ins().store(flags(), a, out, 0);
    }
}
