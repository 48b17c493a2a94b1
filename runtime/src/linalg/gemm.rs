//! `matmul` kernels: float32/float64 through the AVX-512 GEMM ([`super::avx512`]) where the
//! CPU has it (`NUMFUSE_GEMM=matrixmultiply` opts out), otherwise — and for complex —
//! through `matrixmultiply`, with the operands' strides passed through (transposed, sliced
//! and broadcast views are never copied); integers and bools through a plain wrapping triple
//! loop (NumPy's integer matmul wraps), float16 in float32. Batches of small products are
//! split across two threads (each product on one thread); a large single product uses two
//! threads inside the kernel.
//!
//! This module holds `unsafe` calls into `matrixmultiply`, each with its `SAFETY` argument.

use super::avx512::{self, Epilogue};
use crate::buffer::Bytes;
use crate::cast::cast_array;
use crate::ndarray::NdArray;
use num_complex::Complex;
use numfuse_ir::{DType, Error, Result, Shape};

/// One operand matrix inside a (possibly broadcast) batch: element offsets of each batch item,
/// and the row and column strides in elements.
struct Operand {
    offsets: Vec<isize>,
    rs: isize,
    cs: isize,
}

fn operand(x: &NdArray, batch: &Shape) -> Result<Operand> {
    let nd = x.ndim();
    let mut full: Vec<usize> = batch.to_vec();
    full.extend_from_slice(&x.shape()[nd - 2..]);
    let v = x.broadcast_to(&Shape::from(full.as_slice()))?;
    let st = v.strides_elems();
    let nb = batch.ndim();
    let mut offsets = Vec::with_capacity(batch.size());
    let mut idx = vec![0usize; nb];
    for _ in 0..batch.size() {
        let off: isize = idx.iter().zip(st).map(|(&i, &s)| i as isize * s).sum();
        offsets.push(v.offset() as isize + off);
        for ax in (0..nb).rev() {
            idx[ax] += 1;
            if idx[ax] < batch[ax] {
                break;
            }
            idx[ax] = 0;
        }
    }
    Ok(Operand {
        offsets,
        rs: st[nb],
        cs: st[nb + 1],
    })
}

/// Element types with a multiply-accumulate for the naive path.
trait Mac: Copy + Send + Sync + Default + crate::value::Element {
    fn mac(acc: Self, a: Self, b: Self) -> Self;
}
macro_rules! int_mac {
    ($($t:ty),*) => {$(
        impl Mac for $t {
            fn mac(acc: Self, a: Self, b: Self) -> Self { acc.wrapping_add(a.wrapping_mul(b)) }
        }
    )*};
}
int_mac!(i8, u8, i16, u16, i32, u32, i64, u64);
impl Mac for bool {
    fn mac(acc: Self, a: Self, b: Self) -> Self {
        acc || (a && b)
    }
}

/// The element kernels: one product of an `(m, k)` and a `(k, n)` strided matrix into a
/// contiguous `(m, n)` block.
pub(super) trait Gemm: crate::value::Element + Default + Send + Sync {
    fn gemm(a: &[Self], oa: isize, b: &[Self], ob: isize, dims: Dims, c: &mut [Self]);
    /// The AVX-512 kernel on `threads` threads with the epilogue, where it exists and is
    /// enabled; `false` when it did not run (then [`Gemm::gemm`] and [`Gemm::finish`] do the
    /// work).
    #[allow(clippy::too_many_arguments)]
    fn fast(
        _: &[Self],
        _: isize,
        _: &[Self],
        _: isize,
        _: Dims,
        _: &mut [Self],
        _: usize,
        _: &Epilogue<Self>,
    ) -> bool {
        false
    }
    /// Applies the epilogue to a finished product with `n` columns (only float types are
    /// ever given a non-empty one).
    fn finish(_: &mut [Self], _: usize, _: &Epilogue<Self>) {}
    /// Whether [`Gemm::fast`] runs (then batches are split over threads even when each
    /// product is large: one product per thread beats two threads inside each).
    fn fast_enabled() -> bool {
        false
    }
}

#[derive(Clone, Copy)]
/// The sizes and element strides of one product.
pub(super) struct Dims {
    pub(super) m: usize,
    pub(super) k: usize,
    pub(super) n: usize,
    pub(super) rsa: isize,
    pub(super) csa: isize,
    pub(super) rsb: isize,
    pub(super) csb: isize,
}

