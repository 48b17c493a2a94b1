//! NumPy-style printing of arrays: `Display` is NumPy's `str(a)` and [`repr`] is `repr(a)`,
//! both with NumPy's default print options (`precision=8`, `floatmode='maxprec'`,
//! `threshold=1000`, `edgeitems=3`, `linewidth=75`).
//!
//! The layout follows `numpy/_core/arrayprint.py` (`array2string`, `_formatArray`,
//! `array_repr`), the element formatters its `BoolFormat`, `IntegerFormat`, `FloatingFormat`
//! and `ComplexFloatingFormat` (submodule `float`), and the float digits come from a port of
//! NumPy's Dragon4 (submodule `dragon4`).
//!
//! ```
//! use numfuse_runtime::{format::repr, NdArray};
//! let a = NdArray::from_vec([2, 2], vec![1.0f64, 2.5, -3.0, 4.0]).unwrap();
//! assert_eq!(a.to_string(), "[[ 1.   2.5]\n [-3.   4. ]]");
//! assert_eq!(repr(&a), "array([[ 1. ,  2.5],\n       [-3. ,  4. ]])");
//! ```

mod bigint;
mod dragon4;
mod float;

use crate::ndarray::NdArray;
use crate::value::Value;
use float::{complex_scalar_str, float_scalar_str, ComplexFormat, FloatFormat};
use num_complex::Complex;
use numfuse_ir::DType;
use std::fmt;

/// Arrays with more elements than this are summarised (`threshold`).
const THRESHOLD: usize = 1000;
/// Items kept at each end of a summarised axis (`edgeitems`).
const EDGE_ITEMS: usize = 3;
/// Maximum line width (`linewidth`).
const LINE_WIDTH: usize = 75;

impl fmt::Display for NdArray {
    /// NumPy's `str(a)`; a 0-d array prints as its scalar (`str(np.float64(2.5))`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ndim() == 0 {
            return f.write_str(&scalar_str(self.values()[0]));
        }
        f.write_str(&array2string(self, " ", "", LINE_WIDTH))
    }
}

/// NumPy's `repr(a)`: `array([1., 2.])`, with `shape=` and `dtype=` added when NumPy adds them
/// (`array([], shape=(2, 0), dtype=float64)`, `array([1, 2], dtype=int32)`).
pub fn repr(a: &NdArray) -> String {
    let prefix = "array(";
    let lst = array2string(a, ", ", prefix, LINE_WIDTH - ")".len());

    let mut extras = Vec::new();
    if (a.size() == 0 && a.shape().dims() != [0]) || a.size() > THRESHOLD {
        extras.push(format!("shape={}", python_tuple(a.shape())));
    }
    let implied = matches!(
        a.dtype(),
        DType::Float64 | DType::Int64 | DType::Bool | DType::Complex128
    );
    if !implied || a.size() == 0 {
        extras.push(format!("dtype={}", a.dtype().name()));
    }
    if extras.is_empty() {
        return format!("{prefix}{lst})");
    }

    let arr_str = format!("{prefix}{lst},");
    let extra_str = format!("{})", extras.join(", "));
    let last_line_len = arr_str.len() - arr_str.rfind('\n').map_or(0, |i| i + 1);
    let spacer = if last_line_len + extra_str.len() + 1 > LINE_WIDTH {
        format!("\n{}", " ".repeat(prefix.len()))
    } else {
        " ".to_string()
    };
    format!("{arr_str}{spacer}{extra_str}")
}

/// A shape as Python prints a tuple: `(3,)`, `(2, 0)`.
fn python_tuple(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", dims.join(", "))
        }
    }
}

/// `str()` of a NumPy scalar: `True`, `3`, `2.5`, `1e+16`, `(1+2j)`.
fn scalar_str(v: Value) -> String {
    match v {
        Value::Bool(b) => if b { "True" } else { "False" }.to_string(),
        Value::I8(x) => x.to_string(),
        Value::U8(x) => x.to_string(),
        Value::I16(x) => x.to_string(),
        Value::U16(x) => x.to_string(),
        Value::I32(x) => x.to_string(),
        Value::U32(x) => x.to_string(),
        Value::I64(x) => x.to_string(),
        Value::U64(x) => x.to_string(),
        Value::F16(x) => float_scalar_str(x),
        Value::F32(x) => float_scalar_str(x),
        Value::F64(x) => float_scalar_str(x),
        Value::C64(z) => complex_scalar_str(z),
        Value::C128(z) => complex_scalar_str(z),
    }
}

