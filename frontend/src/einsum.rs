//! `np.einsum` lowered into graph operations, and `np.einsum_path`.
//!
//! Per operand, repeated labels become `diagonal` views and labels used nowhere else are
//! summed; operands are then contracted pairwise in the **cost-optimal order** of
//! `numfuse_optimizer::contract` (FLOPs + elements moved; optimal up to 8 operands, greedy
//! above — `ij,jk,kl->il` with (1000,10),(10,1000),(1000,10) contracts `jk,kl` first): a pair with contracted
//! labels becomes one batched [`Op::MatMul`] (labels kept by both are batch axes; the others
//! are permuted and reshaped into the matrix rows, columns and inner dimension), a pair with
//! none becomes a broadcast multiply. Remaining labels are summed and the result permuted to
//! the output order. [`einsum_path`] reports the order used and its FLOP count (NumPy's
//! convention: 2 per multiply-add).
//!
//! ```
//! use numfuse as nf;
//! let a = nf::array([[1, 2], [3, 4]]);
//! assert_eq!(nf::einsum("ii->", &[a.clone()]).item(), nf::Value::I64(5));
//! assert_eq!(nf::einsum("ij->ji", &[a.clone()]).to_vec::<i64>(), vec![1, 3, 2, 4]);
//! let o = nf::einsum("i,j->ij", &[nf::array([1, 2]), nf::array([3, 4])]);
//! assert_eq!(o.to_vec::<i64>(), vec![3, 4, 6, 8]);
//! ```

use crate::array::{ok, Array};
use crate::einsum_parse::{parse, Label, Spec};
use crate::products::{matmul_node, permute, Loc};
use numfuse_ir::dtype::promote_all;
use numfuse_ir::{BinaryOp, DType, Op, ReduceOp, Result, Shape};
use numfuse_optimizer::contract::{contraction_path, ContractionPath};
use std::collections::HashMap;
use std::panic::Location;

/// An array with one label per axis.
struct Term {
    a: Array,
    labels: Vec<Label>,
}

fn sum_axes(t: Term, drop: &[Label]) -> Result<Term> {
    let axes: Vec<usize> = (0..t.labels.len())
        .filter(|&i| drop.contains(&t.labels[i]))
        .collect();
    if axes.is_empty() {
        return Ok(t);
    }
    let op = Op::Reduce {
        op: ReduceOp::Sum,
        axes: axes.iter().copied().collect(),
    };
    let labels = t
        .labels
        .iter()
        .filter(|l| !drop.contains(l))
        .copied()
        .collect();
    let origin = t.a.origin();
    let a = if t.a.dtype() == DType::Bool {
        // NumPy sums booleans as logical or
        Array::from_op(
            Op::Reduce {
                op: ReduceOp::Any,
                axes: axes.into_iter().collect(),
            },
            vec![t.a],
            origin,
        )?
    } else {
        Array::from_op(op, vec![t.a], origin)?
    };
    Ok(Term { a, labels })
}

/// Collapses repeated labels into diagonals.
fn diagonals(mut t: Term) -> Result<Term> {
    loop {
        let rep = (0..t.labels.len()).find_map(|p| {
            (p + 1..t.labels.len())
                .find(|&q| t.labels[q] == t.labels[p])
                .map(|q| (p, q))
        });
        let Some((p, q)) = rep else { return Ok(t) };
        let mut perm: Vec<usize> = (0..t.labels.len()).filter(|&i| i != p && i != q).collect();
        let mut labels: Vec<Label> = perm.iter().map(|&i| t.labels[i]).collect();
        labels.push(t.labels[p]);
        perm.extend([p, q]);
        let moved = permute(&t.a, &perm)?;
        let origin = moved.origin();
        t = Term {
            a: Array::from_op(Op::Diagonal { offset: 0 }, vec![moved], origin)?,
            labels,
        };
    }
}

fn arrange(t: &Term, order: &[Label], extra_ones: &[usize]) -> Result<Array> {
    let perm: Vec<usize> = order
        .iter()
        .filter_map(|l| t.labels.iter().position(|x| x == l))
        .collect();
    let p = permute(&t.a, &perm)?;
    // insert size-1 axes where requested (positions in the result)
    let mut dims: Vec<usize> = p.shape().to_vec();
    for &pos in extra_ones {
        dims.insert(pos, 1);
    }
    p.try_reshape(dims)
}

fn size(spec: &Spec, ls: &[Label]) -> usize {
    ls.iter().map(|l| spec.sizes[l]).product()
}

/// Broadcasts a term's size-1 axes of the given labels to the full label sizes.
fn widen(t: Term, labels: &[Label], spec: &Spec) -> Result<Term> {
    let target: Vec<usize> = t
        .labels
        .iter()
        .zip(t.a.shape().iter())
        .map(|(l, &d)| if labels.contains(l) { spec.sizes[l] } else { d })
        .collect();
    if target.as_slice() == t.a.shape().dims() {
        return Ok(t);
    }
    let a = t.a.try_broadcast_to(Shape::from(target.as_slice()))?;
    Ok(Term {
        a,
        labels: t.labels,
    })
}

