//! Shared by the runtime's integration tests: deterministic pseudo-random matrices.

/// A deterministic pseudo-random `rows × cols` matrix (row major) with entries in [-1, 1).
pub fn random(rows: usize, cols: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..rows * cols)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}
