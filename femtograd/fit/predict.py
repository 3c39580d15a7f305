"""Predictions of a generator fit: its distribution's quantities at given points, with intervals.

`fit.cdf(x)`, `fit.sf(x)`, `fit.pdf(x)`, `fit.logpdf(x)`, `fit.hazard(x)`,
`fit.cumhazard(x)` and `fit.quantile(p)` all go through one mechanism: each
quantity is built in femtograd ops from the generator's formulae (`_logcdf`,
`_logsf`, `_logpdf`, and `_log_mass` for the truncation) at one scalar leaf per
parameter, placed at the MLE; reverse mode gives its exact gradient ∇g, and the
delta method its standard error, se = sqrt(∇gᵀ · cov · ∇g) with the fit's
covariance (`fit.cov`, so `with_cov` views carry over; fixed parameters have
zero variance).

The quantities are those of the distribution the data were drawn from: under
`truncation=(a, b)`, F_T(x) = P(a < X ≤ x) / P(a < X ≤ b), as the plots draw it
(`femtograd.fit.fitted`). For a discrete family the pdf is the mass function and
the hazard is the discrete one, P(X = x | X ≥ x).

A quantity is built on the scale its interval is taken on: a probability
(cdf, sf, a discrete hazard) as log g and log(1 − g), so that its logit carries
every digit in both tails; a positive quantity (pdf, hazard, cumhazard) as log g;
the log density as itself. The quantile q of probability p solves F_T(q) = p
(scipy's ppf as the start, refined by brentq on femtograd's own log CDF, or log
survival above the median) and its gradient comes from the implicit function
theorem: ∂q/∂θ = −(∂F_T/∂θ)(q) / f_T(q). Discrete families have no quantile
here: theirs is a step function of the parameters, with zero or no derivative.

Intervals are Wald intervals on a scale that keeps them in range, transformed
back: logit for probabilities, log for positive quantities (and quantiles of a
family on x ≥ 0), natural otherwise; `scale=` overrides.
"""

import math

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..core import Value, grad_nodes, log, log1mexp
from .fitted import fitted_distribution
from .intervals import check_level

SCALES = ("natural", "log", "logit")
# what each quantity is: "probability" (in [0, 1]), "positive" or "real"; its default scale
KINDS = {"probability": "logit", "positive": "log", "real": "natural"}
ALLOWED = {"probability": SCALES, "positive": ("natural", "log"), "real": ("natural",)}


# ---------------------------------------------------------------- the truncated distribution

def _bounds(model):
    """(lower, upper) ends of the distribution the data were drawn from: the support cut to
    the truncation (a discrete family's lower bound a itself excluded: counts in (a, b])."""
    lo, hi = model.support
    if model.truncation is None:
        return lo, hi, -np.inf, np.inf
    a, b = model.truncation
    return max(lo, a), min(hi, b), a, b


class _Quantities:
    """Log CDF, log survival and log density of a bound generator's (truncated) distribution at
    one point, as femtograd Values of the parameter leaves `p`; a point beyond the distribution's
    ends gives a constant (its value known exactly, its gradient zero)."""

    def __init__(self, model, p):
        self.model, self.p = model, p
        self.lo, self.hi, self.a, self.b = _bounds(model)
        self.discrete = model.discrete
        self.log_z = None if model.truncation is None else model._log_norm(*p)

    def _below(self, x):
        """Is F_T(x) = 0?"""
        if self.discrete:
            k = math.floor(x)
            return k < self.lo or k <= self.a
        return x <= self.lo

    def _above(self, x):
        """Is F_T(x) = 1?"""
        return (math.floor(x) if self.discrete else x) >= self.hi

    def _normalized(self, v):
        return v if self.log_z is None else v - self.log_z

    def logcdf(self, x):
        if self._below(x):
            return _const(-np.inf)
        if self._above(x):
            return _const(0.0)
        if self.model.truncation is None:
            return self.model._logcdf(np.float64(x), *self.p)
        return self._normalized(self.model._log_mass(self.a, x, *self.p))

    def logsf(self, x):
        if self._below(x):
            return _const(0.0)
        if self._above(x):
            return _const(-np.inf)
        if self.model.truncation is None:
            return self.model._logsf(np.float64(x), *self.p)
        return self._normalized(self.model._log_mass(x, self.b, *self.p))

    def logpdf(self, x):
        if self.discrete:
            inside = x == math.floor(x) and not self._below(x) and x <= self.hi
        else:
            inside = self.lo <= x <= self.hi
        if not inside:
            return _const(-np.inf)
        return self._normalized(self.model._logpdf(np.float64(x), *self.p))


def _const(v):
    return Value.constant(float(v))


def _is_const(node):
    return not node._args and not node._variable


# ---------------------------------------------------------------- the quantities

