//! The inputs: special and edge values common to all functions, each function's edges, and
//! random samples over its domain.

use numfuse_codegen::vmath::{BinaryFn, UnaryFn};

use crate::reference::Prec;
use crate::rng::Rng;

/// Random samples per test (plus the special inputs).
pub(crate) const N: usize = 100_000;

/// Special and edge inputs common to all functions.
pub(crate) fn common_specials(p: Prec) -> Vec<f64> {
    let (tiny, maxv, minn) = match p {
        Prec::F64 => (f64::from_bits(1), f64::MAX, f64::MIN_POSITIVE),
        Prec::F32 => (
            f32::from_bits(1) as f64,
            f32::MAX as f64,
            f32::MIN_POSITIVE as f64,
        ),
    };
    let mut v = vec![
        0.0,
        f64::INFINITY,
        f64::NAN,
        1.0,
        0.5,
        2.0,
        tiny,
        maxv,
        minn,
    ];
    v.extend([
        minn * (1.0 - f64::EPSILON),
        1.0 + f64::EPSILON,
        1.0 - f64::EPSILON / 2.0,
    ]);
    v.extend([3.0, 10.0, 0.25, 1e-10, 1e10]);
    let neg: Vec<f64> = v.iter().map(|x| -x).collect();
    v.extend(neg);
    v
}

/// Function-specific edge inputs (thresholds, boundaries of the reductions).
pub(crate) fn edges(f: UnaryFn, p: Prec) -> Vec<f64> {
    let f64p = p == Prec::F64;
    let mut v: Vec<f64> = match f {
        UnaryFn::Exp | UnaryFn::Expm1 | UnaryFn::Sinh | UnaryFn::Cosh => {
            if f64p {
                vec![
                    709.782712893384,
                    709.7827128933841,
                    710.4758600739439,
                    710.475860073944,
                    -708.3964185322641,
                    -745.1332191019411,
                    -745.1332191019412,
                    -744.44007192138,
                    0.34657359027997264,
                    1.0397207708399179,
                ]
            } else {
                vec![
                    88.72283, 88.72284, 89.41599, 89.416, -87.33655, -103.97208, -103.97209,
                ]
            }
        }
        UnaryFn::Exp2 => {
            if f64p {
                vec![
                    1023.0,
                    1023.9999999999999,
                    1024.0,
                    -1022.0,
                    -1074.0,
                    -1074.5,
                    -1075.0,
                ]
            } else {
                vec![127.0, 127.99999, 128.0, -126.0, -149.0, -149.5, -150.0]
            }
        }
        UnaryFn::Sin | UnaryFn::Cos | UnaryFn::Tan => {
            let mut e = vec![
                std::f64::consts::FRAC_PI_2,
                std::f64::consts::PI,
                std::f64::consts::FRAC_PI_4,
                1048575.9999999999,
                1048576.0,
                1e22,
                6381956970095103.0 * 2f64.powi(797),
                5.319372648326541e255,
            ];
            e.extend((1..40).map(|k| k as f64 * std::f64::consts::FRAC_PI_2));
            e
        }
        UnaryFn::Arcsin | UnaryFn::Arccos | UnaryFn::Arctanh => {
            vec![
                0.5,
                0.5000000000000001,
                0.49999999999999994,
                0.9999999999999999,
            ]
        }
        UnaryFn::Arctan => vec![0.4375, 0.6875, 1.1875, 2.4375, 1e300],
        UnaryFn::Tanh => vec![19.06, 20.0, 22.0, 0.55, 1e-9],
        UnaryFn::Arccosh => vec![1.0000000000000002, 268435456.0, 268435457.0, 1e300],
        UnaryFn::Arcsinh => vec![268435456.0, 268435457.0, 3.725290298461914e-9, 1e300],
        _ => vec![],
    };
    let neg: Vec<f64> = v.iter().map(|x| -x).collect();
    v.extend(neg);
    v
}

