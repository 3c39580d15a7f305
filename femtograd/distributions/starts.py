"""Helpers for data-based starts of families without closed-form estimators: each row as a
time, a weight and whether it is an event, the best point of a one-dimensional grid, and
quantiles of an evenly strided sample of at most START_ROWS rows (a start at n = 1e6 costs no
more than at n = 2e4), and safeguarded Newton steps in plain floats (`newton_ascent`) for a
start that solves the likelihood equations itself, so that the fit only confirms it.

Starts need only land in the basin of the maximum, so censored rows are read simply: a
right-censored row is a time at risk without an event, a left-censored row an event at half
its upper bound, an interval-censored row an event at its midpoint.
"""

import math
import operator

import numpy as np

from ..core.cholesky import cholesky_rows, cholesky_solve
from ..core.quadratic import QuadraticData
from ..core.tolerances import DECREMENT, ROUNDING, negligible_decrement, negligible_move
from .base import weighted_quantiles


def rows_for_start(gen):
    """(times, weights, event) for the rows of a bound generator that carry information
    (rows with both ends open are left out); event is 1.0 for an event, 0.0 for a row
    censored on the right. Read from the public bounds, so any censoring pattern works."""
    lower, upper, w = gen.lower, gen.upper, gen.weights
    lo = gen.support[0]
    right = np.isinf(upper) & (lower > lo)
    left = (lower <= lo) & np.isfinite(upper)
    keep = ~((lower <= lo) & np.isinf(upper))  # a row open at both ends tells nothing
    with np.errstate(invalid="ignore"):  # those rows: inf − inf, left out below
        t = np.where(right, lower, np.where(left, 0.5 * (max(lo, 0.0) + upper),
                                            0.5 * (lower + upper)))
    t = np.where(lower == upper, lower, t)
    event = (~right).astype(float)
    t, w, event = t[keep], w[keep], event[keep]
    if t.size == 0 or w.sum() <= 0 or np.einsum("i,i->", w, event) <= 0:
        return np.ones(1), np.ones(1), np.ones(1)  # nothing observed: any start will do
    return t, w, event


def best_on_grid(f, grid):
    """The grid point where `f` is largest among its finite values (the first if none is)."""
    with np.errstate(all="ignore"):
        values = np.array([f(g) for g in grid], dtype=float)
    values[~np.isfinite(values)] = -np.inf
    return float(grid[int(np.argmax(values))])


START_ROWS = 20000  # a start needs no more rows than this: it only has to land in the basin


