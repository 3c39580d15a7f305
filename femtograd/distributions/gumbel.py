"""Gumbel (maximum): F(x) = exp(−exp(−(x − location)/scale)) (evd's dgumbel; scipy's gumbel_r)."""

import numpy as np

from ..core.lazy import stats
from ..core.moments import ExpMomentData, exp_moments
from ..core.ops import exp, log
from .base import total_weight, weighted_mean_var, wsum
from .loglik import LogLikGenerator


class GumbelLogLik(LogLikGenerator):
    """Gumbel (largest extreme value) log-likelihood with location μ and scale β > 0: density
    exp(−z − e^(−z)) / β, z = (x − μ)/β (evd's dgumbel(x, loc, scale); scipy's gumbel_r).

    Exact rows enter through Σ wᵢ e^(−zᵢ) = e^((μ − m)/β) Σ wᵢ exp(−(xᵢ − m)/β), m = min x, an
    `exp_moments` node in −1/β: one exp pass per scale value, and no overflow.
    """

    name = "gumbel"
    param_names = ("location", "scale")
    constraints = ("real", "positive")

    def _logpdf(self, x, location, scale):
        z = (x - location) / scale
        return -z - exp(-z) - log(scale)

    def _logcdf(self, x, location, scale):
        return -exp((location - x) / scale)

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        if x.size == 0:
            return None
        low = float(x.min())
        data = ExpMomentData(x - low, w)
        return total_weight(w, x), wsum(w, x), low, data

    def _loglik_reduced(self, stats, location, scale):
        total, sum_x, low, data = stats
        tail = exp((location - low) / scale) * exp_moments(-1.0 / scale, data)
        return -(sum_x - total * location) / scale - tail - total * log(scale)

    def _start(self):
        x, w = self._start_values()
        mean, var = weighted_mean_var(x, w)
        sd = np.sqrt(var)
        scale = sd * np.sqrt(6.0) / np.pi if sd > 0 else 1.0
        return {"location": mean - np.euler_gamma * scale, "scale": scale}

    def _quantile(self, q, location, scale):
        return location - scale * np.log(-np.log(q))

    def _scipy(self, location, scale):
        return stats.gumbel_r(loc=location, scale=scale)
