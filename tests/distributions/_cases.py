"""One row per family: how to draw data and parameters, and the scipy reference written
independently of the generators (R's parameterizations mapped to scipy's)."""

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from femtograd.distributions import (BernoulliLogLik, BetaLogLik, BinomialLogLik, CauchyLogLik,
                                     ExpLogLik, GammaLogLik, GeometricLogLik, GumbelLogLik,
                                     InverseGaussianLogLik, LogisticLogLik, LogLogisticLogLik,
                                     LogNormalLogLik, NegBinomialLogLik, NormalLogLik,
                                     PoissonLogLik, StudentTLogLik, WeibullLogLik)


@dataclass
class Case:
    cls: type
    draw: callable            # rng, n -> data
    params: callable          # rng -> tuple of parameter values
    ref: callable             # *params -> frozen scipy distribution
    options: dict = field(default_factory=dict)

    @property
    def id(self):
        return self.cls.name

    @property
    def discrete(self):
        return self.cls.discrete

    def make(self, x, **kw):
        return self.cls(x, **kw, **self.options)


def U(lo, hi):
    return lambda rng: rng.uniform(lo, hi)


def params(*samplers):
    return lambda rng: tuple(float(s(rng)) for s in samplers)


CASES = [
    Case(ExpLogLik, lambda r, n: r.exponential(2.0, n), params(U(0.2, 3)),
         lambda rate: stats.expon(scale=1 / rate)),
    Case(NormalLogLik, lambda r, n: r.normal(1, 2, n), params(U(-2, 3), U(0.5, 4)),
         lambda mu, sigma: stats.norm(mu, sigma)),
    Case(WeibullLogLik, lambda r, n: 2 * r.weibull(1.5, n), params(U(0.5, 3), U(0.5, 4)),
         lambda k, lam: stats.weibull_min(k, scale=lam)),
    Case(GammaLogLik, lambda r, n: r.gamma(2.0, 1 / 1.5, n), params(U(0.5, 4), U(0.3, 3)),
         lambda k, rate: stats.gamma(k, scale=1 / rate)),
    Case(LogNormalLogLik, lambda r, n: r.lognormal(0.3, 0.8, n), params(U(-1, 1), U(0.3, 2)),
         lambda m, s: stats.lognorm(s, scale=np.exp(m))),
    Case(PoissonLogLik, lambda r, n: r.poisson(3.5, n), params(U(0.5, 8)),
         lambda rate: stats.poisson(rate)),
    Case(BernoulliLogLik, lambda r, n: r.binomial(1, 0.3, n), params(U(0.05, 0.95)),
         lambda p: stats.bernoulli(p)),
    Case(BinomialLogLik, lambda r, n: r.binomial(10, 0.35, n), params(U(0.05, 0.95)),
         lambda p: stats.binom(10, p), {"size": 10}),
    Case(GeometricLogLik, lambda r, n: r.geometric(0.3, n) - 1, params(U(0.05, 0.95)),
         lambda p: stats.geom(p, loc=-1)),
    Case(NegBinomialLogLik, lambda r, n: r.negative_binomial(3, 0.4, n),
         params(U(0.5, 8), U(0.1, 0.9)), lambda size, p: stats.nbinom(size, p)),
    Case(BetaLogLik, lambda r, n: r.beta(2, 5, n), params(U(0.5, 5), U(0.5, 5)),
         lambda a, b: stats.beta(a, b)),
    Case(LogisticLogLik, lambda r, n: r.logistic(1, 2, n), params(U(-2, 3), U(0.5, 4)),
         lambda m, s: stats.logistic(m, s)),
    Case(LogLogisticLogLik, lambda r, n: np.exp(r.logistic(0.5, 0.4, n)),
         params(U(0.8, 5), U(0.5, 3)), lambda k, a: stats.fisk(k, scale=a)),
    Case(GumbelLogLik, lambda r, n: r.gumbel(1, 2, n), params(U(-1, 3), U(0.5, 4)),
         lambda m, s: stats.gumbel_r(m, s)),
    Case(CauchyLogLik, lambda r, n: 1 + 2 * r.standard_cauchy(n), params(U(-2, 3), U(0.5, 4)),
         lambda m, s: stats.cauchy(m, s)),
    Case(StudentTLogLik, lambda r, n: 1 + 2 * r.standard_t(4, n),
         params(U(-2, 3), U(0.5, 4), U(1, 20)), lambda m, s, df: stats.t(df, m, s)),
    Case(InverseGaussianLogLik, lambda r, n: r.wald(2, 5, n), params(U(0.5, 4), U(0.5, 10)),
         lambda mu, lam: stats.invgauss(mu / lam, scale=lam)),
]

CONTINUOUS = [c for c in CASES if not c.discrete]
DISCRETE = [c for c in CASES if c.discrete]


def ids(cases):
    return [c.id for c in cases]


def interval_around(case, x, rng):
    """Finite intervals [l, u] inside the support around each x."""
    lo, hi = case.cls.support
    if np.isfinite(lo) and np.isfinite(hi):
        return (x - (x - lo) * rng.uniform(0.1, 0.5, x.size),
                x + (hi - x) * rng.uniform(0.1, 0.5, x.size))
    if np.isfinite(lo):
        return x * rng.uniform(0.5, 0.9, x.size), x * rng.uniform(1.1, 2.0, x.size)
    return x - rng.uniform(0.1, 2, x.size), x + rng.uniform(0.1, 2, x.size)
