//! Seed acceptance examples for broadcasting (area 10), in all three evaluation modes: the
//! seed's shape table (including its two `ValueError` rows) and the value examples.

use numfuse as nf;
use numfuse::s;
use numfuse_tests::support::in_all_modes;

/// The shape of `zeros(a) + zeros(b)`, or the error.
fn add_shape(a: &[usize], b: &[usize]) -> nf::Result<Vec<usize>> {
    let sum = nf::zeros(a.to_vec()).try_add(nf::zeros(b.to_vec()))?;
    Ok(sum.shape().dims().to_vec())
}

#[test]
fn area10_ex1_seed_shape_table() {
    in_all_modes(|| {
        assert_eq!((nf::zeros([5]) + 1.0).shape().dims(), &[5]);
        let ok: [(&[usize], &[usize], &[usize]); 5] = [
            (&[3, 4], &[4], &[3, 4]),
            (&[3, 1], &[1, 4], &[3, 4]),
            (&[32, 28, 28], &[28, 28], &[32, 28, 28]),
            (&[3, 4], &[3, 1], &[3, 4]),
            (&[2, 3, 4], &[3, 4], &[2, 3, 4]),
        ];
        for (a, b, want) in ok {
            assert_eq!(add_shape(a, b).unwrap(), want, "{a:?} + {b:?}");
            assert_eq!(add_shape(b, a).unwrap(), want, "{b:?} + {a:?}");
        }
        for (a, b) in [(&[3usize, 4][..], &[3usize][..]), (&[2, 3], &[2, 4])] {
            let err = add_shape(a, b).unwrap_err();
            assert!(
                matches!(err, nf::Error::Broadcast { .. }),
                "{a:?} + {b:?}: {err:?}"
            );
            assert_eq!(err.numpy_class(), "ValueError");
        }
    });
}

#[test]
fn area10_ex2_column_plus_row_and_image_normalisation() {
    in_all_modes(|| {
        let grid = nf::array([[0], [10], [20], [30]]) + nf::array([0, 1, 2, 3]);
        let want: Vec<i64> = (0..4)
            .flat_map(|r| (0..4).map(move |c| 10 * r + c))
            .collect();
        assert_eq!(grid.to_vec::<i64>(), want);
        let text = "[[ 0  1  2  3]\n [10 11 12 13]\n [20 21 22 23]\n [30 31 32 33]]";
        assert_eq!(format!("{grid}"), text);
        // (32,3,224,224) - mean.reshape(1,3,1,1), / std.reshape(1,3,1,1): shapes only
        let images = nf::zeros([32, 3, 224, 224]);
        let mean = nf::array([0.485, 0.456, 0.406]).reshape([1, 3, 1, 1]);
        let std = nf::array([0.229, 0.224, 0.225]).reshape([1, 3, 1, 1]);
        assert_eq!(
            ((&images - &mean) / &std).shape().dims(),
            &[32, 3, 224, 224]
        );
        // pairwise distances between (5,3) and (7,3) point sets
        let a = nf::arange(15).astype(nf::float64).reshape([5, 1, 3]);
        let b = nf::arange(21).astype(nf::float64).reshape([1, 7, 3]);
        let diff = &a - &b;
        assert_eq!(diff.shape().dims(), &[5, 7, 3]);
        let dist = (&diff * &diff).sum(-1).sqrt();
        assert_eq!(dist.shape().dims(), &[5, 7]);
        assert_eq!(dist.slice(s![1, 1]).item_f64(), 0.0);
        assert_eq!(dist.slice(s![0, 1]).item_f64(), 27f64.sqrt());
    });
}

