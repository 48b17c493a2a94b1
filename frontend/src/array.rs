//! [`Array`]: the lazy, immutable, cheaply clonable handle users compute with.
//!
//! An `Array` is an `Arc` node: operation, input handles, shape, dtype, the source location
//! that created it, and a slot for its value. Shapes and dtypes are checked when the node is
//! built (errors surface at the line that made the mistake); values are computed by
//! [`Array::eval`]. A realized node forgets its inputs and acts as a leaf in later graphs.

use crate::mode::{current_mode, Mode};
use numfuse_ir::{DType, Error, Op, Origin, Result, Shape};
use numfuse_runtime::{interp, NdArray};
use std::panic::Location;
use std::sync::{Arc, Mutex, OnceLock};

pub(crate) struct Node {
    pub(crate) op: Op,
    pub(crate) inputs: Mutex<Vec<Array>>,
    pub(crate) shape: Shape,
    pub(crate) dtype: DType,
    pub(crate) origin: &'static Location<'static>,
    pub(crate) value: OnceLock<NdArray>,
}

impl Drop for Node {
    /// Unlinks long chains iteratively: dropping a graph built by a loop of 10⁶ operations must
    /// not recurse 10⁶ deep.
    fn drop(&mut self) {
        let mut stack: Vec<Array> =
            std::mem::take(self.inputs.get_mut().unwrap_or_else(|p| p.into_inner()));
        while let Some(a) = stack.pop() {
            if let Ok(mut node) = Arc::try_unwrap(a.0) {
                stack.append(node.inputs.get_mut().unwrap_or_else(|p| p.into_inner()));
            }
        }
    }
}

/// A lazy n-dimensional array: NumPy's `ndarray`, as a node of an expression graph.
///
/// ```
/// use numfuse as nf;
/// let x = nf::array([[1.0, 2.0], [3.0, 4.0]]);
/// let y = (&x - x.mean(nf::axis(0))) * 2.0;
/// assert_eq!(y.shape().dims(), &[2, 2]);
/// assert_eq!(y.to_vec::<f64>(), vec![-2.0, -2.0, 2.0, 2.0]);
/// ```
#[derive(Clone)]
pub struct Array(pub(crate) Arc<Node>);

/// Panics with the error's message at the caller's location (the panicking API forms).
#[track_caller]
pub(crate) fn ok<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

impl Array {
    /// Builds a node after its type has been derived by [`numfuse_ir::infer::infer`]; in eager
    /// mode the node is evaluated immediately.
    pub(crate) fn from_op(
        op: Op,
        inputs: Vec<Array>,
        origin: &'static Location<'static>,
    ) -> Result<Array> {
        let tys: Vec<(Shape, DType)> = inputs
            .iter()
            .map(|a| (a.shape().clone(), a.dtype()))
            .collect();
        let (shape, dtype) = numfuse_ir::infer::infer(&op, &tys)?;
        let a = Array(Arc::new(Node {
            op,
            inputs: Mutex::new(inputs),
            shape,
            dtype,
            origin,
            value: OnceLock::new(),
        }));
        if current_mode() == Mode::Eager {
            a.realize()?;
        }
        Ok(a)
    }

    /// Wraps a concrete array as a leaf. The leaf keeps a copy-on-write snapshot, so writing to
    /// `nd` afterwards does not change this array (value semantics).
    #[track_caller]
    pub fn from_ndarray(nd: &NdArray) -> Array {
        Array::leaf(nd.snapshot(), Location::caller())
    }

