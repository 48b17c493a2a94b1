//! The random program generator: the step kinds and their weights, the generator state
//! (`Gen`), one random step, and [`generate`], which builds a whole case.

use numfuse as nf;
use numfuse::{Array, DType, Mode, NdArray, Shape};
use numfuse_ir::{broadcast_shapes, BinaryOp, UnaryOp};

use super::data::{gen_shape, make_input, random_dtype, shape_variant, Profile, SMALL};
use super::program::Case;
use super::replay::{apply, guarded};
use super::rng::{case_seed, Rng};
use super::spec::{Arg, Red, Spec};

const UNARY_OPS: &[UnaryOp] = UnaryOp::ALL;
const BINARY_OPS: [BinaryOp; 27] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::FloorDiv,
    BinaryOp::Rem,
    BinaryOp::Pow,
    BinaryOp::Arctan2,
    BinaryOp::Hypot,
    BinaryOp::Maximum,
    BinaryOp::Minimum,
    BinaryOp::Fmax,
    BinaryOp::Fmin,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::LogicalAnd,
    BinaryOp::LogicalOr,
    BinaryOp::LogicalXor,
    BinaryOp::BitAnd,
    BinaryOp::BitOr,
    BinaryOp::BitXor,
    BinaryOp::Shl,
    BinaryOp::Shr,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Unary,
    Binary,
    Where,
    Clip,
    Cast,
    Slice,
    Permute,
    Reshape,
    ExpandDims,
    Squeeze,
    BroadcastTo,
    Diag,
    Copy,
    RoundNan,
    Reduce,
    Scan,
    ArgRed,
}

const KINDS: [(Kind, u32); 17] = [
    (Kind::Unary, 22),
    (Kind::Binary, 30),
    (Kind::Where, 5),
    (Kind::Clip, 3),
    (Kind::Cast, 8),
    (Kind::Slice, 7),
    (Kind::Permute, 3),
    (Kind::Reshape, 4),
    (Kind::ExpandDims, 2),
    (Kind::Squeeze, 1),
    (Kind::BroadcastTo, 2),
    (Kind::Diag, 1),
    (Kind::Copy, 1),
    (Kind::RoundNan, 1),
    (Kind::Reduce, 10),
    (Kind::Scan, 1),
    (Kind::ArgRed, 1),
];

pub(super) struct Gen {
    pub(super) rng: Rng,
    inputs: Vec<NdArray>,
    pub(super) nodes: Vec<Spec>,
    arrs: Vec<Array>,
    pub(super) uses: Vec<u32>,
    pub(super) max_elems: usize,
    panic: Option<String>,
    /// The last step is a build-time error; nothing can follow it.
    ended: bool,
}

impl Gen {
    pub(super) fn shape(&self, i: usize) -> &Shape {
        self.arrs[i].shape()
    }
    pub(super) fn dtype(&self, i: usize) -> DType {
        self.arrs[i].dtype()
    }

    /// Builds `spec` (interpreter mode, nothing is evaluated) and keeps it if it type-checks.
    fn push(&mut self, spec: Spec) -> Option<usize> {
        let r = guarded(|| {
            let get = |i: usize| self.arrs[i].clone();
            nf::with_mode(Mode::Interpret, || apply(&spec, &get, &self.inputs))
        });
        match r {
            // inputs are kept whatever their size (the generator already chose it)
            Ok(Ok(a)) if a.size() <= self.max_elems || matches!(spec, Spec::Input(_)) => {
                for i in spec.args() {
                    self.uses[i] += 1;
                }
                self.nodes.push(spec);
                self.arrs.push(a);
                self.uses.push(0);
                Some(self.nodes.len() - 1)
            }
            Ok(Err(_)) if self.rng.chance(0.01) => {
                // keep an occasional build-time error (empty max, bad axis, out-of-range weak
                // scalar, ...) as the final step: every mode must raise the same error
                self.nodes.push(spec);
                self.ended = true;
                None
            }
            Ok(_) => None,
            Err(p) => {
                self.panic.get_or_insert(format!("{p} (building {spec:?})"));
                None
            }
        }
    }

