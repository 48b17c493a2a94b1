//! Constants and polynomial coefficients of the vmath kernels.
//!
//! Split constants (`_HI` + `_LO`) carry about 100 bits: `LN2_HI` and `LOG10_2_HI` are rounded
//! to 42 bits so that `k * LN2_HI` is exact for `|k| < 2^11`. The coefficient tables were fitted
//! for this crate (Chebyshev near-minimax fits in 200-bit arithmetic, rounded to `f64`); the
//! comment on each table gives the function, the interval and the fitted error.

pub(super) use std::f64::consts::{FRAC_2_PI as INV_PIO2, LOG2_E};
pub(super) const LN2_HI: f64 = 0.6931471805598903;
pub(super) const LN2_LO: f64 = 5.497923018708371e-14;
pub(super) const INV_LN2_HI: f64 = std::f64::consts::LOG2_E;
pub(super) const INV_LN2_LO: f64 = 2.0355273740931033e-17;
pub(super) const INV_LN10_HI: f64 = std::f64::consts::LOG10_E;
pub(super) const INV_LN10_LO: f64 = 1.098319650216765e-17;
pub(super) const LOG10_2_HI: f64 = 0.30102999566395283;
pub(super) const LOG10_2_LO: f64 = 2.8363394551044964e-14;
pub(super) const PI_HI: f64 = std::f64::consts::PI;
pub(super) const PI_LO: f64 = 1.2246467991473532e-16;
pub(super) const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
pub(super) const PIO2_LO: f64 = 6.123233995736766e-17;
pub(super) const PIO4_HI: f64 = std::f64::consts::FRAC_PI_4;
pub(super) const PIO4_LO: f64 = 3.061616997868383e-17;
pub(super) const ATAN_HALF_HI: f64 = 0.4636476090008061;
pub(super) const ATAN_HALF_LO: f64 = 2.2698777452961687e-17;
pub(super) const ATAN_3_2_HI: f64 = 0.982793723247329;
pub(super) const ATAN_3_2_LO: f64 = 1.3903311031230998e-17;
pub(super) const TWO_THIRDS_HI: f64 = 0.6666666666666666;
pub(super) const TWO_THIRDS_LO: f64 = 3.700743415417188e-17;
/// π/2 as an unevaluated sum of three doubles (159 bits).
pub(super) const PIO2_1: f64 = std::f64::consts::FRAC_PI_2;
pub(super) const PIO2_2: f64 = 6.123233995736766e-17;
pub(super) const PIO2_3: f64 = -1.4973849048591698e-33;

/// `(e^r - 1 - r) / r^2` on `[-0.3466, 0.3466]`, error 2^-58.4.
pub(super) const EXP_Q: [f64; 11] = [
    0.5,
    0.1666666666666667,
    0.04166666666666667,
    0.008333333333326136,
    0.001388888888888375,
    0.00019841269874815834,
    2.480158732554432e-05,
    2.7557255406285044e-06,
    2.7557273647451087e-07,
    2.5105214474751413e-08,
    2.0914685161418067e-09,
];
/// `T2(z)` with `2 atanh(s) = 2s + s z (2/3 + z T2(z))`, `z = s^2` on `[0, 0.0295]`,
/// error 2^-55 (enters the result scaled by `z^2 < 2^-10`).
pub(super) const LOG_T2: [f64; 8] = [
    0.4,
    0.2857142857142938,
    0.2222222222164882,
    0.1818181833699257,
    0.15384594791762352,
    0.13334813971292003,
    0.11705988156500907,
    0.11725771221811145,
];
/// `(sin r - r) / r^3` in `z = r^2` on `[0, (pi/4 + 0.001)^2]`, error 2^-56.6.
pub(super) const SIN_S: [f64; 7] = [
    -0.16666666666666666,
    0.008333333333333331,
    -0.00019841269841265003,
    2.7557319219291695e-06,
    -2.5052106215978872e-08,
    1.6058529011960858e-10,
    -7.586543634101903e-13,
];
/// `(cos r - 1 + z/2) / z^2` in `z = r^2` on `[0, (pi/4 + 0.001)^2]`, error 2^-58.6.
pub(super) const COS_C: [f64; 6] = [
    0.041666666666666664,
    -0.0013888888888887378,
    2.4801587298736863e-05,
    -2.755731725679604e-07,
    2.087614315990944e-09,
    -1.1382408754153254e-11,
];
/// `(t - atan t) / t^3` in `z = t^2` on `[0, (7/16)^2]`, error 2^-55.6.
pub(super) const ATAN_A: [f64; 12] = [
    0.3333333333333333,
    -0.1999999999999941,
    0.14285714285566806,
    -0.11111111096645038,
    0.09090908355602592,
    -0.07692285554889286,
    0.06666241923359964,
    -0.05876946456755061,
    0.05216679739313656,
    -0.04492259293193656,
    0.033128134256069586,
    -0.014773184616983806,
];
/// `(asin(t)/t - 1) / z` in `z = t^2` on `[0, 1/4]`, error 2^-56.6.
pub(super) const ASIN_U: [f64; 15] = [
    0.16666666666666666,
    0.07499999999999991,
    0.0446428571428834,
    0.030381944441363808,
    0.02237215927967998,
    0.017352757477819787,
    0.013965009932053607,
    0.011549086612987425,
    0.009792751320201996,
    0.008135829925501657,
    0.00879500607648843,
    0.000380853033290726,
    0.022553563638202982,
    -0.024020544918554605,
    0.030718768995191097,
];
/// `(sinh t - t) / t^3` in `z = t^2` on `[0, 1]`, error 2^-56.6.
pub(super) const SINH_V: [f64; 8] = [
    0.16666666666666666,
    0.008333333333333333,
    0.00019841269841269773,
    2.755731922404034e-06,
    2.505210836405804e-08,
    1.6059048396350562e-10,
    7.646625361656657e-13,
    2.8445264169895285e-15,
];
