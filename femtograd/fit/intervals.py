"""Confidence intervals: Wald (on each parameter's own scale by default) and profile likelihood.

A profile interval holds one parameter at a value, re-optimizes the others
(Newton on the fit's own graph, warm-started from the nearest point profiled
before), and finds by root-finding where 2·(loglik_max − profile) crosses the
chi-square(1) quantile. With one free
parameter the profile is the log-likelihood itself: the exact LR interval.
"""

import bisect
import math
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..optim import Tolerances, newton
from ..optim.transforms import transform_for
from .common import check_level, names_index, user_stacklevel

METHODS = ("wald", "profile")
SCALES = (None, "natural", "log")
# the scale on which a parameter's Wald interval is symmetric by default: the one on which
# the parameter is free (so the interval stays inside its space)
OWN_SCALE = {"positive": "log", "unit": "logit", "real": "natural"}


def check_interval(method, scale):
    """An interval method ("wald", "profile") and Wald scale (None, "natural", "log")."""
    if method not in METHODS:
        raise ValueError(f"unknown interval method {method!r}; use one of {list(METHODS)}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use None (each parameter's own: log for "
                         "positive, logit for unit, natural for real), 'natural' or 'log'")


def wald_scales(fit, scale=None):
    """Each parameter's Wald scale (a dict, in parameter order): its own by default (log for a
    positive parameter, logit for a probability, natural for a real one); scale="natural" puts
    every one on the natural scale, scale="log" the positive ones on the log scale."""
    check_interval("wald", scale)
    out = {}
    for name, kind in zip(fit.param_names, fit.constraints):
        own = OWN_SCALE.get(kind, "natural")
        out[name] = own if scale is None else ("log" if scale == "log" and own == "log"
                                               else "natural")
    return out


def confint(fit, level=0.95, method="wald", scale=None):
    """Intervals of every parameter (see `MLEFit.confint`); `.attrs["scale"]` names each
    Wald interval's scale ("profile" for a profile interval, which has none)."""
    level = check_level(level)
    check_interval(method, scale)
    scales = wald_scales(fit, scale)
    rows = []
    for i, name in enumerate(fit.param_names):
        if i not in fit._free:
            rows.append((fit.mle[i], fit.mle[i]))
        elif method == "wald":
            rows.append(wald_interval(fit.mle[i], fit.se.iloc[i], level, scales[name]))
        else:
            rows.append(fit._profiler(i).interval(level))
    out = pd.DataFrame(rows, index=names_index(fit.param_names), columns=["lower", "upper"])
    out.attrs["scale"] = scales if method == "wald" else dict.fromkeys(scales, "profile")
    return out


def wald_interval(estimate, se, level=0.95, scale="natural"):
    """estimate ± z·se on `scale`, mapped back: natural (estimate ± z·se), log
    (estimate·exp(±z·se/estimate), inside (0, inf)) or logit (expit(logit p ± z·se/(p(1−p))),
    inside (0, 1)); the scale's derivative turns the SE into that scale's by the delta method."""
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if scale == "log":
            half = z * se / estimate
            return float(estimate * np.exp(-half)), float(estimate * np.exp(half))
        if scale == "logit":
            centre, half = special.logit(estimate), z * se / (estimate * (1.0 - estimate))
            return float(special.expit(centre - half)), float(special.expit(centre + half))
    return estimate - z * se, estimate + z * se


