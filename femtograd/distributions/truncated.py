"""Truncation as a family: `Truncated(family, a, b)`, X observed only when a < X ≤ b.

For a continuous family the bounds are [a, b]; for counts (a, b], so that (0, inf) is the
zero-truncated family. `a` and `b` are numbers or per-row arrays: a per-row lower bound is
delayed entry (a row is seen only because it outlived its entry time, lifelines' `entry=`).

Inside the bounds, f_T = f / M, F_T(x) = P(a < X ≤ x) / M and S_T(x) = P(x < X ≤ b) / M with
M = P(a < X ≤ b): every piece is the family's own `log_mass`, so the upper-tail care it takes
carries over. With b = inf the hazard is the family's own (truncation on the left does not
change it).
"""

import numpy as np

from ..core.value import Value
from .family import Family
from .interval import first_index as _first

INF = np.inf


def truncation_bounds(family, truncation, n=None, who=None):
    """`truncation` = (a, b) checked against `family`: numbers or one-dimensional arrays (of `n`
    rows when given), None for an open end, no NaN, a < b, overlapping the support. Counts'
    bounds are floored. Returns (a, b), each a float or a float array."""
    who = who or type(family).__name__
    try:
        a, b = truncation
    except (TypeError, ValueError):
        raise TypeError(f"{who}: truncation must be a pair (lower, upper); "
                        f"got {truncation!r}") from None
    a = -INF if a is None else a
    b = INF if b is None else b
    ends = []
    for end in (a, b):
        try:
            arr = np.asarray(end.to_numpy() if hasattr(end, "to_numpy") else end, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{who}: truncation bounds must be numbers or arrays of numbers; "
                            f"got {truncation!r}") from None
        if arr.ndim > 1 or (arr.ndim == 1 and n is not None and arr.size != n):
            raise ValueError(f"{who}: a truncation bound must be a number or have one value per "
                             f"row ({n}); got shape {arr.shape}")
        ends.append(float(arr) if arr.ndim == 0 else arr)
    a, b = ends
    rows = np.ndim(a) or np.ndim(b)
    if not rows:
        if np.isnan(a) or np.isnan(b):
            raise ValueError(f"{who}: truncation bounds contain NaN: {truncation!r}")
        if not a < b:
            raise ValueError(f"{who}: truncation lower bound {a} must be below the upper "
                             f"bound {b}")
    else:
        for end, label in ((a, "lower"), (b, "upper")):
            i = _first(np.isnan(np.atleast_1d(end)))
            if i is not None:
                raise ValueError(f"{who}: truncation {label} bound is NaN at row {i}")
        aa, bb = np.broadcast_arrays(a, b)
        i = _first(~(aa < bb))
        if i is not None:
            raise ValueError(f"{who}: truncation lower bound {aa[i]} must be below the upper "
                             f"bound {bb[i]} (row {i})")
    lo, hi = family.support
    if family.discrete:
        a, b = np.floor(a), np.floor(b)
        a, b = (float(a), float(b)) if not rows else (a, b)
    aa, bb = np.broadcast_arrays(np.atleast_1d(a), np.atleast_1d(b))
    i = _first((bb < lo if family.discrete else bb <= lo) | (aa >= hi))
    if i is not None:
        where = f" at row {i}" if rows else ""
        raise ValueError(f"{who}: truncation ({aa[i]}, {bb[i]}){where} lies outside the support "
                         f"of {family.name}")
    return a, b


class Truncated(Family):
    """`family` restricted to a < X ≤ b (a ≤ X ≤ b when continuous); a, b numbers or per-row
    arrays. Its methods take the family's parameters."""

    def __init__(self, family, a, b):
        if not isinstance(family, Family):
            raise TypeError(f"Truncated needs a Family; got {type(family).__name__}")
        self.family = family
        self.options = family.options
        self.name = family.name
        self.param_names, self.constraints = family.param_names, family.constraints
        self._spaces = family._spaces
        self.discrete = family.discrete
        self.a, self.b = truncation_bounds(family, (a, b))
        lo, hi = family.support
        if np.ndim(self.a) or np.ndim(self.b):
            self.support, self.support_open = family.support, family.support_open
        else:
            first = max(lo, self.a + 1.0) if self.discrete else max(lo, self.a)
            self.support = (first, min(hi, self.b))
            self.support_open = (family.support_open[0] and first == lo,
                                 family.support_open[1] and self.support[1] == hi)

    def __repr__(self):
        return f"Truncated({self.family!r}, {self.a!r}, {self.b!r})"

    # the bounds travel with the parameters, so that each point takes its own
    def _args(self, p):
        return list(p) + [Value.constant(self.a), Value.constant(self.b)]

    def _ends(self, args):
        a, b = args[-2].data, args[-1].data
        lo, hi = self.family.support
        first = np.maximum(lo, np.floor(a) + 1.0) if self.discrete else np.maximum(lo, a)
        return first, np.minimum(hi, b)

    def _log_norm(self, q):
        *p, a, b = q
        return self.family.log_mass(a.data, b.data, *p)

    def _logpdf(self, x, *q):
        return self.family._logpdf(x, *q[:-2]) - self._log_norm(q)

    def _logcdf(self, x, *q):
        return self.family.log_mass(q[-2].data, x, *q[:-2]) - self._log_norm(q)

    def _logsf(self, x, *q):
        return self.family.log_mass(x, q[-1].data, *q[:-2]) - self._log_norm(q)

    def _log_interval(self, lo, hi, *q):
        return self.family.log_mass(lo, hi, *q[:-2]) - self._log_norm(q)

    def _loghazard(self, x, *q):
        if np.all(q[-1].data == INF):  # truncated on the left only: the hazard is unchanged
            return self.family._loghazard(x, *q[:-2])
        return super()._loghazard(x, *q)

    def _mass(self, dist):
        """(upper_tail, F(a) or S(a), M): from the upper tail when F(a) > 1/2, so that M keeps
        its digits where 1 − F(a) would not."""
        fa = dist.cdf(self.a)
        upper = fa > 0.5
        sa = dist.sf(self.a)
        mass = np.where(upper, sa - dist.sf(self.b), dist.cdf(self.b) - fa)
        return upper, fa, sa, mass

    def ppf(self, q, *params):
        """The quantile of the truncated distribution: F⁻¹(F(a) + q·M), from the upper tail when
        F(a) > 1/2; inside the bounds (counts above a)."""
        q = self._probabilities(q)
        dist = self.family._scipy(*self._floats(params))
        upper, fa, sa, mass = self._mass(dist)
        with np.errstate(invalid="ignore"):
            x = np.where(upper, dist.isf(sa - q * mass), dist.ppf(fa + q * mass))
        x = np.clip(np.asarray(x, dtype=float), self.a, self.b)
        return np.maximum(x, self.a + 1.0) if self.discrete else x

    def rvs(self, *params, size=None, random_state=None):
        """Draws by inversion: F⁻¹(u) with u uniform on (F(a), F(b)]."""
        rng = np.random.default_rng(random_state)
        dist = self.family._scipy(*self._floats(params))
        if size is None:
            size = np.broadcast_shapes(np.shape(self.a), np.shape(self.b))
        fa, fb = dist.cdf(self.a), dist.cdf(self.b)
        u = fa + (1.0 - rng.uniform(size=size)) * (fb - fa)
        return np.asarray(dist.ppf(u), dtype=float)
