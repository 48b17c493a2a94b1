//! The generator's choices of arguments: weak scalars, broadcast-compatible second operands,
//! integer exponents, axes, reduction arguments, slices and reshape dimensions.

use numfuse::{DType, Shape, SliceArg};
use numfuse_ir::{broadcast_shapes, Scalar};

use super::data::{random_dtype, shape_variant, Profile};
use super::generator::Gen;
use super::rng::Rng;
use super::spec::{Arg, Red, RedArgs};

impl Gen {
    pub(super) fn scalar(&mut self) -> Scalar {
        let r = &mut self.rng;
        match r.below(20) {
            0..=7 => Scalar::Int(r.pick(&[
                0,
                1,
                2,
                3,
                -1,
                -2,
                5,
                7,
                10,
                100,
                -100,
                127,
                128,
                255,
                256,
                -129,
                1 << 20,
                1 << 40,
                -3,
                63,
                64,
            ])),
            8..=16 => Scalar::float(r.pick(&[
                0.5,
                -0.5,
                1.5,
                2.0,
                -3.25,
                0.0,
                -0.0,
                1e-3,
                1e10,
                3.0,
                0.1,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                1e300,
                65504.0,
                1e-310,
                2.5,
                -7.0,
                -1.0,
            ])),
            17..=18 => Scalar::Bool(r.chance(0.5)),
            _ => Scalar::complex(r.pick(&[0.0, 1.0, -2.5]), r.pick(&[0.0, 1.0, -0.5])),
        }
    }

    /// A second operand that broadcasts with node `a`.
    pub(super) fn operand_for(&mut self, a: usize) -> Arg {
        let sa = self.shape(a).clone();
        match self.rng.below(20) {
            0..=5 => Arg::Scalar(self.scalar()),
            6..=12 => {
                let cands: Vec<usize> = (0..self.nodes.len())
                    .filter(|&j| j != a)
                    .filter(|&j| {
                        broadcast_shapes(&[sa.clone(), self.shape(j).clone()])
                            .is_some_and(|s| s.size() <= self.max_elems)
                    })
                    .collect();
                if cands.is_empty() {
                    return self.fresh_like(a);
                }
                let dangling: Vec<usize> = cands
                    .iter()
                    .copied()
                    .filter(|&j| self.uses[j] == 0)
                    .collect();
                if !dangling.is_empty() && self.rng.chance(0.6) {
                    Arg::Node(self.rng.pick(&dangling))
                } else {
                    Arg::Node(self.rng.pick(&cands))
                }
            }
            _ => self.fresh_like(a),
        }
    }

    fn fresh_like(&mut self, a: usize) -> Arg {
        let sa = self.shape(a).clone();
        let s = shape_variant(&mut self.rng, &sa);
        let dt = if self.rng.chance(0.4) {
            self.dtype(a)
        } else {
            random_dtype(&mut self.rng)
        };
        let p = self.profile();
        Arg::Node(self.new_input(&s, dt, p))
    }

    /// The exponent of an integer power: mostly small non-negative, rarely negative.
    pub(super) fn int_exponent(&mut self, a: usize) -> Arg {
        match self.rng.below(40) {
            0..=23 => Arg::Scalar(Scalar::Int(self.rng.range(0, 6))),
            24..=35 => {
                let sa = self.shape(a).clone();
                let s = shape_variant(&mut self.rng, &sa);
                let dt = self.rng.pick(&[
                    DType::Int8,
                    DType::Int32,
                    DType::Int64,
                    DType::UInt8,
                    DType::UInt16,
                    DType::UInt64,
                ]);
                Arg::Node(self.new_input(&s, dt, Profile::SmallNonNeg))
            }
            36 => Arg::Scalar(Scalar::Int(self.rng.range(7, 70))),
            37 => Arg::Scalar(Scalar::Int(-1)),
            _ => self.operand_for(a),
        }
    }

    pub(super) fn axis(&mut self, nd: usize) -> isize {
        let n = nd.max(1) as isize;
        self.rng.range(-(n as i64), n as i64 - 1) as isize
    }

