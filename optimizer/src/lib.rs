//! numfuse-optimizer: the passes between graph building and evaluation.
//!
//! Empty on purpose in the foundation: graphs are evaluated as built (the graph arena already
//! performs common-subexpression elimination by hash-consing). The egg rewrite families,
//! contraction ordering, the fusion scheduler and the memory plan arrive with the "E-graph
//! optimizer" and "Fused JIT" issues; see ARCHITECTURE.md for where each will live.
