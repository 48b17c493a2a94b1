//! Accurate float sums in compiled reductions.
//!
//! A long contiguous row is summed in blocks of [`BLOCK`] elements: each block with four
//! vector accumulators (8 partial sums for float64, 16 for float32 — NumPy's pairwise sum uses 8
//! partials over blocks of 128 too), combined pairwise into the block sum; the block sums are
//! added with Neumaier's compensated summation, whose error does not grow with the number of
//! blocks. The result is at least as accurate as NumPy's pairwise summation; the remainder
//! (< one block) goes through the ordinary vector loop.

use crate::emit::{clif_type, fconst};
use crate::vemit::{self, Lanes};
use cranelift::prelude::*;

/// Advances operand pointers by a number of elements along the summed dimension.
pub type Advance<'a> = &'a dyn Fn(&mut FunctionBuilder, &[Value], i64) -> Vec<Value>;
/// Emits the vector of summands at the given pointers.
pub type Partial<'a> = &'a mut dyn FnMut(&mut FunctionBuilder, &[Value]) -> Value;

/// Elements per block.
pub const BLOCK: i64 = 128;

/// Emits the blocked loop over dimension `d` (length `n`) starting at `ptrs`, adds the sum of
/// all whole blocks to `acc` and returns `(pointers after the blocks, elements left)`.
/// `partial(b, ptrs)` must return the vector of summands at `ptrs` (one vector load's worth).
pub fn blocked_sum(
    b: &mut FunctionBuilder,
    l: &Lanes,
    n: Value,
    ptrs: &[Value],
    advance: Advance,
    partial: Partial,
    acc: Variable,
) -> (Vec<Value>, Value) {
    let ft = clif_type(l.elem);
    let i = b.declare_var(types::I64);
    let total = b.declare_var(ft);
    let comp = b.declare_var(ft);
    let zero_i = b.ins().iconst(types::I64, 0);
    let zero_f = fconst(b, ft, 0.0);
    b.def_var(i, zero_i);
    b.def_var(total, zero_f);
    b.def_var(comp, zero_f);
    let vars: Vec<Variable> = ptrs
        .iter()
        .map(|&p| {
            let v = b.declare_var(types::I64);
            b.def_var(v, p);
            v
        })
        .collect();
    let (head, body, inner_head, inner_body, inner_exit, exit) = (
        b.create_block(),
        b.create_block(),
        b.create_block(),
        b.create_block(),
        b.create_block(),
        b.create_block(),
    );
    b.ins().jump(head, &[]);
    b.switch_to_block(head);
    let iv = b.use_var(i);
    let end = b.ins().iadd_imm_s(iv, BLOCK);
    let fits = b.ins().icmp(IntCC::SignedLessThanOrEqual, end, n);
    b.ins().brif(fits, body, &[], exit, &[]);
    // one block: four vector accumulators
    b.switch_to_block(body);
    let zero_v = b.ins().splat(l.vt, zero_f);
    let accs: Vec<Variable> = (0..4)
        .map(|_| {
            let v = b.declare_var(l.vt);
            b.def_var(v, zero_v);
            v
        })
        .collect();
    let j = b.declare_var(types::I64);
    b.def_var(j, zero_i);
    b.ins().jump(inner_head, &[]);
    b.switch_to_block(inner_head);
    let jv = b.use_var(j);
    let more = b.ins().icmp_imm_s(IntCC::SignedLessThan, jv, BLOCK);
    b.ins().brif(more, inner_body, &[], inner_exit, &[]);
    b.switch_to_block(inner_body);
    let mut cur: Vec<Value> = vars.iter().map(|&v| b.use_var(v)).collect();
    for &a in &accs {
        let x = partial(b, &cur);
        let av = b.use_var(a);
        let s = b.ins().fadd(av, x);
        b.def_var(a, s);
        cur = advance(b, &cur, l.n);
    }
    for (&v, p) in vars.iter().zip(cur) {
        b.def_var(v, p);
    }
    let jv = b.use_var(j);
    let nj = b.ins().iadd_imm_s(jv, 4 * l.n);
    b.def_var(j, nj);
    b.ins().jump(inner_head, &[]);
    b.switch_to_block(inner_exit);
    // block sum: ((a0 + a1) + (a2 + a3)), then the lanes pairwise
    let a: Vec<Value> = accs.iter().map(|&v| b.use_var(v)).collect();
    let s01 = b.ins().fadd(a[0], a[1]);
    let s23 = b.ins().fadd(a[2], a[3]);
    let v = b.ins().fadd(s01, s23);
    let mut lanes: Vec<Value> = (0..l.n).map(|k| b.ins().extractlane(v, k as u8)).collect();
    while lanes.len() > 1 {
        lanes = lanes.chunks(2).map(|p| b.ins().fadd(p[0], p[1])).collect();
    }
    let s = lanes[0];
    // Neumaier: total += s, compensating the rounding error
    let t = b.use_var(total);
    let nt = b.ins().fadd(t, s);
    let (at, as_) = (b.ins().fabs(t), b.ins().fabs(s));
    let t_big = b.ins().fcmp(FloatCC::GreaterThanOrEqual, at, as_);
    let d1 = b.ins().fsub(t, nt);
    let c1 = b.ins().fadd(d1, s);
    let d2 = b.ins().fsub(s, nt);
    let c2 = b.ins().fadd(d2, t);
    let corr = b.ins().select(t_big, c1, c2);
    let c = b.use_var(comp);
    let nc = b.ins().fadd(c, corr);
    b.def_var(comp, nc);
    b.def_var(total, nt);
    let iv = b.use_var(i);
    let ni = b.ins().iadd_imm_s(iv, BLOCK);
    b.def_var(i, ni);
    b.ins().jump(head, &[]);
    b.switch_to_block(exit);
    let t = b.use_var(total);
    let c = b.use_var(comp);
    let blocks = b.ins().fadd(t, c);
    let prev = b.use_var(acc);
    let sum = vemit::fold(b, None, numfuse_ir::ReduceOp::Sum, prev, blocks);
    b.def_var(acc, sum);
    let iv = b.use_var(i);
    let left = b.ins().isub(n, iv);
    (vars.iter().map(|&v| b.use_var(v)).collect(), left)
}

