//! Every rule family keeps results: optimized == unoptimized through the reference interpreter
//! on random graphs. Strict mode is compared bit for bit (on the fuzzer's random programs over
//! all dtypes and on a rule-targeted IR generator); fast mode within a rounding tolerance.

use numfuse_ir::{BinaryOp as B, DType, Graph, NodeId, Op, ReduceOp, Scalar, Shape};
use numfuse_ir::{SliceAxis, UnaryOp as U};
use numfuse_optimizer::egraph::Family;
use numfuse_optimizer::{optimize, OptConfig, OptMode};
use numfuse_runtime::{interp, NdArray};
use numfuse_tests::fuzz::{self, Outcome};
use std::collections::HashMap;

fn outcome(r: numfuse_ir::Result<Vec<NdArray>>) -> Vec<Outcome> {
    match r {
        Ok(v) => v.into_iter().map(Outcome::Value).collect(),
        Err(e) => vec![Outcome::Error(e)],
    }
}

fn config(mode: OptMode, families: &[Family]) -> OptConfig {
    OptConfig {
        mode,
        families: families.to_vec(),
        ..OptConfig::strict()
    }
}

/// Strict: bit for bit (NaN payloads aside), same errors, on the fuzzer's programs.
fn strict_on_fuzz_cases(families: &[Family], cases: u64) -> usize {
    let cfg = config(OptMode::Strict, families);
    let mut rewritten = 0;
    for i in 0..cases {
        let Ok(case) = fuzz::generate(0xE66, i) else {
            continue;
        };
        let Ok(arr) = fuzz::build(&case) else {
            continue;
        };
        let (g, inputs) = arr.try_graph_and_inputs().unwrap();
        let (opt, report) = optimize(&g, &cfg);
        opt.verify().unwrap();
        assert_eq!(opt.inputs(), g.inputs());
        rewritten += usize::from(!report.kept_input);
        let want = outcome(interp::eval(&g, &inputs));
        let got = outcome(interp::eval(&opt, &inputs));
        assert_eq!(want.len(), got.len());
        for (w, o) in want.iter().zip(&got) {
            if let Some(f) = fuzz::compare(numfuse::Mode::Lazy, w, o, None, false) {
                panic!(
                    "case {i}: {}\n{g}\n--- optimized ---\n{opt}\n{report}",
                    f.detail
                );
            }
        }
    }
    rewritten
}

#[test]
fn algebra_is_bitwise_on_fuzz_programs() {
    assert!(strict_on_fuzz_cases(&[Family::Algebra], 400) > 0);
}

#[test]
fn movement_is_bitwise_on_fuzz_programs() {
    assert!(strict_on_fuzz_cases(&[Family::Movement], 400) > 0);
}

#[test]
fn reduction_is_bitwise_on_fuzz_programs() {
    strict_on_fuzz_cases(&[Family::Reduction], 400);
}

#[test]
fn all_families_are_bitwise_on_fuzz_programs() {
    assert!(strict_on_fuzz_cases(&Family::ALL, 600) > 0);
}

// ---- a generator aimed at the rules: identities, constants, views, reductions, int algebra

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

const S: [usize; 2] = [4, 5];

struct Gen {
    g: Graph,
    f: Vec<NodeId>,
    i: Vec<NodeId>,
    rng: Rng,
}

