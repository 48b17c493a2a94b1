//! The JIT: one Cranelift module for the process, compiling kernels on demand, and the
//! bounded kernel cache keyed by the kernel's structure (ops, dtypes, rank, inner stride
//! classes) — sizes and stride values are run-time arguments, so a new length or view of the
//! same structure is a cache hit.

use crate::abi::KernelFn;
use cranelift::prelude::*;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use numfuse_ir::kernel::Kernel;
use rustc_hash::FxHashMap as HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// At most this many kernels stay cached. Beyond that the cache is cleared and compiling
/// continues in a fresh Cranelift module; the old module's code memory is freed when the last
/// [`Compiled`] that points into it is dropped, so memory stays bounded too.
pub const CACHE_CAPACITY: usize = 4096;

/// A compiled kernel with its compile report. It keeps the code memory it points into alive:
/// call [`Compiled::func`] only while holding the `Compiled`.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The callable kernel.
    pub func: KernelFn,
    /// The Cranelift IR text of the function.
    pub clif: Arc<String>,
    /// Time to build, compile and finalize.
    pub compile_time: Duration,
    /// The module whose memory holds the code.
    _code: Arc<CodeMemory>,
}

/// One Cranelift module: its code memory is unmapped when the last kernel compiled into it
/// (and the JIT itself, once it moved on to a new module) lets go.
struct CodeMemory {
    module: Mutex<Option<JITModule>>,
}

impl std::fmt::Debug for CodeMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeMemory")
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        let module = self.module.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = module.take() {
            // SAFETY: every function pointer into this module is reachable only through a
            // `Compiled` holding an `Arc` of this `CodeMemory` (callers call kernels while
            // holding the `Compiled`); this is the last `Arc`, so no kernel of it can run
            // or be called any more.
            unsafe { m.free_memory() }
        }
    }
}

struct Jit {
    code: Arc<CodeMemory>,
    ctx: codegen::Context,
    fctx: FunctionBuilderContext,
    cache: HashMap<Kernel, Compiled>,
    next_id: u64,
}

static JIT: OnceLock<Mutex<Jit>> = OnceLock::new();
static HITS: AtomicU64 = AtomicU64::new(0);
static MISSES: AtomicU64 = AtomicU64::new(0);

/// Cache statistics: `(hits, misses)` since the process started.
pub fn cache_stats() -> (u64, u64) {
    (HITS.load(Ordering::Relaxed), MISSES.load(Ordering::Relaxed))
}

fn new_jit() -> Result<Jit, String> {
    let mut flags = settings::builder();
    for (k, v) in [
        ("opt_level", "speed"),
        ("is_pic", "false"),
        ("use_colocated_libcalls", "false"),
        (
            "enable_verifier",
            if cfg!(debug_assertions) {
                "true"
            } else {
                "false"
            },
        ),
    ] {
        flags.set(k, v).map_err(|e| e.to_string())?;
    }
    let isa = cranelift_native::builder()
        .map_err(|e| e.to_string())?
        .finish(settings::Flags::new(flags))
        .map_err(|e| e.to_string())?;
    let builder = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
    let module = JITModule::new(builder);
    let ctx = module.make_context();
    Ok(Jit {
        code: Arc::new(CodeMemory {
            module: Mutex::new(Some(module)),
        }),
        ctx,
        fctx: FunctionBuilderContext::new(),
        cache: HashMap::default(),
        next_id: 0,
    })
}

impl Jit {
    fn compile(&mut self, k: &Kernel) -> Result<Compiled, String> {
        let start = Instant::now();
        // a fresh builder state, whatever happened to the previous compile
        self.fctx = FunctionBuilderContext::new();
        let code = self.code.clone();
        let mut guard = code.module.lock().unwrap_or_else(|p| p.into_inner());
        let module = guard.as_mut().ok_or("the JIT module is gone")?;
        module.clear_context(&mut self.ctx);
        let ptr = module.target_config().pointer_type();
        let mut sig = module.make_signature();
        for _ in 0..3 {
            sig.params.push(AbiParam::new(ptr));
        }
        let name = format!("nf_kernel_{}", self.next_id);
        self.next_id += 1;
        let id = module
            .declare_function(&name, Linkage::Local, &sig)
            .map_err(|e| e.to_string())?;
        self.ctx.func.signature = sig;
        let target = module.target_config();
        crate::lower::build(k, &mut self.ctx.func, &mut self.fctx, target);
        let clif = self.ctx.func.display().to_string();
        module
            .define_function(id, &mut self.ctx)
            .map_err(|e| format!("{e:?}"))?;
        module.clear_context(&mut self.ctx);
        module.finalize_definitions().map_err(|e| e.to_string())?;
        let entry = module.get_finalized_function(id);
        // SAFETY: `entry` is the finalized entry of the function just built from `k` with the
        // kernel signature; the returned `Compiled` holds the module's `CodeMemory`, which
        // keeps the code mapped while it lives.
        let func = unsafe { KernelFn::from_code(entry, k) };
        drop(guard);
        Ok(Compiled {
            func,
            clif: Arc::new(clif),
            compile_time: start.elapsed(),
            _code: code,
        })
    }

    /// Clears the cache and continues in a fresh module (the old one is freed when its last
    /// kernel is dropped).
    fn restart(&mut self) -> Result<(), String> {
        let fresh = new_jit()?;
        self.cache.clear();
        self.code = fresh.code;
        Ok(())
    }
}

/// The compiled kernel for `k`, from the cache or freshly compiled. The flag says whether it
/// was a cache hit.
pub fn get_or_compile(k: &Kernel) -> Result<(Compiled, bool), String> {
    let jit =
        JIT.get_or_init(|| Mutex::new(new_jit().expect("the host ISA is supported by Cranelift")));
    let mut jit = jit.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = jit.cache.get(k) {
        HITS.fetch_add(1, Ordering::Relaxed);
        return Ok((c.clone(), true));
    }
    MISSES.fetch_add(1, Ordering::Relaxed);
    // a code generator bug must surface as an error, not poison the JIT for the process
    let c = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jit.compile(k))).map_err(
        |p| {
            format!(
                "code generation panicked: {}",
                p.downcast_ref::<String>()
                    .map(|s| s.as_str())
                    .or(p.downcast_ref::<&str>().copied())
                    .unwrap_or("?")
            )
        },
    )??;
    if jit.cache.len() >= CACHE_CAPACITY {
        jit.restart()?;
    }
    jit.cache.insert(k.clone(), c.clone());
    Ok((c, false))
}
