//! Scalar instruction selection: every elementwise op, cast and constant the JIT supports,
//! with NumPy's semantics (NaN-propagating `maximum`, `fmax` ignoring NaN, Python floor
//! division and remainder with 0 for division by zero, saturating shifts, x86 float→int casts).
//! Booleans are `i8` values 0/1.

use cranelift::prelude::*;
use numfuse_ir::{BinaryOp, DType, Scalar, UnaryOp};

/// The Cranelift scalar type of a dtype (bool is `i8`).
pub fn clif_type(d: DType) -> Type {
    match d {
        DType::Bool | DType::Int8 | DType::UInt8 => types::I8,
        DType::Int16 | DType::UInt16 => types::I16,
        DType::Int32 | DType::UInt32 => types::I32,
        DType::Int64 | DType::UInt64 => types::I64,
        DType::Float32 => types::F32,
        _ => types::F64,
    }
}

/// An integer constant of type `ty` from a signed value (Cranelift wants the immediate
/// zero-extended to the type's width).
pub fn iconst(b: &mut FunctionBuilder, ty: Type, v: i64) -> Value {
    let bits = ty.bits();
    let v = if bits < 64 {
        v & ((1i64 << bits) - 1)
    } else {
        v
    };
    b.ins().iconst(ty, v)
}

/// A float constant of type `ty`.
pub fn fconst(b: &mut FunctionBuilder, ty: Type, v: f64) -> Value {
    if ty == types::F32 {
        b.ins().f32const(v as f32)
    } else {
        b.ins().f64const(v)
    }
}

/// A constant of dtype `d` (converted like `astype`).
pub fn constant(b: &mut FunctionBuilder, s: Scalar, d: DType) -> Value {
    let ty = clif_type(d);
    if d.is_float() {
        return fconst(b, ty, s.as_f64());
    }
    let bits: i64 = if d.is_bool() {
        (s.as_f64() != 0.0 || s.imag_f64() != 0.0) as i64
    } else {
        match s.as_i128() {
            Some(v) => v as i64,
            None => s.as_f64() as i64,
        }
    };
    iconst(b, ty, bits)
}

/// 0/1 truthiness of a value of dtype `d` (NaN is true).
pub fn truthy(b: &mut FunctionBuilder, d: DType, x: Value) -> Value {
    if d.is_float() {
        let z = fconst(b, clif_type(d), 0.0);
        b.ins().fcmp(FloatCC::NotEqual, x, z)
    } else {
        b.ins().icmp_imm_s(IntCC::NotEqual, x, 0)
    }
}

fn zero(b: &mut FunctionBuilder, d: DType) -> Value {
    if d.is_float() {
        fconst(b, clif_type(d), 0.0)
    } else {
        iconst(b, clif_type(d), 0)
    }
}

