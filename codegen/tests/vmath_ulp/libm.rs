//! glibc's values (for special inputs, which must match bit for bit) and which inputs are
//! special.

use numfuse_codegen::vmath::{BinaryFn, UnaryFn};

/// glibc's `f64` value (C99 semantics for special cases).
pub(crate) fn libm_unary(f: UnaryFn, x: f64) -> f64 {
    match f {
        UnaryFn::Exp => x.exp(),
        UnaryFn::Exp2 => x.exp2(),
        UnaryFn::Expm1 => x.exp_m1(),
        UnaryFn::Log => x.ln(),
        UnaryFn::Log2 => x.log2(),
        UnaryFn::Log10 => x.log10(),
        UnaryFn::Log1p => x.ln_1p(),
        UnaryFn::Sin => x.sin(),
        UnaryFn::Cos => x.cos(),
        UnaryFn::Tan => x.tan(),
        UnaryFn::Arcsin => x.asin(),
        UnaryFn::Arccos => x.acos(),
        UnaryFn::Arctan => x.atan(),
        UnaryFn::Sinh => x.sinh(),
        UnaryFn::Cosh => x.cosh(),
        UnaryFn::Tanh => x.tanh(),
        UnaryFn::Arcsinh => x.asinh(),
        UnaryFn::Arccosh => x.acosh(),
        UnaryFn::Arctanh => x.atanh(),
        UnaryFn::Cbrt => x.cbrt(),
        UnaryFn::Sqrt => x.sqrt(),
    }
}

/// glibc's `f32` value.
pub(crate) fn libm_unary32(f: UnaryFn, x: f32) -> f32 {
    match f {
        UnaryFn::Exp => x.exp(),
        UnaryFn::Exp2 => x.exp2(),
        UnaryFn::Expm1 => x.exp_m1(),
        UnaryFn::Log => x.ln(),
        UnaryFn::Log2 => x.log2(),
        UnaryFn::Log10 => x.log10(),
        UnaryFn::Log1p => x.ln_1p(),
        UnaryFn::Sin => x.sin(),
        UnaryFn::Cos => x.cos(),
        UnaryFn::Tan => x.tan(),
        UnaryFn::Arcsin => x.asin(),
        UnaryFn::Arccos => x.acos(),
        UnaryFn::Arctan => x.atan(),
        UnaryFn::Sinh => x.sinh(),
        UnaryFn::Cosh => x.cosh(),
        UnaryFn::Tanh => x.tanh(),
        UnaryFn::Arcsinh => x.asinh(),
        UnaryFn::Arccosh => x.acosh(),
        UnaryFn::Arctanh => x.atanh(),
        UnaryFn::Cbrt => x.cbrt(),
        UnaryFn::Sqrt => x.sqrt(),
    }
}

pub(crate) fn libm_binary(f: BinaryFn, x: f64, y: f64) -> f64 {
    match f {
        BinaryFn::Pow => x.powf(y),
        BinaryFn::Atan2 => x.atan2(y),
        BinaryFn::Hypot => x.hypot(y),
    }
}

pub(crate) fn libm_binary32(f: BinaryFn, x: f32, y: f32) -> f32 {
    match f {
        BinaryFn::Pow => x.powf(y),
        BinaryFn::Atan2 => x.atan2(y),
        BinaryFn::Hypot => x.hypot(y),
    }
}

/// Inputs whose result is a special value (or an exact one), compared bit for bit with glibc.
pub(crate) fn is_special_unary(f: UnaryFn, x: f64) -> bool {
    if !x.is_finite() || x == 0.0 {
        return true;
    }
    match f {
        UnaryFn::Log | UnaryFn::Log2 | UnaryFn::Log10 => x < 0.0 || x == 1.0,
        UnaryFn::Log1p => x <= -1.0,
        UnaryFn::Arcsin | UnaryFn::Arctanh => x.abs() >= 1.0,
        UnaryFn::Arccos => x.abs() > 1.0 || x == 1.0,
        UnaryFn::Arccosh => x <= 1.0,
        UnaryFn::Sqrt => x < 0.0,
        _ => false,
    }
}

pub(crate) fn is_odd_int(y: f64) -> bool {
    y.fract() == 0.0 && y.abs() < 9007199254740992.0 && (y / 2.0).fract() != 0.0
}

pub(crate) fn is_special_binary(f: BinaryFn, x: f64, y: f64) -> bool {
    if !x.is_finite() || !y.is_finite() || x == 0.0 || y == 0.0 {
        return true;
    }
    match f {
        BinaryFn::Pow => x == 1.0 || (x < 0.0 && y.fract() != 0.0),
        _ => false,
    }
}
