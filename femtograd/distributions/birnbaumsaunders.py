"""Birnbaum–Saunders (fatigue life): F(x) = Φ((√(x/scale) − √(scale/x)) / shape), x > 0
(VGAM's dbisa(x, scale, shape); scipy's fatiguelife)."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import LOG_SQRT_2PI, log, log_ndtr, sqrt, square, where
from .base import INF
from .loglik import LogLikGenerator


class BirnbaumSaundersLogLik(LogLikGenerator):
    """Birnbaum–Saunders log-likelihood: with ξ = √(x/β) − √(β/x), CDF Φ(ξ/α) and density
    φ(ξ/α) (√(x/β) + √(β/x)) / (2αx) for x > 0, with shape α > 0 and scale β > 0, the median
    (VGAM's dbisa(x, scale, shape); scipy's fatiguelife(α, scale=β)).

    log F and log S are log Φ(±ξ/α), accurate in both tails.
    """

    name = "birnbaumsaunders"
    param_names = ("shape", "scale")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)
    support_text = "x > 0"

    def _z(self, x, shape, scale):
        root = sqrt(x / scale)
        return root, (root - 1.0 / root) / shape

    def _logpdf(self, x, shape, scale):
        root, z = self._z(x, shape, scale)
        return (-0.5 * square(z) - LOG_SQRT_2PI + log(root + 1.0 / root)
                - log(2.0 * shape) - self._cached("log", x, np.log))

    def _logcdf(self, x, shape, scale):
        return log_ndtr(self._z(x, shape, scale)[1])

    def _logsf(self, x, shape, scale):
        return log_ndtr(-self._z(x, shape, scale)[1])

    def _start(self):
        """Ng, Kundu and Balakrishnan's modified moment estimates from the arithmetic mean s and
        the harmonic mean r: β = √(s r), α = √(2(√(s/r) − 1))."""
        x, w = self._start_values()
        x = np.maximum(x, 1e-300)
        s, r = np.dot(w, x) / w.sum(), w.sum() / np.dot(w, 1.0 / x)
        return {"shape": np.sqrt(max(2.0 * (np.sqrt(s / r) - 1.0), 1e-4)),
                "scale": np.sqrt(s * r)}

    def _quantile(self, q, shape, scale):
        # z = Φ⁻¹(q), w = αz/2: x = β(w + √(w² + 1))², written with |w| (as β/(√(w² + 1) + |w|)²
        # below the median) so that neither tail cancels
        z = special.ndtri(q)
        half = 0.5 * np.abs(z) * shape
        t = square(sqrt(square(half) + 1.0) + half)
        return where(z >= 0, scale * t, scale / t)

    def _scipy(self, shape, scale):
        return stats.fatiguelife(shape, scale=scale)
