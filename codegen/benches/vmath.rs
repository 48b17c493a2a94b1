//! Criterion benches of the vmath routines: every routine on a 4096-element `f64` and `f32`
//! buffer (in place, 64-byte aligned, cache-resident), next to the scalar `std` loop
//! (`f64::exp`, ... i.e. glibc). Each iteration first re-copies the input into the buffer
//! (the `copy` group measures that alone, about 0.05 ns/element). Throughput is reported in
//! elements; ns/element = 1000 / (Melem/s).
//!
//! `cargo bench -p numfuse-codegen --bench vmath -- --quick` (add a filter such as `exp/` to
//! run a subset).

use std::hint::black_box;

/// The std scalar counterparts of a binary routine (f64, f32).
type ScalarPair = (fn(f64, f64) -> f64, fn(f32, f32) -> f32);

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use numfuse_codegen::vmath::{self, BinaryFn, Level, UnaryFn};

const N: usize = 4096;

/// A 64-byte aligned buffer (the runtime's buffers and the JIT's tiles are 64-byte aligned;
/// a `Vec` from `malloc` is only 16-byte aligned, which makes every 64-byte vector access
/// straddle two cache lines and the timings depend on where the allocation lands).
#[repr(C, align(64))]
struct Aligned<T: Copy>([T; N]);

fn aligned<T: Copy>(v: &[T]) -> Box<Aligned<T>> {
    Box::new(Aligned(v.try_into().expect("N elements")))
}

/// Deterministic inputs spread over `[lo, hi]`.
fn inputs(lo: f64, hi: f64) -> Vec<f64> {
    let mut s = 0x1234_5678_9abc_def0u64;
    (0..N)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lo + (hi - lo) * ((s >> 11) as f64 / 9007199254740992.0)
        })
        .collect()
}

/// A typical input range of each unary routine.
fn domain(f: UnaryFn) -> (f64, f64) {
    match f {
        UnaryFn::Exp | UnaryFn::Expm1 => (-30.0, 30.0),
        UnaryFn::Exp2 => (-40.0, 40.0),
        UnaryFn::Log | UnaryFn::Log2 | UnaryFn::Log10 => (1e-3, 1e3),
        UnaryFn::Log1p => (-0.9, 10.0),
        UnaryFn::Sin | UnaryFn::Cos | UnaryFn::Tan => (-10.0, 10.0),
        UnaryFn::Arcsin | UnaryFn::Arccos | UnaryFn::Arctanh => (-0.999, 0.999),
        UnaryFn::Arctan | UnaryFn::Arcsinh => (-20.0, 20.0),
        UnaryFn::Sinh | UnaryFn::Cosh | UnaryFn::Tanh => (-20.0, 20.0),
        UnaryFn::Arccosh => (1.0, 100.0),
        UnaryFn::Cbrt => (-1e3, 1e3),
        UnaryFn::Sqrt => (0.0, 1e3),
    }
}

fn std64(f: UnaryFn) -> fn(f64) -> f64 {
    match f {
        UnaryFn::Exp => f64::exp,
        UnaryFn::Exp2 => f64::exp2,
        UnaryFn::Expm1 => f64::exp_m1,
        UnaryFn::Log => f64::ln,
        UnaryFn::Log2 => f64::log2,
        UnaryFn::Log10 => f64::log10,
        UnaryFn::Log1p => f64::ln_1p,
        UnaryFn::Sin => f64::sin,
        UnaryFn::Cos => f64::cos,
        UnaryFn::Tan => f64::tan,
        UnaryFn::Arcsin => f64::asin,
        UnaryFn::Arccos => f64::acos,
        UnaryFn::Arctan => f64::atan,
        UnaryFn::Sinh => f64::sinh,
        UnaryFn::Cosh => f64::cosh,
        UnaryFn::Tanh => f64::tanh,
        UnaryFn::Arcsinh => f64::asinh,
        UnaryFn::Arccosh => f64::acosh,
        UnaryFn::Arctanh => f64::atanh,
        UnaryFn::Cbrt => f64::cbrt,
        UnaryFn::Sqrt => f64::sqrt,
    }
}

