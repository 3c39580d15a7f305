"""Poisson: P(X = x) = rate^x e^(−rate) / x!, x = 0, 1, 2, ... (R's dpois(x, lambda))."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import log
from ..core.special import gammainc, gammaincc
from .base import INF, total_weight, wsum
from .counts import count_table
from .loglik import LogLikGenerator


class PoissonLogLik(LogLikGenerator):
    """Poisson log-likelihood with mean rate > 0: P(X = x) = rate^x e^(−rate) / x! for counts
    x = 0, 1, ... (R's dpois(x, lambda)).

    Rows reduce to (Σw, Σw x, Σw log x!), taken over the distinct counts. Truncation (a, b)
    means a < X ≤ b: (0, inf) is the zero-truncated Poisson.
    """

    name = "poisson"
    param_names = ("rate",)
    constraints = ("positive",)
    support = (0.0, INF)
    discrete = True

    def _logpdf(self, x, rate):
        return x * log(rate) - rate - self._cached("lfact", x, lambda v: special.gammaln(v + 1.0))

    def _logcdf(self, x, rate):
        return log(gammaincc(np.floor(x) + 1.0, rate))

    def _logsf(self, x, rate):
        return log(gammainc(np.floor(x) + 1.0, rate))

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        values, counts = count_table(x, w)
        return (total_weight(counts, values), wsum(counts, values),
                wsum(counts, special.gammaln(values + 1.0)))

    def _loglik_reduced(self, stats, rate):
        total, sum_x, sum_lfact = stats
        return sum_x * log(rate) - total * rate - sum_lfact

    def _start(self):
        total, sum_x, _ = self._stats
        return {"rate": max(sum_x / total, 1e-3) if total > 0 else 1.0}

    def _scipy(self, rate):
        return stats.poisson(rate)