/// A float type summed by [`row_sum`]: `LANES` elements per 128-bit vector, as the compiled
/// code holds them.
pub trait SumFloat:
    Copy + PartialOrd + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self>
{
    /// Elements per 128-bit vector (`F64X2`, `F32X4`).
    const LANES: usize;
    /// Positive zero.
    const ZERO: Self;
    /// The absolute value.
    fn abs(self) -> Self;
}

impl SumFloat for f64 {
    const LANES: usize = 2;
    const ZERO: f64 = 0.0;
    fn abs(self) -> f64 {
        f64::abs(self)
    }
}

impl SumFloat for f32 {
    const LANES: usize = 4;
    const ZERO: f32 = 0.0;
    fn abs(self) -> f32 {
        f32::abs(self)
    }
}

/// The sum of one contiguous row exactly as a compiled `reduce.add` over it computes it,
/// bit for bit ([`blocked_sum`] for the whole blocks, then the vector loop's four accumulators
/// over the remainder, the scalar tail, and the accumulators' lanes): lets ahead-of-time code
/// (a line op of a segment) take over a compiled row sum without changing a result.
///
/// ```
/// use numfuse_codegen::blocksum::row_sum;
/// assert_eq!(row_sum(&[1.0f64, 2.0, 3.0]), 6.0);
/// assert_eq!(row_sum::<f32>(&[]), 0.0);
/// ```
pub fn row_sum<T: SumFloat>(xs: &[T]) -> T {
    let per_step = 4 * T::LANES; // four vector accumulators of LANES partial sums
    let whole = xs.len() - xs.len() % BLOCK as usize;
    let (mut total, mut comp) = (T::ZERO, T::ZERO);
    for block in xs[..whole].chunks_exact(BLOCK as usize) {
        let r = partial_sums(block, per_step);
        // ((a0 + a1) + (a2 + a3)) lane by lane, then the lanes pairwise
        let mut v = [T::ZERO; 4];
        for (m, lane) in v.iter_mut().enumerate().take(T::LANES) {
            *lane = (r[m] + r[T::LANES + m]) + (r[2 * T::LANES + m] + r[3 * T::LANES + m]);
        }
        let mut n = T::LANES;
        while n > 1 {
            n /= 2;
            for i in 0..n {
                v[i] = v[2 * i] + v[2 * i + 1];
            }
        }
        let s = v[0];
        let t = total;
        total = t + s;
        comp = comp
            + if t.abs() >= s.abs() {
                (t - total) + s
            } else {
                (s - total) + t
            };
    }
    let mut acc = T::ZERO + (total + comp);
    let rest = &xs[whole..];
    let vectors = rest.len() - rest.len() % per_step;
    let r = partial_sums(&rest[..vectors], per_step);
    for &x in &rest[vectors..] {
        acc = acc + x;
    }
    // the accumulators folded in order, then their lanes into the scalar accumulator
    for m in 0..T::LANES {
        let lane = ((r[m] + r[T::LANES + m]) + r[2 * T::LANES + m]) + r[3 * T::LANES + m];
        acc = acc + lane;
    }
    acc
}

/// `per_step` (≤ 16) partial sums of `xs` (a whole number of steps): partial `j` adds the
/// elements at `j`, `j + per_step`, … in order, starting from zero.
fn partial_sums<T: SumFloat>(xs: &[T], per_step: usize) -> [T; 16] {
    let mut r = [T::ZERO; 16];
    for step in xs.chunks_exact(per_step) {
        for (acc, &x) in r.iter_mut().zip(step) {
            *acc = *acc + x;
        }
    }
    r
}