fn std32(f: UnaryFn) -> fn(f32) -> f32 {
    match f {
        UnaryFn::Exp => f32::exp,
        UnaryFn::Exp2 => f32::exp2,
        UnaryFn::Expm1 => f32::exp_m1,
        UnaryFn::Log => f32::ln,
        UnaryFn::Log2 => f32::log2,
        UnaryFn::Log10 => f32::log10,
        UnaryFn::Log1p => f32::ln_1p,
        UnaryFn::Sin => f32::sin,
        UnaryFn::Cos => f32::cos,
        UnaryFn::Tan => f32::tan,
        UnaryFn::Arcsin => f32::asin,
        UnaryFn::Arccos => f32::acos,
        UnaryFn::Arctan => f32::atan,
        UnaryFn::Sinh => f32::sinh,
        UnaryFn::Cosh => f32::cosh,
        UnaryFn::Tanh => f32::tanh,
        UnaryFn::Arcsinh => f32::asinh,
        UnaryFn::Arccosh => f32::acosh,
        UnaryFn::Arctanh => f32::atanh,
        UnaryFn::Cbrt => f32::cbrt,
        UnaryFn::Sqrt => f32::sqrt,
    }
}

fn unary(c: &mut Criterion) {
    println!("vmath dispatch level: {:?}", Level::current());
    {
        // The per-iteration input copy alone (included in every measurement below).
        let x64 = inputs(-1.0, 1.0);
        let mut g = c.benchmark_group("copy");
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("f64", |b| {
            let mut v = aligned(&x64);
            b.iter(|| {
                v.0.copy_from_slice(&x64);
                black_box(&mut v.0);
            })
        });
        g.finish();
    }
    for f in UnaryFn::ALL {
        let (lo, hi) = domain(f);
        let x64 = inputs(lo, hi);
        let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
        let mut g = c.benchmark_group(f.name());
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("vmath_f64", |b| {
            let mut v = aligned(&x64);
            b.iter(|| {
                v.0.copy_from_slice(&x64);
                vmath::unary_f64(f, black_box(&mut v.0))
            })
        });
        let s64 = std64(f);
        g.bench_function("std_f64", |b| {
            let mut v = aligned(&x64);
            b.iter(|| {
                v.0.copy_from_slice(&x64);
                black_box(&mut v.0).iter_mut().for_each(|e| *e = s64(*e))
            })
        });
        g.bench_function("vmath_f32", |b| {
            let mut v = aligned(&x32);
            b.iter(|| {
                v.0.copy_from_slice(&x32);
                vmath::unary_f32(f, black_box(&mut v.0))
            })
        });
        let s32 = std32(f);
        g.bench_function("std_f32", |b| {
            let mut v = aligned(&x32);
            b.iter(|| {
                v.0.copy_from_slice(&x32);
                black_box(&mut v.0).iter_mut().for_each(|e| *e = s32(*e))
            })
        });
        g.finish();
    }
}

fn binary(c: &mut Criterion) {
    for f in BinaryFn::ALL {
        let (x64, y64) = match f {
            BinaryFn::Pow => (inputs(0.1, 10.0), inputs(-20.0, 20.0)),
            _ => (inputs(-100.0, 100.0), inputs(-100.0, 100.0)),
        };
        // Decorrelate the two operands.
        let y64: Vec<f64> = y64.into_iter().rev().collect();
        let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
        let y32 = aligned(&y64.iter().map(|&v| v as f32).collect::<Vec<f32>>());
        let y64 = aligned(&y64);
        let (s64, s32): ScalarPair = match f {
            BinaryFn::Pow => (f64::powf, f32::powf),
            BinaryFn::Atan2 => (f64::atan2, f32::atan2),
            BinaryFn::Hypot => (f64::hypot, f32::hypot),
        };
        let mut g = c.benchmark_group(f.name());
        g.throughput(Throughput::Elements(N as u64));
        g.bench_function("vmath_f64", |b| {
            let mut v = aligned(&x64);
            b.iter(|| {
                v.0.copy_from_slice(&x64);
                vmath::binary_f64(f, black_box(&mut v.0), &y64.0)
            })
        });
        g.bench_function("std_f64", |b| {
            let mut v = aligned(&x64);
            b.iter(|| {
                v.0.copy_from_slice(&x64);
                {
                    for (a, &b) in black_box(&mut v.0).iter_mut().zip(&y64.0) {
                        *a = s64(*a, b);
                    }
                }
            })
        });
        g.bench_function("vmath_f32", |b| {
            let mut v = aligned(&x32);
            b.iter(|| {
                v.0.copy_from_slice(&x32);
                vmath::binary_f32(f, black_box(&mut v.0), &y32.0)
            })
        });
        g.bench_function("std_f32", |b| {
            let mut v = aligned(&x32);
            b.iter(|| {
                v.0.copy_from_slice(&x32);
                {
                    for (a, &b) in black_box(&mut v.0).iter_mut().zip(&y32.0) {
                        *a = s32(*a, b);
                    }
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, unary, binary);
criterion_main!(benches);
