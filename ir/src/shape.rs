//! Shapes, NumPy broadcasting, axis normalisation and reshape inference.

use crate::error::{Error, Result};
use smallvec::SmallVec;
use std::fmt;
use std::ops::Deref;

/// An array shape: the length of each axis. Prints like a Python tuple: `(3,4)`, `(3,)`, `()`.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shape(pub SmallVec<[usize; 4]>);

impl Shape {
    /// The shape of a 0-d array.
    pub fn scalar() -> Shape {
        Shape(SmallVec::new())
    }
    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.0.len()
    }
    /// Number of elements (1 for a 0-d array).
    pub fn size(&self) -> usize {
        self.0.iter().product()
    }
    /// The axis lengths.
    pub fn dims(&self) -> &[usize] {
        &self.0
    }
    /// C-order (row-major) strides in elements.
    pub fn c_strides(&self) -> SmallVec<[isize; 4]> {
        let mut strides: SmallVec<[isize; 4]> = SmallVec::from_elem(0, self.ndim());
        let mut acc = 1isize;
        for (s, &d) in strides.iter_mut().zip(self.0.iter()).rev() {
            *s = acc;
            acc *= d.max(1) as isize;
        }
        strides
    }
    /// Fortran-order (column-major) strides in elements.
    pub fn f_strides(&self) -> SmallVec<[isize; 4]> {
        let mut strides: SmallVec<[isize; 4]> = SmallVec::from_elem(0, self.ndim());
        let mut acc = 1isize;
        for (s, &d) in strides.iter_mut().zip(self.0.iter()) {
            *s = acc;
            acc *= d.max(1) as isize;
        }
        strides
    }
}

impl Deref for Shape {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.0
    }
}

impl<const N: usize> From<[usize; N]> for Shape {
    fn from(d: [usize; N]) -> Shape {
        Shape(SmallVec::from_slice(&d))
    }
}
impl From<&[usize]> for Shape {
    fn from(d: &[usize]) -> Shape {
        Shape(SmallVec::from_slice(d))
    }
}
impl From<Vec<usize>> for Shape {
    fn from(d: Vec<usize>) -> Shape {
        Shape(SmallVec::from_vec(d))
    }
}
impl From<usize> for Shape {
    fn from(d: usize) -> Shape {
        Shape::from([d])
    }
}
impl From<()> for Shape {
    fn from(_: ()) -> Shape {
        Shape::scalar()
    }
}
macro_rules! shape_from_tuple {
    ($($n:literal: $($t:ident),+);*) => {$(
        #[allow(non_snake_case)]
        impl From<($(shape_from_tuple!(@ty $t),)+)> for Shape {
            fn from(($($t,)+): ($(shape_from_tuple!(@ty $t),)+)) -> Shape {
                Shape::from([$($t),+])
            }
        }
    )*};
    (@ty $t:ident) => { usize };
}
shape_from_tuple!(1: A; 2: A, B; 3: A, B, C; 4: A, B, C, D; 5: A, B, C, D, E; 6: A, B, C, D, E, F);

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() == 1 {
            f.write_str(",")?;
        }
        f.write_str(")")
    }
}
impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Broadcasts shapes by NumPy's three rules; `None` if they are incompatible.
///
/// ```
/// use numfuse_ir::{broadcast_shapes, Shape};
/// let s = broadcast_shapes(&[Shape::from([3, 1]), Shape::from([1, 4])]).unwrap();
/// assert_eq!(s, Shape::from([3, 4]));
/// assert!(broadcast_shapes(&[Shape::from([3, 4]), Shape::from([3])]).is_none());
/// ```
pub fn broadcast_shapes(shapes: &[Shape]) -> Option<Shape> {
    let ndim = shapes.iter().map(|s| s.ndim()).max().unwrap_or(0);
    let mut out: SmallVec<[usize; 4]> = SmallVec::from_elem(1, ndim);
    for s in shapes {
        let pad = ndim - s.ndim();
        for (i, &d) in s.iter().enumerate() {
            let o = &mut out[pad + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return None;
            }
        }
    }
    Some(Shape(out))
}

/// Normalises a possibly negative axis into `0..ndim`.
pub fn normalize_axis(axis: isize, ndim: usize) -> Result<usize> {
    let n = ndim as isize;
    if axis < -n || axis >= n {
        return Err(Error::AxisOutOfBounds { axis, ndim });
    }
    Ok(if axis < 0 { axis + n } else { axis } as usize)
}

/// Normalises a list of axes; sorted, duplicates rejected with NumPy's "repeated axis".
pub fn normalize_axes(axes: &[isize], ndim: usize) -> Result<SmallVec<[usize; 4]>> {
    let mut out: SmallVec<[usize; 4]> = SmallVec::new();
    for &a in axes {
        let a = normalize_axis(a, ndim)?;
        if out.contains(&a) {
            return Err(Error::RepeatedAxis);
        }
        out.push(a);
    }
    out.sort_unstable();
    Ok(out)
}

/// Resolves a reshape request (at most one negative size, the unknown one) against `size`
/// elements.
///
/// ```
/// use numfuse_ir::shape::resolve_reshape;
/// assert_eq!(resolve_reshape(12, &[2, -1]).unwrap().dims(), &[2, 6]);
/// assert!(resolve_reshape(12, &[5, -1]).is_err());
/// ```
pub fn resolve_reshape(size: usize, request: &[isize]) -> Result<Shape> {
    let err = || Error::Reshape {
        size,
        shape: request.to_vec(),
    };
    let mut unknown = None;
    let mut known = 1usize;
    for (i, &d) in request.iter().enumerate() {
        match d {
            // NumPy treats any negative size as the unknown dimension
            d if d < 0 && unknown.is_none() => unknown = Some(i),
            d if d < 0 => {
                return Err(Error::Value(
                    "can only specify one unknown dimension".into(),
                ))
            }
            d => known = known.checked_mul(d as usize).ok_or_else(err)?,
        }
    }
    let mut dims: SmallVec<[usize; 4]> = request.iter().map(|&d| d.max(0) as usize).collect();
    if let Some(i) = unknown {
        if known == 0 || !size.is_multiple_of(known) {
            return Err(err());
        }
        dims[i] = size / known;
    } else if known != size {
        return Err(err());
    }
    Ok(Shape(dims))
}
