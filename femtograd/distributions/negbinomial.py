"""Negative binomial: P(X = x) = Γ(x + size) / (Γ(size) x!) prob^size (1 − prob)^x
(R's dnbinom(x, size, prob))."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import log, log1p
from ..core.ops import sum as fsum
from ..core.rising import lgamma_rising
from ..core.special import betainc
from .base import INF, total_weight, weighted_mean_var, wsum
from .counts import count_table
from .loglik import LogLikGenerator


class NegBinomialLogLik(LogLikGenerator):
    """Negative binomial log-likelihood, failures before the size-th success:
    P(X = x) = Γ(x + size) / (Γ(size) x!) prob^size (1 − prob)^x for x = 0, 1, ..., with
    size > 0 (need not be whole) and 0 < prob < 1 (R's dnbinom(x, size, prob)).

    Rows reduce to their distinct counts with summed weights, so an evaluation costs
    O(number of distinct counts).
    """

    name = "negbinomial"
    param_names = ("size", "prob")
    constraints = ("positive", "unit")
    support = (0.0, INF)
    discrete = True

    def _logpdf(self, x, size, prob):
        lfact = self._cached("lfact", x, lambda v: special.gammaln(v + 1.0))
        return lgamma_rising(size, x) - lfact + size * log(prob) + x * log1p(-prob)

    def _logcdf(self, x, size, prob):
        return log(betainc(size, np.floor(x) + 1.0, prob))

    def _logsf(self, x, size, prob):
        return log(betainc(np.floor(x) + 1.0, size, 1.0 - prob))

    def _reduce(self, x, w, cx, cw):
        values, counts = count_table(x, w)
        return (float(counts.sum()), float(counts @ values),
                float(counts @ special.gammaln(values + 1.0)), values, counts)

    def _loglik_reduced(self, stats, size, prob):
        total, sum_x, sum_lfact, values, counts = stats
        distinct = fsum(lgamma_rising(size, values) * counts) if values.size else 0.0
        return distinct - sum_lfact + total * size * log(prob) + sum_x * log1p(-prob)

    def _start(self):
        """Moments: size = mean² / (var − mean), taken as 1 / (var/mean² − 1/mean) from the
        counts relative to their mean, which stays finite for counts beyond 1e154; over the
        distinct counts when the statistics hold every row."""
        x, w = self._stats[3:] if self._reduced_only() else self._start_values()
        mean = wsum(w, x) / total_weight(w, x)  # (the variance of such counts would overflow)
        if mean <= 0:
            return {"size": 1.0, "prob": 0.5}
        _, rel_var = weighted_mean_var(x / mean, w)
        excess = rel_var - 1.0 / mean
        size = 1.0 / excess if excess > 1e-4 / mean else 100.0 * max(mean, 1.0)
        return {"size": size, "prob": size / (size + mean)}

    def _scipy(self, size, prob):
        return stats.nbinom(size, prob)
