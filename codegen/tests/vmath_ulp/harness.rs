//! The measurement: error statistics, the cross-check of the reference against `astro-float`,
//! and running a unary or binary routine at every supported instruction-set level.

use numfuse_codegen::vmath;
use numfuse_codegen::vmath::{BinaryFn, Level, UnaryFn};

use crate::astro::{astro_binary, astro_unary};
use crate::double_double::{ilogb, ldexp};
use crate::exact::{ref_binary, ref_unary};
use crate::libm::{
    is_special_binary, is_special_unary, libm_binary, libm_binary32, libm_unary, libm_unary32,
};
use crate::reference::{ulp_err, Prec, Ref};
use crate::rng::Rng;
use crate::samples::{common_specials, edges, sample_binary, sample_unary, N};

/// Error statistics of one routine at one level.
struct Stats {
    n: usize,
    max: f64,
    worst: String,
    correct: usize,
    n_special: usize,
    bad: Vec<String>,
}

impl Stats {
    fn new() -> Stats {
        Stats {
            n: 0,
            max: 0.0,
            worst: String::new(),
            correct: 0,
            n_special: 0,
            bad: Vec::new(),
        }
    }
    fn add(&mut self, err: f64, what: impl Fn() -> String) {
        self.n += 1;
        if err <= 0.5 + 1e-9 {
            self.correct += 1;
        }
        if err > self.max || err.is_nan() {
            self.max = if err.is_nan() { f64::INFINITY } else { err };
            self.worst = what();
        }
    }
    /// A special input must reproduce glibc exactly (any NaN for NaN).
    fn special(&mut self, ours: f64, libm: f64, what: impl Fn() -> String) {
        self.n_special += 1;
        let same = (ours.is_nan() && libm.is_nan()) || ours.to_bits() == libm.to_bits();
        if !same && self.bad.len() < 10 {
            self.bad
                .push(format!("{}: got {ours:e}, glibc {libm:e}", what()));
        }
    }
}

/// Distance between two references in `f64` ulps (for the astro-float cross-check).
fn ref_diff(a: Ref, b: Ref) -> f64 {
    let e = ilogb(b.hi) + b.e;
    let d = (ldexp(a.hi, a.e - b.e) - b.hi) + (ldexp(a.lo, a.e - b.e) - b.lo);
    ldexp(d, b.e - (e - 52)).abs()
}

/// Checks the double-double reference against astro-float on `count` samples.
fn check_reference(name: &str, pairs: &[(String, Ref, Option<Ref>)]) {
    let mut worst = 0.0f64;
    for (i, r, a) in pairs {
        let Some(a) = a else { continue };
        if !r.hi.is_finite() || r.hi == 0.0 || r.e.abs() >= 5000 || !a.hi.is_finite() || a.hi == 0.0
        {
            continue;
        }
        let d = ref_diff(*r, *a);
        assert!(
            d < 1e-3,
            "{name}: reference at {i} off by {d} ulp: dd {r:?} astro {a:?}"
        );
        worst = worst.max(d);
    }
    println!("{name}: double-double reference within {worst:.1e} ulp of astro-float");
}

