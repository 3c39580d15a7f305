"""Weibull: f(x) = (shape/scale)(x/scale)^(shape−1) exp(−(x/scale)^shape), x > 0 (R's dweibull)."""

import numpy as np
from scipy import stats

from ..core.moments import ExpMomentData, exp_moments
from ..core.ops import exp, log, log_diff_exp
from .base import INF, LogLikGenerator

EULER = 0.5772156649015329


class WeibullLogLik(LogLikGenerator):
    """Weibull log-likelihood, density (k/λ)(x/λ)^(k−1) exp(−(x/λ)^k) for x > 0, with shape k > 0
    and scale λ > 0 (R's dweibull(x, shape, scale)).

    Exact and right-censored rows enter through Σ wᵢ (xᵢ/λ)^k = (e^M/λ)^k · Σ wᵢ exp(k·tᵢ) with
    t = log x − M centred at M = max log x, an `exp_moments` node: value, gradient and Hessian
    share one exp pass per shape value, and no term overflows.
    """

    name = "weibull"
    param_names = ("shape", "scale")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)
    support_text = "x > 0"
    reduces_right = True

    def _logpdf(self, x, shape, scale):
        logx = self._cached("log", x, np.log)
        z = logx - log(scale)
        return log(shape) - log(scale) + (shape - 1.0) * z - exp(shape * z)

    def _logsf(self, x, shape, scale):
        logx = self._cached("log", x, np.log)
        return -exp(shape * (logx - log(scale)))

    def _log_interval(self, lo, hi, shape, scale):
        # log(S(lo) − S(hi)): log S = −H is exact in both tails, unlike log F
        return log_diff_exp(self._logsf(lo, shape, scale), self._logsf(hi, shape, scale))

    def _reduce(self, x, w, cx, cw):
        logx = np.log(x)
        d, exact_log = float(w.sum()), float(np.dot(w, logx))
        if cx is not None:
            logx = np.concatenate([logx, np.log(cx)])
            w = np.concatenate([w, cw])
        top = float(logx.max())
        data = ExpMomentData(logx - top, None if np.all(w == 1.0) else w)
        return d, exact_log, top, data, logx, w

    def _loglik_reduced(self, stats, shape, scale):
        d, exact_log, top, data, _, _ = stats
        log_scale = log(scale)
        cumhaz = exp(shape * (top - log_scale)) * exp_moments(shape, data)
        return d * (log(shape) - shape * log_scale) + (shape - 1.0) * exact_log - cumhaz

    def _start(self):
        g = self._groups
        x, w = self._start_values()
        logx = np.log(np.maximum(x, 1e-300))
        mean = np.dot(w, logx) / w.sum()
        sd = np.sqrt(np.dot(w, (logx - mean) ** 2) / w.sum())
        k = np.pi / (sd * np.sqrt(6.0)) if sd > 0 else 1.0
        if g["left"] is None and g["interval"] is None and self._stats is not None \
                and self._stats[0] > 0 and sd > 0:
            d, exact_log, top, _, logx, w = self._stats
            k = _profile_shape(logx, w, d, exact_log, k)
            t = logx - top
            scale = np.exp(top + np.log(np.dot(w, np.exp(k * t)) / d) / k)
            return {"shape": k, "scale": scale}
        return {"shape": k, "scale": np.exp(mean + EULER / k)}

    def _scipy(self, shape, scale):
        return stats.weibull_min(shape, scale=scale)


def _profile_shape(logx, w, d, exact_log, k, iterations=50):
    """Solve the Weibull shape equation d/k + Σ_exact w log x − d·Σ w xᵏ log x / Σ w xᵏ = 0
    (sums over exact and right-censored rows) by Newton steps in k, halving on trouble."""
    t = logx - logx.max()
    exact_log_c = exact_log - d * logx.max()
    for _ in range(iterations):
        e = w * np.exp(k * t)
        s0 = e.sum()
        m1, m2 = np.dot(e, t) / s0, np.dot(e, t * t) / s0
        score = d / k + exact_log_c - d * m1
        slope = -d / k ** 2 - d * (m2 - m1 * m1)
        new = k - score / slope
        if not np.isfinite(new) or new <= 0:
            new = k * 0.5
        if abs(new - k) < 1e-13 * k:
            return new
        k = new
    return k
