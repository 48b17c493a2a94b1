//! Contiguous copies that step around a slow path of `memcpy`.
//!
//! glibc copies blocks of a few KB up to about 1 MB with `rep movsb`. On AMD Zen 3 (measured
//! on this project's 2-core machines, glibc 2.36) that instruction runs at about 6 GB/s
//! instead of 90–175 GB/s when the destination starts 1–31 bytes after the source modulo
//! 4 KB (8 KB and 64 KB copies; 512 B, 2 KB and ≥ 1 MB copies are not affected). Buffers
//! are 64-byte aligned, but views start at any element: `x[505:]` of a float64 array starts
//! 4040 bytes into `x`'s memory, so a copy of it into an aligned buffer lands 56 bytes after
//! it modulo 4 KB. [`copy_elems`] copies those cases in pieces of 2 KB, which glibc copies
//! with vector moves, and every other case with one `memcpy`.

/// Bytes per piece when the distance is unlucky: below glibc's `rep movsb` threshold.
const PIECE_BYTES: usize = 2048;

/// Whether a copy from `src` to `dst` of `bytes` bytes would take the slow `rep movsb` path.
fn unlucky(src: usize, dst: usize, bytes: usize) -> bool {
    let distance = dst.wrapping_sub(src) % 4096;
    bytes > PIECE_BYTES && bytes < (1 << 20) && (1..64).contains(&distance)
}

/// `dst.copy_from_slice(src)`, in pieces of 2 KB when the addresses would make `memcpy` slow.
///
/// # Panics
/// If the lengths differ (as `copy_from_slice`).
pub fn copy_elems<T: Copy>(dst: &mut [T], src: &[T]) {
    assert_eq!(dst.len(), src.len(), "copy_elems: lengths differ");
    let bytes = std::mem::size_of_val(src);
    if !unlucky(src.as_ptr() as usize, dst.as_ptr() as usize, bytes) {
        dst.copy_from_slice(src);
        return;
    }
    let piece = (PIECE_BYTES / std::mem::size_of::<T>().max(1)).max(1);
    for (d, s) in dst.chunks_mut(piece).zip(src.chunks(piece)) {
        d.copy_from_slice(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_forward_distances_are_unlucky() {
        assert!(unlucky(4096, 4096 + 8, 8192));
        assert!(unlucky(4096, 3 * 4096 + 16, 65536));
        assert!(!unlucky(4096, 4096 + 64, 8192));
        assert!(!unlucky(4096 + 8, 4096, 8192));
        assert!(!unlucky(4096, 4096 + 8, 2048));
        assert!(!unlucky(4096, 4096 + 8, 1 << 20));
    }

    /// Every offset pair over sizes around the piece size copies every element.
    #[test]
    fn copies_exactly_at_every_distance() {
        let src: Vec<u64> = (0..20_000u64).map(|i| i * 2654435761).collect();
        for n in [0, 1, 255, 256, 257, 1000, 4099, 9000] {
            for s0 in 0..4 {
                for d0 in 0..4 {
                    let mut dst = vec![0u64; n + 8];
                    copy_elems(&mut dst[d0..d0 + n], &src[s0..s0 + n]);
                    assert_eq!(&dst[d0..d0 + n], &src[s0..s0 + n], "n={n} s0={s0} d0={d0}");
                    assert!(dst[..d0].iter().chain(&dst[d0 + n..]).all(|&v| v == 0));
                }
            }
        }
        // a destination 8 bytes after the source modulo 4 KB: the piecewise path
        let mut dst = vec![0u64; 1024 + 4096];
        let (sp, dp) = (src.as_ptr() as usize, dst.as_ptr() as usize);
        let off = ((sp + 8 + 4096 - dp % 4096) % 4096) / 8;
        assert!(unlucky(sp, dp + 8 * off, 8192));
        copy_elems(&mut dst[off..off + 1024], &src[..1024]);
        assert_eq!(&dst[off..off + 1024], &src[..1024]);
        let f: Vec<f32> = (0..5000).map(|i| i as f32 * 0.5).collect();
        let mut g = vec![0.0f32; 5001];
        copy_elems(&mut g[1..], &f);
        assert_eq!(&g[1..], &f[..]);
    }
}
