//! Matrix and tensor products: `matmul` (NumPy's gufunc rules: 1-D promotion, broadcast batch
//! axes), `dot`, `vdot`, `inner`, `outer`, `tensordot`, `trace`, `kron`, `linalg.multi_dot`,
//! `linalg.matrix_power` (the last two in `chain.rs`). Every product lowers to one [`Op::MatMul`] node (after permutes and
//! reshapes, which are views) or to broadcast multiplies, so the optimizer sees plain graph
//! operations.
//!
//! ```
//! use numfuse as nf;
//! let a = nf::array([[1, 2], [3, 4]]);
//! let b = nf::array([[5, 6], [7, 8]]);
//! assert_eq!(nf::dot(&a, &b).to_vec::<i64>(), vec![19, 22, 43, 50]);
//! assert_eq!(a.matmul(&nf::array([1, 1])).to_vec::<i64>(), vec![3, 7]);
//! assert_eq!(nf::trace(&a, 0, 0, 1).item_f64(), 5.0);
//! ```

use crate::array::{ok, Array};
use crate::convert::IntoArray;
use crate::ufunc::{binary_at, cast_to, unary_at};
use numfuse_ir::shape::normalize_axis;
use numfuse_ir::{promote, BinaryOp, Error, Op, Result, Shape, UnaryOp};
use std::panic::Location;

pub(crate) type Loc = &'static Location<'static>;

pub(crate) fn reshape(a: &Array, dims: &[usize]) -> Result<Array> {
    let s = Shape::from(dims);
    if a.shape() == &s {
        return Ok(a.clone());
    }
    Array::from_op(Op::Reshape(s), vec![a.clone()], a.origin())
}

pub(crate) fn permute(a: &Array, perm: &[usize]) -> Result<Array> {
    if perm.iter().enumerate().all(|(i, &p)| i == p) {
        return Ok(a.clone());
    }
    Array::from_op(
        Op::Permute(perm.iter().copied().collect()),
        vec![a.clone()],
        a.origin(),
    )
}

/// The raw `MatMul` node on `(..., m, k)` and `(..., k, n)` after promotion to one dtype.
pub(crate) fn matmul_node(a: &Array, b: &Array, origin: Loc) -> Result<Array> {
    let d = promote(a.dtype(), b.dtype());
    let (a, b) = (cast_to(a, d, origin)?, cast_to(b, d, origin)?);
    Array::from_op(Op::MatMul, vec![a, b], origin)
}

fn mul(a: &Array, b: &Array, origin: Loc) -> Result<Array> {
    binary_at(BinaryOp::Mul, a.into(), b.into(), origin)
}

/// `np.matmul(a, b)` / `a @ b` with NumPy's rules.
pub(crate) fn matmul_at(a: &Array, b: &Array, origin: Loc) -> Result<Array> {
    for (i, x) in [a, b].iter().enumerate() {
        if x.ndim() == 0 {
            return Err(Error::Value(format!(
                "matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
            )));
        }
    }
    batch_check(a, b)?;
    let a2 = if a.ndim() == 1 {
        reshape(a, &[1, a.size()])?
    } else {
        a.clone()
    };
    let b2 = if b.ndim() == 1 {
        reshape(b, &[b.size(), 1])?
    } else {
        b.clone()
    };
    let r = matmul_node(&a2, &b2, origin)?;
    let mut dims: Vec<usize> = r.shape().to_vec();
    if b.ndim() == 1 {
        dims.pop();
    }
    if a.ndim() == 1 {
        dims.remove(dims.len() - if b.ndim() == 1 { 1 } else { 2 });
    }
    reshape(&r, &dims)
}

/// NumPy's error for batch axes that do not broadcast.
fn batch_check(a: &Array, b: &Array) -> Result<()> {
    let batch = |x: &Array| Shape::from(&x.shape()[..x.ndim().saturating_sub(2)]);
    if numfuse_ir::broadcast_shapes(&[batch(a), batch(b)]).is_some() {
        return Ok(());
    }
    let remap = |x: &Array| {
        let mut d: Vec<String> = batch(x).iter().map(|v| v.to_string()).collect();
        d.extend(["newaxis".to_string(), "newaxis".to_string()]);
        format!("{}->({})", x.shape(), d.join(","))
    };
    let (m, n) = (a.shape()[a.ndim() - 2], b.shape()[b.ndim() - 1]);
    Err(Error::Value(format!(
        "operands could not be broadcast together with remapped shapes [original->remapped]: {} {}  and requested shape ({m},{n})",
        remap(a),
        remap(b)
    )))
}

