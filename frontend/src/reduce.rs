//! Reductions and scans with NumPy's optional arguments.
//!
//! **The one way optional arguments are passed:** every reduction takes an [`Axes`] value.
//! Plain values convert into it — `None` (all axes), an axis (`0`, `-1`), or several (`[0, 2]`)
//! — and builder methods add the rest: `nf::axis(0).keepdims(true)`, `.dtype(nf::float64)`,
//! `.ddof(1)`.
//!
//! ```
//! use numfuse as nf;
//! let x = nf::arange(6).reshape([2, 3]);
//! assert_eq!(x.sum(None).item_f64(), 15.0);
//! assert_eq!(x.sum(0).to_vec::<i64>(), vec![3, 5, 7]);
//! assert_eq!(x.mean(nf::axis(-1).keepdims(true)).shape().dims(), &[2, 1]);
//! assert_eq!(x.var(nf::axis(None).ddof(1)).item_f64(), 3.5);
//! ```

use crate::array::{ok, Array};
use crate::ufunc::{binary_at, cast_to, unary_at};
use numfuse_ir::shape::normalize_axes;
use numfuse_ir::{
    ArgReduceOp, BinaryOp, DType, Error, Op, ReduceOp, Result, Scalar, ScanOp, Shape, UnaryOp,
};
use smallvec::SmallVec;
use std::panic::Location;

type Loc = &'static Location<'static>;

/// Axis selection plus NumPy's optional reduction arguments (see the module docs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Axes {
    axes: Option<SmallVec<[isize; 4]>>,
    keepdims: bool,
    dtype: Option<DType>,
    ddof: usize,
}

impl Axes {
    /// All axes (`axis=None`).
    pub fn all() -> Axes {
        Axes::default()
    }
    /// `keepdims=...`.
    pub fn keepdims(mut self, keep: bool) -> Axes {
        self.keepdims = keep;
        self
    }
    /// `dtype=...` (accumulator and result type of `sum`, `prod`, `mean`, `cumsum`, ...).
    pub fn dtype(mut self, d: DType) -> Axes {
        self.dtype = Some(d);
        self
    }
    /// `ddof=...` for `var` and `std`.
    pub fn ddof(mut self, ddof: usize) -> Axes {
        self.ddof = ddof;
        self
    }
    fn resolve(&self, ndim: usize) -> Result<SmallVec<[usize; 4]>> {
        if ndim == 0 {
            // NumPy accepts axis 0 / -1 (and None) on 0-d arrays: nothing to reduce
            if let Some(a) = &self.axes {
                normalize_axes(a, 1)?;
            }
            return Ok(SmallVec::new());
        }
        match &self.axes {
            None => Ok((0..ndim).collect()),
            Some(a) => normalize_axes(a, ndim),
        }
    }
}

/// Builds an [`Axes`] from an axis, several axes or `None`: `nf::axis(0).keepdims(true)`.
pub fn axis(a: impl Into<Axes>) -> Axes {
    a.into()
}

impl From<Option<isize>> for Axes {
    fn from(a: Option<isize>) -> Axes {
        Axes {
            axes: a.map(|x| SmallVec::from_slice(&[x])),
            ..Axes::default()
        }
    }
}
macro_rules! axes_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Axes {
            fn from(a: $t) -> Axes { Axes { axes: Some(SmallVec::from_slice(&[a as isize])), ..Axes::default() } }
        }
        impl<const N: usize> From<[$t; N]> for Axes {
            fn from(a: [$t; N]) -> Axes { Axes { axes: Some(a.iter().map(|&x| x as isize).collect()), ..Axes::default() } }
        }
        impl From<&[$t]> for Axes {
            fn from(a: &[$t]) -> Axes { Axes { axes: Some(a.iter().map(|&x| x as isize).collect()), ..Axes::default() } }
        }
    )*};
}
axes_from_int!(i32, i64, isize, usize);

/// NumPy's accumulator dtype for sum/prod/cumsum: small ints and bool widen to 64 bits.
fn sum_dtype(d: DType) -> DType {
    match d {
        DType::Bool | DType::Int8 | DType::Int16 | DType::Int32 => DType::Int64,
        DType::UInt8 | DType::UInt16 | DType::UInt32 => DType::UInt64,
        d => d,
    }
}

fn kept_shape(shape: &Shape, axes: &[usize]) -> Shape {
    Shape(
        shape
            .iter()
            .enumerate()
            .map(|(i, &d)| if axes.contains(&i) { 1 } else { d })
            .collect(),
    )
}

impl Array {
    fn reduce_raw(
        &self,
        op: ReduceOp,
        axes: &[usize],
        keepdims: bool,
        origin: Loc,
    ) -> Result<Array> {
        let r = Array::from_op(
            Op::Reduce {
                op,
                axes: SmallVec::from_slice(axes),
            },
            vec![self.clone()],
            origin,
        )?;
        if keepdims {
            return Array::from_op(Op::Reshape(kept_shape(self.shape(), axes)), vec![r], origin);
        }
        Ok(r)
    }

