"""Times NumPy on the issues' benchmark workloads, so numfuse's numbers can be read as ratios
against NumPy measured on the same machine on the same day (machines of this kind differ by
up to 1.6x from day to day).

Run: python3 -m venv /tmp/np && /tmp/np/bin/pip install numpy && /tmp/np/bin/python benches/numpy/compare.py
Prints the median of repeated runs in milliseconds, one workload per line.
"""

import time

import numpy as np


def median_ms(f, reps=30, warm=3):
    for _ in range(warm):
        f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2] * 1e3


def data(shape, phase):
    n = int(np.prod(shape))
    return np.sin(np.arange(n) * 0.37 + phase).reshape(shape)


def main():
    rows = []
    a32 = data((256, 1024), 0.1).astype(np.float32)
    w32 = data((1024, 1024), 0.2).astype(np.float32)
    rows.append(("dense_relu_256x1024x1024_f32", lambda: np.maximum(a32 @ w32, 0)))
    q = data((4, 8, 256, 64), 0.3).astype(np.float32)
    k = data((4, 8, 256, 64), 0.4).astype(np.float32)
    rows.append(("attention_bhid_bhjd", lambda: np.einsum("bhid,bhjd->bhij", q, k, optimize=True)))
    c1, c2, c3 = data((1000, 10), 0.1), data((10, 1000), 0.2), data((1000, 10), 0.3)
    rows.append(("einsum_chain_ij_jk_kl", lambda: np.einsum("ij,jk,kl->il", c1, c2, c3, optimize=True)))
    x = data((1 << 20,), 0.5)
    rows.append(("rfft_2^20_f64", lambda: np.fft.rfft(x)))
    m = data((1000, 1000), 0.6) + np.eye(1000) * 10
    rhs = data((1000,), 0.7)
    rows.append(("solve_1000_f64", lambda: np.linalg.solve(m, rhs)))
    s = data((500, 50), 0.8)
    rows.append(("svd_thin_500x50_f64", lambda: np.linalg.svd(s, full_matrices=False)))
    g1, g2 = data((1024, 1024), 0.1), data((1024, 1024), 0.2)
    rows.append(("matmul_1024_f64", lambda: g1 @ g2))
    v = data((10_000_000,), 0.4)
    b, c = data((10_000_000,), 0.5), data((10_000_000,), 0.6)
    rows.append(("sum_10M", lambda: v.sum()))
    rows.append(("chain_2a+3b2-c/4", lambda: 2 * v + 3 * b**2 - c / 4))
    rows.append(("sigmoid_10M", lambda: 1 / (1 + np.exp(-v))))
    z = data((1_000_000, 8), 0.5)
    rows.append(("zscore_1Mx8", lambda: (z - z.mean(axis=0)) / z.std(axis=0)))
    sm = data((4096, 1024), 0.6)

    def softmax():
        e = np.exp(sm - sm.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    rows.append(("softmax_4096x1024", softmax))
    pa, pb = data((2000, 3), 0.7), data((2000, 3), 0.8)
    rows.append(("pairwise_2000x3", lambda: np.sqrt(((pa[:, None, :] - pb[None, :, :]) ** 2).sum(-1))))
    img = data((32, 3, 224, 224), 0.9).astype(np.float32)
    mean = data((1, 3, 1, 1), 0.1).astype(np.float32)
    std = (np.abs(data((1, 3, 1, 1), 0.2)) + 0.5).astype(np.float32)
    rows.append(("image_norm_f32", lambda: (img - mean) / std))
    print(f"numpy {np.__version__}")
    for name, f in rows:
        print(f"{name:32s} {median_ms(f):9.3f} ms")


if __name__ == "__main__":
    main()
