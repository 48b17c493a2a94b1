//! Comparing numfuse's results with NumPy's: dtype and shape exactly, values per the case's
//! [`Tol`] (`exact` bit-for-bit with NaN == NaN and `-0.0 != 0.0`; `ulps` in the result
//! dtype's precision; `rtol/atol`; NaN and infinities always exactly), complex per component.

use crate::fixture::{Elem, ExpArray, Tol};
use half::f16;
use numfuse::{DType, NdArray, Value};

/// How many mismatching elements a description lists.
const SHOWN: usize = 4;

/// A computed element as an [`Elem`].
pub fn elem_of(v: Value) -> Elem {
    match v {
        Value::Bool(b) => Elem::Bool(b),
        Value::I8(x) => Elem::Int(x as i128),
        Value::U8(x) => Elem::Int(x as i128),
        Value::I16(x) => Elem::Int(x as i128),
        Value::U16(x) => Elem::Int(x as i128),
        Value::I32(x) => Elem::Int(x as i128),
        Value::U32(x) => Elem::Int(x as i128),
        Value::I64(x) => Elem::Int(x as i128),
        Value::U64(x) => Elem::Int(x as i128),
        Value::F16(x) => Elem::Float(x.to_f64()),
        Value::F32(x) => Elem::Float(x as f64),
        Value::F64(x) => Elem::Float(x),
        Value::C64(z) => Elem::Complex(z.re as f64, z.im as f64),
        Value::C128(z) => Elem::Complex(z.re, z.im),
    }
}

/// The values of a computed array in C order.
pub fn elems(a: &NdArray) -> Vec<Elem> {
    a.values().into_iter().map(elem_of).collect()
}

/// A short rendering of a value list (first and last few elements).
pub fn show_values(v: &[Elem]) -> String {
    const EDGE: usize = 4;
    let f = |s: &[Elem]| {
        s.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if v.len() <= 2 * EDGE {
        format!("[{}]", f(v))
    } else {
        format!(
            "[{}, ... {}] ({} values)",
            f(&v[..EDGE]),
            f(&v[v.len() - EDGE..]),
            v.len()
        )
    }
}

/// A short rendering of a computed array: `float32 (2, 3) [..]`.
pub fn show_array(a: &NdArray) -> String {
    format!("{} {} {}", a.dtype(), a.shape(), show_values(&elems(a)))
}

/// A short rendering of an expected array.
pub fn show_expected(e: &ExpArray) -> String {
    format!(
        "{} {} {}",
        e.dtype,
        nf_shape(&e.shape),
        show_values(&e.data)
    )
}

fn nf_shape(s: &[usize]) -> numfuse::Shape {
    numfuse::Shape::from(s.to_vec())
}

/// Distance in units in the last place between two finite values of `dtype`'s precision
/// (`-0.0` and `0.0` are 0 apart).
pub fn ulps_between(a: f64, b: f64, dtype: DType) -> u128 {
    fn ordered(bits: i64, sign_bit: i64) -> i128 {
        if bits & sign_bit != 0 {
            -((bits & !sign_bit) as i128)
        } else {
            bits as i128
        }
    }
    let (x, y) = match dtype.real_type() {
        DType::Float16 => (
            ordered(f16::from_f64(a).to_bits() as i64, 0x8000),
            ordered(f16::from_f64(b).to_bits() as i64, 0x8000),
        ),
        DType::Float32 => (
            ordered((a as f32).to_bits() as i64, 0x8000_0000),
            ordered((b as f32).to_bits() as i64, 0x8000_0000),
        ),
        _ => (
            ordered(a.to_bits() as i64, i64::MIN),
            ordered(b.to_bits() as i64, i64::MIN),
        ),
    };
    (x - y).unsigned_abs()
}

/// Whether one real component matches.
fn component_ok(want: f64, got: f64, tol: Tol, dtype: DType) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    if want.is_infinite() || got.is_infinite() {
        return want == got;
    }
    match tol {
        Tol::Exact => want.to_bits() == got.to_bits(),
        Tol::Ulps(n) => ulps_between(want, got, dtype) <= n as u128,
        Tol::Rel { rtol, atol } => (got - want).abs() <= atol + rtol * want.abs(),
    }
}

