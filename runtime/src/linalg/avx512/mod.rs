//! An AVX-512 GEMM for float32 and float64.
//!
//! Goto/BLIS structure (`driver.rs`): `C` is split between the threads by `NR`-column panels
//! (wide products, such as a dense layer's small `M`) or by `MR`-row panels, whichever leaves
//! the busier thread fewer tiles. The operand the split does not cut (`A` for a column split,
//! `B` for a row split) is packed once, `K` block by `K` block as the threads first need it
//! (`shared.rs`), and shared; the other is packed by each thread, `K` block by `K` block, for the chunks of `C` it claims
//! (dynamically, so load on the machine does not stall the faster thread), into a private
//! L2-sized buffer (`pack.rs` reads through the operands' strides, so transposed,
//! sliced, broadcast and reversed views are never copied first). A register-blocked
//! micro-kernel (`kernel.rs`, `MR × NR` = 12 rows × two zmm vectors) accumulates each `C`
//! tile over one `K` block and writes it straight into `C` with masked loads and stores at
//! the edges.
//!
//! **Determinism.** Every element of `C` is the sum over the same `K` blocks in the same
//! order (FMA chains within a block, blocks added in order), whatever the split and thread
//! count. Padding rows/columns of the packed panels are zero and never reach `C`, so NaN and
//! Inf propagate as in a plain dot product.
//!
//! **Epilogue.** [`Epilogue`] is applied to each finished `C` tile after its last `K` block
//! (`c = relu(scale * acc + bias[j])`), so `maximum(x @ w + b, 0)` can be fused into the
//! output pass.
//!
//! The `unsafe` of this module (the `#[target_feature]` micro-kernels and raw reads of the
//! validated strided views) lives in the submodules; every block states its bounds argument.

mod driver;
pub mod kernel;
mod pack;
mod shared;

pub use driver::gemm;

/// Element types with an AVX-512 micro-kernel (`f32`, `f64`).
pub trait Element: Copy + Default + Send + Sync + PartialOrd + 'static {
    /// The additive identity.
    const ZERO: Self;
    /// Rows of the micro-tile.
    const MR: usize;
    /// Columns of the micro-tile (two zmm vectors).
    const NR: usize;
    /// Depth of one `K` block on this CPU.
    fn kc() -> usize;
    /// `x * s` (scalar epilogue for `k = 0`).
    fn mul(self, s: Self) -> Self;
    /// `x + y` (scalar epilogue for `k = 0`).
    fn add(self, y: Self) -> Self;
    /// Runs one micro-tile; see [`kernel::Tile`].
    ///
    /// # Safety
    /// As [`kernel::Tile`] describes; the CPU supports AVX-512F.
    #[doc(hidden)]
    unsafe fn tile(t: &kernel::Tile<Self>);
    /// Runs `f` with this thread's packing buffers (`B`, `A` of this thread, `A` of the
    /// helper thread), kept across calls so that large products do not page-fault each time.
    #[doc(hidden)]
    fn with_buffers<R>(f: impl FnOnce(&mut [Vec<Self>; 3]) -> R) -> R;
}

/// Whether the AVX-512 kernels can run on this CPU.
pub fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

/// Whether the CPU's vendor string (`cpuid` leaf 0) is Intel's: the `K` block depth is
/// tuned per vendor (`driver.rs`).
pub fn is_intel() -> bool {
    static INTEL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *INTEL.get_or_init(|| {
        let r = std::arch::x86_64::__cpuid(0);
        [r.ebx, r.edx, r.ecx]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .eq(*b"GenuineIntel")
    })
}

/// Whether `matmul` uses these kernels for float32/float64 products: by default whenever
/// AVX-512F is detected; `NUMFUSE_GEMM=matrixmultiply` selects the `matrixmultiply` fallback
/// instead (read once per process).
pub fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var("NUMFUSE_GEMM").map_or(true, |v| v != "matrixmultiply") && available()
    })
}

/// A strided operand: element `(i, j)` is `data[off + i*rs + j*cs]` for `i < rows`,
/// `j < cols`. Strides may be zero (broadcast) or negative (reversed).
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, T> {
    /// The storage.
    pub data: &'a [T],
    /// Element offset of `(0, 0)`.
    pub off: isize,
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Row stride in elements.
    pub rs: isize,
    /// Column stride in elements.
    pub cs: isize,
}

impl<T> MatRef<'_, T> {
    /// Whether every element `(i, j)` lies inside `data` (checked arithmetic; empty views
    /// are valid).
    pub fn is_valid(&self) -> bool {
        if self.rows == 0 || self.cols == 0 {
            return true;
        }
        let span = |n: usize, s: isize| -> Option<(isize, isize)> {
            let e = isize::try_from(n - 1).ok()?.checked_mul(s)?;
            Some((e.min(0), e.max(0)))
        };
        let check = || -> Option<bool> {
            let (r0, r1) = span(self.rows, self.rs)?;
            let (c0, c1) = span(self.cols, self.cs)?;
            let lo = self.off.checked_add(r0)?.checked_add(c0)?;
            let hi = self.off.checked_add(r1)?.checked_add(c1)?;
            Some(lo >= 0 && (hi as usize) < self.data.len())
        };
        check().unwrap_or(false)
    }
}

/// What to do with each finished `C` element: `c = relu(scale * acc + bias[j])`, each step
/// optional, in this order (each step rounds, as the unfused expression would).
///
/// * `scale`: multiplies the dot product (`alpha` of BLAS).
/// * `bias`: a row-broadcast bias of length `n` (`bias[j]` added to column `j`), as in
///   `x @ w + b`.
/// * `relu`: NumPy's `maximum(c, 0)`: NaN stays NaN, `-0.0` stays `-0.0`.
///
/// The epilogue is applied once per element, after the last `K` block (and to zeros when
/// `k = 0`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Epilogue<'a, T> {
    /// Multiplier of the product, if any.
    pub scale: Option<T>,
    /// Row-broadcast bias (length `n`), if any.
    pub bias: Option<&'a [T]>,
    /// Clamp below at zero (NaN-propagating).
    pub relu: bool,
}

impl<T: Element> Epilogue<'_, T> {
    /// No epilogue: `c = a · b`.
    pub fn none() -> Self {
        Epilogue {
            scale: None,
            bias: None,
            relu: false,
        }
    }

    /// The scalar epilogue for element column `j` (used where no micro-kernel runs).
    pub(crate) fn apply(&self, mut v: T, j: usize) -> T {
        if let Some(s) = self.scale {
            v = v.mul(s);
        }
        if let Some(b) = self.bias {
            v = v.add(b[j]);
        }
        if self.relu && v < T::ZERO {
            v = T::ZERO;
        }
        v
    }
}
