"""Sums of log(b + (x − a)²) over data: one pass serves value, gradient and Hessian.

`log_quadratic_sum(a, b, x, weights)` is Σ wᵢ log(b + (xᵢ − a)²) for scalar Values `a` and
`b > 0` and constant data `x`: the kernel of the Cauchy (b = s²) and Student t (b = ν s²)
log-likelihoods. Its derivatives are the moments

    R(p, q) = Σ wᵢ dᵢᵖ / (b + dᵢ²)^q,   d = x − a,

with ∂/∂a log-sum = −2 R(1, 1), ∂/∂b log-sum = R(0, 1), and each moment's derivatives are
moments again: ∂R(p, q)/∂a = −p R(p − 1, q) + 2q R(p + 1, q + 1), ∂R(p, q)/∂b = −q R(p, q + 1).
So the Hessian is exact, and one blockwise pass per (a, b) computes the log-sum and every
moment it needs (p ≤ q ≤ 2) while a block is in cache, as `exp_moments` does for the Weibull.
"""

import numpy as np

from .moments import BLOCK
from .primitive import primitive
from .value import Value, as_array


class QuadraticData:
    """Data `x`, optional weights, and the sums at the last (a, b) they were asked for.

    A pass computes, block by block, log D and 1/D for D = b + (x − a)², and the moments
    R(p, q) for 0 ≤ p ≤ q ≤ the largest order asked for (at least 2: the Hessian). Sums go
    through `np.einsum` and `ndarray.sum`, never a BLAS dot (threads stall on a busy
    machine). Nothing the size of the data is kept besides `x` and the weights.
    """

    __slots__ = ("x", "weights", "_at", "_sums", "_buffers")

    def __init__(self, x, weights=None):
        self.x = np.asarray(x, dtype=float).ravel()
        self.weights = None if weights is None else np.asarray(weights, dtype=float).ravel()
        self._at = None
        self._sums = {}
        self._buffers = None

    def log_sum(self, a, b):
        """Σ wᵢ log(b + (xᵢ − a)²), a float."""
        return self._get(a, b, 2)["log"]

    def moment(self, a, b, p, q):
        """R(p, q) = Σ wᵢ (xᵢ − a)ᵖ / (b + (xᵢ − a)²)^q, a float."""
        return self._get(a, b, q)[p, q]

    def _get(self, a, b, q):
        if (a, b) != self._at or (q, q) not in self._sums:
            self._sums = self._pass(a, b, max(q, 2))
            self._at = (a, b)
        return self._sums

    def _pass(self, a, b, orders):
        x, w = self.x, self.weights
        size = min(x.size, BLOCK)
        if self._buffers is None or self._buffers[0].size < size:
            self._buffers = tuple(np.empty(size) for _ in range(4))
        sums = dict.fromkeys([(p, q) for q in range(1, orders + 1) for p in range(q + 1)], 0.0)
        sums["log"] = 0.0
        with np.errstate(divide="ignore"):  # b + d² = 0 (b = 0, a row at a): log −inf, 1/0 inf
            for i in range(0, x.size, BLOCK):
                xb = x[i:i + BLOCK]
                d, dd, r, e = (buf[:xb.size] for buf in self._buffers)
                np.subtract(xb, a, out=d)
                np.multiply(d, d, out=dd)
                np.add(dd, b, out=r)
                np.log(r, out=e)
                sums["log"] += float(e.sum()) if w is None else float(
                    np.einsum("i,i->", e, w[i:i + BLOCK]))
                np.reciprocal(r, out=r)
                if w is not None:
                    np.multiply(r, w[i:i + BLOCK], out=e)
                else:
                    e[:] = r
                for q in range(1, orders + 1):  # e = w / D^q
                    if q > 1:
                        e *= r
                    sums[0, q] += float(e.sum())
                    sums[1, q] += float(np.einsum("i,i->", e, d))
                    for p in range(2, q + 1):
                        sums[p, q] += float(np.einsum("i,i->", e, dd if p == 2 else d ** p))
        return sums

    def __repr__(self):
        return f"QuadraticData(n={self.x.size})"


def _grad_a_moment(g, ans, a, b, data, p, q):
    term = g * (2.0 * q) * _moment(a, b, data=data, p=p + 1, q=q + 1)
    return term if p == 0 else term - g * float(p) * _moment(a, b, data=data, p=p - 1, q=q)


_moment = primitive(
    "quadratic_moment", lambda a, b, data, p, q: data.moment(float(a), float(b), p, q),
    _grad_a_moment,
    lambda g, ans, a, b, data, p, q: g * float(-q) * _moment(a, b, data=data, p=p, q=q + 1),
    elementwise=False, replayable=True)

_log_sum = primitive(
    "log_quadratic_sum", lambda a, b, data: data.log_sum(float(a), float(b)),
    lambda g, ans, a, b, data: g * -2.0 * _moment(a, b, data=data, p=1, q=1),
    lambda g, ans, a, b, data: g * _moment(a, b, data=data, p=0, q=1),
    elementwise=False, replayable=True)


def log_quadratic_sum(a, b, x, weights=None):
    """Σ wᵢ log(b + (xᵢ − a)²) over constant data `x` (or a `QuadraticData`), differentiable
    in scalar `a` and `b` to any order."""
    if isinstance(x, QuadraticData):
        if weights is not None:
            raise ValueError("weights belong to the QuadraticData; pass them when building it")
        data = x
    else:
        if isinstance(x, Value):
            if x.is_variable:
                raise ValueError("log_quadratic_sum differentiates in a and b only; x must be "
                                 "data, not a val()")
            x = x.data
        data = QuadraticData(as_array(x, "x"), None if weights is None else as_array(weights, "weights"))
        if data.weights is not None and data.weights.shape != data.x.shape:
            raise ValueError(f"weights of shape {np.shape(weights)} do not match x of shape "
                             f"{np.shape(x)}")
        for name, values in (("x", data.x), ("weights", data.weights)):
            bad = np.flatnonzero(~np.isfinite(values)) if values is not None else ()
            if len(bad):
                raise ValueError(f"log_quadratic_sum: {name} must be finite; element {bad[0]} "
                                 f"(of the flattened {name}) is {values[bad[0]]}")
    for name, v in (("a", a), ("b", b)):
        if isinstance(v, Value) and v.shape != ():
            raise ValueError(f"log_quadratic_sum needs a scalar {name}; got shape {v.shape}")
    return _log_sum(a, b, data=data)
