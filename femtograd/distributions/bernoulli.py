"""Bernoulli: P(X = 1) = prob, P(X = 0) = 1 − prob (R's dbinom(x, 1, prob))."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import log, log1p
from .base import total_weight, wsum
from .loglik import LogLikGenerator


class BernoulliLogLik(LogLikGenerator):
    """Bernoulli log-likelihood: P(X = x) = prob^x (1 − prob)^(1−x) for x in {0, 1}, with
    0 < prob < 1 (R's dbinom(x, size = 1, prob)).

    Rows reduce to (Σw, Σw x).
    """

    name = "bernoulli"
    param_names = ("prob",)
    constraints = ("unit",)
    support = (0.0, 1.0)
    discrete = True

    def _logpdf(self, x, prob):
        return x * log(prob) + (1.0 - x) * log1p(-prob)

    def _logcdf(self, x, prob):
        return log1p(-prob) * np.asarray(np.floor(x) < 1.0, dtype=float)

    def _logsf(self, x, prob):
        return log(prob) * np.asarray(np.floor(x) < 1.0, dtype=float)

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        return total_weight(w, x), wsum(w, x)

    def _loglik_reduced(self, stats, prob):
        total, ones = stats
        return ones * log(prob) + (total - ones) * log1p(-prob)

    def _start(self):
        total, ones = self._stats
        return {"prob": ones / total if total > 0 else 0.5}

    def _scipy(self, prob):
        return stats.bernoulli(prob)
