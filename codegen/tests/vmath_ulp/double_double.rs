//! Double-double arithmetic (~2^-100), the reference's building block: error-free
//! transformations, constants and double-double `exp`, `expm1`, `log`, `sin`/`cos`, `atan`,
//! `asin`.

#[derive(Clone, Copy, Debug)]
pub(crate) struct DD {
    pub(crate) hi: f64,
    pub(crate) lo: f64,
}

pub(crate) fn two_sum(a: f64, b: f64) -> DD {
    let s = a + b;
    let bb = s - a;
    DD {
        hi: s,
        lo: (a - (s - bb)) + (b - bb),
    }
}

pub(crate) fn fast_two_sum(a: f64, b: f64) -> DD {
    let s = a + b;
    DD {
        hi: s,
        lo: b - (s - a),
    }
}

pub(crate) fn two_prod(a: f64, b: f64) -> DD {
    let p = a * b;
    DD {
        hi: p,
        lo: a.mul_add(b, -p),
    }
}

pub(crate) fn dd(x: f64) -> DD {
    DD { hi: x, lo: 0.0 }
}

impl DD {
    pub(crate) fn add(self, o: DD) -> DD {
        let s = two_sum(self.hi, o.hi);
        let t = two_sum(self.lo, o.lo);
        let u = fast_two_sum(s.hi, s.lo + t.hi);
        fast_two_sum(u.hi, u.lo + t.lo)
    }
    pub(crate) fn neg(self) -> DD {
        DD {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
    pub(crate) fn sub(self, o: DD) -> DD {
        self.add(o.neg())
    }
    pub(crate) fn mul(self, o: DD) -> DD {
        let p = two_prod(self.hi, o.hi);
        fast_two_sum(p.hi, p.lo + (self.hi * o.lo + self.lo * o.hi))
    }
    pub(crate) fn mulf(self, f: f64) -> DD {
        self.mul(dd(f))
    }
    pub(crate) fn div(self, o: DD) -> DD {
        let q1 = self.hi / o.hi;
        let r = self.sub(o.mulf(q1));
        let q2 = r.hi / o.hi;
        let r = r.sub(o.mulf(q2));
        let q3 = r.hi / o.hi;
        fast_two_sum(q1, q2).add(dd(q3))
    }
    pub(crate) fn divf(self, f: f64) -> DD {
        self.div(dd(f))
    }
    pub(crate) fn sqrt(self) -> DD {
        if self.hi <= 0.0 {
            return dd(self.hi.sqrt());
        }
        let s = self.hi.sqrt();
        let r = self.sub(two_prod(s, s));
        fast_two_sum(s, r.hi / (2.0 * s))
    }
    /// Exact multiplication by `2^k`.
    pub(crate) fn scale(self, k: i32) -> DD {
        DD {
            hi: ldexp(self.hi, k),
            lo: ldexp(self.lo, k),
        }
    }
}

/// `x 2^k` (exact unless the result under/overflows).
pub(crate) fn ldexp(mut x: f64, mut k: i32) -> f64 {
    while k > 1000 {
        x *= 2f64.powi(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= 2f64.powi(-1000);
        k += 1000;
    }
    x * 2f64.powi(k)
}

/// Exponent `e` of `x != 0` with `2^e <= |x| < 2^(e+1)` (subnormals included).
pub(crate) fn ilogb(x: f64) -> i32 {
    let b = (x.to_bits() >> 52) & 0x7ff;
    if b == 0 {
        ilogb(x * 2f64.powi(64)) - 64
    } else {
        b as i32 - 1023
    }
}

const PIO2: [f64; 4] = [
    std::f64::consts::FRAC_PI_2,
    6.123233995736766e-17,
    -1.4973849048591698e-33,
    5.562271104316826e-50,
];
const LN2: [f64; 3] = [
    std::f64::consts::LN_2,
    2.3190468138462996e-17,
    5.707708438416212e-34,
];
pub(crate) const INV_LN2: DD = DD {
    hi: std::f64::consts::LOG2_E,
    lo: 2.0355273740931033e-17,
};
pub(crate) const INV_LN10: DD = DD {
    hi: std::f64::consts::LOG10_E,
    lo: 1.098319650216765e-17,
};
pub(crate) const PI: DD = DD {
    hi: std::f64::consts::PI,
    lo: 1.2246467991473532e-16,
};
pub(crate) const HALF_PI: DD = DD {
    hi: PIO2[0],
    lo: PIO2[1],
};

/// `k ln2` for an integer `k` (|k| < 2^20), to about 2^-150 relative.
pub(crate) fn k_ln2(k: f64) -> DD {
    two_prod(k, LN2[0])
        .add(two_prod(k, LN2[1]))
        .add(dd(k * LN2[2]))
}

/// `e^x = m 2^k` for `|x| < 1200`.
pub(crate) fn dd_exp(x: DD) -> (DD, i32) {
    let k = (x.hi / LN2[0]).round();
    let r = x.sub(k_ln2(k)).scale(-8);
    let mut term = dd(1.0);
    let mut sum = dd(1.0);
    for n in 1..=12 {
        term = term.mul(r).divf(n as f64);
        sum = sum.add(term);
    }
    for _ in 0..8 {
        sum = sum.mul(sum);
    }
    (sum, k as i32)
}

/// `e^x - 1` for `|x| <= 45`.
pub(crate) fn dd_expm1(x: DD) -> DD {
    if x.hi.abs() < 0.5 {
        let mut term = x;
        let mut sum = x;
        for n in 2..=30 {
            term = term.mul(x).divf(n as f64);
            sum = sum.add(term);
        }
        sum
    } else {
        let (m, k) = dd_exp(x);
        m.scale(k).sub(dd(1.0))
    }
}

/// `log(x)` for a positive finite double-double `x` (`x.hi` normal).
pub(crate) fn dd_log(x: DD) -> DD {
    let mut e = ilogb(x.hi);
    let mut m = x.scale(-e);
    if m.hi >= 1.5 {
        m = m.scale(-1);
        e += 1;
    } else if m.hi < 0.75 {
        m = m.scale(1);
        e -= 1;
    }
    // log(m) = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.2
    let s = m.sub(dd(1.0)).div(m.add(dd(1.0)));
    let s2 = s.mul(s);
    let mut term = s;
    let mut sum = s;
    for k in 1..40 {
        term = term.mul(s2);
        let t = term.divf((2 * k + 1) as f64);
        sum = sum.add(t);
        if t.hi.abs() < 1e-36 * sum.hi.abs() {
            break;
        }
    }
    k_ln2(e as f64).add(sum.scale(1))
}

/// `log(x)` for finite `x > 0` (subnormals included).
pub(crate) fn dd_log_f(x: f64) -> DD {
    if x < f64::MIN_POSITIVE {
        dd_log(dd(x * 2f64.powi(60))).sub(k_ln2(60.0))
    } else {
        dd_log(dd(x))
    }
}

/// `(sin x, cos x)` for `|x| < 2^24`.
pub(crate) fn dd_sincos(x: DD) -> (DD, DD) {
    let q = (x.hi / PIO2[0]).round();
    let mut r = x;
    for p in PIO2 {
        r = r.sub(two_prod(q, p));
    }
    let r2 = r.mul(r);
    let (mut st, mut s) = (r, r);
    let (mut ct, mut c) = (dd(1.0), dd(1.0));
    for k in 1..=16 {
        let k2 = (2 * k) as f64;
        st = st.mul(r2).divf(-k2 * (k2 + 1.0));
        s = s.add(st);
        ct = ct.mul(r2).divf(-(k2 - 1.0) * k2);
        c = c.add(ct);
    }
    match (q as i64).rem_euclid(4) {
        0 => (s, c),
        1 => (c, s.neg()),
        2 => (s.neg(), c.neg()),
        _ => (c.neg(), s),
    }
}

/// `atan(t)` for a finite double-double `t >= 0`.
pub(crate) fn dd_atan(t: DD) -> DD {
    if t.hi > 1.0 {
        return HALF_PI.sub(dd_atan(dd(1.0).div(t)));
    }
    if t.hi < 1.0 / 256.0 {
        let t2 = t.mul(t);
        let (mut term, mut sum) = (t, t);
        for k in 1..=12 {
            term = term.mul(t2).neg();
            sum = sum.add(term.divf((2 * k + 1) as f64));
        }
        return sum;
    }
    let mut y = dd(t.hi.atan());
    for _ in 0..2 {
        let (s, c) = dd_sincos(y);
        y = y.sub(s.sub(t.mul(c)).mul(c));
    }
    y
}

/// `asin(a)` for a double-double `0 <= a <= 0.75`.
pub(crate) fn dd_asin(a: DD) -> DD {
    if a.hi == 0.0 {
        return a;
    }
    let mut y = dd(a.hi.asin());
    for _ in 0..2 {
        let (s, c) = dd_sincos(y);
        y = y.add(a.sub(s).div(c));
    }
    y
}
