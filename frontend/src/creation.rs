//! Array creation: `array`, `zeros`, `ones`, `full`, `empty`, the `*_like` forms, `eye`,
//! `identity`, `arange`, `linspace`, `logspace`, `diag`, `fromfunction`, `copy`.
//!
//! Dtypes follow NumPy's defaults (float64 for `zeros`/`ones`/`eye`/`linspace`, int64 for integer
//! `arange`, the fill value's type for `full`); convert with `.astype(dtype)`.
//! Constant arrays are lazy (`const` broadcast to the shape) so they fuse into expressions.

use crate::array::{ok, Array};
use crate::convert::{IntoArray, Nested};
use numfuse_ir::{BinaryOp, DType, Error, Op, Result, Scalar, Shape};
use numfuse_runtime::{NdArray, Value};
use std::panic::Location;

type Loc = &'static Location<'static>;

fn default_dtype(s: Scalar) -> DType {
    match s {
        Scalar::Bool(_) => DType::Bool,
        Scalar::Int(_) => DType::Int64,
        Scalar::UInt(_) => DType::UInt64,
        Scalar::Float(_) => DType::Float64,
        Scalar::Complex(..) => DType::Complex128,
    }
}

/// A 0-d constant node of `dtype`.
pub(crate) fn const_node(value: Scalar, dtype: DType, origin: Loc) -> Array {
    ok(Array::from_op(Op::Const { value, dtype }, vec![], origin))
}

/// A strong 0-d array from a scalar (its NumPy default dtype).
pub(crate) fn scalar_array(s: Scalar, origin: Loc) -> Array {
    const_node(s, default_dtype(s), origin)
}

fn filled(shape: Shape, value: Scalar, dtype: DType, origin: Loc) -> Array {
    let c = const_node(value, dtype, origin);
    ok(Array::from_op(Op::Broadcast(shape), vec![c], origin))
}

/// `np.array(data)`: an array from nested Rust arrays, `Vec`s or slices of any depth.
///
/// ```
/// use numfuse as nf;
/// let m = nf::array([[1, 2, 3], [4, 5, 6]]);
/// assert_eq!((m.shape().dims(), m.dtype()), (&[2usize, 3][..], nf::int64));
/// ```
#[track_caller]
pub fn array<T: Nested>(data: T) -> Array {
    data.into_array()
}

/// `np.array(data)` with errors (ragged input) returned instead of panicking.
#[track_caller]
pub fn try_array<T: Nested>(data: T) -> Result<Array> {
    Ok(Array::leaf(
        crate::convert::nested_to_ndarray(&data)?,
        Location::caller(),
    ))
}

/// `np.asarray(x)`: arrays pass through, data is converted.
#[track_caller]
pub fn asarray(x: impl IntoArray) -> Array {
    x.into_array()
}

/// `np.zeros(shape)` (float64).
#[track_caller]
pub fn zeros(shape: impl Into<Shape>) -> Array {
    filled(
        shape.into(),
        Scalar::float(0.0),
        DType::Float64,
        Location::caller(),
    )
}
/// `np.ones(shape)` (float64).
#[track_caller]
pub fn ones(shape: impl Into<Shape>) -> Array {
    filled(
        shape.into(),
        Scalar::float(1.0),
        DType::Float64,
        Location::caller(),
    )
}
/// `np.empty(shape)`: numfuse has no uninitialised memory; this is `zeros`.
#[track_caller]
pub fn empty(shape: impl Into<Shape>) -> Array {
    zeros(shape)
}
/// `np.full(shape, value)`: the dtype is the value's (Rust int → int64, float → float64).
#[track_caller]
pub fn full(shape: impl Into<Shape>, value: impl Into<Scalar>) -> Array {
    let v = value.into();
    filled(shape.into(), v, default_dtype(v), Location::caller())
}
/// `np.zeros_like(x)`: same shape and dtype.
#[track_caller]
pub fn zeros_like(x: &Array) -> Array {
    filled(
        x.shape().clone(),
        Scalar::Int(0),
        x.dtype(),
        Location::caller(),
    )
}
/// `np.ones_like(x)`.
#[track_caller]
pub fn ones_like(x: &Array) -> Array {
    filled(
        x.shape().clone(),
        Scalar::Int(1),
        x.dtype(),
        Location::caller(),
    )
}
/// `np.empty_like(x)` (zero-filled).
#[track_caller]
pub fn empty_like(x: &Array) -> Array {
    zeros_like(x)
}
/// `np.full_like(x, value)`: x's shape and dtype, the value converted.
#[track_caller]
pub fn full_like(x: &Array, value: impl Into<Scalar>) -> Array {
    ok(try_full_like(x, value))
}
/// Fallible [`full_like`]: a Rust integer out of range for an integer dtype is an error.
#[track_caller]
pub fn try_full_like(x: &Array, value: impl Into<Scalar>) -> Result<Array> {
    let v = value.into();
    crate::ufunc::check_weak_int(v, x.dtype())?;
    Ok(filled(x.shape().clone(), v, x.dtype(), Location::caller()))
}

