//! Criterion benches of the vmath routines (placeholder, filled in below).
fn main() {}
