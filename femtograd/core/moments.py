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


BLOCK = 1 << 16  # elements per block of a pass: 512 KiB of float64, cache-sized
SMALL = 8192  # data whose powers t⁰..tᵐ hold at most this many elements keep them: a pass is
#               one exp and one matrix-vector product with them, below OpenBLAS's threading
#               threshold for that product (2304 × 4 elements): single-threaded, no stall


class ExpMomentData:
    """Data `t`, optional weights, and the moments at the last `k` they were asked for.

    One pass over the data, a cache-sized block at a time, computes exp(k·t) for the block
    and every order up to the one asked for (at least 2: value, gradient and Hessian) while
    the block is in cache; the sums are kept until `k` changes. Nothing the size of the data
    is stored besides `t` and the weights, except for small data (the rows wᵢ·tᵢᵐ of every
    order asked for at most SMALL elements): there the rows are kept, and a pass is one exp
    and one matrix-vector product
    (numpy's per-call overhead, not the arithmetic, is most of a small pass's cost). One
    object serves one thread at a time: its last sums and its buffer are shared state (a
    worker process or a Dask partition binds its own rows, so its own object).
    """

    __slots__ = ("t", "weights", "_k", "_sums", "_buffer", "_powers")
    k_shape = ()  # the shape of the k it takes (a subclass may take one k per weight row)

    def __init__(self, t, weights=None):
        self.t = np.asarray(t, dtype=float).ravel()  # a sum over every element, whatever the shape
        # (a weight matrix (R, t.size), R replicates' weights of these rows, is kept as one:
        # `LogLikGenerator.statistics` of many replicates, read by a batch of them)
        w = None if weights is None else np.asarray(weights, dtype=float)
        self.weights = w if w is None or (w.ndim == 2 and w.shape[1] == self.t.size) \
            else w.ravel()
        self._k = None
        self._sums = ()
        self._buffer = None
        self._powers = None

    def assign(self, other):
        """Take `other`'s data and weights, dropping the cached moments (and any scratch
        buffer shared with a copy): a graph built on this object then computes `other`'s
        moments (a bootstrap replicate's, moved in)."""
        self.t, self.weights = other.t, other.weights
        self._k, self._sums, self._buffer, self._powers = None, (), None, None

    def moment(self, k, m):
        """Σ wᵢ tᵢᵐ exp(k·tᵢ), a float."""
        return self.moments(k, m)[m]

    def moments(self, k, m):
        """[Σ wᵢ tᵢʲ exp(k·tᵢ) for j = 0, ..., m or more] from one pass, kept until `k`
        changes (the list itself: not to be written to)."""
        if k != self._k or m >= len(self._sums):
            self._sums = self._pass(k, max(m, 2))
            self._k = k
        return self._sums

    def _pass(self, k, orders):
        """[Σ wᵢ tᵢᵐ exp(k·tᵢ) for m = 0, ..., orders], block by block (no exp at k = 0)."""
        t, w = self.t, self.weights
        if self._buffer is None or self._buffer.size < min(t.size, BLOCK):
            self._buffer = np.empty(min(t.size, BLOCK))
        if (orders + 1) * t.size <= SMALL:
            return self._small_pass(k, orders)
        sums = [0.0] * (orders + 1)
        for i in range(0, t.size, BLOCK):
            tb = t[i:i + BLOCK]
            e = self._buffer[:tb.size]
            if k == 0:
                e.fill(1.0)
            else:
                np.multiply(tb, k, out=e)
                np.exp(e, out=e)
            if w is not None:
                e *= w[i:i + BLOCK]
            sums[0] += float(e.sum())
            for m in range(1, orders + 1):
                e *= tb
                sums[m] += float(e.sum())
        return sums

    def _small_pass(self, k, orders):
        """The pass for small data: the rows wᵢ·tᵢᵐ (m = 0, ..., orders), kept, times exp(k·t).
        The families measure t from an end of their data (t ≤ 0 for the Weibull, t ≥ 0 for
        the Gumbel), so every term of a row has one sign and a product rounds as a sum does."""
        powers = self._powers
        if powers is None or len(powers) <= orders:
            t, w = self.t, self.weights
            powers = np.empty((orders + 1, t.size))
            powers[0] = 1.0 if w is None else w
            for m in range(1, orders + 1):
                np.multiply(powers[m - 1], t, out=powers[m])
            self._powers = powers
        e = self._buffer[:self.t.size]  # exp(k·t) into the pass's buffer (no new array)
        if k == 0:
            e.fill(1.0)
        else:
            np.multiply(self.t, k, out=e)
            np.exp(e, out=e)
        return (powers[:orders + 1] @ e).tolist()

    def __repr__(self):
        return f"ExpMomentData(n={self.t.size})"


