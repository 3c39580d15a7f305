"""Lifetime summaries of a fit, each with a delta-method standard error and interval.

`mean` (MTTF), `rmst(t)` (restricted mean ∫₀ᵗ S), `mean_residual_life(t)`
(∫ₜ^∞ S / S(t)) and `conditional_sf(t, s)` (S(t + s)/S(t)) are functionals of the
survival function of the distribution the data were drawn from (truncated when the
fit is). S is built in femtograd ops as the fit's own generator bound to rows censored
at the quadrature nodes (`contributions` of a right-censored row is log S), so each
summary's gradient is exact and `fit.delta_method` gives its standard error.

Integrals of S use double-exponential quadrature: tanh-sinh on [A, t], exp-sinh on
[t, ∞) (u = t + c·exp(π/2·sinh τ), c the median's distance from t), trapezoids in τ.
Both converge exponentially for every tail from Weibull's to a power law u^−k with
k > 1; a tail too heavy to integrate (an infinite mean) is an error, not a number.
Intervals are Wald intervals on the log scale (logit for the probability
`conditional_sf`), transformed back; `median()` is `fit.quantile(0.5)`.
"""

import functools
import math

import numpy as np
import pandas as pd
from scipy import special

from ..core import exp, log
from ..core.lazy import stats
from .common import check_level, fitted_model

STEP = 1 / 16                                   # trapezoid step in τ
TAU = np.arange(-6.75, 6.75 + STEP / 2, STEP)   # exp(π/2·sinh 6.75) ~ 1e291: the float range
TAIL_TOLERANCE = 1e-9   # share of an integral in its outermost nodes beyond which it diverges


def _quiet(summary):
    """Run a summary with numpy's overflow warnings off: the outer quadrature nodes reach the
    float range on purpose, where S underflows to 0 (and such nodes are then left out)."""
    @functools.wraps(summary)
    def run(*args, **kwargs):
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            return summary(*args, **kwargs)
    return run


def _model(fit, what):
    model = fitted_model(fit, f"fit.{what}()")
    if model.discrete:
        raise TypeError(f"fit.{what}() integrates a continuous survival function; "
                        f"{model.name!r} is discrete: use fit.delta_method()")
    lo = model.support[0]
    if not np.isfinite(lo):
        raise ValueError(f"fit.{what}() is a lifetime summary: it needs a family with a finite "
                         f"lower end (a lifetime); {model.name!r} lives on the whole real line")
    return model


def _start(model):
    """A: the lower end of the distribution the data were drawn from."""
    lo = float(model.support[0])
    return lo if model.truncation is None else max(lo, float(model.truncation[0]))


def _end(model):
    """The upper end of the distribution the data were drawn from (inf for most lifetimes)."""
    hi = float(model.support[1])
    return hi if model.truncation is None else min(hi, float(model.truncation[1]))


def _log_sf(model, u, params):
    """log S(u) at the points `u` (inside the distribution's range) as a femtograd Value of
    the parameter leaves: the public log survival of the distribution the rows were drawn
    from (which needs no rows: a fit whose rows lie in Dask chunks has it too)."""
    return model.distribution.logsf(u, *params)


def _nodes(lo, hi, scale):
    """(u, weight) of the double-exponential rule for ∫_lo^hi (hi may be inf)."""
    s = math.pi / 2 * np.sinh(TAU)
    ds = math.pi / 2 * np.cosh(TAU)
    if math.isinf(hi):
        with np.errstate(over="ignore"):
            grow = np.exp(s)
        return lo + scale * grow, scale * grow * ds * STEP
    half = (hi - lo) / 2
    return lo + half * (1 + np.tanh(s)), half * ds / np.cosh(s) ** 2 * STEP


def _integral(model, lo, hi, scale, what):
    """A function of the parameter leaves giving ∫_lo^hi S(u) du as a Value."""
    u, w = _nodes(lo, hi, scale)
    keep = np.isfinite(u) & (u > lo) & (u < hi) & (w > 0) & np.isfinite(w)
    u, w = u[keep], w[keep]

    def integral(*params):
        log_s = _log_sf(model, u, params)
        values = np.asarray(log_s.data, dtype=float)
        # a formula may give NaN far out in the tail (inf − inf): S has underflowed there
        gone = np.flatnonzero(values < -700.0)
        bad = np.flatnonzero(np.isnan(values))
        if bad.size and not (gone.size and bad[0] > gone[0]):
            raise ValueError(f"fit.{what}(): the survival function is not finite at "
                             f"{u[bad[0]]:g}")
        values = np.where(np.isnan(values), -np.inf, values)
        terms = w * np.exp(values)
        outer = np.sum(terms[-8:]) if math.isinf(hi) else 0.0
        if not np.isfinite(terms).all() or outer > TAIL_TOLERANCE * max(np.sum(terms), 1e-300):
            raise ValueError(f"fit.{what}(): the survival function's tail is too heavy to "
                             "integrate (the integral is infinite, or nearly so)")
        # nodes adding less than 1e-18 of the integral are left out, value and gradient: out
        # there a formula's derivative may be 0 · inf (a tail underflowed, u near 0)
        keep = terms > 1e-18 * np.sum(terms)
        if not keep.all():
            log_s = _log_sf(model, u[keep], params)
        return (exp(log_s) * w[keep]).sum()
    return integral


