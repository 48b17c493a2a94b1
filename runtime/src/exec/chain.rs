//! Chain steps of a segment: a compiled kernel that applies one to four `+ - * /` with scalar
//! constants to one contiguous float array — sigmoid's `1 / (1 + e)` — runs as that many
//! ahead-of-time line ops (`vmath::line_f64`) at the CPU's full vector width over tiles of
//! the block, instead of its Cranelift code. On AMD Zen 5 a `divpd` costs the same time at
//! every width (0.94 ns), so the JIT's 128-bit division is 4× slower per element than an
//! 8-lane one. Each element gets the kernel's IEEE operations in the kernel's order and
//! operand order, so the bits do not change (`tests/tests/line_ops.rs` compares against
//! `nf::set_line_ops(false)`). A large graph output (`lines::streams_into`) is written with
//! non-temporal stores and one store fence per block: sigmoid on 10M f64 on Zen 5, 8
//! alternating rounds, 5th-fastest of 30 each: 4.0–5.6 (mean 4.9) → 4.0–5.0 (mean 4.5) ms.

use super::blocks::{base_ptr, Ptr};
use super::lines::{line_op, streams_into};
use super::KernelRun;
use crate::buffer::Bytes;
use numfuse_codegen::vmath::{self, LineOp, Streamed};
use numfuse_ir::kernel::{KInst, Kernel, Role};
use numfuse_ir::DType;

/// Elements per tile between two line ops (stays in L1).
pub(super) const TILE: usize = 256;
/// Ops a chain may have.
const MAX_OPS: usize = 4;

/// `out = ((x ⊙₁ c₁) ⊙₂ c₂) …` over the contiguous elements of a block.
pub(super) struct ChainStep {
    dtype: DType,
    x: Ptr,
    out: Ptr,
    /// Each op with its constant (as `f64`; exact for a float32 constant).
    ops: Vec<(LineOp, Arg)>,
    /// Elements per row of the segment.
    per_row: usize,
    /// Whether the last op writes `out` with non-temporal stores (`lines::streams_into`).
    streamed: bool,
    /// The kernel this step replaces (for the report).
    pub(super) run: KernelRun,
}

/// The chain step of a specialised block kernel (`shape`, byte `strides` per operand, block
/// pointers `ptrs`), if it has that form: rank 1, one float input and one output of the same
/// dtype, both contiguous, the body a chain of `+ - * /` each taking the previous value (the
/// load first) and a constant.
pub(super) fn recognise(
    spec: &Kernel,
    shape: &[i64],
    strides: &[Vec<i64>],
    ptrs: &[Ptr],
    block_rows: usize,
    rows: usize,
    run: &KernelRun,
) -> Option<ChainStep> {
    let plain = spec.reduced == 0 && spec.accs.is_empty() && spec.post.is_empty();
    let dtype = spec.operands.first()?.dtype;
    let float = matches!(dtype, DType::Float32 | DType::Float64);
    if !plain || !float || shape.len() != 1 || spec.operands.len() != 2 {
        return None;
    }
    let [store] = spec.stores.as_slice() else {
        return None;
    };
    let (out, x) = (store.operand as usize, 1 - store.operand as usize);
    let item = dtype.itemsize() as i64;
    let layout_ok = spec.operands.iter().all(|o| o.dtype == dtype)
        && spec.operands[out].role == Role::Output
        && spec.operands[x].role == Role::Input
        && strides[out][0] == item
        && strides[x][0] == item;
    if !layout_ok {
        return None;
    }
    let (first, ops) = chain_ops(&spec.pre, dtype, store.value as usize, false)?;
    if first != x {
        return None;
    }
    Some(ChainStep {
        dtype,
        x: *ptrs.get(x)?,
        out: *ptrs.get(out)?,
        ops,
        per_row: (shape[0] / block_rows as i64) as usize,
        streamed: streams_into(*ptrs.get(out)?, rows),
        run: run.clone(),
    })
}

/// The second operand of one op of a chain: a constant (as `f64`; exact for a float32
/// one) or the elements of a kernel operand.
#[derive(Clone, Copy, Debug)]
pub(super) enum Arg {
    Const(f64),
    Operand(usize),
}

/// The ops of a chain whose last value is `result`, and the operand it starts from: each op
/// takes the previous value (for the first op, a load) and a constant or (with `arrays`)
/// another load; without `arrays` the body loads one operand only. `None` for any other body.
pub(super) fn chain_ops(
    pre: &[KInst],
    dtype: DType,
    result: usize,
    arrays: bool,
) -> Option<(usize, Vec<(LineOp, Arg)>)> {
    let mut ops = Vec::new();
    let mut current: Option<u32> = None;
    let mut first = None;
    let mut loads = 0;
    let load = |v: u32| match pre.get(v as usize) {
        Some(KInst::Load(o)) => Some(*o as usize),
        _ => None,
    };
    let arg = |v: u32| match pre.get(v as usize) {
        Some(KInst::Const(s, d)) if *d == dtype => Some(Arg::Const(s.as_f64())),
        Some(KInst::Load(o)) if arrays => Some(Arg::Operand(*o as usize)),
        _ => None,
    };
    for (i, inst) in pre.iter().enumerate() {
        match *inst {
            KInst::Load(_) if arrays || loads == 0 => loads += 1,
            KInst::Const(_, d) if d == dtype => {}
            KInst::Binary(op, d, a, b) if d == dtype && ops.len() < MAX_OPS => {
                let cur = match current {
                    Some(c) => c,
                    None => {
                        // the first op starts from a load: its first operand if that is one
                        let start = if load(a).is_some() { a } else { b };
                        first = Some(load(start)?);
                        start
                    }
                };
                let (c, rev) = match (a == cur, b == cur) {
                    (true, false) => (arg(b)?, false),
                    (false, true) => (arg(a)?, true),
                    _ => return None,
                };
                ops.push((line_op(op, rev)?, c));
                current = Some(i as u32);
            }
            _ => return None,
        }
    }
    (current == Some(result as u32) && !ops.is_empty()).then_some((first?, ops))
}

