"""Families made from one family: `Cure(family)`, `ZeroInflated(family)`, `Hurdle(family)`.

Each call returns a generator class whose first parameter is a probability (`unit`) and whose
other parameters are the family's, in its order. The formulae use the family's public methods,
so censoring, truncation, weights, predictions and simulation come for free.

- `Cure(WeibullLogLik)`: a fraction `cured` never fails (a mixture cure model, flexsurvcure's
  theta): S(t) = π + (1 − π) S₀(t), f = (1 − π) f₀. Draws of a cured unit are +inf.
- `ZeroInflated(PoissonLogLik)`: a structural zero with probability `pstr0` (VGAM's name),
  else a draw from the family: P(0) = π + (1 − π) p₀(0), P(k) = (1 − π) p₀(k).
- `Hurdle(PoissonLogLik)`: zero with probability `pobs0` (VGAM's), else a draw from the family
  truncated to k ≥ 1: P(k) = (1 − π) p₀(k) / S₀(0).
"""

import functools

import numpy as np

from ..core.ops import log, log1p, logaddexp, where
from .interval import IntervalData
from .loglik import LogLikGenerator


def _check_generator(kind, family):
    if not (isinstance(family, type) and issubclass(family, LogLikGenerator)
            and family.param_names):
        raise TypeError(f"{kind} needs a generator class such as WeibullLogLik; got {family!r}")


def _wrapper(kind, base, family, first):
    attrs = dict(name=f"{kind.lower()}({family.name})", family_class=family,
                 param_names=(first,) + tuple(family.param_names),
                 constraints=("unit",) + tuple(family.constraints), support=family.support,
                 support_open=family.support_open, discrete=family.discrete)
    return type(f"{kind}_{family.__name__}", (base,), attrs)


class _Wrapped(LogLikGenerator):
    """Base class: one family (`family_class`) and a probability in front of its parameters."""

    family_class = None

    @functools.cached_property
    def _base(self):
        return self.family_class.family()

    def _start(self):
        """The family's own start on the same rows, and a probability from `_start_share`."""
        gen = self.family_class(self._data(), weights=self._weights)
        return {self.param_names[0]: self._start_share(), **gen.start()}

    def _data(self):
        """The rows as the family's constructor takes them (plain values when all exact)."""
        if np.array_equal(self._lower, self._upper):
            return self._lower
        return IntervalData(self._lower, self._upper)


def Cure(family):
    """The mixture cure model of `family` (a lifetime generator class): parameters `cured`, then
    the family's. Simulation needs a censoring time on every row (follow-up), since a cured
    unit is never seen to fail."""
    _check_generator("Cure", family)
    if family.discrete:
        raise ValueError("Cure needs a lifetime (continuous) family")
    return _wrapper("Cure", CureLogLik, family, "cured")


class CureLogLik(_Wrapped):
    """A fraction π never fails: S = π + (1 − π) S₀, f = (1 − π) f₀, F = (1 − π) F₀."""

    def _logpdf(self, x, cured, *p):
        return log1p(-cured) + self._base.logpdf(x, *p)

    def _logcdf(self, x, cured, *p):
        return log1p(-cured) + self._base.logcdf(x, *p)

    def _logsf(self, x, cured, *p):
        return logaddexp(log(cured), log1p(-cured) + self._base.logsf(x, *p))

    def _log_interval(self, lo, hi, cured, *p):
        return log1p(-cured) + self._base.log_mass(lo, hi, *p)

    def _start_share(self):
        """The weight of the right-censored rows beyond the last event (Kaplan–Meier's plateau,
        roughly), kept inside (0.05, 0.95)."""
        right = np.isinf(self._upper) & (self._lower != self._upper)
        events = ~right
        last = self._upper[events].max() if events.any() else -np.inf
        w = self.weights
        share = w[right & (self._lower >= last)].sum() / w.sum()
        return float(min(max(share, 0.05), 0.95))

    def _scipy(self, cured, *p):
        return _Cured(cured, self._base._scipy(*p))


def ZeroInflated(family):
    """The zero-inflated `family` (a count generator class): parameters `pstr0`, then the
    family's."""
    _counts_from_zero("ZeroInflated", family)
    return _wrapper("ZeroInflated", ZeroInflatedLogLik, family, "pstr0")


