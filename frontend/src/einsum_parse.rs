//! Parsing and validation of einsum subscripts with NumPy's grammar and error messages:
//! letters, `...` ellipsis (broadcast dimensions), `,` between operands, optional `->` with an
//! explicit output; implicit output is the ellipsis dimensions then every label that appears
//! once, in character order.

use numfuse_ir::{Error, Result, Shape};

/// A label: a letter's code, or `ELLIPSIS + k` for the `k`-th ellipsis dimension.
pub(crate) type Label = u32;
const ELLIPSIS: Label = 1000;

/// A parsed, validated einsum: labels per operand axis, the output labels and every label's
/// size (after broadcasting size-1 dimensions).
pub(crate) struct Spec {
    pub inputs: Vec<Vec<Label>>,
    pub output: Vec<Label>,
    pub sizes: std::collections::BTreeMap<Label, usize>,
}

fn err(m: impl Into<String>) -> Error {
    Error::Value(m.into())
}

/// One operand's term: labels, with `None` standing for the ellipsis.
fn parse_term(t: &str, operand: Option<usize>) -> Result<Vec<Option<Label>>> {
    let mut out = Vec::new();
    let mut chars = t.chars().peekable();
    let mut seen_ellipsis = false;
    while let Some(c) = chars.next() {
        if c == '.' {
            let ok = chars.next() == Some('.') && chars.next() == Some('.');
            if !ok || seen_ellipsis {
                let place = match operand {
                    Some(i) => format!("in operand {i}"),
                    None => "in the output".into(),
                };
                return Err(err(format!(
                    "einstein sum subscripts string contains a '.' that is not part of an ellipsis ('...') {place}"
                )));
            }
            seen_ellipsis = true;
            out.push(None);
        } else if c.is_ascii_alphabetic() {
            out.push(Some(c as Label));
        } else if c != ' ' {
            return Err(err(format!(
                "invalid subscript '{c}' in einstein sum subscripts string, subscripts must be letters"
            )));
        }
    }
    Ok(out)
}

fn label_char(l: Label) -> char {
    char::from_u32(l).unwrap_or('?')
}

/// Parses `subscripts` for operands of the given shapes.
pub(crate) fn parse(subscripts: &str, shapes: &[Shape]) -> Result<Spec> {
    let (lhs, rhs) = match subscripts.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (subscripts, None),
    };
    // NumPy's wording: "more operands" when the string lists more terms than operands given
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() > shapes.len() {
        return Err(err(
            "more operands provided to einstein sum function than specified in the subscripts string",
        ));
    }
    if terms.len() < shapes.len() {
        return Err(err(
            "fewer operands provided to einstein sum function than specified in the subscripts string",
        ));
    }
    let parsed: Vec<Vec<Option<Label>>> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| parse_term(t, Some(i)))
        .collect::<Result<_>>()?;
    let out_term = rhs.map(|r| parse_term(r, None)).transpose()?;
    // expand ellipses right-aligned
    let mut ell_len = 0;
    for (i, (p, s)) in parsed.iter().zip(shapes).enumerate() {
        let named = p.iter().filter(|l| l.is_some()).count();
        let has_ell = p.len() != named;
        if named > s.ndim() {
            return Err(err(format!(
                "einstein sum subscripts string contains too many subscripts for operand {i}"
            )));
        }
        if !has_ell && named < s.ndim() {
            return Err(err("operand has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions."));
        }
        if has_ell {
            ell_len = ell_len.max(s.ndim() - named);
        }
    }
    let mut inputs = Vec::with_capacity(shapes.len());
    for (p, s) in parsed.iter().zip(shapes) {
        let e = s.ndim() - p.iter().filter(|l| l.is_some()).count();
        let mut labels = Vec::with_capacity(s.ndim());
        for l in p {
            match l {
                Some(l) => labels.push(*l),
                None => labels.extend((ell_len - e..ell_len).map(|k| ELLIPSIS + k as Label)),
            }
        }
        inputs.push(labels);
    }
    let ell_labels: Vec<Label> = (0..ell_len).map(|k| ELLIPSIS + k as Label).collect();
    let output = match out_term {
        Some(o) => {
            let mut out = Vec::new();
            for l in &o {
                match l {
                    None => out.extend(&ell_labels),
                    Some(l) => {
                        if out.contains(l) {
                            return Err(err(format!("einstein sum subscripts string includes output subscript '{}' multiple times", label_char(*l))));
                        }
                        if !inputs.iter().any(|ls| ls.contains(l)) {
                            return Err(err(format!("einstein sum subscripts string included output subscript '{}' which never appeared in an input", label_char(*l))));
                        }
                        out.push(*l);
                    }
                }
            }
            if ell_len > 0 && !o.contains(&None) {
                return Err(err("output has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions."));
            }
            out
        }
        None => {
            let mut counts = std::collections::BTreeMap::new();
            for l in inputs.iter().flatten().filter(|&&l| l < ELLIPSIS) {
                *counts.entry(*l).or_insert(0usize) += 1;
            }
            let mut out = ell_labels.clone();
            out.extend(counts.into_iter().filter(|&(_, c)| c == 1).map(|(l, _)| l));
            out
        }
    };
    let sizes = label_sizes(&inputs, shapes, &output)?;
    Ok(Spec {
        inputs,
        output,
        sizes,
    })
}

fn label_sizes(
    inputs: &[Vec<Label>],
    shapes: &[Shape],
    output: &[Label],
) -> Result<std::collections::BTreeMap<Label, usize>> {
    let mut sizes = std::collections::BTreeMap::new();
    for (labels, s) in inputs.iter().zip(shapes) {
        let mut own = std::collections::BTreeMap::new();
        for (&l, &d) in labels.iter().zip(s.iter()) {
            if let Some(&prev) = own.get(&l) {
                if prev != d {
                    return Err(err(format!(
                        "dimensions in single operand for collapsing index '{}' don't match ({prev} != {d})",
                        label_char(l)
                    )));
                }
            }
            own.insert(l, d);
        }
    }
    let mut bad = false;
    for (labels, s) in inputs.iter().zip(shapes) {
        for (&l, &d) in labels.iter().zip(s.iter()) {
            let e = sizes.entry(l).or_insert(d);
            if *e == 1 {
                *e = d;
            } else if d != 1 && d != *e {
                bad = true;
            }
        }
    }
    if bad {
        // NumPy's message: each operand remapped onto (output labels, then the others)
        let mut order: Vec<Label> = output.to_vec();
        order.extend(sizes.keys().filter(|l| !output.contains(l)));
        let mut msg = String::from(
            "operands could not be broadcast together with remapped shapes [original->remapped]: ",
        );
        for (labels, s) in inputs.iter().zip(shapes) {
            let mut dims: Vec<String> = order
                .iter()
                .map(|l| match labels.iter().position(|x| x == l) {
                    Some(p) => s[p].to_string(),
                    None => "newaxis".into(),
                })
                .collect();
            while dims.first().is_some_and(|d| d == "newaxis") {
                dims.remove(0);
            }
            let orig: Vec<String> = s.iter().map(|d| d.to_string()).collect();
            msg.push_str(&format!("({})->({}) ", orig.join(","), dims.join(",")));
        }
        return Err(err(msg));
    }
    Ok(sizes)
}
