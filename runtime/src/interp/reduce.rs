//! Reductions (sum, prod, max, min, any, all), argmax/argmin and scans for the interpreter.
//!
//! Each output element gathers its reduced elements (in C order of the reduced axes) into a
//! reused scratch buffer and folds them. Float sums use NumPy's pairwise summation (8
//! accumulators, blocks of 128), so a sum along one contiguous axis equals NumPy's bit for bit.

use super::float::Real;
use crate::buffer::Bytes;
use crate::layout::zip_offsets;
use crate::ndarray::NdArray;
use crate::value::Element;
use num_complex::Complex;
use numfuse_ir::{ArgReduceOp, Error, ReduceOp, Result, ScanOp, Shape};

/// Applies `f` to the elements of each reduction group; returns the reduced array.
pub fn fold_groups<T: Element, U: Element>(
    a: &NdArray,
    axes: &[usize],
    mut f: impl FnMut(&[T]) -> U,
) -> NdArray {
    let nd = a.ndim();
    let kept: Vec<usize> = (0..nd).filter(|i| !axes.contains(i)).collect();
    let perm: Vec<usize> = kept.iter().chain(axes.iter()).copied().collect();
    let v = a.permute(&perm).expect("kept ++ axes is a permutation");
    let k = kept.len();
    let (outer, inner) = (&v.shape()[..k], &v.shape()[k..]);
    let (os, is) = (&v.strides_elems()[..k], &v.strides_elems()[k..]);
    let data = v.data();
    let src = data.as_slice::<T>();
    let out_shape = Shape::from(outer);
    let mut out = Bytes::zeroed(U::DTYPE, out_shape.size());
    let dst = out.as_mut_slice::<U>();
    let mut scratch: Vec<T> = Vec::with_capacity(inner.iter().product());
    let mut n = 0;
    zip_offsets(outer, [os], [v.offset() as isize], |[o]| {
        scratch.clear();
        zip_offsets(inner, [is], [o as isize], |[i]| scratch.push(src[i]));
        dst[n] = f(&scratch);
        n += 1;
    });
    NdArray::from_bytes(out, out_shape)
}