/// `np.tensordot(a, b, axes=(a_axes, b_axes))`.
pub(crate) fn tensordot_at(
    a: &Array,
    b: &Array,
    a_axes: &[isize],
    b_axes: &[isize],
    origin: Loc,
) -> Result<Array> {
    if a_axes.len() != b_axes.len() {
        return Err(Error::Value("shape-mismatch for sum".into()));
    }
    let ax: Vec<usize> = a_axes
        .iter()
        .map(|&x| normalize_axis(x, a.ndim()))
        .collect::<Result<_>>()?;
    let bx: Vec<usize> = b_axes
        .iter()
        .map(|&x| normalize_axis(x, b.ndim()))
        .collect::<Result<_>>()?;
    if ax
        .iter()
        .zip(&bx)
        .any(|(&i, &j)| a.shape()[i] != b.shape()[j])
    {
        return Err(Error::Value("shape-mismatch for sum".into()));
    }
    let a_free: Vec<usize> = (0..a.ndim()).filter(|i| !ax.contains(i)).collect();
    let b_free: Vec<usize> = (0..b.ndim()).filter(|i| !bx.contains(i)).collect();
    let k: usize = ax.iter().map(|&i| a.shape()[i]).product();
    let m: usize = a_free.iter().map(|&i| a.shape()[i]).product();
    let n: usize = b_free.iter().map(|&i| b.shape()[i]).product();
    let pa: Vec<usize> = a_free.iter().chain(&ax).copied().collect();
    let pb: Vec<usize> = bx.iter().chain(&b_free).copied().collect();
    let a2 = reshape(&permute(a, &pa)?, &[m, k])?;
    let b2 = reshape(&permute(b, &pb)?, &[k, n])?;
    let r = matmul_node(&a2, &b2, origin)?;
    let dims: Vec<usize> = a_free
        .iter()
        .map(|&i| a.shape()[i])
        .chain(b_free.iter().map(|&i| b.shape()[i]))
        .collect();
    reshape(&r, &dims)
}

pub(crate) fn dot_at(a: &Array, b: &Array, origin: Loc) -> Result<Array> {
    match (a.ndim(), b.ndim()) {
        (0, _) | (_, 0) => mul(a, b, origin),
        (_, 1) | (1, _) => matmul_at(a, b, origin).map_err(|e| dot_error(e, a, b)),
        _ => tensordot_at(a, b, &[-1], &[-2], origin).map_err(|e| dot_error(e, a, b)),
    }
}

fn dot_error(e: Error, a: &Array, b: &Array) -> Error {
    let (sa, sb) = (a.shape(), b.shape());
    let ka = sa[sa.ndim() - 1];
    let kb = if sb.ndim() >= 2 {
        sb[sb.ndim() - 2]
    } else {
        sb[0]
    };
    match e {
        Error::Value(_) if ka != kb => Error::Value(format!(
            "shapes {sa} and {sb} not aligned: {ka} (dim {}) != {kb} (dim {})",
            sa.ndim() - 1,
            sb.ndim().saturating_sub(2)
        )),
        e => e,
    }
}

fn trace_at(a: &Array, offset: isize, axis1: isize, axis2: isize, origin: Loc) -> Result<Array> {
    if a.ndim() < 2 {
        return Err(Error::Value(
            "diag requires an array of at least two dimensions".into(),
        ));
    }
    let i = normalize_axis(axis1, a.ndim()).map_err(|e| e.for_arg("axis1"))?;
    let j = normalize_axis(axis2, a.ndim()).map_err(|e| e.for_arg("axis2"))?;
    if i == j {
        return Err(Error::Value("axis1 and axis2 cannot be the same".into()));
    }
    let mut perm: Vec<usize> = (0..a.ndim()).filter(|&x| x != i && x != j).collect();
    perm.extend([i, j]);
    let d = Array::from_op(Op::Diagonal { offset }, vec![permute(a, &perm)?], origin)?;
    d.try_sum(-1)
}

fn kron_at(a: &Array, b: &Array, origin: Loc) -> Result<Array> {
    let nd = a.ndim().max(b.ndim());
    let pad = |x: &Array| {
        let mut d = vec![1usize; nd - x.ndim()];
        d.extend(x.shape().iter());
        d
    };
    let (da, db) = (pad(a), pad(b));
    let ea: Vec<usize> = da.iter().flat_map(|&x| [x, 1]).collect();
    let eb: Vec<usize> = db.iter().flat_map(|&x| [1, x]).collect();
    let p = mul(&reshape(a, &ea)?, &reshape(b, &eb)?, origin)?;
    let out: Vec<usize> = da.iter().zip(&db).map(|(x, y)| x * y).collect();
    reshape(&p, &out)
}

