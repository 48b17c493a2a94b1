//! Shrinking a failing case while it keeps failing the same way ([`shrink`]).

use numfuse::Mode;

use super::checking::check;
use super::comparison::FailKind;
use super::inexact::reference_values;
use super::program::Case;
use super::spec::Spec;

fn still_fails(case: &Case, mode: Mode, kind: FailKind) -> bool {
    check(case).iter().any(|f| f.mode == mode && f.kind == kind)
}

/// Makes a failing case smaller while it keeps failing the same way in the same mode:
/// truncates the program at the first failing step, replaces subgraphs by their interpreted
/// values (as new inputs), and makes view inputs contiguous.
pub fn shrink(case: &Case, mode: Mode, kind: FailKind) -> Case {
    let mut cur = case.clone();
    let mut budget = 150usize;
    // 1. the smallest failing prefix
    for j in 0..cur.nodes.len().saturating_sub(1) {
        if budget == 0 {
            break;
        }
        budget -= 1;
        let cand = Case {
            inputs: cur.inputs.clone(),
            nodes: cur.nodes[..=j].to_vec(),
        }
        .compact();
        if still_fails(&cand, mode, kind) {
            cur = cand;
            break;
        }
    }
    // 2. cut subgraphs: replace step i by its interpreted value
    loop {
        let refs = reference_values(&cur);
        let mut changed = false;
        for i in (0..cur.nodes.len().saturating_sub(1)).rev() {
            if budget == 0 {
                break;
            }
            if matches!(cur.nodes[i], Spec::Input(_)) {
                continue;
            }
            let Some(v) = refs[i].clone() else { continue };
            budget -= 1;
            let mut cand = cur.clone();
            cand.inputs.push(v);
            cand.nodes[i] = Spec::Input(cand.inputs.len() - 1);
            let cand = cand.compact();
            if still_fails(&cand, mode, kind) {
                cur = cand;
                changed = true;
                break;
            }
        }
        if !changed || budget == 0 {
            break;
        }
    }
    // 3. contiguous inputs where the layout does not matter
    for k in 0..cur.inputs.len() {
        if budget == 0 {
            break;
        }
        let x = &cur.inputs[k];
        if x.is_c_contiguous() && x.offset() == 0 && !x.has_broadcast_axes() {
            continue;
        }
        budget -= 1;
        let mut cand = cur.clone();
        cand.inputs[k] = x.copy();
        if still_fails(&cand, mode, kind) {
            cur = cand;
        }
    }
    cur
}
