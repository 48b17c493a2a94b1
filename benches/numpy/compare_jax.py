"""Times JAX (jit, CPU) on issue 5's benchmark workloads, for ratios against numfuse and NumPy
measured on the same machine on the same day (compare.py is the NumPy side).

Run: python3 -m venv /tmp/np && /tmp/np/bin/pip install numpy jax && /tmp/np/bin/python benches/numpy/compare_jax.py
Prints the median of repeated runs in milliseconds (results blocked on), one workload per line.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)


def median_ms(f, reps=30, warm=3):
    for _ in range(warm):
        jax.block_until_ready(f())
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        jax.block_until_ready(f())
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2] * 1e3


def data(shape, phase, dtype=np.float64):
    n = int(np.prod(shape))
    return jnp.asarray(np.sin(np.arange(n) * 0.37 + phase).reshape(shape).astype(dtype))


def main():
    rows = []
    a32, w32 = data((256, 1024), 0.1, np.float32), data((1024, 1024), 0.2, np.float32)
    dense = jax.jit(lambda a, w: jnp.maximum(a @ w, 0))
    rows.append(("dense_relu_256x1024x1024_f32", lambda: dense(a32, w32)))
    q, k = data((4, 8, 256, 64), 0.3, np.float32), data((4, 8, 256, 64), 0.4, np.float32)
    att = jax.jit(lambda q, k: jnp.einsum("bhid,bhjd->bhij", q, k))
    rows.append(("attention_bhid_bhjd", lambda: att(q, k)))
    c1, c2, c3 = data((1000, 10), 0.1), data((10, 1000), 0.2), data((1000, 10), 0.3)
    chain = jax.jit(lambda a, b, c: jnp.einsum("ij,jk,kl->il", a, b, c, optimize="optimal"))
    rows.append(("einsum_chain_ij_jk_kl", lambda: chain(c1, c2, c3)))
    x = data((1 << 20,), 0.5)
    rfft = jax.jit(jnp.fft.rfft)
    rows.append(("rfft_2^20_f64", lambda: rfft(x)))
    m = data((1000, 1000), 0.6) + jnp.eye(1000) * 10
    rhs = data((1000,), 0.7)
    solve = jax.jit(jnp.linalg.solve)
    rows.append(("solve_1000_f64", lambda: solve(m, rhs)))
    s = data((500, 50), 0.8)
    svd = jax.jit(lambda s: jnp.linalg.svd(s, full_matrices=False))
    rows.append(("svd_thin_500x50_f64", lambda: svd(s)))
    g1, g2 = data((1024, 1024), 0.1), data((1024, 1024), 0.2)
    mm = jax.jit(lambda a, b: a @ b)
    rows.append(("matmul_1024_f64", lambda: mm(g1, g2)))
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}")
    for name, f in rows:
        print(f"{name:32s} {median_ms(f):9.3f} ms")


if __name__ == "__main__":
    main()
