//! Float and complex element formatting: NumPy's `FloatingFormat` and `ComplexFloatingFormat`
//! (from `numpy/_core/arrayprint.py`) with the default print options (precision 8,
//! `floatmode='maxprec'`, `suppress=False`, `sign='-'`), and the `str()` of float and complex
//! scalars (from `scalartypes.c.src`), which 0-d arrays print as.

use super::dragon4::{self, Decoded, Options, Trim};
use half::f16;
use num_complex::Complex;

/// `precision` of NumPy's default print options.
const PRECISION: i32 = 8;

/// A float dtype that can be printed: its bit layout and the dtype-dependent thresholds.
pub(crate) trait Float: Copy {
    /// The value taken apart for Dragon4.
    fn decode(self) -> Decoded;
    /// The value as f64 (exact).
    fn to_f64(self) -> f64;
    /// `x` rounded to this type, as f64: how NumPy compares an array value with a Python float.
    fn round(x: f64) -> f64;
    /// `max / min` computed in this type (NumPy divides the scalars in their own dtype).
    fn ratio(max: f64, min: f64) -> f64;
    /// `10 ** min(8, finfo.precision)`: the magnitude from which arrays switch to scientific.
    const EXP_CUTOFF_MAX: f64;
    /// The magnitude from which scalars print in scientific notation.
    const MAX_POSITIONAL: f64;
}