/// Whether a computed element matches an expected one of `dtype`.
pub fn elem_ok(want: Elem, got: Elem, tol: Tol, dtype: DType) -> bool {
    match (want, got) {
        (Elem::Bool(a), Elem::Bool(b)) => a == b,
        (Elem::Int(a), Elem::Int(b)) => a == b,
        (Elem::Float(_) | Elem::Complex(..), _) | (_, Elem::Float(_) | Elem::Complex(..)) => {
            component_ok(want.re(), got.re(), tol, dtype)
                && component_ok(want.im(), got.im(), tol, dtype)
        }
        (a, b) => a.re() == b.re(),
    }
}

/// Indices of the elements that do not match.
fn mismatches(want: &[Elem], got: &[Elem], tol: Tol, dtype: DType) -> Vec<usize> {
    let pairs = want.iter().zip(got).enumerate();
    pairs
        .filter(|(_, (w, g))| !elem_ok(**w, **g, tol, dtype))
        .map(|(i, _)| i)
        .collect()
}

/// The first few mismatches as `[i] want X got Y`.
fn describe(idx: &[usize], want: &[Elem], got: &[Elem]) -> String {
    let items: Vec<String> = idx
        .iter()
        .take(SHOWN)
        .map(|&i| format!("[{i}] want {} got {}", want[i], got[i]))
        .collect();
    let more = if idx.len() > SHOWN {
        format!(" (+{} more)", idx.len() - SHOWN)
    } else {
        String::new()
    };
    format!(
        "{} of {} differ: {}{more}",
        idx.len(),
        want.len(),
        items.join("; ")
    )
}

/// The kind of a mismatch (used to group failures).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// Wrong result dtype.
    DType,
    /// Wrong shape.
    Shape,
    /// Values outside the tolerance.
    Values,
    /// Wrong number of results (tuple results).
    Arity,
}

impl Cause {
    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            Cause::DType => "wrong dtype",
            Cause::Shape => "wrong shape",
            Cause::Values => "wrong values",
            Cause::Arity => "wrong number of results",
        }
    }
}

/// Compares one computed array with NumPy's; `Err((cause, detail))` on mismatch.
pub fn compare_array(want: &ExpArray, got: &NdArray, tol: Tol) -> Result<(), (Cause, String)> {
    let shape_ok = got.shape().dims() == want.shape.as_slice();
    if got.dtype() != want.dtype {
        // Also say whether the values would match after casting to NumPy's dtype.
        let cast: Vec<Elem> = got
            .values()
            .into_iter()
            .map(|v| elem_of(v.cast(want.dtype)))
            .collect();
        let values = if !shape_ok {
            "shape differs too".to_string()
        } else if mismatches(&want.data, &cast, tol, want.dtype).is_empty() {
            "values match after casting".to_string()
        } else {
            "values differ too".to_string()
        };
        let detail = format!(
            "dtype: want {} got {} ({values}); want {} got {}",
            want.dtype,
            got.dtype(),
            show_expected(want),
            show_array(got)
        );
        return Err((Cause::DType, detail));
    }
    if !shape_ok {
        let detail = format!(
            "shape: want {} got {}",
            show_expected(want),
            show_array(got)
        );
        return Err((Cause::Shape, detail));
    }
    let got_elems = elems(got);
    let bad = mismatches(&want.data, &got_elems, tol, want.dtype);
    if bad.is_empty() {
        return Ok(());
    }
    let detail = format!(
        "{} ({tol:?}, {})",
        describe(&bad, &want.data, &got_elems),
        want.dtype
    );
    Err((Cause::Values, detail))
}

/// Compares a tuple of results.
pub fn compare_arrays(want: &[ExpArray], got: &[NdArray], tol: Tol) -> Result<(), (Cause, String)> {
    if want.len() != got.len() {
        let detail = format!("want {} results, got {}", want.len(), got.len());
        return Err((Cause::Arity, detail));
    }
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        compare_array(w, g, tol).map_err(|(c, d)| {
            (
                c,
                if want.len() > 1 {
                    format!("result {i}: {d}")
                } else {
                    d
                },
            )
        })?;
    }
    Ok(())
}
