"""Exponential moments of data: one pass over the data serves every derivative.

`exp_moments(k, t, weights, order=m)` is Σ wᵢ tᵢᵐ exp(k·tᵢ) for a scalar Value
`k` and constant data `t`. Its derivative in `k` is the moment of order m + 1,
so value, gradient and Hessian of likelihoods built on it (Weibull, and any
family whose data enter through (x/scale)^shape) share a single exp pass per
parameter value: the pass is cached on the data and reused by every order.
"""

import numpy as np

from .primitive import primitive
from .value import Value


class ExpMomentData:
    """Data `t`, optional weights, and the last exp(k·t) computed from them."""

    __slots__ = ("t", "weights", "_powers", "_k", "_terms")

    def __init__(self, t, weights=None):
        self.t = np.asarray(t, dtype=float)
        self.weights = None if weights is None else np.asarray(weights, dtype=float)
        self._powers = {0: None, 1: self.t}
        self._k = None
        self._terms = None

    def power(self, m):
        if m not in self._powers:
            self._powers[m] = self.t ** m
        return self._powers[m]

    def moment(self, k, m):
        if k != self._k:
            terms = np.exp(k * self.t)
            if self.weights is not None:
                terms *= self.weights
            self._k, self._terms = k, terms
        p = self.power(m)
        return float(self._terms.sum() if p is None else np.dot(p, self._terms))

    def __repr__(self):
        return f"ExpMomentData(n={self.t.size})"


_exp_moment = primitive(
    "exp_moment", lambda k, data, order: data.moment(float(k), order),
    lambda g, ans, k, data, order: g * _exp_moment(k, data=data, order=order + 1),
    elementwise=False)


def exp_moments(k, t, weights=None, order=0):
    """Σ wᵢ tᵢ^order exp(k·tᵢ) over constant data `t`, differentiable in scalar `k`."""
    data = t if isinstance(t, ExpMomentData) else ExpMomentData(t, weights)
    if isinstance(k, Value) and k.shape != ():
        raise ValueError(f"exp_moments needs a scalar k; got shape {k.shape}")
    return _exp_moment(k, data=data, order=order)
