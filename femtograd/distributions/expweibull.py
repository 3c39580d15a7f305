"""Exponentiated Weibull: F(x) = (1 − exp(−(x/scale)^shape))^power, x > 0 (Mudholkar and
Srivastava's family; scipy's exponweib)."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import exp, log, log1mexp
from .base import INF, weighted_mean_var
from .loglik import LogLikGenerator


class ExpWeibullLogLik(LogLikGenerator):
    """Exponentiated Weibull log-likelihood: CDF F(x) = (1 − e^(−z))^α with z = (x/λ)^k, density
    α (k/λ)(x/λ)^(k−1) e^(−z) (1 − e^(−z))^(α−1) for x > 0, with shape k > 0, scale λ > 0 and
    power α > 0 (scipy's exponweib(α, k, scale=λ)); power 1 is the Weibull. Its hazard can be
    increasing, decreasing, bathtub or unimodal.

    log F = α·log(1 − e^(−z)) is accurate in both tails (log1mexp), and log S is derived from it
    (log1mexp again), so neither tail cancels.
    """

    name = "expweibull"
    param_names = ("shape", "scale", "power")
    constraints = ("positive", "positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)
    support_text = "x > 0"

    def _log_z(self, x, shape, scale):
        return shape * (self._cached("log", x, np.log) - log(scale))

    def _logpdf(self, x, shape, scale, power):
        log_z = self._log_z(x, shape, scale)
        z = exp(log_z)
        return (log(power) + log(shape) - self._cached("log", x, np.log) + log_z - z
                + (power - 1.0) * log1mexp(-z))

    def _logcdf(self, x, shape, scale, power):
        return power * log1mexp(-exp(self._log_z(x, shape, scale)))

    def _start(self):
        """The Weibull's moment start on the log scale, with power 1."""
        x, w = self._start_values()
        mean, var = weighted_mean_var(np.log(np.maximum(x, 1e-300)), w)
        k = np.pi / np.sqrt(6.0 * var) if var > 0 else 1.0
        return {"shape": k, "scale": np.exp(mean + np.euler_gamma / k), "power": 1.0}

    def _quantile(self, q, shape, scale, power):
        # 1 − exp(−(x/λ)^k) = q^(1/a): (x/λ)^k = −log(1 − e^(log q / a))
        return scale * exp(log(-log1mexp(np.log(q) / power)) / shape)

    def _scipy(self, shape, scale, power):
        return stats.exponweib(power, shape, scale=scale)
