//! Splitting a reduction into chunks of its reduced range: a *partial* kernel reduces one
//! chunk into raw accumulator values (one per kept element), a *finish* kernel folds the chunk
//! partials in order and runs the original epilogue and stores. The executor uses the pair to
//! spread over both cores a reduction with no kept dimension, or an outer-order reduction
//! whose single kept dimension is too narrow to split; the chunking depends only on the size,
//! so results do not depend on the thread count.

use super::{Accumulator, InnerStride, KInst, KOperand, KStore, Kernel, Role};

impl Kernel {
    /// The kernel that reduces one chunk: same operands (its outputs are left unwritten)
    /// plus one output per accumulator, appended, receiving the raw accumulator values
    /// (contiguous along the kept dimension, if any). The loop order is kept.
    pub fn split_partial(&self) -> Kernel {
        let base = self.operands.len() as u32;
        let mut k = self.clone();
        k.post = (0..self.accs.len() as u32).map(KInst::Acc).collect();
        k.stores = (0..self.accs.len() as u32)
            .map(|j| KStore {
                operand: base + j,
                value: j,
            })
            .collect();
        k.operands.extend(self.accs.iter().map(|a| KOperand {
            dtype: a.dtype,
            role: Role::Output,
            inner: InnerStride::Contiguous,
        }));
        k
    }

    /// The kernel that folds the chunk partials (one appended input per accumulator, laid out
    /// `(chunk, kept)`, reduced over the chunk dimension) and runs the original epilogue and
    /// stores over the kept dimensions. The original operands keep their indices and are read
    /// only by the epilogue (stride 0 along the chunks).
    pub fn split_finish(&self) -> Kernel {
        let base = self.operands.len() as u32;
        let kept = self.rank - self.reduced;
        let partial_inner = if kept == 0 {
            InnerStride::Contiguous
        } else {
            InnerStride::Strided
        };
        let mut operands: Vec<KOperand> = self
            .operands
            .iter()
            .map(|o| KOperand {
                inner: InnerStride::Broadcast,
                ..*o
            })
            .collect();
        operands.extend(self.accs.iter().map(|a| KOperand {
            dtype: a.dtype,
            role: Role::Input,
            inner: partial_inner,
        }));
        Kernel {
            rank: kept + 1,
            reduced: 1,
            outer_reduce: false,
            operands,
            pre: (0..self.accs.len() as u32)
                .map(|j| KInst::Load(base + j))
                .collect(),
            accs: self
                .accs
                .iter()
                .enumerate()
                .map(|(j, a)| Accumulator {
                    value: j as u32,
                    ..*a
                })
                .collect(),
            post: self.post.clone(),
            stores: self.stores.clone(),
        }
    }
}
