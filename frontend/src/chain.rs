//! `np.linalg.multi_dot` (matrix-chain order by dynamic programming) and
//! `np.linalg.matrix_power` (repeated squaring), built from `MatMul` nodes.

use crate::array::{ok, Array};
use crate::convert::IntoArray;
use crate::products::{dot_at, matmul_node, reshape, Loc};
use numfuse_ir::{DType, Error, Result};
use std::panic::Location;

/// Matrix-chain order by dynamic programming: `split[i][j]` is where `(i..=j)` splits.
fn chain_order(dims: &[usize]) -> Vec<Vec<usize>> {
    let n = dims.len() - 1;
    let mut cost = vec![vec![0u128; n]; n];
    let mut split = vec![vec![0usize; n]; n];
    for len in 1..n {
        for i in 0..n - len {
            let j = i + len;
            cost[i][j] = u128::MAX;
            for k in i..j {
                let c = cost[i][k] + cost[k + 1][j] + (dims[i] * dims[k + 1] * dims[j + 1]) as u128;
                if c < cost[i][j] {
                    cost[i][j] = c;
                    split[i][j] = k;
                }
            }
        }
    }
    split
}

fn chain(ms: &[Array], split: &[Vec<usize>], i: usize, j: usize, origin: Loc) -> Result<Array> {
    if i == j {
        return Ok(ms[i].clone());
    }
    let k = split[i][j];
    let l = chain(ms, split, i, k, origin)?;
    let r = chain(ms, split, k + 1, j, origin)?;
    matmul_node(&l, &r, origin)
}

fn multi_dot_at(arrays: &[Array], origin: Loc) -> Result<Array> {
    let n = arrays.len();
    if n < 2 {
        return Err(Error::Value("Expecting at least two arrays.".into()));
    }
    if n == 2 {
        return dot_at(&arrays[0], &arrays[1], origin);
    }
    let mut ms: Vec<Array> = arrays.to_vec();
    let (first1, last1) = (ms[0].ndim() == 1, ms[n - 1].ndim() == 1);
    if first1 {
        ms[0] = reshape(&ms[0], &[1, ms[0].size()])?;
    }
    if last1 {
        ms[n - 1] = reshape(&ms[n - 1], &[ms[n - 1].size(), 1])?;
    }
    for m in &ms {
        if m.ndim() != 2 {
            return Err(Error::LinAlg(format!(
                "{}-dimensional array given. Array must be two-dimensional",
                m.ndim()
            )));
        }
    }
    for w in ms.windows(2) {
        if w[0].shape()[1] != w[1].shape()[0] {
            return Err(Error::Value(format!(
                "shapes {} and {} not aligned: {} (dim 1) != {} (dim 0)",
                w[0].shape(),
                w[1].shape(),
                w[0].shape()[1],
                w[1].shape()[0]
            )));
        }
    }
    let mut dims: Vec<usize> = ms.iter().map(|m| m.shape()[0]).collect();
    dims.push(ms[n - 1].shape()[1]);
    let r = chain(&ms, &chain_order(&dims), 0, n - 1, origin)?;
    let mut out: Vec<usize> = Vec::new();
    if !first1 {
        out.push(r.shape()[0]);
    }
    if !last1 {
        out.push(r.shape()[1]);
    }
    reshape(&r, &out)
}

fn matrix_power_at(a: &Array, n: i64, origin: Loc) -> Result<Array> {
    let s = a.shape();
    if a.ndim() < 2 {
        return Err(Error::LinAlg(format!(
            "{}-dimensional array given. Array must be at least two-dimensional",
            a.ndim()
        )));
    }
    if s[s.ndim() - 1] != s[s.ndim() - 2] {
        return Err(Error::LinAlg(
            "Last 2 dimensions of the array must be square".into(),
        ));
    }
    if n == 0 {
        let k = s[s.ndim() - 1];
        let eye = crate::creation::eye(k).try_astype(a.dtype())?;
        return crate::ufunc::broadcast_to(&eye, s, origin);
    }
    let mut base = if n < 0 {
        if a.dtype().is_integer() || a.dtype() == DType::Bool {
            return Err(Error::Type(
                "Integers to negative integer powers are not allowed.".into(),
            ));
        }
        crate::linalg::inv_at(a, origin)?
    } else {
        a.clone()
    };
    let mut e = n.unsigned_abs();
    let mut result: Option<Array> = None;
    while e > 0 {
        if e & 1 == 1 {
            result = Some(match result {
                None => base.clone(),
                Some(r) => matmul_node(&r, &base, origin)?,
            });
        }
        e >>= 1;
        if e > 0 {
            base = matmul_node(&base, &base, origin)?;
        }
    }
    Ok(result.expect("n != 0"))
}

/// `np.linalg.multi_dot(arrays)` (fallible).
#[track_caller]
pub fn try_multi_dot(arrays: &[Array]) -> Result<Array> {
    multi_dot_at(arrays, Location::caller())
}
/// `np.linalg.multi_dot(arrays)`: the chain product in the cheapest order (first and last
/// may be 1-D).
#[track_caller]
pub fn multi_dot(arrays: &[Array]) -> Array {
    ok(try_multi_dot(arrays))
}
/// `np.linalg.matrix_power(a, n)` (fallible).
#[track_caller]
pub fn try_matrix_power(a: impl IntoArray, n: i64) -> Result<Array> {
    matrix_power_at(&a.into_array(), n, Location::caller())
}
/// `np.linalg.matrix_power(a, n)`: repeated squaring; `n = 0` is the identity, `n < 0` uses
/// the inverse.
#[track_caller]
pub fn matrix_power(a: impl IntoArray, n: i64) -> Array {
    ok(try_matrix_power(a, n))
}
