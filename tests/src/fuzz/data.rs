//! Random input data: dtypes, value profiles (tame, wild, small non-negative), contiguous
//! and strided/broadcast/diagonal input arrays, and random shapes around the vector width and
//! the tile sizes.

use half::f16;
use numfuse as nf;
use numfuse::{DType, NdArray, Shape};
use numfuse_ir::SliceAxis;

use super::rng::Rng;

/// Every dtype with a sampling weight.
const DTYPES: [(DType, u32); 14] = [
    (DType::Bool, 6),
    (DType::Int8, 6),
    (DType::Int16, 5),
    (DType::Int32, 8),
    (DType::Int64, 8),
    (DType::UInt8, 6),
    (DType::UInt16, 4),
    (DType::UInt32, 5),
    (DType::UInt64, 5),
    (DType::Float16, 5),
    (DType::Float32, 14),
    (DType::Float64, 16),
    (DType::Complex64, 4),
    (DType::Complex128, 4),
];

pub(super) fn random_dtype(rng: &mut Rng) -> DType {
    rng.weighted(&DTYPES)
}

/// Value distribution of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Profile {
    /// Moderate magnitudes, few specials.
    Tame,
    /// Specials: NaN, ±inf, ±0, subnormals, extremes, cast boundaries, random bits.
    Wild,
    /// Small non-negative integers (integer power exponents).
    SmallNonNeg,
}

fn gen_int(rng: &mut Rng, lo: i128, hi: i128, p: Profile) -> i128 {
    let v: i128 = match p {
        Profile::SmallNonNeg => {
            let hi = if rng.chance(0.1) { 40 } else { 6 };
            rng.range(0, hi) as i128
        }
        _ => match rng.below(20) {
            0..=8 => rng.range(-5, 5) as i128,
            9..=13 => rng.range(-130, 300) as i128,
            14..=16 => {
                let span = (hi - lo + 1) as u128;
                lo + (((rng.next_u64() as u128) << 64 | rng.next_u64() as u128) % span) as i128
            }
            _ => rng.pick(&[lo, hi, lo + 1, hi - 1, 0, -1, hi / 2, lo / 2]),
        },
    };
    let v = if lo == 0 { v.abs() } else { v };
    v.clamp(lo, hi)
}

fn gen_float(rng: &mut Rng, p: Profile, dt: DType) -> f64 {
    let sign = if rng.chance(0.5) { -1.0 } else { 1.0 };
    let tame = |rng: &mut Rng| -> f64 {
        match rng.below(20) {
            0..=8 => rng.unit() * 8.0 - 4.0,
            9..=11 => rng.range(-8, 8) as f64 * 0.5,
            12..=13 => sign * 2f64.powi(rng.range(-12, 12) as i32) * (1.0 + rng.unit()),
            14 => sign * 0.0,
            15 => rng.unit(),
            16 => rng.unit() * 200.0 - 100.0,
            _ => rng.unit() * 2.0 - 1.0,
        }
    };
    match p {
        Profile::SmallNonNeg => rng.range(0, 4) as f64,
        Profile::Tame => tame(rng),
        Profile::Wild => match rng.below(24) {
            0..=5 => tame(rng),
            6 => f64::NAN,
            7 => f64::INFINITY,
            8 => f64::NEG_INFINITY,
            9 => sign * 0.0,
            10 => sign * max_finite(dt),
            11 => sign * min_normal(dt),
            12 => sign * min_subnormal(dt) * rng.range(1, 1000) as f64,
            13 => {
                sign * rng.pick(&[
                    127.5,
                    128.0,
                    128.5,
                    255.5,
                    256.0,
                    32767.5,
                    32768.0,
                    65535.5,
                    65536.0,
                    65504.0,
                    65520.0,
                    2147483647.5,
                    2147483648.0,
                    4294967296.0,
                    9.223372036854776e18,
                    1.8446744073709552e19,
                    0.49999999999999994,
                    2.5,
                    -0.5,
                ])
            }
            14 => sign * 2f64.powi(rng.range(-60, 60) as i32) * (1.0 + rng.unit()),
            15 => sign * 10f64.powi(rng.range(-40, 300) as i32),
            16 => rng.range(-20, 20) as f64 + 0.5,
            17 => match dt.real_type() {
                DType::Float16 => f16::from_bits(rng.next_u64() as u16).to_f64(),
                DType::Float32 => f32::from_bits(rng.next_u64() as u32) as f64,
                _ => f64::from_bits(rng.next_u64()),
            },
            _ => rng.unit() * 2e6 - 1e6,
        },
    }
}