def Hurdle(family):
    """The hurdle model of `family` (a count generator class): parameters `pobs0`, then the
    family's."""
    _counts_from_zero("Hurdle", family)
    return _wrapper("Hurdle", HurdleLogLik, family, "pobs0")


def _counts_from_zero(kind, family):
    _check_generator(kind, family)
    if not (getattr(family, "discrete", False) and family.support[0] == 0):
        raise ValueError(f"{kind} needs a count family whose support starts at 0 (such as "
                         f"PoissonLogLik); got {getattr(family, '__name__', family)!r}")


class ZeroInflatedLogLik(_Wrapped):
    """P(0) = π + (1 − π) p₀(0), P(k) = (1 − π) p₀(k); F = π + (1 − π) F₀, S = (1 − π) S₀."""

    def _logpdf(self, x, pstr0, *p):
        counted = log1p(-pstr0) + self._base.logpdf(x, *p)
        return where(np.asarray(x) == 0, logaddexp(log(pstr0), counted), counted)

    def _logcdf(self, x, pstr0, *p):
        return logaddexp(log(pstr0), log1p(-pstr0) + self._base.logcdf(x, *p))

    def _logsf(self, x, pstr0, *p):
        return log1p(-pstr0) + self._base.logsf(x, *p)

    def _start_share(self):
        return _zero_share(self) / 2  # half the zeros: the rest may be the family's own

    def _scipy(self, pstr0, *p):
        dist = self._base._scipy(*p)
        return _Counts(lambda q: np.where(q <= pstr0, 0.0, dist.ppf(
            np.clip((q - pstr0) / (1 - pstr0), 0, 1))))


class HurdleLogLik(_Wrapped):
    """P(0) = π, P(k) = (1 − π) p₀(k) / S₀(0) for k ≥ 1; S(k) = (1 − π) S₀(k) / S₀(0)."""

    def _logpdf(self, x, pobs0, *p):
        positive = log1p(-pobs0) + self._base.logpdf(x, *p) - self._base.logsf(0.0, *p)
        return where(np.asarray(x) == 0, log(pobs0), positive)

    def _logsf(self, x, pobs0, *p):
        return log1p(-pobs0) + self._base.logsf(x, *p) - self._base.logsf(0.0, *p)

    def _start_share(self):
        return min(max(_zero_share(self), 0.01), 0.99)

    def _scipy(self, pobs0, *p):
        dist = self._base._scipy(*p)
        s0 = float(dist.sf(0))
        return _Counts(lambda q: np.where(q <= pobs0, 0.0, np.maximum(dist.ppf(
            np.clip(1 - (1 - q) * s0 / (1 - pobs0), 0, 1)), 1.0)))


def _zero_share(gen):
    """The share of the total weight on exact zeros, kept inside (0.01, 0.99)."""
    zero = (gen._lower == 0) & (gen._upper == 0)
    share = gen.weights[zero].sum() / gen.weights.sum()
    return float(min(max(share, 0.01), 0.99))


class _Cured:
    """A lifetime distribution with a point mass π at +inf (cured units never fail)."""

    def __init__(self, cured, dist):
        self.cured, self.dist = cured, dist

    def cdf(self, x):
        return (1 - self.cured) * self.dist.cdf(x)

    def sf(self, x):
        return self.cured + (1 - self.cured) * self.dist.sf(x)

    def ppf(self, q):
        q = np.asarray(q, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(q < 1 - self.cured, self.dist.ppf(q / (1 - self.cured)), np.inf)

    def isf(self, q):
        return self.ppf(1 - np.asarray(q, dtype=float))

    def rvs(self, size=None, random_state=None):
        rng = np.random.default_rng(random_state)
        return self.ppf(rng.uniform(size=size))


class _Counts:
    """A count distribution given by its quantile function (draws by inversion)."""

    def __init__(self, ppf):
        self.ppf = ppf

    def isf(self, q):
        return self.ppf(1 - np.asarray(q, dtype=float))

    def rvs(self, size=None, random_state=None):
        rng = np.random.default_rng(random_state)
        return self.ppf(rng.uniform(size=size))
