//! Branch-free floating-point building blocks shared by the vmath kernels.
//!
//! Every helper is `#[inline(always)]` so that it is compiled inside the `#[target_feature]`
//! function that instantiates a kernel. The const parameter `F` says whether a fused
//! multiply-add instruction is available: with `F = true` [`mla`] and [`two_prod`] use
//! `f64::mul_add` (one `vfmadd`); with `F = false` they use plain arithmetic (and Dekker's
//! splitting for the exact product), because `mul_add` would otherwise become a call to the
//! slow software `fma` of libm and stop vectorisation.
//!
//! Conditionals are written as `if c { a } else { b }` on values that are already computed;
//! LLVM turns them into vector selects (mask blends on AVX-512).

/// `2^52 + 2^51`: adding it to `|v| < 2^51` rounds `v` to an integer held in the low mantissa
/// bits (the "shifter" trick, no float→int conversion instruction needed).
pub(super) const SHIFT: f64 = 6755399441055744.0;
/// `2^54`, used to normalise subnormal inputs.
pub(super) const TWO54: f64 = 18014398509481984.0;
/// Smallest positive normal `f64`.
pub(super) const MIN_NORMAL: f64 = f64::MIN_POSITIVE;
/// Mask of the sign bit.
pub(super) const SIGN: u64 = 0x8000_0000_0000_0000;

/// `a * b + c`, fused when `F`.
#[inline(always)]
pub(super) fn mla<const F: bool>(a: f64, b: f64, c: f64) -> f64 {
    if F {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// Estrin-style evaluation of `c[0] + x c[1] + x^2 c[2] + ...`: two interleaved Horner
/// chains in `x^2`, a shorter dependency chain than plain Horner.
#[inline(always)]
pub(super) fn poly2<const F: bool, const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let x2 = x * x;
    // even part c0 + c2 x2 + ..., odd part c1 + c3 x2 + ...
    let mut i = (N - 1) & !1;
    let mut even = c[i];
    while i >= 2 {
        i -= 2;
        even = mla::<F>(even, x2, c[i]);
    }
    let mut j = if N.is_multiple_of(2) { N - 1 } else { N - 2 };
    let mut odd = c[j];
    while j >= 3 {
        j -= 2;
        odd = mla::<F>(odd, x2, c[j]);
    }
    mla::<F>(odd, x, even)
}

/// Knuth's error-free sum: `a + b = s + e` exactly.
#[inline(always)]
pub(super) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// Dekker's error-free sum, valid when `|a| >= |b|` (or `a == 0`).
#[inline(always)]
pub(super) fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// Error-free product: `a * b = p + e` exactly (barring over/underflow; without FMA the
/// operands must stay below about `2^995`).
#[inline(always)]
pub(super) fn two_prod<const F: bool>(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    if F {
        (p, a.mul_add(b, -p))
    } else {
        const SPLIT: f64 = 134217729.0; // 2^27 + 1
        let ca = SPLIT * a;
        let ah = ca - (ca - a);
        let al = a - ah;
        let cb = SPLIT * b;
        let bh = cb - (cb - b);
        let bl = b - bh;
        (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }
}

/// `2^k` for `-1022 <= k <= 1023`, built from the exponent bits.
#[inline(always)]
pub(super) fn pow2i(k: i64) -> f64 {
    f64::from_bits((k.wrapping_add(1023) as u64) << 52)
}

/// `m * 2^k` with a single rounding, for `|k| <= 2044`: the scale is split in two normal
/// powers of two, so results in the subnormal range are rounded correctly (no flush to zero)
/// and overflow gives `inf`.
#[inline(always)]
pub(super) fn scale2(m: f64, k: i64) -> f64 {
    // floor(k / 2) without an arithmetic shift (wrapping: garbage k from NaN inputs is fine)
    let k1 = ((k.wrapping_add(2048) as u64) >> 1) as i64 - 1024;
    let k2 = k.wrapping_sub(k1);
    m * pow2i(k1) * pow2i(k2)
}

/// Rounds `v` (with `|v| < 2^51`) to the nearest integer; returns it as `f64` and as `i64`.
#[inline(always)]
pub(super) fn round_int<const F: bool>(v: f64, mul: f64) -> (f64, i64) {
    let t = mla::<F>(v, mul, SHIFT);
    let kf = t - SHIFT;
    let ki = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    (kf, ki)
}

/// `|x|` by clearing the sign bit.
#[inline(always)]
pub(super) fn abs(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & !SIGN)
}

/// Magnitude of `mag` with the sign of `sgn`.
#[inline(always)]
pub(super) fn copysign(mag: f64, sgn: f64) -> f64 {
    f64::from_bits((mag.to_bits() & !SIGN) | (sgn.to_bits() & SIGN))
}

/// Flips the sign of `x` when `flip` is true.
#[inline(always)]
pub(super) fn xorsign(x: f64, flip: bool) -> f64 {
    f64::from_bits(x.to_bits() ^ if flip { SIGN } else { 0 })
}

/// Whether `x` is a signaling NaN (quiet bit clear), which glibc never lets a special case
/// absorb: `pow(sNaN, 0)` and `hypot(sNaN, inf)` are NaN there, so in NumPy too.
#[inline(always)]
pub(super) fn is_signaling(x: f64) -> bool {
    x.is_nan() && x.to_bits() & (1 << 51) == 0
}

/// [`is_signaling`] for `f32`, whose conversion to `f64` would quiet it.
#[inline(always)]
pub(super) fn is_signaling_f32(x: f32) -> bool {
    x.is_nan() && x.to_bits() & (1 << 22) == 0
}

/// `sqrt(h + l)` as a double-double `(hi, lo)`, for `h >= 0` and `|l| <= ulp(h)`.
/// Gives `NaN` in `lo` when `h == 0`; callers select that case away.
#[inline(always)]
pub(super) fn sqrt_dd<const F: bool>(h: f64, l: f64) -> (f64, f64) {
    let r = h.sqrt();
    let (p, pe) = two_prod::<F>(r, r);
    (r, ((h - p) - pe + l) / (r + r))
}