impl<T: Mac> Gemm for T {
    fn gemm(a: &[T], oa: isize, b: &[T], ob: isize, d: Dims, c: &mut [T]) {
        for i in 0..d.m {
            for j in 0..d.n {
                let mut acc = T::default();
                for p in 0..d.k {
                    let x = a[(oa + i as isize * d.rsa + p as isize * d.csa) as usize];
                    let y = b[(ob + p as isize * d.rsb + j as isize * d.csb) as usize];
                    acc = T::mac(acc, x, y);
                }
                c[i * d.n + j] = acc;
            }
        }
    }
}

macro_rules! blas_gemm {
    ($t:ty, $call:expr, $cast:ty) => {
        blas_gemm!(
            $t,
            $call,
            $cast,
            |_, _, _, _, _, _, _, _| false,
            || false,
            |_, _, _| ()
        );
    };
    ($t:ty, $call:expr, $cast:ty, $large:expr, $enabled:expr, $finish:expr) => {
        impl Gemm for $t {
            fn fast_enabled() -> bool {
                ($enabled)()
            }
            #[allow(clippy::redundant_closure_call)]
            fn fast(
                a: &[$t],
                oa: isize,
                b: &[$t],
                ob: isize,
                d: Dims,
                c: &mut [$t],
                threads: usize,
                epi: &Epilogue<$t>,
            ) -> bool {
                ($large)(a, oa, b, ob, d, c, threads, epi)
            }
            #[allow(clippy::redundant_closure_call)]
            fn finish(c: &mut [$t], n: usize, epi: &Epilogue<$t>) {
                ($finish)(c, n, epi)
            }
            fn gemm(a: &[$t], oa: isize, b: &[$t], ob: isize, d: Dims, c: &mut [$t]) {
                if d.k == 0 {
                    c.fill(<$t>::default());
                    return;
                }
                // SAFETY: `oa`/`ob` and the strides come from valid views of `a` and `b`
                // (checked by `broadcast_to`): every element `oa + i*rsa + p*csa` with
                // `i < m`, `p < k` lies inside `a` (likewise for `b`); `c` holds exactly
                // `m*n` elements written with row stride `n` and column stride 1. Complex
                // numbers are `repr(C)` pairs, the layout of matrixmultiply's `[f; 2]`.
                unsafe {
                    let pa = a.as_ptr().offset(oa) as *const $cast;
                    let pb = b.as_ptr().offset(ob) as *const $cast;
                    let pc = c.as_mut_ptr() as *mut $cast;
                    $call(d, pa, pb, pc);
                }
            }
        }
    };
}

type C32 = [f32; 2];
type C64 = [f64; 2];
blas_gemm!(
    f32,
    |d: Dims, pa, pb, pc| matrixmultiply::sgemm(
        d.m,
        d.k,
        d.n,
        1.0,
        pa,
        d.rsa,
        d.csa,
        pb,
        d.rsb,
        d.csb,
        0.0,
        pc,
        d.n as isize,
        1
    ),
    f32,
    super::fused::avx512_gemm::<f32>,
    avx512::enabled,
    super::fused::finish::<f32>
);
blas_gemm!(
    f64,
    |d: Dims, pa, pb, pc| matrixmultiply::dgemm(
        d.m,
        d.k,
        d.n,
        1.0,
        pa,
        d.rsa,
        d.csa,
        pb,
        d.rsb,
        d.csb,
        0.0,
        pc,
        d.n as isize,
        1
    ),
    f64,
    super::fused::avx512_gemm::<f64>,
    avx512::enabled,
    super::fused::finish::<f64>
);
blas_gemm!(
    Complex<f32>,
    |d: Dims, pa, pb, pc| matrixmultiply::cgemm(
        matrixmultiply::CGemmOption::Standard,
        matrixmultiply::CGemmOption::Standard,
        d.m,
        d.k,
        d.n,
        [1.0, 0.0],
        pa,
        d.rsa,
        d.csa,
        pb,
        d.rsb,
        d.csb,
        [0.0, 0.0],
        pc,
        d.n as isize,
        1
    ),
    C32
);
blas_gemm!(
    Complex<f64>,
    |d: Dims, pa, pb, pc| matrixmultiply::zgemm(
        matrixmultiply::CGemmOption::Standard,
        matrixmultiply::CGemmOption::Standard,
        d.m,
        d.k,
        d.n,
        [1.0, 0.0],
        pa,
        d.rsa,
        d.csa,
        pb,
        d.rsb,
        d.csb,
        [0.0, 0.0],
        pc,
        d.n as isize,
        1
    ),
    C64
);

