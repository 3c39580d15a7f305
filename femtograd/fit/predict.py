"""Predictions of a generator fit: its distribution's quantities at given points, with intervals.

`fit.cdf(x)`, `fit.sf(x)`, `fit.pdf(x)`, `fit.logpdf(x)`, `fit.hazard(x)`,
`fit.cumhazard(x)` and `fit.quantile(p)` all go through one mechanism: each
quantity is built in femtograd ops by the public methods of the family the rows were
drawn from (`fit.model.distribution`: `logcdf`, `logsf`, `logpdf`, `log_hazard`), which
are elementwise in the points: one graph holds every point, with one leaf per parameter
that has one entry per point (all at the MLE), so that one reverse pass of the sum
over the points gives each point's exact gradient ∇g (a point's value depends on its
own entries only). Points beyond the support or the truncation are constants.
The delta method gives the standard error, se = sqrt(∇gᵀ · cov · ∇g) with the fit's
covariance (`fit.cov`, so `with_cov` views carry over; fixed parameters have zero
variance).

The quantities are those of the distribution the data were drawn from: under
`truncation=(a, b)`, F_T(x) = P(a < X ≤ x) / P(a < X ≤ b) (`Truncated`). For a
discrete family the pdf is the mass function and the hazard is the discrete one,
P(X = x | X ≥ x).

A quantity is built on the scale its interval is taken on: a probability
(cdf, sf, a discrete hazard) as log g and log(1 − g), so that its logit carries
every digit in both tails; a positive quantity (pdf, hazard, cumhazard) as log g;
the log density as itself. The quantile q of probability p is the family's closed form
where it has one (`Family.quantile_inside`, as the probabilities are checked and the parameters
are the fit's own: every q and its exact gradient from one graph without support masks or
parameter checks; elementary functions, or an op inverting a special function, as the gamma's
`inverse_gammainc`); otherwise
it solves F_T(q) = p on femtograd's own log CDF (log survival above the median): the family's
near-exact inverse (`Family.ppf`: gammaincinv, betaincinv, stdtrit, ... or scipy's) polished by
one Newton step, with the gradient from the implicit function theorem, ∂q/∂θ =
−(∂F_T/∂θ)(q) / f_T(q), every point in one graph; a start further off is refined for every p at
once by bracketed Newton steps.
Discrete families have no quantile here: theirs is a step function of the parameters,
with zero or no derivative.

Intervals are Wald intervals on a scale that keeps them in range, transformed
back: logit for probabilities, log for positive quantities (and quantiles of a
family on x ≥ 0), natural otherwise; `scale=` overrides. Gradients are kept a parameter
at a time ((n, k) arrays stored as (k, n)) and the table's four columns are written into one
(4, n) block, the frame's own layout, so that the rows take a few whole-array passes and the
frame no copy.
"""

import warnings

import numpy as np
import pandas as pd
from scipy import special

from ..core import Value, grad_nodes, log, log1mexp
from .common import fitted_model
from .intervals import check_level

SCALES = ("natural", "log", "logit")
# what each quantity is: "probability" (in [0, 1]), "positive" or "real"; its default scale
KINDS = {"probability": "logit", "positive": "log", "real": "natural"}
ALLOWED = {"probability": SCALES, "positive": ("natural", "log"), "real": ("natural",)}
COLUMNS = pd.Index(["estimate", "se", "lower", "upper"])
# every frame's columns are a view of these labels: read-only, so that a write into one
# frame's `columns.values` is refused instead of renaming every later prediction's columns
COLUMNS.values.flags.writeable = False
EPS4 = 4 * np.finfo(float).eps
# a Newton step from the start at most this relative size ends at the root: what it leaves is of
# the order of its square (here ~1e-18 relative), below the rounding of q
ONE_STEP = 1e-9


# ---------------------------------------------------------------- the quantities

def _cdf(dist, x, p):
    return dist.logcdf(x, *p), dist.logsf(x, *p)


def _sf(dist, x, p):
    return dist.logsf(x, *p), dist.logcdf(x, *p)


def _pdf(dist, x, p):
    log_f = dist.logpdf(x, *p)
    if not dist.discrete:
        return (log_f,)
    # a mass is a probability: log(1 − f) too (0 where f is known to be 0)
    return log_f, log1mexp(log_f)


