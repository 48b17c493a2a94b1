//! Building one fused kernel (kernel IR) from its root node: walks down through inline nodes,
//! pushes movement ops down to the loads (each load reads a realized buffer through a chain of
//! view ops), and for reduction roots iterates over the reduction's input with the reduced
//! axes innermost, computing the epilogue from the accumulator.

use crate::schedule::{is_elementwise, Access, KernelStep, Realize};
use numfuse_ir::kernel::{Accumulator, InnerStride, KInst, KOperand, KStore, KValue, Kernel, Role};
use numfuse_ir::{Graph, Node, NodeId, Op, Shape};
use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;

/// Builds one kernel by walking down from its root through inline nodes.
pub(crate) struct KernelBuilder<'g> {
    g: &'g Graph,
    realize: &'g [Realize],
    k: Kernel,
    inputs: Vec<Access>,
    memo_pre: HashMap<(NodeId, Vec<Op>), KValue>,
    memo_post: HashMap<NodeId, KValue>,
    loads: HashMap<Access, u32>,
    fused: Vec<NodeId>,
    reduce: Option<NodeId>,
    root: Option<NodeId>,
}

impl<'g> KernelBuilder<'g> {
    pub(crate) fn new(g: &'g Graph, realize: &'g [Realize]) -> Self {
        KernelBuilder {
            g,
            realize,
            k: Kernel::default(),
            inputs: Vec::new(),
            memo_pre: HashMap::default(),
            memo_post: HashMap::default(),
            loads: HashMap::default(),
            fused: Vec::new(),
            reduce: None,
            root: None,
        }
    }

    fn operand(&mut self, access: Access) -> u32 {
        if let Some(&o) = self.loads.get(&access) {
            return o;
        }
        let dtype = self.g.node(access.source).dtype;
        let o = self.k.operands.len() as u32;
        self.k.operands.push(KOperand {
            dtype,
            role: Role::Input,
            inner: InnerStride::Strided,
        });
        self.loads.insert(access.clone(), o);
        self.inputs.push(access);
        o
    }

    fn push(insts: &mut Vec<KInst>, inst: KInst) -> KValue {
        if let Some(i) = insts.iter().position(|x| *x == inst) {
            return i as KValue;
        }
        insts.push(inst);
        (insts.len() - 1) as KValue
    }

    /// The value of `x` at the iteration index, reading buffers through `chain`.
    fn pre(&mut self, x: NodeId, chain: Vec<Op>) -> KValue {
        if let Some(&v) = self.memo_pre.get(&(x, chain.clone())) {
            return v;
        }
        let node = self.g.node(x);
        let v = match (&node.op, &self.realize[x.index()]) {
            (Op::Const { value, dtype }, _) => {
                Self::push(&mut self.k.pre, KInst::Const(*value, *dtype))
            }
            (op, Realize::Inline) if op.is_movement() => {
                let mut c = vec![op.clone()];
                c.extend(chain.iter().cloned());
                self.pre(node.inputs[0], c)
            }
            (op, Realize::Inline) => {
                self.fused.push(x);
                let args: Vec<KValue> = node
                    .inputs
                    .iter()
                    .map(|&i| self.pre(i, chain.clone()))
                    .collect();
                let inst = self.elementwise(op, &args, node);
                Self::push(&mut self.k.pre, inst)
            }
            _ => {
                let (source, c) = self.through_views(x, chain.clone());
                let o = self.operand(Access {
                    source,
                    chain: c,
                    post: false,
                });
                Self::push(&mut self.k.pre, KInst::Load(o))
            }
        };
        self.memo_pre.insert((x, chain), v);
        v
    }

    /// Resolves a realized node (buffer or view) to its buffer and the full view chain.
    fn through_views(&self, mut x: NodeId, mut chain: Vec<Op>) -> (NodeId, Vec<Op>) {
        while self.realize[x.index()] == Realize::View {
            let n = self.g.node(x);
            chain.insert(0, n.op.clone());
            x = n.inputs[0];
        }
        (x, chain)
    }

    fn elementwise(&self, op: &Op, args: &[KValue], node: &Node) -> KInst {
        match op {
            Op::Unary(u) => KInst::Unary(*u, self.g.node(node.inputs[0]).dtype, args[0]),
            Op::Binary(b) => KInst::Binary(*b, self.g.node(node.inputs[0]).dtype, args[0], args[1]),
            Op::Where => KInst::Select(args[0], args[1], args[2]),
            Op::Cast(to) => KInst::Cast(self.g.node(node.inputs[0]).dtype, *to, args[0]),
            Op::Copy => unreachable!("copy is a root"),
            other => unreachable!("{} is not elementwise", other.mnemonic()),
        }
    }

