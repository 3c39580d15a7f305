"""Lomax (Pareto type II): f(x) = shape scale^shape / (x + scale)^(shape+1), x ≥ 0
(actuar's dpareto(x, shape, scale))."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import expm1, log, log1p
from .base import INF
from .loglik import LogLikGenerator
from .starts import best_on_grid, rows_for_start


class LomaxLogLik(LogLikGenerator):
    """Lomax (Pareto II) log-likelihood: density α θ^α / (x + θ)^(α+1) for x ≥ 0, with shape
    α > 0 and scale θ > 0 (actuar's dpareto(x, shape, scale); scipy's lomax). Survival
    (1 + x/θ)^(−α): log(1 + X/θ) is exponential with rate α. As α, θ → ∞ with θ/α fixed it
    tends to the exponential (a boundary of the space: exponential data give no interior MLE).
    """

    name = "lomax"
    param_names = ("shape", "scale")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_text = "x >= 0"

    def _logpdf(self, x, shape, scale):
        return log(shape) - log(scale) - (shape + 1.0) * log1p(x / scale)

    def _logsf(self, x, shape, scale):
        return -shape * log1p(x / scale)

    def _start(self):
        """The scale maximizing the profile log-likelihood over a grid around the median (for
        a scale θ the shape's MLE is d / Σ w log(1 + x/θ), d the events' weight)."""
        x, w, event = rows_for_start(self)
        d = np.dot(w, event)

        def profile(scale):
            s = np.log1p(x / scale)
            shape = d / np.dot(w, s)
            return d * np.log(shape / scale) - shape * np.dot(w, s) - np.dot(w * event, s), shape

        mid = float(np.median(x[x > 0])) if np.any(x > 0) else 1.0
        scale = best_on_grid(lambda s: profile(s)[0], mid * np.logspace(-3, 4, 36))
        return {"shape": profile(scale)[1], "scale": scale}

    def _quantile(self, q, shape, scale):
        return scale * expm1(-np.log1p(-q) / shape)

    def _scipy(self, shape, scale):
        return stats.lomax(shape, scale=scale)