def _hazard(dist, x, p):
    if dist.discrete:  # P(X = x | X ≥ x) = f(x) / S(x − 1), and its complement S(x) / S(x − 1)
        at_risk = dist.logsf(x - 1.0, *p)
        return dist.logpdf(x, *p) - at_risk, dist.logsf(x, *p) - at_risk
    return (dist.log_hazard(x, *p),)


def _cumhazard(dist, x, p):  # H = −log S, built as log H
    return (log(-dist.logsf(x, *p)),)


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
    dist = _distribution(fit, what)
    build, continuous_kind, discrete_kind = QUANTITIES[what]
    kind = discrete_kind if dist.discrete else continuous_kind
    scale = _check(level, scale, kind, what)
    points = _points(x, "x", what)
    _refuse_nan(points, "x", what)
    cov = fit.cov.to_numpy()
    with np.errstate(all="ignore"):
        leaves = _leaves(fit, points.size)
        nodes = build(dist, points, leaves)
        values, grads = zip(*(_values_and_grads(n, leaves, points.size) for n in nodes))
        if what == "logpdf":
            rows = _rows(values[0], "natural", values[0], grads[0], cov, level)
        else:
            rows = _rows_from_logs(values, grads, kind, scale, cov, level)
    return _frame(rows, points, "x", scale)


def quantile(fit, p, level=0.95, scale=None):
    """The fitted distribution's quantile at each probability of `p`: the q with F_T(q) = p."""
    dist = _distribution(fit, "quantile")
    if dist.discrete:
        raise TypeError(f"quantile needs a continuous family; {dist.name!r} is discrete (its "
                        "quantile is a step function of the parameters, with no derivative for "
                        "a delta-method interval): use fit.cdf() at the counts instead")
    lo, hi = dist.support
    kind = "positive" if lo >= 0 else "real"
    scale = _check(level, scale, kind, "quantile")
    probs = _points(p, "p", "quantile")
    inside = (probs > 0) & (probs < 1)
    if not inside.all():  # (NaN is not inside: its own message first)
        _refuse_nan(probs, "p", "quantile")
        bad = np.flatnonzero(~inside)
        raise ValueError(f"quantile: probabilities must be strictly between 0 and 1; "
                         f"p[{bad[0]}] is {probs[bad[0]]}")
    cov = fit.cov.to_numpy()
    with np.errstate(all="ignore"):
        if dist.closed_quantile:  # every point and its exact gradient from one graph: the
            # probabilities are checked and the parameters the fit's own, so no masks or checks
            leaves = _leaves(fit, probs.size)
            q, grad = _values_and_grads(dist.quantile_inside(probs, *leaves), leaves, probs.size)
        else:
            q, grad = _solved_quantiles(fit, dist, probs)
        if scale == "log":  # (a quantile that underflows to 0: 0 ± 0, the rounding of both)
            grad_log = grad.T / q
            if not (q > 0).all():
                grad_log[:, q <= 0] = 0.0
            rows = _rows(q, "log", np.log(q), grad_log.T, cov, level)
        else:
            rows = _rows(q, "natural", q, grad, cov, level)
    return _frame(rows, probs, "p", scale)


def _solved_quantiles(fit, dist, probs):
    """(q, ∇q) for a family without a closed-form quantile: its near-exact inverse (`dist.ppf`,
    a special function's inverse or scipy's) polished by one Newton step, with the gradient,
    from one graph over every point (`_polished`); the points that start leaves further off are
    solved (`_solve`) and get their gradient from a graph at their root."""
    theta = [float(v) for v in fit.mle]
    with warnings.catch_warnings():  # only a start: each quantile is settled on our own CDF
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            starts = dist.ppf(probs, *theta)
        except NotImplementedError:  # a user's family without scipy's: _solve brackets alone
            starts = np.full(probs.shape, np.nan)
    q, grad, off = _polished(fit, dist, probs, starts)
    if off.size:
        q[off] = _solve(dist, theta, probs[off], starts[off], *dist.support)
        grad[off] = _polished(fit, dist, probs[off], q[off])[1]
    return q, grad


