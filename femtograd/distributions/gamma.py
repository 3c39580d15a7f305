"""Gamma: f(x) = rate^shape x^(shape−1) e^(−rate·x) / Γ(shape), x > 0
(R's dgamma(x, shape, rate))."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import lgamma, log
from ..core.special import gammainc, gammaincc
from .base import INF, log_interval_by_halves, total_weight, wsum
from .loglik import LogLikGenerator


def gamma_shape_start(mean, mean_log):
    """Minka's closed-form approximation to the gamma shape MLE from log(mean) − mean(log x)."""
    s = np.log(mean) - mean_log
    if not np.isfinite(s) or s <= 0:
        return 1.0
    return (3.0 - s + np.sqrt((s - 3.0) ** 2 + 24.0 * s)) / (12.0 * s)


class GammaLogLik(LogLikGenerator):
    """Gamma log-likelihood with shape k > 0 and rate r > 0: density r^k x^(k−1) e^(−r·x) / Γ(k)
    for x > 0 (R's dgamma(x, shape, rate)).

    Exact rows reduce to (Σw, Σw log x, Σw x). Censored rows use the regularized incomplete
    gamma function; its derivatives in the shape are exact (see `femtograd.core.special`).
    """

    name = "gamma"
    param_names = ("shape", "rate")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)

    def _logpdf(self, x, shape, rate):
        logx = self._cached("log", x, np.log)
        return shape * log(rate) + (shape - 1.0) * logx - rate * x - lgamma(shape)

    def _logcdf(self, x, shape, rate):
        return log(gammainc(shape, rate * x))

    def _logsf(self, x, shape, rate):
        return log(gammaincc(shape, rate * x))

    def _log_interval(self, lo, hi, shape, rate):
        # P in the lower half, Q = 1 − P in the upper half
        z_lo, z_hi = rate * lo, rate * hi
        return log_interval_by_halves(gammainc(shape, z_lo), gammainc(shape, z_hi),
                                      gammaincc(shape, z_lo), gammaincc(shape, z_hi))

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        return total_weight(w, x), wsum(w, np.log(x)), wsum(w, x)

    def _loglik_reduced(self, stats, shape, rate):
        total, sum_log, sum_x = stats
        return total * (shape * log(rate) - lgamma(shape)) + (shape - 1.0) * sum_log - rate * sum_x

    def _start(self):
        if self._reduced_only():
            total, sum_log, sum_x = self._stats
        else:
            x, w = self._start_values()
            x = np.maximum(x, 1e-300)
            total, sum_log, sum_x = w.sum(), np.dot(w, np.log(x)), np.dot(w, x)
        mean = sum_x / total
        k = gamma_shape_start(mean, sum_log / total)
        return {"shape": k, "rate": k / mean}

    def _scipy(self, shape, rate):
        return stats.gamma(shape, scale=1.0 / rate)
