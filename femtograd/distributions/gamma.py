"""Gamma: f(x) = rate^shape x^(shape−1) e^(−rate·x) / Γ(shape), x > 0
(R's dgamma(x, shape, rate))."""

import math

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import lgamma, log, trigamma
from ..core.special import gammainc, gammaincc, inverse_gammainc
from .base import EPS, INF, ROUNDING_ULPS, log_interval_by_halves, total_weight, wsum
from .loglik import LogLikGenerator


def spread(mean, mean_log):
    """s = log x̄ − mean(log x) ≥ 0, the gamma's profile statistic (numbers or arrays); NaN
    where it is not finite or not above the rounding of its terms (`ROUNDING_ULPS` ulps of
    1 + |log x̄|): rows with one value, or values too close together for a shape to be found
    from them."""
    if isinstance(mean, float) and isinstance(mean_log, float):  # one data set: in `math`
        log_mean = math.log(mean) if mean > 0 else math.nan
        s = log_mean - mean_log
        noise = ROUNDING_ULPS * EPS * (1.0 + abs(log_mean))
        return s if math.isfinite(s) and s > noise else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        log_mean = np.log(mean)
        s = log_mean - mean_log
        noise = ROUNDING_ULPS * EPS * (1.0 + np.abs(log_mean))
        return np.where(np.isfinite(s) & (s > noise), s, np.nan)[()]


def gamma_shape_start(mean, mean_log):
    """Minka's closed-form approximation to the gamma shape MLE from log(mean) − mean(log x)
    (numbers or arrays; 1 where there is no spread, `spread`)."""
    s = spread(mean, mean_log)
    ok = np.isfinite(s)
    if np.ndim(s) == 0:
        return float(_minka(s)) if ok else 1.0
    return np.where(ok, _minka(np.where(ok, s, 1.0)), 1.0)


def _minka(s):
    return (3.0 - s + np.sqrt((s - 3.0) ** 2 + 24.0 * s)) / (12.0 * s)


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
        with np.errstate(divide="ignore", invalid="ignore"):  # (no weight: NaN)
            return _maximum(*(np.asarray(v, dtype=float) for v in stats))

    def _start(self):
        if self._reduced_only():  # every row exact: the MLE itself, where there is one
            k, rate = _maximum(*self._stats)
            if math.isfinite(rate):
                return {"shape": k, "rate": rate}
        x, w = self._start_values()
        x = np.maximum(x, 1e-300)
        mean = np.dot(w, x) / w.sum()
        k = float(gamma_shape_start(mean, np.dot(w, np.log(x)) / w.sum()))
        return {"shape": k, "rate": k / mean}

    def _quantile(self, q, shape, rate):
        return inverse_gammainc(shape, q) / rate

    def _scipy(self, shape, rate):
        return stats.gamma(shape, scale=1.0 / rate)


def _maximum(total, sum_log, sum_x):
    """(shape, rate) maximizing the exact rows' log-likelihood: the profile shape (below) and
    rate k / x̄ (numbers or arrays); NaN where the rows have no spread (`spread`: one value, or
    none): no maximum there."""
    mean, mean_log = sum_x / total, sum_log / total
    s = spread(mean, mean_log)
    if isinstance(mean, float) and isinstance(mean_log, float):  # one data set: plain floats
        if math.isnan(s):
            return math.nan, math.nan
        k = _profile_shape(float(s), float(_minka(s)))
        return k, k / mean
    k = _profile_shape(s, np.where(np.isfinite(s), _minka(s), 1.0))
    k = np.where(np.isfinite(s), k, np.nan)
    return k, k / mean


def _profile_shape(s, k, iterations=50):
    """The shape solving log k − ψ(k) = s = log x̄ − mean(log x), the gamma's profile score
    equation (its rate is then k / x̄), by Newton steps from `k` (`_shape_step`); a step that
    would leave k ≤ 0 halves k instead. The left side is convex and decreasing, so the steps
    converge quadratically: a step below 1e-8·k lands on the root to rounding. Where s is not
    positive and finite, k as it is. Numbers, or arrays (each entry stops where it lands)."""
    if not (isinstance(s, float) and isinstance(k, float)):  # (numpy's float64 is one)
        return _profile_shapes(s, k, iterations)
    if not (s > 0 and math.isfinite(s)):
        return float(k)
    k = float(k)
    for _ in range(iterations):
        new = _shape_step(k, s, math.log(k), special.zeta(2.0, k))
        if not new > 0:
            new = 0.5 * k
        if abs(new - k) < 1e-8 * k:
            return float(new)
        k = float(new)
    return k


def _profile_shapes(s, k, iterations):
    """`_profile_shape` of arrays: the same steps over the entries still moving (ψ′ by
    `trigamma`, a recurrence and series over many points)."""
    shape = np.broadcast_shapes(np.shape(s), np.shape(k))
    s = np.broadcast_to(np.asarray(s, dtype=float), shape).ravel()
    k = np.array(np.broadcast_to(k, shape), dtype=float).ravel()
    todo = (s > 0) & np.isfinite(s)
    for _ in range(iterations):
        if not todo.any():
            break
        at = k[todo]
        new = _shape_step(at, s[todo], np.log(at), trigamma(at).data)
        new = np.where(new > 0, new, 0.5 * at)
        k[todo] = new
        todo[todo] = np.abs(new - at) >= 1e-8 * at
    return k.reshape(shape)


def _shape_step(k, s, log_k, trigamma_k):
    """k after one Newton step on log k − ψ(k) = s."""
    return k - (log_k - special.psi(k) - s) / (1.0 / k - trigamma_k)