def _polished(fit, dist, probs, starts):
    """(q, ∇q, the points left off) from a graph per side at `starts`: log F (log S above the
    median) over that side's points, with leaves of their number (each point's gradient its
    own), and log f. A start whose Newton step is at most ONE_STEP of it takes that step and is
    the root; its gradient comes from the implicit function theorem at the start, ∂q/∂θ =
    −F ∇log F / f (or +S ∇log S / f), which differs from the one at the root by a relative
    amount of the order of the step. The other points (a start beyond the support, a larger
    step) are returned as left off."""
    lo, hi = dist.support
    inside = np.isfinite(starts) & (starts > lo) & (starts < hi)
    at_start = np.where(np.isnan(starts), 0.5 * (lo + hi) if np.isfinite(lo + hi) else
                        (lo if np.isfinite(lo) else hi if np.isfinite(hi) else 0.0), starts)
    upper = probs > 0.5
    target = np.where(upper, np.log1p(-probs), np.log(probs))
    log_tail = np.empty(probs.size)
    grad_tail = np.empty((probs.size, len(fit.param_names)))
    for side, log_of in ((upper, dist.logsf), (~upper, dist.logcdf)):
        if side.any():  # both sides of the points, or the side all of them lie on
            points = at_start if side.all() else at_start[side]
            leaves = _leaves(fit, points.size)
            log_tail[side], grad_tail[side] = _values_and_grads(
                log_of(points, *leaves), leaves, points.size)
    log_f = dist.logpdf(at_start, *(float(v) for v in fit.mle)).data
    gap = np.where(upper, target - log_tail, log_tail - target)  # increasing in q
    tail_over_f = np.exp(log_tail - log_f)
    step = gap * tail_over_f
    exact = inside & ((gap == 0) | (_near(gap, target) &
                                    (np.abs(step) <= ONE_STEP * np.abs(at_start))))
    q = np.where(gap == 0, at_start, at_start - step)
    grad = np.where(upper, tail_over_f, -tail_over_f)[:, None] * grad_tail
    return q, grad, np.flatnonzero(~exact)


# ---------------------------------------------------------------- the mechanism

def _distribution(fit, what):
    """The family the fit's rows were drawn from (truncated when they were)."""
    truncation = fitted_model(fit, f"fit.{what}()").truncation
    if truncation is not None and (np.ndim(truncation[0]) or np.ndim(truncation[1])):
        raise ValueError(f"fit.{what}() needs one distribution, but this fit's truncation is per "
                         "row (delayed entry): ask fit.model.distribution's methods at each "
                         "row's bounds, or Truncated(fit.model, a, b) at the bounds you mean")
    return fit.model.distribution


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
    """`x` (a number or a 1-d array-like) as a float array (NaN is `_refuse_nan`'s)."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what}: {label} must be a number or a 1-d array of numbers; "
                        f"got {x!r}") from None
    if arr.ndim > 1:
        raise ValueError(f"{what}: {label} must be a number or a 1-d array; got shape {arr.shape}")
    return np.atleast_1d(arr)


def _refuse_nan(arr, label, what):
    """A ValueError naming the first NaN of `arr`, if it holds one."""
    nan = np.isnan(arr)
    if nan.any():
        raise ValueError(f"{what}: {label} contains NaN at position {np.flatnonzero(nan)[0]}")


def _leaves(fit, n=None):
    """One leaf per parameter at the MLE: a scalar, or (n given) one entry per point, so that
    the gradient of a quantity's sum over the points is each point's own gradient."""
    if n is None:
        return [Value(float(v), name=name) for v, name in zip(fit.mle, fit.param_names)]
    return [Value(np.full(n, float(v)), name=name) for v, name in zip(fit.mle, fit.param_names)]


def _values_and_grads(node, leaves, n):
    """The values (n,) of a node over the points and each point's gradient wrt its parameters
    (n, k; stored a parameter at a time), from one reverse pass: zeros for a point known
    exactly, and for an infinite value (log 0 at the end of a support, where the quantity is
    0 whatever the parameters)."""
    values = np.asarray(node.data, dtype=float)
    if values.shape != (n,):
        values = np.broadcast_to(values, (n,)).copy()
    grads = np.empty((len(leaves), n))
    if node.is_variable:
        # (the seed 1 stands for its broadcast: the gradient of the sum over the points)
        for row, g in zip(grads, grad_nodes(node, leaves)):
            row[:] = g.data
    else:  # a node of constants has gradient zero
        grads.fill(0.0)
    finite = np.isfinite(values)
    if not finite.all():
        grads[:, ~finite] = 0.0
    return values, grads.T


def _se(grad, cov):
    """Each row's delta-method standard error sqrt(∇gᵀ · cov · ∇g) (NaN for a negative one)."""
    # a parameter at a time, as stored (einsum's sums start from +0: a zero gradient gives +0)
    var = np.einsum("in,in->n", cov @ grad.T, grad.T)
    return np.sqrt(var, out=var)


