//! `exp` on AVX-512 with explicit intrinsics: the same operations as
//! [`super::exp::exp_table`] (with FMA), lane for lane, so the results are the same bits.
//!
//! LLVM vectorises the scalar routine's two table reads into `vgatherqpd`, which costs about
//! 12 cycles per 8-lane vector on AMD Zen 5 — more than the rest of the routine together. The
//! tables have 16 entries, so each fits in two `zmm` registers and one `vpermt2pd`/`vpermt2q`
//! (which reads only the low four bits of each index) replaces each gather.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

#[cfg(target_arch = "x86_64")]
use super::{exp, exp_table, fp::SHIFT};

/// `e^x` for every element of `c`: [`super::exp::exp_table`] where `|x| <= 708` (without its
/// clamp: 5 % of the routine's time on AMD Zen 4), the scalar fallback on the other lanes
/// (`|x| > 708`, NaN), found by one compare per vector.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
pub(super) fn exp_block(c: &mut [f64; 64]) {
    // SAFETY: each table has 16 entries, i.e. two unaligned 64-byte loads each.
    let (s_lo, s_hi, t_lo, t_hi) = unsafe {
        let s = exp_table::SBITS.as_ptr() as *const __m512i;
        let t = exp_table::TAIL.as_ptr();
        (
            _mm512_loadu_si512(s),
            _mm512_loadu_si512(s.add(1)),
            _mm512_loadu_pd(t),
            _mm512_loadu_pd(t.add(8)),
        )
    };
    let max = _mm512_set1_pd(exp::EXP_TABLE_MAX);
    for chunk in c.chunks_exact_mut(8) {
        let p = chunk.as_mut_ptr();
        // SAFETY: `chunk` holds exactly 8 f64, one unaligned 64-byte load and store.
        let x = unsafe { _mm512_loadu_pd(p) };
        let slow = _mm512_cmp_pd_mask::<_CMP_NLE_UQ>(_mm512_abs_pd(x), max);
        let y = exp8(x, s_lo, s_hi, t_lo, t_hi);
        if slow == 0 {
            // SAFETY: as above.
            unsafe { _mm512_storeu_pd(p, y) };
        } else {
            let mut xs = [0.0f64; 8];
            // SAFETY: `xs` and `chunk` hold 8 f64 each.
            unsafe {
                _mm512_storeu_pd(xs.as_mut_ptr(), x);
                _mm512_storeu_pd(p, y);
            }
            exp::patch_lanes(chunk, &xs, slow as u32);
        }
    }
}

/// Eight lanes of [`super::exp::exp_table`] (for `|x| <= 708`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn exp8(x: __m512d, s_lo: __m512i, s_hi: __m512i, t_lo: __m512d, t_hi: __m512d) -> __m512d {
    // round_int: t = fma(x, 16/ln2, SHIFT), kd = t - SHIFT, ki = bits(t) - bits(SHIFT)
    let shift = _mm512_set1_pd(SHIFT);
    let t = _mm512_fmadd_pd(x, _mm512_set1_pd(exp_table::INV_LN2_N), shift);
    let kd = _mm512_sub_pd(t, shift);
    let ki = _mm512_sub_epi64(_mm512_castpd_si512(t), _mm512_castpd_si512(shift));
    let r = _mm512_fnmadd_pd(kd, _mm512_set1_pd(exp_table::LN2_HI_N), x);
    let r = _mm512_fnmadd_pd(kd, _mm512_set1_pd(exp_table::LN2_LO_N), r);
    let sbits = _mm512_permutex2var_epi64(s_lo, ki, s_hi);
    let scale = _mm512_castsi512_pd(_mm512_add_epi64(sbits, _mm512_slli_epi64::<48>(ki)));
    let tail = _mm512_permutex2var_pd(t_lo, ki, t_hi);
    // scale_poly, operation for operation
    let k = |i: usize| _mm512_set1_pd(exp::EXP_TAYLOR[i]);
    let r2 = _mm512_mul_pd(r, r);
    let r4 = _mm512_mul_pd(r2, r2);
    let a = _mm512_fmadd_pd(r, k(3), k(2));
    let b = _mm512_fmadd_pd(r, k(5), k(4));
    let c = _mm512_fmadd_pd(r, k(7), k(6));
    let hi = _mm512_fmadd_pd(r2, c, b);
    let lo = _mm512_fmadd_pd(r2, a, _mm512_add_pd(tail, r));
    let p = _mm512_fmadd_pd(r4, hi, lo);
    _mm512_fmadd_pd(scale, p, scale)
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    /// The explicit routine and the scalar one agree bitwise.
    #[test]
    fn same_bits_as_the_scalar_routine() {
        if !super::super::Level::Avx512.is_supported() {
            return;
        }
        // SAFETY: AVX-512F/DQ support was checked above.
        super::super::exp::assert_block_matches_scalar(&|c| unsafe { super::exp_block(c) });
    }
}
