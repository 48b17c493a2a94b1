//! numfuse
