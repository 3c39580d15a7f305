"""Gompertz: hazard rate·exp(shape·x), x ≥ 0 (flexsurv's dgompertz(x, shape, rate)); shape may
be negative, and then the distribution is defective."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import expm1, log, log1p
from .base import INF
from .loglik import LogLikGenerator
from .starts import best_on_grid, rows_for_start


def gompertz_cumhaz(x, shape, rate):
    """H(x) = (rate/shape)(exp(shape·x) − 1), written rate·expm1(shape·x)/shape: accurate for
    small |shape·x| (it tends to rate·x as shape → 0; shape exactly 0 is 0/0)."""
    return rate * expm1(shape * x) / shape


class GompertzLogLik(LogLikGenerator):
    """Gompertz log-likelihood: hazard b·e^(a·x), density b·e^(a·x) exp(−(b/a)(e^(a·x) − 1)) for
    x ≥ 0, with real shape a and rate b > 0 (flexsurv's dgompertz(x, shape, rate); scipy's
    gompertz(b/a, scale=1/a) for a > 0).

    A negative shape is a hazard that decays: the survival tends to exp(b/a) > 0, so a share
    exp(b/a) of units never fails (a defective distribution, as in flexsurv). The likelihood
    stays proper (right-censored rows contribute log S, which stays finite), but there is no
    scipy distribution, mean or upper quantile for it: `scipy()` refuses a shape ≤ 0. Shape 0
    (the exponential) is the limit of the formulae, not a point they can be evaluated at.
    """

    name = "gompertz"
    param_names = ("shape", "rate")
    constraints = ("real", "positive")
    support = (0.0, INF)
    support_text = "x >= 0"

    def _logpdf(self, x, shape, rate):
        return log(rate) + shape * x - gompertz_cumhaz(x, shape, rate)

    def _logsf(self, x, shape, rate):
        return -gompertz_cumhaz(x, shape, rate)

    def _start(self):
        shape, rate = gompertz_profile_start(rows_for_start(self))
        return {"shape": shape, "rate": rate}

    def _quantile(self, q, shape, rate):
        """x with H(x) = −log(1 − q): log1p(shape·H/rate)/shape. A negative shape leaves a share
        exp(rate/shape) that never fails: beyond 1 − that share there is no quantile."""
        ratio = -np.log1p(-q) * shape / rate
        beyond = np.flatnonzero(np.asarray(ratio.data) <= -1.0)
        if beyond.size:
            share = np.exp(np.broadcast_to(np.asarray((rate / shape).data), ratio.shape)[beyond[0]])
            raise ValueError(f"{type(self).__name__}: the quantile at probability "
                             f"{np.broadcast_to(q, ratio.shape)[beyond[0]]} is infinite: with "
                             f"shape < 0 a share {share:.6g} never fails")
        return log1p(ratio) / shape

    def _scipy(self, shape, rate):
        if shape <= 0:
            raise ValueError(f"{type(self).__name__}: shape {shape} <= 0 is a defective "
                             "distribution (a share exp(rate/shape) never fails); scipy has no "
                             "such distribution")
        return stats.gompertz(rate / shape, scale=1.0 / shape)


def gompertz_profile_start(rows, baseline=0.0):
    """(shape, rate) maximizing the Gompertz profile log-likelihood over a grid of shapes, for
    rows (t, w, event) from `rows_for_start`, with the constant hazard `baseline` (Makeham's
    term) subtracted as known. For a shape a the rate's MLE is closed-form when baseline is 0:
    b = d / Σ w·expm1(a t)/a; the grid spans a·mean(t) in ±[1e-3, 30]."""
    t, w, event = rows
    d = np.dot(w, event)
    exposure_t = np.dot(w, t)
    mean_t = exposure_t / np.sum(w)
    mean_t = mean_t if mean_t > 0 else 1.0

    def fit_rate(a):
        g = np.expm1(a * t) / a
        # the events the baseline leaves unexplained; kept above 0.1% of them so the rate stays
        # positive when the baseline alone would explain every event
        rate = max(d - baseline * exposure_t, 1e-3 * d) / np.dot(w, g)
        return rate, g

    def profile(a):
        rate, g = fit_rate(a)
        hazard = baseline + rate * np.exp(a * t)
        return np.dot(w * event, np.log(hazard)) - baseline * exposure_t - rate * np.dot(w, g)

    steps = np.logspace(-3, np.log10(30.0), 24) / mean_t
    shape = best_on_grid(profile, np.concatenate([-steps[::-1], steps]))
    return shape, fit_rate(shape)[0]