def sample_step(n):
    """The smallest step k such that every k-th of n rows leaves at most START_ROWS rows."""
    return -(-n // START_ROWS)


def start_sample(x, w):
    """Every k-th row of `x` (and of the weights `w`, None when every row counts once), with k
    the `sample_step` of its rows."""
    step = sample_step(x.size)
    return (x, w) if step == 1 else (x[::step], None if w is None else w[::step])


def sample_quantiles(x, w, probs):
    """For each probability, the smallest value of a `start_sample` of the rows whose share of
    the weight reaches it (`weighted_quantiles`); a selection, not a sort, when unweighted."""
    x, w = start_sample(x, w)
    if w is None:  # np.quantile(x, probs, method="inverted_cdf") without its overhead:
        n = x.size  # the order statistic ceil(n p − 1), as numpy computes it
        ranks = [min(max(math.ceil(n * p - 1), 0), n - 1) for p in probs]
        chosen = np.partition(x, sorted(set(ranks)))
        return [float(chosen[r]) for r in ranks]
    return [float(q) for q in weighted_quantiles(x, w, probs)]


START_PASSES = 30  # at most this many evaluations in `newton_ascent` (each a pass over the rows)
# DECREMENT, ROUNDING and NEGLIGIBLE (core.tolerances): the fit's own default rules, so that
# a fit from where the steps stop stops at once


def newton_ascent(evaluate, move, point, spaces, last_step=True):
    """The point where safeguarded Newton steps in plain floats from `point` stop: where the
    Newton decrement gᵀ(−H)⁻¹g is below DECREMENT·|f| with −H positive definite, or where no
    step raises the log-likelihood any more, or after START_PASSES evaluations.

    `evaluate(point)` gives (f, g, H) or (f, g, H, T): the log-likelihood and its gradient and
    Hessian (lists of floats), and optionally its third derivatives (T[i] the derivatives of
    the Hessian in coordinate i, flattened row by row: T[i][j·p + k] = ∂³f/∂i∂j∂k), in local
    coordinates without units (a shift in scale units, the log of a scale); `move(point, d)`
    the point a step `d` in them leads to, or None beyond the region the start keeps to (it
    then stops where it is). With T the step is Chebyshev's, d + ½(−H)⁻¹T[d, d] for the Newton
    step d (the root of the gradient's second-order expansion, to that order: the error is
    cubed at each step, not squared), unless that correction exceeds half of d. Where −H is not
    positive definite the step is the gradient over |diag H|; a step is at most 1 in any
    coordinate and is halved until the log-likelihood rises (a step promising less than its
    rounding is taken if the value stays level: the next decrement then decides). Every point
    taken raises f, so the answer is never worse than `point`; when it converged, the last
    evaluation was there, and with `last_step` one more step was taken there (`_last_step`).

    Each point is first put where the optimizer will see it (`settled` in the parameters'
    `spaces`), so that the fit's first evaluations reuse the last pass here (when the steps
    run on the fit's own rows: without them, `last_step` would only cost a pass)."""
    point = settled(spaces, point)
    f, g, h, *third = evaluate(point)
    passes = 1
    while passes < START_PASSES and math.isfinite(f):
        low = cholesky_rows([[-v for v in row] for row in h])  # of −H
        definite = low is not None
        if definite:
            d = cholesky_solve(low, g)
        else:
            d = [gi / abs(h[i][i]) if abs(h[i][i]) > 0 else gi for i, gi in enumerate(g)]
        gain, size = sum(map(operator.mul, g, d)), abs(f)
        if definite and gain <= DECREMENT * size:
            return _last_step(evaluate, move, spaces, point, f, d, gain, size) \
                if last_step and passes < START_PASSES else point
        if not gain > 0:  # (NaN: not > 0)
            return point
        if definite and third:
            d = _chebyshev(low, d, third[0])
        longest = max(map(abs, d))
        t = 1.0 / longest if longest > 1.0 else 1.0
        while True:
            if passes == START_PASSES:
                return point
            trial = move(point, [t * di for di in d])
            if trial is None:  # beyond where the start may go: the fit goes on from here
                return point
            trial = settled(spaces, trial)
            ft, gt, ht, *third_t = evaluate(trial)
            passes += 1
            level = t * gain <= ROUNDING * size and ft >= f - ROUNDING * size
            if math.isfinite(ft) and all(map(math.isfinite, gt)) and (ft > f or level):
                break
            t *= 0.5
        point, f, g, h, third = trial, ft, gt, ht, third_t
    return point


def _chebyshev(low, d, third):
    """The Newton step `d` (−H d = g, `low` the Cholesky factor of −H) with Chebyshev's
    correction ½(−H)⁻¹T[d, d] added, or `d` when the correction is not finite or is more than
    half of it (far from the maximum, where the expansion it comes from does not hold)."""
    pairs = [dj * dk for dj in d for dk in d]
    bend = [sum(map(operator.mul, ti, pairs)) for ti in third]  # T[d, d]
    correction = cholesky_solve(low, bend)  # twice the correction
    if not max(map(abs, correction)) <= max(map(abs, d)):
        return d
    return [di + 0.5 * ci for di, ci in zip(d, correction)]


def _last_step(evaluate, move, spaces, point, f, d, gain, size):
    """Converged: the point one more Newton step `d` leads to (it squares the remaining
    error), so that the fit, whose first evaluation reuses this pass, takes no last step of its
    own (an evaluation of the whole graph); `point` when the step moves no coordinate, in the
    optimizer's unconstrained ones, beyond NEGLIGIBLE of it, or its decrement `gain` (the same
    in any coordinates) is below NEGLIGIBLE²·|f| (the fit would not take it either), or it
    leaves the start's region or lowers the log-likelihood beyond rounding."""
    if negligible_decrement(gain, size):
        return point
    trial = move(point, d)
    if trial is None:
        return point
    trial = settled(spaces, trial)
    at = unconstrained(spaces, point)
    if negligible_move([b - a for a, b in zip(at, unconstrained(spaces, trial))], at):
        return point
    ft, gt, *_ = evaluate(trial)
    if math.isfinite(ft) and all(map(math.isfinite, gt)) and ft >= f - ROUNDING * size:
        return trial
    return point


def unconstrained(spaces, point):
    """The point in the optimizer's coordinates: each value through its space's map."""
    return [space.to_unconstrained(v) for space, v in zip(spaces, point)]


def settled(spaces, point):
    """The point as the optimizer sees it: each value through its space's unconstrained map
    and back (a start at s becomes exp(log s), which may differ in the last bit)."""
    return tuple([space.to_natural(space.to_unconstrained(v)) for space, v in zip(spaces, point)])


def start_data(data):
    """The `QuadraticData` a start's Newton steps run on: the statistics' own when they hold
    at most START_ROWS rows (so the fit's first evaluation reuses the start's last pass), else
    one over their `start_sample`."""
    if data.x.size <= START_ROWS:
        return data
    return QuadraticData(*start_sample(data.x, data.weights))
