//! The exact values of every routine: the double-double reference for finite non-special
//! inputs, glibc's value for special ones.

use numfuse_codegen::vmath::{BinaryFn, UnaryFn};

use crate::astro::astro_unary;
use crate::double_double::{
    dd, dd_asin, dd_atan, dd_exp, dd_expm1, dd_log, dd_log_f, dd_sincos, ilogb, k_ln2, ldexp,
    two_prod, two_sum, DD, HALF_PI, INV_LN10, INV_LN2, PI,
};
use crate::libm::{is_odd_int, is_special_binary, is_special_unary, libm_binary, libm_unary};
use crate::reference::{Prec, Ref};

/// The exact value of `f(x)` for a finite non-special `x`.
pub(crate) fn ref_unary(f: UnaryFn, x: f64, p: Prec) -> Ref {
    if is_special_unary(f, x) {
        return Ref::exact(libm_unary(f, x));
    }
    let a = x.abs();
    let neg = x < 0.0;
    match f {
        UnaryFn::Exp => {
            if x > 1200.0 {
                Ref::huge(false)
            } else if x < -1200.0 {
                Ref::tiny()
            } else {
                let (m, k) = dd_exp(dd(x));
                Ref::scaled(m, k)
            }
        }
        UnaryFn::Exp2 => {
            if x > 1200.0 {
                Ref::huge(false)
            } else if x < -1200.0 {
                Ref::tiny()
            } else {
                let k = x.round();
                let (m, j) = dd_exp(k_ln2(x - k));
                Ref::scaled(m, k as i32 + j)
            }
        }
        UnaryFn::Expm1 => {
            if x > 1200.0 {
                Ref::huge(false)
            } else if x < -1200.0 {
                Ref::of(dd(-1.0))
            } else if x < -45.0 {
                let (m, k) = dd_exp(dd(x));
                Ref::of(dd(-1.0).add(m.scale(k)))
            } else if x > 45.0 {
                let (m, k) = dd_exp(dd(x));
                Ref::scaled(m.sub(dd(1.0).scale(-k)), k)
            } else {
                Ref::of(dd_expm1(dd(x)))
            }
        }
        UnaryFn::Log => Ref::of(dd_log_f(x)),
        UnaryFn::Log2 => Ref::of(dd_log_f(x).mul(INV_LN2)),
        UnaryFn::Log10 => Ref::of(dd_log_f(x).mul(INV_LN10)),
        UnaryFn::Log1p => {
            if a < 1e-30 {
                Ref::of(dd(x).sub(dd(x).mul(dd(x)).scale(-1)))
            } else {
                Ref::of(dd_log(two_sum(1.0, x)))
            }
        }
        UnaryFn::Sin | UnaryFn::Cos | UnaryFn::Tan => {
            if a >= 1048576.0 {
                if p == Prec::F32 {
                    // glibc's huge-argument error (< 2^-45 relative) is far below an f32 ulp.
                    return Ref::exact(libm_unary(f, x));
                }
                return astro_unary(f, x).expect("astro trig");
            }
            let (s, c) = dd_sincos(dd(x));
            Ref::of(match f {
                UnaryFn::Sin => s,
                UnaryFn::Cos => c,
                _ => s.div(c),
            })
        }
        UnaryFn::Arcsin => Ref::of(asin_ref(a)).with_sign(neg),
        UnaryFn::Arccos => Ref::of(if a <= 0.5 {
            HALF_PI.sub(asin_ref(a).mulf(if neg { -1.0 } else { 1.0 }))
        } else if !neg {
            dd_asin(dd(0.5 * (1.0 - a)).sqrt()).scale(1)
        } else {
            PI.sub(dd_asin(dd(0.5 * (1.0 - a)).sqrt()).scale(1))
        }),
        UnaryFn::Arctan => Ref::of(dd_atan(dd(a))).with_sign(neg),
        UnaryFn::Sinh | UnaryFn::Cosh => {
            let sinh = f == UnaryFn::Sinh;
            if a > 1200.0 {
                return Ref::huge(sinh && neg);
            }
            if sinh && a < 0.5 {
                let z = dd(a).mul(dd(a));
                let (mut t, mut s) = (dd(a), dd(a));
                for k in 1..=20 {
                    t = t.mul(z).divf((2 * k * (2 * k + 1)) as f64);
                    s = s.add(t);
                }
                return Ref::of(s).with_sign(neg);
            }
            let (m, k) = dd_exp(dd(a));
            if k > 80 {
                return Ref::scaled(m, k - 1).with_sign(sinh && neg);
            }
            let e = m.scale(k);
            let inv = dd(1.0).div(e);
            let v = if sinh { e.sub(inv) } else { e.add(inv) };
            Ref::of(v.scale(-1)).with_sign(sinh && neg)
        }
        UnaryFn::Tanh => {
            if a > 40.0 {
                let t = if a > 370.0 {
                    dd(1.0)
                } else {
                    let (m, k) = dd_exp(dd(-2.0 * a));
                    dd(1.0).sub(m.scale(k + 1))
                };
                return Ref::of(t).with_sign(neg);
            }
            let em = dd_expm1(dd(2.0 * a));
            Ref::of(em.div(em.add(dd(2.0)))).with_sign(neg)
        }
        UnaryFn::Arcsinh => {
            if a < 1e-7 {
                let a3 = dd(a).mul(dd(a)).mulf(a);
                return Ref::of(dd(a).sub(a3.divf(6.0))).with_sign(neg);
            }
            if a > 1e150 {
                return Ref::of(dd_log_f(a).add(k_ln2(1.0))).with_sign(neg);
            }
            let w = dd(a).add(two_prod(a, a).add(dd(1.0)).sqrt());
            Ref::of(dd_log(w)).with_sign(neg)
        }
        UnaryFn::Arccosh => {
            if x > 1e150 {
                return Ref::of(dd_log_f(x).add(k_ln2(1.0)));
            }
            let t = two_sum(x, -1.0);
            let w = dd(x).add(t.mul(two_sum(x, 1.0)).sqrt());
            Ref::of(dd_log(w))
        }
        UnaryFn::Arctanh => {
            if a < 1e-7 {
                let a3 = dd(a).mul(dd(a)).mulf(a);
                return Ref::of(dd(a).add(a3.divf(3.0))).with_sign(neg);
            }
            let q = two_sum(1.0, a).div(two_sum(1.0, -a));
            Ref::of(dd_log(q).scale(-1)).with_sign(neg)
        }
        UnaryFn::Sqrt => {
            // scaled away from the subnormals, where the residual `x - s²` would round
            if x < 1e-200 {
                Ref::scaled(dd(x * 2f64.powi(600)).sqrt(), -300)
            } else {
                Ref::of(dd(x).sqrt())
            }
        }
        UnaryFn::Cbrt => {
            let e = ilogb(a).div_euclid(3);
            let m = ldexp(a, -3 * e);
            let mut y = dd(m.cbrt());
            for _ in 0..2 {
                let y2 = y.mul(y);
                y = y.sub(y2.mul(y).sub(dd(m)).div(y2.mulf(3.0)));
            }
            Ref::scaled(y, e).with_sign(neg)
        }
    }
}

