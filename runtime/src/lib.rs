//! numfuse runtime
