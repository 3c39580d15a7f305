"""Competing risks: `CompetingRisks([WeibullLogLik, WeibullLogLik])`, the lifetime T = min T_j of
independent causes, each with its own family.

S(t) = Π S_j(t) and h(t) = Σ h_j(t). Parameters are each cause's with its index appended
(`shape1`, `scale1`, `shape2`, ...). Bound to data, a row may name its cause:
`mode=` holds 1..K for a failure from that cause and 0 for a censored row (then censoring comes
from the modes); a failure from cause m contributes log h_m(t) + Σ_j log S_j(t). Without modes
only the times are known (reliability's Fit_Weibull_CR) and a failure contributes
log h(t) + log S(t). The causes are labelled, as a mixture's components are, by a start from
a split of the sorted data (cause 1 on the earliest failures) when no modes are given, and
from each cause's own failures when they are.
"""

import functools

import numpy as np

from ..core.lazy import optimize
from ..core.ops import logaddexp, where
from .interval import as_column
from .loglik import LogLikGenerator
from .mixture import best_split_start


def CompetingRisks(causes):
    """The generator class of independent competing `causes` (two or more lifetime generator
    classes)."""
    causes = tuple(causes)
    if len(causes) < 2:
        raise ValueError(f"CompetingRisks needs two or more causes; got {len(causes)}")
    for c in causes:
        if not (isinstance(c, type) and issubclass(c, LogLikGenerator) and c.param_names):
            raise TypeError(f"CompetingRisks causes must be generator classes such as "
                            f"WeibullLogLik; got {c!r}")
        if c.discrete:
            raise ValueError(f"CompetingRisks causes must be lifetime families; {c.__name__} "
                             "is a count family")
    names = tuple(f"{n}{j + 1}" for j, c in enumerate(causes) for n in c.param_names)
    attrs = dict(name="competing(" + ", ".join(c.name for c in causes) + ")", components=causes,
                 param_names=names, constraints=tuple(s for c in causes for s in c.constraints),
                 support=(min(c.support[0] for c in causes), min(c.support[1] for c in causes)),
                 support_open=(True, False))
    return type("CompetingRisks_" + "_".join(c.__name__ for c in causes),
                (CompetingRisksLogLik,), attrs)


class CompetingRisksLogLik(LogLikGenerator):
    """Base class of the classes `CompetingRisks` makes."""

    components = ()

    def __init__(self, x, censored=None, weights=None, truncation=None, event=None, mode=None):
        self.mode = None
        if mode is not None:
            if censored is not None or event is not None:
                raise TypeError(f"{type(self).__name__}: give mode= (0 = censored) or "
                                "censored=/event=, not both")
            mode = as_column(mode, f"{type(self).__name__} mode")
            k = len(self.components)
            bad = ~np.isin(mode, np.arange(k + 1))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(f"{type(self).__name__}: mode must be 0 (censored) or a cause "
                                 f"1..{k}; row {i} is {mode[i]}")
            censored = mode == 0
        super().__init__(x, censored=censored, weights=weights, truncation=truncation,
                         event=event)
        if mode is not None:
            if mode.size != self.n:
                raise ValueError(f"{type(self).__name__}: mode has length {mode.size} but the "
                                 f"data have {self.n} rows")
            self.mode = mode.astype(int)

    @functools.cached_property
    def _families(self):
        return [c.family() for c in self.components]

    def _parts(self, p):
        parts, i = [], 0
        for c in self.components:
            parts.append(p[i:i + len(c.param_names)])
            i += len(c.param_names)
        return parts

    def _each(self, method, x, p):
        return [getattr(fam, method)(x, *q) for fam, q in zip(self._families, self._parts(p))]

    def _logsf(self, x, *p):
        return functools.reduce(lambda a, b: a + b, self._each("logsf", x, p))

    def _loghazard(self, x, *p):
        return functools.reduce(logaddexp, self._each("log_hazard", x, p))

    def _logpdf(self, x, *p):
        return self._loghazard(x, *p) + self._logsf(x, *p)

    def _term(self, kind, grp, p):
        """An exact row with a known cause m: log h_m(t) + log S(t)."""
        if kind != "exact" or self.mode is None:
            return super()._term(kind, grp, p)
        mode = grp.at(self.mode)
        hazards = self._each("log_hazard", grp.x, p)
        own = hazards[-1]
        for j in range(len(hazards) - 2, -1, -1):
            own = where(mode == j + 1, hazards[j], own)
        return own + self._logsf(grp.x, *p)

    def _start(self):
        if self.mode is None:
            return dict(zip(self.param_names, best_split_start(self, lambda w, s: s)))
        start = {}
        for j, (comp, fam) in enumerate(zip(self.components, self._families)):
            gen = comp(self._lower, censored=self.mode != j + 1, weights=self._weights)
            start.update({f"{n}{j + 1}": v for n, v in gen.start().items()})
        return start

    def reweighted(self, w):
        """The same rows, causes and truncation with frequency weights `w`."""
        if self.mode is None:
            return super().reweighted(w)
        return type(self)(self._lower, mode=self.mode, weights=w, truncation=self.truncation)

    def simulate(self, params, rng=None):
        """Same design on data drawn at `params`; with causes known, each row's cause is the
        one whose time came first, and a censored row's time censors it (mode 0)."""
        if self.mode is None:
            return super().simulate(params, rng)
        if self.truncation is not None:
            raise ValueError(f"{type(self).__name__}.simulate: rows with causes under "
                             "truncation are not supported")
        if isinstance(params, dict):
            params = [params[k] for k in self.param_names]
        vals = self._param_floats(params)
        gen = np.random.default_rng(rng)
        times = np.column_stack([fam.rvs(*q, size=self.n, random_state=gen)
                                 for fam, q in zip(self._families, self._parts(vals))])
        t, cause = times.min(axis=1), times.argmin(axis=1) + 1
        censored = (self.mode == 0) & (t > self._lower)
        return type(self)(np.where(censored, self._lower, t), mode=np.where(censored, 0, cause),
                          weights=self._weights)

    def _scipy(self, *p):
        return _Minimum([fam._scipy(*q) for fam, q in zip(self._families, self._parts(p))])


class _Minimum:
    """The distribution of the minimum of independent scipy distributions (cdf, sf, ppf, isf,
    rvs)."""

    def __init__(self, dists):
        self.dists = dists

    def sf(self, x):
        return np.prod([d.sf(x) for d in self.dists], axis=0)

    def cdf(self, x):
        return 1.0 - self.sf(x)

    def isf(self, q):
        q = np.asarray(q, dtype=float)
        out = np.empty(q.shape)
        for i, v in np.ndenumerate(q):
            if v <= 0 or v >= 1:
                out[i] = min(float(d.isf(v)) for d in self.dists)
                continue
            ends = [float(d.isf(v)) for d in self.dists]  # S ≤ each S_j: below each own quantile
            hi = min(ends)
            lo = min(float(d.isf(v ** (1.0 / len(self.dists)))) for d in self.dists)
            out[i] = hi if lo >= hi else optimize.brentq(lambda t: self.sf(t) - v, lo, hi,
                                                         xtol=1e-13 * max(1.0, abs(hi)))
        return out if q.ndim else float(out)

    def ppf(self, q):
        return self.isf(1.0 - np.asarray(q, dtype=float))

    def rvs(self, size=None, random_state=None):
        rng = np.random.default_rng(random_state)
        return np.min([d.rvs(size=size, random_state=rng) for d in self.dists], axis=0)
