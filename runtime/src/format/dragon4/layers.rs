//! NumPy's `FormatPositional` and `FormatScientific` layers over [`super::dragon4`]: sign,
//! inf/nan, padding, trimming and the exponent, step by step as in `dragon4.c`.

use super::{dragon4, Decoded, Options, Trim, BUFFER_SIZE};

/// NumPy's `PrintInfNan`: `inf` with its sign, or `nan` (never signed).
fn inf_nan(d: &Decoded, sign: bool) -> Option<String> {
    match *d {
        Decoded::Inf { negative } => Some(format!("{}inf", sign_str(negative, sign))),
        Decoded::Nan => Some("nan".to_string()),
        Decoded::Finite { .. } => None,
    }
}

fn sign_str(negative: bool, sign: bool) -> &'static str {
    if negative {
        "-"
    } else if sign {
        "+"
    } else {
        ""
    }
}

/// Positional notation (`np.format_float_positional` / NumPy's `FormatPositional`).
pub(crate) fn positional(d: &Decoded, o: &Options) -> String {
    if let Some(s) = inf_nan(d, o.sign) {
        return s;
    }
    let Decoded::Finite { negative, .. } = *d else {
        unreachable!()
    };
    let mut buf: Vec<u8> = sign_str(negative, o.sign).as_bytes().to_vec();
    let has_sign = buf.len() as i32;
    let (digits, print_exponent) = dragon4(
        d,
        o.unique,
        o.fractional,
        o.precision,
        o.min_digits,
        BUFFER_SIZE - 1 - has_sign,
    );
    let num_digits = digits.len() as i32;
    let num_whole_digits;
    let mut num_fraction_digits = 0;
    if print_exponent >= 0 {
        num_whole_digits = print_exponent + 1;
        if num_digits <= num_whole_digits {
            buf.extend_from_slice(&digits);
            buf.extend(std::iter::repeat_n(
                b'0',
                (num_whole_digits - num_digits) as usize,
            ));
        } else {
            num_fraction_digits = num_digits - num_whole_digits;
            buf.extend_from_slice(&digits[..num_whole_digits as usize]);
            buf.push(b'.');
            buf.extend_from_slice(&digits[num_whole_digits as usize..]);
        }
    } else {
        let num_fraction_zeros = -(print_exponent + 1);
        buf.extend_from_slice(b"0.");
        buf.extend(std::iter::repeat_n(b'0', num_fraction_zeros as usize));
        buf.extend_from_slice(&digits);
        num_fraction_digits = num_digits + num_fraction_zeros;
        num_whole_digits = 1;
    }

    if o.trim != Trim::DptZeros && num_fraction_digits == 0 {
        buf.push(b'.');
    }
    let add_digits = if o.unique { o.min_digits } else { o.precision };
    let desired_fraction_digits = if o.fractional {
        add_digits.max(0)
    } else {
        add_digits - num_whole_digits
    };
    if o.trim == Trim::LeaveOneZero {
        if num_fraction_digits == 0 {
            buf.push(b'0');
            num_fraction_digits += 1;
        }
    } else if o.trim == Trim::Keep && desired_fraction_digits > num_fraction_digits {
        let count = desired_fraction_digits - num_fraction_digits;
        buf.extend(std::iter::repeat_n(b'0', count as usize));
        num_fraction_digits += count;
    }

    if o.trim != Trim::Keep && num_fraction_digits > 0 {
        while buf.last() == Some(&b'0') {
            buf.pop();
            num_fraction_digits -= 1;
        }
        if buf.last() == Some(&b'.') {
            if o.trim == Trim::LeaveOneZero {
                buf.push(b'0');
                num_fraction_digits += 1;
            } else if o.trim == Trim::DptZeros {
                buf.pop();
            }
        }
    }

    if o.pad_right >= num_fraction_digits {
        if o.trim == Trim::DptZeros && num_fraction_digits == 0 {
            buf.push(b' ');
        }
        let count = o.pad_right - num_fraction_digits;
        buf.extend(std::iter::repeat_n(b' ', count as usize));
    }
    let mut s = String::new();
    if o.pad_left > num_whole_digits + has_sign {
        s.extend(std::iter::repeat_n(
            ' ',
            (o.pad_left - num_whole_digits - has_sign) as usize,
        ));
    }
    s.push_str(std::str::from_utf8(&buf).expect("ASCII"));
    s
}

/// Scientific notation (`np.format_float_scientific` / NumPy's `FormatScientific`).
pub(crate) fn scientific(d: &Decoded, o: &Options) -> String {
    if let Some(s) = inf_nan(d, o.sign) {
        return s;
    }
    let Decoded::Finite { negative, .. } = *d else {
        unreachable!()
    };
    let sign = sign_str(negative, o.sign);
    let mut buf: Vec<u8> = Vec::new();
    let left_chars = 1 + sign.len() as i32;
    if o.pad_left > left_chars {
        buf.extend(std::iter::repeat_n(
            b' ',
            (o.pad_left - left_chars) as usize,
        ));
    }
    buf.extend_from_slice(sign.as_bytes());
    let (digits, mut print_exponent) = dragon4(
        d,
        o.unique,
        false,
        if o.precision < 0 { -1 } else { o.precision + 1 },
        if o.min_digits < 0 {
            -1
        } else {
            o.min_digits + 1
        },
        BUFFER_SIZE - buf.len() as i32,
    );
    buf.push(digits[0]);
    let mut num_fraction_digits = digits.len() as i32 - 1;
    if num_fraction_digits > 0 {
        buf.push(b'.');
        buf.extend_from_slice(&digits[1..]);
    }
    if o.trim != Trim::DptZeros && num_fraction_digits == 0 {
        buf.push(b'.');
    }
    let add_digits = (if o.unique { o.min_digits } else { o.precision }).max(0);
    if o.trim == Trim::LeaveOneZero {
        if num_fraction_digits == 0 {
            buf.push(b'0');
            num_fraction_digits += 1;
        }
    } else if o.trim == Trim::Keep && add_digits > num_fraction_digits {
        buf.extend(std::iter::repeat_n(
            b'0',
            (add_digits - num_fraction_digits) as usize,
        ));
        num_fraction_digits = add_digits;
    }
    if o.trim != Trim::Keep && num_fraction_digits > 0 {
        while buf.last() == Some(&b'0') {
            buf.pop();
        }
        if o.trim == Trim::LeaveOneZero && buf.last() == Some(&b'.') {
            buf.push(b'0');
        }
    }

    let exp_digits = match o.exp_digits {
        e if e < 0 => 2,
        e => e.min(5) as usize,
    };
    buf.push(b'e');
    if print_exponent >= 0 {
        buf.push(b'+');
    } else {
        buf.push(b'-');
        print_exponent = -print_exponent;
    }
    let s = std::str::from_utf8(&buf).expect("ASCII");
    format!("{s}{print_exponent:0exp_digits$}")
}