pub(super) fn max_finite(dt: DType) -> f64 {
    match dt.real_type() {
        DType::Float16 => 65504.0,
        DType::Float32 => f32::MAX as f64,
        _ => f64::MAX,
    }
}
pub(super) fn min_normal(dt: DType) -> f64 {
    match dt.real_type() {
        DType::Float16 => 2f64.powi(-14),
        DType::Float32 => f32::MIN_POSITIVE as f64,
        _ => f64::MIN_POSITIVE,
    }
}
fn min_subnormal(dt: DType) -> f64 {
    match dt.real_type() {
        DType::Float16 => pow2(-24),
        DType::Float32 => pow2(-149),
        _ => pow2(-1074),
    }
}

/// `2^e` exactly (`powi` loses the subnormal range: it computes `1 / 2^-e`).
pub(super) fn pow2(e: i32) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        0.0
    }
}

macro_rules! int_data {
    ($rng:expr, $shape:expr, $n:expr, $p:expr, $t:ty) => {
        NdArray::from_vec(
            $shape.clone(),
            (0..$n)
                .map(|_| gen_int($rng, <$t>::MIN as i128, <$t>::MAX as i128, $p) as $t)
                .collect::<Vec<$t>>(),
        )
    };
}

/// A fresh C-contiguous array of random data.
fn make_contig(rng: &mut Rng, dt: DType, shape: &Shape, p: Profile) -> NdArray {
    let n = shape.size();
    let r = match dt {
        DType::Bool => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| p != Profile::SmallNonNeg && rng.chance(0.5))
                .collect::<Vec<bool>>(),
        ),
        DType::Int8 => int_data!(rng, shape, n, p, i8),
        DType::Int16 => int_data!(rng, shape, n, p, i16),
        DType::Int32 => int_data!(rng, shape, n, p, i32),
        DType::Int64 => int_data!(rng, shape, n, p, i64),
        DType::UInt8 => int_data!(rng, shape, n, p, u8),
        DType::UInt16 => int_data!(rng, shape, n, p, u16),
        DType::UInt32 => int_data!(rng, shape, n, p, u32),
        DType::UInt64 => int_data!(rng, shape, n, p, u64),
        DType::Float16 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| f16::from_f64(gen_float(rng, p, dt)))
                .collect::<Vec<f16>>(),
        ),
        DType::Float32 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| gen_float(rng, p, dt) as f32)
                .collect::<Vec<f32>>(),
        ),
        DType::Float64 => NdArray::from_vec(
            shape.clone(),
            (0..n).map(|_| gen_float(rng, p, dt)).collect::<Vec<f64>>(),
        ),
        DType::Complex64 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| {
                    nf::Complex32::new(gen_float(rng, p, dt) as f32, gen_float(rng, p, dt) as f32)
                })
                .collect::<Vec<_>>(),
        ),
        DType::Complex128 => NdArray::from_vec(
            shape.clone(),
            (0..n)
                .map(|_| nf::Complex64::new(gen_float(rng, p, dt), gen_float(rng, p, dt)))
                .collect::<Vec<_>>(),
        ),
    };
    r.expect("shape matches data")
}

/// A random array of `shape`, often a non-contiguous view: a stepped or reversed slice of a
/// larger array, a transpose, a broadcast (stride 0) or a diagonal.
pub(super) fn make_input(rng: &mut Rng, dt: DType, shape: &Shape, p: Profile) -> NdArray {
    let nd = shape.ndim();
    let layout = if nd == 0 { 0 } else { rng.below(10) };
    match layout {
        // stepped / reversed slice of a bigger base, possibly transposed first
        4..=6 => {
            let transpose = nd >= 2 && rng.chance(0.3);
            let mut axes = Vec::with_capacity(nd);
            let mut base = Vec::with_capacity(nd);
            for &len in shape.iter() {
                let step = rng.pick(&[1isize, 1, 2, 3, -1, -1, -2]);
                let extra = rng.below(3);
                let dim = if len == 0 {
                    extra
                } else {
                    (len - 1) * step.unsigned_abs() + 1 + extra
                };
                let start = if len == 0 {
                    0
                } else if step > 0 {
                    rng.below(extra + 1)
                } else {
                    dim - 1 - rng.below(extra + 1)
                };
                axes.push(SliceAxis { start, step, len });
                base.push(dim);
            }
            if transpose {
                // base laid out with the axes reversed, then transposed back
                let rev: Vec<usize> = base.iter().rev().copied().collect();
                let b = make_contig(rng, dt, &Shape::from(rev), p).t();
                b.slice(&axes).expect("valid slice")
            } else {
                let b = make_contig(rng, dt, &Shape::from(base), p);
                b.slice(&axes).expect("valid slice")
            }
        }
        // a transpose of a contiguous array
        7 if nd >= 2 => {
            let mut perm: Vec<usize> = (0..nd).collect();
            for i in (1..nd).rev() {
                perm.swap(i, rng.below(i + 1));
            }
            // out axis i = base axis perm[i]
            let mut base = vec![0usize; nd];
            for (i, &pi) in perm.iter().enumerate() {
                base[pi] = shape[i];
            }
            make_contig(rng, dt, &Shape::from(base), p)
                .permute(&perm)
                .expect("valid permutation")
        }
        // a broadcast view (stride 0 on some axes)
        8 if shape.iter().any(|&d| d > 1) => {
            let base: Vec<usize> = shape
                .iter()
                .map(|&d| if d > 1 && rng.chance(0.5) { 1 } else { d })
                .collect();
            make_contig(rng, dt, &Shape::from(base), p)
                .broadcast_to(shape)
                .expect("valid broadcast")
        }
        // a diagonal view
        9 if nd == 1 && shape[0] <= 300 => {
            let n = shape[0];
            let k = rng.range(-2, 2);
            let side = n + k.unsigned_abs() as usize;
            make_contig(rng, dt, &Shape::from([side, side]), p)
                .diagonal(k as isize)
                .expect("valid diagonal")
        }
        _ => make_contig(rng, dt, shape, p),
    }
}

