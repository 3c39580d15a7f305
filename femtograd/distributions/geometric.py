"""Geometric: P(X = x) = prob (1 − prob)^x, x = 0, 1, ... failures before the first success
(R's dgeom(x, prob))."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import log, log1p
from .base import INF, total_weight, wsum
from .loglik import LogLikGenerator


class GeometricLogLik(LogLikGenerator):
    """Geometric log-likelihood, the number of failures before the first success:
    P(X = x) = prob (1 − prob)^x for x = 0, 1, ..., with 0 < prob < 1 (R's dgeom(x, prob)).

    Rows reduce to (Σw, Σw x).
    """

    name = "geometric"
    param_names = ("prob",)
    constraints = ("unit",)
    support = (0.0, INF)
    discrete = True

    def _logpdf(self, x, prob):
        return log(prob) + x * log1p(-prob)

    def _logsf(self, x, prob):
        return (np.floor(x) + 1.0) * log1p(-prob)

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        return total_weight(w, x), wsum(w, x)

    def _loglik_reduced(self, stats, prob):
        total, sum_x = stats
        return total * log(prob) + sum_x * log1p(-prob)

    def _start(self):
        total, sum_x = self._stats
        return {"prob": 1.0 / (1.0 + sum_x / total) if total > 0 else 0.5}

    def _scipy(self, prob):
        return stats.geom(prob, loc=-1)
