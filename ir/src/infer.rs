//! Shape and dtype inference: the single definition of what each [`Op`] produces. The frontend
//! calls it when building nodes and [`Graph::verify`](crate::Graph::verify) re-runs it.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::op::{BinaryOp, Op, ReduceOp, SliceAxis};
use crate::shape::{broadcast_shapes, Shape};
use crate::ufunc::{binary_loops, unary_loops};
use smallvec::SmallVec;

/// The type of a value in the graph: its shape and dtype.
pub type Ty = (Shape, DType);

fn invalid(msg: String) -> Error {
    Error::Value(format!("invalid graph: {msg}"))
}

fn expect_arity(op: &Op, inputs: &[Ty], n: usize) -> Result<()> {
    if inputs.len() != n {
        return Err(invalid(format!(
            "{} takes {n} inputs, got {}",
            op.mnemonic(),
            inputs.len()
        )));
    }
    Ok(())
}

fn same_shapes(op: &Op, inputs: &[Ty]) -> Result<Shape> {
    let s = &inputs[0].0;
    if inputs.iter().any(|(t, _)| t != s) {
        let shapes: Vec<String> = inputs.iter().map(|(t, _)| t.to_string()).collect();
        return Err(invalid(format!(
            "{} needs equal (pre-broadcast) shapes, got {}",
            op.mnemonic(),
            shapes.join(" ")
        )));
    }
    Ok(s.clone())
}