/// NumPy's `array2string(a, separator=sep, prefix=prefix)` with `linewidth` already reduced by
/// the suffix length.
fn array2string(a: &NdArray, separator: &str, prefix: &str, line_width: usize) -> String {
    if a.size() == 0 {
        return "[]".to_string();
    }
    let data = Corners::of(a);
    let words = format_elements(&data.values, a.dtype(), a.ndim() == 0);
    let next_line_prefix = " ".repeat(1 + prefix.len());
    let layout = Layout {
        shape: &data.shape,
        summarised: &data.summarised,
        words: &words,
        separator,
    };
    let mut index = Vec::with_capacity(a.ndim());
    layout.recurse(&mut index, 0, &next_line_prefix, line_width as isize)
}

/// The elements that get printed: all of them, or for arrays above the threshold only the
/// leading and trailing `EDGE_ITEMS` along each long axis (NumPy's `_leading_trailing`).
struct Corners {
    /// Shape of the kept block.
    shape: Vec<usize>,
    /// Per axis, whether `...` goes between the leading and the trailing items.
    summarised: Vec<bool>,
    /// The kept elements in C order.
    values: Vec<Value>,
}

impl Corners {
    fn of(a: &NdArray) -> Corners {
        let dims: &[usize] = a.shape();
        if a.size() <= THRESHOLD {
            return Corners {
                shape: dims.to_vec(),
                summarised: vec![false; dims.len()],
                values: a.values(),
            };
        }
        let kept: Vec<Vec<isize>> = dims
            .iter()
            .map(|&n| {
                if n > 2 * EDGE_ITEMS {
                    (0..EDGE_ITEMS)
                        .chain(n - EDGE_ITEMS..n)
                        .map(|i| i as isize)
                        .collect()
                } else {
                    (0..n as isize).collect()
                }
            })
            .collect();
        let shape: Vec<usize> = kept.iter().map(Vec::len).collect();
        let size: usize = shape.iter().product();
        let mut values = Vec::with_capacity(size);
        let mut pos = vec![0usize; shape.len()];
        let mut index = vec![0isize; shape.len()];
        for _ in 0..size {
            for (ax, &p) in pos.iter().enumerate() {
                index[ax] = kept[ax][p];
            }
            values.push(a.get(&index).expect("index within bounds"));
            for ax in (0..shape.len()).rev() {
                pos[ax] += 1;
                if pos[ax] < shape[ax] {
                    break;
                }
                pos[ax] = 0;
            }
        }
        Corners {
            summarised: dims.iter().map(|&n| n > 2 * EDGE_ITEMS).collect(),
            shape,
            values,
        }
    }
}

/// Formats every element with the formatter NumPy fits to the (kept) data.
fn format_elements(values: &[Value], dtype: DType, zero_d: bool) -> Vec<String> {
    macro_rules! collect {
        ($variant:ident) => {
            values
                .iter()
                .map(|v| match v {
                    Value::$variant(x) => *x,
                    _ => unreachable!("array values all have the array's dtype"),
                })
                .collect::<Vec<_>>()
        };
    }
    match dtype {
        DType::Bool => {
            // BoolFormat: " True" lines up with "False", except in 0-d arrays.
            let true_str = if zero_d { "True" } else { " True" };
            collect!(Bool)
                .into_iter()
                .map(|b| if b { true_str } else { "False" }.to_string())
                .collect()
        }
        DType::Float16 => float_words(&collect!(F16)),
        DType::Float32 => float_words(&collect!(F32)),
        DType::Float64 => float_words(&collect!(F64)),
        DType::Complex64 => complex_words(&collect!(C64)),
        DType::Complex128 => complex_words(&collect!(C128)),
        _ => integer_words(values),
    }
}

