"""Log-logistic: F(x) = 1 / (1 + (x/scale)^(−shape)), x > 0 (actuar's dllogis(x, shape, scale))."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import exp, log, softplus
from .base import INF, weighted_mean_var
from .loglik import LogLikGenerator


class LogLogisticLogLik(LogLikGenerator):
    """Log-logistic log-likelihood with shape β > 0 and scale α > 0: density
    (β/α)(x/α)^(β−1) / (1 + (x/α)^β)² for x > 0 (actuar's dllogis(x, shape, scale);
    scipy's fisk). log X is logistic with location log α and scale 1/β."""

    name = "loglogistic"
    param_names = ("shape", "scale")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)

    def _y(self, x, shape, scale):
        return shape * (self._cached("log", x, np.log) - log(scale))

    def _logpdf(self, x, shape, scale):
        y = self._y(x, shape, scale)
        return log(shape) - self._cached("log", x, np.log) + y - 2.0 * softplus(y)

    def _logcdf(self, x, shape, scale):
        return -softplus(-self._y(x, shape, scale))

    def _logsf(self, x, shape, scale):
        return -softplus(self._y(x, shape, scale))

    def _start(self):
        x, w = self._start_values()
        logx = np.log(np.maximum(x, 1e-300))
        mean, var = weighted_mean_var(logx, w)
        sd = np.sqrt(var)
        return {"shape": np.pi / (sd * np.sqrt(3.0)) if sd > 0 else 1.0, "scale": np.exp(mean)}

    def _quantile(self, q, shape, scale):
        return scale * exp(special.logit(q) / shape)  # (x/λ)^k = q / (1 − q)

    def _scipy(self, shape, scale):
        return stats.fisk(shape, scale=scale)