    pub(crate) fn leaf(nd: NdArray, origin: &'static Location<'static>) -> Array {
        let value = OnceLock::new();
        let (shape, dtype) = (nd.shape().clone(), nd.dtype());
        let _ = value.set(nd);
        Array(Arc::new(Node {
            op: Op::Input(0),
            inputs: Mutex::new(Vec::new()),
            shape,
            dtype,
            origin,
            value,
        }))
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        &self.0.shape
    }
    /// The dtype.
    pub fn dtype(&self) -> DType {
        self.0.dtype
    }
    /// Number of axes (`ndim`).
    pub fn ndim(&self) -> usize {
        self.0.shape.ndim()
    }
    /// Number of elements (`size`).
    pub fn size(&self) -> usize {
        self.0.shape.size()
    }
    /// Bytes per element (`itemsize`).
    pub fn itemsize(&self) -> usize {
        self.0.dtype.itemsize()
    }
    /// Bytes of all elements (`nbytes`).
    pub fn nbytes(&self) -> usize {
        self.size() * self.itemsize()
    }
    /// Length of the first axis (`len(a)`); errors for 0-d arrays.
    pub fn try_len(&self) -> Result<usize> {
        self.shape()
            .first()
            .copied()
            .ok_or_else(|| Error::Type("len() of unsized object".into()))
    }
    /// Length of the first axis (`len(a)`).
    #[track_caller]
    pub fn len(&self) -> usize {
        ok(self.try_len())
    }
    /// True when the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.size() == 0
    }
    /// Where this array was created in the user's program.
    pub fn origin(&self) -> &'static Location<'static> {
        self.0.origin
    }
    /// True when the value has been computed (or was given).
    pub fn is_realized(&self) -> bool {
        self.0.value.get().is_some()
    }
    pub(crate) fn op(&self) -> &Op {
        &self.0.op
    }
    pub(crate) fn inputs(&self) -> Vec<Array> {
        self.0.inputs.lock().map(|g| g.clone()).unwrap_or_default()
    }
    pub(crate) fn ptr(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    pub(crate) fn origin_opt(&self) -> Origin {
        Some(self.0.origin)
    }

    /// Evaluates the array (running the graph that produces it) and returns its value.
    pub fn try_eval(&self) -> Result<NdArray> {
        let v = self.realize()?;
        if v.has_broadcast_axes() {
            // a result is a fresh array, never a stride-0 view (zeros(..), broadcasts)
            return Ok(v.copy());
        }
        Ok(v.snapshot())
    }

    /// Computes (once) and caches the value, with the engine of the current mode. A realized
    /// node forgets its inputs and is a leaf of later graphs.
    pub(crate) fn realize(&self) -> Result<NdArray> {
        if let Some(v) = self.0.value.get() {
            return Ok(v.clone());
        }
        let (graph, inputs) = crate::lower::lower(std::slice::from_ref(self))?;
        let mut out = match current_mode() {
            Mode::Interpret => interp::eval(&graph, &inputs)?,
            Mode::Lazy | Mode::Eager => crate::explain::eval_traced(&graph, &inputs)?,
        };
        Ok(self.keep_value(out.pop().expect("one output")))
    }

    /// Caches `v` as this array's value (the first value kept wins) and forgets the inputs.
    pub(crate) fn keep_value(&self, v: NdArray) -> NdArray {
        let _ = self.0.value.set(v);
        if let Ok(mut ins) = self.0.inputs.lock() {
            ins.clear();
        }
        self.0.value.get().expect("just set").clone()
    }

    /// Evaluates the array (panics with the error message on failure, e.g. a negative integer
    /// power found in the data).
    #[track_caller]
    pub fn eval(&self) -> NdArray {
        ok(self.try_eval())
    }

    /// The elements in C order as a `Vec<T>`; `T` must match the dtype.
    pub fn try_to_vec<T: numfuse_runtime::Element>(&self) -> Result<Vec<T>> {
        self.try_eval()?.to_vec::<T>()
    }
    /// The elements in C order as a `Vec<T>`.
    #[track_caller]
    pub fn to_vec<T: numfuse_runtime::Element>(&self) -> Vec<T> {
        ok(self.try_to_vec())
    }
    /// The single element of a size-1 array (`item()`).
    pub fn try_item(&self) -> Result<numfuse_runtime::Value> {
        if self.size() != 1 {
            return Err(Error::NotAScalar { size: self.size() });
        }
        self.try_eval()?.item()
    }
    /// The single element of a size-1 array (`item()`).
    #[track_caller]
    pub fn item(&self) -> numfuse_runtime::Value {
        ok(self.try_item())
    }
    /// The single element converted to f64 (`float(a)`).
    #[track_caller]
    pub fn item_f64(&self) -> f64 {
        self.item().as_f64()
    }

    /// NumPy's strides in bytes of the evaluated array (`.strides`).
    #[track_caller]
    pub fn strides(&self) -> Vec<isize> {
        self.eval().strides()
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Array>();
    check::<NdArray>();
}

impl std::fmt::Display for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.try_eval() {
            Ok(v) => std::fmt::Display::fmt(&v, f),
            Err(e) => write!(f, "<error: {e}>"),
        }
    }
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.try_eval() {
            Ok(v) => f.write_str(&numfuse_runtime::format::repr(&v)),
            Err(e) => write!(f, "<error: {e}>"),
        }
    }
}
