"""Helpers for data-based starts of families without closed-form estimators: each row as a
time, a weight and whether it is an event, the best point of a one-dimensional grid, and
quantiles of an evenly strided sample of at most START_ROWS rows (a start at n = 1e6 costs no
more than at n = 2e4).

Starts need only land in the basin of the maximum, so censored rows are read simply: a
right-censored row is a time at risk without an event, a left-censored row an event at half
its upper bound, an interval-censored row an event at its midpoint.
"""

import numpy as np

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


def start_sample(x, w):
    """Every k-th row of `x` (and of the weights `w`, None when every row counts once), with k
    the smallest step that leaves at most START_ROWS rows."""
    step = -(-x.size // START_ROWS)
    return (x, w) if step == 1 else (x[::step], None if w is None else w[::step])


def sample_quantiles(x, w, probs):
    """For each probability, the smallest value of a `start_sample` of the rows whose share of
    the weight reaches it (`weighted_quantiles`); a selection, not a sort, when unweighted."""
    x, w = start_sample(x, w)
    if w is None:
        return [float(q) for q in np.quantile(x, probs, method="inverted_cdf")]
    return [float(q) for q in weighted_quantiles(x, w, probs)]