/// `IntegerFormat`: right-aligned to the width of the longest of `str(max)` and `str(min)`.
fn integer_words(values: &[Value]) -> Vec<String> {
    let ints: Vec<i128> = values
        .iter()
        .map(|v| match *v {
            Value::I8(x) => x as i128,
            Value::U8(x) => x as i128,
            Value::I16(x) => x as i128,
            Value::U16(x) => x as i128,
            Value::I32(x) => x as i128,
            Value::U32(x) => x as i128,
            Value::I64(x) => x as i128,
            Value::U64(x) => x as i128,
            _ => unreachable!("integer dtype"),
        })
        .collect();
    let max = ints.iter().max().copied().unwrap_or(0);
    let min = ints.iter().min().copied().unwrap_or(0);
    let width = max.to_string().len().max(min.to_string().len());
    ints.iter().map(|x| format!("{x:>width$}")).collect()
}

fn float_words<T: float::Float>(xs: &[T]) -> Vec<String> {
    let f = FloatFormat::new(xs, false);
    xs.iter().map(|&x| f.format(x)).collect()
}

fn complex_words<T: float::Float>(xs: &[Complex<T>]) -> Vec<String> {
    let f = ComplexFormat::new(xs);
    xs.iter().map(|&x| f.format(x)).collect()
}

/// NumPy's `_formatArray` over pre-formatted elements of the kept block.
struct Layout<'a> {
    shape: &'a [usize],
    summarised: &'a [bool],
    words: &'a [String],
    separator: &'a str,
}

impl Layout<'_> {
    /// Formats the sub-array at `index` (whose flat offset in the kept block is `offset`).
    fn recurse(
        &self,
        index: &mut Vec<usize>,
        offset: usize,
        hanging_indent: &str,
        curr_width: isize,
    ) -> String {
        let axis = index.len();
        let axes_left = self.shape.len() - axis;
        if axes_left == 0 {
            return self.words[offset].clone();
        }
        // Nested rows are indented one more space and lose one column to the closing ']'.
        let next_hanging_indent = format!("{hanging_indent} ");
        let next_width = curr_width - 1;
        let len = self.shape[axis];
        let stride: usize = self.shape[axis + 1..].iter().product();
        let (leading, trailing) = if self.summarised[axis] {
            (EDGE_ITEMS, len - EDGE_ITEMS)
        } else {
            (0, 0)
        };

        let mut child = |i: usize| {
            index.push(i);
            let s = self.recurse(index, offset + i * stride, &next_hanging_indent, next_width);
            index.pop();
            s
        };

        let mut s = String::new();
        if axes_left == 1 {
            let elem_width = curr_width - (self.separator.trim_end().len().max(1)) as isize;
            let mut line = hanging_indent.to_string();
            for i in 0..leading {
                let word = child(i);
                extend_line(&mut s, &mut line, &word, elem_width, hanging_indent);
                line.push_str(self.separator);
            }
            if self.summarised[axis] {
                extend_line(&mut s, &mut line, "...", elem_width, hanging_indent);
                line.push_str(self.separator);
            }
            for i in trailing..len - 1 {
                let word = child(i);
                extend_line(&mut s, &mut line, &word, elem_width, hanging_indent);
                line.push_str(self.separator);
            }
            let word = child(len - 1);
            extend_line(&mut s, &mut line, &word, elem_width, hanging_indent);
            s.push_str(&line);
        } else {
            let line_sep = format!(
                "{}{}",
                self.separator.trim_end(),
                "\n".repeat(axes_left - 1)
            );
            for i in 0..leading {
                let nested = child(i);
                s.push_str(&format!("{hanging_indent}{nested}{line_sep}"));
            }
            if self.summarised[axis] {
                s.push_str(&format!("{hanging_indent}...{line_sep}"));
            }
            for i in trailing..len - 1 {
                let nested = child(i);
                s.push_str(&format!("{hanging_indent}{nested}{line_sep}"));
            }
            let nested = child(len - 1);
            s.push_str(&format!("{hanging_indent}{nested}"));
        }
        // Drop the hanging indent of the first line and wrap in brackets.
        format!("[{}]", &s[hanging_indent.len()..])
    }
}

/// NumPy's `_extendLine`: appends `word` to `line`, first moving to a new line (starting with
/// `next_line_prefix`) if it would pass `line_width` — unless the line holds no word yet.
fn extend_line(
    s: &mut String,
    line: &mut String,
    word: &str,
    line_width: isize,
    next_line_prefix: &str,
) {
    let needs_wrap =
        (line.len() + word.len()) as isize > line_width && line.len() > next_line_prefix.len();
    if needs_wrap {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = next_line_prefix.to_string();
    }
    line.push_str(word);
}
