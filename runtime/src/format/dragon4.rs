//! NumPy's float-to-decimal conversion: a port of its Dragon4 routine (`dragon4.c`, Ryan
//! Juckett's implementation with NumPy's changes) and of the `FormatPositional` /
//! `FormatScientific` layers on top of it.
//!
//! Every NumPy float string comes from here, so the digits, the rounding (IEEE unbiased, on the
//! exact binary value), the trimming and the padding follow the C code step by step. Only the
//! arithmetic differs: a small exact [`BigInt`] replaces NumPy's fixed-size one, and the output
//! buffer is unbounded (NumPy's 16 KiB buffer never truncates these formats anyway).

use super::bigint::BigInt;
use std::cmp::Ordering;

mod layers;
pub(crate) use layers::{positional, scientific};

/// An IEEE float taken apart for Dragon4: `mantissa * 2^exponent`, or a special value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// A finite value (zero included).
    Finite {
        /// The sign bit.
        negative: bool,
        /// The integer significand (with the implicit bit for normal numbers).
        mantissa: u64,
        /// The power of two it is multiplied by.
        exponent: i32,
        /// Index of the highest set bit of `mantissa`.
        mantissa_bit: u32,
        /// Whether the gap to the next float above is twice the gap below (powers of two).
        unequal_margins: bool,
    },
    /// An infinity.
    Inf {
        /// The sign bit.
        negative: bool,
    },
    /// A NaN (printed without sign).
    Nan,
}

impl Decoded {
    /// Decodes an IEEE binary float from its bits, given the widths of its fields.
    pub(crate) fn from_bits(bits: u64, exp_bits: u32, mant_bits: u32) -> Decoded {
        let mant_mask = (1u64 << mant_bits) - 1;
        let exp_mask = (1u64 << exp_bits) - 1;
        let float_mantissa = bits & mant_mask;
        let float_exponent = (bits >> mant_bits) & exp_mask;
        let negative = (bits >> (mant_bits + exp_bits)) & 1 == 1;
        if float_exponent == exp_mask {
            return if float_mantissa == 0 {
                Decoded::Inf { negative }
            } else {
                Decoded::Nan
            };
        }
        let bias = (1i32 << (exp_bits - 1)) - 1;
        if float_exponent != 0 {
            Decoded::Finite {
                negative,
                mantissa: (1u64 << mant_bits) | float_mantissa,
                exponent: float_exponent as i32 - bias - mant_bits as i32,
                mantissa_bit: mant_bits,
                unequal_margins: float_exponent != 1 && float_mantissa == 0,
            }
        } else {
            Decoded::Finite {
                negative,
                mantissa: float_mantissa,
                exponent: 1 - bias - mant_bits as i32,
                mantissa_bit: float_mantissa.checked_ilog2().unwrap_or(0),
                unequal_margins: false,
            }
        }
    }
}

/// How trailing zeros and the decimal point are trimmed (`trim=` of `format_float_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trim {
    /// `'k'`: keep trailing zeros and the decimal point.
    Keep,
    /// `'.'`: trim trailing zeros, keep the decimal point.
    Zeros,
    /// `'0'`: trim trailing zeros but keep one zero after the point.
    LeaveOneZero,
    /// `'-'`: trim trailing zeros and the decimal point.
    DptZeros,
}

/// Dragon4 options (NumPy's `Dragon4_Options`); `-1` means "not given" for the integer fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Shortest round-tripping digits (`unique=True`) instead of exact digits.
    pub unique: bool,
    /// Positional only: `precision`/`min_digits` count digits after the point (`fractional=True`)
    /// rather than significant digits.
    pub fractional: bool,
    /// Maximum number of digits (see `fractional`), or -1.
    pub precision: i32,
    /// Minimum number of digits (unique mode only), or -1.
    pub min_digits: i32,
    /// Print `+` for non-negative values.
    pub sign: bool,
    /// Trimming of trailing zeros.
    pub trim: Trim,
    /// Pad with spaces until this many characters precede the decimal point, or -1.
    pub pad_left: i32,
    /// Positional only: pad with spaces until this many characters follow the point, or -1.
    pub pad_right: i32,
    /// Scientific only: minimum number of exponent digits, or -1 (meaning 2).
    pub exp_digits: i32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            unique: true,
            fractional: false,
            precision: -1,
            min_digits: -1,
            sign: false,
            trim: Trim::Keep,
            pad_left: -1,
            pad_right: -1,
            exp_digits: -1,
        }
    }
}

/// Size of NumPy's output buffer; it bounds the digit count when there is no cutoff.
const BUFFER_SIZE: i32 = 16384;