class Profiler:
    """The profile log-likelihood of parameter `index` of a fit, on the fit's own graph.

    Each profile point is warm-started: the other parameters start from their
    estimates at the nearest value profiled so far (for a grid walked outward from
    the MLE, the previous point; the MLE itself before any), not from the MLE every
    time. A fit keeps one profiler per parameter (`MLEFit._profiler`), so the
    points of `profile_loglik`, profile intervals and `plot_profile` all warm-start
    one another. A warm start that does not converge is retried from the MLE.
    """

    def __init__(self, fit, index):
        self.fit = fit
        self.index = index
        self.others = [j for j in fit._free if j != index]
        self.objective = fit._objective.with_free(self.others, transform=True)
        self.transform = transform_for(fit.constraints[index])
        self._values = []  # natural values profiled so far (converged ones), sorted
        self._starts = []  # the others' natural estimates at each of them
        self.tol = Tolerances(max_iter=100)

    def loglik(self, value):
        """max over the other free parameters of the log-likelihood with this one at `value`."""
        fit, i = self.fit, self.index
        value = float(value)
        if not self.transform.contains(value):
            return -math.inf
        natural = fit.mle.copy()
        natural[i] = value
        if not self.others:
            return self.objective.evaluate(natural, order=0)[0]
        cold = fit.mle[self.others]
        warm = self.warm_start(value)
        res = self._maximize(natural, cold if warm is None else warm)
        if warm is not None and not res.converged:
            again = self._maximize(natural, cold)
            if again.converged or again.loglik > res.loglik:
                res = again
        if not math.isfinite(res.loglik):
            return -math.inf
        at = self.objective.natural(res.x) if res.converged else None
        if at is not None:
            self._remember(value, np.asarray(at)[self.others])
        return res.loglik

    def warm_start(self, value):
        """The others' estimates at the profiled value nearest `value` (None before any)."""
        k = bisect.bisect_left(self._values, value)
        near = [j for j in (k - 1, k) if 0 <= j < len(self._values)]
        if not near:
            return None
        j = min(near, key=lambda j: abs(self._values[j] - value))
        return self._starts[j]

    def _maximize(self, natural, start):
        natural = natural.copy()
        natural[self.others] = start
        self.objective.set_natural(natural)
        return newton(self.objective, self.objective.unconstrained(), self.tol)

    def _remember(self, value, others):
        k = bisect.bisect_left(self._values, value)
        if k < len(self._values) and self._values[k] == value:
            self._starts[k] = others
        else:
            self._values.insert(k, value)
            self._starts.insert(k, others)

    def interval(self, level=0.95):
        return self.bound(level, -1), self.bound(level, +1)

    def bound(self, level, direction):
        """Where the LR statistic reaches the chi-square(1) quantile below (−1) or above (+1)."""
        fit, i, t = self.fit, self.index, self.transform
        cut = stats.chi2.ppf(level, 1)
        ll_max = fit.loglik
        u0 = t.to_unconstrained(fit.mle[i])
        _, dp, _ = t.derivatives(u0)
        se = float(fit.se.iloc[i]) / dp if dp else math.nan
        step = se if math.isfinite(se) and se > 0 else 0.1 * (1 + abs(u0))

        def excess(u):
            p = t.to_natural(u)
            if not t.contains(p):
                return math.inf
            return 2.0 * (ll_max - self.loglik(p)) - cut

        inner, k = u0, 1.0
        while k < 2.0 ** 12:
            u = u0 + direction * k * step
            e = excess(u)
            if e > 0 or math.isnan(e):
                if not math.isfinite(e):  # left the finite region: shrink toward the inside
                    u = self._finite_edge(excess, inner, u)
                    if u is None or not excess(u) > 0:
                        break
                return self._root(excess, inner, u, level, direction)
            inner, k = u, k * 2.0
        side = "lower" if direction < 0 else "upper"
        edge = t.lower if direction < 0 else t.upper
        warnings.warn(f"profile likelihood of {fit.param_names[i]!r} does not fall to the "
                      f"{level:.0%} cut-off on the {side} side: the interval is open there "
                      f"(bound set to {edge})", UserWarning,
                      stacklevel=user_stacklevel())
        return edge

    def _root(self, excess, inner, outer, level, direction):
        """The cut-off crossing between `inner` (below it) and `outer` (above), on the natural
        scale. The profile at a point is re-optimized each time it is asked for; when it
        comes out otherwise than it did (the bracket no longer brackets), the bound is NaN
        with a warning naming the parameter, not root-finding's own error."""
        lo, hi = min(inner, outer), max(inner, outer)
        a, b = excess(lo), excess(hi)
        if not (a * b <= 0):  # NaN, or both on one side
            side = "lower" if direction < 0 else "upper"
            warnings.warn(f"profile likelihood of {self.fit.param_names[self.index]!r} does not "
                          f"cross the {level:.0%} cut-off consistently on the {side} side "
                          f"(re-optimizing the other parameters gave excess {a:.3g} and "
                          f"{b:.3g} at the ends of the bracket): the {side} bound is NaN",
                          UserWarning, stacklevel=user_stacklevel())
            return math.nan
        known = {lo: a, hi: b}  # root-finding starts from these values, not fresh ones
        root = optimize.brentq(lambda u: known[u] if u in known else excess(u), lo, hi,
                               xtol=1e-12, rtol=1e-12)
        return self.transform.to_natural(root)

    @staticmethod
    def _finite_edge(excess, inner, outer):
        """Bisect between a finite inner point and a non-finite outer one for a finite point."""
        for _ in range(60):
            mid = 0.5 * (inner + outer)
            e = excess(mid)
            if math.isfinite(e):
                if e > 0:
                    return mid
                inner = mid
            else:
                outer = mid
        return None