/// One random input for `f` (in `f64`; rounded to `f32` by the caller for `f32` tests).
pub(crate) fn sample_unary(f: UnaryFn, p: Prec, rng: &mut Rng) -> f64 {
    let f64p = p == Prec::F64;
    let (emin, emax) = if f64p {
        (-1074.0, 1024.0)
    } else {
        (-149.0, 128.0)
    };
    let mode = rng.below(100);
    if mode < 20 {
        let v = if f64p { rng.bits64() } else { rng.bits32() };
        // Huge trig arguments (scalar fallback, costly astro-float reference): 1 in 10.
        let trig = matches!(f, UnaryFn::Sin | UnaryFn::Cos | UnaryFn::Tan);
        if !trig || v.abs() < 1048576.0 || rng.below(10) == 0 {
            return v;
        }
        return rng.log_uniform(-60.0, 20.0, true);
    }
    if mode < 24 {
        // subnormals and the smallest normals
        return rng.log_uniform(emin, emin + 60.0, true);
    }
    let pick = rng.below(4);
    let (ov, un, sub) = if f64p {
        (709.782712893384, -745.1332191019411, -708.3964185322641)
    } else {
        (88.72283935546875, -103.97208, -87.33654)
    };
    match f {
        UnaryFn::Exp | UnaryFn::Expm1 => match pick {
            0 => rng.uniform(un - 1.0, ov + 1.0),
            1 => rng.log_uniform(-60.0, 10.0, true),
            2 if f == UnaryFn::Exp => rng.uniform(un - 0.5, sub),
            2 => rng.uniform(-1.1, 1.1),
            _ => ov + rng.uniform(-1e-6, 1e-6) * ov,
        },
        UnaryFn::Exp2 => match pick {
            0 => rng.uniform(emin - 2.0, emax + 1.0),
            1 => rng.log_uniform(-60.0, 10.0, true),
            2 => rng.uniform(emin - 1.0, emin + 52.0),
            _ => (rng.uniform(-1000.0, 1000.0)).round() + rng.log_uniform(-60.0, -1.0, true),
        },
        UnaryFn::Log | UnaryFn::Log2 | UnaryFn::Log10 => match pick {
            0 => rng.log_uniform(emin, emax, false),
            1 => 1.0 + rng.log_uniform(-60.0, -1.0, true),
            2 => rng.uniform(0.7, 1.5),
            _ => (rng.uniform(0.0, 1000.0)).round() + rng.log_uniform(-50.0, -1.0, true),
        },
        UnaryFn::Log1p => match pick {
            0 => rng.log_uniform(-80.0, emax, false),
            1 => rng.log_uniform(-80.0, 0.0, true),
            2 => rng.uniform(-1.0, 1.0),
            _ => -1.0 + rng.log_uniform(-60.0, -1.0, false),
        },
        UnaryFn::Sin | UnaryFn::Cos | UnaryFn::Tan => match pick {
            0 => rng.uniform(-10.0, 10.0),
            1 => rng.log_uniform(-40.0, 20.0, true),
            2 => {
                // near multiples of π/2
                let k = rng.below(1 << if f64p { 20 } else { 16 }) as f64;
                let x = k * std::f64::consts::FRAC_PI_2;
                let x = if f64p { x } else { x as f32 as f64 };
                let steps = rng.below(7) as i64 - 3;
                if f64p {
                    f64::from_bits((x.to_bits() as i64 + steps) as u64)
                } else {
                    f32::from_bits(((x as f32).to_bits() as i64 + steps) as u32) as f64
                }
            }
            _ if rng.below(8) == 0 => rng.log_uniform(20.0, emax, true),
            _ => rng.uniform(-1e5, 1e5),
        },
        UnaryFn::Arcsin | UnaryFn::Arccos => match pick {
            0 => rng.uniform(-1.0, 1.0),
            1 => {
                (1.0 - rng.log_uniform(-54.0, -1.0, false))
                    * if rng.below(2) == 0 { 1.0 } else { -1.0 }
            }
            2 => rng.log_uniform(-60.0, 0.0, true),
            _ => rng.uniform(-0.55, 0.55),
        },
        UnaryFn::Arctan => match pick {
            0 => rng.uniform(-5.0, 5.0),
            1 => rng.log_uniform(-60.0, 60.0, true),
            2 => {
                [0.4375, 0.6875, 1.1875, 2.4375][rng.below(4) as usize]
                    * (1.0 + rng.uniform(-1e-3, 1e-3))
            }
            _ => rng.uniform(-1.0, 1.0),
        },
        UnaryFn::Sinh | UnaryFn::Cosh => match pick {
            0 => rng.uniform(-712.0, 712.0) * if f64p { 1.0 } else { 0.13 },
            1 => rng.log_uniform(-60.0, 10.0, true),
            2 => rng.uniform(-3.0, 3.0),
            _ => (ov + std::f64::consts::LN_2) * (1.0 + rng.uniform(-1e-6, 1e-6)),
        },
        UnaryFn::Tanh => match pick {
            0 => rng.uniform(-25.0, 25.0),
            1 => rng.log_uniform(-60.0, 5.0, true),
            2 => rng.uniform(-1.0, 1.0),
            _ => rng.uniform(-0.6, 0.6),
        },
        UnaryFn::Arcsinh => match pick {
            0 => rng.uniform(-10.0, 10.0),
            1 => rng.log_uniform(-60.0, 60.0, true),
            2 => rng.uniform(-1.0, 1.0),
            _ => rng.log_uniform(emin, emax, true),
        },
        UnaryFn::Arccosh => match pick {
            0 => rng.uniform(1.0, 10.0),
            1 => 1.0 + rng.log_uniform(-54.0, 0.0, false),
            2 => rng.log_uniform(0.0, emax, false),
            _ => rng.uniform(0.0, 3.0),
        },
        UnaryFn::Arctanh => match pick {
            0 => rng.uniform(-1.0, 1.0),
            1 => {
                (1.0 - rng.log_uniform(-54.0, -1.0, false))
                    * if rng.below(2) == 0 { 1.0 } else { -1.0 }
            }
            2 => rng.log_uniform(-60.0, 0.0, true),
            _ => rng.uniform(-0.6, 0.6),
        },
        UnaryFn::Sqrt => match pick {
            0 => rng.uniform(0.0, 10.0),
            1 => rng.log_uniform(emin, emax, false),
            2 => rng.uniform(-10.0, 10.0),
            _ => rng.log_uniform(-60.0, 60.0, false),
        },
        UnaryFn::Cbrt => match pick {
            0 => rng.uniform(-10.0, 10.0),
            1 => rng.log_uniform(emin, emax, true),
            2 => rng.uniform(-1000.0, 1000.0).round(),
            _ => rng.log_uniform(-60.0, 60.0, true),
        },
    }
}