impl Gen {
    fn add(&mut self, op: Op, ins: &[NodeId]) -> NodeId {
        self.g.add(op, ins).unwrap()
    }
    fn konst(&mut self, v: Scalar, d: DType) -> NodeId {
        let c = self.add(Op::Const { value: v, dtype: d }, &[]);
        self.add(Op::Broadcast(Shape::from(S)), &[c])
    }
    fn pick(&mut self, int: bool) -> NodeId {
        let pool = if int { &self.i } else { &self.f };
        pool[self.rng.below(pool.len())]
    }
    fn step(&mut self) {
        let int = self.rng.below(4) == 0;
        let d = if int { DType::Int64 } else { DType::Float64 };
        let (x, y) = (self.pick(int), self.pick(int));
        let node = match self.rng.below(12) {
            0 | 1 => {
                let b = self.rng.pick(&[B::Add, B::Sub, B::Mul, B::Mul, B::Maximum]);
                self.add(Op::Binary(b), &[x, y])
            }
            2 => {
                let v = if int {
                    Scalar::Int(self.rng.pick(&[0, 1, 2, -1]))
                } else {
                    Scalar::float(self.rng.pick(&[0.0, -0.0, 1.0, 2.0, 0.5]))
                };
                let c = self.konst(v, d);
                let b = self.rng.pick(&[B::Add, B::Sub, B::Mul]);
                let (l, r) = if self.rng.below(2) == 0 {
                    (x, c)
                } else {
                    (c, x)
                };
                self.add(Op::Binary(b), &[l, r])
            }
            3 => {
                let u = self.rng.pick(&[U::Neg, U::Neg, U::Abs, U::Square]);
                self.add(Op::Unary(u), &[x])
            }
            4 => {
                let t = self.add(Op::Permute(vec![1, 0].into()), &[x]);
                let u = self.add(Op::Unary(U::Neg), &[t]);
                let w = self.add(Op::Permute(vec![1, 0].into()), &[y]);
                let m = self.add(Op::Binary(B::Mul), &[u, w]);
                self.add(Op::Permute(vec![1, 0].into()), &[m])
            }
            5 => {
                let r = self.add(Op::Reshape(Shape::from([20])), &[x]);
                self.add(Op::Reshape(Shape::from(S)), &[r])
            }
            6 => {
                let axis = self.rng.below(2);
                let op = self
                    .rng
                    .pick(&[ReduceOp::Sum, ReduceOp::Max, ReduceOp::Sum]);
                let r = self.add(
                    Op::Reduce {
                        op,
                        axes: vec![axis].into(),
                    },
                    &[x],
                );
                let keep = if axis == 0 { [1, 5] } else { [4, 1] };
                let k = self.add(Op::Reshape(Shape::from(keep)), &[r]);
                self.add(Op::Broadcast(Shape::from(S)), &[k])
            }
            7 => {
                // reduce a broadcast: sum/max over the broadcast axis
                let row = self.add(
                    Op::Reduce {
                        op: ReduceOp::Max,
                        axes: vec![0].into(),
                    },
                    &[x],
                );
                let b = self.add(Op::Broadcast(Shape::from([3, 4, 5])), &[x]);
                let op = self
                    .rng
                    .pick(&[ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min]);
                let s = self.add(
                    Op::Reduce {
                        op,
                        axes: vec![0].into(),
                    },
                    &[b],
                );
                let _ = row;
                s
            }
            8 => {
                let to = if int { DType::Float64 } else { DType::Float32 };
                let c = self.add(Op::Cast(to), &[x]);
                let back = self.add(Op::Cast(DType::Float64), &[c]);
                self.f.push(back);
                return;
            }
            9 => {
                // sum of a scaled or negated value
                let c = self.konst(
                    if int {
                        Scalar::Int(3)
                    } else {
                        Scalar::float(3.0)
                    },
                    d,
                );
                let m = self.add(Op::Binary(B::Mul), &[c, x]);
                let n = self.add(Op::Unary(U::Neg), &[m]);
                let s = self.add(
                    Op::Reduce {
                        op: ReduceOp::Sum,
                        axes: vec![1].into(),
                    },
                    &[n],
                );
                let k = self.add(Op::Reshape(Shape::from([4, 1])), &[s]);
                self.add(Op::Broadcast(Shape::from(S)), &[k])
            }
            10 => {
                // slices of an elementwise result (one row, reversed columns), sliced again
                let b = self.rng.pick(&[B::Add, B::Mul, B::Sub]);
                let e = self.add(Op::Binary(b), &[x, y]);
                let row = self.rng.below(4);
                let ax = |start, step, len| SliceAxis { start, step, len };
                let s1 = self.add(Op::Slice(vec![ax(row, 1, 1), ax(4, -1, 5)].into()), &[e]);
                let s2 = self.add(Op::Slice(vec![ax(0, 1, 1), ax(3, -2, 2)].into()), &[s1]);
                let u = self.add(Op::Unary(U::Neg), &[s2]);
                let k = self.add(Op::Reshape(Shape::from([1, 2, 1])), &[u]);
                let b3 = self.add(Op::Broadcast(Shape::from([2, 2, 5])), &[k]);
                self.add(Op::Reshape(Shape::from(S)), &[b3])
            }
            _ => {
                // lerp in two spellings
                let w = self.pick(int);
                let diff = self.add(Op::Binary(B::Sub), &[y, x]);
                let m = self.add(Op::Binary(B::Mul), &[diff, w]);
                self.add(Op::Binary(B::Add), &[x, m])
            }
        };
        if int {
            self.i.push(node);
        } else {
            self.f.push(node);
        }
    }
}

