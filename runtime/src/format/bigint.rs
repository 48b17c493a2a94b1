//! The exact unsigned integers Dragon4 computes with (NumPy uses a fixed-size `BigInt` of
//! 32-bit blocks; this one grows as needed). Only the operations Dragon4 needs are provided.

use std::cmp::Ordering;

/// An exact unsigned integer: little-endian 32-bit blocks without trailing zero blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct BigInt(Vec<u32>);

impl BigInt {
    /// The integer `v`.
    pub(super) fn from_u64(v: u64) -> BigInt {
        let mut b = BigInt(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    /// `2^n`.
    pub(super) fn pow2(n: u32) -> BigInt {
        let mut blocks = vec![0; n as usize / 32 + 1];
        blocks[n as usize / 32] = 1 << (n % 32);
        BigInt(blocks)
    }

    /// `10^n`.
    pub(super) fn pow10(n: u32) -> BigInt {
        let mut b = BigInt::from_u64(1);
        b.mul_pow10(n);
        b
    }

    /// Drops high zero blocks (restores the invariant).
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    /// Whether the value is 0.
    pub(super) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the value is even.
    pub(super) fn is_even(&self) -> bool {
        self.0.first().is_none_or(|b| b % 2 == 0)
    }

    /// `self <<= n`.
    pub(super) fn shl(&mut self, n: u32) {
        if self.is_zero() {
            return;
        }
        let (blocks, bits) = (n as usize / 32, n % 32);
        let mut out = vec![0u32; blocks];
        if bits == 0 {
            out.extend_from_slice(&self.0);
        } else {
            let mut carry = 0u32;
            for &b in &self.0 {
                out.push((b << bits) | carry);
                carry = b >> (32 - bits);
            }
            out.push(carry);
        }
        self.0 = out;
        self.trim();
    }

    /// `self *= m`.
    pub(super) fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for b in &mut self.0 {
            let p = *b as u64 * m as u64 + carry;
            *b = p as u32;
            carry = p >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    /// `self *= 10^n`.
    pub(super) fn mul_pow10(&mut self, mut n: u32) {
        while n >= 9 {
            self.mul_small(1_000_000_000);
            n -= 9;
        }
        if n > 0 {
            self.mul_small(10u32.pow(n));
        }
    }

    /// `self * o`.
    pub(super) fn mul(&self, o: &BigInt) -> BigInt {
        let mut out = vec![0u32; self.0.len() + o.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in o.0.iter().enumerate() {
                let p = out[i + j] as u64 + a as u64 * b as u64 + carry;
                out[i + j] = p as u32;
                carry = p >> 32;
            }
            out[i + o.0.len()] = carry as u32;
        }
        let mut r = BigInt(out);
        r.trim();
        r
    }

    /// `self + o`.
    pub(super) fn add(&self, o: &BigInt) -> BigInt {
        let n = self.0.len().max(o.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u64;
        for i in 0..n {
            let s = *self.0.get(i).unwrap_or(&0) as u64 + *o.0.get(i).unwrap_or(&0) as u64 + carry;
            out.push(s as u32);
            carry = s >> 32;
        }
        out.push(carry as u32);
        let mut r = BigInt(out);
        r.trim();
        r
    }

    /// `self -= o`; requires `self >= o`.
    fn sub_assign(&mut self, o: &BigInt) {
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let d = self.0[i] as i64 - *o.0.get(i).unwrap_or(&0) as i64 - borrow;
            borrow = (d < 0) as i64;
            self.0[i] = d.rem_euclid(1 << 32) as u32;
        }
        debug_assert_eq!(borrow, 0);
        self.trim();
    }

    /// Numeric comparison.
    pub(super) fn compare(&self, o: &BigInt) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }

    /// Divides by `d` in place, keeping the remainder; the quotient must be below 10.
    pub(super) fn div_rem_digit(&mut self, d: &BigInt) -> u8 {
        let mut q = 0;
        while self.compare(d) != Ordering::Less {
            self.sub_assign(d);
            q += 1;
        }
        debug_assert!(q < 10);
        q
    }
}