    fn reduce_with(&self, op: ReduceOp, args: &Axes, origin: Loc) -> Result<Array> {
        let axes = args.resolve(self.ndim())?;
        let input = match op {
            ReduceOp::Sum | ReduceOp::Prod => cast_to(
                self,
                args.dtype.unwrap_or_else(|| sum_dtype(self.dtype())),
                origin,
            )?,
            _ => self.clone(),
        };
        if matches!(op, ReduceOp::Max | ReduceOp::Min) && axes.iter().any(|&a| self.shape()[a] == 0)
        {
            return Err(Error::EmptyReduction { op: op.name() });
        }
        input.reduce_raw(op, &axes, args.keepdims, origin)
    }

    /// Number of elements each reduction group covers.
    fn group_size(&self, args: &Axes) -> Result<usize> {
        // like NumPy's `_count_reduce_items`: axis 0 of a 0-d array is an error for mean/var/std
        if let (0, Some(a)) = (self.ndim(), &args.axes) {
            normalize_axes(a, 0)?;
        }
        Ok(args
            .resolve(self.ndim())?
            .iter()
            .map(|&a| self.shape()[a])
            .product())
    }

    /// `mean` (float64 for integer input; float16 computed in float32 like NumPy).
    #[track_caller]
    pub fn try_mean(&self, args: impl Into<Axes>) -> Result<Array> {
        let origin = Location::caller();
        let args = args.into();
        let out = args.dtype.unwrap_or(match self.dtype() {
            d if d.is_inexact() => d,
            _ => DType::Float64,
        });
        let acc = if out == DType::Float16 {
            DType::Float32
        } else {
            out
        };
        let n = self.group_size(&args)?;
        // keepdims is applied last, so the division fuses into the reduction as an epilogue
        let s = self.reduce_with(
            ReduceOp::Sum,
            &args.clone().dtype(acc).keepdims(false),
            origin,
        )?;
        let m = binary_at(BinaryOp::Div, s.into(), Scalar::from(n).into(), origin)?;
        let m = cast_to(&m, out, origin)?;
        self.keep(m, &args, origin)
    }

    /// Reinserts the reduced axes as length-1 axes when `keepdims` is set.
    fn keep(&self, r: Array, args: &Axes, origin: Loc) -> Result<Array> {
        if !args.keepdims {
            return Ok(r);
        }
        let axes = args.resolve(self.ndim())?;
        Array::from_op(
            Op::Reshape(kept_shape(self.shape(), &axes)),
            vec![r],
            origin,
        )
    }

    /// `var` with `ddof` (NumPy's two-pass formula: mean of |x - mean|²).
    #[track_caller]
    pub fn try_var(&self, args: impl Into<Axes>) -> Result<Array> {
        let origin = Location::caller();
        let args = args.into();
        let out = match self.dtype() {
            d if d.is_complex() => d.real_type(),
            d if d.is_float() => d,
            _ => DType::Float64,
        };
        let acc = match args.dtype.unwrap_or(self.dtype()) {
            DType::Float16 => DType::Float32,
            d if d.is_inexact() => d,
            _ => DType::Float64,
        };
        let n = self.group_size(&args)?;
        let mean = self.try_mean(args.clone().keepdims(true).dtype(acc))?;
        let x = cast_to(self, promote_acc(self.dtype(), acc), origin)?;
        let d = binary_at(BinaryOp::Sub, x.into(), mean.into(), origin)?;
        let sq = if d.dtype().is_complex() {
            let a = unary_at(UnaryOp::Abs, &d, origin)?;
            binary_at(BinaryOp::Mul, (&a).into(), (&a).into(), origin)?
        } else {
            binary_at(BinaryOp::Mul, (&d).into(), (&d).into(), origin)?
        };
        let s = sq.reduce_with(
            ReduceOp::Sum,
            &args.clone().dtype(sq.dtype()).keepdims(false),
            origin,
        )?;
        let denom = n.saturating_sub(args.ddof);
        let v = binary_at(BinaryOp::Div, s.into(), Scalar::from(denom).into(), origin)?;
        let v = cast_to(&v, out, origin)?;
        self.keep(v, &args, origin)
    }

    /// `std` = `sqrt(var)`.
    #[track_caller]
    pub fn try_std(&self, args: impl Into<Axes>) -> Result<Array> {
        let origin = Location::caller();
        let args = args.into();
        let v = self.try_var(args.clone().keepdims(false))?;
        let s = unary_at(UnaryOp::Sqrt, &v, origin)?;
        self.keep(s, &args, origin)
    }

    /// `ptp` = `max - min` along the axes.
    #[track_caller]
    pub fn try_ptp(&self, args: impl Into<Axes>) -> Result<Array> {
        let origin = Location::caller();
        let args = args.into();
        let hi = self.reduce_with(ReduceOp::Max, &args, origin)?;
        let lo = self.reduce_with(ReduceOp::Min, &args, origin)?;
        binary_at(BinaryOp::Sub, hi.into(), lo.into(), origin)
    }