/// Samples, reference values and the per-level measurement of a unary routine.
pub(crate) fn run_unary(f: UnaryFn, p: Prec, bound: f64) {
    let t0 = std::time::Instant::now();
    let name = format!("{} {:?}", f.name(), p);
    let mut rng = Rng(0x5eed_0000 + f as u64 * 7 + p as u64);
    let round = |x: f64| if p == Prec::F32 { x as f32 as f64 } else { x };
    let mut xs: Vec<f64> = common_specials(p)
        .into_iter()
        .chain(edges(f, p))
        .map(round)
        .collect();
    let mut regular = 0;
    while regular < N {
        let x = round(sample_unary(f, p, &mut rng));
        regular += !is_special_unary(f, x) as usize;
        xs.push(x);
    }
    let refs: Vec<Ref> = xs.iter().map(|&x| ref_unary(f, x, p)).collect();
    let t_ref = t0.elapsed();
    if p == Prec::F64 {
        let pairs: Vec<(String, Ref, Option<Ref>)> = xs
            .iter()
            .zip(&refs)
            .filter(|(&x, _)| !is_special_unary(f, x) && x.abs() > 1e-300 && x.abs() < 1e300)
            .step_by(97)
            .take(300)
            .map(|(&x, &r)| (format!("{x:e}"), r, astro_unary(f, x)))
            .collect();
        check_reference(&name, &pairs);
    }
    let mut failures = Vec::new();
    for level in Level::supported() {
        let ours: Vec<f64> = match p {
            Prec::F64 => {
                let mut v = xs.clone();
                vmath::unary_f64_at(level, f, &mut v);
                v
            }
            Prec::F32 => {
                let mut v: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
                vmath::unary_f32_at(level, f, &mut v);
                v.into_iter().map(|x| x as f64).collect()
            }
        };
        let mut st = Stats::new();
        for ((&x, &r), &o) in xs.iter().zip(&refs).zip(&ours) {
            if is_special_unary(f, x) {
                let libm = match p {
                    Prec::F64 => libm_unary(f, x),
                    Prec::F32 => libm_unary32(f, x as f32) as f64,
                };
                st.special(o, libm, || format!("{name}({x:e})"));
            } else {
                st.add(ulp_err(o, r, p), || {
                    format!("x = {x:e} ({:#x}): got {o:e}, exact {r:?}", x.to_bits())
                });
            }
        }
        report(&name, level, &st, bound, &mut failures);
    }
    println!("{name}: reference {t_ref:.2?}, total {:.2?}", t0.elapsed());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Samples, reference values and the per-level measurement of a binary routine.
pub(crate) fn run_binary(f: BinaryFn, p: Prec, bound: f64) {
    let t0 = std::time::Instant::now();
    let name = format!("{} {:?}", f.name(), p);
    let mut rng = Rng(0xb1_0000 + f as u64 * 7 + p as u64);
    let round = |x: f64| if p == Prec::F32 { x as f32 as f64 } else { x };
    let sp = common_specials(p);
    let mut xy: Vec<(f64, f64)> = Vec::new();
    for &a in &sp {
        for &b in &sp {
            xy.push((round(a), round(b)));
        }
    }
    let mut regular = 0;
    while regular < N {
        let (a, b) = sample_binary(f, p, &mut rng);
        let (a, b) = (round(a), round(b));
        regular += !is_special_binary(f, a, b) as usize;
        xy.push((a, b));
    }
    let refs: Vec<Ref> = xy.iter().map(|&(x, y)| ref_binary(f, x, y)).collect();
    let t_ref = t0.elapsed();
    if p == Prec::F64 {
        let normal = |v: f64| v.abs() > 1e-300 && v.abs() < 1e300;
        let pairs: Vec<(String, Ref, Option<Ref>)> = xy
            .iter()
            .zip(&refs)
            .filter(|(&(x, y), r)| {
                !is_special_binary(f, x, y) && r.e.abs() < 5000 && normal(x) && normal(y)
            })
            .step_by(97)
            .take(300)
            .map(|(&(x, y), &r)| (format!("({x:e}, {y:e})"), r, astro_binary(f, x, y)))
            .collect();
        check_reference(&name, &pairs);
    }
    let mut failures = Vec::new();
    for level in Level::supported() {
        let ours: Vec<f64> = match p {
            Prec::F64 => {
                let mut a: Vec<f64> = xy.iter().map(|v| v.0).collect();
                let b: Vec<f64> = xy.iter().map(|v| v.1).collect();
                vmath::binary_f64_at(level, f, &mut a, &b);
                a
            }
            Prec::F32 => {
                let mut a: Vec<f32> = xy.iter().map(|v| v.0 as f32).collect();
                let b: Vec<f32> = xy.iter().map(|v| v.1 as f32).collect();
                vmath::binary_f32_at(level, f, &mut a, &b);
                a.into_iter().map(|x| x as f64).collect()
            }
        };
        let mut st = Stats::new();
        for ((&(x, y), &r), &o) in xy.iter().zip(&refs).zip(&ours) {
            if is_special_binary(f, x, y) {
                let libm = match p {
                    Prec::F64 => libm_binary(f, x, y),
                    Prec::F32 => libm_binary32(f, x as f32, y as f32) as f64,
                };
                st.special(o, libm, || format!("{name}({x:e}, {y:e})"));
            } else {
                st.add(ulp_err(o, r, p), || {
                    format!("({x:e}, {y:e}): got {o:e}, exact {r:?}")
                });
            }
        }
        report(&name, level, &st, bound, &mut failures);
    }
    println!("{name}: reference {t_ref:.2?}, total {:.2?}", t0.elapsed());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn report(name: &str, level: Level, st: &Stats, bound: f64, failures: &mut Vec<String>) {
    println!(
        "{name} [{level:?}]: max {:.3} ulp, {:.3}% correctly rounded, {} samples \
         (+ {} special inputs exact); worst: {}",
        st.max,
        100.0 * st.correct as f64 / st.n as f64,
        st.n,
        st.n_special,
        st.worst
    );
    if st.max > bound {
        failures.push(format!(
            "{name} [{level:?}]: max error {} ulp > {bound} at {}",
            st.max, st.worst
        ));
    }
    for b in &st.bad {
        failures.push(format!("{name} [{level:?}]: special value {b}"));
    }
}
