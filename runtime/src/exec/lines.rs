//! Line steps of a segment: a compiled kernel of the form `out = x ⊙ c` — one `+ - * /` of a
//! float array and a value that is constant along each line (softmax's `e / sum(e)` per row)
//! — runs through the ahead-of-time routines of `vmath::line_f64` at the CPU's full vector
//! width instead of its Cranelift code (128-bit vectors: on AMD Zen 3 half the division
//! throughput). When the next step is a vector-math transcendental of that result alone
//! (softmax's `exp(x - max)`), the two become one pass: each line is computed into the
//! transcendental's output and transformed there while it is in L1, and the intermediate
//! block is never written. When the kernel after that sums each line (softmax's `sum(e)`),
//! the line step takes it over too (`line_sums.rs`). Each element gets the same IEEE
//! operation as in the kernel, so the bits do not change.

use super::blocks::{base_ptr, BlockStep, Home, Ptr};
use super::line_sums::LineSums;
use super::KernelRun;
use crate::buffer::Bytes;
use numfuse_codegen::vmath::{self, LineOp, Streamed, UnaryFn};
use numfuse_ir::kernel::{KInst, Kernel, Role};
use numfuse_ir::{BinaryOp, DType, NodeId};

/// Lines at least this long get the fused transcendental applied per line (in L1); shorter
/// lines get it once over the block afterwards.
const PER_LINE_MATH: usize = 256;

/// A line step whose output is a full buffer at least this large writes it with
/// non-temporal stores (`vmath::with_streamed_stores`, one fence per block): such an output does not stay in the
/// caches for its next reader anyway, and streaming skips the read-for-ownership of every
/// line (softmax's division step on AMD Zen 4: 1.3–1.9 → 1.0–1.2 ms).
pub(super) const STREAM_BYTES: i64 = 8 << 20;

/// Whether a block step writing `out` over a segment of `rows` rows should use non-temporal
/// stores: `out` is a full buffer of at least [`STREAM_BYTES`] and the CPU has them.
pub(super) fn streams_into(out: Ptr, rows: usize) -> bool {
    match out {
        Ptr::Inside {
            home: Home::Full { row_bytes, .. },
            ..
        } => row_bytes * rows as i64 >= STREAM_BYTES && vmath::streams(),
        _ => false,
    }
}

/// `out[l, j] = x[l, j] ⊙ c[l]` over the lines of a block, optionally followed by `then`.
pub(super) struct LineStep {
    op: LineOp,
    dtype: DType,
    x: Ptr,
    c: Ptr,
    out: Ptr,
    /// Byte strides between consecutive lines of `x`, `c` and `out`.
    x_line: i64,
    c_line: i64,
    out_line: i64,
    /// Lines per row of the segment, and elements per line.
    per_row: i64,
    width: usize,
    /// A transcendental applied in place to the result, and the node it computes.
    pub(super) then: Option<(UnaryFn, NodeId)>,
    /// Whether `out` is written with non-temporal stores (see [`STREAM_BYTES`]).
    streamed: bool,
    /// The sums of the lines of the result, taken over from the next kernel.
    pub(super) sums: Option<Box<LineSums>>,
    /// The kernel this step replaces (for the report).
    pub(super) run: KernelRun,
}

/// The line op of a specialised block kernel (`shape`, byte `strides` per operand, block
/// pointers `ptrs`), if it has that form: rank 2, two float inputs and one output of the
/// same dtype, the body one `+ - * /` of the two loads, one input and the output contiguous
/// along the line, the other input constant along it.
pub(super) fn recognise(
    spec: &Kernel,
    shape: &[i64],
    strides: &[Vec<i64>],
    ptrs: &[Ptr],
    block_rows: usize,
    run: &KernelRun,
) -> Option<LineStep> {
    if shape.len() != 2 || spec.reduced != 0 || !spec.accs.is_empty() || !spec.post.is_empty() {
        return None;
    }
    let dtype = spec.operands.first()?.dtype;
    let float = matches!(dtype, DType::Float32 | DType::Float64);
    if !float || spec.operands.len() != 3 || spec.operands.iter().any(|o| o.dtype != dtype) {
        return None;
    }
    let [KInst::Load(a), KInst::Load(b), KInst::Binary(op, d, va, vb)] = spec.pre.as_slice() else {
        return None;
    };
    let [store] = spec.stores.as_slice() else {
        return None;
    };
    if *d != dtype || store.value != 2 || (*va, *vb) == (0, 0) || (*va, *vb) == (1, 1) {
        return None;
    }
    // operands in the order of the expression: first, second
    let (first, second) = if (*va, *vb) == (0, 1) {
        (*a as usize, *b as usize)
    } else {
        (*b as usize, *a as usize)
    };
    let out = store.operand as usize;
    let roles_ok = spec.operands[out].role == Role::Output
        && spec.operands[first].role == Role::Input
        && spec.operands[second].role == Role::Input;
    let item = dtype.itemsize() as i64;
    let along = |o: usize| strides[o][1];
    if !roles_ok || along(out) != item {
        return None;
    }
    // the line is whichever input is contiguous along it; the other is constant
    let (x, c, rev) = match (along(first), along(second)) {
        (s, 0) if s == item => (first, second, false),
        (0, s) if s == item => (second, first, true),
        _ => return None,
    };
    let op = line_op(*op, rev)?;
    let per_row = shape[0] / block_rows as i64;
    Some(LineStep {
        op,
        dtype,
        x: ptrs[x],
        c: ptrs[c],
        out: ptrs[out],
        x_line: strides[x][0],
        c_line: strides[c][0],
        out_line: strides[out][0],
        per_row,
        width: shape[1] as usize,
        then: None,
        streamed: false,
        sums: None,
        run: run.clone(),
    })
}