/// `op(x)` on loop dtype `d`.
pub fn unary(b: &mut FunctionBuilder, op: UnaryOp, d: DType, x: Value) -> Value {
    use UnaryOp::*;
    let ty = clif_type(d);
    if d.is_float() {
        let inf = fconst(b, ty, f64::INFINITY);
        return match op {
            Neg => b.ins().fneg(x),
            Abs => b.ins().fabs(x),
            Sqrt => b.ins().sqrt(x),
            Square => b.ins().fmul(x, x),
            Reciprocal => {
                let one = fconst(b, ty, 1.0);
                b.ins().fdiv(one, x)
            }
            Degrees | Radians => {
                let c = if op == Degrees {
                    180.0 / std::f64::consts::PI
                } else {
                    std::f64::consts::PI / 180.0
                };
                let c = fconst(b, ty, c);
                b.ins().fmul(x, c)
            }
            Floor => b.ins().floor(x),
            Ceil => b.ins().ceil(x),
            Trunc => b.ins().trunc(x),
            Rint => b.ins().nearest(x),
            Sign => {
                let (one, m1, z) = (fconst(b, ty, 1.0), fconst(b, ty, -1.0), fconst(b, ty, 0.0));
                let is0 = b.ins().fcmp(FloatCC::Equal, x, z);
                let t = b.ins().select(is0, z, x);
                let lt = b.ins().fcmp(FloatCC::LessThan, x, z);
                let t = b.ins().select(lt, m1, t);
                let gt = b.ins().fcmp(FloatCC::GreaterThan, x, z);
                b.ins().select(gt, one, t)
            }
            LogicalNot => {
                let z = fconst(b, ty, 0.0);
                b.ins().fcmp(FloatCC::Equal, x, z)
            }
            IsNan => b.ins().fcmp(FloatCC::Unordered, x, x),
            IsInf => {
                let a = b.ins().fabs(x);
                b.ins().fcmp(FloatCC::Equal, a, inf)
            }
            IsFinite => {
                let a = b.ins().fabs(x);
                b.ins().fcmp(FloatCC::LessThan, a, inf)
            }
            Real | Conj => x,
            Imag => fconst(b, ty, 0.0),
            _ => unreachable!("{op} on {d} is not supported by the JIT"),
        };
    }
    let signed = d.is_signed_integer();
    match op {
        Neg => b.ins().ineg(x),
        Abs if signed => b.ins().iabs(x),
        Abs | Floor | Ceil | Trunc | Real | Conj => x,
        Square => b.ins().imul(x, x),
        Sign => {
            let one = iconst(b, ty, 1);
            let z = iconst(b, ty, 0);
            let nz = b.ins().icmp_imm_s(IntCC::NotEqual, x, 0);
            let pos = b.ins().select(nz, one, z);
            if signed {
                let m1 = iconst(b, ty, -1);
                let neg = b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
                b.ins().select(neg, m1, pos)
            } else {
                pos
            }
        }
        LogicalNot => b.ins().icmp_imm_s(IntCC::Equal, x, 0),
        Invert if d.is_bool() => b.ins().bxor_imm_s(x, 1),
        Invert => b.ins().bnot(x),
        IsNan | IsInf => iconst(b, types::I8, 0),
        IsFinite => iconst(b, types::I8, 1),
        Imag => zero(b, d),
        _ => unreachable!("{op} on {d} is not supported by the JIT"),
    }
}

fn float_binary(b: &mut FunctionBuilder, op: BinaryOp, x: Value, y: Value) -> Value {
    use BinaryOp::*;
    let pick = |b: &mut FunctionBuilder, cc: FloatCC, nan_of: Value| {
        let c = b.ins().fcmp(cc, x, y);
        let n = b.ins().fcmp(FloatCC::Unordered, nan_of, nan_of);
        let take_x = b.ins().bor(c, n);
        b.ins().select(take_x, x, y)
    };
    match op {
        Add => b.ins().fadd(x, y),
        Sub => b.ins().fsub(x, y),
        Mul => b.ins().fmul(x, y),
        Div => b.ins().fdiv(x, y),
        Maximum => pick(b, FloatCC::GreaterThanOrEqual, x),
        Minimum => pick(b, FloatCC::LessThanOrEqual, x),
        Fmax => pick(b, FloatCC::GreaterThanOrEqual, y),
        Fmin => pick(b, FloatCC::LessThanOrEqual, y),
        Eq => b.ins().fcmp(FloatCC::Equal, x, y),
        Ne => b.ins().fcmp(FloatCC::NotEqual, x, y),
        Lt => b.ins().fcmp(FloatCC::LessThan, x, y),
        Le => b.ins().fcmp(FloatCC::LessThanOrEqual, x, y),
        Gt => b.ins().fcmp(FloatCC::GreaterThan, x, y),
        Ge => b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, y),
        _ => unreachable!("{op} on floats is not supported by the JIT"),
    }
}

fn int_cmp(op: BinaryOp, signed: bool) -> Option<IntCC> {
    use BinaryOp::*;
    Some(match (op, signed) {
        (Eq, _) => IntCC::Equal,
        (Ne, _) => IntCC::NotEqual,
        (Lt, true) => IntCC::SignedLessThan,
        (Le, true) => IntCC::SignedLessThanOrEqual,
        (Gt, true) => IntCC::SignedGreaterThan,
        (Ge, true) => IntCC::SignedGreaterThanOrEqual,
        (Lt, false) => IntCC::UnsignedLessThan,
        (Le, false) => IntCC::UnsignedLessThanOrEqual,
        (Gt, false) => IntCC::UnsignedGreaterThan,
        (Ge, false) => IntCC::UnsignedGreaterThanOrEqual,
        _ => return None,
    })
}

