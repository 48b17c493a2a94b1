//! Run-time dispatch and the public entry points.
//!
//! One macro invocation at the bottom lists every function once; it generates the
//! [`UnaryFn`]/[`BinaryFn`] enums, the three function-pointer tables (AVX-512, AVX2+FMA,
//! baseline), the safe slice wrappers, the `extern "C"` routines and [`symbols`].

use std::sync::OnceLock;

use super::driver::{self, Binary, Unary};
pub use super::level::Level;
use super::{atrig, exp, log, misc, pow, trig};

impl Level {
    /// The level of the dispatched entry points (detected once, then cached).
    pub fn current() -> Level {
        table().level
    }
}

type U64 = unsafe fn(&mut [f64]);
type U32 = unsafe fn(&mut [f32]);
type B64 = unsafe fn(&mut [f64], &[f64]);
type B32 = unsafe fn(&mut [f32], &[f32]);

/// One instruction-set level's routines, indexed by `UnaryFn as usize` / `BinaryFn as usize`.
struct Table {
    level: Level,
    u64: [U64; N_UNARY],
    u32: [U32; N_UNARY],
    b64: [B64; N_BINARY],
    b32: [B32; N_BINARY],
}

/// Whether the baseline build may use `mul_add` (a hardware FMA is guaranteed).
const BASE_FMA: bool = cfg!(target_feature = "fma") || cfg!(target_arch = "aarch64");