/// NumPy's pairwise summation of `xs`.
pub fn pairwise<T: Copy + std::ops::Add<Output = T>>(xs: &[T], zero: T) -> T {
    let n = xs.len();
    if n < 8 {
        xs.iter().fold(zero, |acc, &x| acc + x)
    } else if n <= 128 {
        let mut r: [T; 8] = std::array::from_fn(|j| xs[j]);
        let full = n - n % 8;
        for chunk in xs[8..full].chunks_exact(8) {
            for j in 0..8 {
                r[j] = r[j] + chunk[j];
            }
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        xs[full..].iter().fold(res, |acc, &x| acc + x)
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise(&xs[..n2], zero) + pairwise(&xs[n2..], zero)
    }
}

/// Element types the interpreter can order (NaN-aware, complex lexicographic).
pub trait Ordered: Element {
    /// `a > b` in NumPy's order.
    fn gt(self, o: Self) -> bool;
    /// Whether the value is NaN (or has a NaN part).
    fn nan(self) -> bool;
    /// Whether the value is nonzero.
    fn truthy(self) -> bool;
}
macro_rules! ordered_int {
    ($($t:ty),*) => {$(impl Ordered for $t {
        fn gt(self, o: Self) -> bool { self > o }
        fn nan(self) -> bool { false }
        #[allow(clippy::bool_comparison)]
        fn truthy(self) -> bool { self != <$t>::default() }
    })*};
}
ordered_int!(bool, i8, u8, i16, u16, i32, u32, i64, u64);
macro_rules! ordered_float {
    ($($t:ty),*) => {$(
        impl Ordered for $t {
            fn gt(self, o: Self) -> bool { self > o }
            fn nan(self) -> bool { self.is_nan() }
            fn truthy(self) -> bool { self != 0.0 }
        }
        impl Ordered for Complex<$t> {
            fn gt(self, o: Self) -> bool { self.re > o.re || (self.re == o.re && self.im > o.im) }
            fn nan(self) -> bool { self.re.is_nan() || self.im.is_nan() }
            fn truthy(self) -> bool { self.re != 0.0 || self.im != 0.0 }
        }
    )*};
}
ordered_float!(f32, f64);

fn extreme<T: Ordered>(xs: &[T], max: bool) -> T {
    let mut best = xs[0];
    for &x in &xs[1..] {
        if best.nan() {
            break;
        }
        if x.nan() || (if max { x.gt(best) } else { best.gt(x) }) {
            best = x;
        }
    }
    best
}

fn arg_extreme<T: Ordered>(xs: &[T], max: bool) -> i64 {
    let mut best = 0;
    for (i, &x) in xs.iter().enumerate().skip(1) {
        if xs[best].nan() {
            break;
        }
        if x.nan() || (if max { x.gt(xs[best]) } else { xs[best].gt(x) }) {
            best = i;
        }
    }
    best as i64
}

/// Reduces `a` over `axes` with `op` (non-empty groups for max/min are checked here).
pub fn reduce<T: Ordered>(
    op: ReduceOp,
    a: &NdArray,
    axes: &[usize],
    arith: Option<fn(&[T], bool) -> T>,
) -> Result<NdArray> {
    let group: usize = axes.iter().map(|&i| a.shape()[i]).product();
    Ok(match op {
        ReduceOp::Any => fold_groups::<T, bool>(a, axes, |xs| xs.iter().any(|x| x.truthy())),
        ReduceOp::All => fold_groups::<T, bool>(a, axes, |xs| xs.iter().all(|x| x.truthy())),
        ReduceOp::Max | ReduceOp::Min => {
            if group == 0 {
                return Err(Error::EmptyReduction { op: op.name() });
            }
            let max = op == ReduceOp::Max;
            fold_groups::<T, T>(a, axes, |xs| extreme(xs, max))
        }
        ReduceOp::Sum | ReduceOp::Prod => {
            let f = arith.ok_or_else(|| super::no_loop(op.name(), T::DTYPE))?;
            let sum = op == ReduceOp::Sum;
            fold_groups::<T, T>(a, axes, |xs| f(xs, sum))
        }
    })
}

/// argmax/argmin along `axis`.
pub fn arg_reduce<T: Ordered>(op: ArgReduceOp, a: &NdArray, axis: usize) -> Result<NdArray> {
    if a.shape()[axis] == 0 {
        return Err(Error::EmptyReduction { op: op.name() });
    }
    let max = op == ArgReduceOp::ArgMax;
    Ok(fold_groups::<T, i64>(a, &[axis], |xs| arg_extreme(xs, max)))
}

/// Sum (pairwise for floats) or product of a group.
pub fn sum_prod_float<F: Real + Ordered>(xs: &[F], sum: bool) -> F {
    if sum {
        F::zero() + pairwise(xs, -F::zero())
    } else {
        xs.iter().fold(F::one(), |acc, &x| acc * x)
    }
}

/// Complex sum (pairwise) or product.
pub fn sum_prod_complex<F: Real>(xs: &[Complex<F>], sum: bool) -> Complex<F> {
    let zero = Complex::new(F::zero(), F::zero());
    if sum {
        zero + pairwise(xs, zero)
    } else {
        xs.iter()
            .fold(Complex::new(F::one(), F::zero()), |acc, &x| acc * x)
    }
}

/// Wrapping integer sum or product.
pub fn sum_prod_int<T: super::int::Int + Ordered>(xs: &[T], sum: bool) -> T {
    if sum {
        xs.iter().fold(T::ZERO, |acc, &x| acc.wadd(x))
    } else {
        xs.iter().fold(T::ONE, |acc, &x| acc.wmul(x))
    }
}

/// Inclusive scan along `axis` with the binary step `f`; result is C-contiguous.
pub fn scan<T: Element>(a: &NdArray, axis: usize, f: impl Fn(T, T) -> T) -> NdArray {
    let nd = a.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|&i| i != axis).collect();
    perm.push(axis);
    let v = a.permute(&perm).expect("permutation").copy();
    let len = a.shape()[axis];
    let mut vals = v.read_vec::<T>();
    if len > 0 {
        for row in vals.chunks_mut(len) {
            for i in 1..row.len() {
                row[i] = f(row[i - 1], row[i]);
            }
        }
    }
    let out = NdArray::from_vec(v.shape().clone(), vals).expect("same size");
    let mut inv = vec![0; nd];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i;
    }
    out.permute(&inv).expect("inverse permutation").copy()
}

/// The step function of a scan for ints.
pub fn int_step<T: super::int::Int>(op: ScanOp) -> fn(T, T) -> T {
    match op {
        ScanOp::CumSum => T::wadd,
        ScanOp::CumProd => T::wmul,
    }
}
