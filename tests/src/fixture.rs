//! Loading `tests/fixtures/*.json` (schema in `tests/fixtures/README.md`): cases, their
//! arguments decoded into concrete [`NdArray`]s (with the fixture's view operations applied
//! as real strided views), weak scalars, expected results and tolerances.

use half::f16;
use numfuse as nf;
use numfuse::{Complex32, Complex64, DType, NdArray, SliceArg, SliceView};
use numfuse_ir::Scalar;
use serde_json::{Map, Value as Json};

/// One element of an expected (or computed) array, dtype-independent and exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Elem {
    /// A bool.
    Bool(bool),
    /// Any integer (uint64 and int64 both fit).
    Int(i128),
    /// A real float (float16/32 values are exact in f64).
    Float(f64),
    /// A complex number `(re, im)`.
    Complex(f64, f64),
}

impl Elem {
    /// Decodes a JSON data value: bool, integer, float, `"nan"`/`"inf"`/`"-inf"`, `[re, im]`.
    pub fn from_json(v: &Json) -> Elem {
        match v {
            Json::Bool(b) => Elem::Bool(*b),
            Json::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Elem::Int(i as i128),
                (_, Some(u)) => Elem::Int(u as i128),
                _ => Elem::Float(n.as_f64().expect("a JSON number")),
            },
            Json::String(_) => Elem::Float(json_f64(v)),
            Json::Array(p) if p.len() == 2 => Elem::Complex(json_f64(&p[0]), json_f64(&p[1])),
            other => panic!("fixture: bad data value {other}"),
        }
    }
    /// The value as f64 (real part for complex, 0/1 for bool).
    pub fn re(self) -> f64 {
        match self {
            Elem::Bool(b) => b as u8 as f64,
            Elem::Int(i) => i as f64,
            Elem::Float(f) | Elem::Complex(f, _) => f,
        }
    }
    /// The imaginary part (0 for real values).
    pub fn im(self) -> f64 {
        match self {
            Elem::Complex(_, i) => i,
            _ => 0.0,
        }
    }
    fn int(self) -> i128 {
        match self {
            Elem::Bool(b) => b as i128,
            Elem::Int(i) => i,
            other => panic!("fixture: expected an integer, found {other:?}"),
        }
    }
}

impl std::fmt::Display for Elem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Elem::Bool(b) => write!(f, "{b}"),
            Elem::Int(i) => write!(f, "{i}"),
            Elem::Float(x) => write!(f, "{x:?}"),
            Elem::Complex(r, i) => {
                let sign = if i.is_sign_negative() && !i.is_nan() {
                    '-'
                } else {
                    '+'
                };
                write!(f, "({r:?}{sign}{:?}j)", i.abs())
            }
        }
    }
}

/// A float from JSON: a number, or one of the strings `"nan"`, `"inf"`, `"-inf"`.
pub fn json_f64(v: &Json) -> f64 {
    match v {
        Json::Number(n) => n.as_f64().expect("a JSON number"),
        Json::String(s) if s == "nan" => f64::NAN,
        Json::String(s) if s == "inf" => f64::INFINITY,
        Json::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => panic!("fixture: expected a float, found {other}"),
    }
}

/// An expected array: dtype, shape and C-order data.
#[derive(Clone, Debug)]
pub struct ExpArray {
    /// NumPy's result dtype.
    pub dtype: DType,
    /// NumPy's result shape.
    pub shape: Vec<usize>,
    /// The values in C order.
    pub data: Vec<Elem>,
}

/// What NumPy returned.
#[derive(Clone, Debug)]
pub enum Expect {
    /// One array, or several for tuple results (`linspace(retstep=True)`).
    Arrays(Vec<ExpArray>),
    /// A dtype (`result_type`).
    DType(DType),
    /// An exception: its class and `str(exception)`.
    Error {
        /// `ValueError`, `AxisError`, ...
        class: String,
        /// NumPy's message.
        message: String,
    },
}

/// A comparison tolerance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tol {
    /// Same values, `-0.0 != 0.0`, any NaN equals any NaN.
    Exact,
    /// At most this many units in the last place of the result dtype, per real component.
    Ulps(u64),
    /// `|got - want| <= atol + rtol * |want|`, per real component.
    Rel {
        /// Relative tolerance.
        rtol: f64,
        /// Absolute tolerance.
        atol: f64,
    },
}

