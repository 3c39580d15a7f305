"""log Γ(a + x) − log Γ(a), the log of the rising factorial, without cancellation for large a.

A negative binomial's log-likelihood holds log Γ(x + size) − log Γ(size) for every count x.
Where the counts are no more dispersed than a Poisson's, its maximum runs off to size → ∞,
and there both terms grow like size·log(size) while their difference stays near x·log(size):
at size 1e15 the difference of two scipy values has no digits left, and a fit followed the
rounding to log-likelihoods above the Poisson's (by up to 1e178). From a = 16 on (and x ≤ a)
the difference is taken term by term from Stirling's series of log Γ,

    log Γ(z) = (z − ½) log z − z + ½ log 2π + Σₖ B₂ₖ / (2k(2k − 1)) · z^(1−2k),

as (a − ½)·r + x·log(a + x) − x + Σ c·a^(−p)·expm1(−p·r) with r = log1p(x/a): each power's
difference a^(−p)((1 + x/a)^(−p) − 1) keeps its digits. Its n-th derivative in a (the op's
keyword n) is the same sum over the differentiated series: ψ⁽ⁿ⁻¹⁾(a + x) − ψ⁽ⁿ⁻¹⁾(a). Below,
and for x > a, scipy's values are subtracted directly (nothing large cancels there).
"""

import functools
import math

import numpy as np
from scipy import special

from .ops import _plain, _polygamma, polygamma, scaled
from .primitive import primitive

_SERIES_FROM = 16.0  # a at which ten terms of the series leave less than 1e-17 of the result
_TERMS = 10


@functools.lru_cache(maxsize=None)
def _powers(n):
    """(p, c): the n-th derivative of log Γ(z) less its logarithmic part is Σ c·z^(−p)
    (the logarithmic part: (z − ½) log z − z for n = 0, log z for n = 1, none beyond)."""
    b = special.bernoulli(2 * _TERMS)
    series = [(2 * k - 1, b[2 * k] / (2 * k * (2 * k - 1))) for k in range(1, _TERMS + 1)]
    if n == 0:
        return tuple(series)
    sign = (-1.0) ** n
    out = [(1, -0.5)] if n == 1 else [(n - 1, sign * math.factorial(n - 2)),
                                      (n, 0.5 * sign * math.factorial(n - 1))]
    # d^n/dz^n of z^(1−2k) = (1 − 2k)(−2k)···(2 − 2k − n) z^(1−2k−n)
    out += [(p + n, c * sign * math.gamma(p + n) / math.gamma(p)) for p, c in series]
    return tuple((p, float(c)) for p, c in out)


def _series(a, x, n):
    """The n-th derivative in a of log Γ(a + x) − log Γ(a) by the series (a ≥ 16, 0 ≤ x ≤ a)."""
    r = np.log1p(x / a)
    if n == 0:
        total = (a - 0.5) * r + x * np.log(a + x) - x
    else:
        total = r if n == 1 else 0.0
    for p, c in _powers(n):
        total = total + c * a ** -p * np.expm1(-p * r)
    return total


def _direct(a, x, n):
    if n == 0:
        return special.gammaln(a + x) - special.gammaln(a)
    return _polygamma(a + x, n=n - 1) - _polygamma(a, n=n - 1)


def lgamma_rising_plain(a, x, *, n=0):
    """The n-th derivative in a of log Γ(a + x) − log Γ(a), as floats or arrays (the op
    `lgamma_rising`'s forward): the series where a ≥ 16 and 0 ≤ x ≤ a, else directly."""
    if np.ndim(a) == 0 and not a >= _SERIES_FROM:  # (one shape below the series: a fit's)
        return _plain(_direct(a, x, n))
    a, x = np.asarray(a, dtype=float), np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        far = (a >= _SERIES_FROM) & (x >= 0) & (x <= a)
        if not far.any():
            return _plain(_direct(a, x, n))
        if far.all():
            return _plain(_series(a, x, n))
        a, x, far = np.broadcast_arrays(a, x, far)
        out = np.asarray(_direct(a, x, n), dtype=float).copy()
        out[far] = _series(a[far], x[far], n)
        return _plain(out)


lgamma_rising = primitive(
    "lgamma_rising", lgamma_rising_plain,
    lambda g, ans, a, x, n=0: scaled(g, lgamma_rising(a, x, n=n + 1)),
    lambda g, ans, a, x, n=0: scaled(g, polygamma(a + x, n=n)), replayable=True)
lgamma_rising.__doc__ = ("lgamma_rising(a, x, n=0): the n-th derivative in a of log Γ(a + x) − "
                         "log Γ(a), without cancellation for large a (a count's term in a negative "
                         "binomial at size → ∞).")