def _scale(fit, lo):
    """The median's distance from `lo`: where the bulk of S lies, for the exp-sinh rule."""
    median = float(fit.quantile(0.5)["estimate"].iloc[0])
    return max(median - lo, 1e-300) if median > lo else max(abs(median), 1.0)


def _frame(rows, index, probability=False, level=0.95):
    """estimate, se, lower, upper: intervals on the log (or logit) scale."""
    z = stats.norm.ppf(0.5 + level / 2)
    est = np.array([r.estimate for r in rows])
    se = np.array([r.se for r in rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        if probability:
            centre = special.logit(est)
            half = z * se / (est * (1 - est))
            lower, upper = special.expit(centre - half), special.expit(centre + half)
        else:
            half = z * se / est
            lower, upper = est * np.exp(-half), est * np.exp(half)
    return pd.DataFrame({"estimate": est, "se": se, "lower": lower, "upper": upper},
                        index=index)


def _points(t, what, model, age=False):
    """`t` as a 1-d array inside the distribution's range; an `age` may also be its lower
    end (a new unit: S there is 1)."""
    arr = np.atleast_1d(np.asarray(t, dtype=float))
    if arr.ndim != 1:
        raise ValueError(f"fit.{what}(): t must be a number or a 1-d array; got shape {arr.shape}")
    lo, hi = _start(model), _end(model)
    above = (arr >= lo) if age and math.isfinite(lo) else (arr > lo)
    bad = np.flatnonzero(~(above & (arr < hi)))
    if bad.size:
        bracket = "[" if age and math.isfinite(lo) else "("
        raise ValueError(f"fit.{what}(): t must lie inside the distribution's range "
                         f"{bracket}{lo:g}, {hi:g}); t[{bad[0]}] is {arr[bad[0]]}")
    return arr


@_quiet
def mean(fit, level=0.95):
    """Mean lifetime (MTTF): A + ∫_A^∞ S(u) du."""
    check_level(level)
    model = _model(fit, "mean")
    lo = _start(model)
    if math.isfinite(_end(model)):
        integral = _integral(model, lo, _end(model), 1.0, "mean")
    else:
        integral = _integral(model, lo, math.inf, _scale(fit, lo), "mean")
    row = fit.delta_method(lambda *p: integral(*p) + lo, level)
    return _frame([row], pd.Index(["mean"]), level=level)


def median(fit, level=0.95):
    """The median lifetime: `fit.quantile(0.5)` under its own name."""
    return fit.quantile(0.5, level).set_axis(pd.Index(["median"]))


@_quiet
def rmst(fit, t, level=0.95):
    """Restricted mean survival time ∫_A^t S(u) du at each t."""
    check_level(level)
    model = _model(fit, "rmst")
    lo = _start(model)
    rows = [fit.delta_method(_integral(model, lo, float(ti), 1.0, "rmst"), level)
            for ti in _points(t, "rmst", model)]
    return _frame(rows, pd.Index(np.atleast_1d(np.asarray(t, float)), name="t"), level=level)


@_quiet
def mean_residual_life(fit, t, level=0.95):
    """Mean residual life E[T − t | T > t] = ∫_t^∞ S(u) du / S(t) at each t."""
    check_level(level)
    model = _model(fit, "mean_residual_life")
    points = _points(t, "mean_residual_life", model, age=True)
    lo = _start(model)
    bulk = _scale(fit, lo)
    rows = []
    for ti in points:
        ti = float(ti)
        end = _end(model)
        integral = _integral(model, ti, end, max(bulk, ti - lo) if math.isinf(end) else 1.0,
                             "mean_residual_life")
        at = np.array([ti])

        def residual(*p, integral=integral, at=at):
            return exp(log(integral(*p)) - _log_sf(model, at, p).sum())
        rows.append(fit.delta_method(residual, level))
    return _frame(rows, pd.Index(points, name="t"), level=level)


@_quiet
def conditional_sf(fit, t, s, level=0.95):
    """P(T > t + s | T > t) = S(t + s)/S(t): surviving `s` more after `t`."""
    check_level(level)
    model = _model(fit, "conditional_sf")
    t, s = np.broadcast_arrays(np.atleast_1d(np.asarray(t, float)),
                               np.atleast_1d(np.asarray(s, float)))
    _points(t, "conditional_sf", model, age=True)
    bad = np.flatnonzero(~(s > 0))
    if bad.size:
        raise ValueError(f"fit.conditional_sf(): s must be positive; s[{bad[0]}] is {s[bad[0]]}")
    hi = _end(model)
    rows = []
    for ti, si in zip(t, s):
        if ti + si >= hi:
            raise ValueError(f"fit.conditional_sf(): t + s = {ti + si:g} is beyond the "
                             f"distribution's upper end {hi:g}")
        at = np.array([ti, ti + si])

        def ratio(*p, at=at):
            log_s = _log_sf(model, at, p)
            return exp(log_s[1] - log_s[0])
        rows.append(fit.delta_method(ratio, level))
    index = pd.MultiIndex.from_arrays([t, s], names=["t", "s"])
    return _frame(rows, index, probability=True, level=level)
