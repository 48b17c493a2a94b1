//! Contraction ordering for einsum-style products: given each operand's index labels, the
//! output labels and every label's size, choose the order of pairwise contractions.
//!
//! * **Cost** of one pairwise step contracting `A` and `B` into `C`: FLOPs plus elements moved,
//!   `flops + |A| + |B| + |C|`, where `flops = 2·Π size(labels of A ∪ B)` when a label is
//!   summed away in the step and `Π size(…)` for a pure outer/elementwise product (the same
//!   count as opt_einsum). A path's cost is the sum over its steps.
//! * **Optimal** for up to [`OPTIMAL_MAX`] operands: dynamic programming over subsets (every
//!   binary contraction tree is considered; a step's cost depends only on which operands it
//!   joins, since an intermediate keeps exactly the labels needed by the output or by operands
//!   outside it). Equal to exhaustive search over all pairwise sequences, in `3^n` steps.
//! * **Greedy** above: repeatedly the cheapest pairwise step (ties: the smaller result).
//!
//! Labels repeated within one operand (diagonals such as `ii`) are treated as one label; the
//! caller takes such diagonals before contracting.
//!
//! ```
//! use numfuse_optimizer::contract::contraction_path;
//! use std::collections::HashMap;
//! // ij,jk,kl->il with (1000,10),(10,1000),(1000,10): contract B·C first
//! let sizes = HashMap::from([('i', 1000), ('j', 10), ('k', 1000), ('l', 10)]);
//! let ops = [vec!['i', 'j'], vec!['j', 'k'], vec!['k', 'l']];
//! let path = contraction_path(&ops, &['i', 'l'], &sizes).unwrap();
//! assert_eq!(path.steps[0].operands, (1, 2));
//! assert!(path.cost < 1e6);
//! ```

use numfuse_ir::{Error, Result};
use std::collections::HashMap;

/// Up to this many operands the path is optimal; above, greedy.
pub const OPTIMAL_MAX: usize = 8;

/// One pairwise contraction.
#[derive(Clone, Debug, PartialEq)]
pub struct ContractionStep {
    /// Positions `(i, j)`, `i < j`, in the *current* operand list: both are removed and the
    /// result is appended at the end (opt_einsum's convention).
    pub operands: (usize, usize),
    /// The result's labels (in first-appearance order over the two operands).
    pub labels: Vec<char>,
    /// FLOPs of the step.
    pub flops: f64,
    /// Cost of the step (FLOPs + elements moved).
    pub cost: f64,
}

/// A contraction order and its totals.
#[derive(Clone, Debug, PartialEq)]
pub struct ContractionPath {
    /// The steps, in order (`operands − 1` of them; none for a single operand).
    pub steps: Vec<ContractionStep>,
    /// Total FLOPs.
    pub flops: f64,
    /// Total cost (FLOPs + elements moved).
    pub cost: f64,
    /// True when the path is optimal (≤ [`OPTIMAL_MAX`] operands), false when greedy.
    pub optimal: bool,
}

struct Problem {
    labels: Vec<u64>,
    output: u64,
    sizes: Vec<f64>,
    names: Vec<char>,
}

impl Problem {
    fn size(&self, set: u64) -> f64 {
        (0..self.sizes.len())
            .filter(|&b| set >> b & 1 == 1)
            .map(|b| self.sizes[b])
            .product()
    }
    /// Labels of the intermediate made of operand subset `s` (an operand's own labels for a
    /// single operand).
    fn kept(&self, s: u64, all: u64) -> u64 {
        if s.count_ones() == 1 {
            return self.labels[s.trailing_zeros() as usize];
        }
        let mut inside = 0;
        let mut outside = self.output;
        for (i, &l) in self.labels.iter().enumerate() {
            if all >> i & 1 == 0 {
                continue;
            }
            if s >> i & 1 == 1 {
                inside |= l;
            } else {
                outside |= l;
            }
        }
        inside & outside
    }
    /// (flops, cost) of joining intermediates with labels `a` and `b` into `c`.
    fn step(&self, a: u64, b: u64, c: u64) -> (f64, f64) {
        let all = a | b;
        let factor = if all & !c != 0 { 2.0 } else { 1.0 };
        let flops = factor * self.size(all);
        (flops, flops + self.size(a) + self.size(b) + self.size(c))
    }
    fn names(&self, set: u64, a: u64, b: u64) -> Vec<char> {
        let mut order: Vec<usize> = Vec::new();
        for src in [a, b] {
            for bit in 0..self.names.len() {
                if src >> bit & 1 == 1 && set >> bit & 1 == 1 && !order.contains(&bit) {
                    order.push(bit);
                }
            }
        }
        order.into_iter().map(|b| self.names[b]).collect()
    }
}