/// The line op of `op` with the scalar second (`rev`: first), if it is a `+ - * /`.
pub(super) fn line_op(op: BinaryOp, rev: bool) -> Option<LineOp> {
    Some(match (op, rev) {
        (BinaryOp::Add, false) => LineOp::Add,
        (BinaryOp::Add, true) => LineOp::AddRev,
        (BinaryOp::Sub, false) => LineOp::Sub,
        (BinaryOp::Sub, true) => LineOp::SubRev,
        (BinaryOp::Mul, false) => LineOp::Mul,
        (BinaryOp::Mul, true) => LineOp::MulRev,
        (BinaryOp::Div, false) => LineOp::Div,
        (BinaryOp::Div, true) => LineOp::DivRev,
        _ => return None,
    })
}

impl LineStep {
    /// What runs instead of the kernel, for `explain`.
    pub(super) fn describe(&self) -> String {
        let stores = if self.streamed {
            ", non-temporal stores"
        } else {
            ""
        };
        format!("line op {} at full vector width{stores}", self.op.text())
    }

    /// Writes the output with non-temporal stores when it is a full buffer of at least
    /// [`STREAM_BYTES`] over the segment's `rows` rows and the CPU has them.
    pub(super) fn stream_if_large(&mut self, rows: usize) {
        self.streamed = streams_into(self.out, rows);
    }

    /// Takes over `math` (the next step) when it transforms this step's result alone:
    /// its input is this step's block-local output, read by nothing else, laid out as the
    /// contiguous lines `math` transforms. Returns `math` back when it does not fit.
    pub(super) fn absorb(&mut self, math: BlockStep, input_single_use: bool) -> Option<BlockStep> {
        let BlockStep::Math {
            f,
            dtype,
            input,
            output,
            row_elems,
            node,
        } = math
        else {
            return Some(math);
        };
        let item = dtype.itemsize() as i64;
        let fits = input_single_use
            && self.then.is_none()
            && self.sums.is_none() // sums taken over were of the values before `math`
            && !self.streamed
            && dtype == self.dtype
            && matches!((self.out, input), (Ptr::Inside { home: Home::Local(a), offset: 0 }, Home::Local(b)) if a == b)
            && self.out_line == self.width as i64 * item
            && self.per_row * self.width as i64 == row_elems as i64;
        if !fits {
            return Some(BlockStep::Math {
                f,
                dtype,
                input,
                output,
                row_elems,
                node,
            });
        }
        self.out = Ptr::Inside {
            home: output,
            offset: 0,
        };
        self.then = Some((f, node));
        self.run.aot = Some(format!(
            "line op {} at full vector width, then {} in place",
            self.op.text(),
            f.name()
        ));
        None
    }

    /// Takes over `sums` (the next kernel) when it sums the lines this step has just written
    /// (after the transcendental, when that runs per line); returns it back when not.
    pub(super) fn absorb_sums(&mut self, sums: LineSums, block_rows: usize) -> Option<LineSums> {
        let item = self.dtype.itemsize() as i64;
        let fits = self.sums.is_none()
            && !self.streamed
            && (self.then.is_none() || self.width >= PER_LINE_MATH)
            && sums.dtype == self.dtype
            && sums.input == self.out
            && sums.in_line == self.out_line
            && sums.width == self.width as i64
            && sums.lines == self.per_row * block_rows as i64
            && self.out_line >= self.width as i64 * item;
        if !fits {
            return Some(sums);
        }
        let mut sums = sums;
        sums.run.aot = Some("row sums taken in the line op before it".into());
        self.sums = Some(Box::new(sums));
        None
    }

