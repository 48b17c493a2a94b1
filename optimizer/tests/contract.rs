//! Contraction ordering: the DP path equals exhaustive search over every pairwise sequence on
//! random chains and networks of 3–8 operands; the classic chain picks the cheap order; greedy
//! paths above 8 operands are valid; bad input gives typed errors.

use numfuse_optimizer::contract::{contraction_path, OPTIMAL_MAX};
use std::collections::{BTreeSet, HashMap};

type Labels = BTreeSet<char>;

fn size(l: &Labels, sizes: &HashMap<char, usize>) -> f64 {
    l.iter().map(|c| sizes[c] as f64).product()
}

/// Independent cost model: the same formula written over label sets.
fn brute(ops: Vec<Labels>, out: &Labels, sizes: &HashMap<char, usize>) -> f64 {
    if ops.len() == 1 {
        return 0.0;
    }
    let mut best = f64::INFINITY;
    for i in 0..ops.len() {
        for j in i + 1..ops.len() {
            let mut rest: Vec<Labels> = ops
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != i && k != j)
                .map(|(_, l)| l.clone())
                .collect();
            let all: Labels = ops[i].union(&ops[j]).copied().collect();
            let needed: Labels = rest.iter().flatten().chain(out.iter()).copied().collect();
            let c: Labels = all.intersection(&needed).copied().collect();
            let flops = if all.len() > c.len() { 2.0 } else { 1.0 } * size(&all, sizes);
            let step = flops + size(&ops[i], sizes) + size(&ops[j], sizes) + size(&c, sizes);
            rest.push(c);
            best = best.min(step + brute(rest, out, sizes));
        }
    }
    best
}

mod common;
use common::Rng;

fn random_case(rng: &mut Rng, n: usize) -> (Vec<Vec<char>>, Vec<char>, HashMap<char, usize>) {
    let letters: Vec<char> = "abcdefghijklmnop".chars().collect();
    let sizes: HashMap<char, usize> = letters
        .iter()
        .map(|&c| (c, [1, 2, 3, 5, 8, 10, 30, 100][rng.below(8) as usize]))
        .collect();
    let mut ops: Vec<Vec<char>> = Vec::new();
    if rng.below(2) == 0 {
        // a matrix chain
        for k in 0..n {
            ops.push(vec![letters[k], letters[k + 1]]);
        }
        return (ops, vec![letters[0], letters[n]], sizes);
    }
    // a random network: each operand takes 1–3 labels from a pool
    let pool = 2 + rng.below(6) as usize;
    for _ in 0..n {
        let k = 1 + rng.below(3) as usize;
        let mut o: Vec<char> = Vec::new();
        for _ in 0..k {
            let c = letters[rng.below(pool as u64) as usize];
            if !o.contains(&c) {
                o.push(c);
            }
        }
        ops.push(o);
    }
    let mut out: Vec<char> = Vec::new();
    for o in &ops {
        for &c in o {
            if rng.below(4) == 0 && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    (ops, out, sizes)
}

#[test]
fn dp_equals_brute_force_on_random_networks() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..60 {
        let n = 3 + case % 5; // 3..=7: brute force stays fast
        let (ops, out, sizes) = random_case(&mut rng, n);
        let path = contraction_path(&ops, &out, &sizes).unwrap();
        let sets: Vec<Labels> = ops.iter().map(|o| o.iter().copied().collect()).collect();
        let want = brute(sets, &out.iter().copied().collect(), &sizes);
        assert!(path.optimal);
        assert_eq!(path.steps.len(), n - 1);
        let rel = (path.cost - want).abs() / want.max(1.0);
        assert!(
            rel < 1e-12,
            "case {case}: {ops:?} -> {out:?}: dp {} brute {want}",
            path.cost
        );
    }
}

#[test]
fn dp_equals_brute_force_on_eight_operands() {
    let mut rng = Rng(12345);
    for _ in 0..2 {
        let (ops, out, sizes) = random_case(&mut rng, 8);
        let path = contraction_path(&ops, &out, &sizes).unwrap();
        let sets: Vec<Labels> = ops.iter().map(|o| o.iter().copied().collect()).collect();
        let want = brute(sets, &out.iter().copied().collect(), &sizes);
        assert!((path.cost - want).abs() / want.max(1.0) < 1e-12);
    }
}

#[test]
fn classic_chain_picks_the_hundredfold_cheaper_order() {
    let sizes = HashMap::from([('i', 1000), ('j', 10), ('k', 1000), ('l', 10)]);
    let ops = [vec!['i', 'j'], vec!['j', 'k'], vec!['k', 'l']];
    let path = contraction_path(&ops, &['i', 'l'], &sizes).unwrap();
    assert_eq!(path.steps[0].operands, (1, 2), "B·C first");
    assert_eq!(path.steps[0].labels, vec!['j', 'l']);
    assert_eq!(path.steps[1].operands, (0, 1));
    assert_eq!(path.flops, 4e5);
    let left_first = 4e7; // (A·B)·C: 2·1000·10·1000 twice
    assert!(left_first / path.flops >= 99.0);
}

#[test]
fn greedy_above_the_optimal_limit_gives_a_valid_path() {
    let n = OPTIMAL_MAX + 4;
    let letters: Vec<char> = "abcdefghijklmnopq".chars().collect();
    let ops: Vec<Vec<char>> = (0..n).map(|k| vec![letters[k], letters[k + 1]]).collect();
    let sizes: HashMap<char, usize> = letters.iter().map(|&c| (c, 7)).collect();
    let path = contraction_path(&ops, &[letters[0], letters[n]], &sizes).unwrap();
    assert!(!path.optimal);
    assert_eq!(path.steps.len(), n - 1);
    let mut live = n;
    for s in &path.steps {
        assert!(s.operands.0 < s.operands.1 && s.operands.1 < live);
        live -= 1;
    }
    let mut last = path.steps.last().unwrap().labels.clone();
    last.sort();
    assert_eq!(last, vec![letters[0], letters[n]]);
}

#[test]
fn bad_input_is_a_typed_error() {
    let sizes = HashMap::from([('i', 2), ('j', 3)]);
    assert!(contraction_path(&[], &[], &sizes).is_err());
    assert!(contraction_path(&[vec!['i', 'k']], &['i'], &sizes).is_err());
    assert!(contraction_path(&[vec!['i', 'j']], &['z'], &sizes).is_err());
    assert!(contraction_path(&[vec!['i', 'j']], &['i', 'i'], &sizes).is_err());
    let one = contraction_path(&[vec!['i', 'j']], &['i'], &sizes).unwrap();
    assert!(one.steps.is_empty());
}