/// Lengths around the vector width.
pub(super) const SMALL: [usize; 11] = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17];
/// Lengths around the tile sizes.
const TILE: [usize; 6] = [127, 128, 129, 255, 256, 257];

fn small_dim(rng: &mut Rng) -> usize {
    match rng.below(40) {
        0 => 0,
        1..=24 => rng.pick(&SMALL[..6]),
        _ => rng.pick(&SMALL),
    }
}

/// The main shape of a case and the largest node size it may grow to.
pub(super) fn gen_shape(rng: &mut Rng) -> (Shape, usize) {
    let class = rng.below(1000);
    if class < 700 {
        let rank = rng.weighted(&[(0usize, 6), (1, 30), (2, 36), (3, 22), (4, 6)]);
        let mut dims: Vec<usize> = (0..rank).map(|_| small_dim(rng)).collect();
        while dims.iter().product::<usize>() > 2000 {
            let i = rng.below(rank);
            dims[i] = rng.pick(&SMALL[..4]);
        }
        (Shape::from(dims), 4096)
    } else if class < 880 {
        let rank = rng.range(1, 3) as usize;
        let mut dims: Vec<usize> = (0..rank).map(|_| rng.pick(&[1usize, 2, 3, 4, 5])).collect();
        let i = rng.below(rank);
        dims[i] = rng.pick(&TILE);
        (Shape::from(dims), 8192)
    } else if class < 995 {
        let total = rng.pick(&[
            1000usize, 1023, 1024, 1025, 2047, 2049, 3000, 4095, 4096, 4097,
        ]);
        let dims = match rng.below(3) {
            0 => vec![total + rng.below(3)],
            1 => {
                let a = rng.pick(&[3usize, 7, 16, 17, 31, 33, 64]);
                vec![a, total / a]
            }
            _ => {
                let a = rng.pick(&[2usize, 3, 4, 5]);
                let b = rng.pick(&[7usize, 16, 17, 33]);
                vec![a, b, total / (a * b)]
            }
        };
        (Shape::from(dims), 16384)
    } else {
        // large enough for the executor's two-thread split
        let dims = match rng.below(2) {
            0 => vec![rng.pick(&[40000usize, 50001, 65536])],
            _ => vec![rng.pick(&[200usize, 256, 301]), rng.pick(&[200usize, 257])],
        };
        (Shape::from(dims), 140_000)
    }
}

/// A shape that broadcasts with `s`: the same, some axes set to 1, or a suffix.
pub(super) fn shape_variant(rng: &mut Rng, s: &Shape) -> Shape {
    let dims = s.dims();
    match rng.below(10) {
        0..=4 => s.clone(),
        5 | 6 => Shape::from(
            dims.iter()
                .map(|&d| if rng.chance(0.5) { 1 } else { d })
                .collect::<Vec<_>>(),
        ),
        7 | 8 => {
            let k = rng.below(dims.len() + 1);
            Shape::from(dims[k..].to_vec())
        }
        _ => {
            let k = rng.below(dims.len() + 1);
            Shape::from(
                dims[k..]
                    .iter()
                    .map(|&d| if rng.chance(0.5) { 1 } else { d })
                    .collect::<Vec<_>>(),
            )
        }
    }
}