/// `np.eye(n, m, k)`: ones on the k-th diagonal of an n×m float64 matrix.
#[track_caller]
pub fn eye_nmk(n: usize, m: usize, k: isize) -> Array {
    let nd = NdArray::zeros([n, m], DType::Float64);
    if let Ok(d) = nd.diagonal(k) {
        d.fill(1.0).expect("fresh arrays are writeable");
    }
    Array::leaf(nd, Location::caller())
}
/// `np.eye(n)`.
#[track_caller]
pub fn eye(n: usize) -> Array {
    eye_nmk(n, n, 0)
}
/// `np.identity(n)`.
#[track_caller]
pub fn identity(n: usize) -> Array {
    eye_nmk(n, n, 0)
}

/// `np.arange(stop)`: `0, 1, ..., stop-1` as int64 (or float64 for a float `stop`).
#[track_caller]
pub fn arange(stop: impl Into<Scalar>) -> Array {
    ok(arange_impl(
        Scalar::Int(0),
        stop.into(),
        Scalar::Int(1),
        Location::caller(),
    ))
}
/// `np.arange(start, stop, step)`: int64 when all three are integers, else float64; the step
/// may be negative.
#[track_caller]
pub fn arange_step(
    start: impl Into<Scalar>,
    stop: impl Into<Scalar>,
    step: impl Into<Scalar>,
) -> Array {
    ok(arange_impl(
        start.into(),
        stop.into(),
        step.into(),
        Location::caller(),
    ))
}
/// Fallible [`arange_step`] (zero step → error).
#[track_caller]
pub fn try_arange_step(
    start: impl Into<Scalar>,
    stop: impl Into<Scalar>,
    step: impl Into<Scalar>,
) -> Result<Array> {
    arange_impl(start.into(), stop.into(), step.into(), Location::caller())
}

fn arange_impl(start: Scalar, stop: Scalar, step: Scalar, origin: Loc) -> Result<Array> {
    let ints = [start, stop, step].iter().all(|s| s.as_i128().is_some());
    if step.as_f64() == 0.0 {
        return Err(Error::ZeroDivision);
    }
    let (a, b, s) = (start.as_f64(), stop.as_f64(), step.as_f64());
    let len = if ints {
        let (a, b, s) = (
            start.as_i128().unwrap(),
            stop.as_i128().unwrap(),
            step.as_i128().unwrap(),
        );
        ((b - a + s - s.signum()) / s).max(0) as usize
    } else {
        let n = ((b - a) / s).ceil();
        if !n.is_finite() || n > 1e15 {
            return Err(Error::Value("Maximum allowed size exceeded".into()));
        }
        n.max(0.0) as usize
    };
    let iota = Array::from_op(
        Op::Iota {
            shape: Shape::from([len]),
            axis: 0,
        },
        vec![],
        origin,
    )?;
    if ints {
        let one = step.as_i128() == Some(1);
        let scaled = if one {
            iota
        } else {
            crate::ufunc::binary_at(BinaryOp::Mul, iota.into(), step.into(), origin)?
        };
        if start.as_i128() == Some(0) {
            return Ok(scaled);
        }
        return crate::ufunc::binary_at(BinaryOp::Add, scaled.into(), start.into(), origin);
    }
    let delta = (a + s) - a;
    let f = iota.try_astype(DType::Float64)?;
    let scaled =
        crate::ufunc::binary_at(BinaryOp::Mul, f.into(), Scalar::float(delta).into(), origin)?;
    crate::ufunc::binary_at(
        BinaryOp::Add,
        scaled.into(),
        Scalar::float(a).into(),
        origin,
    )
}

