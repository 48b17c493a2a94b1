//! Shape manipulation: `reshape` (with `-1`), `ravel`, `flatten`, `transpose`, `swapaxes`,
//! `moveaxis`, `expand_dims`, `squeeze`, `broadcast_to`, `astype`, `copy`. All lazy; the
//! interpreter evaluates movement ops as views (reshape copies only where NumPy would).

use crate::array::{ok, Array};
use crate::ufunc::cast_to;
use numfuse_ir::shape::{normalize_axes, normalize_axis, resolve_reshape};
use numfuse_ir::{DType, Error, Op, Result, Shape};
use smallvec::SmallVec;
use std::panic::Location;

/// A reshape request: dimensions, at most one of them `-1`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReshapeDims(pub Vec<isize>);

macro_rules! reshape_from {
    ($($t:ty),*) => {$(
        impl<const N: usize> From<[$t; N]> for ReshapeDims {
            fn from(d: [$t; N]) -> Self { ReshapeDims(d.iter().map(|&x| x as isize).collect()) }
        }
        impl From<&[$t]> for ReshapeDims {
            fn from(d: &[$t]) -> Self { ReshapeDims(d.iter().map(|&x| x as isize).collect()) }
        }
        impl From<Vec<$t>> for ReshapeDims {
            fn from(d: Vec<$t>) -> Self { ReshapeDims(d.iter().map(|&x| x as isize).collect()) }
        }
        impl From<$t> for ReshapeDims {
            fn from(d: $t) -> Self { ReshapeDims(vec![d as isize]) }
        }
    )*};
}
reshape_from!(i32, i64, isize, usize);
impl From<&Shape> for ReshapeDims {
    fn from(s: &Shape) -> Self {
        ReshapeDims(s.iter().map(|&d| d as isize).collect())
    }
}
impl From<Shape> for ReshapeDims {
    fn from(s: Shape) -> Self {
        ReshapeDims::from(&s)
    }
}

