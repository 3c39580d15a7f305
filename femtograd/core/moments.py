"""Exponential moments of data: one pass over the data serves every derivative.

`exp_moments(k, t, weights, order=m)` is Σ wᵢ tᵢᵐ exp(k·tᵢ) for a scalar Value
`k` and constant data `t`. Its derivative in `k` is the moment of order m + 1,
so value, gradient and Hessian of likelihoods built on it (Weibull, and any
family whose data enter through (x/scale)^shape) share a single exp pass per
parameter value: the pass is cached on the data and reused by every order.
"""

import numpy as np

from .primitive import primitive
from .value import Value, as_array


class ExpMomentData:
    """Data `t`, optional weights, and the moments at the last `k` they were asked for.

    The exp(k·t) terms of that `k` live in one buffer, overwritten in place for the next `k`,
    and each order is summed once per `k`: every node of a graph that asks for the same
    (k, order) shares one sum, and every order shares the exp pass. At k = 0 the terms are
    the weights themselves (exp(0) = 1): plain weighted power sums, no exp pass.
    """

    __slots__ = ("t", "weights", "_powers", "_k", "_terms", "_buffer", "_sums")

    def __init__(self, t, weights=None):
        self.t = np.asarray(t, dtype=float).ravel()  # a sum over every element, whatever the shape
        self.weights = None if weights is None else np.asarray(weights, dtype=float).ravel()
        self._powers = {0: None, 1: self.t}
        self._k = None
        self._terms = None
        self._buffer = None
        self._sums = {}

    def power(self, m):
        if m not in self._powers:
            self._powers[m] = self.t ** m
        return self._powers[m]

    def moment(self, k, m):
        """Σ wᵢ tᵢᵐ exp(k·tᵢ), a float."""
        if k != self._k:
            self._terms = self._exp_terms(k)
            self._k = k
            self._sums = {}
        value = self._sums.get(m)
        if value is None:
            p, terms = self.power(m), self._terms
            if terms is None:  # k = 0, no weights: every term is 1
                value = float(self.t.size if p is None else p.sum())
            else:
                value = float(terms.sum() if p is None else np.dot(p, terms))
            self._sums[m] = value
        return value

    def _exp_terms(self, k):
        """wᵢ exp(k·tᵢ) in the reused buffer (the weights, or None, at k = 0)."""
        if k == 0:
            return self.weights
        if self._buffer is None:
            self._buffer = np.empty_like(self.t)
        terms = np.multiply(self.t, k, out=self._buffer)
        np.exp(terms, out=terms)
        if self.weights is not None:
            terms *= self.weights
        return terms

    def __repr__(self):
        return f"ExpMomentData(n={self.t.size})"


_exp_moment = primitive(
    "exp_moment", lambda k, data, order: data.moment(float(k), order),
    lambda g, ans, k, data, order: g * _exp_moment(k, data=data, order=order + 1),
    elementwise=False)


def exp_moments(k, t, weights=None, order=0):
    """Σ wᵢ tᵢ^order exp(k·tᵢ) over constant data `t`, differentiable in scalar `k`."""
    if isinstance(t, ExpMomentData):
        if weights is not None:
            raise ValueError("weights belong to the ExpMomentData; pass them when building it")
        data = t
    else:
        if isinstance(t, Value):
            if t.is_variable:
                raise ValueError("exp_moments differentiates in k only; t must be data, not a val()")
            t = t.data
        data = ExpMomentData(as_array(t, "t"), None if weights is None else as_array(weights, "weights"))
        if data.weights is not None and np.shape(data.weights) != np.shape(data.t):
            raise ValueError(f"weights of shape {np.shape(data.weights)} do not match t of shape "
                             f"{np.shape(data.t)}")
    if isinstance(k, Value) and k.shape != ():
        raise ValueError(f"exp_moments needs a scalar k; got shape {k.shape}")
    return _exp_moment(k, data=data, order=order)
