//! Aligned, typed byte buffers and the shared storage cell behind every `NdArray`.
//!
//! This is one of the two modules allowed to use `unsafe` (the other is the kernel ABI in
//! codegen). The invariants that make the typed views sound:
//! * a [`Bytes`] is created for one [`DType`] and never reinterpreted as another: every typed
//!   access checks `T::DTYPE == self.dtype`;
//! * its memory is 64-byte aligned (the alignment of [`Chunk`]) and zero-initialised, and zero
//!   bytes are a valid value of every element type (including `bool` = false);
//! * `bool` buffers are only ever written through `&mut [bool]`, so every byte stays 0 or 1.
//!
//! [`Storage`] implements the value semantics of lazy graphs: views share one `Storage`; a lazy
//! graph keeps an `Arc<Bytes>` snapshot; a write goes through `Arc::make_mut`, which copies the
//! bytes first only while a snapshot is alive (copy-on-write).

use numfuse_ir::DType;
use std::sync::{Arc, RwLock};

/// Element types that can live in a buffer.
///
/// # Safety
/// Implementors must be plain data whose all-zero bit pattern is a valid value, with no padding,
/// and `DTYPE.itemsize() == size_of::<Self>()`.
pub unsafe trait Pod: Copy + Send + Sync + 'static {
    /// The dtype stored by this Rust type.
    const DTYPE: DType;
}

macro_rules! pod {
    ($($t:ty => $d:ident),*) => {$(
        // SAFETY: primitive numeric types (and their complex pairs) have no padding, zero is a
        // valid value of each, and the sizes match the dtype item sizes.
        unsafe impl Pod for $t { const DTYPE: DType = DType::$d; }
    )*};
}
pod!(bool => Bool, i8 => Int8, u8 => UInt8, i16 => Int16, u16 => UInt16, i32 => Int32,
     u32 => UInt32, i64 => Int64, u64 => UInt64, half::f16 => Float16, f32 => Float32,
     f64 => Float64, num_complex::Complex<f32> => Complex64, num_complex::Complex<f64> => Complex128);

/// A 64-byte aligned block; buffers are vectors of these.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Chunk([u8; 64]);

/// A zero-initialised, 64-byte aligned buffer holding `len` elements of one dtype.
#[derive(Clone)]
pub struct Bytes {
    chunks: Vec<Chunk>,
    dtype: DType,
    len: usize,
}

impl Bytes {
    /// A zeroed buffer of `len` elements of `dtype`.
    pub fn zeroed(dtype: DType, len: usize) -> Bytes {
        Bytes {
            chunks: zeroed_chunks(len * dtype.itemsize()),
            dtype,
            len,
        }
    }

    /// A buffer whose contents will be overwritten entirely (kernel outputs): large buffers
    /// come from the pool of recently freed ones, so repeated evaluations do not pay page
    /// faults. The contents are initialized (zeros or old numbers) but unspecified; bool
    /// buffers are always zeroed so that every byte is a valid bool.
    pub fn for_overwrite(dtype: DType, len: usize) -> Bytes {
        let n = (len * dtype.itemsize()).div_ceil(64);
        if dtype != DType::Bool && n * 64 >= POOL_MIN_BYTES {
            if let Some(chunks) = pool_take(n) {
                return Bytes { chunks, dtype, len };
            }
        }
        Bytes::zeroed(dtype, len)
    }

    /// A buffer holding a copy of `data`.
    pub fn from_slice<T: Pod>(data: &[T]) -> Bytes {
        let mut b = Bytes::zeroed(T::DTYPE, data.len());
        crate::copy::copy_elems(b.as_mut_slice::<T>(), data);
        b
    }