fn contract(a: Term, b: Term, keep: &[Label], spec: &Spec, origin: Loc) -> Result<Term> {
    let a_drop: Vec<Label> = a
        .labels
        .iter()
        .filter(|l| !keep.contains(l) && !b.labels.contains(l))
        .copied()
        .collect();
    let a = sum_axes(a, &a_drop)?;
    let b_drop: Vec<Label> = b
        .labels
        .iter()
        .filter(|l| !keep.contains(l) && !a.labels.contains(l))
        .copied()
        .collect();
    let b = sum_axes(b, &b_drop)?;
    let common: Vec<Label> = a
        .labels
        .iter()
        .filter(|l| b.labels.contains(l))
        .copied()
        .collect();
    let batch: Vec<Label> = common
        .iter()
        .filter(|l| keep.contains(l))
        .copied()
        .collect();
    let inner: Vec<Label> = common
        .iter()
        .filter(|l| !keep.contains(l))
        .copied()
        .collect();
    let a_only: Vec<Label> = a
        .labels
        .iter()
        .filter(|l| !common.contains(l))
        .copied()
        .collect();
    let b_only: Vec<Label> = b
        .labels
        .iter()
        .filter(|l| !common.contains(l))
        .copied()
        .collect();
    let mut labels: Vec<Label> = batch.clone();
    labels.extend(&a_only);
    labels.extend(&b_only);
    if inner.is_empty() {
        let mut ao: Vec<Label> = batch.clone();
        ao.extend(&a_only);
        let ones_a: Vec<usize> = (ao.len()..ao.len() + b_only.len()).collect();
        let ones_b: Vec<usize> = (batch.len()..batch.len() + a_only.len()).collect();
        let mut bo: Vec<Label> = batch.clone();
        bo.extend(&b_only);
        let x = arrange(&a, &ao, &ones_a)?;
        let y = arrange(&b, &bo, &ones_b)?;
        let p = crate::ufunc::binary_at(BinaryOp::Mul, (&x).into(), (&y).into(), origin)?;
        return Ok(Term { a: p, labels });
    }
    let (a, b) = (widen(a, &inner, spec)?, widen(b, &inner, spec)?);
    let mut ao: Vec<Label> = batch.clone();
    ao.extend(&a_only);
    ao.extend(&inner);
    let mut bo: Vec<Label> = batch.clone();
    bo.extend(&inner);
    bo.extend(&b_only);
    let bdims = |t: &Term| -> Vec<usize> {
        batch
            .iter()
            .map(|l| t.a.shape()[t.labels.iter().position(|x| x == l).unwrap_or(0)])
            .collect()
    };
    let (ba, bb) = (bdims(&a), bdims(&b));
    let actual = |t: &Term, ls: &[Label]| -> Vec<usize> {
        ls.iter()
            .map(|l| t.a.shape()[t.labels.iter().position(|x| x == l).unwrap_or(0)])
            .collect()
    };
    let (am, bn) = (actual(&a, &a_only), actual(&b, &b_only));
    let (m, k, n) = (am.iter().product(), size(spec, &inner), bn.iter().product());
    let xa = arrange(&a, &ao, &[])?;
    let xb = arrange(&b, &bo, &[])?;
    let mut da = ba.clone();
    da.extend([m, k]);
    let mut db = bb.clone();
    db.extend([k, n]);
    let r = matmul_node(&xa.try_reshape(da)?, &xb.try_reshape(db)?, origin)?;
    let mut dims: Vec<usize> = r.shape()[..batch.len()].to_vec();
    dims.extend(am.iter().chain(&bn));
    Ok(Term {
        a: r.try_reshape(dims)?,
        labels,
    })
}

/// A label as a `char` for the contraction planner (private-use code points, all distinct).
fn label_char(l: Label) -> char {
    char::from_u32(0xE000 + l).unwrap_or('\u{E000}')
}

/// The cost-optimal pairwise order (optimizer's `contraction_path`) for operands with these
/// labels.
fn plan(labels: &[Vec<Label>], spec: &Spec) -> Result<ContractionPath> {
    let ops: Vec<Vec<char>> = labels
        .iter()
        .map(|ls| ls.iter().map(|&l| label_char(l)).collect())
        .collect();
    let out: Vec<char> = spec.output.iter().map(|&l| label_char(l)).collect();
    let sizes: HashMap<char, usize> = spec
        .sizes
        .iter()
        .map(|(&l, &n)| (label_char(l), n))
        .collect();
    contraction_path(&ops, &out, &sizes)
}