/// One random `(x, y)` pair for `f` (first operand `x`).
pub(crate) fn sample_binary(f: BinaryFn, p: Prec, rng: &mut Rng) -> (f64, f64) {
    let f64p = p == Prec::F64;
    let (emin, emax) = if f64p {
        (-1074.0, 1024.0)
    } else {
        (-149.0, 128.0)
    };
    let bits = |rng: &mut Rng| if f64p { rng.bits64() } else { rng.bits32() };
    if rng.below(100) < 15 {
        return (bits(rng), bits(rng));
    }
    let pick = rng.below(5);
    match f {
        BinaryFn::Pow => {
            let (wlo, whi) = if f64p {
                (-746.0, 710.0)
            } else {
                (-104.0, 89.0)
            };
            match pick {
                0 | 1 => {
                    // any base, exponent chosen so that the result spans the whole range
                    let x = rng.log_uniform(emin, emax, false);
                    let y = rng.uniform(wlo, whi) / x.ln();
                    (x, y)
                }
                2 => {
                    let x = 1.0 + rng.log_uniform(-50.0, -1.0, true);
                    (x, rng.uniform(wlo, whi) / x.ln())
                }
                3 => {
                    let x = -rng.uniform(0.5, 2.0) * if rng.below(2) == 0 { 1.0 } else { 10.0 };
                    (x, (rng.uniform(-300.0, 300.0)).round())
                }
                _ => (rng.uniform(0.0, 10.0), rng.uniform(-40.0, 40.0)),
            }
        }
        BinaryFn::Atan2 => match pick {
            0 => (rng.uniform(-10.0, 10.0), rng.uniform(-10.0, 10.0)),
            1 | 2 => (
                rng.log_uniform(emin, emax, true),
                rng.log_uniform(emin, emax, true),
            ),
            3 => {
                let y = rng.log_uniform(-30.0, 30.0, true);
                let t = [0.4375, 0.6875, 1.1875, 2.4375][rng.below(4) as usize];
                let s = if rng.below(2) == 0 { 1.0 } else { -1.0 };
                (y, s * y / t * (1.0 + rng.uniform(-1e-3, 1e-3)))
            }
            _ => (
                rng.log_uniform(-60.0, 60.0, true),
                rng.log_uniform(-60.0, 60.0, true),
            ),
        },
        BinaryFn::Hypot => match pick {
            0 => (rng.uniform(-10.0, 10.0), rng.uniform(-10.0, 10.0)),
            1 | 2 => (
                rng.log_uniform(emin, emax, true),
                rng.log_uniform(emin, emax, true),
            ),
            3 => {
                let x = rng.log_uniform(emin, emax, true);
                (x, x * rng.log_uniform(-30.0, 0.0, true))
            }
            _ => (
                rng.log_uniform(-60.0, 60.0, true),
                rng.log_uniform(-60.0, 60.0, true),
            ),
        },
    }
}
