"""Exponential: f(x) = rate · exp(−rate · x), x ≥ 0 (R's dexp)."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import log
from .base import INF, total_weight, wsum
from .loglik import LogLikGenerator


class ExpLogLik(LogLikGenerator):
    """Exponential log-likelihood, density rate·exp(−rate·x) for x ≥ 0, rate > 0 (R's dexp).

    Exact and right-censored rows reduce to two sums: ℓ = d·log(rate) − rate·Σwᵢxᵢ.
    """

    name = "exp"
    param_names = ("rate",)
    constraints = ("positive",)
    support = (0.0, INF)
    reduces_right = True

    def _logpdf(self, x, rate):
        return log(rate) - rate * x

    def _logsf(self, x, rate):
        return -rate * x

    def _loghazard(self, x, rate):
        return log(rate) + np.zeros(np.shape(x))

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        total = wsum(w, x) + (0.0 if cx is None else wsum(cw, cx))
        return total_weight(w, x), total

    def _loglik_reduced(self, stats, rate):
        d, total = stats
        return d * log(rate) - total * rate

    def _maximum_from(self, stats):
        d, total = stats  # the MLE d / Σwx, numbers or arrays
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.divide(d, total),)

    def _start(self):
        if self._reduced_only():  # the maximum, as `_maximum_from` gives it for many
            d, total = self._stats
            if d > 0 and total > 0:
                return {"rate": d / total}
        x, w = self._start_values()
        m = np.dot(w, x) / w.sum()
        return {"rate": 1.0 / m if m > 0 else 1.0}

    def _quantile(self, q, rate):
        return -np.log1p(-q) / rate

    def _scipy(self, rate):
        return stats.expon(scale=1.0 / rate)