def _rows_from_logs(values, grads, kind, scale, cov, level):
    """A probability or positive quantity g from log g (and log(1 − g) for a probability)."""
    log_g, grad_log = values[0], grads[0]
    g = np.exp(log_g)
    grad = np.where(np.isfinite(log_g), g * grad_log.T, 0.0).T
    if scale == "natural":
        return _rows(g, "natural", g, grad, cov, level)
    if scale == "log":
        return _rows(g, "log", log_g, grad_log, cov, level)
    log_c, grad_c = values[1], grads[1]
    return _rows(g, "logit", log_g - log_c, grad_log - grad_c, cov, level, se_grad=grad)


def _rows(estimate, scale, centre, grad, cov, level, se_grad=None):
    """The table's columns (estimate, se, lower, upper) as one block (4, n): centre ± z·se(centre)
    on `scale` (`grad` is the centre's), transformed back, and the estimate's se: on the log
    scale the estimate times the centre's (the delta method through exp), else from `se_grad`
    (the estimate's gradient, `grad` if None); a centre known exactly (zero gradient) is its own
    interval."""
    z = special.ndtri(0.5 + level / 2)
    block = np.empty((4, estimate.size))
    estimate_, se, lower, upper = block
    estimate_[:] = estimate
    se_centre = _se(grad, cov)
    if scale == "log":  # (0 where the centre is exact, as at an estimate of 0 or inf)
        np.multiply(estimate, se_centre, out=se)
        np.copyto(se, 0.0, where=se_centre == 0)
    else:
        se[:] = se_centre if se_grad is None else _se(se_grad, cov)
    half = np.multiply(se_centre, z, out=se_centre)  # (se_centre is not used again)
    if not np.isfinite(cov).all():  # else a zero gradient's se is 0, and so is its half-width
        moves = np.any(grad != 0, axis=1)
        half[~moves] = 0.0
    np.subtract(centre, half, out=lower)
    np.add(centre, half, out=upper)
    if scale == "log":
        np.exp(block[2:], out=block[2:])
    elif scale == "logit":
        special.expit(block[2:], out=block[2:])
    return block


def _frame(block, points, label, scale):
    """The table from its columns' block (4, n); `attrs["scale"]` records the scale its intervals
    were taken on."""
    # the block transposed is the frame's own layout (no copy); the columns a view of an Index
    # made once (a tenth of the time of making it), whose labels are read-only (`COLUMNS`)
    frame = pd.DataFrame(block.T, columns=COLUMNS.view(), index=pd.Index(points, name=label),
                         copy=False)
    frame.attrs["scale"] = scale
    return frame


