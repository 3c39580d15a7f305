"""Weibull: f(x) = (shape/scale)(x/scale)^(shape−1) exp(−(x/scale)^shape), x > 0 (R's dweibull)."""

import math

import numpy as np

from ..core.lazy import stats
from ..core.moments import ExpMomentData, exp_moments
from ..core.ops import exp, log
from .base import INF, total_weight, weighted_mean_var, wsum
from .loglik import LogLikGenerator


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
    reduces_right = True

    def _logpdf(self, x, shape, scale):
        logx = self._cached("log", x, np.log)
        z = logx - log(scale)
        return log(shape) - log(scale) + (shape - 1.0) * z - exp(shape * z)

    def _logsf(self, x, shape, scale):
        logx = self._cached("log", x, np.log)
        return -exp(shape * (logx - log(scale)))

    def _loghazard(self, x, shape, scale):
        """log h = log(k/λ) + (k − 1) log(x/λ): no difference of huge terms far in the tail."""
        z = self._cached("log", x, np.log) - log(scale)
        return log(shape) - log(scale) + (shape - 1.0) * z

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        logx = np.log(x)
        d, exact_log = total_weight(w, x), wsum(w, logx)
        if cx is not None:
            if w is not None or cw is not None:  # (a weight matrix: each replicate's row)
                lead = (cw if w is None else w).shape[:-1]
                w = np.concatenate([np.ones(lead + (x.size,)) if w is None else w,
                                    np.ones(lead + (cx.size,)) if cw is None else cw], axis=-1)
            logx = np.concatenate([logx, np.log(cx)])
        top = float(logx.max())
        logx -= top  # centred in place: t = log x − max log x ≤ 0
        return d, exact_log, top, ExpMomentData(logx, w)

    def _loglik_reduced(self, stats, shape, scale):
        d, exact_log, top, data = stats
        log_scale = log(scale)
        cumhaz = exp(shape * (top - log_scale)) * exp_moments(shape, data)
        return d * (log(shape) - shape * log_scale) + (shape - 1.0) * exact_log - cumhaz

    def _start(self):
        """The moment start on the log scale; with only exact and right-censored rows, refined
        to the exact profile MLE (the shape solving the score equation, then its scale)."""
        reduced = self._reduced_only()
        if reduced:
            d, exact_log, top, data = self._stats
            # at k = 0: weighted power sums of t, no exp pass (to order 3, as the profile asks)
            total, s1, s2 = data.moments(0.0, 3)[:3]
            mean = s1 / total
            var = s2 / total - mean * mean
            sd = math.sqrt(var) if var > 0 else 0.0
            mean += top
        else:
            x, w = self._start_values()
            logx = np.log(np.maximum(x, 1e-300))
            mean, var = weighted_mean_var(logx, w)
            sd = math.sqrt(var)
        k = math.pi / (sd * math.sqrt(6.0)) if sd > 0 else 1.0
        if reduced and d > 0 and sd > 0:
            k = _profile_shape(data, d, exact_log - d * top, k)
            # the log-likelihood's first evaluation asks the moments at this k: the pass that
            # gives the scale serves it too
            scale = math.exp(top + math.log(data.moment(k, 0) / d) / k)
            return {"shape": k, "scale": scale}
        return {"shape": k, "scale": math.exp(mean + np.euler_gamma / k)}

    def _quantile(self, q, shape, scale):
        return scale * exp(np.log(-np.log1p(-q)) / shape)  # λ·H^(1/k), H = −log(1 − q)

    def _scipy(self, shape, scale):
        return stats.weibull_min(shape, scale=scale)


def _profile_shape(data, d, exact_log, k, iterations=50):
    """Solve the Weibull shape equation in the centred t = log x − M,

        s(k) = d/k + Σ_exact w t − d · m₁(k) = 0,  mⱼ(k) = Σ w tʲ exp(k t) / Σ w exp(k t)

    (the sums over exact and right-censored rows; `exact_log` is Σ_exact w t, `data` the
    ExpMomentData of t), by Halley steps in k on s/d (no overflow for weights of 1e300),
    halving on trouble. s′/d = −1/k² − κ₂ and s″/d = 2/k³ − κ₃, with κ₂, κ₃ the variance and
    third central moment of t under the weights w·exp(k t): one exp pass per step gives them
    all (`data.moment`, orders 0–3).

    Halley converges cubically here (the error after a step of δ is about (δ/k)³·k), so a
    step below 1e-5·k lands on the root to rounding and is the last one: two or three
    passes from the moment start where Newton's quadratic steps took four or five.
    """
    k, mean_exact = float(k), float(exact_log) / float(d)  # plain floats: cheaper arithmetic
    for _ in range(iterations):
        s0, s1, s2, s3 = data.moments(k, 3)[:4]  # one pass for the orders 0-3
        m1, m2, m3 = s1 / s0, s2 / s0, s3 / s0
        kappa2, kappa3 = m2 - m1 * m1, m3 - m1 * (3.0 * m2 - 2.0 * m1 * m1)
        score = 1.0 / k + mean_exact - m1
        slope = -1.0 / (k * k) - kappa2
        bend = 2.0 / (k * k * k) - kappa3
        den = 2.0 * slope * slope - score * bend
        new = k - 2.0 * score * slope / den if den != 0 else math.nan
        if not math.isfinite(new) or new <= 0:
            new = k * 0.5
        if abs(new - k) < 1e-5 * k:
            return new
        k = new
    return k