/// `asin(a)` for `0 < a < 1`.
fn asin_ref(a: f64) -> DD {
    if a <= 0.5 {
        dd_asin(dd(a))
    } else {
        HALF_PI.sub(dd_asin(dd(0.5 * (1.0 - a)).sqrt()).scale(1))
    }
}

/// The exact value of `f(x, y)` (C argument order: `atan2(x, y)` is the angle of `(y, x)`).
pub(crate) fn ref_binary(f: BinaryFn, x: f64, y: f64) -> Ref {
    if is_special_binary(f, x, y) {
        return Ref::exact(libm_binary(f, x, y));
    }
    match f {
        BinaryFn::Pow => {
            let neg = x < 0.0 && is_odd_int(y);
            let l = dd_log_f(x.abs());
            if l.hi * y > 1200.0 {
                return Ref::huge(neg);
            }
            if l.hi * y < -1200.0 {
                return Ref::tiny().with_sign(neg);
            }
            let w = l.mulf(y);
            let (m, k) = dd_exp(w);
            Ref::scaled(m, k).with_sign(neg)
        }
        BinaryFn::Atan2 => {
            let (ay, ax) = (x.abs(), y.abs());
            let e = ilogb(ay.max(ax));
            let (ay, ax) = (ldexp(ay, -e), ldexp(ax, -e));
            let r = if ay < ax * 1e-250 {
                // atan(t) = t to far below the ulp; keep t scaled to avoid underflow.
                let t = dd(ldexp(x.abs(), 1000 - e)).div(dd(ax));
                let r = Ref::scaled(t, -1000);
                if y < 0.0 {
                    Ref::of(PI)
                } else {
                    r
                }
            } else if ax < ay * 1e-250 {
                Ref::of(HALF_PI)
            } else {
                let t = dd_atan(dd(ay).div(dd(ax)));
                Ref::of(if y < 0.0 { PI.sub(t) } else { t })
            };
            r.with_sign(x < 0.0)
        }
        BinaryFn::Hypot => {
            let (ax, ay) = (x.abs(), y.abs());
            let e = ilogb(ax.max(ay));
            let (ax, ay) = (ldexp(ax, -e), ldexp(ay, -e));
            let s = two_prod(ax, ax).add(two_prod(ay, ay)).sqrt();
            Ref::scaled(s, e)
        }
    }
}
