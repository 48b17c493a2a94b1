//! LU factorization with partial pivoting of row-major float64 matrices (`P·A = L·U`, `L`
//! unit lower triangular, `U` upper triangular, stored in place as LAPACK's `getrf` does) and
//! the solves built on it (`solve`, `inv`).
//!
//! **Algorithm.** Right-looking and blocked: panels of [`NB`] columns are factored
//! recursively (Toledo's column-halving recursion down to [`LEAF`]-column leaves, which run
//! LAPACK's unblocked `getf2`: first largest `|pivot|` as `idamax` picks it, reciprocal
//! scaling unless the pivot is tiny); after each panel, the rows to its right are solved with
//! the panel's unit lower triangle and the trailing matrix gets `A22 -= L21 · U12`. Row
//! interchanges swap whole rows at once (contiguous in row-major order); that equals applying
//! them to the left and right blocks later, as LAPACK's `laswp` does, because the columns not
//! yet updated are only ever touched after the whole panel is done.
//!
//! Every update runs faer's kernels (matmul with accumulation, triangular solves) on strided
//! views of the same row-major storage, so the matrix is never transposed or copied into
//! another layout; large trailing updates are split by rows between two threads. (numfuse's
//! AVX-512 GEMM, which writes a fresh product, was measured slower here: the product then has
//! to be subtracted in an extra pass — 13.5 against 9.2 ms of trailing updates at n = 1000.)
//!
//! A pivot that is exactly zero stops the factorization with `LinAlgError("Singular
//! matrix")`, as NumPy raises on LAPACK's `info > 0`.

use faer::linalg::triangular_solve::{
    solve_unit_lower_triangular_in_place, solve_upper_triangular_in_place,
};
use faer::reborrow::IntoConst;
use faer::{Accum, MatMut, MatRef, Par};
use numfuse_ir::{Error, Result};

/// Columns of the unblocked leaves of the panel recursion.
pub const LEAF: usize = 8;

/// Columns of the outer (right-looking) panels.
pub const NB: usize = 128;

/// Multiply-adds from which a trailing update runs on two threads.
const PAR_MIN: usize = 1 << 21;

/// An LU factorization `P·A = L·U` of an `n × n` matrix.
#[derive(Clone, Debug)]
pub struct Lu {
    /// `L` (strictly below the diagonal, unit diagonal implied) and `U` (on and above), row
    /// major.
    lu: Vec<f64>,
    /// Order of the matrix.
    n: usize,
    /// Row interchanges in order: at step `j`, row `j` was swapped with row `piv[j] ≥ j`
    /// (LAPACK's `ipiv`, 0-based).
    piv: Vec<usize>,
}

fn singular() -> Error {
    Error::LinAlg("Singular matrix".into())
}

impl Lu {
    /// Factors the row-major `n × n` matrix `a` (`a.len() == n * n`); an exactly zero pivot
    /// gives `LinAlgError("Singular matrix")`.
    pub fn factor(a: &[f64], n: usize) -> Result<Lu> {
        Lu::factor_owned(a.to_vec(), n)
    }

    /// As [`Lu::factor`], overwriting the given storage.
    pub fn factor_owned(mut lu: Vec<f64>, n: usize) -> Result<Lu> {
        if lu.len() != n * n {
            return Err(Error::Value(format!(
                "LU of {} elements as a {n}x{n} matrix",
                lu.len()
            )));
        }
        let mut piv = vec![0; n];
        let mut c = 0;
        while c < n {
            let c1 = (c + NB).min(n);
            panel(&mut lu, n, c, c1, &mut piv)?;
            update(&mut lu, n, c, c1, n);
            c = c1;
        }
        Ok(Lu { lu, n, piv })
    }

    /// The packed factors (`L` below the diagonal, `U` on and above), row major.
    pub fn factors(&self) -> &[f64] {
        &self.lu
    }

    /// The row interchanges (LAPACK's `ipiv`, 0-based).
    pub fn pivots(&self) -> &[usize] {
        &self.piv
    }

    /// Overwrites the row-major `n × k` right-hand side `b` with `A⁻¹ b`.
    pub fn solve_in_place(&self, b: &mut [f64], k: usize) {
        let n = self.n;
        debug_assert_eq!(b.len(), n * k);
        if n == 0 || k == 0 {
            return;
        }
        for (j, &p) in self.piv.iter().enumerate() {
            if p != j {
                let (top, bottom) = b.split_at_mut(p * k);
                top[j * k..(j + 1) * k].swap_with_slice(&mut bottom[..k]);
            }
        }
        if k == 1 {
            return self.substitute(b);
        }
        let lu = MatRef::from_row_major_slice(&self.lu, n, n);
        let par = par_for(n * n * k);
        let x = MatMut::from_row_major_slice_mut(b, n, k);
        solve_unit_lower_triangular_in_place(lu, x, par);
        let x = MatMut::from_row_major_slice_mut(b, n, k);
        solve_upper_triangular_in_place(lu, x, par);
    }

    /// Forward and back substitution for one (already permuted) right-hand side, with dot
    /// products over the contiguous rows of the factors.
    fn substitute(&self, x: &mut [f64]) {
        let n = self.n;
        for i in 1..n {
            let d = dot(&self.lu[i * n..i * n + i], &x[..i]);
            x[i] -= d;
        }
        for i in (0..n).rev() {
            let row = &self.lu[i * n..(i + 1) * n];
            let d = dot(&row[i + 1..], &x[i + 1..]);
            x[i] = (x[i] - d) / row[i];
        }
    }