fn setup(operands: &[Vec<char>], output: &[char], sizes: &HashMap<char, usize>) -> Result<Problem> {
    let bad = |m: String| Err(Error::Value(format!("einsum contraction: {m}")));
    if operands.is_empty() || operands.len() > 64 {
        return bad(format!(
            "{} operands (1 to 64 are supported)",
            operands.len()
        ));
    }
    let mut names: Vec<char> = Vec::new();
    for &c in operands.iter().flatten().chain(output) {
        if !names.contains(&c) {
            names.push(c);
        }
    }
    if names.len() > 64 {
        return bad(format!("{} distinct labels (at most 64)", names.len()));
    }
    let bit = |c: char| 1u64 << names.iter().position(|&n| n == c).unwrap_or(0);
    let mut out = 0u64;
    for &c in output {
        if out & bit(c) != 0 {
            return bad(format!("output label '{c}' appears more than once"));
        }
        if !operands.iter().flatten().any(|&x| x == c) {
            return bad(format!("output label '{c}' appears in no operand"));
        }
        out |= bit(c);
    }
    let mut sz = Vec::with_capacity(names.len());
    for c in &names {
        match sizes.get(c) {
            Some(&n) => sz.push(n as f64),
            None => return bad(format!("no size for label '{c}'")),
        }
    }
    Ok(Problem {
        labels: operands
            .iter()
            .map(|o| o.iter().fold(0, |m, &c| m | bit(c)))
            .collect(),
        output: out,
        sizes: sz,
        names,
    })
}

/// The cheapest pairwise contraction order (optimal up to [`OPTIMAL_MAX`] operands, greedy
/// above). Errors: no operands, an output label that is repeated or in no operand, a label
/// without a size, more than 64 distinct labels.
pub fn contraction_path(
    operands: &[Vec<char>],
    output: &[char],
    sizes: &HashMap<char, usize>,
) -> Result<ContractionPath> {
    let p = setup(operands, output, sizes)?;
    let n = operands.len();
    let tree = if n <= OPTIMAL_MAX {
        optimal_tree(&p)
    } else {
        greedy_tree(&p)
    };
    Ok(emit(&p, &tree, n <= OPTIMAL_MAX))
}

/// Joins in order, each `(subset a, subset b)` of operand indices (bit masks).
type Tree = Vec<(u64, u64)>;

fn optimal_tree(p: &Problem) -> Tree {
    let n = p.labels.len();
    let full = (1u64 << n) - 1;
    let mut best: Vec<(f64, u64)> = vec![(f64::INFINITY, 0); 1 << n];
    for i in 0..n {
        best[1 << i] = (0.0, 0);
    }
    let mut kept = vec![0u64; 1 << n];
    for (s, k) in kept.iter_mut().enumerate() {
        *k = p.kept(s as u64, full);
    }
    for s in 1..=full {
        if s.count_ones() < 2 {
            continue;
        }
        // proper subsets a of s with the lowest bit of s in a (each split once)
        let low = s & s.wrapping_neg();
        let rest = s & !low;
        let mut sub = rest;
        loop {
            let a = low | sub;
            if a != s {
                let b = s & !a;
                let (ca, cb) = (best[a as usize].0, best[b as usize].0);
                let (_, step) = p.step(kept[a as usize], kept[b as usize], kept[s as usize]);
                let c = ca + cb + step;
                if c < best[s as usize].0 {
                    best[s as usize] = (c, a);
                }
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & rest;
        }
    }
    let mut tree = Vec::new();
    let mut stack = vec![full];
    while let Some(s) = stack.pop() {
        if s.count_ones() < 2 {
            continue;
        }
        let a = best[s as usize].1;
        tree.push((a, s & !a));
        stack.push(a);
        stack.push(s & !a);
    }
    tree.reverse();
    tree
}

fn greedy_tree(p: &Problem) -> Tree {
    let n = p.labels.len();
    let all = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let mut live: Vec<u64> = (0..n).map(|i| 1u64 << i).collect();
    let mut tree = Vec::new();
    while live.len() > 1 {
        let mut pick = (f64::INFINITY, f64::INFINITY, 0, 1);
        for i in 0..live.len() {
            for j in i + 1..live.len() {
                let c = p.kept(live[i] | live[j], all);
                let (_, cost) = p.step(p.kept(live[i], all), p.kept(live[j], all), c);
                let key = (cost, p.size(c));
                if key < (pick.0, pick.1) {
                    pick = (cost, p.size(c), i, j);
                }
            }
        }
        let (i, j) = (pick.2, pick.3);
        tree.push((live[i], live[j]));
        let s = live[i] | live[j];
        live.remove(j);
        live.remove(i);
        live.push(s);
    }
    tree
}

fn emit(p: &Problem, tree: &Tree, optimal: bool) -> ContractionPath {
    let n = p.labels.len();
    let mut current: Vec<u64> = (0..n).map(|i| 1u64 << i).collect();
    let mut steps = Vec::new();
    let (mut flops, mut cost) = (0.0, 0.0);
    for &(a, b) in tree {
        let pa = current.iter().position(|&m| m == a).unwrap_or(0);
        let pb = current.iter().position(|&m| m == b).unwrap_or(0);
        let (i, j) = (pa.min(pb), pa.max(pb));
        let live: u64 = current.iter().fold(0, |m, &x| m | x);
        let (la, lb) = (p.kept(a, live), p.kept(b, live));
        let lc = p.kept(a | b, live);
        let (f, c) = p.step(la, lb, lc);
        flops += f;
        cost += c;
        steps.push(ContractionStep {
            operands: (i, j),
            labels: p.names(lc, la, lb),
            flops: f,
            cost: c,
        });
        current.remove(j);
        current.remove(i);
        current.push(a | b);
    }
    ContractionPath {
        steps,
        flops,
        cost,
        optimal,
    }
}
