//! The reference interpreter: evaluates a [`Graph`] node by node with plain strided loops.
//!
//! It is the oracle every other engine is tested against, so it favours obvious correctness:
//! every node's value is a fresh [`NdArray`] (movement ops are views), values are dropped after
//! their last use, and no loop allocates per element. float16 arithmetic runs in float32 and
//! rounds once, as NumPy's half loops do.

pub mod complex;
pub mod float;
pub mod int;
pub mod loops;
pub mod reduce;

use crate::cast::cast_array;
use crate::layout::Strides;
use crate::ndarray::NdArray;
use crate::value::Value;
use numfuse_ir::{DType, Error, Graph, Op, Result, Shape, UnaryOp};
use reduce::{int_step, Ordered};

pub(crate) fn no_loop(op: &str, d: DType) -> Error {
    Error::Value(format!(
        "internal error: no interpreter loop for {op} on {d}"
    ))
}

/// Dispatches over the integer dtypes with `$T` bound to the Rust type.
macro_rules! with_int {
    ($d:expr, $T:ident => $body:expr, $else:expr) => {
        match $d {
            DType::Int8 => {
                type $T = i8;
                $body
            }
            DType::UInt8 => {
                type $T = u8;
                $body
            }
            DType::Int16 => {
                type $T = i16;
                $body
            }
            DType::UInt16 => {
                type $T = u16;
                $body
            }
            DType::Int32 => {
                type $T = i32;
                $body
            }
            DType::UInt32 => {
                type $T = u32;
                $body
            }
            DType::Int64 => {
                type $T = i64;
                $body
            }
            DType::UInt64 => {
                type $T = u64;
                $body
            }
            _ => $else,
        }
    };
}

/// Runs `f` on float32 copies of float16 inputs and rounds float32 results back.
fn via_f32(args: &[&NdArray], f: impl FnOnce(&[&NdArray]) -> Result<NdArray>) -> Result<NdArray> {
    let wide: Vec<NdArray> = args.iter().map(|a| cast_array(a, DType::Float32)).collect();
    let refs: Vec<&NdArray> = wide.iter().collect();
    let r = f(&refs)?;
    Ok(if r.dtype() == DType::Float32 {
        cast_array(&r, DType::Float16)
    } else {
        r
    })
}

/// Applies a unary ufunc to an array whose dtype is the loop dtype.
pub fn unary(op: UnaryOp, a: &NdArray) -> Result<NdArray> {
    match a.dtype() {
        DType::Bool => int::bool_unary(op, a),
        DType::Float16 => via_f32(&[a], |x| unary(op, x[0])),
        DType::Float32 => float::unary::<f32>(op, a),
        DType::Float64 => float::unary::<f64>(op, a),
        DType::Complex64 => complex::unary::<f32>(op, a),
        DType::Complex128 => complex::unary::<f64>(op, a),
        d => with_int!(d, T => int::unary::<T>(op, a), Err(no_loop(op.name(), d))),
    }
}

/// Applies a binary ufunc to two same-shaped arrays of the loop dtype.
pub fn binary(op: numfuse_ir::BinaryOp, a: &NdArray, b: &NdArray) -> Result<NdArray> {
    match a.dtype() {
        DType::Bool => int::bool_binary(op, a, b),
        DType::Float16 => via_f32(&[a, b], |x| binary(op, x[0], x[1])),
        DType::Float32 => float::binary::<f32>(op, a, b),
        DType::Float64 => float::binary::<f64>(op, a, b),
        DType::Complex64 => complex::binary::<f32>(op, a, b),
        DType::Complex128 => complex::binary::<f64>(op, a, b),
        d => with_int!(d, T => int::binary::<T>(op, a, b), Err(no_loop(op.name(), d))),
    }
}

