//! The one kernel ABI and the only `unsafe` of the JIT path.
//!
//! A compiled kernel is `extern "C" fn(shape: *const i64, ptrs: *const *mut u8,
//! strides: *const i64)`: `shape[d]` for each of the kernel's `rank` dimensions, one base
//! pointer per operand, and `strides[o * rank + d]` in bytes for operand `o`, dimension `d`.

use numfuse_ir::kernel::Kernel;

/// The machine signature of every kernel.
pub type RawKernel = unsafe extern "C" fn(*const i64, *const *mut u8, *const i64);

/// A finalized kernel: code address plus the facts needed to call it safely.
#[derive(Clone, Copy, Debug)]
pub struct KernelFn {
    pub(crate) raw: RawKernel,
    pub(crate) rank: usize,
    pub(crate) operands: usize,
}

/// The memory one call touches: for every operand, a base pointer and per-dimension byte
/// strides such that every index inside `shape` addresses a valid element (reads for inputs,
/// exclusive writes for outputs).
pub struct CallArgs<'a> {
    /// The loop-nest extents.
    pub shape: &'a [i64],
    /// One base pointer per operand.
    pub ptrs: &'a [*mut u8],
    /// `operands × rank` byte strides.
    pub strides: &'a [i64],
}

impl KernelFn {
    /// Runs the kernel.
    ///
    /// # Safety
    /// For every operand `o` and every index `i` with `0 <= i[d] < shape[d]`, the address
    /// `ptrs[o] + Σ i[d]·strides[o·rank + d]` must be a valid, aligned element of the operand's
    /// dtype: readable for inputs, writable and not read by another operand for outputs, and
    /// no other thread may write any of it during the call.
    pub unsafe fn call(&self, args: &CallArgs) {
        assert_eq!(args.shape.len(), self.rank, "kernel rank");
        assert_eq!(args.ptrs.len(), self.operands, "kernel operands");
        assert_eq!(
            args.strides.len(),
            self.rank * self.operands,
            "kernel strides"
        );
        // SAFETY: the code was generated for exactly this rank and operand count (checked
        // above), reads `shape`, `ptrs` and `strides` within those bounds, and touches only the
        // addresses the caller vouches for.
        unsafe {
            (self.raw)(
                args.shape.as_ptr(),
                args.ptrs.as_ptr(),
                args.strides.as_ptr(),
            )
        }
    }

    /// A kernel function from a finalized code address.
    ///
    /// # Safety
    /// `code` must be the entry of a function compiled from `k` with the kernel ABI, and stay
    /// mapped for the lifetime of the returned value.
    pub(crate) unsafe fn from_code(code: *const u8, k: &Kernel) -> KernelFn {
        // SAFETY: the caller guarantees `code` is a function with signature `RawKernel`.
        let raw = unsafe { std::mem::transmute::<*const u8, RawKernel>(code) };
        KernelFn {
            raw,
            rank: k.rank,
            operands: k.operands.len(),
        }
    }
}