    /// The element dtype.
    pub fn dtype(&self) -> DType {
        self.dtype
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when the buffer holds no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn check<T: Pod>(&self) {
        assert_eq!(
            T::DTYPE,
            self.dtype,
            "numfuse internal error: {} buffer read as {}",
            self.dtype,
            T::DTYPE
        );
    }

    /// The elements as a typed slice. Panics (an internal bug) if `T` is not the buffer's type.
    pub fn as_slice<T: Pod>(&self) -> &[T] {
        self.check::<T>();
        // SAFETY: the chunks hold at least `len * size_of::<T>()` initialised bytes (zeroed at
        // creation, then only written through typed slices of the same `T`), the pointer is
        // 64-byte aligned which satisfies every `Pod` alignment, and the lifetime is tied to `self`.
        unsafe { std::slice::from_raw_parts(self.chunks.as_ptr().cast::<T>(), self.len) }
    }

    /// The elements as a mutable typed slice. Panics (an internal bug) on a type mismatch.
    pub fn as_mut_slice<T: Pod>(&mut self) -> &mut [T] {
        self.check::<T>();
        // SAFETY: as in `as_slice`; `&mut self` guarantees exclusive access, and writes of `T`
        // keep every byte a valid `T` (in particular bools stay 0 or 1).
        unsafe { std::slice::from_raw_parts_mut(self.chunks.as_mut_ptr().cast::<T>(), self.len) }
    }

    /// A pointer to the first byte, for compiled kernels (reading through it is only sound
    /// while this buffer is alive and not written).
    pub fn as_ptr(&self) -> *const u8 {
        self.chunks.as_ptr().cast()
    }

    /// A writable pointer to the first byte, for compiled kernels writing a fresh buffer.
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.chunks.as_mut_ptr().cast()
    }

    /// The address of the first element (for `shares_memory` and diagnostics).
    pub fn addr(&self) -> usize {
        self.chunks.as_ptr() as usize
    }
}

impl Drop for Bytes {
    fn drop(&mut self) {
        if self.chunks.len() * 64 >= POOL_MIN_BYTES {
            pool_put(std::mem::take(&mut self.chunks));
        }
    }
}

/// Buffers of at least this many bytes are recycled.
const POOL_MIN_BYTES: usize = 1 << 20;
/// The pool holds at most this many bytes; beyond it the least recently freed buffers are
/// returned to the allocator, so a program's current working set always fits (a pool that
/// refused new buffers once full would keep stale sizes and page-fault on every new one).
const POOL_MAX_BYTES: usize = 1 << 30;

/// Recently freed buffers, oldest first, with their total size in bytes.
#[derive(Default)]
struct Pool {
    free: std::collections::VecDeque<Vec<Chunk>>,
    bytes: usize,
}

impl Pool {
    /// Removes and returns the most recently freed buffer of exactly `chunks` chunks.
    fn take(&mut self, chunks: usize) -> Option<Vec<Chunk>> {
        let at = self.free.iter().rposition(|v| v.len() == chunks)?;
        let v = self.free.remove(at)?;
        self.bytes -= chunks * 64;
        Some(v)
    }

    /// Adds `v` and returns the oldest buffers that no longer fit in `cap` bytes (for the
    /// caller to free outside the lock).
    fn put(&mut self, v: Vec<Chunk>, cap: usize) -> Vec<Vec<Chunk>> {
        if v.len() * 64 > cap {
            return vec![v];
        }
        self.bytes += v.len() * 64;
        self.free.push_back(v);
        let mut evicted = Vec::new();
        while self.bytes > cap {
            let Some(old) = self.free.pop_front() else {
                break;
            };
            self.bytes -= old.len() * 64;
            evicted.push(old);
        }
        evicted
    }
}

fn pool() -> std::sync::MutexGuard<'static, Pool> {
    static POOL: std::sync::OnceLock<std::sync::Mutex<Pool>> = std::sync::OnceLock::new();
    POOL.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn pool_take(chunks: usize) -> Option<Vec<Chunk>> {
    pool().take(chunks)
}

fn pool_put(v: Vec<Chunk>) {
    let evicted = pool().put(v, POOL_MAX_BYTES);
    drop(evicted); // freed outside the lock
}