fn reduce_op(op: numfuse_ir::ReduceOp, a: &NdArray, axes: &[usize]) -> Result<NdArray> {
    use numfuse_ir::ReduceOp as R;
    let arith_free = matches!(op, R::Any | R::All | R::Max | R::Min);
    match a.dtype() {
        DType::Float16 if !arith_free => via_f32(&[a], |x| reduce_op(op, x[0], axes)),
        DType::Float16 => {
            let r = reduce_op(op, &cast_array(a, DType::Float32), axes)?;
            Ok(if r.dtype() == DType::Float32 {
                cast_array(&r, DType::Float16)
            } else {
                r
            })
        }
        // add/multiply on bool are logical or/and (NumPy's `??->?` loops)
        DType::Bool => {
            let op = match op {
                R::Sum => R::Any,
                R::Prod => R::All,
                op => op,
            };
            reduce::reduce::<bool>(op, a, axes, None)
        }
        DType::Float32 => reduce::reduce::<f32>(op, a, axes, Some(reduce::sum_prod_float::<f32>)),
        DType::Float64 => reduce::reduce::<f64>(op, a, axes, Some(reduce::sum_prod_float::<f64>)),
        DType::Complex64 => reduce::reduce(op, a, axes, Some(reduce::sum_prod_complex::<f32>)),
        DType::Complex128 => reduce::reduce(op, a, axes, Some(reduce::sum_prod_complex::<f64>)),
        d => {
            with_int!(d, T => reduce::reduce::<T>(op, a, axes, Some(reduce::sum_prod_int::<T>)), Err(no_loop(op.name(), d)))
        }
    }
}

fn arg_reduce_op(op: numfuse_ir::ArgReduceOp, a: &NdArray, axis: usize) -> Result<NdArray> {
    fn go<T: Ordered>(op: numfuse_ir::ArgReduceOp, a: &NdArray, axis: usize) -> Result<NdArray> {
        reduce::arg_reduce::<T>(op, a, axis)
    }
    match a.dtype() {
        DType::Bool => go::<bool>(op, a, axis),
        DType::Float16 => go::<f32>(op, &cast_array(a, DType::Float32), axis),
        DType::Float32 => go::<f32>(op, a, axis),
        DType::Float64 => go::<f64>(op, a, axis),
        DType::Complex64 => go::<num_complex::Complex<f32>>(op, a, axis),
        DType::Complex128 => go::<num_complex::Complex<f64>>(op, a, axis),
        d => with_int!(d, T => go::<T>(op, a, axis), Err(no_loop(op.name(), d))),
    }
}

fn scan_op(op: numfuse_ir::ScanOp, a: &NdArray, axis: usize) -> Result<NdArray> {
    use num_complex::Complex;
    use numfuse_ir::ScanOp::CumSum;
    let sum = op == CumSum;
    Ok(match a.dtype() {
        DType::Float16 => return via_f32(&[a], |x| scan_op(op, x[0], axis)),
        DType::Float32 => {
            reduce::scan::<f32>(a, axis, if sum { |x, y| x + y } else { |x, y| x * y })
        }
        DType::Float64 => {
            reduce::scan::<f64>(a, axis, if sum { |x, y| x + y } else { |x, y| x * y })
        }
        DType::Complex64 => {
            reduce::scan::<Complex<f32>>(a, axis, if sum { |x, y| x + y } else { |x, y| x * y })
        }
        DType::Complex128 => {
            reduce::scan::<Complex<f64>>(a, axis, if sum { |x, y| x + y } else { |x, y| x * y })
        }
        d => {
            with_int!(d, T => reduce::scan::<T>(a, axis, int_step::<T>(op)), return Err(no_loop(op.name(), d)))
        }
    })
}

fn iota(shape: &Shape, axis: usize) -> NdArray {
    let strides: Strides = shape.c_strides();
    let n = shape.get(axis).copied().unwrap_or(1);
    let data: Vec<i64> = (0..shape.size())
        .map(|i| {
            ((i as isize / strides.get(axis).copied().unwrap_or(1)) as usize % n.max(1)) as i64
        })
        .collect();
    NdArray::from_vec(shape.clone(), data).expect("sizes match")
}

