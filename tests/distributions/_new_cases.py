"""The families of issue 15 as `Case` rows (the shared battery runs on them in
test_new_families.py), with references written independently of the generators: scipy where
it has the family, closed forms where it does not."""

import numpy as np
from scipy import stats

from femtograd.distributions import (BirnbaumSaundersLogLik, BurrLogLik, ExpWeibullLogLik,
                                     GenGammaLogLik, GompertzLogLik, LomaxLogLik, MakehamLogLik,
                                     NegBinomial2LogLik, ParetoLogLik, RayleighLogLik)

from ._cases import U, Case, params


class ClosedForm:
    """A reference from a cumulative hazard H and a hazard h (lifetimes on x ≥ 0): log S = −H,
    log f = log h − H, F = 1 − S. Enough of scipy's frozen surface for the tests."""

    def __init__(self, cumhaz, hazard):
        self.cumhaz, self.hazard = cumhaz, hazard

    def logsf(self, x):
        with np.errstate(over="ignore"):  # far in the tail: H = inf, S = 0
            return -self.cumhaz(np.maximum(np.asarray(x, float), 0.0))  # S = 1 below 0

    def logpdf(self, x):
        x = np.asarray(x, float)
        with np.errstate(over="ignore"):
            return np.log(self.hazard(x)) - self.cumhaz(x)

    def logcdf(self, x):
        return np.log(-np.expm1(self.logsf(x)))

    def sf(self, x):
        return np.exp(self.logsf(x))

    def cdf(self, x):
        return -np.expm1(self.logsf(x))


def gompertz(shape, rate):
    """flexsurv's dgompertz, any real shape ≠ 0 (negative: defective)."""
    return ClosedForm(lambda x: rate / shape * np.expm1(shape * x),
                      lambda x: rate * np.exp(shape * x))


def makeham(shape, rate, makeham_):
    return ClosedForm(lambda x: makeham_ * x + rate / shape * np.expm1(shape * x),
                      lambda x: makeham_ + rate * np.exp(shape * x))


def gengamma(mu, sigma, Q):
    """Prentice's gengamma through scipy's Stacy form (a, c, scale)."""
    k = 1.0 / Q ** 2
    return stats.gengamma(k, Q / sigma, scale=np.exp(mu) * k ** (-sigma / Q))


def signed(lo, hi):
    """A draw from ±[lo, hi], either sign equally often."""
    return lambda rng: rng.choice([-1.0, 1.0]) * rng.uniform(lo, hi)


PARETO_SCALE = 1.5

NEW_CASES = [
    Case(GenGammaLogLik, lambda r, n: gengamma(0.5, 0.6, 0.8).rvs(n, random_state=r),
         params(U(-0.5, 1.0), U(0.4, 1.2), signed(0.3, 1.5)), gengamma),
    Case(GompertzLogLik, lambda r, n: stats.gompertz(0.5, scale=2.0).rvs(n, random_state=r),
         params(U(0.1, 1.0), U(0.1, 1.0)), gompertz),  # shape < 0: test_new_families
    Case(MakehamLogLik, lambda r, n: np.minimum(  # the first of two competing hazards
        stats.gompertz(0.02, scale=1 / 1.5).rvs(n, random_state=r), r.exponential(2.0, n)),
         params(signed(0.1, 1.0), U(0.1, 1.0), U(0.05, 0.5)), makeham),
    Case(ParetoLogLik, lambda r, n: PARETO_SCALE * (1.0 + r.pareto(2.5, n)), params(U(0.5, 4)),
         # scipy's pareto shifted to the Lomax form: x − scale is exact near the scale
         lambda shape: stats.lomax(shape, loc=PARETO_SCALE, scale=PARETO_SCALE),
         {"scale": PARETO_SCALE}),
    Case(LomaxLogLik, lambda r, n: 2.0 * r.pareto(3.0, n), params(U(0.5, 5), U(0.3, 4)),
         lambda shape, scale: stats.lomax(shape, scale=scale)),
    Case(RayleighLogLik, lambda r, n: r.rayleigh(2.0, n), params(U(0.3, 4)),
         lambda scale: stats.rayleigh(scale=scale)),
    Case(ExpWeibullLogLik, lambda r, n: stats.exponweib(2.0, 1.5, scale=2.0).rvs(n, random_state=r),
         params(U(0.5, 3), U(0.5, 4), U(0.3, 4)),
         lambda k, lam, a: stats.exponweib(a, k, scale=lam)),
    Case(BirnbaumSaundersLogLik,
         lambda r, n: stats.fatiguelife(0.5, scale=2.0).rvs(n, random_state=r),
         params(U(0.2, 2), U(0.5, 4)), lambda a, b: stats.fatiguelife(a, scale=b)),
    Case(BurrLogLik, lambda r, n: stats.burr12(3.0, 1.5, scale=2.0).rvs(n, random_state=r),
         params(U(0.5, 3), U(0.5, 4), U(0.5, 3)),
         lambda a, g, s: stats.burr12(g, a, scale=s)),
    Case(NegBinomial2LogLik, lambda r, n: r.negative_binomial(3.0, 3.0 / 7.0, n),
         params(U(0.5, 8), U(0.5, 8)), lambda mu, size: stats.nbinom(size, size / (size + mu))),
]

NEW_CONTINUOUS = [c for c in NEW_CASES if not c.discrete]
NEW_DISCRETE = [c for c in NEW_CASES if c.discrete]