    /// The array and axis a single-axis operation runs on: `None` flattens, and a 0-d array
    /// accepts axis 0 / -1 (as NumPy does) by viewing it as shape (1,).
    fn axis_or_flat(&self, axis: Option<isize>, origin: Loc) -> Result<(Array, usize)> {
        let flat = |a: &Array| {
            Array::from_op(
                Op::Reshape(Shape::from([a.size()])),
                vec![a.clone()],
                origin,
            )
        };
        match axis {
            None => Ok((flat(self)?, 0)),
            Some(a) if self.ndim() == 0 => {
                numfuse_ir::shape::normalize_axis(a, 1)?;
                Ok((flat(self)?, 0))
            }
            Some(a) => Ok((
                self.clone(),
                numfuse_ir::shape::normalize_axis(a, self.ndim())?,
            )),
        }
    }

    fn arg_reduce(&self, op: ArgReduceOp, axis: Option<isize>, origin: Loc) -> Result<Array> {
        let (src, ax) = self.axis_or_flat(axis, origin)?;
        if src.shape()[ax] == 0 {
            return Err(Error::EmptyReduction { op: op.name() });
        }
        Array::from_op(Op::ArgReduce { op, axis: ax }, vec![src], origin)
    }

    fn scan(
        &self,
        op: ScanOp,
        axis: Option<isize>,
        dtype: Option<DType>,
        origin: Loc,
    ) -> Result<Array> {
        let (src, ax) = self.axis_or_flat(axis, origin)?;
        let src = cast_to(
            &src,
            dtype.unwrap_or_else(|| sum_dtype(self.dtype())),
            origin,
        )?;
        Array::from_op(Op::Scan { op, axis: ax }, vec![src], origin)
    }
}

fn promote_acc(d: DType, acc: DType) -> DType {
    if d.is_complex() {
        numfuse_ir::promote(d, acc)
    } else {
        acc
    }
}

macro_rules! reduce_api {
    ($($name:ident, $try_name:ident => $op:ident;)*) => {
        impl Array {$(
            #[doc = concat!("`", stringify!($name), "` over [`Axes`] (fallible form).")]
            #[track_caller]
            pub fn $try_name(&self, args: impl Into<Axes>) -> Result<Array> {
                self.reduce_with(ReduceOp::$op, &args.into(), Location::caller())
            }
        )*}
    };
}
reduce_api! {
    sum, try_sum => Sum;
    prod, try_prod => Prod;
    max, try_max => Max;
    min, try_min => Min;
    any, try_any => Any;
    all, try_all => All;
}

macro_rules! panicking {
    ($($name:ident => $try_name:ident;)*) => {
        impl Array {$(
            #[doc = concat!("`", stringify!($name), "` over [`Axes`]: `None`, an axis, several axes, or `nf::axis(..)` with options.")]
            #[track_caller]
            pub fn $name(&self, args: impl Into<Axes>) -> Array {
                ok(self.$try_name(args))
            }
        )*}
        /// Free-function forms (`nf::sum(&x, 0)`).
        pub mod reduce_fns {
            use super::*;
            $(
                #[doc = concat!("`np.", stringify!($name), "(x, axis...)`.")]
                #[track_caller]
                pub fn $name(x: impl crate::convert::IntoArray, args: impl Into<Axes>) -> Array {
                    x.into_array().$name(args)
                }
            )*
        }
    };
}
panicking! {
    sum => try_sum; prod => try_prod; max => try_max; min => try_min; any => try_any; all => try_all;
    mean => try_mean; var => try_var; std => try_std; ptp => try_ptp;
}

impl Array {
    /// `argmax(axis)`: index of the first maximum (flat index when `axis` is `None`).
    #[track_caller]
    pub fn try_argmax(&self, axis: Option<isize>) -> Result<Array> {
        self.arg_reduce(ArgReduceOp::ArgMax, axis, Location::caller())
    }
    /// `argmax(axis)`.
    #[track_caller]
    pub fn argmax(&self, axis: Option<isize>) -> Array {
        ok(self.try_argmax(axis))
    }
    /// `argmin(axis)`.
    #[track_caller]
    pub fn try_argmin(&self, axis: Option<isize>) -> Result<Array> {
        self.arg_reduce(ArgReduceOp::ArgMin, axis, Location::caller())
    }
    /// `argmin(axis)`.
    #[track_caller]
    pub fn argmin(&self, axis: Option<isize>) -> Array {
        ok(self.try_argmin(axis))
    }
    /// `cumsum(axis)` (flattened when `None`; small ints accumulate in 64 bits).
    #[track_caller]
    pub fn try_cumsum(&self, axis: Option<isize>) -> Result<Array> {
        self.scan(ScanOp::CumSum, axis, None, Location::caller())
    }
    /// `cumsum(axis)`.
    #[track_caller]
    pub fn cumsum(&self, axis: Option<isize>) -> Array {
        ok(self.try_cumsum(axis))
    }
    /// `cumprod(axis)`.
    #[track_caller]
    pub fn try_cumprod(&self, axis: Option<isize>) -> Result<Array> {
        self.scan(ScanOp::CumProd, axis, None, Location::caller())
    }
    /// `cumprod(axis)`.
    #[track_caller]
    pub fn cumprod(&self, axis: Option<isize>) -> Array {
        ok(self.try_cumprod(axis))
    }
}
