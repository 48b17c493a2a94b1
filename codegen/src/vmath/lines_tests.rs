//! Tests of the line routines (`lines.rs`): every op, scalar and array operands, plain and
//! streamed stores, every output alignment, against the scalar IEEE operation.

use super::*;

type Routines = (
    fn(LineOp, &[f64], f64, &mut [f64]),
    fn(LineOp, &[f32], f32, &mut [f32]),
);

/// The scalar operation a line op must match.
type Scalar = fn(f64, f64) -> f64;

/// Every op with the scalar IEEE operation it must match (`a` the line, `b` the operand).
const OPS: [(LineOp, Scalar); 8] = [
    (LineOp::Add, |a, b| a + b),
    (LineOp::AddRev, |a, b| b + a),
    (LineOp::Sub, |a, b| a - b),
    (LineOp::SubRev, |a, b| b - a),
    (LineOp::Mul, |a, b| a * b),
    (LineOp::MulRev, |a, b| b * a),
    (LineOp::Div, |a, b| a / b),
    (LineOp::DivRev, |a, b| b / a),
];

/// Every op, both widths, plain and streamed, lengths around the vector widths and
/// outputs at every offset from a 64-byte boundary: the bits of the scalar ops.
#[test]
fn every_op_gives_the_bits_of_the_scalar_operation() {
    let ops = OPS;
    let routines: [Routines; 2] = [(line_f64, line_f32), (line_f64_streamed, line_f32_streamed)];
    let specials = [0.0, -0.0, 1.0, -3.5, f64::INFINITY, f64::NAN, 5e-324, 1e308];
    for n in [0usize, 1, 3, 4, 7, 8, 9, 17, 33, 100] {
        let x: Vec<f64> = (0..n)
            .map(|i| specials.get(i).copied().unwrap_or(i as f64 * 0.37 - 9.1))
            .collect();
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        for (c, &(op, f)) in [3.0, -0.0, 7e-310, f64::INFINITY, f64::NAN]
            .into_iter()
            .flat_map(|c| ops.iter().map(move |o| (c, o)))
        {
            let want: Vec<f64> = x.iter().map(|&v| f(v, c)).collect();
            let want32: Vec<f32> = x32
                .iter()
                .map(|&v| f(v as f64, c as f32 as f64) as f32)
                .collect();
            for (r64, r32) in routines {
                for off in 0..16 {
                    // offsets 0..16 cover every address residue modulo 64 bytes
                    let mut buf = vec![[1.0f64; 8]; n.div_ceil(8) + 2];
                    let out = &mut buf.as_flattened_mut()[off..off + n];
                    r64(op, &x, c, out);
                    assert_same(out, &want, op);
                    let mut buf32 = vec![[1.0f32; 16]; n.div_ceil(16) + 2];
                    let out32 = &mut buf32.as_flattened_mut()[off..off + n];
                    r32(op, &x32, c as f32, out32);
                    assert_same(out32, &want32, op);
                }
            }
        }
    }
}

/// `line2` (two arrays), plain and streamed, every op, lengths around the vector widths,
/// outputs at every offset from a 64-byte boundary, specials in both operands: the bits of
/// the scalar ops.
#[test]
fn every_array_op_gives_the_bits_of_the_scalar_operation() {
    let ops = OPS;
    let specials = [
        0.0,
        -0.0,
        1.0,
        -3.5,
        f64::INFINITY,
        f64::NAN,
        5e-324,
        1e308,
        7e-310,
    ];
    for n in [0usize, 1, 3, 4, 7, 8, 9, 17, 33, 100] {
        let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.37 - 9.1).collect();
        let y: Vec<f64> = (0..n)
            .map(|i| {
                specials
                    .get(i % 12)
                    .copied()
                    .unwrap_or(i as f64 * -1.3 + 2.0)
            })
            .collect();
        let (x32, y32): (Vec<f32>, Vec<f32>) = x
            .iter()
            .zip(&y)
            .map(|(&a, &b)| (a as f32, b as f32))
            .unzip();
        for &(op, f) in &ops {
            let want: Vec<f64> = x.iter().zip(&y).map(|(&a, &b)| f(a, b)).collect();
            let want32: Vec<f32> = x32
                .iter()
                .zip(&y32)
                .map(|(&a, &b)| f(a as f64, b as f64) as f32)
                .collect();
            for streamed in [false, true] {
                for off in 0..16 {
                    let mut buf = vec![[1.0f64; 8]; n.div_ceil(8) + 2];
                    let out = &mut buf.as_flattened_mut()[off..off + n];
                    let mut buf32 = vec![[1.0f32; 16]; n.div_ceil(16) + 2];
                    let out32 = &mut buf32.as_flattened_mut()[off..off + n];
                    if streamed {
                        with_streamed_stores(|s| {
                            s.line2_f64(op, &x, &y, out);
                            s.line2_f32(op, &x32, &y32, out32);
                        });
                    } else {
                        line2_f64(op, &x, &y, out);
                        line2_f32(op, &x32, &y32, out32);
                    }
                    assert_same(out, &want, op);
                    assert_same(out32, &want32, op);
                }
            }
        }
    }
}

fn assert_same<T: Copy + Into<f64>>(got: &[T], want: &[T], op: LineOp) {
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let (g, w): (f64, f64) = (g.into(), w.into());
        let same = g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan());
        assert!(same, "{op:?} element {i}: {g} vs {w}");
    }
}