def _cdf(q, x):
    return q.logcdf(x), q.logsf(x)


def _sf(q, x):
    return q.logsf(x), q.logcdf(x)


def _pdf(q, x):
    log_f = q.logpdf(x)
    if not q.discrete:
        return (log_f,)
    # a mass is a probability: log(1 − f) too
    return log_f, (_const(0.0) if _is_const(log_f) else log1mexp(log_f))


def _hazard(q, x):
    if q.discrete:  # P(X = x | X ≥ x) = f(x) / S(x − 1), and its complement S(x) / S(x − 1)
        at_risk = q.logsf(x - 1.0)
        return q.logpdf(x) - at_risk, q.logsf(x) - at_risk
    return (q.logpdf(x) - q.logsf(x),)


def _cumhazard(q, x):  # H = −log S, built as log H
    log_s = q.logsf(x)
    if _is_const(log_s):
        return (_const(np.log(-float(log_s.data))),)
    return (log(-log_s),)


QUANTITIES = {  # name: (builder, kind of the value for a continuous / a discrete family)
    "cdf": (_cdf, "probability", "probability"),
    "sf": (_sf, "probability", "probability"),
    "pdf": (_pdf, "positive", "probability"),
    "logpdf": (_pdf, "real", "real"),
    "hazard": (_hazard, "positive", "probability"),
    "cumhazard": (_cumhazard, "positive", "positive"),
}


def predict(fit, what, x, level=0.95, scale=None):
    """The fitted distribution's `what` ("cdf", "sf", "pdf", "logpdf", "hazard", "cumhazard")
    at each point of `x`: DataFrame indexed by x, columns estimate, se, lower, upper."""
    model = _model(fit, what)
    build, continuous_kind, discrete_kind = QUANTITIES[what]
    kind = discrete_kind if model.discrete else continuous_kind
    scale = _check(level, scale, kind, what)
    points = _points(x, "x", what)
    leaves = _leaves(fit)
    quantities = _Quantities(model, leaves)
    cov = fit.cov.to_numpy()
    rows = []
    with np.errstate(all="ignore"):
        for v in points:
            nodes = build(quantities, float(v))
            if what == "logpdf":
                value, grad = _value_and_grad(nodes[0], leaves)
                rows.append(_row(value, _se(grad, cov), "natural", value, grad, cov, level))
                continue
            values, grads = zip(*(_value_and_grad(n, leaves) for n in nodes))
            rows.append(_row_from_logs(values, grads, kind, scale, cov, level))
    return _frame(rows, points, "x")


def quantile(fit, p, level=0.95, scale=None):
    """The fitted distribution's quantile at each probability of `p`: the q with F_T(q) = p."""
    model = _model(fit, "quantile")
    if model.discrete:
        raise TypeError(f"quantile needs a continuous family; {model.name!r} is discrete (its "
                        "quantile is a step function of the parameters, with no derivative for "
                        "a delta-method interval): use fit.cdf() at the counts instead")
    lo, hi, _, _ = _bounds(model)
    kind = "positive" if lo >= 0 else "real"
    scale = _check(level, scale, kind, "quantile")
    probs = _points(p, "p", "quantile")
    bad = np.flatnonzero(~((probs > 0) & (probs < 1)))
    if bad.size:
        raise ValueError(f"quantile: probabilities must be strictly between 0 and 1; "
                         f"p[{bad[0]}] is {probs[bad[0]]}")
    leaves = _leaves(fit)
    quantities = _Quantities(model, leaves)
    starts = np.asarray(fitted_distribution(fit).ppf(probs), dtype=float)
    cov = fit.cov.to_numpy()
    rows = []
    with np.errstate(all="ignore"):
        for prob, start in zip(probs, starts):
            q = _solve(quantities, float(prob), float(start), lo, hi)
            # implicit function theorem, from the tail the probability is in:
            # F(q) = p gives ∂q/∂θ = −F ∇log F / f; equivalently S(q) = 1 − p gives +S ∇log S / f
            upper = prob > 0.5
            tail = quantities.logsf(q) if upper else quantities.logcdf(q)
            log_tail, grad_tail = _value_and_grad(tail, leaves)
            log_f = float(quantities.logpdf(q).data)
            grad = math.exp(log_tail - log_f) * grad_tail * (1.0 if upper else -1.0)
            if scale == "log":
                rows.append(_row(q, _se(grad, cov), "log", math.log(q), grad / q, cov, level))
            else:
                rows.append(_row(q, _se(grad, cov), "natural", q, grad, cov, level))
    return _frame(rows, probs, "p")


# ---------------------------------------------------------------- the mechanism