/// `np.linspace(start, stop, num)` (endpoint included), float64.
#[track_caller]
pub fn linspace(start: f64, stop: f64, num: usize) -> Array {
    linspace_ex(start, stop, num, true).0
}

/// `np.linspace(start, stop, num, endpoint, retstep=True)`: the samples and the step.
#[track_caller]
pub fn linspace_ex(start: f64, stop: f64, num: usize, endpoint: bool) -> (Array, f64) {
    let div = if endpoint { num.saturating_sub(1) } else { num };
    let delta = stop - start;
    let step = if div > 0 {
        delta / div as f64
    } else {
        f64::NAN
    };
    let mut v: Vec<f64> = (0..num)
        .map(|i| {
            let y = i as f64;
            let y = if div == 0 {
                y * delta
            } else if step == 0.0 {
                y / div as f64 * delta
            } else {
                y * step
            };
            y + start
        })
        .collect();
    if endpoint && num > 1 {
        v[num - 1] = stop;
    }
    let nd = NdArray::from_vec([num], v).expect("sizes match");
    (Array::leaf(nd, Location::caller()), step)
}

/// `np.logspace(start, stop, num)`: `10 ** linspace(start, stop, num)`.
#[track_caller]
pub fn logspace(start: f64, stop: f64, num: usize) -> Array {
    logspace_base(start, stop, num, 10.0)
}
/// `np.logspace(start, stop, num, base=base)`.
#[track_caller]
pub fn logspace_base(start: f64, stop: f64, num: usize, base: f64) -> Array {
    let y = linspace(start, stop, num);
    ok(crate::ufunc::binary_at(
        BinaryOp::Pow,
        Scalar::float(base).into(),
        y.into(),
        Location::caller(),
    ))
}

/// `np.diag(v, k)`: for 1-D input, a 2-D array with `v` on the k-th diagonal (evaluates `v`);
/// for 2-D input, the k-th diagonal (a lazy view).
#[track_caller]
pub fn diag(v: impl IntoArray, k: isize) -> Array {
    ok(try_diag(v, k))
}
/// Fallible [`diag`].
#[track_caller]
pub fn try_diag(v: impl IntoArray, k: isize) -> Result<Array> {
    let v = v.into_array();
    let origin = Location::caller();
    match v.ndim() {
        1 => {
            let n = v.size() + k.unsigned_abs();
            let out = NdArray::zeros([n, n], v.dtype());
            out.diagonal(k)?.assign(&v.try_eval()?)?;
            Ok(Array::leaf(out, origin))
        }
        2 => Array::from_op(Op::Diagonal { offset: k }, vec![v], origin),
        _ => Err(Error::Value("Input must be 1- or 2-d.".into())),
    }
}

/// `np.fromfunction(f, shape, dtype)`: calls `f` once with one index array per axis (lazy
/// `arange`s broadcast over `shape`, of `dtype`, float64 in NumPy's default).
///
/// ```
/// use numfuse as nf;
/// let t = nf::fromfunction([3, 3], nf::int64, |ix| (&ix[0] + 1) * (&ix[1] + 1));
/// assert_eq!(t.to_vec::<i64>()[8], 9);
/// ```
#[track_caller]
pub fn fromfunction(
    shape: impl Into<Shape>,
    dtype: DType,
    f: impl FnOnce(&[Array]) -> Array,
) -> Array {
    let shape = shape.into();
    let origin = Location::caller();
    let idx: Vec<Array> = (0..shape.ndim())
        .map(|axis| {
            ok(Array::from_op(
                Op::Iota {
                    shape: shape.clone(),
                    axis,
                },
                vec![],
                origin,
            )
            .and_then(|a| a.try_astype(dtype)))
        })
        .collect();
    f(&idx)
}

/// `np.copy(x)`: a fresh C-contiguous copy.
#[track_caller]
pub fn copy(x: impl IntoArray) -> Array {
    x.into_array().copy()
}

/// A 0-d array holding a value of its dtype (`np.float32(1e38)` style).
#[track_caller]
pub fn scalar(v: impl Into<Value>) -> Array {
    Array::leaf(NdArray::from_value(v.into()), Location::caller())
}