/// Python floor division and remainder; 0 for division by zero, wrap-around for MIN // -1.
fn int_divmod(b: &mut FunctionBuilder, d: DType, x: Value, y: Value) -> (Value, Value) {
    let ty = clif_type(d);
    let z = iconst(b, ty, 0);
    let one = iconst(b, ty, 1);
    let by0 = b.ins().icmp_imm_s(IntCC::Equal, y, 0);
    if !d.is_signed_integer() {
        let safe = b.ins().select(by0, one, y);
        let q = b.ins().udiv(x, safe);
        let r = b.ins().urem(x, safe);
        return (b.ins().select(by0, z, q), b.ins().select(by0, z, r));
    }
    let bym1 = b.ins().icmp_imm_s(IntCC::Equal, y, -1);
    let special = b.ins().bor(by0, bym1);
    let safe = b.ins().select(special, one, y);
    let q = b.ins().sdiv(x, safe);
    let r = b.ins().srem(x, safe);
    let rnz = b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
    let rneg = b.ins().icmp_imm_s(IntCC::SignedLessThan, r, 0);
    let yneg = b.ins().icmp_imm_s(IntCC::SignedLessThan, y, 0);
    let differ = b.ins().bxor(rneg, yneg);
    let adjust = b.ins().band(rnz, differ);
    let q1 = b.ins().iadd_imm_s(q, -1);
    let r1 = b.ins().iadd(r, y);
    let q = b.ins().select(adjust, q1, q);
    let r = b.ins().select(adjust, r1, r);
    let negx = b.ins().ineg(x);
    let q = b.ins().select(bym1, negx, q);
    let r = b.ins().select(bym1, z, r);
    (b.ins().select(by0, z, q), b.ins().select(by0, z, r))
}

/// `op(x, y)` on loop dtype `d`.
pub fn binary(b: &mut FunctionBuilder, op: BinaryOp, d: DType, x: Value, y: Value) -> Value {
    use BinaryOp::*;
    if matches!(op, LogicalAnd | LogicalOr | LogicalXor) {
        let (tx, ty_) = (truthy(b, d, x), truthy(b, d, y));
        return match op {
            LogicalAnd => b.ins().band(tx, ty_),
            LogicalOr => b.ins().bor(tx, ty_),
            _ => b.ins().bxor(tx, ty_),
        };
    }
    if d.is_float() {
        return float_binary(b, op, x, y);
    }
    let signed = d.is_signed_integer();
    if let Some(cc) = int_cmp(op, signed) {
        return b.ins().icmp(cc, x, y);
    }
    let bits = d.bits() as i64;
    match op {
        Add if d.is_bool() => b.ins().bor(x, y),
        Mul if d.is_bool() => b.ins().band(x, y),
        Maximum | Fmax if d.is_bool() => b.ins().bor(x, y),
        Minimum | Fmin if d.is_bool() => b.ins().band(x, y),
        Add => b.ins().iadd(x, y),
        Sub => b.ins().isub(x, y),
        Mul => b.ins().imul(x, y),
        Maximum | Fmax if signed => b.ins().smax(x, y),
        Maximum | Fmax => b.ins().umax(x, y),
        Minimum | Fmin if signed => b.ins().smin(x, y),
        Minimum | Fmin => b.ins().umin(x, y),
        BitAnd => b.ins().band(x, y),
        BitOr => b.ins().bor(x, y),
        BitXor => b.ins().bxor(x, y),
        FloorDiv => int_divmod(b, d, x, y).0,
        Rem => int_divmod(b, d, x, y).1,
        Shl | Shr => {
            let in_range = b.ins().icmp_imm_s(IntCC::UnsignedLessThan, y, bits);
            let (shifted, out) = match (op, signed) {
                (Shl, _) => (b.ins().ishl(x, y), iconst(b, clif_type(d), 0)),
                (_, true) => (b.ins().sshr(x, y), b.ins().sshr_imm_s(x, bits - 1)),
                (_, false) => (b.ins().ushr(x, y), iconst(b, clif_type(d), 0)),
            };
            b.ins().select(in_range, shifted, out)
        }
        _ => unreachable!("{op} on {d} is not supported by the JIT"),
    }
}

