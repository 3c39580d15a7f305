"""Inverse Gaussian: f(x) = √(shape/(2π x³)) exp(−shape (x − mean)² / (2 mean² x)), x > 0
(statmod's dinvgauss(x, mean, shape))."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import LOG_SQRT_2PI, log, log_diff_exp, log_ndtr, logaddexp, sqrt, square
from .base import INF, total_weight, wsum
from .loglik import LogLikGenerator


class InverseGaussianLogLik(LogLikGenerator):
    """Inverse Gaussian log-likelihood with mean μ > 0 and shape λ > 0: density
    √(λ/(2π x³)) exp(−λ (x − μ)² / (2 μ² x)) for x > 0 (statmod's dinvgauss(x, mean, shape);
    scipy's invgauss(μ/λ, scale=λ)).

    Exact rows reduce to (Σw, weighted mean x̄, Σw (1/x − 1/x̄), Σw log x), using
    Σw (x − μ)²/x = W (x̄ − μ)²/x̄ + μ² Σw (1/x − 1/x̄), which stays accurate near the MLE.
    """

    name = "inversegaussian"
    param_names = ("mean", "shape")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)

    def _logpdf(self, x, mean, shape):
        logx = self._cached("log", x, np.log)
        return (0.5 * log(shape) - LOG_SQRT_2PI - 1.5 * logx
                - shape * (x - mean) * (1.0 - mean * self._cached("recip", x, np.reciprocal))
                / (2.0 * square(mean)))

    def _ab(self, x, mean, shape):
        root = sqrt(shape) * self._cached("rsqrt", x, lambda v: 1.0 / np.sqrt(v))
        r = x / mean
        return root * (r - 1.0), root * (r + 1.0), 2.0 * shape / mean

    def _logcdf(self, x, mean, shape):
        a, b, c = self._ab(x, mean, shape)
        return logaddexp(log_ndtr(a), c + log_ndtr(-b))

    def _logsf(self, x, mean, shape):
        a, b, c = self._ab(x, mean, shape)
        return log_diff_exp(log_ndtr(-a), c + log_ndtr(-b))

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        total = total_weight(w, x)
        if not np.all(total > 0):
            return None
        xbar = wsum(w, x) / total
        centre = xbar[:, None] if np.ndim(xbar) else xbar  # (a weight matrix: one per row)
        spread = wsum(w, ((centre - x) / centre) / x)
        return total, xbar, spread, wsum(w, np.log(x))

    def _loglik_reduced(self, stats, mean, shape):
        total, xbar, spread, sum_log = stats
        quad = total * (xbar - mean) * (1.0 - mean / xbar) / square(mean) + spread
        return (0.5 * total * log(shape) - (total * LOG_SQRT_2PI + 1.5 * sum_log)
                - 0.5 * shape * quad)

    def _start(self):
        """The closed-form MLE of the rows at hand (x̄ and W / Σw (1/x − 1/x̄)), from the
        statistics when they hold every row."""
        if self._reduced_only():
            total, xbar, spread, _ = self._stats
        else:
            x, w = self._start_values()
            total, xbar, spread, _ = self._reduce(x, w, None, None)
        spread /= total
        return {"mean": xbar, "shape": 1.0 / spread if spread > 0 else 1.0}

    def _scipy(self, mean, shape):
        return stats.invgauss(mean / shape, scale=shape)
