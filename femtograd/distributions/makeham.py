"""Gompertz–Makeham: hazard makeham + rate·exp(shape·x), x ≥ 0 (Makeham's law of mortality:
Gompertz's ageing hazard plus a constant one)."""

import numpy as np

from ..core.ops import exp, log
from .base import INF
from .loglik import LogLikGenerator
from .gompertz import gompertz_cumhaz, gompertz_profile_start
from .starts import rows_for_start


class MakehamLogLik(LogLikGenerator):
    """Gompertz–Makeham log-likelihood: hazard λ + b·e^(a·x), cumulative hazard
    λx + (b/a)(e^(a·x) − 1), density h(x)·exp(−H(x)) for x ≥ 0, with real shape a, rate b > 0
    and makeham λ > 0, the constant hazard (flexsurv's dgompertz(x, shape, rate) names plus
    Makeham's term; λ → 0 is the Gompertz, a boundary of this space). With λ > 0 the distribution is
    proper even for a < 0 (the hazard decays to λ). scipy has no such distribution; `scipy()`
    returns one computed from these formulae (quantiles by root finding).
    """

    name = "makeham"
    param_names = ("shape", "rate", "makeham")
    constraints = ("real", "positive", "positive")
    support = (0.0, INF)
    support_text = "x >= 0"

    def _logpdf(self, x, shape, rate, makeham):
        return log(makeham + rate * exp(shape * x)) + self._logsf(x, shape, rate, makeham)

    def _logsf(self, x, shape, rate, makeham):
        return -(makeham * x + gompertz_cumhaz(x, shape, rate))

    def _start(self):
        """Half the events' rate as the constant hazard, then the Gompertz profile start for
        the rest (a start needs only to be inside the basin)."""
        rows = rows_for_start(self)
        t, w, event = rows
        lam = 0.5 * np.dot(w, event) / max(np.dot(w, t), 1e-300)
        shape, rate = gompertz_profile_start(rows, baseline=lam)
        return {"shape": shape, "rate": rate, "makeham": lam}

    def _ppf(self, q, shape, rate, makeham):
        return makeham_quantile(q, shape, rate, makeham)

    def _scipy(self, shape, rate, makeham):
        from .makeham_rv import MakehamRV  # here: scipy.stats is imported on first use

        return MakehamRV(shape, rate, makeham)


def makeham_quantile(q, shape, rate, makeham):
    """The x with H(x) = λx + (b/a)(e^(a·x) − 1) = −log(1 − q), as floats (the arguments
    broadcast): Newton's method on H from the nearer of the roots of each term alone,
    log1p(a·h/b)/a (h/b at a = 0) and h/λ. Both lie at or above the root (each term is
    positive), and H is increasing and convex, so the steps fall to the root without
    overshooting it; they stop at a step within 4 eps."""
    q, a, b, lam = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                         for v in (q, shape, rate, makeham)))
    flat = a == 0  # a constant Gompertz hazard b: H = (λ + b)x
    safe = np.where(flat, 1.0, a)
    with np.errstate(all="ignore"):
        h = -np.log1p(-q)
        gompertz = np.where(flat, h / b, np.log1p(a * h / b) / safe)
        x = np.array(np.fmin(np.where(np.isnan(gompertz), INF, gompertz), h / lam))
        todo = np.flatnonzero(np.isfinite(h) & (h > 0))
        for _ in range(200):
            if not todo.size:
                break
            xi, ai, bi, li, fi = (v.flat[todo] for v in (x, a, b, lam, flat))
            cum = li * xi + np.where(fi, bi * xi, bi * np.expm1(ai * xi) / np.where(fi, 1.0, ai))
            step = (cum - h.flat[todo]) / (li + bi * np.exp(ai * xi))
            x.flat[todo] = xi - step
            todo = todo[~(np.abs(step) <= 4 * np.finfo(float).eps * np.abs(xi))]
    return np.where(h == INF, INF, np.where(h > 0, x, 0.0))[()]