#[test]
fn area10_ex3_rank_promotion_and_outer_product() {
    in_all_modes(|| {
        assert_eq!(add_shape(&[4, 1, 3], &[3, 3]).unwrap(), vec![4, 3, 3]);
        for b in [&[3usize, 4, 5][..], &[4, 5], &[5], &[1]] {
            assert_eq!(
                add_shape(&[3, 4, 5], b).unwrap(),
                vec![3, 4, 5],
                "(3,4,5) + {b:?}"
            );
        }
        let a = nf::array([1, 2, 3, 4]);
        let b = nf::array([10, 20, 30]);
        let outer = a.slice(s![.., newaxis]) * b.slice(s![newaxis, ..]);
        assert_eq!(outer.shape().dims(), &[4, 3]);
        let want: Vec<i64> = [1, 2, 3, 4]
            .iter()
            .flat_map(|x| [10, 20, 30].map(|y| x * y))
            .collect();
        assert_eq!(outer.to_vec::<i64>(), want);
    });
}

#[test]
fn area10_ex4_scalar_row_and_column_broadcasting() {
    in_all_modes(|| {
        let m = nf::array([[1, 2, 3], [4, 5, 6]]);
        assert_eq!((&m + 10).to_vec::<i64>(), vec![11, 12, 13, 14, 15, 16]);
        assert_eq!(
            (&m * nf::array([1, 2, 3])).to_vec::<i64>(),
            vec![1, 4, 9, 4, 10, 18]
        );
        let col = nf::array([[10], [20]]);
        assert_eq!((&m + &col).to_vec::<i64>(), vec![11, 12, 13, 24, 25, 26]);
        let t = nf::array([1, 2, 3, 4]).slice(s![.., newaxis])
            * nf::array([10, 20, 30]).slice(s![newaxis, ..]);
        let want = vec![10, 20, 30, 20, 40, 60, 30, 60, 90, 40, 80, 120];
        assert_eq!(t.to_vec::<i64>(), want);
    });
}

#[test]
fn area10_keepdims_normalisation_patterns() {
    in_all_modes(|| {
        // (6,3) - (1,3): column centring
        let x = nf::arange(18).astype(nf::float64).reshape([6, 3]);
        let centred = &x - x.mean(nf::axis(0).keepdims(true));
        assert_eq!(centred.shape().dims(), &[6, 3]);
        assert_eq!(centred.sum(0).to_vec::<f64>(), vec![0.0; 3]);
        // (3,4) - (3,1): row centring; (2,4) / (2,1): row normalisation
        let y = nf::arange(12).astype(nf::float64).reshape([3, 4]);
        let rc = &y - y.mean(nf::axis(1).keepdims(true));
        assert_eq!(rc.slice(s![0]).to_vec::<f64>(), vec![-1.5, -0.5, 0.5, 1.5]);
        let p = nf::array([[1.0, 3.0], [2.0, 2.0]]);
        let probs = &p / p.sum(nf::axis(1).keepdims(true));
        assert_eq!(probs.to_vec::<f64>(), vec![0.25, 0.75, 0.5, 0.5]);
        // reshape(1, -1) instead of keepdims; bias add (4,3) + (3,)
        let mu = y.mean(0).reshape([1, -1]);
        assert_eq!((&y - &mu).shape().dims(), &[3, 4]);
        let bias = nf::zeros([4, 3]) + nf::array([0.1, 0.2, 0.3]);
        assert_eq!(bias.slice(s![3]).to_vec::<f64>(), vec![0.1, 0.2, 0.3]);
        // one-hot via (n,1) == (1,k), and a threshold matrix (1,5) >= (3,1)
        let labels = nf::array([2, 0, 1]).reshape([3, 1]);
        let onehot = labels
            .equal(nf::arange(3).reshape([1, 3]))
            .astype(nf::float64);
        assert_eq!(
            onehot.to_vec::<f64>(),
            vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        );
        let hits = nf::arange(5).reshape([1, 5]).ge(nf::array([[1], [3], [5]]));
        assert_eq!(hits.sum(1).to_vec::<i64>(), vec![4, 2, 0]);
        // broadcast_to makes the stretched view explicitly
        let b = nf::array([1, 2, 3]).broadcast_to([2, 3]);
        assert_eq!(b.to_vec::<i64>(), vec![1, 2, 3, 1, 2, 3]);
    });
}