    /// Runs the step for the block of `rows` rows starting at row `r0`.
    pub(super) fn run(&self, scratch: &mut [Bytes], r0: usize, rows: usize) {
        let lines = rows as i64 * self.per_row;
        let (x0, c0, o0) = (
            base_ptr(self.x, scratch, r0),
            base_ptr(self.c, scratch, r0),
            base_ptr(self.out, scratch, r0),
        );
        let w = self.width;
        let per_line = self.then.filter(|_| w >= PER_LINE_MATH).map(|t| t.0);
        let sums0 = self.sums.as_ref().map(|s| base_ptr(s.out, scratch, r0));
        let each_line = |streamed: Option<&Streamed>| {
            for l in 0..lines {
                let x = x0.wrapping_offset((l * self.x_line) as isize);
                let c = c0.wrapping_offset((l * self.c_line) as isize);
                let o = o0.wrapping_offset((l * self.out_line) as isize);
                // SAFETY: the pointers were bound and validated for a full block like the
                // kernel they replace: line `l < lines` of `x` and `out` holds `w` contiguous
                // elements of `dtype` and `c` one, inside this block's rows (scratch of this
                // thread, rows of a full buffer no other block writes, or snapshots read-only
                // during the segment); `out` is a kernel output: a scratch slot or full
                // buffer of its own, never overlapping an input of the segment (`line` also
                // guards `out == x`).
                unsafe { line(self.op, self.dtype, x, c, o, w, per_line, streamed) };
                if let (Some(s), Some(s0)) = (&self.sums, sums0) {
                    // SAFETY: line `l` of `out` was just written in full (`w` elements, lines
                    // `out_line ≥ w` elements apart, checked in `absorb_sums`); `s0` is the
                    // block's sums, bound for the full block like the kernel they replace.
                    unsafe { s.store(s0, l, o, w) };
                }
            }
        };
        if self.streamed {
            vmath::with_streamed_stores(|s| each_line(Some(s)));
        } else {
            each_line(None);
        }
        if let Some((f, _)) = self.then.filter(|_| w < PER_LINE_MATH) {
            let n = lines as usize * w;
            // SAFETY: the lines written above are `n` contiguous elements (`out_line` is `w`
            // elements, checked in `absorb`).
            unsafe { math(f, self.dtype, o0, n) };
        }
    }
}

/// One line: `o[j] = x[j] ⊙ *c` (with the non-temporal stores of `streamed` if given), then
/// `f` in place.
///
/// # Safety
/// `x` and `o` address `w` elements of `dtype`, `c` one; `o` is `x` or does not overlap it.
#[allow(clippy::too_many_arguments)]
unsafe fn line(
    op: LineOp,
    dtype: DType,
    x: *mut u8,
    c: *mut u8,
    o: *mut u8,
    w: usize,
    f: Option<UnaryFn>,
    streamed: Option<&Streamed>,
) {
    // SAFETY: forwarded from the caller; an `o` equal to `x` (which the binding never
    // produces) reads a copy of the line instead of aliasing it.
    unsafe {
        if dtype == DType::Float64 {
            let c = c.cast::<f64>().read_unaligned();
            let out = std::slice::from_raw_parts_mut(o.cast::<f64>(), w);
            let copy;
            let xs = if x == o {
                copy = out.to_vec();
                &copy[..]
            } else {
                std::slice::from_raw_parts(x.cast(), w)
            };
            match streamed {
                Some(s) => s.line_f64(op, xs, c, out),
                None => vmath::line_f64(op, xs, c, out),
            }
        } else {
            let c = c.cast::<f32>().read_unaligned();
            let out = std::slice::from_raw_parts_mut(o.cast::<f32>(), w);
            let copy;
            let xs = if x == o {
                copy = out.to_vec();
                &copy[..]
            } else {
                std::slice::from_raw_parts(x.cast(), w)
            };
            match streamed {
                Some(s) => s.line_f32(op, xs, c, out),
                None => vmath::line_f32(op, xs, c, out),
            }
        }
        if let Some(f) = f {
            math(f, dtype, o, w);
        }
    }
}

/// `f` in place over `n` elements of `dtype` at `p`.
///
/// # Safety
/// `p` addresses `n` elements of `dtype` that nothing else accesses meanwhile.
unsafe fn math(f: UnaryFn, dtype: DType, p: *mut u8, n: usize) {
    // SAFETY: forwarded from the caller.
    unsafe {
        if dtype == DType::Float64 {
            vmath::unary_f64(f, std::slice::from_raw_parts_mut(p.cast(), n))
        } else {
            vmath::unary_f32(f, std::slice::from_raw_parts_mut(p.cast(), n))
        }
    }
}
