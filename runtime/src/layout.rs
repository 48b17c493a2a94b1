//! Strided layout helpers: contiguity flags, NumPy's no-copy reshape rule, and the strided
//! odometer that every interpreter loop uses.

use smallvec::SmallVec;

/// Strides in elements.
pub type Strides = SmallVec<[isize; 4]>;

/// NumPy's `C_CONTIGUOUS` flag (size-1 axes are ignored; empty arrays are contiguous).
pub fn is_c_contiguous(shape: &[usize], strides: &[isize]) -> bool {
    if shape.contains(&0) {
        return true;
    }
    let mut expected = 1isize;
    for (&d, &s) in shape.iter().zip(strides).rev() {
        if d != 1 {
            if s != expected {
                return false;
            }
            expected *= d as isize;
        }
    }
    true
}

/// NumPy's `F_CONTIGUOUS` flag.
pub fn is_f_contiguous(shape: &[usize], strides: &[isize]) -> bool {
    if shape.contains(&0) {
        return true;
    }
    let mut expected = 1isize;
    for (&d, &s) in shape.iter().zip(strides) {
        if d != 1 {
            if s != expected {
                return false;
            }
            expected *= d as isize;
        }
    }
    true
}

/// Strides that let `new_shape` view the same elements as (`old_shape`, `old_strides`) in C
/// order without copying, or `None` when a copy is needed (NumPy's `_attempt_nocopy_reshape`).
pub fn reshape_strides(
    old_shape: &[usize],
    old_strides: &[isize],
    new_shape: &[usize],
) -> Option<Strides> {
    let c = |s: &[usize]| -> Strides {
        let mut st: Strides = SmallVec::from_elem(1, s.len());
        for i in (0..s.len().saturating_sub(1)).rev() {
            st[i] = st[i + 1] * s[i + 1].max(1) as isize;
        }
        st
    };
    if old_shape.contains(&0) || new_shape.contains(&0) {
        return Some(c(new_shape));
    }
    let (od, os): (Vec<usize>, Vec<isize>) = old_shape
        .iter()
        .zip(old_strides)
        .filter(|(&d, _)| d != 1)
        .map(|(&d, &s)| (d, s))
        .unzip();
    let nd = new_shape;
    let mut ns: Strides = SmallVec::from_elem(1, nd.len());
    let (mut oi, mut oj, mut ni, mut nj) = (0usize, 1usize, 0usize, 1usize);
    while ni < nd.len() && oi < od.len() {
        let (mut np, mut op) = (nd[ni], od[oi]);
        while np != op {
            if np < op {
                np *= nd[nj];
                nj += 1;
            } else {
                op *= od[oj];
                oj += 1;
            }
        }
        if (oi..oj - 1).any(|k| os[k] != os[k + 1] * od[k + 1] as isize) {
            return None;
        }
        ns[nj - 1] = os[oj - 1];
        for k in (ni + 1..nj).rev() {
            ns[k - 1] = ns[k] * nd[k] as isize;
        }
        ni = nj;
        nj += 1;
        oi = oj;
        oj += 1;
    }
    Some(ns)
}

/// Visits every element of `shape` in C order, passing the element offset in each of `N`
/// strided operands (`starts[k] + Σ index[d]·strides[k][d]`). No allocation per element.
pub fn zip_offsets<const N: usize>(
    shape: &[usize],
    strides: [&[isize]; N],
    starts: [isize; N],
    mut f: impl FnMut([usize; N]),
) {
    if shape.contains(&0) {
        return;
    }
    let nd = shape.len();
    if nd == 0 {
        f(starts.map(|s| s as usize));
        return;
    }
    let inner = shape[nd - 1];
    let inner_strides: [isize; N] = std::array::from_fn(|k| strides[k][nd - 1]);
    let mut idx: SmallVec<[usize; 4]> = SmallVec::from_elem(0, nd - 1);
    let mut base = starts;
    loop {
        let mut off = base;
        for _ in 0..inner {
            f(off.map(|o| o as usize));
            for k in 0..N {
                off[k] += inner_strides[k];
            }
        }
        let mut d = nd - 1;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            for k in 0..N {
                base[k] += strides[k][d];
            }
            if idx[d] < shape[d] {
                break;
            }
            for k in 0..N {
                base[k] -= strides[k][d] * shape[d] as isize;
            }
            idx[d] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshape_view_rules() {
        // contiguous: always a view
        assert!(reshape_strides(&[3, 4], &[4, 1], &[2, 6]).is_some());
        // transposed (4,3) view of a (3,4) array: flattening needs a copy
        assert!(reshape_strides(&[4, 3], &[1, 4], &[12]).is_none());
        // splitting an axis of a transposed array is a view
        assert_eq!(
            reshape_strides(&[4, 3], &[1, 4], &[2, 2, 3])
                .unwrap()
                .as_slice(),
            &[2, 1, 4]
        );
        // the first two columns of a (3,4) array: merging rows needs a copy, unit axes do not
        assert!(reshape_strides(&[3, 2], &[4, 1], &[6]).is_none());
        assert_eq!(reshape_strides(&[3, 2], &[4, 1], &[3, 1, 2]).unwrap()[2], 1);
        // every other element of a row: (3,2) with strides (4,2) is one stride-2 run
        assert_eq!(
            reshape_strides(&[3, 2], &[4, 2], &[6]).unwrap().as_slice(),
            &[2]
        );
    }

    #[test]
    fn odometer_visits_in_c_order() {
        let mut seen = vec![];
        zip_offsets(&[2, 3], [&[3, 1], &[1, 2]], [0, 0], |[a, b]| {
            seen.push((a, b))
        });
        assert_eq!(seen, vec![(0, 0), (1, 2), (2, 4), (3, 1), (4, 3), (5, 5)]);
    }
}