impl Float for f64 {
    fn decode(self) -> Decoded {
        Decoded::from_bits(self.to_bits(), 11, 52)
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn round(x: f64) -> f64 {
        x
    }
    fn ratio(max: f64, min: f64) -> f64 {
        max / min
    }
    const EXP_CUTOFF_MAX: f64 = 1e8;
    const MAX_POSITIONAL: f64 = 1e16;
}

impl Float for f32 {
    fn decode(self) -> Decoded {
        Decoded::from_bits(self.to_bits() as u64, 8, 23)
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn round(x: f64) -> f64 {
        x as f32 as f64
    }
    fn ratio(max: f64, min: f64) -> f64 {
        (max as f32 / min as f32) as f64
    }
    const EXP_CUTOFF_MAX: f64 = 1e6;
    const MAX_POSITIONAL: f64 = 1e6;
}

impl Float for f16 {
    fn decode(self) -> Decoded {
        Decoded::from_bits(self.to_bits() as u64, 5, 10)
    }
    fn to_f64(self) -> f64 {
        f16::to_f64(self)
    }
    fn round(x: f64) -> f64 {
        f16::from_f64(x).to_f64()
    }
    fn ratio(max: f64, min: f64) -> f64 {
        // npy_half_divide: divide as float32, round to half.
        f16::from_f32(max as f32 / min as f32).to_f64()
    }
    const EXP_CUTOFF_MAX: f64 = 1e3;
    const MAX_POSITIONAL: f64 = 1e3;
}

/// NumPy's `FloatingFormat`: a formatter fitted to the values of one array, so that all of
/// its elements get a common width and number of fractional digits.
#[derive(Clone, Debug)]
pub(crate) struct FloatFormat {
    exp_format: bool,
    precision: i32,
    min_digits: i32,
    trim: Trim,
    /// `sign='+'` (used for imaginary parts) instead of the default `'-'`.
    sign: bool,
    pad_left: i32,
    pad_right: i32,
    exp_size: i32,
}

/// Splits at the first `c`, like Python's `str.partition` (the rest is empty if absent).
fn split_at_char(s: &str, c: char) -> (&str, &str) {
    match s.find(c) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

impl FloatFormat {
    /// `FloatingFormat(data, precision=8, floatmode='maxprec', suppress_small=False, sign)`.
    pub(crate) fn new<T: Float>(data: &[T], sign: bool) -> FloatFormat {
        let mut f = FloatFormat {
            exp_format: false,
            precision: PRECISION,
            min_digits: -1,
            trim: Trim::Zeros,
            sign,
            pad_left: 0,
            pad_right: 0,
            exp_size: -1,
        };
        let finite: Vec<T> = data
            .iter()
            .copied()
            .filter(|x| x.to_f64().is_finite())
            .collect();

        // Scientific notation is chosen from the non-zero finite magnitudes, compared in the
        // array's dtype.
        let abs_non_zero = finite
            .iter()
            .map(|x| x.to_f64().abs())
            .filter(|&x| x != 0.0);
        let (mut max_val, mut min_val) = (f64::NAN, f64::NAN);
        for x in abs_non_zero {
            max_val = if max_val.is_nan() { x } else { max_val.max(x) };
            min_val = if min_val.is_nan() { x } else { min_val.min(x) };
        }
        if !max_val.is_nan() {
            f.exp_format = max_val >= T::round(T::EXP_CUTOFF_MAX)
                || min_val < T::round(1e-4)
                || T::ratio(max_val, min_val) > 1000.0;
        }

        if finite.is_empty() {
            f.pad_left = 0;
            f.pad_right = 0;
            f.trim = Trim::Zeros;
            f.exp_size = -1;
            f.min_digits = -1;
        } else if f.exp_format {
            let opts = Options {
                precision: PRECISION,
                trim: Trim::Zeros,
                sign,
                ..Options::default()
            };
            let (mut int_len, mut frac_len, mut exp_len) = (0, 0, 0);
            for x in &finite {
                let s = dragon4::scientific(&x.decode(), &opts);
                let (mantissa, exp) = split_at_char(&s, 'e');
                let (int_part, frac_part) = split_at_char(mantissa, '.');
                int_len = int_len.max(int_part.len() as i32);
                frac_len = frac_len.max(frac_part.len() as i32);
                exp_len = exp_len.max(exp.len() as i32);
            }
            f.exp_size = exp_len - 1;
            f.trim = Trim::Keep;
            f.precision = frac_len;
            f.min_digits = frac_len;
            f.pad_left = int_len;
            f.pad_right = f.exp_size + 2 + f.precision;
        } else {
            let opts = Options {
                precision: PRECISION,
                fractional: true,
                trim: Trim::Zeros,
                sign,
                ..Options::default()
            };
            let (mut int_len, mut frac_len) = (0, 0);
            for x in &finite {
                let s = dragon4::positional(&x.decode(), &opts);
                let (int_part, frac_part) = split_at_char(&s, '.');
                int_len = int_len.max(int_part.len() as i32);
                frac_len = frac_len.max(frac_part.len() as i32);
            }
            f.pad_left = int_len;
            f.pad_right = frac_len;
            f.exp_size = -1;
            f.trim = Trim::Zeros;
            f.min_digits = 0;
        }

        if finite.len() != data.len() {
            let neg_inf = sign
                || data
                    .iter()
                    .any(|x| x.to_f64().is_infinite() && x.to_f64() < 0.0);
            let offset = f.pad_right + 1;
            f.pad_left = f.pad_left.max(3 - offset).max(3 + neg_inf as i32 - offset);
        }
        f
    }

    /// Formats one element (`FloatingFormat.__call__`).
    pub(crate) fn format<T: Float>(&self, x: T) -> String {
        let v = x.to_f64();
        if !v.is_finite() {
            let ret = if v.is_nan() {
                format!("{}nan", if self.sign { "+" } else { "" })
            } else {
                let s = if v < 0.0 {
                    "-"
                } else if self.sign {
                    "+"
                } else {
                    ""
                };
                format!("{s}inf")
            };
            let width = (self.pad_left + self.pad_right + 1).max(0) as usize;
            return format!("{ret:>width$}");
        }
        let opts = Options {
            precision: self.precision,
            min_digits: self.min_digits,
            trim: self.trim,
            sign: self.sign,
            pad_left: self.pad_left,
            ..Options::default()
        };
        if self.exp_format {
            dragon4::scientific(
                &x.decode(),
                &Options {
                    exp_digits: self.exp_size,
                    ..opts
                },
            )
        } else {
            dragon4::positional(
                &x.decode(),
                &Options {
                    fractional: true,
                    pad_right: self.pad_right,
                    ..opts
                },
            )
        }
    }
}

/// NumPy's `ComplexFloatingFormat`: the real parts formatted together, and the imaginary parts
/// together with a forced sign, then `j`.
#[derive(Clone, Debug)]
pub(crate) struct ComplexFormat {
    real: FloatFormat,
    imag: FloatFormat,
}

impl ComplexFormat {
    /// Fits the formatter to `data`.
    pub(crate) fn new<T: Float>(data: &[Complex<T>]) -> ComplexFormat {
        let re: Vec<T> = data.iter().map(|c| c.re).collect();
        let im: Vec<T> = data.iter().map(|c| c.im).collect();
        ComplexFormat {
            real: FloatFormat::new(&re, false),
            imag: FloatFormat::new(&im, true),
        }
    }

    /// Formats one element: the `j` goes before the imaginary part's right padding.
    pub(crate) fn format<T: Float>(&self, x: Complex<T>) -> String {
        let r = self.real.format(x.re);
        let i = self.imag.format(x.im);
        let sp = i.trim_end().len();
        format!("{r}{}j{}", &i[..sp], &i[sp..])
    }
}

/// `str()` of a float scalar with NumPy's choice between positional and scientific notation
/// (`<type>type_str_either` in `scalartypes.c.src`).
fn either<T: Float>(x: T, trim_pos: Trim, trim_sci: Trim, sign: bool) -> String {
    let v = x.to_f64();
    let abs = v.abs();
    let positional = v.is_nan() || v == 0.0 || (abs < T::MAX_POSITIONAL && abs >= 1e-4);
    let opts = Options {
        sign,
        ..Options::default()
    };
    if positional {
        dragon4::positional(
            &x.decode(),
            &Options {
                trim: trim_pos,
                ..opts
            },
        )
    } else {
        dragon4::scientific(
            &x.decode(),
            &Options {
                trim: trim_sci,
                ..opts
            },
        )
    }
}

/// `str(np.float64(x))` (and float16/float32): e.g. `2.5`, `2.0`, `1e+16`, `nan`.
pub(crate) fn float_scalar_str<T: Float>(x: T) -> String {
    either(x, Trim::LeaveOneZero, Trim::DptZeros, false)
}

/// `str(np.complex128(z))` (and complex64): e.g. `(1+2j)`, `2j`, `(nan+infj)`.
pub(crate) fn complex_scalar_str<T: Float>(z: Complex<T>) -> String {
    let (re, im) = (z.re.to_f64(), z.im.to_f64());
    let trim = Trim::DptZeros;
    if re == 0.0 && re.is_sign_positive() {
        return format!("{}j", either(z.im, trim, trim, false));
    }
    let rstr = if re.is_finite() {
        either(z.re, trim, trim, false)
    } else if re.is_nan() {
        "nan".to_string()
    } else if re > 0.0 {
        "inf".to_string()
    } else {
        "-inf".to_string()
    };
    let istr = if im.is_finite() {
        either(z.im, trim, trim, true)
    } else if im.is_nan() {
        "+nan".to_string()
    } else if im > 0.0 {
        "+inf".to_string()
    } else {
        "-inf".to_string()
    };
    format!("({rstr}{istr}j)")
}