/// Evaluates one operation on concrete arguments (the eager engine and the interpreter's step).
pub fn eval_op(op: &Op, args: &[&NdArray]) -> Result<NdArray> {
    let arg = |i: usize| -> Result<&NdArray> {
        args.get(i).copied().ok_or_else(|| {
            Error::Value(format!(
                "internal error: {} is missing input {i}",
                op.mnemonic()
            ))
        })
    };
    match op {
        Op::Input(_) => Err(Error::Value(
            "internal error: inputs are bound, not evaluated".into(),
        )),
        Op::Const { value, dtype } => Ok(NdArray::from_value(Value::from_scalar(*value, *dtype))),
        Op::Iota { shape, axis } => Ok(iota(shape, *axis)),
        Op::Unary(u) => unary(*u, arg(0)?),
        Op::Binary(b) => binary(*b, arg(0)?, arg(1)?),
        Op::Where => {
            let (c, a, b) = (arg(0)?, arg(1)?, arg(2)?);
            Ok(crate::with_dtype!(a.dtype(), T => loops::select::<T>(c, a, b)))
        }
        Op::Cast(d) => Ok(cast_array(arg(0)?, *d)),
        Op::Copy => Ok(arg(0)?.copy()),
        Op::Reduce { op, axes } => reduce_op(*op, arg(0)?, axes),
        Op::ArgReduce { op, axis } => arg_reduce_op(*op, arg(0)?, *axis),
        Op::Scan { op, axis } => scan_op(*op, arg(0)?, *axis),
        Op::Reshape(s) => arg(0)?.reshape(s),
        Op::Permute(p) => arg(0)?.permute(p),
        Op::Broadcast(s) => arg(0)?.broadcast_to(s),
        Op::Slice(axes) => arg(0)?.slice(axes),
        Op::Diagonal { offset } => arg(0)?.diagonal(*offset),
        Op::MatMul => crate::linalg::gemm::matmul(arg(0)?, arg(1)?),
        Op::MatMulEpilogue(e) => {
            let bias = if e.bias { Some(arg(2)?) } else { None };
            crate::linalg::fused::matmul_epilogue(arg(0)?, arg(1)?, bias, e)
        }
        Op::Linalg(l) => crate::linalg::eval_linalg(*l, args),
        Op::Fft(f) => crate::fft::eval_fft(f, arg(0)?),
        Op::Moments { reduced } => crate::moments::moments(arg(0)?, *reduced),
    }
}

/// Evaluates `graph` on concrete `inputs` (one per declared input, matching its type) and
/// returns the values of its outputs.
pub fn eval(graph: &Graph, inputs: &[NdArray]) -> Result<Vec<NdArray>> {
    if inputs.len() != graph.inputs().len() {
        return Err(Error::Value(format!(
            "graph expects {} inputs, got {}",
            graph.inputs().len(),
            inputs.len()
        )));
    }
    let mut remaining = graph.use_counts();
    let mut values: Vec<Option<NdArray>> = vec![None; graph.len()];
    for (i, node) in graph.nodes().iter().enumerate() {
        let v = match &node.op {
            Op::Input(k) => inputs[*k as usize].clone(),
            op => {
                let args: Vec<&NdArray> = node
                    .inputs
                    .iter()
                    .map(|x| values[x.index()].as_ref().expect("value is live"))
                    .collect();
                eval_op(op, &args)?
            }
        };
        values[i] = Some(v);
        for x in &node.inputs {
            remaining[x.index()] -= 1;
            if remaining[x.index()] == 0 {
                values[x.index()] = None;
            }
        }
    }
    Ok(graph
        .outputs()
        .iter()
        .map(|o| values[o.index()].clone().expect("outputs stay live"))
        .collect())
}