/// A decoded argument.
#[derive(Clone, Debug)]
pub enum Arg {
    /// An array (its views already applied).
    Array(NdArray),
    /// A weak Python scalar.
    Weak(Scalar),
    /// A dtype (`result_type` only).
    DType(DType),
    /// Any other JSON value (creation arguments: shapes, numbers, nested lists).
    Plain(Json),
}

/// One fixture case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Unique id, e.g. `unary/sqrt/int8`.
    pub id: String,
    /// NumPy function name (or `getitem`, `astype`, `flatten`, `result_type`).
    pub func: String,
    /// Positional arguments.
    pub args: Vec<Arg>,
    /// Keyword arguments.
    pub kwargs: Map<String, Json>,
    /// NumPy's answer.
    pub expect: Expect,
    /// How closely values must match.
    pub tol: Tol,
}

/// Loads `tests/fixtures/<name>.json`.
pub fn load(name: &str) -> Vec<Case> {
    let path = format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let root: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"));
    root["cases"]
        .as_array()
        .expect("a `cases` list")
        .iter()
        .map(parse_case)
        .collect()
}

fn parse_case(c: &Json) -> Case {
    let id = c["id"].as_str().expect("case id").to_string();
    Case {
        func: c["fn"].as_str().expect("case fn").to_string(),
        args: c["args"]
            .as_array()
            .expect("args")
            .iter()
            .map(parse_arg)
            .collect(),
        kwargs: c["kwargs"].as_object().cloned().unwrap_or_default(),
        expect: parse_expect(&c["expect"]),
        tol: parse_tol(&c["tol"]),
        id,
    }
}

fn parse_tol(t: &Json) -> Tol {
    match t {
        Json::String(s) if s == "exact" => Tol::Exact,
        Json::Object(o) if o.contains_key("ulps") => Tol::Ulps(o["ulps"].as_u64().expect("ulps")),
        Json::Object(o) => Tol::Rel {
            rtol: json_f64(&o["rtol"]),
            atol: json_f64(&o["atol"]),
        },
        other => panic!("fixture: bad tol {other}"),
    }
}

fn parse_expect(e: &Json) -> Expect {
    match e {
        Json::Array(list) => Expect::Arrays(list.iter().map(parse_exp_array).collect()),
        Json::Object(o) if o.contains_key("error") => Expect::Error {
            class: o["error"].as_str().expect("error class").to_string(),
            message: o["message"].as_str().unwrap_or_default().to_string(),
        },
        Json::Object(o) if !o.contains_key("shape") => Expect::DType(dtype_of(&o["dtype"])),
        other => Expect::Arrays(vec![parse_exp_array(other)]),
    }
}

/// Parses a dtype name.
pub fn dtype_of(v: &Json) -> DType {
    let name = v.as_str().expect("a dtype name");
    DType::from_name(name).unwrap_or_else(|| panic!("fixture: unknown dtype {name}"))
}

fn shape_of(v: &Json) -> Vec<usize> {
    let dims = v.as_array().expect("a shape list");
    dims.iter()
        .map(|d| d.as_u64().expect("a dimension") as usize)
        .collect()
}