/// What a chain computes, for `explain` (`c` a constant, `y` an array operand).
pub(super) fn describe_ops(ops: &[(LineOp, Arg)], streamed: bool) -> String {
    let ops: Vec<String> = ops
        .iter()
        .map(|(op, a)| match a {
            Arg::Const(_) => op.text().to_string(),
            Arg::Operand(_) => op.text().replace('c', "y"),
        })
        .collect();
    let stores = if streamed {
        ", non-temporal stores"
    } else {
        ""
    };
    format!(
        "line ops {} at full vector width{stores}",
        ops.join(", then ")
    )
}

impl ChainStep {
    /// What runs instead of the kernel, for `explain`.
    pub(super) fn describe(&self) -> String {
        describe_ops(&self.ops, self.streamed)
    }

    /// Runs the step for the block of `rows` rows starting at row `r0`.
    pub(super) fn run(&self, scratch: &mut [Bytes], r0: usize, rows: usize) {
        let n = rows * self.per_row;
        let x = base_ptr(self.x, scratch, r0);
        let o = base_ptr(self.out, scratch, r0);
        // SAFETY: the pointers were bound and validated for a full block like the kernel this
        // step replaces: `n` contiguous elements of `dtype` of the input (scratch written by
        // an earlier step, or a snapshot read-only during the segment) and of the output (a
        // scratch slot or rows of a full buffer no other block writes), which never overlap.
        unsafe {
            if self.dtype == DType::Float64 {
                let xs = std::slice::from_raw_parts(x.cast::<f64>(), n);
                let out = std::slice::from_raw_parts_mut(o.cast::<f64>(), n);
                self.tiles(xs, out);
            } else {
                let xs = std::slice::from_raw_parts(x.cast::<f32>(), n);
                let out = std::slice::from_raw_parts_mut(o.cast::<f32>(), n);
                self.tiles(xs, out);
            }
        }
    }

    /// The chain over `x` into `out`, tile by tile.
    fn tiles<T: Elem>(&self, x: &[T], out: &mut [T]) {
        let mut tmp = [[T::default(); TILE]; 2];
        let each = |s: Option<&Streamed>, tmp: &mut [[T; TILE]; 2], out: &mut [T]| {
            for (xc, oc) in x.chunks(TILE).zip(out.chunks_mut(TILE)) {
                run_tile(&self.ops, xc, &|_| &[], oc, tmp, s);
            }
        };
        if self.streamed {
            vmath::with_streamed_stores(|s| each(Some(s), &mut tmp, out));
        } else {
            each(None, &mut tmp, out);
        }
    }
}

/// A float element type chains run on, with its line routines.
pub(super) trait Elem: Copy + Default {
    /// The constant `c` in this type.
    fn of(c: f64) -> Self;
    /// `out = x ⊙ y` (`y` a constant or an array), with the streaming stores of `s` if given.
    fn line(s: Option<&Streamed>, op: LineOp, x: &[Self], y: Y<Self>, out: &mut [Self]);
}

/// The second operand of one line op.
#[derive(Clone, Copy)]
pub(super) enum Y<'a, T> {
    C(T),
    A(&'a [T]),
}

macro_rules! elem {
    ($t:ty, $line:ident, $line2:ident) => {
        impl Elem for $t {
            fn of(c: f64) -> $t {
                c as $t
            }
            fn line(s: Option<&Streamed>, op: LineOp, x: &[$t], y: Y<$t>, out: &mut [$t]) {
                match (s, y) {
                    (None, Y::C(c)) => vmath::$line(op, x, c, out),
                    (None, Y::A(a)) => vmath::$line2(op, x, a, out),
                    (Some(s), Y::C(c)) => s.$line(op, x, c, out),
                    (Some(s), Y::A(a)) => s.$line2(op, x, a, out),
                }
            }
        }
    };
}
elem!(f64, line_f64, line2_f64);
elem!(f32, line_f32, line2_f32);

/// One tile (at most [`TILE`] elements) of a chain: `x` through `ops` into `out`, with
/// operand `o`'s elements of this tile from `arg(o)`; each op but the last writes one of the
/// two `tmp` tiles in L1, the last writes `out` (with the streaming stores of `s` if given).
pub(super) fn run_tile<'a, T: Elem>(
    ops: &[(LineOp, Arg)],
    x: &[T],
    arg: &dyn Fn(usize) -> &'a [T],
    out: &mut [T],
    tmp: &mut [[T; TILE]; 2],
    s: Option<&Streamed>,
) {
    let m = out.len();
    let y = |a: Arg| match a {
        Arg::Const(c) => Y::C(T::of(c)),
        Arg::Operand(o) => Y::A(arg(o)),
    };
    let Some(((last_op, last), first)) = ops.split_last() else {
        return;
    };
    let [t0, t1] = tmp;
    let (mut cur, mut next) = (&mut t0[..m], &mut t1[..m]);
    let Some(((op0, a0), rest)) = first.split_first() else {
        return T::line(s, *last_op, x, y(*last), out);
    };
    T::line(None, *op0, x, y(*a0), cur);
    for &(op, a) in rest {
        T::line(None, op, cur, y(a), next);
        std::mem::swap(&mut cur, &mut next);
    }
    T::line(s, *last_op, cur, y(*last), out);
}