macro_rules! fallible_pair {
    ($(#[$doc:meta] $name:ident => $try_name:ident ( $($arg:ident : $ty:ty),* );)*) => {
        impl Array {$(
            #[$doc]
            #[track_caller]
            pub fn $name(&self $(, $arg: $ty)*) -> Array {
                ok(self.$try_name($($arg),*))
            }
        )*}
    };
}

fallible_pair! {
    /// `reshape(dims)` in C order; one dimension may be `-1`.
    reshape => try_reshape(dims: impl Into<ReshapeDims>);
    /// `transpose(axes)`: output axis `i` is input axis `axes[i]` (negative axes allowed).
    permute => try_permute(axes: &[isize]);
    /// `swapaxes(a, b)`.
    swapaxes => try_swapaxes(a: isize, b: isize);
    /// `moveaxis(source, destination)`.
    moveaxis => try_moveaxis(source: isize, destination: isize);
    /// `expand_dims(axis)` (`x[:, None]`): a new length-1 axis at `axis` of the result.
    expand_dims => try_expand_dims(axis: isize);
    /// `squeeze(axis)`: removes the given length-1 axis (all of them with `None`).
    squeeze => try_squeeze(axis: Option<isize>);
    /// `broadcast_to(shape)`.
    broadcast_to => try_broadcast_to(shape: impl Into<Shape>);
}

impl Array {
    #[track_caller]
    fn movement(&self, op: Op) -> Result<Array> {
        Array::from_op(op, vec![self.clone()], Location::caller())
    }

    /// Fallible `reshape`.
    #[track_caller]
    pub fn try_reshape(&self, dims: impl Into<ReshapeDims>) -> Result<Array> {
        let shape = resolve_reshape(self.size(), &dims.into().0)?;
        if &shape == self.shape() {
            return Ok(self.clone());
        }
        self.movement(Op::Reshape(shape))
    }

    /// `ravel()`: flattened (a view when contiguous).
    #[track_caller]
    pub fn ravel(&self) -> Array {
        ok(self.try_reshape([-1]))
    }

    /// `flatten()`: a flattened copy.
    #[track_caller]
    pub fn flatten(&self) -> Array {
        ok(self.try_reshape([-1]).and_then(|r| r.movement(Op::Copy)))
    }

    /// `copy()`: a fresh C-contiguous copy.
    #[track_caller]
    pub fn copy(&self) -> Array {
        ok(self.movement(Op::Copy))
    }

    /// `.T` / `transpose()`: reverses the axes.
    #[track_caller]
    pub fn t(&self) -> Array {
        let perm: SmallVec<[usize; 4]> = (0..self.ndim()).rev().collect();
        ok(self.movement(Op::Permute(perm)))
    }

    /// `transpose()` with no axes (same as [`t`](Self::t)).
    #[track_caller]
    pub fn transpose(&self) -> Array {
        self.t()
    }

    /// Fallible `transpose(axes)`.
    #[track_caller]
    pub fn try_permute(&self, axes: &[isize]) -> Result<Array> {
        if axes.len() != self.ndim() {
            return Err(Error::Value("axes don't match array".into()));
        }
        let mut perm: SmallVec<[usize; 4]> = SmallVec::new();
        for &a in axes {
            let a = normalize_axis(a, self.ndim())?;
            if perm.contains(&a) {
                return Err(Error::Value("repeated axis in transpose".into()));
            }
            perm.push(a);
        }
        self.movement(Op::Permute(perm))
    }

    /// Fallible `swapaxes`.
    #[track_caller]
    pub fn try_swapaxes(&self, a: isize, b: isize) -> Result<Array> {
        let a = normalize_axis(a, self.ndim()).map_err(|e| e.for_arg("axis1"))?;
        let b = normalize_axis(b, self.ndim()).map_err(|e| e.for_arg("axis2"))?;
        let mut perm: SmallVec<[usize; 4]> = (0..self.ndim()).collect();
        perm.swap(a, b);
        self.movement(Op::Permute(perm))
    }

    /// Fallible `moveaxis`.
    #[track_caller]
    pub fn try_moveaxis(&self, source: isize, destination: isize) -> Result<Array> {
        let s = normalize_axis(source, self.ndim()).map_err(|e| e.for_arg("source"))?;
        let d = normalize_axis(destination, self.ndim()).map_err(|e| e.for_arg("destination"))?;
        let mut perm: SmallVec<[usize; 4]> = (0..self.ndim()).filter(|&i| i != s).collect();
        perm.insert(d, s);
        self.movement(Op::Permute(perm))
    }

    /// Fallible `expand_dims`.
    #[track_caller]
    pub fn try_expand_dims(&self, axis: isize) -> Result<Array> {
        let a = normalize_axis(axis, self.ndim() + 1)?;
        let mut dims = self.shape().0.clone();
        dims.insert(a, 1);
        self.movement(Op::Reshape(Shape(dims)))
    }

    /// Fallible `squeeze`.
    #[track_caller]
    pub fn try_squeeze(&self, axis: Option<isize>) -> Result<Array> {
        let remove: SmallVec<[usize; 4]> = match axis {
            None => (0..self.ndim()).filter(|&i| self.shape()[i] == 1).collect(),
            Some(a) => {
                let ax = normalize_axes(&[a], self.ndim())?;
                if self.shape()[ax[0]] != 1 {
                    return Err(Error::Value(
                        "cannot select an axis to squeeze out which has size not equal to one"
                            .into(),
                    ));
                }
                ax
            }
        };
        let dims = self
            .shape()
            .iter()
            .enumerate()
            .filter(|(i, _)| !remove.contains(i))
            .map(|(_, &d)| d)
            .collect();
        let shape = Shape(dims);
        if &shape == self.shape() {
            return Ok(self.clone());
        }
        self.movement(Op::Reshape(shape))
    }

    /// Fallible `broadcast_to`.
    #[track_caller]
    pub fn try_broadcast_to(&self, shape: impl Into<Shape>) -> Result<Array> {
        crate::ufunc::broadcast_to(self, &shape.into(), Location::caller())
    }

    /// `astype(dtype)`: conversion with NumPy's (unsafe-casting) results.
    #[track_caller]
    pub fn astype(&self, dtype: DType) -> Array {
        ok(cast_to(self, dtype, Location::caller()))
    }
}
