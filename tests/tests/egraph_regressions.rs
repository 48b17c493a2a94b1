//! Bugs found by the 10^6-graph fuzz run (unsound rewrites, a vmath special case): each program must
//! give the interpreter's answer (or error) in Lazy mode, where the optimizer runs.

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
