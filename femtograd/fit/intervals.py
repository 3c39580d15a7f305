"""Confidence intervals: Wald (on each parameter's own scale by default) and profile likelihood.

A profile interval holds one parameter at a value, re-optimizes the others
(Newton on the fit's own graph, warm-started from the cubic through the nearest
points profiled before, and not run where that start is already their maximum),
and finds where 2·(loglik_max − profile) crosses the chi-square(1)
quantile by Halley steps from the Wald bound: the profile's slope and curvature
come with each point (the envelope theorem and the Schur complement of the
Hessian at the others' maximum), so a bound takes about two profile points. With
one free parameter the profile is the log-likelihood itself: the exact LR
interval. Several parameters' intervals may run in worker processes (`n_jobs`).
"""

import bisect
import math
import warnings

import numpy as np
import pandas as pd
from scipy import special

from ..core.lazy import stats
from ..optim import Tolerances, newton
from ..optim.newton import newton_direction
from ..optim.stopping import ROUNDING
from ..optim.transforms import transform_for
from . import jobs
from .base import cached
from .common import check_level, names_index, user_stacklevel

METHODS = ("wald", "profile")
BOUNDS = pd.Index(["lower", "upper"])  # each table gets a view (its name is its own)
SCALES = (None, "natural", "log")
# the scale on which a parameter's Wald interval is symmetric by default: the one on which
# the parameter is free (so the interval stays inside its space)
OWN_SCALE = {"positive": "log", "unit": "logit", "real": "natural"}
FULL_STEPS = 3  # whole Newton steps a profile point takes before the safeguarded Newton


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


def confint(fit, level=0.95, method="wald", scale=None, progress=None, n_jobs=1):
    """Intervals of every parameter (see `MLEFit.confint`); `.attrs["scale"]` names each
    Wald interval's scale ("profile" for a profile interval, which has none). Profile
    intervals report `progress` per parameter and run in `n_jobs` processes when above 1."""
    level = check_level(level)
    check_interval(method, scale)
    scales = wald_scales(fit, scale)
    bounds = profile_intervals(fit, level, progress, n_jobs) if method == "profile" else {}
    rows = []
    for i, name in enumerate(fit.param_names):
        if i not in fit._free:
            rows.append((fit.mle[i], fit.mle[i]))
        elif method == "wald":
            rows.append(wald_interval(fit.mle[i], fit.se.iloc[i], level, scales[name]))
        else:
            rows.append(bounds[i])
    out = pd.DataFrame(np.array(rows, dtype=float), index=names_index(fit.param_names),
                       columns=BOUNDS.view(), copy=False)  # from an array: a fifth the cost
    out.attrs["scale"] = scales if method == "wald" else dict.fromkeys(scales, "profile")
    return out


def profile_intervals(fit, level, progress=None, n_jobs=1):
    """{index: (lower, upper)} of the profile interval of each free parameter. In this process
    each comes from the fit's own profiler (its points warm-start later profiles); in worker
    processes each worker fits the data again from the estimates and profiles from the
    original fit's estimates, log-likelihood and SE, so the bounds equal a serial run's, and
    the workers' warnings are raised here."""
    free = list(fit._free)
    if jobs.check_n_jobs(n_jobs) == 1 or len(free) < 2:
        found = jobs.run(lambda i: fit._profiler(i).interval(level), [(i,) for i in free],
                         progress=progress, label="profiles")
        return dict(zip(free, found))
    source = fit._data if fit.model is None else fit.model
    start = {k: float(v) for k, v in fit.params.items() if k not in fit.fixed}
    at = (fit.mle, fit.loglik, np.asarray(fit.se, dtype=float),
          np.asarray(fit.observed_information, dtype=float))
    tasks = [(fit._refit, source, start, fit.fixed, at, i, level) for i in free]
    found = jobs.run(_profile_in_worker, tasks, n_jobs, progress, "profiles")
    for _, caught in found:
        for category, message in caught:
            warnings.warn(message, category, stacklevel=user_stacklevel())
    return {i: interval for i, (interval, _) in zip(free, found)}