/// `bytes` rounded up to whole chunks, zero-filled by the allocator (fresh pages from the OS
/// for large sizes, so no explicit write pass).
fn zeroed_chunks(bytes: usize) -> Vec<Chunk> {
    let n = bytes.div_ceil(64);
    if n == 0 {
        return Vec::new();
    }
    let layout = std::alloc::Layout::array::<Chunk>(n).expect("buffer size overflows");
    // SAFETY: the layout has non-zero size; `alloc_zeroed` returns memory valid for `n`
    // chunks (or null, handled), all-zero bytes are a valid `Chunk`, and the allocation's
    // layout is exactly `Vec<Chunk>`'s for capacity `n`, so the Vec may own and free it.
    unsafe {
        let p = std::alloc::alloc_zeroed(layout).cast::<Chunk>();
        if p.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Vec::from_raw_parts(p, n, n)
    }
}

/// The storage shared by an array and all its views.
pub struct Storage {
    bytes: RwLock<Arc<Bytes>>,
}

impl Storage {
    /// New storage around a buffer.
    pub fn new(bytes: Bytes) -> Arc<Storage> {
        Arc::new(Storage {
            bytes: RwLock::new(Arc::new(bytes)),
        })
    }

    /// Storage that starts from an existing snapshot (shared until written).
    pub fn from_arc(bytes: Arc<Bytes>) -> Storage {
        Storage {
            bytes: RwLock::new(bytes),
        }
    }

    /// The buffer itself when no snapshot shares it (else the storage back).
    pub fn into_bytes(self) -> Result<Bytes, Storage> {
        let arc = self.bytes.into_inner().unwrap_or_else(|p| p.into_inner());
        Arc::try_unwrap(arc).map_err(Storage::from_arc)
    }

    /// A snapshot of the current contents. The snapshot never changes: writers copy first.
    pub fn snapshot(&self) -> Arc<Bytes> {
        match self.bytes.read() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    /// Runs `f` with exclusive, writable access to the contents, copying them first if a
    /// snapshot is alive.
    pub fn write<R>(&self, f: impl FnOnce(&mut Bytes) -> R) -> R {
        let mut guard = match self.bytes.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        f(Arc::make_mut(&mut guard))
    }
}

#[cfg(test)]
mod tests {
    use super::{Chunk, Pool};

    fn buf(chunks: usize, tag: u8) -> Vec<Chunk> {
        vec![Chunk([tag; 64]); chunks]
    }

    #[test]
    fn pool_returns_the_newest_buffer_of_the_size() {
        let mut p = Pool::default();
        assert!(p.put(buf(2, 1), 1 << 20).is_empty());
        assert!(p.put(buf(3, 2), 1 << 20).is_empty());
        assert!(p.put(buf(2, 3), 1 << 20).is_empty());
        assert_eq!(p.take(2).unwrap()[0].0[0], 3);
        assert_eq!(p.take(2).unwrap()[0].0[0], 1);
        assert!(p.take(2).is_none());
        assert_eq!(p.bytes, 3 * 64);
    }

    #[test]
    fn a_full_pool_evicts_the_oldest_not_the_new_buffer() {
        let cap = 4 * 64;
        let mut p = Pool::default();
        assert!(p.put(buf(2, 1), cap).is_empty());
        assert!(p.put(buf(2, 2), cap).is_empty());
        let evicted = p.put(buf(1, 3), cap);
        assert_eq!(evicted.len(), 1);
        assert_eq!(evicted[0][0].0[0], 1);
        assert_eq!(p.bytes, 3 * 64);
        assert_eq!(p.take(1).unwrap()[0].0[0], 3);
        // a buffer larger than the whole pool is handed straight back
        assert_eq!(p.put(buf(5, 4), cap).len(), 1);
        assert_eq!(p.bytes, 2 * 64);
    }
}