    pub(super) fn new_input(&mut self, shape: &Shape, dt: DType, p: Profile) -> usize {
        let nd = make_input(&mut self.rng, dt, shape, p);
        self.inputs.push(nd);
        let k = self.inputs.len() - 1;
        self.push(Spec::Input(k)).expect("inputs always build")
    }

    pub(super) fn profile(&mut self) -> Profile {
        if self.rng.chance(0.3) {
            Profile::Wild
        } else {
            Profile::Tame
        }
    }

    fn primary(&mut self) -> usize {
        let last = self.nodes.len() - 1;
        let dangling: Vec<usize> = (0..last).filter(|&i| self.uses[i] == 0).collect();
        match self.rng.below(20) {
            0..=10 => last,
            11..=16 if !dangling.is_empty() => self.rng.pick(&dangling),
            _ => self.rng.below(self.nodes.len()),
        }
    }

    /// One random step; false if the chosen call did not type-check.
    fn step(&mut self) -> bool {
        let a = self.primary();
        let sa = self.shape(a).clone();
        let nd = sa.ndim();
        let kind = self.rng.weighted(&KINDS);
        let spec = match kind {
            Kind::Unary => Spec::Unary(self.rng.pick(UNARY_OPS), a),
            Kind::Binary => {
                let op = self.rng.pick(&BINARY_OPS);
                let int_pow = op == BinaryOp::Pow && !self.dtype(a).is_inexact();
                let b = if int_pow {
                    self.int_exponent(a)
                } else {
                    self.operand_for(a)
                };
                if !int_pow && self.rng.chance(0.2) {
                    Spec::Binary(op, b, Arg::Node(a))
                } else {
                    Spec::Binary(op, Arg::Node(a), b)
                }
            }
            Kind::Where => {
                let x = self.operand_for(a);
                let y = self.operand_for(a);
                if self.rng.chance(0.7) {
                    Spec::Where(Arg::Node(a), x, y)
                } else {
                    let c = self.operand_for(a);
                    Spec::Where(c, Arg::Node(a), x)
                }
            }
            Kind::Clip => {
                let lo = self.operand_for(a);
                let hi = self.operand_for(a);
                Spec::Clip(a, lo, hi)
            }
            Kind::Cast => Spec::Cast(a, random_dtype(&mut self.rng)),
            Kind::Slice => Spec::Slice(a, self.slice_args(&sa)),
            Kind::Permute => {
                let mut p: Vec<isize> = (0..nd as isize).collect();
                for i in (1..nd).rev() {
                    p.swap(i, self.rng.below(i + 1));
                }
                for x in p.iter_mut() {
                    if self.rng.chance(0.2) {
                        *x -= nd as isize;
                    }
                }
                Spec::Permute(a, p)
            }
            Kind::Reshape => Spec::Reshape(a, self.reshape_dims(&sa)),
            Kind::ExpandDims => Spec::ExpandDims(a, self.axis(nd + 1)),
            Kind::Squeeze => {
                let ones: Vec<usize> = (0..nd).filter(|&i| sa[i] == 1).collect();
                if ones.is_empty() || self.rng.chance(0.4) {
                    Spec::Squeeze(a, None)
                } else {
                    Spec::Squeeze(a, Some(self.rng.pick(&ones) as isize))
                }
            }
            Kind::BroadcastTo => {
                let mut t: Vec<usize> = (0..self.rng.below(3))
                    .map(|_| self.rng.pick(&SMALL[..5]))
                    .collect();
                for &d in sa.iter() {
                    t.push(if d == 1 && self.rng.chance(0.6) {
                        self.rng.pick(&SMALL[..7])
                    } else {
                        d
                    });
                }
                Spec::BroadcastTo(a, t)
            }
            Kind::Diag => {
                if nd == 1 && sa[0] > 40 {
                    return false;
                }
                Spec::Diag(a, self.rng.range(-3, 3) as isize)
            }
            Kind::Copy => Spec::Copy(a),
            Kind::RoundNan => {
                if self.rng.chance(0.6) {
                    Spec::Round(a, self.rng.pick(&[0, 0, 1, 2, -1]))
                } else {
                    Spec::NanToNum(a)
                }
            }
            Kind::Reduce => {
                let red = self.rng.pick(&[
                    Red::Sum,
                    Red::Sum,
                    Red::Prod,
                    Red::Max,
                    Red::Min,
                    Red::Any,
                    Red::All,
                    Red::Mean,
                    Red::Var,
                    Red::Std,
                ]);
                let args = self.red_args(nd, red);
                Spec::Reduce(red, a, args)
            }
            Kind::Scan => Spec::Scan {
                prod: self.rng.chance(0.4),
                arg: a,
                axis: if self.rng.chance(0.4) {
                    None
                } else {
                    Some(self.axis(nd))
                },
            },
            Kind::ArgRed => Spec::ArgRed {
                min: self.rng.chance(0.5),
                arg: a,
                axis: if self.rng.chance(0.3) {
                    None
                } else {
                    Some(self.axis(nd))
                },
            },
        };
        self.push(spec).is_some()
    }

