//! numfuse-ir: the typed, hash-consed array-expression IR that every other stage reads.
//!
//! * [`DType`] and NumPy 2 promotion ([`promote`], weak scalars per NEP 50, casting rules);
//! * [`Shape`] with NumPy broadcasting and axis normalisation;
//! * [`Op`], the closed operation set, and [`infer`], which derives a node's shape and dtype;
//! * [`Graph`], the arena of nodes in topological order with hash-consing (CSE),
//!   its [`verify`](Graph::verify) pass and the text and DOT printers;
//! * [`Error`], the typed error every numfuse crate returns.
//!
//! ```
//! use numfuse_ir::{DType, Graph, Op, BinaryOp, Shape};
//! let mut g = Graph::new();
//! let a = g.input(Shape::from([3, 4]), DType::Float64);
//! let b = g.input(Shape::from([4]), DType::Float64);
//! // elementwise inputs must have equal shapes: broadcasting is an explicit node
//! let bb = g.add(Op::Broadcast(Shape::from([3, 4])), &[b]).unwrap();
//! let c = g.add(Op::Binary(BinaryOp::Add), &[a, bb]).unwrap();
//! assert_eq!(g.node(c).shape, Shape::from([3, 4]));
//! assert!(g.add(Op::Binary(BinaryOp::Add), &[a, b]).is_err());
//! g.mark_output(c);
//! g.verify().unwrap();
//! assert_eq!(g.to_text().lines().last(), Some("return %3"));
//! ```

pub mod dtype;
pub mod error;
pub mod graph;
pub mod infer;
pub mod kernel;
pub mod linalg_op;
pub mod op;
pub mod print;
pub mod scalar;
pub mod shape;
pub mod ufunc;

pub use dtype::{promote, promote_weak, DType, DTypeKind};
pub use error::{Error, Origin, Result};
pub use graph::{Graph, InputDesc, Node, NodeId};
pub use linalg_op::{FftKind, FftNorm, FftOp, LinalgOp, MatmulEpilogue};
pub use op::{ArgReduceOp, BinaryOp, Op, ReduceOp, ScanOp, SliceAxis, UnaryOp};
pub use scalar::Scalar;
pub use shape::{broadcast_shapes, Shape};
