"""Backtracking (Armijo) line search: the one reusable step-length rule.

A trial point whose log-likelihood is not finite (overflow, leaving the
support) is a rejected step, like one that does not increase enough.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class Step:
    t: float          # accepted step length
    x: np.ndarray     # accepted point
    f: float          # log-likelihood there


def backtrack(f, x, fx, g, d, t=1.0, c1=1e-4, shrink=0.5, max_trials=60):
    """Largest t in t, t·shrink, t·shrink², ... with f(x + t·d) ≥ f(x) + c1·t·(g·d).

    `f` is maximized; `d` must be an ascent direction (g·d > 0). Returns a `Step`,
    or None when no trial point qualifies (the caller decides what that means).
    """
    slope = float(np.dot(g, d))
    if not slope > 0:
        return None
    with np.errstate(all="ignore"):
        for k in range(1, max_trials + 1):
            xt = x + t * d
            ft = f(xt)
            if ft == ft and ft > -np.inf and ft >= fx + c1 * t * slope and ft < np.inf:
                return Step(t, xt, ft)
            t *= shrink
    return None
