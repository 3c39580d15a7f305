"""Rayleigh: f(x) = (x/scale²) exp(−x²/(2 scale²)), x > 0 (VGAM's drayleigh(x, scale))."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import log, square
from .base import INF, total_weight, wsum
from .loglik import LogLikGenerator


class RayleighLogLik(LogLikGenerator):
    """Rayleigh log-likelihood, density (x/σ²) exp(−x²/(2σ²)) for x > 0 with scale σ > 0
    (VGAM's drayleigh(x, scale); scipy's rayleigh): a Weibull of shape 2 and scale σ√2.

    Exact and right-censored rows reduce to (Σ_exact w, Σ_exact w log x, Σ w x²); with only
    those rows the MLE is closed-form, σ² = Σ w x² / (2 Σ_exact w).
    """

    name = "rayleigh"
    param_names = ("scale",)
    constraints = ("positive",)
    support = (0.0, INF)
    support_open = (True, False)
    support_text = "x > 0"
    reduces_right = True

    def _logpdf(self, x, scale):
        logx = self._cached("log", x, np.log)
        return logx - 2.0 * log(scale) - 0.5 * square(x / scale)

    def _logsf(self, x, scale):
        return -0.5 * square(x / scale)

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        squares = wsum(w, x * x) + (0.0 if cx is None else wsum(cw, cx * cx))
        return total_weight(w, x), wsum(w, np.log(x)), squares

    def _loglik_reduced(self, stats, scale):
        d, sum_log, squares = stats
        return sum_log - 2.0 * d * log(scale) - 0.5 * squares / square(scale)

    def _start(self):
        if self._reduced_only() and self._stats[0] > 0:
            d, _, squares = self._stats
        else:
            x, w = self._start_values()
            d, squares = w.sum(), np.dot(w, x * x)
        return {"scale": np.sqrt(squares / (2.0 * d))}

    def _quantile(self, q, scale):
        return scale * np.sqrt(-2.0 * np.log1p(-q))

    def _scipy(self, scale):
        return stats.rayleigh(scale=scale)
