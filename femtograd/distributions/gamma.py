"""Gamma: f(x) = rate^shape x^(shape−1) e^(−rate·x) / Γ(shape), x > 0
(R's dgamma(x, shape, rate))."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import lgamma, log, trigamma
from ..core.special import gammainc, gammaincc, inverse_gammainc
from .base import INF, log_interval_by_halves, total_weight, wsum
from .loglik import LogLikGenerator


def gamma_shape_start(mean, mean_log):
    """Minka's closed-form approximation to the gamma shape MLE from log(mean) − mean(log x)
    (numbers or arrays; 1 where that difference is not positive and finite)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log(mean) - mean_log
        k = (3.0 - s + np.sqrt((s - 3.0) ** 2 + 24.0 * s)) / (12.0 * s)
    return np.where(np.isfinite(s) & (s > 0), k, 1.0)


class GammaLogLik(LogLikGenerator):
    """Gamma log-likelihood with shape k > 0 and rate r > 0: density r^k x^(k−1) e^(−r·x) / Γ(k)
    for x > 0 (R's dgamma(x, shape, rate)).

    Exact rows reduce to (Σw, Σw log x, Σw x). Censored rows use the regularized incomplete
    gamma function; its derivatives in the shape are exact (see `femtograd.core.special`).
    The quantile is its inverse as an op (`inverse_gammainc`), so that quantiles and their
    exact gradients come from one graph, as for a family with an elementary inverse.
    """

    name = "gamma"
    param_names = ("shape", "rate")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_open = (True, False)

    def _logpdf(self, x, shape, rate):
        logx = self._cached("log", x, np.log)
        return shape * log(rate) + (shape - 1.0) * logx - rate * x - lgamma(shape)

    def _logcdf(self, x, shape, rate):
        return log(gammainc(shape, rate * x))

    def _logsf(self, x, shape, rate):
        return log(gammaincc(shape, rate * x))

    def _log_interval(self, lo, hi, shape, rate):
        # P in the lower half, Q = 1 − P in the upper half
        z_lo, z_hi = rate * lo, rate * hi
        return log_interval_by_halves(gammainc(shape, z_lo), gammainc(shape, z_hi),
                                      gammaincc(shape, z_lo), gammaincc(shape, z_hi))

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        return total_weight(w, x), wsum(w, np.log(x)), wsum(w, x)

    def _loglik_reduced(self, stats, shape, rate):
        total, sum_log, sum_x = stats
        return total * (shape * log(rate) - lgamma(shape)) + (shape - 1.0) * sum_log - rate * sum_x

    def _maximum_from(self, stats):
        total, sum_log, sum_x = stats  # the profile MLE of the shape (below), then rate k / x̄
        with np.errstate(divide="ignore", invalid="ignore"):
            mean, mean_log = np.divide(sum_x, total), np.divide(sum_log, total)
            k = _profile_shape(np.log(mean) - mean_log, gamma_shape_start(mean, mean_log))
            return k, k / mean

    def _start(self):
        if self._reduced_only():  # every row exact: the MLE itself
            k, rate = self._maximum_from(self._stats)
            return {"shape": float(k), "rate": float(rate)}
        x, w = self._start_values()
        x = np.maximum(x, 1e-300)
        mean = np.dot(w, x) / w.sum()
        k = float(gamma_shape_start(mean, np.dot(w, np.log(x)) / w.sum()))
        return {"shape": k, "rate": k / mean}

    def _quantile(self, q, shape, rate):
        return inverse_gammainc(shape, q) / rate

    def _scipy(self, shape, rate):
        return stats.gamma(shape, scale=1.0 / rate)


def _profile_shape(s, k, iterations=50):
    """The shape solving log k − ψ(k) = s = log x̄ − mean(log x), the gamma's profile score
    equation (its rate is then k / x̄), by Newton steps from `k` (numbers or arrays; ψ′ is
    `trigamma`); a step that would leave k ≤ 0 halves k instead. The left side is convex and
    decreasing, so the steps converge quadratically: a step below 1e-8·k lands on the root to
    rounding, and that entry stays there. Where s is not positive and finite, k as it is."""
    shape = np.shape(s)
    s = np.ravel(np.asarray(s, dtype=float))
    k = np.array(np.broadcast_to(k, shape), dtype=float).ravel()
    todo = (s > 0) & np.isfinite(s)
    for _ in range(iterations):
        if not todo.any():
            break
        at = k[todo]
        new = at - (np.log(at) - special.psi(at) - s[todo]) / (1.0 / at - trigamma(at).data)
        new = np.where(new > 0, new, 0.5 * at)
        k[todo] = new
        todo[todo] = np.abs(new - at) >= 1e-8 * at
    return k.reshape(shape) if shape else float(k[0])
