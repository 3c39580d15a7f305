"""Normal: f(x) = exp(−(x − mu)² / (2 sigma²)) / (sigma √(2π)) (R's dnorm(x, mean, sd))."""

import math

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import LOG_SQRT_2PI, log, log_ndtr, square
from .base import total_weight, weighted_moments
from .loglik import LogLikGenerator


class NormalLogLik(LogLikGenerator):
    """Normal log-likelihood with mean mu and standard deviation sigma > 0: density
    exp(−(x − mu)² / (2 sigma²)) / (sigma √(2π)) (R's dnorm(x, mean, sd)).

    Exact rows reduce to (Σw, weighted mean, centred sum of squares).
    """

    name = "normal"
    param_names = ("mu", "sigma")
    constraints = ("real", "positive")

    def _logpdf(self, x, mu, sigma):
        return -0.5 * square((x - mu) / sigma) - log(sigma) - LOG_SQRT_2PI

    def _logsf(self, x, mu, sigma):
        return log_ndtr((mu - x) / sigma)

    def _logcdf(self, x, mu, sigma):
        return log_ndtr((x - mu) / sigma)

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        total = total_weight(w, x)
        return weighted_moments(x, w, total) if np.all(total > 0) else None

    def _loglik_reduced(self, stats, mu, sigma):
        total, mean, ss = stats
        return (-0.5 * (ss + total * square(mean - mu)) / square(sigma)
                - total * log(sigma) - total * LOG_SQRT_2PI)

    def _maximum_from(self, stats):
        total, mean, ss = stats  # the MLE: the weighted mean and √(ss / Σw)
        with np.errstate(divide="ignore", invalid="ignore"):
            return mean, np.sqrt(np.divide(ss, total))

    def _start(self):  # (every row exact: the maximum, as `_maximum_from` gives it for many,
        # where there is one; rows of one value start at a σ of their scale instead)
        if self._reduced_only():
            total, mean, ss = self._stats
        else:
            total, mean, ss = weighted_moments(*self._start_values())
        sd = math.sqrt(ss / total) if ss > 0 else max(abs(mean), 1.0)
        return {"mu": mean, "sigma": sd}

    def _quantile(self, q, mu, sigma):
        return mu + sigma * special.ndtri(q)

    def _scipy(self, mu, sigma):
        return stats.norm(loc=mu, scale=sigma)