def _solve(dist, p, probs, starts, lo, hi):
    """Every q in [lo, hi] with F_T(q) = p at once, on femtograd's own log CDF (log survival
    above the median), from scipy's quantiles `starts`: a start whose Newton step is within
    4 eps is taken with that step; the others are bracketed outward from the start and refined
    by Newton steps on the log tail kept inside the bracket (bisection where a step leaves it),
    all points in one array per evaluation, to the rounding of the log tail."""
    upper = probs > 0.5
    target = np.where(upper, np.log1p(-probs), np.log(probs))

    def gap(q, idx, slope=False):  # increasing in q: log F(q) − log p, or log(1 − p) − log S(q)
        up = upper[idx]
        log_tail = np.empty(q.size)
        if up.any():
            log_tail[up] = dist.logsf(q[up], *p).data
        if not up.all():
            log_tail[~up] = dist.logcdf(q[~up], *p).data
        g = np.where(up, target[idx] - log_tail, log_tail - target[idx])
        if not slope:
            return g
        return g, np.exp(dist.logpdf(q, *p).data - log_tail)  # f / F or f / S, both > 0

    q = np.array(starts, dtype=float)
    bad = ~(np.isfinite(q) & (q >= lo) & (q <= hi))
    q[bad] = 0.5 * (lo + hi) if np.isfinite(lo) and np.isfinite(hi) else \
        (lo + 1.0 if np.isfinite(lo) else (hi - 1.0 if np.isfinite(hi) else 0.0))
    # the start (a special function's inverse) is most often within a few ulps: one Newton step
    # from it ends at the root when it is small (Newton's error is then of the order of its
    # square, and the gap is in Newton's quadratic range)
    g, slope = gap(q, np.arange(q.size), slope=True)
    step = g / slope
    exact = (g == 0) | (_near(g, target) & (np.abs(step) <= ONE_STEP * np.abs(q)))
    q[exact] = np.where(g == 0, q, q - step)[exact]
    left, right = q.copy(), q.copy()
    rest = np.flatnonzero(~exact)
    if rest.size:
        left[rest], right[rest], q[rest] = _bracket(gap, q[rest], g[rest], rest, lo, hi)
    # Newton (bisection when a step leaves the bracket) on the points not yet exact
    todo = rest[left[rest] < right[rest]]
    for _ in range(200):
        if not todo.size:
            return q
        qi, li, ri, ti = q[todo], left[todo], right[todo], target[todo]
        g, slope = gap(qi, todo, slope=True)
        li, ri = np.where(g < 0, qi, li), np.where(g > 0, qi, ri)
        step = g / slope  # not finite where log F underflows: then bisection
        new = qi - step
        inside = np.isfinite(new) & (new > li) & (new < ri)
        new = np.where(inside, new, li + 0.5 * (ri - li))
        width = ri - li
        # exact: a step within 4 eps of q, or a gap at the rounding of the log tail itself
        # (a last step inside the bracket removes what is left); or a bracket that narrow
        done = (g == 0) | (_near(g, ti) & (np.abs(step) <= EPS4 * np.abs(qi))) | \
            (np.abs(g) <= EPS4 * np.maximum(1.0, np.abs(ti))) | \
            (width <= EPS4 * np.maximum(np.abs(li), np.abs(ri)) + 1e-300)
        q[todo] = np.where(done & ~inside, qi, new)
        left[todo], right[todo] = li, ri
        todo = todo[~done]
    raise ValueError(f"quantile: the {probs[todo[0]]} quantile did not converge")


def _near(g, target):
    """Is a log-tail gap small enough (1e-8 relative) for a Newton step to settle it?"""
    return np.abs(g) <= 1e-8 * np.maximum(1.0, np.abs(target))


def _bracket(gap, start, g0, points, lo, hi):
    """(left, right) around the root of each of the `points` (indices into gap's arrays; `g0`
    the gap at `start`), stepping outward from `start` by steps growing 4-fold; toward a finite
    end, 15/16 of the way there each time (onto it only when no float lies between, as log F is
    infinite there), so that a bracket is at most 16 times as wide as its distance from the end
    and no decades are bisected through when scipy's start is far off. Also the end nearest the
    start (the start itself when the first step brackets the root); a start that is the root
    gives left == right."""
    left = np.where(g0 <= 0, start, np.nan)
    right = np.where(g0 >= 0, start, np.nan)
    rising = g0 < 0  # the root lies above the start
    prev, step = start.copy(), np.maximum(np.abs(start), 1.0) * 1e-6
    todo = np.flatnonzero(g0 != 0)
    for _ in range(1000):
        if not todo.size:
            return left, right, np.where(rising, left, right)
        pv, st, up = prev[todo], step[todo], rising[todo]
        above = np.where(pv + st < hi, pv + st, pv + (hi - pv) * (15 / 16))
        above = np.where(above > pv, above, hi)
        below = np.where(pv - st > lo, pv - st, pv - (pv - lo) * (15 / 16))
        below = np.where(below < pv, below, lo)
        cand = np.where(up, above, below)
        g = gap(cand, points[todo])
        found = np.where(up, g >= 0, g <= 0)
        # a candidate short of the root moves the near end; one past it closes the bracket
        left[todo] = np.where(up != found, cand, left[todo])
        right[todo] = np.where(up == found, cand, right[todo])
        prev[todo], step[todo] = cand, st * 4.0
        todo = todo[~found]
    raise ValueError(f"quantile: could not bracket the quantile at start {start[todo[0]]}")
