"""Log-normal: log X is normal with mean meanlog and sd sdlog, x > 0 (R's dlnorm)."""

import math

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import LOG_SQRT_2PI, exp, log, log_ndtr, square
from .base import INF, centred_squares, total_weight, weighted_moments, wsum
from .loglik import LogLikGenerator


class LogNormalLogLik(LogLikGenerator):
    """Log-normal log-likelihood: density exp(−(log x − μ)²/(2σ²)) / (x σ √(2π)) for x > 0, with
    meanlog μ and sdlog σ > 0 (R's dlnorm(x, meanlog, sdlog)).

    Exact rows reduce to the weighted moments of log x and Σw log x.
    """

    name = "lognormal"
    param_names = ("meanlog", "sdlog")
    constraints = ("real", "positive")
    support = (0.0, INF)
    support_open = (True, False)

    def _logpdf(self, x, meanlog, sdlog):
        logx = self._cached("log", x, np.log)
        return -0.5 * square((logx - meanlog) / sdlog) - log(sdlog) - LOG_SQRT_2PI - logx

    def _logcdf(self, x, meanlog, sdlog):
        return log_ndtr((self._cached("log", x, np.log) - meanlog) / sdlog)

    def _logsf(self, x, meanlog, sdlog):
        return log_ndtr((meanlog - self._cached("log", x, np.log)) / sdlog)

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        total = total_weight(w, x)
        if not np.all(total > 0):
            return None
        logx = np.log(x)
        sum_log = wsum(w, logx)
        mean = sum_log / total  # as `weighted_moments`, without a second pass for the sum
        return total, mean, centred_squares(logx, w, mean, total), sum_log

    def _loglik_reduced(self, stats, meanlog, sdlog):
        total, mean, ss, sum_log = stats
        return (-0.5 * (ss + total * square(mean - meanlog)) / square(sdlog)
                - total * log(sdlog) - (total * LOG_SQRT_2PI + sum_log))

    def _start(self):
        if self._reduced_only():
            total, mean, ss, _ = self._stats
        else:
            x, w = self._start_values()
            total, mean, ss = weighted_moments(np.log(np.maximum(x, 1e-300)), w)
        return {"meanlog": mean, "sdlog": math.sqrt(ss / total) if ss > 0 else 1.0}

    def _quantile(self, q, meanlog, sdlog):
        return exp(meanlog + sdlog * special.ndtri(q))

    def _scipy(self, meanlog, sdlog):
        return stats.lognorm(sdlog, scale=np.exp(meanlog))