    /// Joins a dangling node into the output so that more of the program is checked.
    fn join_dangling(&mut self) {
        let last = self.nodes.len() - 1;
        let sl = self.shape(last).clone();
        let cands: Vec<usize> = (0..last)
            .filter(|&j| self.uses[j] == 0)
            .filter(|&j| broadcast_shapes(&[sl.clone(), self.shape(j).clone()]).is_some())
            .collect();
        if cands.is_empty() {
            return;
        }
        let j = self.rng.pick(&cands);
        let spec = match self.rng.below(6) {
            0 => Spec::Where(Arg::Node(j), Arg::Node(last), Arg::Scalar(self.scalar())),
            _ => Spec::Binary(
                self.rng.pick(&[
                    BinaryOp::Add,
                    BinaryOp::Mul,
                    BinaryOp::Maximum,
                    BinaryOp::Sub,
                    BinaryOp::Ne,
                    BinaryOp::BitXor,
                ]),
                Arg::Node(last),
                Arg::Node(j),
            ),
        };
        self.push(spec);
    }
}

/// Generates case `index` of the run with `seed`. `Err` carries a panic raised while
/// building (type-checking) the program in interpreter mode.
pub fn generate(seed: u64, index: u64) -> Result<Case, (Case, String)> {
    let mut rng = Rng::new(case_seed(seed, index));
    let (shape, max_elems) = gen_shape(&mut rng);
    let huge = max_elems > 20_000;
    let mut g = Gen {
        rng,
        inputs: Vec::new(),
        nodes: Vec::new(),
        arrs: Vec::new(),
        uses: Vec::new(),
        max_elems,
        panic: None,
        ended: false,
    };
    let dt = random_dtype(&mut g.rng);
    let p = g.profile();
    g.new_input(&shape, dt, p);
    if g.rng.chance(0.4) {
        let s = shape_variant(&mut g.rng, &shape);
        let dt = random_dtype(&mut g.rng);
        let p = g.profile();
        g.new_input(&s, dt, p);
    }
    let n_ops = if huge {
        g.rng.range(1, 3)
    } else {
        match g.rng.below(20) {
            0..=7 => g.rng.range(1, 3),
            8..=16 => g.rng.range(4, 8),
            _ => g.rng.range(9, 16),
        }
    };
    for _ in 0..n_ops {
        for _attempt in 0..12 {
            if g.ended || g.step() {
                break;
            }
        }
    }
    for _ in 0..2 {
        if !g.ended && g.rng.chance(0.5) {
            g.join_dangling();
        }
    }
    let case = Case {
        inputs: g.inputs,
        nodes: g.nodes,
    }
    .compact();
    match g.panic {
        Some(p) => Err((case, p)),
        None => Ok(case),
    }
}