/// NumPy's x86 float → int64 conversion: truncation, `i64::MIN` for NaN and out of range.
fn float_to_i64(b: &mut FunctionBuilder, ty: Type, x: Value) -> Value {
    let lo = fconst(b, ty, -9223372036854775808.0);
    let hi = fconst(b, ty, 9223372036854775808.0);
    let ge = b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, lo);
    let lt = b.ins().fcmp(FloatCC::LessThan, x, hi);
    let ok = b.ins().band(ge, lt);
    let v = b.ins().fcvt_to_sint_sat(types::I64, x);
    let min = iconst(b, types::I64, i64::MIN);
    b.ins().select(ok, v, min)
}

/// NumPy's x86 float → int32 conversion (used for every integer of 32 bits or less).
fn float_to_i32(b: &mut FunctionBuilder, ty: Type, x: Value) -> Value {
    let lo = fconst(b, ty, -2147483649.0);
    let hi = fconst(b, ty, 2147483648.0);
    let gt = b.ins().fcmp(FloatCC::GreaterThan, x, lo);
    let lt = b.ins().fcmp(FloatCC::LessThan, x, hi);
    let ok = b.ins().band(gt, lt);
    let v = b.ins().fcvt_to_sint_sat(types::I32, x);
    let min = iconst(b, types::I32, i32::MIN as i64);
    b.ins().select(ok, v, min)
}

fn resize_int(b: &mut FunctionBuilder, from: Type, to: Type, signed: bool, x: Value) -> Value {
    use std::cmp::Ordering::*;
    match to.bits().cmp(&from.bits()) {
        Equal => x,
        Less => b.ins().ireduce(to, x),
        Greater if signed => b.ins().sextend(to, x),
        Greater => b.ins().uextend(to, x),
    }
}

/// `x.astype(to)` from dtype `from`.
pub fn cast(b: &mut FunctionBuilder, from: DType, to: DType, x: Value) -> Value {
    let (ft, tt) = (clif_type(from), clif_type(to));
    if from == to {
        return x;
    }
    if to.is_bool() {
        return truthy(b, from, x);
    }
    match (from.is_float(), to.is_float()) {
        (true, true) if tt.bits() > ft.bits() => b.ins().fpromote(tt, x),
        (true, true) => b.ins().fdemote(tt, x),
        (false, true) => {
            let (signed, wide) = (from.is_signed_integer(), ft.bits() < 32);
            let x = if wide {
                resize_int(b, ft, types::I32, signed, x)
            } else {
                x
            };
            if signed {
                b.ins().fcvt_from_sint(tt, x)
            } else {
                b.ins().fcvt_from_uint(tt, x)
            }
        }
        (true, false) => match to {
            DType::Int64 => float_to_i64(b, ft, x),
            DType::UInt64 => {
                let two63 = fconst(b, ft, 9223372036854775808.0);
                let big = b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, two63);
                let shifted = b.ins().fsub(x, two63);
                let hi = float_to_i64(b, ft, shifted);
                let hi = b.ins().bxor_imm_s(hi, i64::MIN);
                let lo = float_to_i64(b, ft, x);
                b.ins().select(big, hi, lo)
            }
            DType::UInt32 => {
                let v = float_to_i64(b, ft, x);
                b.ins().ireduce(types::I32, v)
            }
            _ => {
                let v = float_to_i32(b, ft, x);
                resize_int(b, types::I32, tt, true, v)
            }
        },
        (false, false) => resize_int(b, ft, tt, from.is_signed_integer(), x),
    }
}
