//! `eval_into`: NumPy's `out=` — evaluate an expression and write the result into an
//! existing array, with NumPy's checks (shape: the result must broadcast to `out`'s shape;
//! dtype: `same_kind` casting; `out` writeable). Aliasing is safe by construction: an
//! expression reads snapshots of its inputs, so writing into an array the expression also
//! reads (at any index — shifted, reversed, transposed) never changes what it reads; the
//! write copies first when a snapshot of `out` is alive. In `Mode::Lazy` the kernel that
//! computes the result stores straight into `out` when shapes, dtype and layout allow
//! (`numfuse_runtime::exec::eval_into`); otherwise the result is computed and copied in.

use crate::array::{ok, Array};
use crate::mode::{current_mode, Mode};
use numfuse_ir::{DType, DTypeKind, Error, Result};
use numfuse_runtime::NdArray;

/// NumPy's `can_cast(from, to, casting="same_kind")`.
fn can_cast_same_kind(from: DType, to: DType) -> bool {
    let order = |d: DType| match d.kind() {
        DTypeKind::Bool => 0,
        DTypeKind::UInt => 1,
        DTypeKind::Int => 2,
        DTypeKind::Float => 3,
        DTypeKind::Complex => 4,
    };
    from.can_cast_safely(to) || order(from) <= order(to)
}

impl Array {
    /// Evaluates and writes the result into `out` (NumPy's `out=`): the result is broadcast
    /// to `out`'s shape and cast with `same_kind` rules.
    ///
    /// ```
    /// use numfuse as nf;
    /// let out = nf::NdArray::zeros([2, 3], nf::float32);
    /// let a = nf::arange(3.0);
    /// (&a * 2.0).eval_into(&out);
    /// assert_eq!(out.to_vec::<f32>().unwrap(), vec![0.0, 2.0, 4.0, 0.0, 2.0, 4.0]);
    /// ```
    pub fn try_eval_into(&self, out: &NdArray) -> Result<()> {
        if !out.is_writeable() {
            return Err(Error::Value("output array is read-only".into()));
        }
        let (rdt, odt) = (self.dtype(), out.dtype());
        if !can_cast_same_kind(rdt, odt) {
            return Err(Error::Type(format!(
                "Cannot cast array data from dtype('{rdt}') to dtype('{odt}') according to \
                 the rule 'same_kind'"
            )));
        }
        let shape = self.shape();
        let fits = shape.ndim() <= out.ndim()
            && shape
                .dims()
                .iter()
                .rev()
                .zip(out.shape().dims().iter().rev())
                .all(|(&r, &o)| r == o || r == 1);
        if !fits {
            return Err(Error::Value(format!(
                "non-broadcastable output operand with shape {} doesn't match the broadcast \
                 shape {}",
                out.shape(),
                shape
            )));
        }
        if current_mode() == Mode::Lazy && !self.is_realized() {
            // the last kernel may store into `out` itself; a direct write is not cached
            // (`out` belongs to the caller and may change, so a later `eval` computes again)
            let (graph, inputs) = crate::lower::lower(std::slice::from_ref(self))?;
            return match crate::explain::eval_into_traced(&graph, &inputs, out)? {
                None => Ok(()),
                Some(mut values) => out.assign(&self.keep_value(values.pop().expect("one output"))),
            };
        }
        let value = self.try_eval()?;
        out.assign(&value)
    }

    /// [`try_eval_into`](Self::try_eval_into), panicking on errors.
    #[track_caller]
    pub fn eval_into(&self, out: &NdArray) {
        ok(self.try_eval_into(out))
    }
}
