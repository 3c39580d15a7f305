"""Finite mixtures: `Mixture([WeibullLogLik, WeibullLogLik])`, a generator class whose density is
Σ w_j f_j(x) over K component families.

Parameters: the K − 1 stick-breaking shares `share1`, ... (`spaces.simplex_weights`: weight 1
is share1, weight 2 is (1 − share1)·share2, ..., each share in (0, 1)), then each component's
parameters with its index appended (`shape1`, `scale1`, `shape2`, ...), except that the
ordering parameter of components 2, ..., K is spelled as its increment over the previous
component (`dscale2` = scale2 − scale1, positive). `mixture_weights(params)` gives the weights
on the simplex and `components(params)` the table of components, each with its weight and its
own parameters (`weights` are the rows' frequency weights, as for every generator).

Label switching: when the components are one family, relabelling them leaves the likelihood
unchanged, so the components are ordered by one parameter (`order_by`: by default the first of
ORDER_BY the family has — the scale of a Weibull, the mu of a normal, the rate of a Poisson):
θ₁ < θ₂ < ... < θ_K, the `ordered` space of spaces.py, so the likelihood has one labelled
maximum. Components of different families are told apart by their families and are not
ordered unless `order_by` says so.

Start: the sorted data are split into K consecutive groups, each fitted by its family's own
start; several splits are tried and the one with the highest log-likelihood is the start (a
poor first split does not decide the answer).

Every row kind works as for any family: S = Σ w_j S_j, F = Σ w_j F_j, P(a < X ≤ b) =
Σ w_j P_j(a < X ≤ b), so censoring, truncation and weights come for free.
"""

import functools

import numpy as np
import pandas as pd

from ..core.lazy import optimize
from ..core.ops import log, log1p, logaddexp
from .loglik import LogLikGenerator
from .spaces import ordered, simplex_shares, simplex_weights, space_for

SPLITS = (0.5, 0.3, 0.7, 0.15, 0.85)  # component 1's share of a split; the rest share evenly
ORDER_BY = ("scale", "mu", "location", "meanlog", "mean", "rate")  # the default order, in turn


def Mixture(components, order_by=None):
    """The generator class of the mixture of `components` (two or more generator classes, such
    as [WeibullLogLik, WeibullLogLik]); bind data as with any generator, or fit it with
    `fg.fit_mle(Mixture([...]), x, censored=...)`. `order_by` names the parameter whose
    values increase with the component's number (default: see ORDER_BY, for components of
    one family; False: no order)."""
    comps = tuple(components)
    if len(comps) < 2:
        raise ValueError(f"Mixture needs two or more component families; got {len(comps)}")
    for c in comps:
        if not (isinstance(c, type) and issubclass(c, LogLikGenerator) and c.param_names):
            raise TypeError(f"Mixture components must be generator classes such as "
                            f"WeibullLogLik; got {c!r}")
    if len({c.discrete for c in comps}) > 1:
        raise ValueError("Mixture components must be all continuous or all counts")
    k = len(comps)
    order = _order_by(comps, order_by)
    space = ordered(k, comps[0].constraints[comps[0].param_names.index(order)]) if order else None
    names = tuple(f"share{j + 1}" for j in range(k - 1)) + tuple(
        f"d{n}{j + 1}" if n == order and j else f"{n}{j + 1}"
        for j, c in enumerate(comps) for n in c.param_names)
    cons = ("unit",) * (k - 1) + tuple(
        space.constraints[j] if n == order else s
        for j, c in enumerate(comps) for n, s in zip(c.param_names, c.constraints))
    lo = min(c.support[0] for c in comps)
    hi = max(c.support[1] for c in comps)
    attrs = dict(name="mixture(" + ", ".join(c.name for c in comps) + ")", components=comps,
                 param_names=names, constraints=cons, support=(lo, hi),
                 support_open=(all(c.support_open[0] for c in comps if c.support[0] == lo),
                               all(c.support_open[1] for c in comps if c.support[1] == hi)),
                 discrete=comps[0].discrete, order_by=order, ordering=space)
    return type("Mixture_" + "_".join(c.__name__ for c in comps), (MixtureLogLik,), attrs)


