//! Property tests for the shape algebra and the promotion table.

use numfuse_ir::shape::{normalize_axis, resolve_reshape};
use numfuse_ir::{broadcast_shapes, promote, DType, Shape};
use proptest::prelude::*;

fn dtype() -> impl Strategy<Value = DType> {
    (0usize..14).prop_map(|i| DType::ALL[i])
}

fn small_shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![Just(1usize), 0usize..4], 0..5)
}

/// Broadcasting by the definition: right-align, then each axis must agree or be 1.
fn naive_broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let get = |s: &[usize], i: usize| {
        if i + s.len() >= n {
            s[i + s.len() - n]
        } else {
            1
        }
    };
    (0..n)
        .map(|i| match (get(a, i), get(b, i)) {
            (x, y) if x == y => Some(x),
            (1, y) => Some(y),
            (x, 1) => Some(x),
            _ => None,
        })
        .collect()
}

proptest! {
    #[test]
    fn broadcast_matches_naive(a in small_shape(), b in small_shape()) {
        let got = broadcast_shapes(&[Shape::from(a.clone()), Shape::from(b.clone())]);
        prop_assert_eq!(got.map(|s| s.to_vec()), naive_broadcast(&a, &b));
    }

    #[test]
    fn broadcast_is_commutative(a in small_shape(), b in small_shape()) {
        let ab = broadcast_shapes(&[Shape::from(a.clone()), Shape::from(b.clone())]);
        let ba = broadcast_shapes(&[Shape::from(b), Shape::from(a)]);
        prop_assert_eq!(ab, ba);
    }

    #[test]
    fn promotion_laws(a in dtype(), b in dtype()) {
        let p = promote(a, b);
        prop_assert_eq!(p, promote(b, a));
        prop_assert_eq!(promote(a, a), a);
        prop_assert_eq!(promote(a, DType::Bool), a);
        prop_assert!(a.can_cast_safely(p) && b.can_cast_safely(p));
        // minimality: no earlier dtype accepts both
        for t in DType::ALL.into_iter().take_while(|&t| t != p) {
            prop_assert!(!(a.can_cast_safely(t) && b.can_cast_safely(t)));
        }
        prop_assert_eq!(promote(p, a), p);
    }

    #[test]
    fn reshape_resolves_unknown(dims in prop::collection::vec(1usize..5, 1..4), pick in 0usize..4) {
        let size: usize = dims.iter().product();
        let mut req: Vec<isize> = dims.iter().map(|&d| d as isize).collect();
        let k = pick % req.len();
        req[k] = -1;
        prop_assert_eq!(resolve_reshape(size, &req).unwrap().to_vec(), dims);
    }

    #[test]
    fn axis_normalisation(ndim in 0usize..6, axis in -8isize..8) {
        let r = normalize_axis(axis, ndim);
        let n = ndim as isize;
        prop_assert_eq!(r.is_ok(), axis >= -n && axis < n);
        if let Ok(a) = r {
            prop_assert!(a < ndim);
            prop_assert_eq!(a as isize, if axis < 0 { axis + n } else { axis });
        }
    }
}