def _profile_in_worker(refit, source, start, fixed, at, index, level):
    """(profile interval of parameter `index`, [(warning category, message)]) in a worker
    process: the fit made again from its estimates, profiled from `at` (mle, loglik, se,
    information)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the original fit has said what it had to say
        fit = refit(source, start=start, fixed=fixed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = Profiler(fit, index, at=at).interval(level)
    return found, [(w.category, str(w.message)) for w in caught]


def _solve_others(h_oo, *columns):
    """(−H_oo)⁻¹·c for each column c, by Newton's own solve (`newton_direction`: closed forms
    and plain floats for a few parameters): the others' Newton step for their gradient,
    −H_oo⁻¹ H_oi (how their maximum moves with the profiled parameter, the implicit function
    theorem) for H_oi. None when H_oo is not negative definite (Newton would modify it) or a
    result is not finite (an infinite curvature included, which the closed forms would take
    as definite)."""
    if not np.isfinite(h_oo).all():
        return None
    out = []
    for c in columns:
        d, modified = newton_direction(c, h_oo)
        if modified or not all(map(math.isfinite, d.tolist())):
            return None
        out.append(d)
    return out


def _hermite(a, b, value):
    """The cubic through two points (v, y, dy/dv) at `value`, when it lies within one span of
    them (an extrapolation further out is no better than the nearest point's line)."""
    (v0, y0, d0), (v1, y1, d1) = sorted((a, b), key=lambda p: p[0])
    h = v1 - v0
    if not (h > 0 and v0 - h <= value <= v1 + h):
        return None
    s = (value - v0) / h
    s2, s3 = s * s, s * s * s
    return ((2 * s3 - 3 * s2 + 1) * y0 + (s3 - 2 * s2 + s) * h * d0
            + (3 * s2 - 2 * s3) * y1 + (s3 - s2) * h * d1)


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
    estimates at the nearest values profiled so far (the MLE among them), carried
    to this value along the cubic through the two nearest (`warm_start`), not from
    the MLE every time. A fit keeps one profiler per parameter (`MLEFit._profiler`), so the
    points of `profile_loglik`, profile intervals and `plot_profile` all warm-start
    one another. A warm start that does not converge is retried from the MLE.
    """

    def __init__(self, fit, index, at=None):
        """`at`: (mle, loglik, se, information) to profile from instead of the fit's own (a
        fit made again in a worker process, whose estimates may differ by rounding)."""
        self.fit = fit
        self.index = index
        self.mle, self.ll_max = (fit.mle, fit.loglik) if at is None else at[:2]
        self._se, self._info = (None, None) if at is None else at[2:]
        self.others = [j for j in fit._free if j != index]
        self._oo = np.ix_(self.others, self.others)  # the others' block of a Hessian
        self.objective = fit._objective.with_free(self.others, transform=True)
        self.transform = transform_for(fit.constraints[index])
        self._spaces = [transform_for(fit.constraints[j]) for j in self.others]
        self._values = []  # natural values profiled so far (converged ones), sorted
        self._starts = []  # the others' natural estimates at each of them
        self._tangents = []  # and their derivatives in this parameter (None: not known)
        self.tol = Tolerances(max_iter=100)

    def loglik(self, value):
        """max over the other free parameters of the log-likelihood with this one at `value`."""
        return self.profile(value)[0]

    def profile(self, value):
        """(the profile log-likelihood at `value`, its first and second derivatives there).
        At the others' maximum the first is the log-likelihood's partial derivative in this
        parameter (the envelope theorem) and the second the Schur complement of the others'
        block of the Hessian; NaN when they did not converge. From the warm start the others
        take whole Newton steps (`_full_steps`) and the safeguarded Newton only when those do
        not bring the decrement below tolerance; either way the last Newton step is applied to the
        value, the slope and the others through the quadratic model (what one more evaluation
        would give, to third order). The curvature is taken where the derivatives were: off by
        the others' last step, to first order (about 1e-9 relative at most, under the decrement
        tolerance); it only shapes the bound's Halley steps."""
        i = self.index
        value = float(value)
        if not self.transform.contains(value):
            return -math.inf, math.nan, math.nan
        natural = self.mle.copy()
        natural[i] = value
        if not self.others:
            f, g, h = self.objective.evaluate(natural, order=2)
            return f, float(g[i]), float(h[i, i])
        cold = self.mle[self.others]
        warm = self.warm_start(value)
        natural[self.others] = cold if warm is None else warm
        natural, f, g, h, parts = self._full_steps(natural)
        if parts is None or not self.tol.decrement_small(float(g[self.others] @ parts[0]),
                                                         abs(f)):
            res = self._maximize(natural)  # not yet the others' maximum: Newton from there
            if warm is not None and not res.converged:
                natural[self.others] = cold
                again = self._maximize(natural)
                if again.converged or again.loglik > res.loglik:
                    res = again
            if not math.isfinite(res.loglik):
                return -math.inf, math.nan, math.nan
            if not res.converged:
                return res.loglik, math.nan, math.nan
            natural = self.objective.natural(res.x)
            f, g, h = self.objective.evaluate(natural, order=2)  # Newton's last evaluation, kept
            parts = self._newton_parts(f, g, h)
        o = self.others
        step, tangent = (np.zeros(len(o)), None) if parts is None else parts
        others = np.asarray(natural)[o] + step
        if not self._inside(others):
            others, step = others - step, np.zeros(len(o))
        self._remember(value, others, tangent)
        cross = -float(h[o, i] @ tangent) if tangent is not None else math.nan
        return (f + 0.5 * float(g[o] @ step), float(g[i] + h[i, o] @ step),
                float(h[i, i] - cross))

    def _full_steps(self, natural):
        """(natural, f, g, h, Newton parts) after at most FULL_STEPS whole Newton steps in the
        others from `natural`, each taken while their Hessian block is negative definite, the
        decrement is not yet below tolerance, and the step stays in their space and lowers the
        log-likelihood by no more than its rounding; what is left goes to the safeguarded
        Newton (a warm start is most often in Newton's quadratic range, where a line search
        and a last evaluated step cost evaluations the model saves)."""
        o = self.others
        f, g, h = self.objective.evaluate(natural, order=2)
        parts = self._newton_parts(f, g, h)
        for _ in range(FULL_STEPS):
            if parts is None or self.tol.decrement_small(float(g[o] @ parts[0]), abs(f)):
                break
            trial = natural.copy()
            trial[o] = trial[o] + parts[0]
            if not self._inside(trial[o]):
                break
            ft, gt, ht = self.objective.evaluate(trial, order=2)
            if not ft >= f - ROUNDING * abs(f):
                break
            natural, f, g, h = trial, ft, gt, ht
            parts = self._newton_parts(f, g, h)
        return natural, f, g, h, parts

    def _newton_parts(self, f, g, h):
        """(the others' Newton step, their derivative in this parameter) on the natural scale
        at a point with log-likelihood f and derivatives (g, h); None where f is not finite or
        the others' block of the Hessian is not negative definite."""
        if not math.isfinite(f):
            return None
        o = self.others
        return _solve_others(h[self._oo], g[o], h[o, self.index])

    def warm_start(self, value):
        """The others' estimates at `value` from the points known (the profiled values and the
        MLE), each with the others' derivative in this parameter there (−H_oo⁻¹ H_oi, the
        implicit function theorem): the cubic through the two nearest (their estimates and
        derivatives, exact to third order between them) when `value` lies within their span
        of them, else the nearest moved along its derivative, else the nearest unmoved, the
        first of these inside the others' space. None when that is the MLE's, unmoved."""
        known = self._known(value)
        base, start, tangent = known[0]
        if len(known) > 1 and tangent is not None and known[1][2] is not None:
            cubic = _hermite(known[0], known[1], value)
            if cubic is not None and self._inside(cubic):
                return cubic
        if tangent is not None:
            moved = start + (value - base) * tangent
            if self._inside(moved):
                return moved
        return None if base == self.mle[self.index] and start is self.mle[self.others] \
            else start

    def _known(self, value):
        """The two known points nearest `value`, nearest first: (value, others, derivative)."""
        k = bisect.bisect_left(self._values, value)
        near = [(self._values[j], self._starts[j], self._tangents[j])
                for j in (k - 2, k - 1, k, k + 1) if 0 <= j < len(self._values)]
        near.append((float(self.mle[self.index]), self.mle[self.others], self._mle_tangent))
        return sorted(near, key=lambda p: abs(p[0] - value))[:2]

    def _inside(self, others):
        return all(space.contains(float(v)) for space, v in zip(self._spaces, others))

    def _maximize(self, natural):
        self.objective.set_natural(natural)
        return newton(self.objective, self.objective.unconstrained(), self.tol)

    @cached
    def _mle_tangent(self):
        """The others' derivative in this parameter at the MLE, from the observed information
        (None when its block of the others is not positive definite, or it is not finite)."""
        info = self.fit._information if self._info is None else self._info
        at = {j: k for k, j in enumerate(self.fit._free)}
        o, i = [at[j] for j in self.others], at[self.index]
        found = _solve_others(-info[np.ix_(o, o)], -info[o, i])
        return None if found is None else found[0]

    def _remember(self, value, others, tangent):
        k = bisect.bisect_left(self._values, value)
        if k < len(self._values) and self._values[k] == value:
            self._starts[k], self._tangents[k] = others, tangent
        else:
            self._values.insert(k, value)
            self._starts.insert(k, others)
            self._tangents.insert(k, tangent)

    def interval(self, level=0.95):
        return self.bound(level, -1), self.bound(level, +1)

    def bound(self, level, direction):
        """Where the LR statistic reaches the chi-square(1) quantile below (−1) or above (+1).

        On the parameter's unconstrained scale u: from the Wald point, safeguarded Newton steps
        on the excess e(u) = 2·(loglik_max − profile) − cut, whose slope comes with each profile
        point, kept inside the bracket once there is one (secant or bisection when a step
        leaves it) and at most doubling the distance from the estimate before."""
        i, t = self.index, self.transform
        cut = float(special.chdtri(1.0, 1.0 - level))  # the chi-square(1) quantile at level
        u0 = t.to_unconstrained(self.mle[i])
        _, dp, _ = t.derivatives(u0)
        se = float((self.fit.se.to_numpy() if self._se is None else self._se)[i])
        se = se / dp if dp else math.nan
        step = se if math.isfinite(se) and se > 0 else 0.1 * (1 + abs(u0))

        def excess(u):
            """(u, e(u), de/du, d²e/du²); e is inf outside the parameter space."""
            p, dp, d2p = t.derivatives(u)
            if not t.contains(p):
                return u, math.inf, math.nan, math.nan
            ll, slope, curvature = self.profile(p)
            return (u, 2.0 * (self.ll_max - ll) - cut, -2.0 * slope * dp,
                    -2.0 * (curvature * dp * dp + slope * d2p))

        # e ≤ 0 at inner; e > 0 (or not finite) at outer, once found
        inner, outer = (u0, -cut, math.nan, math.nan), None
        u = u0 + direction * math.sqrt(cut) * step
        for _ in range(200):
            point = excess(u)
            if point[1] <= 0:
                inner = point
            else:  # NaN too: beyond the finite region counts as beyond the cut-off
                outer = point
            found = self._next(inner, outer, u0, direction)
            if isinstance(found, float):
                u = found
                if outer is None and abs(u - u0) > 2.0 ** 12 * step:
                    break
                continue
            if isinstance(found, tuple):  # ("converged", the root)
                return t.to_natural(found[1])
            if math.isfinite(outer[1]):  # the bracket closed on a jump: not one crossing
                return self._inconsistent(level, direction, inner[1], outer[1])
            break  # the only points beyond are not finite
        else:
            if outer is not None and math.isfinite(outer[1]):  # no crossing settled on
                return self._inconsistent(level, direction, inner[1], outer[1])
        side = "lower" if direction < 0 else "upper"
        edge = t.lower if direction < 0 else t.upper
        warnings.warn(f"profile likelihood of {self.fit.param_names[i]!r} does not fall to the "
                      f"{level:.0%} cut-off on the {side} side: the interval is open there "
                      f"(bound set to {edge})", UserWarning,
                      stacklevel=user_stacklevel())
        return edge

    @staticmethod
    def _next(inner, outer, u0, direction, xtol=1e-12):
        """The next point to profile; ("converged", root) after a Halley step below 1e-5 or a
        Newton step below 1e-7 (relative: the error after it is of its cube or square), or on
        a bracket closed to `xtol` on points within rounding of the cut-off; "closed" on a
        bracket closed otherwise."""
        points = [p for p in (inner, outer) if p is not None and math.isfinite(p[1])]
        for u, e, de, d2e in sorted(points, key=lambda p: abs(p[1])):
            if not (math.isfinite(de) and de != 0):
                continue
            c, last = u - e / de, 1e-7
            halley = 2.0 * de * de - e * d2e
            if math.isfinite(halley) and halley > 0:
                c, last = u - 2.0 * e * de / halley, 1e-5
            if abs(c - u) <= last * (1 + abs(u)) and (
                    outer is None or min(inner[0], outer[0]) <= c <= max(inner[0], outer[0])):
                return "converged", c
            if outer is None:
                if direction * (c - inner[0]) > 0:  # outward, at most doubling the distance
                    far = u0 + 2.0 * (inner[0] - u0)
                    return c if direction * (c - far) <= 0 else far
            elif min(inner[0], outer[0]) < c < max(inner[0], outer[0]):
                return c
        if outer is None:  # no usable step: double the distance from the estimate
            return u0 + 2.0 * (inner[0] - u0)
        width = abs(outer[0] - inner[0])
        if width <= xtol * (1 + abs(inner[0])):
            return ("converged", inner[0]) if max(abs(inner[1]), abs(outer[1])) <= 1e-6 \
                else "closed"
        lo, hi = sorted((inner[0], outer[0]))
        if math.isfinite(outer[1]):  # a secant step, when it lands inside the bracket
            c = inner[0] - inner[1] * (outer[0] - inner[0]) / (outer[1] - inner[1])
            if lo + 0.01 * width < c < hi - 0.01 * width:
                return c
        return 0.5 * (lo + hi)

    def _inconsistent(self, level, direction, a, b):
        """NaN with a warning naming the parameter: the profile, re-optimized at each point,
        jumps across the cut-off (the other parameters' maximum moved to another mode)."""
        side = "lower" if direction < 0 else "upper"
        warnings.warn(f"profile likelihood of {self.fit.param_names[self.index]!r} does not "
                      f"cross the {level:.0%} cut-off consistently on the {side} side "
                      f"(re-optimizing the other parameters gave excess {a:.3g} and "
                      f"{b:.3g} at the ends of the bracket): the {side} bound is NaN",
                      UserWarning, stacklevel=user_stacklevel())
        return math.nan