    /// `A⁻¹`, row major.
    pub fn inverse(&self) -> Vec<f64> {
        let n = self.n;
        let mut x = vec![0.0; n * n];
        for i in 0..n {
            x[i * n + i] = 1.0;
        }
        self.solve_in_place(&mut x, n);
        x
    }
}

/// `A⁻¹ B` for the row-major `n × n` matrix `a` and `n × k` right-hand side `b`, factoring
/// into storage kept by this thread across calls (up to 2^24 elements), so that repeated
/// solves of large systems do not page-fault a fresh factor buffer each time.
pub fn solve(a: &[f64], b: &[f64], n: usize, k: usize) -> Result<Vec<f64>> {
    thread_local! {
        static STORE: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut buf = STORE.with(|c| c.take());
    buf.clear();
    buf.extend_from_slice(a);
    let lu = Lu::factor_owned(buf, n)?;
    let mut x = b.to_vec();
    lu.solve_in_place(&mut x, k);
    if lu.lu.capacity() <= 1 << 24 {
        STORE.with(|c| c.replace(lu.lu));
    }
    Ok(x)
}

/// `Σ a[i]·b[i]` with eight partial sums (so the compiler can vectorize it).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ac.zip(bc) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    s + tail
}

/// faer's parallelism for about `work` multiply-adds: sequential below 2^22.
fn par_for(work: usize) -> Par {
    super::faer_par(work, 1 << 22)
}

/// Factors columns `c0..c1` over rows `c0..n` (the panel), recursively: the left half, then
/// its update of the right half, then the right half.
fn panel(a: &mut [f64], n: usize, c0: usize, c1: usize, piv: &mut [usize]) -> Result<()> {
    let w = c1 - c0;
    if w <= LEAF {
        return leaf(a, n, c0, c1, piv);
    }
    let h = (w / 2).div_ceil(LEAF) * LEAF;
    let h = if h >= w { w / 2 } else { h };
    panel(a, n, c0, c0 + h, piv)?;
    update(a, n, c0, c0 + h, c1);
    panel(a, n, c0 + h, c1, piv)
}

/// LAPACK's `getf2` on columns `c0..c1` over rows `c0..n`, swapping whole rows. The search
/// for the next column's pivot is fused into the update pass over the rows.
fn leaf(a: &mut [f64], n: usize, c0: usize, c1: usize, piv: &mut [usize]) -> Result<()> {
    let mut p = c0;
    let mut best = a[c0 * n + c0].abs();
    for i in c0 + 1..n {
        let v = a[i * n + c0].abs();
        if v > best {
            best = v;
            p = i;
        }
    }
    for j in c0..c1 {
        let pivot = a[p * n + j];
        if pivot == 0.0 {
            return Err(singular());
        }
        piv[j] = p;
        if p != j {
            let (top, bottom) = a.split_at_mut(p * n);
            top[j * n..(j + 1) * n].swap_with_slice(&mut bottom[..n]);
        }
        let (head, tail) = a.split_at_mut((j + 1) * n);
        let urow = &head[j * n + j + 1..j * n + c1];
        let small = best < f64::MIN_POSITIVE;
        let r = 1.0 / pivot;
        let next = j + 1 < c1;
        (p, best) = (j + 1, f64::NAN);
        for (i, row) in tail.chunks_exact_mut(n).enumerate() {
            let l = if small { row[j] / pivot } else { row[j] * r };
            row[j] = l;
            for (x, u) in row[j + 1..c1].iter_mut().zip(urow) {
                *x -= l * u;
            }
            if next {
                // idamax: the first row's value, then strictly larger ones
                let v = row[j + 1].abs();
                if i == 0 || v > best {
                    best = v;
                    p = j + 1 + i;
                }
            }
        }
    }
    Ok(())
}

/// After the panel of columns `c0..m` is factored: `U12 = L11⁻¹ A12` on rows `c0..m`, columns
/// `m..c1`, then `A22 -= L21 · U12` on rows `m..n`, columns `m..c1`.
fn update(a: &mut [f64], n: usize, c0: usize, m: usize, c1: usize) {
    let (h, w, rows) = (m - c0, c1 - m, n - m);
    if w == 0 {
        return;
    }
    {
        let full = MatMut::from_row_major_slice_mut(a, n, n);
        let block = full.submatrix_mut(c0, c0, h, c1 - c0);
        let (l11, a12) = block.split_at_col_mut(h);
        solve_unit_lower_triangular_in_place(l11.as_ref(), a12, par_for(h * h * w));
    }
    if rows == 0 {
        return;
    }
    let work = rows * h * w;
    let two = work >= PAR_MIN && rows >= 2 * LEAF;
    let full = MatMut::from_row_major_slice_mut(a, n, n);
    let block = full.submatrix_mut(c0, c0, n - c0, c1 - c0);
    let (_, u12, l21, a22) = block.split_at_mut(h, h);
    let (u12, l21) = (u12.into_const(), l21.into_const());
    if !two {
        return faer::linalg::matmul::matmul(a22, Accum::Add, l21, u12, -1.0, Par::Seq);
    }
    let half = rows / 2;
    let (a_top, a_bottom) = a22.split_at_row_mut(half);
    let (l_top, l_bottom) = l21.split_at_row(half);
    crate::workers::join(
        move || faer::linalg::matmul::matmul(a_top, Accum::Add, l_top, u12, -1.0, Par::Seq),
        move || faer::linalg::matmul::matmul(a_bottom, Accum::Add, l_bottom, u12, -1.0, Par::Seq),
    );
}
