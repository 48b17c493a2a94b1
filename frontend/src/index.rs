//! Basic indexing: the [`s!`](crate::s) macro and its [`SliceArg`]s (integers, ranges with
//! steps, negative indices and steps, `newaxis`, `...`), applied lazily to [`Array`]s and as
//! views to [`NdArray`]s with Python's slice rules.

use crate::array::{ok, Array};
use numfuse_ir::{Error, Op, Result, Shape, SliceAxis};
use numfuse_runtime::NdArray;
use smallvec::SmallVec;
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo};
use std::panic::Location;

/// One entry of a NumPy index expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceArg {
    /// An integer index (negative counts from the end); removes the axis.
    Index(isize),
    /// `start:stop:step` with Python semantics (`None` = default, negatives from the end).
    Slice {
        /// Start, or the default.
        start: Option<isize>,
        /// Stop (exclusive), or the default.
        stop: Option<isize>,
        /// Step (non-zero; negative walks backwards).
        step: isize,
    },
    /// `np.newaxis`: inserts a length-1 axis.
    NewAxis,
    /// `...`: as many full slices as needed.
    Ellipsis,
}

impl SliceArg {
    /// Adds a step to a slice (`s![a..b;step]`).
    pub fn stepped(self, step: isize) -> SliceArg {
        match self {
            SliceArg::Slice { start, stop, .. } => SliceArg::Slice { start, stop, step },
            other => other,
        }
    }
}

macro_rules! slice_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for SliceArg {
            fn from(i: $t) -> SliceArg { SliceArg::Index(i as isize) }
        }
        impl From<Range<$t>> for SliceArg {
            fn from(r: Range<$t>) -> SliceArg { SliceArg::Slice { start: Some(r.start as isize), stop: Some(r.end as isize), step: 1 } }
        }
        impl From<RangeInclusive<$t>> for SliceArg {
            fn from(r: RangeInclusive<$t>) -> SliceArg {
                let end = *r.end() as isize;
                SliceArg::Slice { start: Some(*r.start() as isize), stop: if end == -1 { None } else { Some(end + 1) }, step: 1 }
            }
        }
        impl From<RangeFrom<$t>> for SliceArg {
            fn from(r: RangeFrom<$t>) -> SliceArg { SliceArg::Slice { start: Some(r.start as isize), stop: None, step: 1 } }
        }
        impl From<RangeTo<$t>> for SliceArg {
            fn from(r: RangeTo<$t>) -> SliceArg { SliceArg::Slice { start: None, stop: Some(r.end as isize), step: 1 } }
        }
    )*};
}
slice_from_int!(i32, i64, isize, usize);
impl From<RangeFull> for SliceArg {
    fn from(_: RangeFull) -> SliceArg {
        SliceArg::Slice {
            start: None,
            stop: None,
            step: 1,
        }
    }
}

/// NumPy's `np.newaxis` for use in [`s!`](crate::s).
pub const NEWAXIS: SliceArg = SliceArg::NewAxis;

