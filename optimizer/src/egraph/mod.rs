//! The e-graph optimizer: an egg 0.11 language mirroring the IR ([`lang`]), a shape/dtype/
//! constant analysis ([`analysis`], folding in [`fold`]), conversions to and from graphs
//! ([`convert`]), rule families ([`rules`]), the budgeted saturation loop ([`runner`]) and
//! DAG-aware extraction ([`extract`]). [`crate::optimize()`] strings them together.

pub mod analysis;
pub mod convert;
pub mod extract;
pub mod fold;
pub mod lang;
pub mod rules;
pub mod runner;

pub use analysis::{ClassData, NfAnalysis, NfEGraph};
pub use lang::{ENode, NfOp};
pub use rules::{Family, Mode, Rule, Soundness};
pub use runner::{Budget, SaturationReport, StopReason};
