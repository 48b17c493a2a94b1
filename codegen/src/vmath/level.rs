//! Instruction-set levels and their run-time detection.

/// Instruction-set level a set of routines is compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// The compilation target's baseline (SSE2 on x86-64); FMA only if the target has it.
    Baseline,
    /// AVX2 + FMA (256-bit vectors).
    Avx2Fma,
    /// AVX-512F + AVX-512DQ (512-bit vectors).
    Avx512,
}

impl Level {
    /// The best level this CPU supports.
    pub fn detect() -> Level {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        {
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq") {
                return Level::Avx512;
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Level::Avx2Fma;
            }
        }
        Level::Baseline
    }

    /// Whether this CPU can run routines compiled for `self`.
    pub fn is_supported(self) -> bool {
        match (self, Level::detect()) {
            (Level::Baseline, _) => true,
            (Level::Avx2Fma, best) => best != Level::Baseline,
            (Level::Avx512, best) => best == Level::Avx512,
        }
    }

    /// Every level this CPU supports, best last.
    pub fn supported() -> Vec<Level> {
        [Level::Baseline, Level::Avx2Fma, Level::Avx512]
            .into_iter()
            .filter(|l| l.is_supported())
            .collect()
    }
}
