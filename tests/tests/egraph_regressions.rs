//! Bugs found by the 10^6-graph fuzz runs (unsound rewrites, a vmath special case, an overflow
//! in slice composition, a row-blocked segment reading a copy): each program must give the
//! interpreter's answer (or error) in Lazy mode, where the optimizer runs.

use numfuse as nf;

fn both<T: PartialEq + std::fmt::Debug>(f: impl Fn() -> T) {
    nf::set_jit_threshold(0);
    let lazy = nf::with_mode(nf::Mode::Lazy, &f);
    let interp = nf::with_mode(nf::Mode::Interpret, &f);
    assert_eq!(lazy, interp);
}

#[test]
fn int_to_float_to_int_is_not_a_direct_cast() {
    // uint32 -> float64 -> uint8: out of range goes through float semantics, not wrapping
    let x = nf::Array::from_ndarray(
        &nf::NdArray::from_vec([3], vec![3_000_000_000u32, 300, 7]).unwrap(),
    );
    both(|| x.astype(nf::float64).astype(nf::uint8).to_vec::<u8>());
}

#[test]
fn double_logical_not_of_integers_is_a_bool() {
    let x = nf::array([0i64, 5, -2]);
    both(|| x.logical_not().logical_not().to_vec::<bool>());
}

#[test]
fn abs_of_negated_unsigned_wraps() {
    let x = nf::array([1u16, 2, 0, 65535]);
    both(|| (-&x).abs().to_vec::<u16>());
}

#[test]
fn where_keeps_the_errors_of_both_branches() {
    let a = nf::array([1.0, 2.0]);
    let bad = nf::array([2i32, 3]).power(-1i64).astype(nf::float64);
    both(|| {
        nf::try_where(true, &a, &bad)
            .and_then(|y| y.try_eval())
            .map(|v| v.to_vec::<f64>().unwrap())
            .map_err(|e| e.to_string())
    });
}

#[test]
fn power_of_one_with_a_signaling_nan_is_nan_like_glibc() {
    let snan = f64::from_bits(0x7ff4_0000_0000_0001);
    let x =
        nf::Array::from_ndarray(&nf::NdArray::from_vec([4], vec![1.0, 1.0, snan, 2.0]).unwrap());
    let y = nf::Array::from_ndarray(
        &nf::NdArray::from_vec([4], vec![snan, f64::NAN, 0.0, 0.0]).unwrap(),
    );
    both(|| {
        x.power(&y)
            .to_vec::<f64>()
            .into_iter()
            .map(|v| {
                if v.is_nan() {
                    "nan".to_string()
                } else {
                    v.to_string()
                }
            })
            .collect::<Vec<_>>()
    });
}

#[test]
fn composed_slices_of_one_element_do_not_overflow_their_steps() {
    // fuzz case 431331 (seed 2024): slice(slice(...)) compositions multiplied steps of a
    // one-element axis until they overflowed
    let x = nf::Array::from_ndarray(&nf::NdArray::zeros([0, 0, 1, 5], nf::uint32));
    both(|| {
        let y = nf::where_(false, &x, 1.5);
        let z = y.slice(nf::s![.., newaxis, 0..-2;5, ..;-3, ..]);
        (z.shape().dims().to_vec(), z.to_vec::<f64>())
    });
    let w =
        nf::Array::from_ndarray(&nf::NdArray::from_vec([1, 4], vec![1.0, 2.0, 3.0, 4.0]).unwrap());
    both(|| {
        let mut v = w.clone();
        for _ in 0..40 {
            v = v.slice(nf::s![..;-7, ..]) * 1.0;
        }
        v.to_vec::<f64>()
    });
}

#[test]
fn a_segment_never_reads_a_reshaped_broadcast_of_its_block() {
    // fuzz case 87125 (seed 2024): a row reduction inside a row-blocked segment, read by the
    // next step through reshape(broadcast(..)), which is not a view: the block read a copy
    let b = nf::Array::from_ndarray(
        &nf::NdArray::from_vec([3, 9, 17], (0..459).map(|i| i % 29 == 0).collect()).unwrap(),
    );
    let u = nf::Array::from_ndarray(
        &nf::NdArray::from_vec([3, 9, 17], (0..459u32).map(|i| i * 7 + 1).collect()).unwrap(),
    );
    for dt in [nf::bool_, nf::float64] {
        let m = || b.astype(dt).max(nf::axis([1]).keepdims(true));
        both(|| {
            (m() * &u)
                .reshape([3, 17, -1, 9])
                .astype(nf::int64)
                .to_vec::<i64>()
        });
    }
}
