//! numfuse-optimizer: graph passes that run between graph building and evaluation.
//!
//! Today this crate holds the pass that every engine relies on, [`simplify`]: it removes
//! identity movement ops and merges chains of reshapes. The egg-based rewrite families,
//! fusion scheduling and memory planning arrive with the "E-graph optimizer" and "Fused JIT"
//! issues (see ARCHITECTURE.md); nothing here claims to do them yet.

pub mod simplify;
