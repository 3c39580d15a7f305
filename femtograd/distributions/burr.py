"""Burr type XII: S(x) = (1 + (x/scale)^shape2)^(−shape1), x > 0 (actuar's
dburr(x, shape1, shape2, scale))."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import exp, expm1, log, softplus
from .base import INF, weighted_mean_var
from .loglik import LogLikGenerator


class BurrLogLik(LogLikGenerator):
    """Burr XII log-likelihood: survival (1 + (x/θ)^γ)^(−α), density
    αγ (x/θ)^γ / (x (1 + (x/θ)^γ)^(α+1)) for x > 0, with shape1 α > 0, shape2 γ > 0 and
    scale θ > 0 (actuar's dburr(x, shape1, shape2, scale); scipy's burr12(γ, α, scale=θ)).
    shape1 = 1 is the log-logistic; shape2 = 1 the Lomax.

    With y = γ log(x/θ), log S = −α·softplus(y) is exact in both tails; log F is derived from it.
    """

    name = "burr"
    param_names = ("shape1", "shape2", "scale")
    constraints = ("positive", "positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)
    support_text = "x > 0"

    def _y(self, x, shape2, scale):
        return shape2 * (self._cached("log", x, np.log) - log(scale))

    def _logpdf(self, x, shape1, shape2, scale):
        y = self._y(x, shape2, scale)
        return (log(shape1) + log(shape2) - self._cached("log", x, np.log) + y
                - (shape1 + 1.0) * softplus(y))

    def _logsf(self, x, shape1, shape2, scale):
        return -shape1 * softplus(self._y(x, shape2, scale))

    def _start(self):
        """The log-logistic's start (shape1 = 1): log X logistic with the moments of log x."""
        x, w = self._start_values()
        mean, var = weighted_mean_var(np.log(np.maximum(x, 1e-300)), w)
        shape2 = np.pi / np.sqrt(3.0 * var) if var > 0 else 1.0
        return {"shape1": 1.0, "shape2": shape2, "scale": np.exp(mean)}

    def _quantile(self, q, shape1, shape2, scale):
        # (x/λ)^c = (1 − q)^(−1/k) − 1
        return scale * exp(log(expm1(-np.log1p(-q) / shape1)) / shape2)

    def _scipy(self, shape1, shape2, scale):
        return stats.burr12(shape2, shape1, scale=scale)
