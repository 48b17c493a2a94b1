//! Payne–Hanek reduction modulo π/2 for the rare huge arguments of `sin`/`cos`/`tan`.
//!
//! Scalar code (the vector kernels send `|x| >= 2^20` here, one element at a time). With
//! `x = m 2^e` (`m` a 53-bit integer), only a 192-bit window of the bits of `2/π` matters
//! for `x 2/π mod 4`: earlier bits contribute multiples of 4, later ones less than `2^-137`.
//! The product `m × window` is formed exactly in 256-bit integer arithmetic; its fraction,
//! times π/2 in double-double, is the reduced argument (about 2^-70 relative even for the
//! hardest double, whose `|r|` is near `2^-61`). glibc's own huge-argument path is up to
//! ~8 ulp off on such cases (e.g. `cos(6381956970095103 · 2^797)`); this one is not.

use super::consts::{PIO2_HI, PIO2_LO};
use super::fp::two_prod;

/// Bits of `2/π` after the binary point, most significant first.
const TWO_OVER_PI: [u64; 20] = [
    0xa2f9836e4e441529,
    0xfc2757d1f534ddc0,
    0xdb6295993c439041,
    0xfe5163abdebbc561,
    0xb7246e3a424dd2e0,
    0x06492eea09d1921c,
    0xfe1deb1cb129a73e,
    0xe88235f52ebb4484,
    0xe99c7026b45f7e41,
    0x3991d639835339f4,
    0x9c845f8bbdf9283b,
    0x1ff897ffde05980f,
    0xef2f118b5a0a6d1f,
    0x6d367ecf27cb09b7,
    0x4f463f669e5fea2d,
    0x7527bac7ebe5f17b,
    0x3d0739f78a5292ea,
    0x6bfb5fb11f8d5d08,
    0x56033046fc7b6bab,
    0xf0cfbc209af4361d,
];

/// `x = q π/2 + (r + rl)` for finite `|x| >= 2^20`, `|r| <= π/4`. Returns `(q mod 4, r, rl)`.
pub(super) fn rem_pio2_large(x: f64) -> (u64, f64, f64) {
    let bits = x.to_bits();
    let neg = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let m = (bits & 0x000f_ffff_ffff_ffff) | 0x0010_0000_0000_0000; // |x| >= 2^20 is normal
    let e = biased - 1075; // |x| = m 2^e, e >= -32
                           // First bit of 2/π (1-based) that matters, and the 192-bit window starting there.
    let i0 = (e - 1).max(1);
    let s = (i0 - 1) as usize;
    let (ws, off) = (s / 64, (s % 64) as u32);
    let word = |k: usize| -> u64 {
        let a = TWO_OVER_PI[ws + k];
        if off == 0 {
            a
        } else {
            (a << off) | (TWO_OVER_PI[ws + k + 1] >> (64 - off))
        }
    };
    let w = [word(0), word(1), word(2)];
    // P = m * W (up to 245 bits) as two u128 halves.
    let a = m as u128 * w[2] as u128;
    let b = m as u128 * w[1] as u128 + (a >> 64);
    let c = m as u128 * w[0] as u128 + (b >> 64);
    let lo = (b << 64) | (a as u64 as u128);
    let hi = c;
    // x 2/π mod 4 = P / 2^shift mod 4.
    let shift = (i0 + 191 - e) as u32; // 190 ..= 224
    let q = (hi >> (shift - 128)) as u64 & 3;
    let sh = shift - 128; // 62 ..= 96
    let frac = (lo >> sh) | (hi << (128 - sh)); // the 128 bits below the binary point
                                                // Round to the nearest quadrant: a fraction >= 1/2 becomes negative (two's complement).
    let v = frac as i128;
    let q = (q + (v < 0) as u64) & 3;
    let fh = v as f64;
    let fl = (v - fh as i128) as f64;
    let scale = 2.938735877055719e-39; // 2^-128
    let (fh, fl) = (fh * scale, fl * scale);
    let (r, e1) = two_prod::<false>(fh, PIO2_HI);
    let rl = e1 + (fh * PIO2_LO + fl * PIO2_HI);
    let (r, rl) = (r + rl, rl - ((r + rl) - r));
    if neg {
        ((4 - q) & 3, -r, -rl)
    } else {
        (q, r, rl)
    }
}
