"""Sums of log(1 + z²), z = (x − a)/c, over data: one pass serves value, gradient and Hessian.

`log1p_square_sum(a, c, x, weights)` is Σ wᵢ log(1 + zᵢ²) with zᵢ = (xᵢ − a)/c for scalar
Values `a` and `c > 0` and constant data `x`: the kernel of the Cauchy (c = s) and Student t
(c = s√ν) log-likelihoods. Its derivatives are the dimensionless moments

    M(p, q) = Σ wᵢ zᵢᵖ / (1 + zᵢ²)^q,   p ≤ 2q (so each term is at most 1 in size),

with ∂/∂a = −(2/c) M(1, 1) and ∂/∂c = −(2/c) M(2, 1), and each moment's derivatives are
moments again: ∂M(p, q)/∂a = −(p M(p − 1, q) − 2q M(p + 1, q + 1))/c and
∂M(p, q)/∂c = −(p M(p, q) − 2q M(p + 2, q + 1))/c. So the Hessian is exact, the units stay in
the graph's 1/c factors (no moment overflows whatever the data's scale), and one blockwise
pass per (a, c) computes the log-sum and every moment of the Hessian, while a block is in
cache, as `exp_moments` does for the Weibull.
"""

import functools

import numpy as np

from .moments import BLOCK
from .ops import inner, inner_rows
from .primitive import primitive
from .value import Value, as_array

CANCELS = 2.0 ** -10  # M(2, 1) = Σw − M(0, 1) below this share of Σw: sum the moments directly