fn u64_base<K: Unary>(xs: &mut [f64]) {
    // SAFETY: the baseline build: no CPU requirement.
    unsafe { driver::unary_f64::<K, BASE_FMA, { driver::BASE }>(xs) }
}
fn u32_base<K: Unary>(xs: &mut [f32]) {
    // SAFETY: as above.
    unsafe { driver::unary_f32::<K, BASE_FMA, { driver::BASE }>(xs) }
}
fn b64_base<K: Binary>(x: &mut [f64], y: &[f64]) {
    driver::binary_f64::<K, BASE_FMA>(x, y)
}
fn b32_base<K: Binary>(x: &mut [f32], y: &[f32]) {
    driver::binary_f32::<K, BASE_FMA>(x, y)
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod x86 {
    use super::driver::{self, Binary, Unary};

    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn u64_avx512<K: Unary>(xs: &mut [f64]) {
        // SAFETY: this function is compiled for AVX-512F/DQ and only called (through the
        // AVX-512 table) on CPUs that have them.
        unsafe { driver::unary_f64::<K, true, { driver::AVX512 }>(xs) }
    }
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn u32_avx512<K: Unary>(xs: &mut [f32]) {
        // SAFETY: as in `u64_avx512`.
        unsafe { driver::unary_f32::<K, true, { driver::AVX512 }>(xs) }
    }
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn b64_avx512<K: Binary>(x: &mut [f64], y: &[f64]) {
        driver::binary_f64::<K, true>(x, y)
    }
    #[target_feature(enable = "avx512f,avx512dq")]
    pub(super) fn b32_avx512<K: Binary>(x: &mut [f32], y: &[f32]) {
        driver::binary_f32::<K, true>(x, y)
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn u64_avx2<K: Unary>(xs: &mut [f64]) {
        // SAFETY: this function is compiled for AVX2 and FMA and only called (through the
        // AVX2 table) on CPUs that have them.
        unsafe { driver::unary_f64::<K, true, { driver::AVX2 }>(xs) }
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn u32_avx2<K: Unary>(xs: &mut [f32]) {
        // SAFETY: as above.
        unsafe { driver::unary_f32::<K, true, { driver::AVX2 }>(xs) }
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn b64_avx2<K: Binary>(x: &mut [f64], y: &[f64]) {
        driver::binary_f64::<K, true>(x, y)
    }
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn b32_avx2<K: Binary>(x: &mut [f32], y: &[f32]) {
        driver::binary_f32::<K, true>(x, y)
    }
}

static CURRENT: OnceLock<&'static Table> = OnceLock::new();

fn table() -> &'static Table {
    CURRENT.get_or_init(|| table_for(Level::detect()))
}

fn table_for(level: Level) -> &'static Table {
    match level {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        Level::Avx512 => &AVX512,
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        Level::Avx2Fma => &AVX2,
        _ => &BASELINE,
    }
}

/// Applies `f` to `xs` in place with the dispatched (best supported) routine.
pub fn unary_f64(f: UnaryFn, xs: &mut [f64]) {
    let t = table();
    // SAFETY: `t` is the table of `Level::detect()`, whose target features this CPU has.
    unsafe { (t.u64[f as usize])(xs) }
}

/// Applies `f` to `xs` in place with the dispatched (best supported) routine.
pub fn unary_f32(f: UnaryFn, xs: &mut [f32]) {
    let t = table();
    // SAFETY: as in `unary_f64`.
    unsafe { (t.u32[f as usize])(xs) }
}

/// Like [`unary_f64`] with the routine compiled for `level`.
///
/// # Panics
/// If this CPU does not support `level` (see [`Level::is_supported`]).
pub fn unary_f64_at(level: Level, f: UnaryFn, xs: &mut [f64]) {
    assert!(level.is_supported(), "vmath: {level:?} not supported here");
    // SAFETY: the assertion above checked the CPU features of `level`.
    unsafe { (table_for(level).u64[f as usize])(xs) }
}

/// Like [`unary_f32`] with the routine compiled for `level`.
///
/// # Panics
/// If this CPU does not support `level`.
pub fn unary_f32_at(level: Level, f: UnaryFn, xs: &mut [f32]) {
    assert!(level.is_supported(), "vmath: {level:?} not supported here");
    // SAFETY: the assertion above checked the CPU features of `level`.
    unsafe { (table_for(level).u32[f as usize])(xs) }
}

/// `x[i] = f(x[i], y[i])` with the dispatched routine.
///
/// # Panics
/// If the lengths differ.
pub fn binary_f64(f: BinaryFn, x: &mut [f64], y: &[f64]) {
    assert_eq!(x.len(), y.len(), "vmath: operand lengths differ");
    let t = table();
    // SAFETY: as in `unary_f64`.
    unsafe { (t.b64[f as usize])(x, y) }
}

/// `x[i] = f(x[i], y[i])` with the dispatched routine.
///
/// # Panics
/// If the lengths differ.
pub fn binary_f32(f: BinaryFn, x: &mut [f32], y: &[f32]) {
    assert_eq!(x.len(), y.len(), "vmath: operand lengths differ");
    let t = table();
    // SAFETY: as in `unary_f64`.
    unsafe { (t.b32[f as usize])(x, y) }
}

/// Like [`binary_f64`] with the routine compiled for `level`.
///
/// # Panics
/// If the lengths differ or this CPU does not support `level`.
pub fn binary_f64_at(level: Level, f: BinaryFn, x: &mut [f64], y: &[f64]) {
    assert_eq!(x.len(), y.len(), "vmath: operand lengths differ");
    assert!(level.is_supported(), "vmath: {level:?} not supported here");
    // SAFETY: the assertion above checked the CPU features of `level`.
    unsafe { (table_for(level).b64[f as usize])(x, y) }
}

/// Like [`binary_f32`] with the routine compiled for `level`.
///
/// # Panics
/// If the lengths differ or this CPU does not support `level`.
pub fn binary_f32_at(level: Level, f: BinaryFn, x: &mut [f32], y: &[f32]) {
    assert_eq!(x.len(), y.len(), "vmath: operand lengths differ");
    assert!(level.is_supported(), "vmath: {level:?} not supported here");
    // SAFETY: the assertion above checked the CPU features of `level`.
    unsafe { (table_for(level).b32[f as usize])(x, y) }
}

/// The body of a binary `extern "C"` routine: `x` and `y` may be the same pointer.
///
/// # Safety
/// `x` valid for reads and writes of `n` elements, `y` for reads of `n` elements; the two
/// ranges are either identical or disjoint.
unsafe fn binary_raw<T: Copy + Default>(
    x: *mut T,
    y: *const T,
    n: usize,
    f: impl Fn(&mut [T], &[T]),
) {
    if n == 0 {
        return;
    }
    // SAFETY: the caller guarantees `x` is valid for `n` reads and writes.
    let xs = unsafe { std::slice::from_raw_parts_mut(x, n) };
    if std::ptr::eq(x as *const T, y) {
        let mut copy = [T::default(); 256];
        for c in xs.chunks_mut(256) {
            copy[..c.len()].copy_from_slice(c);
            f(c, &copy[..c.len()]);
        }
    } else {
        // SAFETY: the caller guarantees `y` is valid for `n` reads and does not overlap `x`.
        let ys = unsafe { std::slice::from_raw_parts(y, n) };
        f(xs, ys);
    }
}

macro_rules! vmath_functions {
    (
        unary: [$($U:ident = $UK:ty, $un:literal, $s64:ident, $s32:ident, $e64:ident, $e32:ident;)*]
        binary: [$($B:ident = $BK:ty, $bn:literal, $bs64:ident, $bs32:ident, $be64:ident, $be32:ident;)*]
    ) => {
        /// The unary routines (NumPy ufunc names).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum UnaryFn {
            $(#[doc = concat!("`", $un, "`")] $U,)*
        }
        /// The binary routines.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum BinaryFn {
            $(#[doc = concat!("`", $bn, "`")] $B,)*
        }
        const N_UNARY: usize = [$(UnaryFn::$U),*].len();
        const N_BINARY: usize = [$(BinaryFn::$B),*].len();

        impl UnaryFn {
            /// Every unary routine.
            pub const ALL: [UnaryFn; N_UNARY] = [$(UnaryFn::$U),*];
            /// The NumPy name (`"exp"`, `"arcsin"`, ...).
            pub fn name(self) -> &'static str {
                match self { $(UnaryFn::$U => $un,)* }
            }
            /// Symbol of the `f64` routine (`"nf_vexp_f64"`).
            pub fn symbol_f64(self) -> &'static str {
                match self { $(UnaryFn::$U => concat!("nf_v", $un, "_f64"),)* }
            }
            /// Symbol of the `f32` routine (`"nf_vexp_f32"`).
            pub fn symbol_f32(self) -> &'static str {
                match self { $(UnaryFn::$U => concat!("nf_v", $un, "_f32"),)* }
            }
        }
        impl BinaryFn {
            /// Every binary routine.
            pub const ALL: [BinaryFn; N_BINARY] = [$(BinaryFn::$B),*];
            /// The C name (`"pow"`, `"atan2"`, `"hypot"`).
            pub fn name(self) -> &'static str {
                match self { $(BinaryFn::$B => $bn,)* }
            }
            /// Symbol of the `f64` routine (`"nf_vpow_f64"`).
            pub fn symbol_f64(self) -> &'static str {
                match self { $(BinaryFn::$B => concat!("nf_v", $bn, "_f64"),)* }
            }
            /// Symbol of the `f32` routine (`"nf_vpow_f32"`).
            pub fn symbol_f32(self) -> &'static str {
                match self { $(BinaryFn::$B => concat!("nf_v", $bn, "_f32"),)* }
            }
        }

        static BASELINE: Table = Table {
            level: Level::Baseline,
            u64: [$(u64_base::<$UK>),*],
            u32: [$(u32_base::<$UK>),*],
            b64: [$(b64_base::<$BK>),*],
            b32: [$(b32_base::<$BK>),*],
        };
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        static AVX2: Table = Table {
            level: Level::Avx2Fma,
            u64: [$(x86::u64_avx2::<$UK>),*],
            u32: [$(x86::u32_avx2::<$UK>),*],
            b64: [$(x86::b64_avx2::<$BK>),*],
            b32: [$(x86::b32_avx2::<$BK>),*],
        };
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        static AVX512: Table = Table {
            level: Level::Avx512,
            u64: [$(x86::u64_avx512::<$UK>),*],
            u32: [$(x86::u32_avx512::<$UK>),*],
            b64: [$(x86::b64_avx512::<$BK>),*],
            b32: [$(x86::b32_avx512::<$BK>),*],
        };

        $(
            #[doc = concat!("`", $un, "` of every element of `xs`, in place (`f64`).")]
            pub fn $s64(xs: &mut [f64]) {
                unary_f64(UnaryFn::$U, xs)
            }
            #[doc = concat!("`", $un, "` of every element of `xs`, in place (`f32`).")]
            pub fn $s32(xs: &mut [f32]) {
                unary_f32(UnaryFn::$U, xs)
            }
            #[doc = concat!("`", $un, "` of `n` `f64` values at `ptr`, in place (C ABI).")]
            ///
            /// # Safety
            /// `ptr` must be valid for reads and writes of `n` consecutive elements (any
            /// pointer when `n == 0`).
            #[no_mangle]
            pub unsafe extern "C" fn $e64(ptr: *mut f64, n: usize) {
                if n == 0 {
                    return;
                }
                // SAFETY: the caller guarantees `ptr` is valid for `n` reads and writes.
                $s64(unsafe { std::slice::from_raw_parts_mut(ptr, n) })
            }
            #[doc = concat!("`", $un, "` of `n` `f32` values at `ptr`, in place (C ABI).")]
            ///
            /// # Safety
            /// `ptr` must be valid for reads and writes of `n` consecutive elements (any
            /// pointer when `n == 0`).
            #[no_mangle]
            pub unsafe extern "C" fn $e32(ptr: *mut f32, n: usize) {
                if n == 0 {
                    return;
                }
                // SAFETY: the caller guarantees `ptr` is valid for `n` reads and writes.
                $s32(unsafe { std::slice::from_raw_parts_mut(ptr, n) })
            }
        )*
        $(
            #[doc = concat!("`x[i] = ", $bn, "(x[i], y[i])` (`f64`).")]
            ///
            /// # Panics
            /// If the lengths differ.
            pub fn $bs64(x: &mut [f64], y: &[f64]) {
                binary_f64(BinaryFn::$B, x, y)
            }
            #[doc = concat!("`x[i] = ", $bn, "(x[i], y[i])` (`f32`).")]
            ///
            /// # Panics
            /// If the lengths differ.
            pub fn $bs32(x: &mut [f32], y: &[f32]) {
                binary_f32(BinaryFn::$B, x, y)
            }
            #[doc = concat!("`x[i] = ", $bn, "(x[i], y[i])` for `n` `f64` values (C ABI).")]
            ///
            /// # Safety
            /// `x` must be valid for reads and writes and `y` for reads of `n` elements; the
            /// two ranges must be identical or disjoint.
            #[no_mangle]
            pub unsafe extern "C" fn $be64(x: *mut f64, y: *const f64, n: usize) {
                // SAFETY: forwarded caller guarantees.
                unsafe { binary_raw(x, y, n, $bs64) }
            }
            #[doc = concat!("`x[i] = ", $bn, "(x[i], y[i])` for `n` `f32` values (C ABI).")]
            ///
            /// # Safety
            /// `x` must be valid for reads and writes and `y` for reads of `n` elements; the
            /// two ranges must be identical or disjoint.
            #[no_mangle]
            pub unsafe extern "C" fn $be32(x: *mut f32, y: *const f32, n: usize) {
                // SAFETY: forwarded caller guarantees.
                unsafe { binary_raw(x, y, n, $bs32) }
            }
        )*

        /// Every `extern "C"` routine as `(symbol name, address)`, for `JITBuilder::symbol`.
        pub fn symbols() -> Vec<(&'static str, *const u8)> {
            vec![
                $(
                    (concat!("nf_v", $un, "_f64"), $e64 as *const u8),
                    (concat!("nf_v", $un, "_f32"), $e32 as *const u8),
                )*
                $(
                    (concat!("nf_v", $bn, "_f64"), $be64 as *const u8),
                    (concat!("nf_v", $bn, "_f32"), $be32 as *const u8),
                )*
            ]
        }
    };
}