fn random_graph(seed: u64) -> (Graph, Vec<NdArray>) {
    let mut gen = Gen {
        g: Graph::new(),
        f: vec![],
        i: vec![],
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
    };
    let mut inputs = Vec::new();
    for k in 0..3 {
        let fx = gen.g.input(Shape::from(S), DType::Float64);
        gen.f.push(fx);
        let v: Vec<f64> = (0..20)
            .map(|j| {
                let r = gen.rng.below(2001) as f64 / 1000.0 - 1.0;
                if j == 7 && k == 0 {
                    -0.0
                } else {
                    r
                }
            })
            .collect();
        inputs.push(NdArray::from_vec(S, v).unwrap());
        let ix = gen.g.input(Shape::from(S), DType::Int64);
        gen.i.push(ix);
        let v: Vec<i64> = (0..20).map(|_| gen.rng.below(11) as i64 - 5).collect();
        inputs.push(NdArray::from_vec(S, v).unwrap());
    }
    let steps = 6 + gen.rng.below(12);
    for _ in 0..steps {
        gen.step();
    }
    let a = *gen.f.last().unwrap();
    let b = *gen.i.last().unwrap();
    gen.g.mark_output(a);
    gen.g.mark_output(b);
    gen.g.verify().unwrap();
    (gen.g, inputs)
}

fn floats(a: &NdArray) -> Vec<f64> {
    a.astype(DType::Float64).to_vec::<f64>().unwrap()
}

/// Runs the generated graphs; returns how often each rule fired in total.
fn check_generated(mode: OptMode, families: &[Family], seeds: u64) -> HashMap<&'static str, usize> {
    let cfg = config(mode, families);
    let mut fired: HashMap<&'static str, usize> = HashMap::new();
    for seed in 0..seeds {
        let (g, inputs) = random_graph(seed);
        let (opt, report) = optimize(&g, &cfg);
        opt.verify().unwrap();
        for r in &report.saturation.as_ref().unwrap().rules {
            *fired.entry(r.name).or_default() += r.fired;
        }
        let want = interp::eval(&g, &inputs).unwrap();
        let got = interp::eval(&opt, &inputs).unwrap();
        for (w, o) in want.iter().zip(&got) {
            assert_eq!((w.shape(), w.dtype()), (o.shape(), o.dtype()));
            let ctx = || format!("seed {seed}\n{g}\n--- optimized ---\n{opt}\n{report}");
            if mode == OptMode::Strict {
                let (wo, oo) = (Outcome::Value(w.clone()), Outcome::Value(o.clone()));
                if let Some(f) = fuzz::compare(numfuse::Mode::Lazy, &wo, &oo, None, false) {
                    panic!("{}: {}", f.detail, ctx());
                }
            } else {
                let (wv, ov) = (floats(w), floats(o));
                let scale = 1.0 + wv.iter().fold(0.0f64, |m, x| m.max(x.abs()));
                for (a, b) in wv.iter().zip(&ov) {
                    assert!((a - b).abs() <= 1e-9 * scale, "{a} vs {b}: {}", ctx());
                }
            }
        }
    }
    fired
}

fn assert_fired(fired: &HashMap<&'static str, usize>, names: &[&str]) {
    for n in names {
        assert!(
            fired.get(n).copied().unwrap_or(0) > 0,
            "{n} never fired: {fired:?}"
        );
    }
}

#[test]
fn strict_families_are_bitwise_on_targeted_graphs() {
    let f = check_generated(OptMode::Strict, &[Family::Algebra], 150);
    assert_fired(
        &f,
        &[
            "identity",
            "involution",
            "cast",
            "fold",
            "distribute",
            "commute",
        ],
    );
    let f = check_generated(OptMode::Strict, &[Family::Movement], 150);
    assert_fired(
        &f,
        &[
            "view-compose",
            "view-identity",
            "hoist-broadcast",
            "hoist-permute",
        ],
    );
    let f = check_generated(OptMode::Strict, &[Family::Reduction], 150);
    assert_fired(&f, &["reduce-broadcast", "sum-scaled"]);
    assert!(
        !f.contains_key("add-zero"),
        "fast-only rules are off in strict mode"
    );
    check_generated(OptMode::Strict, &Family::ALL, 300);
}

#[test]
fn fast_families_are_within_rounding_on_targeted_graphs() {
    let f = check_generated(OptMode::Fast, &[Family::Algebra], 150);
    assert_fired(
        &f,
        &["add-zero", "distribute", "factor", "reassociate", "commute"],
    );
    let f = check_generated(OptMode::Fast, &[Family::Reduction], 150);
    assert_fired(&f, &["reduce-broadcast", "sum-scaled"]);
    check_generated(OptMode::Fast, &[Family::Movement], 150);
    check_generated(OptMode::Fast, &Family::ALL, 300);
}
