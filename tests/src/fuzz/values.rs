//! Element values: components, bitwise equality (NaN == NaN), deviations, float spacings
//! (ulps), and formatting for failure reports.

use numfuse::{DType, NdArray, Shape, Value};

use super::data::pow2;

pub(super) fn comps(v: Value) -> (f64, f64) {
    match v {
        Value::Bool(b) => (b as u8 as f64, 0.0),
        Value::I8(x) => (x as f64, 0.0),
        Value::U8(x) => (x as f64, 0.0),
        Value::I16(x) => (x as f64, 0.0),
        Value::U16(x) => (x as f64, 0.0),
        Value::I32(x) => (x as f64, 0.0),
        Value::U32(x) => (x as f64, 0.0),
        Value::I64(x) => (x as f64, 0.0),
        Value::U64(x) => (x as f64, 0.0),
        Value::F16(x) => (x.to_f64(), 0.0),
        Value::F32(x) => (x as f64, 0.0),
        Value::F64(x) => (x, 0.0),
        Value::C64(z) => (z.re as f64, z.im as f64),
        Value::C128(z) => (z.re, z.im),
    }
}

/// Bitwise equality with every NaN equal to every NaN.
pub(super) fn exact_eq(a: Value, b: Value) -> bool {
    fn f32eq(x: f32, y: f32) -> bool {
        (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits()
    }
    fn f64eq(x: f64, y: f64) -> bool {
        (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits()
    }
    match (a, b) {
        (Value::F16(x), Value::F16(y)) => (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits(),
        (Value::F32(x), Value::F32(y)) => f32eq(x, y),
        (Value::F64(x), Value::F64(y)) => f64eq(x, y),
        (Value::C64(x), Value::C64(y)) => f32eq(x.re, y.re) && f32eq(x.im, y.im),
        (Value::C128(x), Value::C128(y)) => f64eq(x.re, y.re) && f64eq(x.im, y.im),
        _ => a == b,
    }
}

fn comp_dev(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() && b.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if a == b {
        return 0.0;
    }
    if a.is_infinite() || b.is_infinite() {
        return f64::INFINITY;
    }
    (a - b).abs()
}

/// The exact value of an integer or bool element.
pub(super) fn int_of(v: Value) -> Option<i128> {
    Some(match v {
        Value::Bool(b) => b as i128,
        Value::I8(x) => x as i128,
        Value::U8(x) => x as i128,
        Value::I16(x) => x as i128,
        Value::U16(x) => x as i128,
        Value::I32(x) => x as i128,
        Value::U32(x) => x as i128,
        Value::I64(x) => x as i128,
        Value::U64(x) => x as i128,
        _ => return None,
    })
}

/// How far apart two values are (NaN vs NaN = 0, NaN vs number = ∞, per component max;
/// integers exactly).
pub(super) fn deviation(a: Value, b: Value) -> f64 {
    if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
        return (x - y).unsigned_abs() as f64;
    }
    let (ar, ai) = comps(a);
    let (br, bi) = comps(b);
    comp_dev(ar, br).max(comp_dev(ai, bi))
}

/// The spacing of `dt`'s floats at magnitude `x` (0 for exact dtypes).
pub(super) fn spacing(x: f64, dt: DType) -> f64 {
    let (mant, emin) = match dt.real_type() {
        DType::Float16 => (10, -14),
        DType::Float32 => (23, -126),
        DType::Float64 => (52, -1022),
        _ => return 0.0,
    };
    let a = x.abs();
    if !a.is_finite() {
        return 0.0;
    }
    let e = if a == 0.0 {
        emin
    } else {
        (a.log2().floor() as i32).max(emin)
    };
    pow2(e - mant)
}

pub(super) fn eps(dt: DType) -> f64 {
    spacing(1.0, dt)
}

pub(super) fn ulp_of(v: Value, dt: DType) -> f64 {
    let (r, i) = comps(v);
    spacing(r.abs().max(i.abs()), dt)
}

pub(super) fn magnitudes(nd: &NdArray) -> Vec<f64> {
    nd.values()
        .into_iter()
        .map(|v| {
            let (r, i) = comps(v);
            r.hypot(i)
        })
        .collect()
}

pub(super) fn fmt_value(v: Value) -> String {
    fn f(x: f64) -> String {
        if x.is_nan() {
            "nan".into()
        } else {
            format!("{x:?}")
        }
    }
    match v {
        Value::F16(x) => format!("{} (0x{:04x})", f(x.to_f64()), x.to_bits()),
        Value::F32(x) => format!("{} (0x{:08x})", f(x as f64), x.to_bits()),
        Value::F64(x) => format!("{} (0x{:016x})", f(x), x.to_bits()),
        Value::C64(z) => format!(
            "({}{:+}j) (0x{:08x}, 0x{:08x})",
            f(z.re as f64),
            z.im,
            z.re.to_bits(),
            z.im.to_bits()
        ),
        Value::C128(z) => format!(
            "({}{:+}j) (0x{:016x}, 0x{:016x})",
            f(z.re),
            z.im,
            z.re.to_bits(),
            z.im.to_bits()
        ),
        v => format!("{v}"),
    }
}

pub(super) fn fmt_value_short(v: Value) -> String {
    match v {
        Value::F16(x) => format!("{:?}", x.to_f32()),
        Value::F32(x) => format!("{x:?}"),
        Value::F64(x) => format!("{x:?}"),
        Value::C64(z) => format!("({:?}{:+?}j)", z.re, z.im),
        Value::C128(z) => format!("({:?}{:+?}j)", z.re, z.im),
        v => format!("{v}"),
    }
}

pub(super) fn unravel(mut flat: usize, shape: &Shape) -> Vec<usize> {
    let mut idx = vec![0; shape.ndim()];
    for (k, &d) in shape.iter().enumerate().rev() {
        if d > 0 {
            idx[k] = flat % d;
            flat /= d;
        }
    }
    idx
}