def _model(fit, what):
    if fit.model is None:
        raise TypeError(f"fit.{what}() needs a fit of a log-likelihood generator (it evaluates "
                        "the fitted distribution); this fit is of a plain log-likelihood "
                        "function: use fit.delta_method() with the quantity written in "
                        "femtograd ops")
    return fit.model


def _check(level, scale, kind, what):
    check_level(level)
    if scale is None:
        return KINDS[kind]
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use one of {list(SCALES)}")
    if scale not in ALLOWED[kind]:
        raise ValueError(f"scale {scale!r} does not suit {what} (a {kind} quantity); "
                         f"use one of {list(ALLOWED[kind])}")
    return scale


def _points(x, label, what):
    """`x` (a number or a 1-d array-like) as a float array; NaN is refused."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what}: {label} must be a number or a 1-d array of numbers; "
                        f"got {x!r}") from None
    if arr.ndim > 1:
        raise ValueError(f"{what}: {label} must be a number or a 1-d array; got shape {arr.shape}")
    arr = np.atleast_1d(arr)
    bad = np.flatnonzero(np.isnan(arr))
    if bad.size:
        raise ValueError(f"{what}: {label} contains NaN at position {bad[0]}")
    return arr


def _leaves(fit):
    return [Value(float(v), name=n) for v, n in zip(fit.mle, fit.param_names)]


def _value_and_grad(node, leaves):
    """The value of a scalar node and its gradient wrt the leaves: zeros for a constant, and
    for an infinite value (log 0 at the end of a support, where the quantity is 0 whatever
    the parameters)."""
    value = float(node.data)
    if _is_const(node) or not np.isfinite(value):
        return value, np.zeros(len(leaves))
    return value, np.array([float(g.data) for g in grad_nodes(node, leaves)])


def _se(grad, cov):
    var = float(grad @ cov @ grad)
    return math.sqrt(var) if var >= 0 else math.nan


def _row_from_logs(values, grads, kind, scale, cov, level):
    """A probability or positive quantity g from log g (and log(1 − g) for a probability)."""
    log_g, grad_log = values[0], grads[0]
    g = math.exp(log_g)
    grad = g * grad_log if np.isfinite(log_g) else np.zeros_like(grad_log)
    se = _se(grad, cov)
    if scale == "natural":
        return _row(g, se, "natural", g, grad, cov, level)
    if scale == "log":
        return _row(g, se, "log", log_g, grad_log, cov, level)
    log_c, grad_c = values[1], grads[1]
    return _row(g, se, "logit", log_g - log_c, grad_log - grad_c, cov, level)


def _row(estimate, se, scale, centre, grad, cov, level):
    """(estimate, se, lower, upper): centre ± z·se(centre) on `scale`, transformed back."""
    z = stats.norm.ppf(0.5 + level / 2)
    half = z * _se(grad, cov) if np.any(grad) else 0.0
    ends = np.array([centre - half, centre + half])
    if scale == "log":
        ends = np.exp(ends)
    elif scale == "logit":
        ends = special.expit(ends)
    return estimate, se, float(ends[0]), float(ends[1])


def _frame(rows, points, label):
    out = pd.DataFrame(rows, columns=["estimate", "se", "lower", "upper"],
                       index=pd.Index(points, name=label))
    return out


def _solve(quantities, prob, start, lo, hi):
    """The q in [lo, hi] with F_T(q) = prob, on femtograd's own log CDF (log survival above
    the median), from scipy's quantile `start`: bracket outward from it, then brentq."""
    upper = prob > 0.5
    target = math.log1p(-prob) if upper else math.log(prob)

    def gap(q):  # increasing in q
        if upper:
            return target - float(quantities.logsf(q).data)
        return float(quantities.logcdf(q).data) - target

    if not np.isfinite(start) or not lo <= start <= hi:
        start = 0.5 * (lo + hi) if np.isfinite(lo) and np.isfinite(hi) else \
            (lo + 1.0 if np.isfinite(lo) else (hi - 1.0 if np.isfinite(hi) else 0.0))
    g0 = gap(start)
    if g0 == 0.0:
        return start
    step = max(abs(start), 1.0) * 1e-6
    left, right = (start, None) if g0 < 0 else (None, start)
    for _ in range(200):
        if g0 < 0:  # q lies above start
            cand = start + step
            if cand >= hi:
                cand = hi
            if gap(cand) >= 0:
                right = cand
                break
            left = cand
        else:
            cand = start - step
            if cand <= lo:
                cand = lo
            if gap(cand) <= 0:
                left = cand
                break
            right = cand
        step *= 4.0
    else:
        raise ValueError(f"quantile: could not bracket the {prob} quantile")
    if left is None or right is None:
        raise ValueError(f"quantile: could not bracket the {prob} quantile")
    return optimize.brentq(gap, left, right, xtol=1e-300, rtol=4 * np.finfo(float).eps,
                           maxiter=200)