/// Builds a `Vec<SliceArg>`: `s![1..3, ..;2, -1, newaxis, ...]`. `a..b;step` adds a step
/// (negative steps walk backwards: `s![..;-1]` reverses), `newaxis` inserts an axis and `...`
/// stands for the remaining axes.
///
/// ```
/// use numfuse as nf;
/// use numfuse::s;
/// let m = nf::arange(16).reshape([4, 4]);
/// assert_eq!(m.slice(s![1..3, 1..3]).to_vec::<i64>(), vec![5, 6, 9, 10]);
/// assert_eq!(m.slice(s![.., -1]).to_vec::<i64>(), vec![3, 7, 11, 15]);
/// assert_eq!(m.slice(s![-1, ..;2]).to_vec::<i64>(), vec![12, 14]);
/// assert_eq!(m.slice(s![..;-1, 0, newaxis]).shape().dims(), &[4, 1]);
/// ```
#[macro_export]
macro_rules! s {
    ($($t:tt)*) => { $crate::__s_impl!(@acc [] $($t)*) };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __s_impl {
    (@acc [$($acc:expr,)*]) => { { let v: Vec<$crate::SliceArg> = vec![$($acc,)*]; v } };
    (@acc [$($acc:expr,)*] ... , $($rest:tt)*) => { $crate::__s_impl!(@acc [$($acc,)* $crate::SliceArg::Ellipsis,] $($rest)*) };
    (@acc [$($acc:expr,)*] ...) => { $crate::__s_impl!(@acc [$($acc,)* $crate::SliceArg::Ellipsis,]) };
    (@acc [$($acc:expr,)*] newaxis , $($rest:tt)*) => { $crate::__s_impl!(@acc [$($acc,)* $crate::SliceArg::NewAxis,] $($rest)*) };
    (@acc [$($acc:expr,)*] newaxis) => { $crate::__s_impl!(@acc [$($acc,)* $crate::SliceArg::NewAxis,]) };
    (@acc [$($acc:expr,)*] $e:expr ; $step:expr , $($rest:tt)*) => { $crate::__s_impl!(@acc [$($acc,)* $crate::__s_impl!(@step $e, $step),] $($rest)*) };
    (@acc [$($acc:expr,)*] $e:expr ; $step:expr) => { $crate::__s_impl!(@acc [$($acc,)* $crate::__s_impl!(@step $e, $step),]) };
    // `5..1;-1` is NumPy's `5:1:-1` and `4..1` an empty slice: "reversed" ranges are meant
    (@step $e:expr, $step:expr) => {{
        #[allow(clippy::reversed_empty_ranges)]
        let range = $e;
        $crate::SliceArg::from(range).stepped($step as isize)
    }};
    (@acc [$($acc:expr,)*] $e:expr , $($rest:tt)*) => { $crate::__s_impl!(@acc [$($acc,)* $crate::__s_impl!(@step $e, 1),] $($rest)*) };
    (@acc [$($acc:expr,)*] $e:expr) => { $crate::__s_impl!(@acc [$($acc,)* $crate::__s_impl!(@step $e, 1),]) };
}

/// Python's slice normalisation for an axis of length `n`.
fn normalize_slice(
    start: Option<isize>,
    stop: Option<isize>,
    step: isize,
    n: usize,
) -> Result<SliceAxis> {
    if step == 0 {
        return Err(Error::Value("slice step cannot be zero".into()));
    }
    let n = n as isize;
    let clamp = |v: isize, lo: isize, hi: isize| v.max(lo).min(hi);
    let fix = |v: isize| if v < 0 { v + n } else { v };
    let (start, stop) = if step > 0 {
        (
            start.map_or(0, |s| clamp(fix(s), 0, n)),
            stop.map_or(n, |s| clamp(fix(s), 0, n)),
        )
    } else {
        (
            start.map_or(n - 1, |s| clamp(fix(s), -1, n - 1)),
            stop.map_or(-1, |s| clamp(fix(s), -1, n - 1)),
        )
    };
    let len = if step > 0 {
        if stop > start {
            (stop - start + step - 1) / step
        } else {
            0
        }
    } else if start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    Ok(SliceAxis {
        start: if len > 0 { start as usize } else { 0 },
        step,
        len: len as usize,
    })
}

/// The plan of an index expression: a slice per input axis and the final shape.
pub(crate) fn plan(shape: &Shape, args: &[SliceArg]) -> Result<(SmallVec<[SliceAxis; 4]>, Shape)> {
    let consumed = args
        .iter()
        .filter(|a| matches!(a, SliceArg::Index(_) | SliceArg::Slice { .. }))
        .count();
    if args.iter().filter(|a| **a == SliceArg::Ellipsis).count() > 1 {
        return Err(Error::Index(
            "an index can only have a single ellipsis ('...')".into(),
        ));
    }
    if consumed > shape.ndim() {
        return Err(Error::TooManyIndices {
            ndim: shape.ndim(),
            given: consumed,
        });
    }
    let mut axes: SmallVec<[SliceAxis; 4]> = SmallVec::new();
    let mut out: SmallVec<[usize; 4]> = SmallVec::new();
    let mut ax = 0;
    let full = |n: usize| SliceAxis {
        start: 0,
        step: 1,
        len: n,
    };
    for a in args {
        match *a {
            SliceArg::Index(i) => {
                let n = shape[ax];
                let j = if i < 0 { i + n as isize } else { i };
                if j < 0 || j >= n as isize {
                    return Err(Error::IndexOutOfBounds {
                        index: i,
                        axis: ax,
                        size: n,
                    });
                }
                axes.push(SliceAxis {
                    start: j as usize,
                    step: 1,
                    len: 1,
                });
                ax += 1;
            }
            SliceArg::Slice { start, stop, step } => {
                let s = normalize_slice(start, stop, step, shape[ax])?;
                out.push(s.len);
                axes.push(s);
                ax += 1;
            }
            SliceArg::NewAxis => out.push(1),
            SliceArg::Ellipsis => {
                for _ in 0..shape.ndim() - consumed {
                    axes.push(full(shape[ax]));
                    out.push(shape[ax]);
                    ax += 1;
                }
            }
        }
    }
    while ax < shape.ndim() {
        axes.push(full(shape[ax]));
        out.push(shape[ax]);
        ax += 1;
    }
    Ok((axes, Shape(out)))
}

impl Array {
    /// Basic indexing `x[...]` with an [`s!`](crate::s) expression (fallible form).
    #[track_caller]
    pub fn try_slice(&self, args: impl AsRef<[SliceArg]>) -> Result<Array> {
        let origin = Location::caller();
        let (axes, out) = plan(self.shape(), args.as_ref())?;
        let identity = axes
            .iter()
            .zip(self.shape().iter())
            .all(|(a, &n)| a.start == 0 && a.step == 1 && a.len == n);
        let sliced = if identity {
            self.clone()
        } else {
            Array::from_op(Op::Slice(axes), vec![self.clone()], origin)?
        };
        if sliced.shape() == &out {
            return Ok(sliced);
        }
        Array::from_op(Op::Reshape(out), vec![sliced], origin)
    }
    /// Basic indexing `x[...]` with an [`s!`](crate::s) expression; integer indices remove
    /// axes (all-integer indexing gives a 0-d array, read it with `item()`).
    #[track_caller]
    pub fn slice(&self, args: impl AsRef<[SliceArg]>) -> Array {
        ok(self.try_slice(args))
    }
}

/// Basic indexing on concrete arrays: the result is a *view* sharing memory with the base,
/// so writes through it are seen by the base (NumPy semantics).
pub trait SliceView {
    /// The view `self[...]`.
    fn view(&self, args: impl AsRef<[SliceArg]>) -> Result<NdArray>;
}

impl SliceView for NdArray {
    fn view(&self, args: impl AsRef<[SliceArg]>) -> Result<NdArray> {
        let (axes, out) = plan(self.shape(), args.as_ref())?;
        self.slice(&axes)?.reshape(&out)
    }
}
