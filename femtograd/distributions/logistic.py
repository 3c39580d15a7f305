"""Logistic: F(x) = 1 / (1 + exp(−(x − location)/scale)) (R's dlogis(x, location, scale))."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import log, log_sigmoid, softplus
from .base import weighted_mean_var
from .loglik import LogLikGenerator


class LogisticLogLik(LogLikGenerator):
    """Logistic log-likelihood with location μ and scale s > 0: density
    e^(−z) / (s (1 + e^(−z))²), z = (x − μ)/s (R's dlogis(x, location, scale))."""

    name = "logistic"
    param_names = ("location", "scale")
    constraints = ("real", "positive")

    def _logpdf(self, x, location, scale):
        z = (x - location) / scale
        return -z - 2.0 * softplus(-z) - log(scale)

    def _logcdf(self, x, location, scale):
        return log_sigmoid((x - location) / scale)

    def _logsf(self, x, location, scale):
        return log_sigmoid((location - x) / scale)

    def _start(self):
        x, w = self._start_values()
        mean, var = weighted_mean_var(x, w)
        sd = np.sqrt(var)
        return {"location": mean, "scale": sd * np.sqrt(3.0) / np.pi if sd > 0 else 1.0}

    def _quantile(self, q, location, scale):
        return location + scale * special.logit(q)

    def _scipy(self, location, scale):
        return stats.logistic(loc=location, scale=scale)
