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
use numfuse_codegen::vmath::{self, LineOp};
use numfuse_ir::kernel::{KInst, Kernel, Role};
use numfuse_ir::DType;

/// Elements per tile between two line ops (stays in L1).
const TILE: usize = 256;
/// Ops a chain may have.
const MAX_OPS: usize = 4;

/// `out = ((x ⊙₁ c₁) ⊙₂ c₂) …` over the contiguous elements of a block.
pub(super) struct ChainStep {
    dtype: DType,
    x: Ptr,
    out: Ptr,
    /// Each op with its constant (as `f64`; exact for a float32 constant).
    ops: Vec<(LineOp, f64)>,
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
    let ops = chain_ops(&spec.pre, dtype, store.value as usize)?;
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

/// The ops of a chain whose last value is `result`: the load, then each op of the previous
/// value and a constant; `None` for any other body.
fn chain_ops(pre: &[KInst], dtype: DType, result: usize) -> Option<Vec<(LineOp, f64)>> {
    let mut ops = Vec::new();
    let mut current: Option<usize> = None;
    let constant = |v: u32| match pre.get(v as usize) {
        Some(KInst::Const(s, d)) if *d == dtype => Some(s.as_f64()),
        _ => None,
    };
    for (i, inst) in pre.iter().enumerate() {
        match *inst {
            KInst::Load(_) if current.is_none() => current = Some(i),
            KInst::Const(_, d) if d == dtype => {}
            KInst::Binary(op, d, a, b) if d == dtype && ops.len() < MAX_OPS => {
                let cur = current? as u32;
                let (c, rev) = match (a == cur, b == cur) {
                    (true, false) => (constant(b)?, false),
                    (false, true) => (constant(a)?, true),
                    _ => return None,
                };
                ops.push((line_op(op, rev)?, c));
                current = Some(i);
            }
            _ => return None,
        }
    }
    (current == Some(result) && !ops.is_empty()).then_some(ops)
}

impl ChainStep {
    /// What runs instead of the kernel, for `explain`.
    pub(super) fn describe(&self) -> String {
        let ops: Vec<&str> = self.ops.iter().map(|(op, _)| op.text()).collect();
        let stores = if self.streamed {
            ", non-temporal stores"
        } else {
            ""
        };
        format!(
            "line ops {} at full vector width{stores}",
            ops.join(", then ")
        )
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
                if self.streamed {
                    vmath::with_streamed_stores(|s| {
                        tiles(
                            &self.ops,
                            xs,
                            out,
                            |c| c,
                            vmath::line_f64,
                            |op, x, c, o| s.line_f64(op, x, c, o),
                        )
                    });
                } else {
                    tiles(&self.ops, xs, out, |c| c, vmath::line_f64, vmath::line_f64);
                }
            } else {
                let xs = std::slice::from_raw_parts(x.cast::<f32>(), n);
                let out = std::slice::from_raw_parts_mut(o.cast::<f32>(), n);
                let of = |c| c as f32;
                if self.streamed {
                    vmath::with_streamed_stores(|s| {
                        tiles(&self.ops, xs, out, of, vmath::line_f32, |op, x, c, o| {
                            s.line_f32(op, x, c, o)
                        })
                    });
                } else {
                    tiles(&self.ops, xs, out, of, vmath::line_f32, vmath::line_f32);
                }
            }
        }
    }
}

/// The chain over `x` into `out`, tile by tile: each op but the last writes a tile in L1 (two
/// alternating) with `line`, the last writes `out` with `last_line` (normal or streamed
/// stores).
fn tiles<T: Copy + Default>(
    ops: &[(LineOp, f64)],
    x: &[T],
    out: &mut [T],
    of: impl Fn(f64) -> T,
    line: fn(LineOp, &[T], T, &mut [T]),
    last_line: impl Fn(LineOp, &[T], T, &mut [T]),
) {
    let (mut a, mut b) = ([T::default(); TILE], [T::default(); TILE]);
    let (mut cur, mut next) = (&mut a, &mut b);
    let (last, first) = ops.split_last().expect("a chain has an op");
    for (xc, oc) in x.chunks(TILE).zip(out.chunks_mut(TILE)) {
        let m = xc.len();
        let Some((&(op0, c0), rest)) = first.split_first() else {
            last_line(last.0, xc, of(last.1), oc);
            continue;
        };
        line(op0, xc, of(c0), &mut cur[..m]);
        for &(op, c) in rest {
            line(op, &cur[..m], of(c), &mut next[..m]);
            std::mem::swap(&mut cur, &mut next);
        }
        last_line(last.0, &cur[..m], of(last.1), oc);
    }
}
