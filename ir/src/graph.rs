//! The hash-consed graph arena. Nodes are stored in topological order (every input id is smaller
//! than its user's id) and structurally equal nodes are stored once, so building a graph is also
//! common-subexpression elimination.

use crate::dtype::DType;
use crate::error::{Error, Origin, Result};
use crate::infer::{infer, Ty};
use crate::op::Op;
use crate::shape::Shape;
use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;
use std::fmt;

/// A typed node id: the index of the node in its graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "%{}", self.0)
    }
}

/// A node: operation, inputs, and the derived shape and dtype.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The operation.
    pub op: Op,
    /// Input node ids (all smaller than this node's id).
    pub inputs: SmallVec<[NodeId; 3]>,
    /// Output shape.
    pub shape: Shape,
    /// Output dtype.
    pub dtype: DType,
    /// Where the user created the value, if known.
    pub origin: Origin,
}

/// The type of one graph input.
#[derive(Clone, Debug, PartialEq)]
pub struct InputDesc {
    /// Its shape.
    pub shape: Shape,
    /// Its dtype.
    pub dtype: DType,
}

/// A DAG of array operations in topological order, hash-consed.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    /// Hash of `(op, inputs)` → nodes with that hash (compared in full on lookup).
    dedup: HashMap<u64, SmallVec<[NodeId; 1]>>,
    inputs: Vec<InputDesc>,
    outputs: Vec<NodeId>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Declares a new input array and returns its node.
    pub fn input(&mut self, shape: Shape, dtype: DType) -> NodeId {
        let n = self.inputs.len() as u32;
        self.inputs.push(InputDesc {
            shape: shape.clone(),
            dtype,
        });
        let op = Op::Input(n);
        let key = Self::key(&op, &[]);
        self.push(key, op, SmallVec::new(), (shape, dtype), None)
    }

    /// Adds (or finds) `op(inputs)`, checking types with [`infer`].
    pub fn add(&mut self, op: Op, inputs: &[NodeId]) -> Result<NodeId> {
        self.add_with_origin(op, inputs, None)
    }

    /// Like [`add`](Self::add), recording where the user created the value.
    pub fn add_with_origin(&mut self, op: Op, inputs: &[NodeId], origin: Origin) -> Result<NodeId> {
        self.add_node(op, inputs, None, origin)
    }

    /// Adds (or finds) `op(inputs)` whose type `ty` the caller already derived with
    /// [`infer`] (the frontend types every node when it is built). Debug builds re-check.
    pub fn add_typed(
        &mut self,
        op: Op,
        inputs: &[NodeId],
        ty: Ty,
        origin: Origin,
    ) -> Result<NodeId> {
        self.add_node(op, inputs, Some(ty), origin)
    }

    /// Finds or adds a node; its type is `known` or derived with [`infer`].
    fn add_node(
        &mut self,
        op: Op,
        inputs: &[NodeId],
        known: Option<Ty>,
        origin: Origin,
    ) -> Result<NodeId> {
        if let Op::Input(_) = op {
            return Err(Error::Value("use Graph::input to declare inputs".into()));
        }
        let key = Self::key(&op, inputs);
        if let Some(id) = self.find(key, &op, inputs) {
            return Ok(id);
        }
        if let Some(bad) = inputs.iter().find(|i| i.index() >= self.nodes.len()) {
            return Err(Error::Value(format!("invalid graph: unknown node {bad}")));
        }
        let derive = |g: &Graph| {
            let tys: SmallVec<[Ty; 3]> = inputs.iter().map(|&i| g.ty(i)).collect();
            infer(&op, &tys)
        };
        let ty = match known {
            Some(ty) => {
                debug_assert_eq!(
                    derive(self).ok().as_ref(),
                    Some(&ty),
                    "add_typed: the given type disagrees with infer for {op:?}"
                );
                ty
            }
            None => derive(self)?,
        };
        Ok(self.push(key, op, SmallVec::from_slice(inputs), ty, origin))
    }

    fn key(op: &Op, inputs: &[NodeId]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        op.hash(&mut h);
        inputs.hash(&mut h);
        h.finish()
    }

    fn find(&self, key: u64, op: &Op, inputs: &[NodeId]) -> Option<NodeId> {
        self.dedup.get(&key)?.iter().copied().find(|&id| {
            let n = &self.nodes[id.index()];
            n.inputs.as_slice() == inputs && n.op == *op
        })
    }

    fn push(
        &mut self,
        key: u64,
        op: Op,
        inputs: SmallVec<[NodeId; 3]>,
        ty: Ty,
        origin: Origin,
    ) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        self.dedup.entry(key).or_default().push(id);
        self.nodes.push(Node {
            op,
            inputs,
            shape: ty.0,
            dtype: ty.1,
            origin,
        });
        id
    }

    /// Marks a node as a result of the graph.
    pub fn mark_output(&mut self, id: NodeId) {
        self.outputs.push(id);
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }
    /// All nodes in topological order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    /// The declared inputs.
    pub fn inputs(&self) -> &[InputDesc] {
        &self.inputs
    }
    /// The marked outputs.
    pub fn outputs(&self) -> &[NodeId] {
        &self.outputs
    }
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    /// True when the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    /// A node's type.
    pub fn ty(&self, id: NodeId) -> Ty {
        let n = self.node(id);
        (n.shape.clone(), n.dtype)
    }
    /// A hash of the whole structure — every node's op, inputs, shape, dtype and source
    /// location, and the outputs — for caches keyed by graph (compare candidates with
    /// [`Graph::same_structure`]; equal structures hash equally).
    pub fn structure_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        for n in &self.nodes {
            n.op.hash(&mut h);
            n.inputs.hash(&mut h);
            n.shape.hash(&mut h);
            n.dtype.hash(&mut h);
            n.origin
                .map(|o| (o.file(), o.line(), o.column()))
                .hash(&mut h);
        }
        self.outputs.hash(&mut h);
        h.finish()
    }
    /// Whether both graphs have the same nodes (with their source locations), inputs and
    /// outputs: anything computed from one holds for the other.
    pub fn same_structure(&self, other: &Graph) -> bool {
        self.nodes == other.nodes && self.outputs == other.outputs && self.inputs == other.inputs
    }
    /// How many nodes use each node as an input (outputs count once more).
    pub fn use_counts(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.nodes.len()];
        for n in &self.nodes {
            for i in &n.inputs {
                counts[i.index()] += 1;
            }
        }
        for o in &self.outputs {
            counts[o.index()] += 1;
        }
        counts
    }

    /// Checks every invariant: topological order, known inputs, and each node's type equal to
    /// what [`infer`] derives; outputs exist; hash-consing holds (no duplicate nodes).
    pub fn verify(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::Value(format!("graph verification failed: {msg}")));
        let mut seen = HashMap::default();
        for (i, n) in self.nodes.iter().enumerate() {
            if n.inputs.iter().any(|x| x.index() >= i) {
                return bad(format!("%{i} uses a later node"));
            }
            let ty = match &n.op {
                Op::Input(k) => match self.inputs.get(*k as usize) {
                    Some(d) => (d.shape.clone(), d.dtype),
                    None => return bad(format!("%{i} reads undeclared input {k}")),
                },
                op => {
                    let tys: Vec<Ty> = n.inputs.iter().map(|&x| self.ty(x)).collect();
                    infer(op, &tys).map_err(|e| {
                        Error::Value(format!("graph verification failed at %{i}: {e}"))
                    })?
                }
            };
            if ty != (n.shape.clone(), n.dtype) {
                return bad(format!(
                    "%{i} is typed {} {} but its op gives {} {}",
                    n.shape, n.dtype, ty.0, ty.1
                ));
            }
            if seen.insert((n.op.clone(), n.inputs.clone()), i).is_some() {
                return bad(format!("%{i} duplicates an earlier node"));
            }
        }
        if let Some(o) = self.outputs.iter().find(|o| o.index() >= self.nodes.len()) {
            return bad(format!("output {o} does not exist"));
        }
        Ok(())
    }
}
