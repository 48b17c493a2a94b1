//! The deterministic random numbers (SplitMix64) of the samples.

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / 9007199254740992.0)
    }
    pub(crate) fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// `±2^u` with `u` uniform in `[e0, e1]`, random mantissa.
    pub(crate) fn log_uniform(&mut self, e0: f64, e1: f64, signed: bool) -> f64 {
        let v = self.uniform(e0, e1).exp2();
        if signed && self.next() & 1 == 1 {
            -v
        } else {
            v
        }
    }
    /// A random finite `f64` bit pattern (all exponents equally likely).
    pub(crate) fn bits64(&mut self) -> f64 {
        loop {
            let v = f64::from_bits(self.next());
            if v.is_finite() {
                return v;
            }
        }
    }
    /// A random finite `f32` bit pattern.
    pub(crate) fn bits32(&mut self) -> f64 {
        loop {
            let v = f32::from_bits(self.next() as u32);
            if v.is_finite() {
                return v as f64;
            }
        }
    }
}
