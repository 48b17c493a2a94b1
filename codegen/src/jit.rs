//! The JIT: one Cranelift module for the process, compiling kernels on demand, and the
//! bounded kernel cache keyed by the kernel's structure (ops, dtypes, rank, inner stride
//! classes) — sizes and stride values are run-time arguments, so a new length or view of the
//! same structure is a cache hit.

use crate::abi::KernelFn;
use cranelift::prelude::*;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use numfuse_ir::kernel::Kernel;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// At most this many kernels stay cached; beyond that the cache is cleared (code memory is
/// kept: Cranelift frees it only with the whole module).
pub const CACHE_CAPACITY: usize = 4096;

/// A compiled kernel with its compile report.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The callable kernel.
    pub func: KernelFn,
    /// The Cranelift IR text of the function.
    pub clif: Arc<String>,
    /// Time to build, compile and finalize.
    pub compile_time: Duration,
}

struct Jit {
    module: JITModule,
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
        module,
        ctx,
        fctx: FunctionBuilderContext::new(),
        cache: HashMap::new(),
        next_id: 0,
    })
}

impl Jit {
    fn compile(&mut self, k: &Kernel) -> Result<Compiled, String> {
        let start = Instant::now();
        // a fresh builder state, whatever happened to the previous compile
        self.fctx = FunctionBuilderContext::new();
        self.module.clear_context(&mut self.ctx);
        let ptr = self.module.target_config().pointer_type();
        let mut sig = self.module.make_signature();
        for _ in 0..3 {
            sig.params.push(AbiParam::new(ptr));
        }
        let name = format!("nf_kernel_{}", self.next_id);
        self.next_id += 1;
        let id = self
            .module
            .declare_function(&name, Linkage::Local, &sig)
            .map_err(|e| e.to_string())?;
        self.ctx.func.signature = sig;
        let target = self.module.target_config();
        crate::lower::build(k, &mut self.ctx.func, &mut self.fctx, target);
        let clif = self.ctx.func.display().to_string();
        self.module
            .define_function(id, &mut self.ctx)
            .map_err(|e| format!("{e:?}"))?;
        self.module.clear_context(&mut self.ctx);
        self.module
            .finalize_definitions()
            .map_err(|e| e.to_string())?;
        let code = self.module.get_finalized_function(id);
        // SAFETY: `code` is the finalized entry of the function just built from `k` with the
        // kernel signature; the module is never freed, so the code stays mapped.
        let func = unsafe { KernelFn::from_code(code, k) };
        Ok(Compiled {
            func,
            clif: Arc::new(clif),
            compile_time: start.elapsed(),
        })
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
        jit.cache.clear();
    }
    jit.cache.insert(k.clone(), c.clone());
    Ok((c, false))
}