def _order_by(comps, order_by):
    """The name of the ordering parameter (None for no order), checked: every component has
    it, in a space unbounded above."""
    if order_by is False:
        return None
    if order_by is None:
        if len(set(comps)) > 1:
            return None
        names = comps[0].param_names
        order_by = next((n for n in ORDER_BY if n in names), None)
        if order_by is None or space_for(
                comps[0].constraints[names.index(order_by)]).upper != np.inf:
            return None
    spaces = set()
    for c in comps:
        if order_by not in c.param_names:
            raise ValueError(f"order_by={order_by!r} is not a parameter of {c.__name__} "
                             f"(its parameters are {list(c.param_names)})")
        spaces.add(repr(ordered(2, c.constraints[c.param_names.index(order_by)])))
    if len(spaces) > 1:
        raise ValueError(f"order_by={order_by!r} lies in different spaces in the components "
                         f"({sorted(spaces)}); they cannot share one order")
    return order_by


class MixtureLogLik(LogLikGenerator):
    """Base class of the classes `Mixture` makes: the formulae from the components' public
    methods, the start from several data-based splits."""

    components = ()
    order_by = None   # the parameter the components are ordered by (None: not ordered)
    ordering = None   # its `spaces.Ordered`

    @functools.cached_property
    def _families(self):
        return [c.family() for c in self.components]

    def _parts(self, p):
        """Each component's parameters, from the flat parameter list (after the shares): the
        ordering parameter's increments summed into its values."""
        parts, i = [], len(self.components) - 1
        for c in self.components:
            parts.append(list(p[i:i + len(c.param_names)]))
            i += len(c.param_names)
        if self.order_by is not None:
            values = self.ordering.values([q[a] for q, a in zip(parts, self._at)])
            for q, a, v in zip(parts, self._at, values):
                q[a] = v
        return parts

    @functools.cached_property
    def _at(self):
        """Where the ordering parameter sits in each component's parameters."""
        return [c.param_names.index(self.order_by) for c in self.components]

    def _exchangeable(self):
        """Are the components one family (so that sorting them only relabels)?"""
        return len(set(self.components)) == 1

    def parameters(self, weights, components):
        """The parameter list (in `param_names` order) of the mixture with `weights` (K
        positive numbers, normalized) and `components` (K mappings of each component's
        parameters), in any order when they are one family: ordered components are sorted by
        `order_by` first, so every labelling of one mixture gives the same parameters."""
        pairs = list(zip(weights, components))
        if len(pairs) != len(self.components) or len(weights) != len(components):
            raise ValueError(f"{type(self).__name__}.parameters needs {len(self.components)} "
                             "weights and as many components")
        if self.order_by is not None and self._exchangeable():
            pairs.sort(key=lambda wc: float(wc[1][self.order_by]))
        flat = [[float(comp[n]) for n in c.param_names]
                for c, (_, comp) in zip(self.components, pairs)]
        if self.order_by is not None:
            steps = self.ordering.coordinates([q[a] for q, a in zip(flat, self._at)])
            for q, a, v in zip(flat, self._at, steps):
                q[a] = v
        return simplex_shares([w for w, _ in pairs]) + [v for q in flat for v in q]

    def components_table(self, params):
        """The components at `params` (a sequence in `param_names` order, or a mapping such as
        `fit.params`), one row each in their order: the weight, then the component's own
        parameters (the ordering one as a value, not an increment)."""
        if hasattr(params, "keys"):
            params = [params[n] for n in self.param_names]
        params = [float(v) for v in params]
        rows = [dict(weight=w, **dict(zip(c.param_names, q))) for w, c, q in zip(
            self.mixture_weights(params), self.components, self._parts(params))]
        return pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="component"))

    def _log_weights(self, shares):
        """log w_j = log s_j + Σ_{i<j} log(1 − s_i), and log w_K = Σ log(1 − s_i)."""
        logw, tail = [], 0.0
        for s in shares:
            logw.append(tail + log(s))
            tail = tail + log1p(-s)
        return logw + [tail]

    def _combine(self, method, p, *points):
        logw = self._log_weights(p[:len(self.components) - 1])
        terms = [lw + getattr(fam, method)(*points, *q)
                 for lw, fam, q in zip(logw, self._families, self._parts(p))]
        return functools.reduce(logaddexp, terms)

    def _logpdf(self, x, *p):
        return self._combine("logpdf", p, x)

    def _logcdf(self, x, *p):
        return self._combine("logcdf", p, x)

    def _logsf(self, x, *p):
        return self._combine("logsf", p, x)

    def _log_interval(self, lo, hi, *p):
        return self._combine("log_mass", p, lo, hi)

    def mixture_weights(self, params):
        """The K mixture weights (on the simplex) at `params` (a sequence in `param_names`
        order, or a mapping such as `fit.params`)."""
        if hasattr(params, "keys"):
            params = [params[n] for n in self.param_names]
        return simplex_weights([float(s) for s in params[:len(self.components) - 1]])

    def _start(self):
        def params(weights, starts):
            comps, i = [], 0
            for c in self.components:
                comps.append(dict(zip(c.param_names, starts[i:i + len(c.param_names)])))
                i += len(c.param_names)
            if self.order_by is not None:
                values = self.ordering.clamp_start([q[self.order_by] for q in comps])
                if self._exchangeable():
                    order = np.argsort([q[self.order_by] for q in comps], kind="stable")
                    comps, weights = [comps[j] for j in order], [weights[j] for j in order]
                for q, v in zip(comps, values):
                    q[self.order_by] = v
            return self.parameters(weights, comps)
        return dict(zip(self.param_names, best_split_start(self, params)))

    def _scipy(self, *p):
        return _MixtureDistribution(self.mixture_weights(p), [
            fam._scipy(*q) for fam, q in zip(self._families, self._parts(p))])