class QuadraticData:
    """Data `x`, optional weights, and the sums at the last (a, c) they were asked for.

    A pass computes, block by block, z = (x − a)/c, log(1 + z²) and r = 1/(1 + z²), and the
    sums M(0, q) = Σ w rᵠ and M(1, q) = Σ w z rᵠ for q up to the order asked for (at least 2:
    the Hessian). Every other M(p, q) follows exactly from z² r = 1 − r:
    M(p + 2, q) = M(p, q − 1) − M(p, q), with M(0, 0) = Σ w — as differences that cancel
    where z² is small (a Student t at large df, whose gradient in df they carry: each
    difference loses about the bits by which M(2, 1) falls short of Σ w, and M(4, 2) twice
    that). So when M(2, 1) is below `CANCELS`·Σ w (z² mostly below 1e-3; a t's df beyond about
    a thousand), the pass is made again summing every M(p, q), p ≤ 2q, as it is, and the
    log-sum by log1p (log(1 + z²) rounds z² off there). The kind of the last pass is tried
    first (a fit walking df → ∞ needs the direct one at every point); the choice is made by
    M(0, 1), which both kinds sum alike, so the sums at a point never depend on the points
    before. Unweighted sums of terms of one sign are numpy's pairwise sums; the others are BLAS
    products, on one thread (`_products`, `ops.inner`: BLAS threads stall on a busy machine).
    Nothing the size of the data is kept besides `x`, the weights and a block's buffers; like
    `ExpMomentData`, one object serves one thread at a time (its last sums and buffers).
    """

    __slots__ = ("x", "weights", "total", "_at", "_sums", "_buffers", "_direct")

    def __init__(self, x, weights=None):
        self.x = np.asarray(x, dtype=float).ravel()
        self.weights = None if weights is None else np.asarray(weights, dtype=float).ravel()
        self.total = float(self.x.size if self.weights is None else self.weights.sum())
        self._at = None
        self._sums = {}
        self._buffers = None
        self._direct = False

    def log_sum(self, a, c):
        """Σ wᵢ log(1 + zᵢ²), a float."""
        return self._get(a, c, 1)["log"]

    def moment(self, a, c, p, q):
        """M(p, q) = Σ wᵢ zᵢᵖ / (1 + zᵢ²)^q for whole 0 ≤ p ≤ 2q, a float."""
        if (a, c) == self._at:  # the graph's moment nodes read the last pass's table
            m = self._sums.get((p, q))
            if m is not None:
                return m
        if not 0 <= p <= 2 * q:
            raise ValueError(f"QuadraticData.moment: needs 0 <= p <= 2q; got p={p}, q={q}")
        return self._get(a, c, q)[p, q]

    def sums(self, a, c):
        """(Σ w log(1 + z²), M(0, 1), M(1, 1), M(0, 2), M(1, 2)) as floats, from one pass (or
        the last one, at the same (a, c)): with M(0, 0) = Σ w, every moment of the Hessian
        follows from them. For Newton steps in plain floats (the starts), whose last pass the
        log-likelihood's first evaluation then reuses."""
        sums = self._get(a, c, 2)
        return sums["log"], sums[0, 1], sums[1, 1], sums[0, 2], sums[1, 2]

    def table(self, a, c, orders):
        """Every M(p, q), p ≤ 2q, q ≤ orders, keyed (p, q), and the log-sum, keyed "log", from
        one pass (or the last one, at the same (a, c)): for steps in plain floats that need
        higher derivatives than `sums` gives. Read it, do not change it."""
        return self._get(a, c, orders)

    def _get(self, a, c, q):
        """The table of every M(p, q′), q′ ≤ max(q, 2), and the log-sum at (a, c): one pass."""
        if (a, c) != self._at or (0, q) not in self._sums:
            orders, direct = max(q, 2), self._direct  # (the last point's kind, likely again)
            sums = self._pass(a, c, orders, direct)
            cancels = not self.total - sums[0, 1] > CANCELS * self.total  # Σ w z²r mostly lost
            if cancels != direct:  # (M(0, 1) is the same sum in either kind of pass)
                direct = cancels
                sums = self._pass(a, c, orders, direct)
            self._sums, self._at, self._direct = self._completed(sums, orders), (a, c), direct
        return self._sums

    def _completed(self, sums, orders):
        """`sums` with M(0, 0) = Σ w and every M(p, q), p ≤ 2q ≤ 2·orders, a pass did not sum, by
        M(p, q) = M(p − 2, q − 1) − M(p − 2, q), in increasing p and q."""
        sums[0, 0] = self.total
        for key, above, below in _derived(orders):
            if key not in sums:
                sums[key] = sums[above] - sums[below]
        return sums

    def _pass(self, a, c, orders, direct):
        """The sums at (a, c): M(p, q) for p ≤ 1, or for every p ≤ 2q when `direct`.

        A block's log(1 + z²), r, r², … are the rows of one stack, summed in one call: along
        the rows (numpy's pairwise sum) without weights, else as one product with them; the
        M(1, q) (terms of both signs) are its product with w z. Fewer, larger numpy calls:
        at n = 1e3 their overhead is most of a pass."""
        x, w, n = self.x, self.weights, self.x.size
        z, wz, term, stack = self._buffers_for(min(n, BLOCK), orders)
        sums, moments = [], []  # each block's (Σ w log, M(0, q)…) and (M(1, q)…)
        higher = dict.fromkeys(((p, q) for q in range(1, orders + 1)
                                for p in range(2, 2 * q + 1)), 0.0) if direct else None
        inverse = 1.0 / c
        for i in range(0, n, BLOCK):
            xb = x[i:i + BLOCK]
            size = xb.size
            zb, rows = z[:size], stack[:orders + 1, :size]  # rows: log(1 + z²), r, …, rᵒʳᵈᵉʳˢ
            r = rows[1]
            np.subtract(xb, a, out=zb)
            zb *= inverse
            np.multiply(zb, zb, out=r)
            if direct:  # z² mostly small: log1p keeps the digits log(1 + z²) would round off
                np.log1p(r, out=rows[0])
                r += 1.0
            else:
                r += 1.0
                np.log(r, out=rows[0])
            np.divide(1.0, r, out=r)  # (as 1/(1 + z²) rounds; faster than np.reciprocal)
            for q in range(2, orders + 1):
                np.multiply(rows[q - 1], r, out=rows[q])
            if w is None:
                sums.append(rows.sum(axis=1))
                z_w = zb
            else:
                wb = w[i:i + BLOCK]
                sums.append(_products(rows, wb))
                z_w = np.multiply(zb, wb, out=wz[:size])
            moments.append(_products(rows[1:], z_w))
            if direct:  # every M(p, q) summed as it is: w zᵖ against rᵠ
                power = np.multiply(z_w, zb, out=term[:size])
                for p in range(2, 2 * orders + 1):
                    if p > 2:
                        power *= zb
                    for q in range((p + 1) // 2, orders + 1):
                        higher[p, q] += inner(rows[q], power)
        table = dict(zip(_summed(orders), _added(sums, orders + 1) + _added(moments, orders)))
        if direct:
            table.update({key: float(m) for key, m in higher.items()})
        return table

    def _buffers_for(self, size, orders):
        """Kept arrays for a block of `size` rows: z, w z, w zᵖ and a stack of orders + 1 rows."""
        kept = self._buffers
        if kept is None or kept[0].size < size or kept[3].shape[0] < orders + 1:
            size, rows = max(size, 0 if kept is None else kept[0].size), max(orders, 2) + 1
            kept = self._buffers = (np.empty(size), np.empty(size), np.empty(size),
                                    np.empty((rows, size)))
        return kept

    def __repr__(self):
        return f"QuadraticData(n={self.x.size})"


def _added(blocks, count):
    """The blocks' arrays of `count` sums added, as a list of floats (zeros without rows)."""
    if not blocks:
        return [0.0] * count
    return (blocks[0] if len(blocks) == 1 else np.add.reduce(blocks)).tolist()


@functools.lru_cache(maxsize=None)
def _summed(orders):
    """The keys of what a pass sums, in the order `_pass` lists them."""
    return ("log",) + tuple((p, q) for p in (0, 1) for q in range(1, orders + 1))


@functools.lru_cache(maxsize=None)
def _derived(orders):
    """((p, q), (p − 2, q − 1), (p − 2, q)) for every 2 ≤ p ≤ 2q, q ≤ orders, in the order
    `QuadraticData._completed` fills them."""
    return tuple(((p, q), (p - 2, q - 1), (p - 2, q))
                 for q in range(1, orders + 1) for p in range(2, 2 * q + 1))


GEMV_ONE_THREAD = 9216  # OpenBLAS runs a matrix-vector product of up to this many elements on
#                         one thread (2304 × its GEMM_MULTITHREAD_THRESHOLD of 4)


def _products(rows, v):
    """rows @ v as an array: one BLAS call while it runs on one thread, else `inner_rows`."""
    if rows.size <= GEMV_ONE_THREAD:
        return np.dot(rows, v)
    return inner_rows(rows, v)


def _grad_a_moment(g, ans, a, c, data, p, q):
    up = (2.0 * q) * _moment(a, c, data=data, p=p + 1, q=q + 1)
    return g * (up if p == 0 else up - float(p) * _moment(a, c, data=data, p=p - 1, q=q)) / c


def _grad_c_moment(g, ans, a, c, data, p, q):
    up = (2.0 * q) * _moment(a, c, data=data, p=p + 2, q=q + 1)
    return g * (up if p == 0 else up - float(p) * ans) / c


_moment = primitive(
    "log1p_square_moment", lambda a, c, data, p, q: data.moment(float(a), float(c), p, q),
    _grad_a_moment, _grad_c_moment, elementwise=False, replayable=True)

_log_sum = primitive(
    "log1p_square_sum", lambda a, c, data: data.log_sum(float(a), float(c)),
    lambda g, ans, a, c, data: g * -2.0 * _moment(a, c, data=data, p=1, q=1) / c,
    lambda g, ans, a, c, data: g * -2.0 * _moment(a, c, data=data, p=2, q=1) / c,
    elementwise=False, replayable=True)


def log1p_square_sum(a, c, x, weights=None):
    """Σ wᵢ log(1 + ((xᵢ − a)/c)²) over constant data `x` (or a `QuadraticData`),
    differentiable in scalar `a` and `c` to any order."""
    if isinstance(x, QuadraticData):
        if weights is not None:
            raise ValueError("weights belong to the QuadraticData; pass them when building it")
        data = x
    else:
        if isinstance(x, Value):
            if x.is_variable:
                raise ValueError("log1p_square_sum differentiates in a and c only; x must be "
                                 "data, not a val()")
            x = x.data
        data = QuadraticData(as_array(x, "x"), None if weights is None else as_array(weights, "weights"))
        if data.weights is not None and data.weights.shape != data.x.shape:
            raise ValueError(f"weights of shape {np.shape(weights)} do not match x of shape "
                             f"{np.shape(x)}")
        for name, values in (("x", data.x), ("weights", data.weights)):
            bad = np.flatnonzero(~np.isfinite(values)) if values is not None else ()
            if len(bad):
                raise ValueError(f"log1p_square_sum: {name} must be finite; element {bad[0]} "
                                 f"(of the flattened {name}) is {values[bad[0]]}")
    for name, v in (("a", a), ("c", c)):
        if isinstance(v, Value) and v.shape != ():
            raise ValueError(f"log1p_square_sum needs a scalar {name}; got shape {v.shape}")
    return _log_sum(a, c, data=data)
