"""Helpers for data-based starts of families without closed-form estimators: each row as a
time, a weight and whether it is an event, and the best point of a one-dimensional grid.

Starts need only land in the basin of the maximum, so censored rows are read simply: a
right-censored row is a time at risk without an event, a left-censored row an event at half
its upper bound, an interval-censored row an event at its midpoint.
"""

import numpy as np


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
    if t.size == 0 or w.sum() <= 0 or np.dot(w, event) <= 0:
        return np.ones(1), np.ones(1), np.ones(1)  # nothing observed: any start will do
    return t, w, event


def best_on_grid(f, grid):
    """The grid point where `f` is largest among its finite values (the first if none is)."""
    with np.errstate(all="ignore"):
        values = np.array([f(g) for g in grid], dtype=float)
    values[~np.isfinite(values)] = -np.inf
    return float(grid[int(np.argmax(values))])
