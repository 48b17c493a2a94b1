//! Line operations: `out[i] = x[i] ⊙ c` for one scalar `c` (an arithmetic op with an operand
//! that is constant along a line, such as softmax's `e / sum(e)` per row), compiled ahead of
//! time at the CPU's full vector width.
//!
//! The JIT emits 128-bit vectors; on AMD Zen 3 a 256-bit `vdivpd` divides twice as many
//! elements per cycle as the 128-bit `divpd`, so a division by a per-row value runs about
//! twice as fast here. Every op is one IEEE operation per element (`+`, `-`, `*`, `/`, in the
//! operand order of the expression), so the results are the bits the JIT computes.

use super::level::Level;

/// The arithmetic of a line operation; `Rev` forms take the scalar as the first operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineOp {
    /// `x + c`.
    Add,
    /// `c + x`.
    AddRev,
    /// `x - c`.
    Sub,
    /// `c - x`.
    SubRev,
    /// `x * c`.
    Mul,
    /// `c * x`.
    MulRev,
    /// `x / c`.
    Div,
    /// `c / x`.
    DivRev,
}

impl LineOp {
    /// The expression it computes, for `explain` (`x` the line, `c` the scalar).
    pub fn text(self) -> &'static str {
        match self {
            LineOp::Add => "x + c",
            LineOp::AddRev => "c + x",
            LineOp::Sub => "x - c",
            LineOp::SubRev => "c - x",
            LineOp::Mul => "x * c",
            LineOp::MulRev => "c * x",
            LineOp::Div => "x / c",
            LineOp::DivRev => "c / x",
        }
    }
}

/// The loop for one element type, instantiated per instruction-set level.
macro_rules! line_loop {
    ($name:ident, $t:ty) => {
        #[inline(always)]
        fn $name(op: LineOp, x: &[$t], c: $t, out: &mut [$t]) {
            let pairs = out.iter_mut().zip(x);
            match op {
                LineOp::Add => pairs.for_each(|(o, &v)| *o = v + c),
                LineOp::AddRev => pairs.for_each(|(o, &v)| *o = c + v),
                LineOp::Sub => pairs.for_each(|(o, &v)| *o = v - c),
                LineOp::SubRev => pairs.for_each(|(o, &v)| *o = c - v),
                LineOp::Mul => pairs.for_each(|(o, &v)| *o = v * c),
                LineOp::MulRev => pairs.for_each(|(o, &v)| *o = c * v),
                LineOp::Div => pairs.for_each(|(o, &v)| *o = v / c),
                LineOp::DivRev => pairs.for_each(|(o, &v)| *o = c / v),
            }
        }
    };
}
line_loop!(lines_f64, f64);
line_loop!(lines_f32, f32);

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod x86 {
    use super::LineOp;

    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn f64_avx512(op: LineOp, x: &[f64], c: f64, out: &mut [f64]) {
        super::lines_f64(op, x, c, out)
    }
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn f32_avx512(op: LineOp, x: &[f32], c: f32, out: &mut [f32]) {
        super::lines_f32(op, x, c, out)
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn f64_avx2(op: LineOp, x: &[f64], c: f64, out: &mut [f64]) {
        super::lines_f64(op, x, c, out)
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn f32_avx2(op: LineOp, x: &[f32], c: f32, out: &mut [f32]) {
        super::lines_f32(op, x, c, out)
    }
}

/// `out[i] = x[i] ⊙ c` for `i < min(x.len(), out.len())`, with the dispatched (best
/// supported) routine.
///
/// ```
/// use numfuse_codegen::vmath::{line_f64, LineOp};
/// let mut out = [0.0; 3];
/// line_f64(LineOp::Div, &[1.0, 2.0, 3.0], 4.0, &mut out);
/// assert_eq!(out, [0.25, 0.5, 0.75]);
/// ```
pub fn line_f64(op: LineOp, x: &[f64], c: f64, out: &mut [f64]) {
    match Level::current() {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        // SAFETY: `Level::current` detected AVX-512F/DQ on this CPU.
        Level::Avx512 => unsafe { x86::f64_avx512(op, x, c, out) },
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        // SAFETY: `Level::current` detected AVX2 and FMA on this CPU.
        Level::Avx2Fma => unsafe { x86::f64_avx2(op, x, c, out) },
        _ => lines_f64(op, x, c, out),
    }
}

/// `out[i] = x[i] ⊙ c` for `f32` (see [`line_f64`]).
pub fn line_f32(op: LineOp, x: &[f32], c: f32, out: &mut [f32]) {
    match Level::current() {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        // SAFETY: as in `line_f64`.
        Level::Avx512 => unsafe { x86::f32_avx512(op, x, c, out) },
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        // SAFETY: as in `line_f64`.
        Level::Avx2Fma => unsafe { x86::f32_avx2(op, x, c, out) },
        _ => lines_f32(op, x, c, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every op, both widths, lengths around the vector widths: the bits of the scalar ops.
    #[test]
    fn every_op_gives_the_bits_of_the_scalar_operation() {
        let ops = [
            (LineOp::Add, (|a, b| a + b) as fn(f64, f64) -> f64),
            (LineOp::AddRev, |a, b| b + a),
            (LineOp::Sub, |a, b| a - b),
            (LineOp::SubRev, |a, b| b - a),
            (LineOp::Mul, |a, b| a * b),
            (LineOp::MulRev, |a, b| b * a),
            (LineOp::Div, |a, b| a / b),
            (LineOp::DivRev, |a, b| b / a),
        ];
        let specials = [0.0, -0.0, 1.0, -3.5, f64::INFINITY, f64::NAN, 5e-324, 1e308];
        for n in [0usize, 1, 3, 4, 7, 8, 9, 17, 33, 100] {
            let x: Vec<f64> = (0..n)
                .map(|i| specials.get(i).copied().unwrap_or(i as f64 * 0.37 - 9.1))
                .collect();
            for c in [3.0, -0.0, 7e-310, f64::INFINITY, f64::NAN] {
                for &(op, f) in &ops {
                    let mut out = vec![1.0; n];
                    line_f64(op, &x, c, &mut out);
                    let mut out32 = vec![1.0f32; n];
                    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
                    line_f32(op, &x32, c as f32, &mut out32);
                    for i in 0..n {
                        let want = f(x[i], c);
                        assert!(
                            out[i].to_bits() == want.to_bits()
                                || (out[i].is_nan() && want.is_nan()),
                            "{op:?} {} {c}: {} vs {want}",
                            x[i],
                            out[i]
                        );
                        let w32 = f(x32[i] as f64, c as f32 as f64) as f32;
                        let same = out32[i].to_bits() == w32.to_bits()
                            || (out32[i].is_nan() && w32.is_nan());
                        assert!(same, "f32 {op:?} {}: {} vs {w32}", x32[i], out32[i]);
                    }
                }
            }
        }
    }
}