/// Products per batch item below which batches are split across threads (larger products
/// are threaded inside the kernel).
const SPLIT_BELOW: usize = 1 << 21;

/// Multiply-adds from which one product runs on two threads inside the AVX-512 kernel.
const LARGE: usize = 1 << 20;

/// The product of `a` and `b` (of result shape `shape`) with `epi` applied to every element.
pub(super) fn run<T: Gemm>(
    a: &NdArray,
    b: &NdArray,
    shape: &Shape,
    epi: &Epilogue<T>,
) -> Result<NdArray> {
    let nd = shape.ndim();
    let batch = Shape::from(&shape[..nd - 2]);
    let (m, n) = (shape[nd - 2], shape[nd - 1]);
    let k = a.shape()[a.ndim() - 1];
    let (oa, ob) = (operand(a, &batch)?, operand(b, &batch)?);
    let dims = Dims {
        m,
        k,
        n,
        rsa: oa.rs,
        csa: oa.cs,
        rsb: ob.rs,
        csb: ob.cs,
    };
    let (da, db) = (a.data(), b.data());
    let (sa, sb) = (da.as_slice::<T>(), db.as_slice::<T>());
    // every element is written below (matrixmultiply never reads C when beta = 0), so a
    // recycled buffer needs no zeroing
    let mut bytes = Bytes::for_overwrite(T::DTYPE, shape.size());
    let per = m * n;
    if per == 0 {
        return Ok(NdArray::from_bytes(bytes, shape.clone()));
    }
    let out = bytes.as_mut_slice::<T>();
    let nb = batch.size();
    let work = m * n * k;
    // batches go one product per thread: always with the AVX-512 kernel when the batch
    // balances (even, or long), otherwise only for small products
    let balanced = T::fast_enabled() && (nb % 2 == 0 || nb >= 8);
    let threads = if nb >= 2 && (work < SPLIT_BELOW || balanced) && nb * work >= 1 << 16 {
        2
    } else {
        1
    };
    let chunk = nb.div_ceil(threads);
    // threads inside one product: two for large products that the batch split leaves alone
    let inner = if threads == 1 && work >= LARGE {
        crate::exec::max_threads().clamp(1, 2)
    } else {
        1
    };
    let body = |first: usize, c: &mut [T]| {
        for (j, cj) in c.chunks_mut(per).enumerate() {
            let i = first + j;
            let (oa, ob) = (oa.offsets[i], ob.offsets[i]);
            if !T::fast(sa, oa, sb, ob, dims, cj, inner, epi) {
                T::gemm(sa, oa, sb, ob, dims, cj);
                T::finish(cj, n, epi);
            }
        }
    };
    if threads == 1 {
        body(0, out);
    } else {
        let (first, second) = out.split_at_mut(chunk * per);
        crate::workers::join(|| body(0, first), || body(chunk, second));
    }
    Ok(NdArray::from_bytes(bytes, shape.clone()))
}

/// `matmul(a, b)` for inputs `(..., m, k)` and `(..., k, n)` of one dtype.
pub fn matmul(a: &NdArray, b: &NdArray) -> Result<NdArray> {
    let (shape, dtype) = numfuse_ir::linalg_op::infer_matmul(
        &(a.shape().clone(), a.dtype()),
        &(b.shape().clone(), b.dtype()),
    )?;
    macro_rules! run {
        ($t:ty, $a:expr, $b:expr) => {
            run::<$t>($a, $b, &shape, &Epilogue::default())
        };
    }
    match dtype {
        DType::Float16 => {
            let (a32, b32) = (cast_array(a, DType::Float32), cast_array(b, DType::Float32));
            Ok(cast_array(&run!(f32, &a32, &b32)?, DType::Float16))
        }
        DType::Float32 => run!(f32, a, b),
        DType::Float64 => run!(f64, a, b),
        DType::Complex64 => run!(Complex<f32>, a, b),
        DType::Complex128 => run!(Complex<f64>, a, b),
        DType::Bool => run!(bool, a, b),
        DType::Int8 => run!(i8, a, b),
        DType::UInt8 => run!(u8, a, b),
        DType::Int16 => run!(i16, a, b),
        DType::UInt16 => run!(u16, a, b),
        DType::Int32 => run!(i32, a, b),
        DType::UInt32 => run!(u32, a, b),
        DType::Int64 => run!(i64, a, b),
        DType::UInt64 => run!(u64, a, b),
        #[allow(unreachable_patterns)]
        d => Err(Error::Value(format!("matmul has no loop for {d}"))),
    }
}
