//! Vectorised elementwise math routines ("vmath") for the JIT's tiled transcendental strategy.
//!
//! The JIT computes fused elementwise code in 128-bit vectors; for a transcendental function it
//! writes the pre-ops into a small L1 tile (64–256 elements) and calls one of the routines
//! here on the tile, in place (see `shared/research/cranelift_egg.md` §5d, §8.3). Every routine
//! has a stable C ABI so the JIT can register it with `JITBuilder::symbol`:
//!
//! * unary, in place: `nf_v{F}_f64(ptr: *mut f64, n: usize)` and `nf_v{F}_f32(ptr: *mut f32, n)`
//!   for every [`UnaryFn`] `F` (`exp`, `log`, `sin`, ..., `cbrt`);
//! * binary, into the first operand: `nf_vpow_f64(x: *mut f64, y: *const f64, n)` computes
//!   `x[i] = pow(x[i], y[i])`; likewise `atan2` (`x[i] = atan2(x[i], y[i])`) and `hypot`.
//!
//! [`symbols`] lists them all by symbol name; each also has a safe slice wrapper
//! (`exp_f64(&mut [f64])`, `pow_f64(&mut [f64], &[f64])`, ...).
//!
//! [`line_f64`] / [`line_f32`] compute `x[i] ⊙ c` (`+ - * /` with one scalar operand) at full
//! vector width: the executor runs a compiled kernel of that form (a division by a per-row
//! value) through them, since the JIT's 128-bit division is half the speed (`lines.rs`).
//!
//! # Design
//!
//! Kernels are branch-free scalar Rust (`driver::Unary` / `driver::Binary` implementations)
//! applied over the slice by plain loops that LLVM autovectorises. The same source is compiled
//! three times: with `#[target_feature(enable = "avx512f,avx512dq")]` (8 `f64` lanes), with
//! `avx2,fma` (4 lanes) and for the baseline target (FMA-free formulas unless the target has
//! FMA). The first call detects the CPU (`is_x86_feature_detected!`) and caches a table of
//! function pointers in a `OnceLock`; non-x86 targets use the baseline table.
//!
//! Accuracy (checked by `codegen/tests/vmath_ulp/` against a double-double reference that is
//! itself checked against `astro-float`): measured maxima 0.52–0.96 ulp for the `f64` routines
//! (≤ 0.75 for `exp`/`log`; the project's targets are ≤ 1 ulp for `exp`/`log` and ≤ 2 ulp for
//! the rest), and 0.5 ulp, i.e. correctly rounded on every sample, for `f32` (computed with the
//! `f64` kernels and rounded once). Special values follow
//! C99/glibc: NaN propagates, ±0 keep their sign where C does, subnormal inputs and results are
//! handled without flushing, overflow gives ±inf and domain errors give NaN. `sin`/`cos`/`tan`
//! reduce arguments below 2^20 in the vector code and hand larger (and non-finite) ones to a
//! scalar Payne–Hanek reduction, per element.
//!
//! `exp` is the one routine written with explicit intrinsics, with the same bits as the scalar
//! source: on AVX-512 (`exp512.rs`) because LLVM turns its table reads into gathers, which are
//! slow on AMD; on AVX2 (`exp256.rs`) to interleave two vectors, which hides the latency of
//! the polynomial (~15 % faster on AMD Zen 3).
//!
//! `unsafe` in this module is limited to the `extern "C"` wrappers (raw pointer to slice), to
//! calling the `#[target_feature]` instantiations after run-time detection, and to the
//! unaligned vector loads and stores of `exp512.rs` and `exp256.rs`.

mod atrig;
mod consts;
mod driver;
mod exp;
mod exp256;
mod exp512;
mod exp_table;
mod fp;
mod level;
mod lines;
mod log;
mod misc;
mod pio2;
mod pow;
#[cfg(target_arch = "x86_64")]
mod stream;
mod table;
mod trig;

pub use lines::{
    line2_f32, line2_f64, line_f32, line_f32_streamed, line_f64, line_f64_streamed, streams,
    with_streamed_stores, LineOp, Streamed,
};
pub use table::*;
