"""Cauchy: f(x) = 1 / (π scale (1 + ((x − location)/scale)²)) (R's dcauchy)."""

import math

import numpy as np

from ..core.lazy import stats
from ..core.ops import LOG_PI, log, log1p, square
from ..core.quadratic import QuadraticData, log1p_square_sum
from ..core.special import arctan2
from .base import total_weight
from .loglik import LogLikGenerator
from .starts import newton_ascent, sample_quantiles, start_data


class CauchyLogLik(LogLikGenerator):
    """Cauchy log-likelihood with location μ and scale s > 0: density 1 / (π s (1 + z²)),
    z = (x − μ)/s (R's dcauchy(x, location, scale)). F(x) = arctan2(1, −z)/π, accurate in
    both tails.

    Exact rows enter through Σ wᵢ log(1 + zᵢ²), a `log1p_square_sum` node: value, gradient
    and Hessian share one pass per (μ, s).
    """

    name = "cauchy"
    param_names = ("location", "scale")
    constraints = ("real", "positive")

    def _logpdf(self, x, location, scale):
        return -log1p(square((x - location) / scale)) - log(scale) - LOG_PI

    def _logcdf(self, x, location, scale):
        return log(arctan2(1.0, (location - x) / scale)) - LOG_PI

    def _logsf(self, x, location, scale):
        return log(arctan2(1.0, (x - location) / scale)) - LOG_PI

    def _log_interval(self, lo, hi, location, scale):
        # arctan(b) − arctan(a) = arctan2(b − a, 1 + ab): no cancellation in either tail
        zl, zh = (lo - location) / scale, (hi - location) / scale
        return log(arctan2((hi - lo) / scale, 1.0 + zl * zh)) - LOG_PI

    def _reduce(self, x, w, cx, cw):
        # the max stands for the data's: a +inf row shows in it (see LogLikGenerator)
        return total_weight(w, x), float(x.max()), QuadraticData(x, w)

    def _loglik_reduced(self, stats, location, scale):
        total, _, data = stats
        return -total * (log(scale) + LOG_PI) - log1p_square_sum(location, scale, data)

    def _start(self):
        """Location the median and scale the quartiles' half-distance; with every row exact,
        then Newton steps in floats to the MLE (of a `start_sample` of the rows), so that a fit
        from there only confirms it."""
        reduced = self._reduced_only()
        x, w = (self._stats[2].x, self._stats[2].weights) if reduced else self._start_values()
        q1, med, q3 = sample_quantiles(x, w, (0.25, 0.5, 0.75))
        if not q3 > q1:
            return {"location": med, "scale": 1.0}
        start = (med, 0.5 * (q3 - q1))
        if reduced:
            data = start_data(self._stats[2])
            start = newton_ascent(_local_derivatives(data), _move, start, self._spaces,
                                  last_step=data is self._stats[2])
        return {"location": start[0], "scale": start[1]}

    def _quantile(self, q, location, scale):
        # tan(π(q − ½)), in the tails as −cot(π q) and cot(π(1 − q)): each tail's probability
        # enters whole (q − ½ and 1 − q are exact where they are used), so every digit is kept
        with np.errstate(divide="ignore"):
            z = np.select([q < 0.25, q > 0.75], [-1.0 / np.tan(np.pi * q),
                                                1.0 / np.tan(np.pi * (1.0 - q))],
                          np.tan(np.pi * (q - 0.5)))
        return location + scale * z

    def _scipy(self, location, scale):
        return stats.cauchy(loc=location, scale=scale)


def _local_derivatives(data):
    """evaluate(point) for `newton_ascent`: at (μ, s), the log-likelihood (less n log π) and
    its first three derivatives in δ, the shift of μ in units of s, and η = log s, from one pass
    over `data` (`QuadraticData.table`: z = (x − μ)/s, M(p, q) = Σ w zᵖ / (1 + z²)ᵠ, T = Σ w).

    Each δ-derivative of a moment is D_δ M(p, q) = −p M(p − 1, q) + 2q M(p + 1, q + 1), each
    η-derivative D_η M(p, q) = −p M(p, q) + 2q M(p + 2, q + 1), less k times the expression
    when it has been differentiated k times in δ already (its factor (s₀/s)ᵏ). So
    g = (2 M(1, 1), 2 M(2, 1) − T), H = [[4 M(2, 2) − 2 M(0, 1), 4 M(3, 2) − 4 M(1, 1)],
    [·, 4 M(4, 2) − 4 M(2, 1)]], and the third derivatives are the tensor's four entries below;
    with them each step of the start gains a third order of accuracy (`newton_ascent`)."""
    total = data.total

    def evaluate(point):
        location, scale = point
        m = data.table(location, scale, 3)
        f = -total * math.log(scale) - m["log"]
        m11, m21, m32, m42 = m[1, 1], m[2, 1], m[3, 2], m[4, 2]
        h_dd, h_de, h_ee = 4.0 * m[2, 2] - 2.0 * m[0, 1], 4.0 * (m32 - m11), 4.0 * (m42 - m21)
        t_ddd = 16.0 * m[3, 3] - 12.0 * m[1, 2]
        t_dde = 16.0 * m[4, 3] - 20.0 * m[2, 2] + 4.0 * m[0, 1]
        t_dee = 16.0 * m[5, 3] - 24.0 * m32 + 8.0 * m11
        t_eee = 16.0 * m[6, 3] - 24.0 * m42 + 8.0 * m21
        return (f, [2.0 * m11, 2.0 * m21 - total], [[h_dd, h_de], [h_de, h_ee]],
                [[t_ddd, t_dde, t_dde, t_dee], [t_dde, t_dee, t_dee, t_eee]])
    return evaluate


def _move(point, d):
    location, scale = point
    return location + scale * d[0], scale * math.exp(d[1])