vmath_functions! {
    unary: [
        Exp = exp::Exp, "exp", exp_f64, exp_f32, nf_vexp_f64, nf_vexp_f32;
        Exp2 = exp::Exp2, "exp2", exp2_f64, exp2_f32, nf_vexp2_f64, nf_vexp2_f32;
        Expm1 = exp::Expm1, "expm1", expm1_f64, expm1_f32, nf_vexpm1_f64, nf_vexpm1_f32;
        Log = log::Log, "log", log_f64, log_f32, nf_vlog_f64, nf_vlog_f32;
        Log2 = log::Log2, "log2", log2_f64, log2_f32, nf_vlog2_f64, nf_vlog2_f32;
        Log10 = log::Log10, "log10", log10_f64, log10_f32, nf_vlog10_f64, nf_vlog10_f32;
        Log1p = log::Log1p, "log1p", log1p_f64, log1p_f32, nf_vlog1p_f64, nf_vlog1p_f32;
        Sin = trig::Sin, "sin", sin_f64, sin_f32, nf_vsin_f64, nf_vsin_f32;
        Cos = trig::Cos, "cos", cos_f64, cos_f32, nf_vcos_f64, nf_vcos_f32;
        Tan = trig::Tan, "tan", tan_f64, tan_f32, nf_vtan_f64, nf_vtan_f32;
        Arcsin = atrig::Asin, "arcsin", arcsin_f64, arcsin_f32, nf_varcsin_f64, nf_varcsin_f32;
        Arccos = atrig::Acos, "arccos", arccos_f64, arccos_f32, nf_varccos_f64, nf_varccos_f32;
        Arctan = atrig::Atan, "arctan", arctan_f64, arctan_f32, nf_varctan_f64, nf_varctan_f32;
        Sinh = exp::Sinh, "sinh", sinh_f64, sinh_f32, nf_vsinh_f64, nf_vsinh_f32;
        Cosh = exp::Cosh, "cosh", cosh_f64, cosh_f32, nf_vcosh_f64, nf_vcosh_f32;
        Tanh = exp::Tanh, "tanh", tanh_f64, tanh_f32, nf_vtanh_f64, nf_vtanh_f32;
        Arcsinh = log::Asinh, "arcsinh", arcsinh_f64, arcsinh_f32, nf_varcsinh_f64, nf_varcsinh_f32;
        Arccosh = log::Acosh, "arccosh", arccosh_f64, arccosh_f32, nf_varccosh_f64, nf_varccosh_f32;
        Arctanh = log::Atanh, "arctanh", arctanh_f64, arctanh_f32, nf_varctanh_f64, nf_varctanh_f32;
        Cbrt = misc::Cbrt, "cbrt", cbrt_f64, cbrt_f32, nf_vcbrt_f64, nf_vcbrt_f32;
        Sqrt = misc::Sqrt, "sqrt", sqrt_f64, sqrt_f32, nf_vsqrt_f64, nf_vsqrt_f32;
    ]
    binary: [
        Pow = pow::Pow, "pow", pow_f64, pow_f32, nf_vpow_f64, nf_vpow_f32;
        Atan2 = atrig::Atan2, "atan2", atan2_f64, atan2_f32, nf_vatan2_f64, nf_vatan2_f32;
        Hypot = misc::Hypot, "hypot", hypot_f64, hypot_f32, nf_vhypot_f64, nf_vhypot_f32;
    ]
}