_exp_moment = primitive(
    "exp_moment", lambda k, data, order: data.moment(float(k) if not data.k_shape else k, order),
    lambda g, ans, k, data, order: g * _exp_moment(k, data=data, order=order + 1),
    elementwise=False, replayable=True)


def exp_moments(k, t, weights=None, order=0):
    """Σ wᵢ tᵢ^order exp(k·tᵢ) over constant data `t`, differentiable in scalar `k`.

    `order` is a whole number ≥ 0 (the derivative's order in `k`); anything else is refused,
    since a pass computes the orders 0, 1, 2, ... and another order has no slot to come from.
    """
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"exp_moments: order must be a whole number >= 0; got {order!r} "
                        f"({type(order).__name__})")
    if order < 0:
        raise ValueError(f"exp_moments: order must be >= 0; got {order}")
    order = int(order)
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
        for name, values in (("t", data.t), ("weights", data.weights)):
            bad = np.flatnonzero(~np.isfinite(values)) if values is not None else ()
            if len(bad):  # the moments would be NaN or infinite without saying why
                raise ValueError(f"exp_moments: {name} must be finite; element {bad[0]} "
                                 f"(of the flattened {name}) is {values[bad[0]]}")
    if isinstance(k, Value) and k.shape != data.k_shape:
        want = f"a k of shape {data.k_shape}" if data.k_shape else "a scalar k"
        raise ValueError(f"exp_moments needs {want}; got shape {k.shape}")
    return _exp_moment(k, data=data, order=order)


class ExpMomentRows(ExpMomentData):
    """Moment data of many replicates at once (a bootstrap's batch, `fit.batched`), each its
    own `t` and weights over `rows` rows and its own k, so that `exp_moments(k, data)` with k
    of shape (replicates,) is the vector of Σᵢ w_bi t_biᵐ exp(k_b·t_bi). `load` moves the
    replicates' data in. One pass of exp over the rows serves the orders 0, 1, 2 at one k
    (value, gradient and Hessian), each a row-wise product with the rows w_bi·t_biᵐ kept
    since they were loaded (the rows are few: a batch holds a bounded number of entries)."""

    ORDERS = 3

    def __init__(self, rows, replicates):  # (the base's block buffer is not used)
        self.t, self.weights, self._k, self._sums = np.zeros((replicates, rows)), None, None, ()
        self.k_shape = (replicates,)
        self._powers = np.empty((self.ORDERS, replicates, rows))

    def moment(self, k, m):
        """Σᵢ w_bi t_biᵐ exp(k_b·t_bi) for each replicate b, an array (k an array of one per
        replicate, or of one for all)."""
        k = np.asarray(k, dtype=float)
        if m >= self.ORDERS:  # beyond the Hessian: the rows of that order, made for it
            return np.einsum("bn,bn->b", self._powers[0] * self.t ** m, self._exp(k))
        if self._k is None or not np.array_equal(k, self._k):
            e = self._exp(k)
            self._sums = [np.einsum("bn,bn->b", p, e) for p in self._powers]
            self._k = k.copy()
        return self._sums[m]

    def _exp(self, k):
        return np.exp(k[:, None] * self.t)

    def load(self, data):
        """Take the replicates' moment data: a list of each one's (`ExpMomentData` over `rows`
        rows), or one `ExpMomentData` of all of them (their common rows, a weight matrix);
        the holder's replicates beyond them repeat the first."""
        powers = self._powers
        if isinstance(data, ExpMomentData):
            count = len(data.weights) if data.weights is not None else 1
            self.t[:] = data.t
            powers[0, :count] = 1.0 if data.weights is None else data.weights
            powers[0, count:] = powers[0, 0]
        else:
            for b in range(len(self.t)):
                s = data[b if b < len(data) else 0]
                self.t[b] = s.t
                powers[0, b] = 1.0 if s.weights is None else s.weights
        for m in range(1, self.ORDERS):
            np.multiply(powers[m - 1], self.t, out=powers[m])
        self._k = None

    def __repr__(self):
        return f"ExpMomentRows(replicates={self.t.shape[0]}, n={self.t.shape[1]})"
