//! Property tests for views: reshape/transpose round-trips against naive index arithmetic, and
//! write-through semantics (a write through a view changes the base; a copy does not).

use numfuse_ir::{Shape, SliceAxis};
use numfuse_runtime::{shares_memory, NdArray, Value};
use proptest::prelude::*;

fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..5, 1..4)
}

fn iota(shape: &[usize]) -> NdArray {
    let n: usize = shape.iter().product();
    NdArray::from_vec(Shape::from(shape), (0..n as i64).collect()).unwrap()
}

proptest! {
    #[test]
    fn transpose_round_trip(s in shape()) {
        let a = iota(&s);
        let back = a.t().t();
        prop_assert_eq!(back.to_vec::<i64>().unwrap(), a.to_vec::<i64>().unwrap());
        prop_assert!(shares_memory(&a, &a.t()));
    }

    #[test]
    fn transpose_matches_naive(s in prop::collection::vec(1usize..5, 2..3)) {
        let a = iota(&s);
        let t = a.t().to_vec::<i64>().unwrap();
        let (r, c) = (s[0], s[1]);
        for i in 0..c {
            for j in 0..r {
                prop_assert_eq!(t[i * r + j], (j * c + i) as i64);
            }
        }
    }

    #[test]
    fn reshape_keeps_c_order(s in shape()) {
        let a = iota(&s);
        let flat = a.reshape(&Shape::from([a.size()])).unwrap();
        prop_assert_eq!(flat.to_vec::<i64>().unwrap(), (0..a.size() as i64).collect::<Vec<_>>());
        // reshaping a transposed array copies exactly when NumPy does, and keeps values
        let t = a.t();
        let (r, was_view) = t.reshape_view_or_copy(&Shape::from([t.size()])).unwrap();
        prop_assert_eq!(r.to_vec::<i64>().unwrap(), t.to_vec::<i64>().unwrap());
        prop_assert_eq!(was_view, t.is_c_contiguous());
    }

    #[test]
    fn write_through_view(n in 2usize..20, start in 0usize..5, step in 1isize..4) {
        let a = iota(&[n + start]);
        let len = (n - 1) / step as usize + 1;
        let v = a.slice(&[SliceAxis { start, step, len }]).unwrap();
        let c = v.copy();
        v.set(&[0], Value::I64(-7)).unwrap();
        prop_assert_eq!(a.get(&[start as isize]).unwrap(), Value::I64(-7));
        prop_assert_eq!(c.get(&[0]).unwrap(), Value::I64(start as i64));
        prop_assert!(shares_memory(&a, &v));
        prop_assert!(!shares_memory(&a, &c));
    }

    #[test]
    fn snapshots_are_isolated(n in 1usize..20) {
        let a = iota(&[n]);
        let snap = a.snapshot();
        a.fill(Value::I64(5)).unwrap();
        prop_assert_eq!(snap.to_vec::<i64>().unwrap(), (0..n as i64).collect::<Vec<_>>());
        prop_assert!(a.to_vec::<i64>().unwrap().iter().all(|&x| x == 5));
    }
}

#[test]
fn reversed_and_strided_views_do_not_overlap_wrongly() {
    let a = iota(&[10]);
    let even = a
        .slice(&[SliceAxis {
            start: 0,
            step: 2,
            len: 5,
        }])
        .unwrap();
    let odd = a
        .slice(&[SliceAxis {
            start: 1,
            step: 2,
            len: 5,
        }])
        .unwrap();
    let rev = a
        .slice(&[SliceAxis {
            start: 9,
            step: -1,
            len: 10,
        }])
        .unwrap();
    assert!(!shares_memory(&even, &odd));
    assert!(shares_memory(&rev, &odd));
    assert_eq!(
        rev.to_vec::<i64>().unwrap(),
        (0..10).rev().collect::<Vec<i64>>()
    );
}