/// The Dragon4 digit generator: the decimal digits of a finite value and the base-10 exponent
/// of the first digit.
///
/// `cutoff_max`/`cutoff_min` are the maximum/minimum digit counts (-1: none), counted after the
/// decimal point if `fractional`, else as significant digits.
fn dragon4(
    d: &Decoded,
    unique: bool,
    fractional: bool,
    cutoff_max: i32,
    cutoff_min: i32,
    buffer_size: i32,
) -> (Vec<u8>, i32) {
    let Decoded::Finite {
        mantissa,
        exponent,
        mantissa_bit,
        unequal_margins,
        ..
    } = *d
    else {
        unreachable!("dragon4 takes finite values")
    };
    let mantissa = BigInt::from_u64(mantissa);
    if mantissa.is_zero() {
        return (vec![b'0'], 0);
    }
    let is_even = mantissa.is_even();

    // value = scaled_value / scale; margin_low/high are half the gaps to the neighbours.
    let mut scaled_value = mantissa;
    let mut scale;
    let mut margin_low;
    match (unequal_margins, exponent > 0) {
        (true, true) => {
            scaled_value.shl(exponent as u32 + 2);
            scale = BigInt::from_u64(4);
            margin_low = BigInt::pow2(exponent as u32);
        }
        (true, false) => {
            scaled_value.shl(2);
            scale = BigInt::pow2((-exponent + 2) as u32);
            margin_low = BigInt::from_u64(1);
        }
        (false, true) => {
            scaled_value.shl(exponent as u32 + 1);
            scale = BigInt::from_u64(2);
            margin_low = BigInt::pow2(exponent as u32);
        }
        (false, false) => {
            scaled_value.shl(1);
            scale = BigInt::pow2((-exponent + 1) as u32);
            margin_low = BigInt::from_u64(1);
        }
    }
    let margin_high = |low: &BigInt| {
        if unequal_margins {
            let mut h = low.clone();
            h.shl(1);
            h
        } else {
            low.clone()
        }
    };

    // Estimate of floor(log10(value)) + 1: exact or one too small.
    let mut digit_exponent =
        ((mantissa_bit as i32 + exponent) as f64 * std::f64::consts::LOG10_2 - 0.69).ceil() as i32;
    if cutoff_max >= 0 && fractional && digit_exponent <= -cutoff_max {
        digit_exponent = -cutoff_max + 1;
    }
    match digit_exponent.cmp(&0) {
        Ordering::Greater => scale.mul_pow10(digit_exponent as u32),
        Ordering::Less => {
            let p = BigInt::pow10((-digit_exponent) as u32);
            scaled_value = scaled_value.mul(&p);
            margin_low = margin_low.mul(&p);
        }
        Ordering::Equal => {}
    }
    if scaled_value.compare(&scale) != Ordering::Less {
        digit_exponent += 1;
    } else {
        scaled_value.mul_small(10);
        margin_low.mul_small(10);
    }

    let mut cutoff_max_exponent = digit_exponent - buffer_size;
    if cutoff_max >= 0 {
        let desired = if fractional {
            -cutoff_max
        } else {
            digit_exponent - cutoff_max
        };
        cutoff_max_exponent = cutoff_max_exponent.max(desired);
    }
    let mut cutoff_min_exponent = digit_exponent;
    if cutoff_min >= 0 {
        let desired = if fractional {
            -cutoff_min
        } else {
            digit_exponent - cutoff_min
        };
        cutoff_min_exponent = cutoff_min_exponent.min(desired);
    }
    let mut out_exponent = digit_exponent - 1;

    let mut digits = Vec::new();
    let (mut low, mut high) = (false, false);
    let mut output_digit;
    if unique {
        loop {
            digit_exponent -= 1;
            output_digit = scaled_value.div_rem_digit(&scale);
            let value_high = scaled_value.add(&margin_high(&margin_low));
            let c = scaled_value.compare(&margin_low);
            low = if is_even {
                c != Ordering::Greater
            } else {
                c == Ordering::Less
            };
            let c = value_high.compare(&scale);
            high = if is_even {
                c != Ordering::Less
            } else {
                c == Ordering::Greater
            };
            if ((low || high) && digit_exponent <= cutoff_min_exponent)
                || digit_exponent == cutoff_max_exponent
            {
                break;
            }
            digits.push(b'0' + output_digit);
            scaled_value.mul_small(10);
            margin_low.mul_small(10);
        }
    } else {
        loop {
            digit_exponent -= 1;
            output_digit = scaled_value.div_rem_digit(&scale);
            if scaled_value.is_zero() || digit_exponent == cutoff_max_exponent {
                break;
            }
            digits.push(b'0' + output_digit);
            scaled_value.mul_small(10);
        }
    }

    // Round the last digit: down if only the low neighbour is close, up if only the high one
    // is, else to nearest with ties to even.
    let mut round_down = low;
    if low == high {
        scaled_value.shl(1);
        round_down = match scaled_value.compare(&scale) {
            Ordering::Less => true,
            Ordering::Equal => output_digit & 1 == 0,
            Ordering::Greater => false,
        };
    }
    if round_down {
        digits.push(b'0' + output_digit);
    } else if output_digit == 9 {
        loop {
            match digits.pop() {
                None => {
                    digits.push(b'1');
                    out_exponent += 1;
                    break;
                }
                Some(b'9') => {}
                Some(c) => {
                    digits.push(c + 1);
                    break;
                }
            }
        }
    } else {
        digits.push(b'0' + output_digit + 1);
    }
    (digits, out_exponent)
}
