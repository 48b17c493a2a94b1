//! numfuse-codegen: kernel IR → Cranelift → machine code.
//!
//! Empty on purpose until the "Fused JIT" issue: the foundation evaluates every graph with the
//! reference interpreter in `numfuse-runtime`. The crate exists so that the dependency direction
//! (ir → codegen → runtime) is fixed from the start.