def best_split_start(gen, params):
    """The start of a model made of `gen.components` from several splits of its sorted rows
    into K consecutive groups (component 1 on the smallest values): for each split, each
    group's family start and share of the weight, made into a parameter list by
    params(weights, starts); the list with the highest log-likelihood wins."""
    x, w = gen._start_values()
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cum = np.cumsum(w) / w.sum()
    best, best_ll = None, -np.inf
    k = len(gen.components)
    for first in SPLITS:
        cuts = [first + (1.0 - first) * j / (k - 1) for j in range(k - 1)]
        found = split_starts(gen.components, x, w, cum, cuts)
        if found is None:
            continue
        start = params(*found)
        with np.errstate(all="ignore"):
            ll = float(gen(*start).data)
        if np.isfinite(ll) and ll > best_ll:
            best, best_ll = start, ll
    if best is None:
        raise ValueError(f"{type(gen).__name__}: no split of the data gives every component "
                         "two distinct values to start from; give start=")
    return best


def split_starts(components, x, w, cum, cuts):
    """(weights, parameters) from one split of sorted `x` at the cumulative-weight `cuts`: each
    group's weight and its family's start (None when a group has fewer than two distinct
    values or its start fails)."""
    groups = np.split(np.arange(x.size), np.searchsorted(cum, cuts))
    weights, params = [], []
    for comp, idx in zip(components, groups):
        if np.unique(x[idx]).size < 2:
            return None
        try:
            with np.errstate(all="ignore"):
                start = comp(x[idx], weights=w[idx]).start()
        except ValueError:
            return None
        weights.append(w[idx].sum())
        params.extend(start[n] for n in comp.param_names)
    return weights, params


class _MixtureDistribution:
    """What the rest of femtograd asks of a scipy distribution (cdf, sf, ppf, isf, rvs), for a
    mixture of frozen scipy distributions with weights `w`."""

    def __init__(self, w, dists):
        self.w, self.dists = np.asarray(w, dtype=float), dists

    def cdf(self, x):
        return sum(wj * d.cdf(x) for wj, d in zip(self.w, self.dists))

    def sf(self, x):
        return sum(wj * d.sf(x) for wj, d in zip(self.w, self.dists))

    def ppf(self, q):
        return self._invert(np.asarray(q, dtype=float), self.cdf, lambda d, v: d.ppf(v))

    def isf(self, q):
        return self._invert(np.asarray(q, dtype=float), lambda x: -self.sf(x),
                            lambda d, v: d.isf(v), negate=True)

    def _invert(self, q, fn, comp, negate=False):
        """Solve fn(x) = ±q by Brent's method between the components' own quantiles (the
        mixture's lies between the smallest and the largest of them)."""
        out = np.empty(q.shape)
        for i, v in np.ndenumerate(q):
            ends = [float(comp(d, v)) for d in self.dists]
            a, b = min(ends), max(ends)
            target = -v if negate else v
            if not (np.isfinite(a) and np.isfinite(b)) or a == b:
                out[i] = a if a == b else (a if np.isfinite(a) else b)
                continue
            out[i] = optimize.brentq(lambda t: fn(t) - target, a, b, xtol=1e-13 * max(1, abs(b)))
        return out if q.ndim else float(out)

    def rvs(self, size=None, random_state=None):
        rng = np.random.default_rng(random_state)
        n = int(np.prod(size)) if size is not None else 1
        label = rng.choice(len(self.w), size=n, p=self.w / self.w.sum())
        draws = np.column_stack([d.rvs(size=n, random_state=rng) for d in self.dists])
        out = draws[np.arange(n), label]
        return out.reshape(size) if size is not None else float(out[0])
