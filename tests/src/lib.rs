//! Shared helpers for the numfuse integration tests (fixture loading, comparisons).