fn parse_exp_array(a: &Json) -> ExpArray {
    ExpArray {
        dtype: dtype_of(&a["dtype"]),
        shape: shape_of(&a["shape"]),
        data: a["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(Elem::from_json)
            .collect(),
    }
}

fn parse_arg(a: &Json) -> Arg {
    let Some(o) = a.as_object() else {
        return Arg::Plain(a.clone());
    };
    if o.contains_key("shape") && o.contains_key("dtype") {
        let exp = parse_exp_array(a);
        let base = build_ndarray(exp.dtype, &exp.shape, &exp.data);
        let views = o
            .get("view")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        return Arg::Array(views.iter().fold(base, apply_view));
    }
    if let Some(name) = o.get("dtype_name") {
        return Arg::DType(dtype_of(name));
    }
    if let (Some(v), Some(kind)) = (o.get("scalar"), o.get("kind")) {
        return match weak_scalar(v, kind.as_str().expect("scalar kind")) {
            Some(s) => Arg::Weak(s),
            None => Arg::Plain(a.clone()),
        };
    }
    Arg::Plain(a.clone())
}

/// A weak scalar of the given kind; `None` for integers beyond the 64-bit range.
pub fn weak_scalar(v: &Json, kind: &str) -> Option<Scalar> {
    Some(match kind {
        "bool" => Scalar::Bool(v.as_bool().expect("a bool scalar")),
        "int" => return int_scalar(v),
        "float" => Scalar::float(json_f64(v)),
        "complex" => {
            let p = v.as_array().expect("[re, im]");
            Scalar::complex(json_f64(&p[0]), json_f64(&p[1]))
        }
        other => panic!("fixture: unknown scalar kind {other}"),
    })
}

/// An integer JSON value as a scalar (`UInt` above `i64::MAX`); `None` if it needs > 64 bits.
pub fn int_scalar(v: &Json) -> Option<Scalar> {
    match (v.as_i64(), v.as_u64()) {
        (Some(i), _) => Some(Scalar::Int(i)),
        (_, Some(u)) => Some(Scalar::from(u)),
        _ => None,
    }
}

/// Builds a C-ordered array of `dtype` from exact values.
pub fn build_ndarray(dtype: DType, shape: &[usize], data: &[Elem]) -> NdArray {
    fn int<T: TryFrom<i128>>(e: &Elem) -> T {
        T::try_from(e.int()).unwrap_or_else(|_| panic!("fixture: {e:?} out of range"))
    }
    let s = shape.to_vec();
    let r = match dtype {
        DType::Bool => NdArray::from_vec(s, data.iter().map(|e| e.int() != 0).collect()),
        DType::Int8 => NdArray::from_vec(s, data.iter().map(int::<i8>).collect()),
        DType::UInt8 => NdArray::from_vec(s, data.iter().map(int::<u8>).collect()),
        DType::Int16 => NdArray::from_vec(s, data.iter().map(int::<i16>).collect()),
        DType::UInt16 => NdArray::from_vec(s, data.iter().map(int::<u16>).collect()),
        DType::Int32 => NdArray::from_vec(s, data.iter().map(int::<i32>).collect()),
        DType::UInt32 => NdArray::from_vec(s, data.iter().map(int::<u32>).collect()),
        DType::Int64 => NdArray::from_vec(s, data.iter().map(int::<i64>).collect()),
        DType::UInt64 => NdArray::from_vec(s, data.iter().map(int::<u64>).collect()),
        DType::Float16 => {
            NdArray::from_vec(s, data.iter().map(|e| f16::from_f64(e.re())).collect())
        }
        DType::Float32 => NdArray::from_vec(s, data.iter().map(|e| e.re() as f32).collect()),
        DType::Float64 => NdArray::from_vec(s, data.iter().map(|e| e.re()).collect()),
        DType::Complex64 => NdArray::from_vec(
            s,
            data.iter()
                .map(|e| Complex32::new(e.re() as f32, e.im() as f32))
                .collect(),
        ),
        DType::Complex128 => NdArray::from_vec(
            s,
            data.iter()
                .map(|e| Complex64::new(e.re(), e.im()))
                .collect(),
        ),
    };
    r.unwrap_or_else(|e| panic!("fixture: building a {dtype} array: {e}"))
}

/// Python slice bounds: an integer or `null`.
fn opt_isize(v: &Json) -> Option<isize> {
    v.as_i64().map(|i| i as isize)
}

/// One `{"slice": [start, stop, step]}` / `[start, stop, step]` triple as a [`SliceArg`].
pub fn slice_arg(triple: &Json) -> SliceArg {
    let t = triple.as_array().expect("[start, stop, step]");
    SliceArg::Slice {
        start: opt_isize(&t[0]),
        stop: opt_isize(&t[1]),
        step: opt_isize(&t[2]).unwrap_or(1),
    }
}

fn apply_view(a: NdArray, op: &Json) -> NdArray {
    let (kind, p) = (op[0].as_str().expect("view op"), &op[1]);
    let r = match kind {
        "slice" => {
            let args: Vec<SliceArg> = p
                .as_array()
                .expect("triples")
                .iter()
                .map(slice_arg)
                .collect();
            a.view(args)
        }
        "transpose" => a.permute(&shape_of(p)),
        "broadcast_to" => a.broadcast_to(&nf::Shape::from(shape_of(p))),
        other => panic!("fixture: unknown view op {other}"),
    };
    r.unwrap_or_else(|e| panic!("fixture: view {op}: {e}"))
}
