"""Beta: f(x) = x^(shape1−1) (1 − x)^(shape2−1) / B(shape1, shape2), 0 < x < 1 (R's dbeta)."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import lgamma, log
from ..core.special import betainc
from .base import log_interval_by_halves, total_weight, weighted_mean_var, wsum
from .loglik import LogLikGenerator


class BetaLogLik(LogLikGenerator):
    """Beta log-likelihood with shape1 a > 0 and shape2 b > 0: density
    x^(a−1) (1 − x)^(b−1) / B(a, b) for 0 < x < 1 (R's dbeta(x, shape1, shape2)).

    Exact rows reduce to (Σw, Σw log x, Σw log(1 − x)). Censored rows use the regularized
    incomplete beta function (shape derivatives exact, see `femtograd.core.special`).
    """

    name = "beta"
    param_names = ("shape1", "shape2")
    constraints = ("positive", "positive")
    support = (0.0, 1.0)
    support_open = (True, True)

    def _logpdf(self, x, shape1, shape2):
        logx = self._cached("log", x, np.log)
        log1mx = self._cached("log1m", x, lambda v: np.log1p(-v))
        return ((shape1 - 1.0) * logx + (shape2 - 1.0) * log1mx
                - (lgamma(shape1) + lgamma(shape2) - lgamma(shape1 + shape2)))

    def _logcdf(self, x, shape1, shape2):
        return log(betainc(shape1, shape2, x))

    def _logsf(self, x, shape1, shape2):
        return log(betainc(shape2, shape1, 1.0 - np.asarray(x)))

    def _log_interval(self, lo, hi, shape1, shape2):
        # I_x(a, b) in the lower half, the survival I_(1−x)(b, a) in the upper half
        return log_interval_by_halves(
            betainc(shape1, shape2, lo), betainc(shape1, shape2, hi),
            betainc(shape2, shape1, 1.0 - np.asarray(lo)),
            betainc(shape2, shape1, 1.0 - np.asarray(hi)))

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        return total_weight(w, x), wsum(w, np.log(x)), wsum(w, np.log1p(-x))

    def _loglik_reduced(self, stats, shape1, shape2):
        total, sum_log, sum_log1m = stats
        return ((shape1 - 1.0) * sum_log + (shape2 - 1.0) * sum_log1m
                - total * (lgamma(shape1) + lgamma(shape2) - lgamma(shape1 + shape2)))

    def _start(self):
        x, w = self._start_values()
        mean, var = weighted_mean_var(x, w)
        common = mean * (1.0 - mean) / var - 1.0 if var > 0 else -1.0
        if not common > 0:
            return {"shape1": 1.0, "shape2": 1.0}
        return {"shape1": mean * common, "shape2": (1.0 - mean) * common}

    def _ppf(self, q, shape1, shape2):
        return special.betaincinv(shape1, shape2, q)

    def _scipy(self, shape1, shape2):
        return stats.beta(shape1, shape2)
