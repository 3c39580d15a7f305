"""Gompertz–Makeham: hazard makeham + rate·exp(shape·x), x ≥ 0 (Makeham's law of mortality:
Gompertz's ageing hazard plus a constant one)."""

import numpy as np
from scipy import integrate, optimize, stats

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

    def _scipy(self, shape, rate, makeham):
        return _Makeham(shape, rate, makeham)


class _Makeham(stats.rv_continuous):
    """The Gompertz–Makeham distribution at fixed parameters, from its cumulative hazard."""

    def __init__(self, shape, rate, lam):
        super().__init__(a=0.0, name="makeham")
        self.params = (float(shape), float(rate), float(lam))

    def _cumhaz(self, x):
        a, b, lam = self.params
        with np.errstate(over="ignore"):  # beyond float range: H = inf, S = 0
            return lam * x + (b * x if a == 0 else b * np.expm1(a * x) / a)

    def _pdf(self, x):
        return np.exp(self._logpdf(x))

    def _logpdf(self, x):
        a, b, lam = self.params
        with np.errstate(over="ignore"):
            return np.log(lam + b * np.exp(a * x)) - self._cumhaz(x)

    def _sf(self, x):
        return np.exp(-self._cumhaz(x))

    def _cdf(self, x):
        return -np.expm1(-self._cumhaz(x))

    def _logsf(self, x):
        return -self._cumhaz(x)

    def _isf(self, q):
        return self._ppf(1.0 - q)

    def _ppf(self, q):
        """Solve H(x) = −log(1 − q) (H increases): bracket by doubling, then Brent."""
        target = -np.log1p(-np.asarray(q, dtype=float))
        out = np.empty(target.shape)
        for i, h in np.ndenumerate(target):
            if h == np.inf:
                out[i] = np.inf
                continue
            hi = 1.0
            while self._cumhaz(hi) < h:
                hi *= 2.0
            out[i] = optimize.brentq(lambda x: self._cumhaz(x) - h, 0.0, hi, xtol=1e-14,
                                     rtol=4 * np.finfo(float).eps) if h > 0 else 0.0
        return out

    def _munp(self, n):
        return integrate.quad(lambda x: n * x ** (n - 1) * self._sf(x), 0.0, np.inf)[0]