    /// The epilogue value of `x` (indexed by the kept dimensions).
    fn post(&mut self, x: NodeId) -> KValue {
        if let Some(&v) = self.memo_post.get(&x) {
            return v;
        }
        let node = self.g.node(x);
        let v = if Some(x) == self.reduce {
            Self::push(&mut self.k.post, KInst::Acc(0))
        } else {
            match (&node.op, &self.realize[x.index()]) {
                (Op::Const { value, dtype }, _) => {
                    Self::push(&mut self.k.post, KInst::Const(*value, *dtype))
                }
                (op, realize)
                    if is_elementwise(op)
                        && (*realize == Realize::Inline || Some(x) == self.root) =>
                {
                    self.fused.push(x);
                    let args: Vec<KValue> = node.inputs.iter().map(|&i| self.post(i)).collect();
                    let inst = self.elementwise(op, &args, node);
                    Self::push(&mut self.k.post, inst)
                }
                _ => {
                    let (source, chain) = self.through_views(x, Vec::new());
                    let o = self.operand(Access {
                        source,
                        chain,
                        post: true,
                    });
                    Self::push(&mut self.k.post, KInst::Load(o))
                }
            }
        };
        self.memo_post.insert(x, v);
        v
    }

    fn find_reduce(&self, root: NodeId) -> Option<NodeId> {
        let mut stack = vec![root];
        while let Some(x) = stack.pop() {
            let n = self.g.node(x);
            if matches!(n.op, Op::Reduce { .. })
                && (x == root || self.realize[x.index()] == Realize::Inline)
            {
                return Some(x);
            }
            if x == root || (self.realize[x.index()] == Realize::Inline && is_elementwise(&n.op)) {
                stack.extend(n.inputs.iter().copied());
            }
        }
        None
    }

    pub(crate) fn build(mut self, root: NodeId) -> KernelStep {
        let node = self.g.node(root);
        let out = self.g.node(root);
        let iter_shape;
        if let Some(r) = self.find_reduce(root) {
            let Op::Reduce { op, axes } = &self.g.node(r).op else {
                unreachable!()
            };
            let input = self.g.node(r).inputs[0];
            let ishape = &self.g.node(input).shape;
            let kept: SmallVec<[usize; 4]> =
                (0..ishape.ndim()).filter(|a| !axes.contains(a)).collect();
            let perm: SmallVec<[usize; 4]> = kept.iter().chain(axes.iter()).copied().collect();
            iter_shape = Shape(perm.iter().map(|&p| ishape[p]).collect());
            self.k.rank = iter_shape.ndim();
            self.k.reduced = axes.len();
            let v = self.pre(input, vec![Op::Permute(perm)]);
            let dtype = self.g.node(r).dtype;
            self.k.accs.push(Accumulator {
                op: *op,
                dtype,
                value: v,
            });
            self.reduce = Some(r);
            self.root = Some(root);
            let pv = self.post(root);
            self.store(root, out.dtype, pv);
        } else {
            iter_shape = node.shape.clone();
            self.k.rank = iter_shape.ndim();
            let src = if matches!(node.op, Op::Copy) {
                node.inputs[0]
            } else {
                root
            };
            let v = if src == root {
                self.fused.push(root);
                let args: Vec<KValue> = node
                    .inputs
                    .iter()
                    .map(|&i| self.pre(i, Vec::new()))
                    .collect();
                let inst = match &node.op {
                    Op::Const { value, dtype } => KInst::Const(*value, *dtype),
                    op => self.elementwise(op, &args, node),
                };
                Self::push(&mut self.k.pre, inst)
            } else {
                self.pre(src, Vec::new())
            };
            self.store(root, out.dtype, v);
        }
        KernelStep {
            kernel: self.k,
            iter_shape,
            inputs: self.inputs,
            outputs: vec![root],
            fused: self.fused,
        }
    }

    fn store(&mut self, root: NodeId, dtype: numfuse_ir::DType, value: KValue) {
        let operand = self.k.operands.len() as u32;
        self.k.operands.push(KOperand {
            dtype,
            role: Role::Output,
            inner: InnerStride::Strided,
        });
        self.k.stores.push(KStore { operand, value });
        let _ = root;
    }
}