impl Array {
    /// `a.matmul(b)` / `a @ b` (fallible form).
    #[track_caller]
    pub fn try_matmul(&self, b: impl IntoArray) -> Result<Array> {
        matmul_at(self, &b.into_array(), Location::caller())
    }
    /// `a @ b`: NumPy's `matmul`.
    #[track_caller]
    pub fn matmul(&self, b: impl IntoArray) -> Array {
        ok(self.try_matmul(b))
    }
    /// `a.dot(b)` (fallible form).
    #[track_caller]
    pub fn try_dot(&self, b: impl IntoArray) -> Result<Array> {
        dot_at(self, &b.into_array(), Location::caller())
    }
    /// `a.dot(b)`: NumPy's `dot`.
    #[track_caller]
    pub fn dot(&self, b: impl IntoArray) -> Array {
        ok(self.try_dot(b))
    }
    /// `a.conjugate()` (same as [`conj`](Self::conj)).
    #[track_caller]
    pub fn conjugate(&self) -> Array {
        ok(unary_at(UnaryOp::Conj, self, Location::caller()))
    }
}

macro_rules! pair_fns {
    ($($(#[$doc:meta])* $name:ident, $try_name:ident => |$a:ident, $b:ident, $o:ident| $body:expr;)*) => {$(
        $(#[$doc])*
        #[track_caller]
        pub fn $try_name(a: impl IntoArray, b: impl IntoArray) -> Result<Array> {
            let ($a, $b, $o) = (a.into_array(), b.into_array(), Location::caller());
            $body
        }
        $(#[$doc])*
        #[track_caller]
        pub fn $name(a: impl IntoArray, b: impl IntoArray) -> Array {
            ok($try_name(a, b))
        }
    )*};
}

pair_fns! {
    /// `np.matmul(a, b)`.
    matmul, try_matmul => |a, b, o| matmul_at(&a, &b, o);
    /// `np.dot(a, b)`: scalar product for 1-D, matrix product for 2-D, sum over the last axis
    /// of `a` and the second-to-last of `b` in general.
    dot, try_dot => |a, b, o| dot_at(&a, &b, o);
    /// `np.vdot(a, b)`: `sum(conj(a.ravel()) * b.ravel())`.
    vdot, try_vdot => |a, b, o| {
        let fa = reshape(&a, &[a.size()])?;
        let ca = if a.dtype().is_complex() { unary_at(UnaryOp::Conj, &fa, o)? } else { fa };
        dot_at(&ca, &reshape(&b, &[b.size()])?, o)
    };
    /// `np.inner(a, b)`: sum over the last axes of both.
    inner, try_inner => |a, b, o| {
        if a.ndim() == 0 || b.ndim() == 0 {
            return mul(&a, &b, o);
        }
        tensordot_at(&a, &b, &[-1], &[-1], o)
    };
    /// `np.outer(a, b)`: `a.ravel()[:, None] * b.ravel()[None, :]`.
    outer, try_outer => |a, b, o| mul(&reshape(&a, &[a.size(), 1])?, &reshape(&b, &[1, b.size()])?, o);
    /// `np.kron(a, b)`: the Kronecker product.
    kron, try_kron => |a, b, o| kron_at(&a, &b, o);
}

/// `np.tensordot(a, b, axes=n)`: sums over the last `n` axes of `a` and the first `n` of `b`.
#[track_caller]
pub fn tensordot(a: impl IntoArray, b: impl IntoArray, n: usize) -> Array {
    let (a, b) = (a.into_array(), b.into_array());
    let ax: Vec<isize> = (0..n).map(|i| (a.ndim() - n + i) as isize).collect();
    let bx: Vec<isize> = (0..n as isize).collect();
    ok(tensordot_at(&a, &b, &ax, &bx, Location::caller()))
}
/// `np.tensordot(a, b, axes=(a_axes, b_axes))` (fallible).
#[track_caller]
pub fn try_tensordot_axes(
    a: impl IntoArray,
    b: impl IntoArray,
    a_axes: &[isize],
    b_axes: &[isize],
) -> Result<Array> {
    tensordot_at(
        &a.into_array(),
        &b.into_array(),
        a_axes,
        b_axes,
        Location::caller(),
    )
}
/// `np.tensordot(a, b, axes=(a_axes, b_axes))`.
#[track_caller]
pub fn tensordot_axes(
    a: impl IntoArray,
    b: impl IntoArray,
    a_axes: &[isize],
    b_axes: &[isize],
) -> Array {
    ok(try_tensordot_axes(a, b, a_axes, b_axes))
}
/// `np.trace(a, offset, axis1, axis2)` (fallible).
#[track_caller]
pub fn try_trace(a: impl IntoArray, offset: isize, axis1: isize, axis2: isize) -> Result<Array> {
    trace_at(&a.into_array(), offset, axis1, axis2, Location::caller())
}
/// `np.trace(a, offset, axis1, axis2)`: sum along a diagonal (NumPy's `sum` dtype rules).
#[track_caller]
pub fn trace(a: impl IntoArray, offset: isize, axis1: isize, axis2: isize) -> Array {
    ok(try_trace(a, offset, axis1, axis2))
}
/// `np.conjugate(x)` / `np.conj(x)`.
#[track_caller]
pub fn conjugate(x: impl IntoArray) -> Array {
    ok(unary_at(UnaryOp::Conj, &x.into_array(), Location::caller()))
}
