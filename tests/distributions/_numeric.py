"""Central finite differences, to check exact derivatives against."""

import numpy as np

import femtograd as fg


def fd_gradient(f, p, rel=1e-5):
    p = np.asarray(p, dtype=float)
    g = np.empty(p.size)
    for i in range(p.size):
        h = rel * max(1.0, abs(p[i]))
        up, down = p.copy(), p.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(*up) - f(*down)) / (2 * h)
    return g


def value_of(f):
    return lambda *p: float(fg.data(f(*p)))


def check_derivatives(f, p, rtol=2e-5):
    """fg.gradient and fg.hessian of f at p agree with central differences."""
    grad = fg.gradient(f, list(p))
    num = fd_gradient(value_of(f), p)
    scale = max(1.0, np.abs(num).max())
    np.testing.assert_allclose(grad, num, rtol=rtol, atol=rtol * scale)
    hess = fg.hessian(f, list(p))
    num_h = np.array([fd_gradient(lambda *q: fg.gradient(f, list(q))[i], p)
                      for i in range(len(p))])
    scale = max(1.0, np.abs(num_h).max())
    np.testing.assert_allclose(hess, num_h, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(hess, hess.T, rtol=1e-6, atol=1e-8 * scale)