    pub(super) fn red_args(&mut self, nd: usize, red: Red) -> RedArgs {
        let axes = match self.rng.below(20) {
            0..=5 => None,
            6..=13 => Some(vec![self.axis(nd)]),
            14 => Some(vec![]),
            _ => {
                let mut v: Vec<isize> = Vec::new();
                for a in 0..nd as isize {
                    if self.rng.chance(0.5) {
                        v.push(if self.rng.chance(0.3) {
                            a - nd as isize
                        } else {
                            a
                        });
                    }
                }
                if v.is_empty() {
                    v.push(self.axis(nd));
                }
                for i in (1..v.len()).rev() {
                    v.swap(i, self.rng.below(i + 1));
                }
                Some(v)
            }
        };
        let dtype = match red {
            Red::Sum | Red::Prod if self.rng.chance(0.1) => Some(random_dtype(&mut self.rng)),
            Red::Mean if self.rng.chance(0.1) => {
                Some(
                    self.rng
                        .pick(&[DType::Float16, DType::Float32, DType::Float64]),
                )
            }
            _ => None,
        };
        RedArgs {
            axes,
            keepdims: self.rng.chance(0.3),
            ddof: if matches!(red, Red::Var | Red::Std) {
                self.rng.pick(&[0, 0, 1])
            } else {
                0
            },
            dtype,
        }
    }

    pub(super) fn slice_args(&mut self, s: &Shape) -> Vec<SliceArg> {
        let mut args = Vec::new();
        let ellipsis = s.ndim() > 0 && self.rng.chance(0.1);
        if ellipsis {
            args.push(SliceArg::Ellipsis);
        }
        let skip = if ellipsis {
            self.rng.below(s.ndim() + 1)
        } else {
            0
        };
        for &len in &s.dims()[skip..] {
            let n = len as i64;
            let bound = |rng: &mut Rng| {
                if rng.chance(0.4) {
                    None
                } else {
                    Some(rng.range(-n - 2, n + 2) as isize)
                }
            };
            let r = &mut self.rng;
            let a = match r.below(10) {
                0..=2 => SliceArg::Slice {
                    start: None,
                    stop: None,
                    step: 1,
                },
                3 if n > 0 => SliceArg::Index(r.range(-n, n - 1) as isize),
                4..=6 => SliceArg::Slice {
                    start: bound(r),
                    stop: bound(r),
                    step: r.pick(&[1, 1, 2, 3, 5]),
                },
                _ => SliceArg::Slice {
                    start: bound(r),
                    stop: bound(r),
                    step: r.pick(&[-1, -1, -2, -3]),
                },
            };
            args.push(a);
            if self.rng.chance(0.05) {
                args.push(SliceArg::NewAxis);
            }
        }
        if !ellipsis && !args.is_empty() && self.rng.chance(0.2) {
            args.truncate(self.rng.below(args.len()));
        }
        args
    }

    pub(super) fn reshape_dims(&mut self, s: &Shape) -> Vec<isize> {
        let mut d: Vec<usize> = s.dims().to_vec();
        let size = s.size();
        match self.rng.below(6) {
            0 => d = vec![size],
            1 if d.len() >= 2 => {
                let i = self.rng.below(d.len() - 1);
                let m = d[i] * d[i + 1];
                d.splice(i..i + 2, [m]);
            }
            2 if !d.is_empty() => {
                let i = self.rng.below(d.len());
                let divs: Vec<usize> = (2..d[i]).filter(|&k| d[i].is_multiple_of(k)).collect();
                if divs.is_empty() {
                    d.insert(i, 1);
                } else {
                    let k = self.rng.pick(&divs);
                    let q = d[i] / k;
                    d.splice(i..=i, [k, q]);
                }
            }
            3 => {
                let i = self.rng.below(d.len() + 1);
                d.insert(i, 1);
            }
            4 => d.retain(|&x| x != 1),
            _ => {
                // a random factorisation of the size
                let mut factors = Vec::new();
                let mut m = size;
                let mut p = 2;
                while m > 1 && p * p <= m {
                    while m.is_multiple_of(p) {
                        factors.push(p);
                        m /= p;
                    }
                    p += 1;
                }
                if m > 1 || size == 0 {
                    factors.push(m);
                }
                let rank = self.rng.range(1, 4) as usize;
                d = vec![1; rank];
                for f in factors {
                    let i = self.rng.below(rank);
                    d[i] *= f;
                }
            }
        }
        let mut out: Vec<isize> = d.iter().map(|&x| x as isize).collect();
        if !out.is_empty() && size > 0 && self.rng.chance(0.3) {
            let i = self.rng.below(out.len());
            out[i] = -1;
        }
        out
    }
}