/// Contracts the terms pairwise in the cost-optimal order; each step keeps the labels the
/// output or a remaining term needs.
fn contract_all(terms: Vec<Term>, spec: &Spec, origin: Loc) -> Result<Term> {
    let labels: Vec<Vec<Label>> = terms.iter().map(|t| t.labels.clone()).collect();
    let path = plan(&labels, spec)?;
    let mut list = terms;
    for step in &path.steps {
        let (i, j) = step.operands;
        let b = list.remove(j);
        let a = list.remove(i);
        let mut keep = spec.output.clone();
        for t in &list {
            keep.extend(&t.labels);
        }
        list.push(contract(a, b, &keep, spec, origin)?);
    }
    list.pop()
        .ok_or_else(|| numfuse_ir::Error::Value("No input operands".into()))
}

fn einsum_at(subscripts: &str, operands: &[Array], origin: Loc) -> Result<Array> {
    let shapes: Vec<Shape> = operands.iter().map(|a| a.shape().clone()).collect();
    let spec = parse(subscripts, &shapes)?;
    let dtype = promote_all(&operands.iter().map(|a| a.dtype()).collect::<Vec<_>>());
    let mut terms = Vec::with_capacity(operands.len());
    for (i, (a, ls)) in operands.iter().zip(&spec.inputs).enumerate() {
        let a = crate::ufunc::cast_to(a, dtype, origin)?;
        let t = diagonals(Term {
            a,
            labels: ls.clone(),
        })?;
        let others: Vec<Label> = spec
            .inputs
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .flat_map(|(_, l)| l.iter().copied())
            .chain(spec.output.iter().copied())
            .collect();
        let drop: Vec<Label> = t
            .labels
            .iter()
            .filter(|l| !others.contains(l))
            .copied()
            .collect();
        terms.push(sum_axes(t, &drop)?);
    }
    let acc = contract_all(terms, &spec, origin)?;
    let drop: Vec<Label> = acc
        .labels
        .iter()
        .filter(|l| !spec.output.contains(l))
        .copied()
        .collect();
    let acc = sum_axes(acc, &drop)?;
    let acc = widen(acc, &spec.output, &spec)?;
    let perm: Vec<usize> = spec
        .output
        .iter()
        .map(|l| acc.labels.iter().position(|x| x == l).unwrap_or(0))
        .collect();
    permute(&acc.a, &perm)
}

/// `np.einsum(subscripts, *operands)` (fallible): NumPy's subscript grammar and errors.
#[track_caller]
pub fn try_einsum(subscripts: &str, operands: &[Array]) -> Result<Array> {
    einsum_at(subscripts, operands, Location::caller())
}
/// `np.einsum(subscripts, *operands)`.
#[track_caller]
pub fn einsum(subscripts: &str, operands: &[Array]) -> Array {
    ok(try_einsum(subscripts, operands))
}

/// What [`einsum_path`] reports: the contraction order used by [`einsum`] and its cost.
#[derive(Clone, Debug, PartialEq)]
pub struct EinsumPath {
    /// NumPy's path format: each pair indexes the current operand list; the pair is removed
    /// and its result appended.
    pub path: Vec<(usize, usize)>,
    /// FLOPs of the pairwise contractions (2 per multiply-add, 1 per plain product).
    pub flops: f64,
    /// FLOPs of the naive single loop over every label.
    pub naive_flops: f64,
}

/// `np.einsum_path(subscripts, *operands)` (fallible): the cost-optimal order [`einsum`]
/// uses (optimal up to 8 operands, greedy above) and its FLOPs.
pub fn try_einsum_path(subscripts: &str, operands: &[Array]) -> Result<EinsumPath> {
    let shapes: Vec<Shape> = operands.iter().map(|a| a.shape().clone()).collect();
    let spec = parse(subscripts, &shapes)?;
    let n = spec.inputs.len();
    // per operand: repeated labels are one axis (a diagonal)
    let labels: Vec<Vec<Label>> = spec
        .inputs
        .iter()
        .map(|ls| {
            let mut seen = Vec::new();
            for &l in ls {
                if !seen.contains(&l) {
                    seen.push(l);
                }
            }
            seen
        })
        .collect();
    let p = plan(&labels, &spec)?;
    let mut all: Vec<Label> = spec.inputs.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let naive_total = all.iter().map(|l| spec.sizes[l] as f64).product::<f64>();
    let inner = all.iter().any(|l| !spec.output.contains(l));
    let factor = ((n.max(2) - 1) + usize::from(inner)) as f64;
    Ok(EinsumPath {
        path: p.steps.iter().map(|s| s.operands).collect(),
        flops: p.flops,
        naive_flops: naive_total * factor,
    })
}
/// `np.einsum_path(subscripts, *operands)`.
#[track_caller]
pub fn einsum_path(subscripts: &str, operands: &[Array]) -> EinsumPath {
    ok(try_einsum_path(subscripts, operands))
}
