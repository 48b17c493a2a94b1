//! NumPy-style printing of arrays (temporary minimal version; replaced by the full formatter).

use crate::ndarray::NdArray;
use std::fmt;

impl fmt::Display for NdArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.values())
    }
}
