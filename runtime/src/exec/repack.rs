//! Repacking small strided inputs: a kernel input that is read with a stride along the
//! innermost loop (element by element: two scalar loads and an insert per 128-bit vector)
//! but holds few distinct elements that the kernel reads many times — pairwise distances
//! read `b[j, k]` of a `(2000, 3)` array with stride 3 along `j` for each of 2000 rows — is
//! copied once into a small buffer laid out so that the innermost loop reads it
//! contiguously. The values and the operations are unchanged, so are the bits; only the
//! load addresses move.

use super::bind::Bound;
use crate::ndarray::NdArray;
use numfuse_ir::kernel::{Kernel, Role};
use numfuse_ir::{Result, SliceAxis};

/// Inputs with at most this many distinct bytes are repacked (the copy stays in L2).
const MAX_BYTES: usize = 256 << 10;
/// ... when the kernel iterates at least this many times over each distinct element.
const MIN_REUSE: usize = 16;

/// Repacks every input of `bound` (bound over `iter_shape`) that qualifies and that
/// `eligible` admits (by operand index); `inner` is the iteration dimension the specialised
/// kernel runs innermost. Returns whether any changed.
pub(super) fn small_strided_inputs(
    kernel: &Kernel,
    iter_shape: &[usize],
    inner: usize,
    bound: &mut [Bound],
    eligible: &dyn Fn(usize) -> bool,
) -> Result<bool> {
    let iterations: usize = iter_shape.iter().product();
    let mut changed = false;
    for (o, (op, b)) in kernel.operands.iter().zip(bound.iter_mut()).enumerate() {
        let input = op.role == Role::Input && eligible(o);
        let Some(v) = b.view.as_ref().filter(|_| input) else {
            continue;
        };
        let item = v.itemsize() as isize;
        let Some(&s) = v.strides_elems().get(inner) else {
            continue;
        };
        if s == 0 || s == 1 || v.shape()[inner] < 2 || b.strides.len() != v.ndim() {
            continue;
        }
        let distinct: usize = v
            .shape()
            .iter()
            .zip(v.strides_elems())
            .filter(|(_, &st)| st != 0)
            .map(|(&n, _)| n)
            .product();
        if distinct * item as usize > MAX_BYTES || iterations < MIN_REUSE * distinct {
            continue;
        }
        let packed = packed_along(v, inner)?;
        b.strides = packed
            .strides_elems()
            .iter()
            .map(|&st| st as i64 * item as i64)
            .collect();
        b.bytes = packed.nbytes();
        b.view = Some(packed);
        changed = true;
    }
    Ok(changed)
}

/// A view with the shape and values of `v` whose distinct elements sit in a fresh buffer in
/// which dimension `inner` is contiguous (broadcast dimensions stay broadcast).
fn packed_along(v: &NdArray, inner: usize) -> Result<NdArray> {
    let n = v.ndim();
    // one element along every broadcast dimension
    let axes: Vec<SliceAxis> = v
        .shape()
        .iter()
        .zip(v.strides_elems())
        .map(|(&len, &st)| SliceAxis {
            start: 0,
            step: 1,
            len: if st == 0 { len.min(1) } else { len },
        })
        .collect();
    let compact = v.slice(&axes)?;
    // `inner` last, copied C-contiguously, then the axes put back
    let perm: Vec<usize> = (0..n).filter(|&d| d != inner).chain([inner]).collect();
    let mut back = vec![0; n];
    for (i, &p) in perm.iter().enumerate() {
        back[p] = i;
    }
    let copied = compact.permute(&perm)?.copy().permute(&back)?;
    copied.broadcast_to(v.shape())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A strided view of a small array repacks with `inner` contiguous, keeping its values
    /// and its broadcast dimensions.
    #[test]
    fn packed_view_has_the_values_and_a_contiguous_inner_dimension() {
        let b = NdArray::from_vec(vec![5, 3], (0..15).map(|i| i as f64).collect()).unwrap();
        // (4, 5, 3): broadcast over dim 0, b[j, k] with stride 3 along j
        let v = b
            .reshape(&vec![1, 5, 3].into())
            .unwrap()
            .broadcast_to(&vec![4, 5, 3].into())
            .unwrap();
        let p = packed_along(&v, 1).unwrap();
        assert_eq!(p.shape(), v.shape());
        assert_eq!(p.strides_elems(), &[0, 1, 5]);
        assert_eq!(p.to_vec::<f64>().unwrap(), v.to_vec::<f64>().unwrap());
    }
}