/// Derives the output type of `op` applied to `inputs`. `Op::Input` is typed by the graph, not here.
pub fn infer(op: &Op, inputs: &[Ty]) -> Result<Ty> {
    match op {
        Op::Input(_) => Err(invalid("inputs are typed by the graph".into())),
        Op::Const { dtype, .. } => {
            expect_arity(op, inputs, 0)?;
            Ok((Shape::scalar(), *dtype))
        }
        Op::Iota { shape, axis } => {
            expect_arity(op, inputs, 0)?;
            if *axis >= shape.ndim().max(1) {
                return Err(invalid(format!("iota axis {axis} for shape {shape}")));
            }
            Ok((shape.clone(), DType::Int64))
        }
        Op::Unary(u) => {
            expect_arity(op, inputs, 1)?;
            let d = inputs[0].1;
            if !unary_loops(*u).contains(d) {
                return Err(invalid(format!("{u} has no {d} loop")));
            }
            let (_, out) = crate::ufunc::resolve_unary(*u, d)?;
            Ok((inputs[0].0.clone(), out))
        }
        Op::Binary(b) => {
            expect_arity(op, inputs, 2)?;
            let shape = same_shapes(op, inputs)?;
            let d = inputs[0].1;
            if inputs[1].1 != d || !binary_loops(*b).contains(d) {
                return Err(invalid(format!("{b} has no ({d}, {}) loop", inputs[1].1)));
            }
            let out = b.result_dtype(d);
            if *b == BinaryOp::Sub && d == DType::Bool {
                return Err(invalid("subtract has no bool loop".into()));
            }
            Ok((shape, out))
        }
        Op::Where => {
            expect_arity(op, inputs, 3)?;
            let shape = same_shapes(op, inputs)?;
            if inputs[0].1 != DType::Bool || inputs[1].1 != inputs[2].1 {
                return Err(invalid("where needs (bool, T, T)".into()));
            }
            Ok((shape, inputs[1].1))
        }
        Op::Cast(d) => {
            expect_arity(op, inputs, 1)?;
            Ok((inputs[0].0.clone(), *d))
        }
        Op::Copy => {
            expect_arity(op, inputs, 1)?;
            Ok(inputs[0].clone())
        }
        Op::Reduce { op: r, axes } => {
            expect_arity(op, inputs, 1)?;
            let (s, d) = &inputs[0];
            let out = remove_axes(s, axes)?;
            let dtype = match r {
                ReduceOp::Any | ReduceOp::All => DType::Bool,
                _ => *d,
            };
            Ok((out, dtype))
        }
        Op::ArgReduce { axis, .. } => {
            expect_arity(op, inputs, 1)?;
            Ok((remove_axes(&inputs[0].0, &[*axis])?, DType::Int64))
        }
        Op::Scan { axis, .. } => {
            expect_arity(op, inputs, 1)?;
            check_axes(&inputs[0].0, &[*axis])?;
            Ok(inputs[0].clone())
        }
        Op::Reshape(to) => {
            expect_arity(op, inputs, 1)?;
            if to.size() != inputs[0].0.size() {
                return Err(invalid(format!("reshape {} to {to}", inputs[0].0)));
            }
            Ok((to.clone(), inputs[0].1))
        }
        Op::Permute(perm) => {
            expect_arity(op, inputs, 1)?;
            let s = &inputs[0].0;
            let mut seen = vec![false; s.ndim()];
            if perm.len() != s.ndim()
                || perm
                    .iter()
                    .any(|&p| p >= s.ndim() || std::mem::replace(&mut seen[p], true))
            {
                return Err(invalid(format!("permutation {perm:?} of {s}")));
            }
            let dims: SmallVec<[usize; 4]> = perm.iter().map(|&p| s[p]).collect();
            Ok((Shape(dims), inputs[0].1))
        }
        Op::Broadcast(to) => {
            expect_arity(op, inputs, 1)?;
            let s = &inputs[0].0;
            match broadcast_shapes(&[s.clone(), to.clone()]) {
                Some(b) if &b == to => Ok((to.clone(), inputs[0].1)),
                _ => Err(Error::BroadcastTo {
                    from: s.clone(),
                    to: to.clone(),
                }),
            }
        }
        Op::Slice(axes) => {
            expect_arity(op, inputs, 1)?;
            let s = &inputs[0].0;
            if axes.len() != s.ndim() || axes.iter().zip(s.iter()).any(|(a, &n)| !slice_fits(a, n))
            {
                return Err(invalid(format!("slice {} of {s}", op.mnemonic())));
            }
            let dims: SmallVec<[usize; 4]> = axes.iter().map(|a| a.len).collect();
            Ok((Shape(dims), inputs[0].1))
        }
        Op::MatMul => {
            expect_arity(op, inputs, 2)?;
            crate::linalg_op::infer_matmul(&inputs[0], &inputs[1])
        }
        Op::MatMulEpilogue(e) => crate::linalg_op::infer_matmul_epilogue(e, inputs),
        Op::Linalg(l) => crate::linalg_op::infer_linalg(*l, inputs),
        Op::Fft(f) => {
            expect_arity(op, inputs, 1)?;
            crate::linalg_op::infer_fft(f, &inputs[0])
        }
        Op::Moments { reduced } => {
            expect_arity(op, inputs, 1)?;
            let (s, d) = &inputs[0];
            if !matches!(d, DType::Float32 | DType::Float64) || *reduced > s.ndim() {
                return Err(invalid(format!("moments over {reduced} axes of {s} {d}")));
            }
            let dims: SmallVec<[usize; 4]> = [2]
                .into_iter()
                .chain(s[*reduced..].iter().copied())
                .collect();
            Ok((Shape(dims), *d))
        }
        Op::Diagonal { offset } => {
            expect_arity(op, inputs, 1)?;
            let s = &inputs[0].0;
            if s.ndim() < 2 {
                return Err(Error::Value(
                    "diag requires an array of at least two dimensions".into(),
                ));
            }
            let (r, c) = (s[s.ndim() - 2] as isize, s[s.ndim() - 1] as isize);
            let len = if *offset >= 0 {
                (c - offset).min(r)
            } else {
                (r + offset).min(c)
            }
            .max(0);
            let mut dims: SmallVec<[usize; 4]> = s[..s.ndim() - 2].iter().copied().collect();
            dims.push(len as usize);
            Ok((Shape(dims), inputs[0].1))
        }
    }
}

/// Whether a normalised slice stays inside an axis of length `n`.
pub fn slice_fits(a: &SliceAxis, n: usize) -> bool {
    if a.step == 0 {
        return false;
    }
    if a.len == 0 {
        return true;
    }
    let last = a.start as isize + (a.len as isize - 1) * a.step;
    a.start < n && last >= 0 && (last as usize) < n
}

fn check_axes(s: &Shape, axes: &[usize]) -> Result<()> {
    let sorted = axes.windows(2).all(|w| w[0] < w[1]);
    if !sorted || axes.iter().any(|&a| a >= s.ndim()) {
        return Err(invalid(format!("axes {axes:?} for shape {s}")));
    }
    Ok(())
}

fn remove_axes(s: &Shape, axes: &[usize]) -> Result<Shape> {
    check_axes(s, axes)?;
    let dims: SmallVec<[usize; 4]> = s
        .iter()
        .enumerate()
        .filter(|(i, _)| !axes.contains(i))
        .map(|(_, &d)| d)
        .collect();
    Ok(Shape(dims))
}
