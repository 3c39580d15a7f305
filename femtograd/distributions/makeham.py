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

    def _scipy(self, shape, rate, makeham):
        from .makeham_rv import MakehamRV  # here: scipy.stats is imported on first use

        return MakehamRV(shape, rate, makeham)
