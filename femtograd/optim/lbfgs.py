"""L-BFGS with exact gradients: quasi-Newton ascent in O(m·p) memory and work per step.

For models with many parameters, where a dense Hessian (p² entries, evaluated every
Newton step) is the bottleneck. The inverse of −H is represented by the last `memory`
pairs (step, change in gradient) and applied by the two-loop recursion; a pair that
fails the curvature condition is not stored. Steps come from the shared Armijo line
search; a failed search forgets the pairs and tries the steepest-ascent direction once.
It stops, as BFGS does, when the decrement the pairs predict, gᵀ(−H)⁻¹g, is small beside
|loglik| (`stopping`: no units); before any pair is stored nothing is judged.
"""

import math
from collections import deque

import numpy as np

from .bfgs import steepest_direction
from .linesearch import backtrack
from .newton import cap_step
from .objective import Counted
from .options import check_option
from .result import (CONVERGED, NON_FINITE, OptimResult, no_ascent, non_finite_start,
                     out_of_iterations, small_step)
from .stopping import Tolerances


def lbfgs(objective, x0, tol=None, max_step=10.0, method="lbfgs", memory=10):
    """Maximize `objective` from `x0` by L-BFGS keeping `memory` pairs; an `OptimResult`
    whose `evaluations` counts every evaluation of the objective (failed searches too)."""
    tol = tol or Tolerances(max_iter=1000)
    max_step = check_option("max_step", max_step)
    memory = check_option("memory", memory)
    objective = Counted(objective)
    x = np.asarray(x0, dtype=float).copy()
    f, g = objective.value_grad(x)
    if not math.isfinite(f):
        return non_finite_start(x, f, method)
    pairs = deque(maxlen=memory)  # (s, y, 1 / sᵀy), y the change in the gradient of −loglik
    history = [f]
    for it in range(1, tol.max_iter + 1):
        size = abs(f)
        bg = two_loop(g, pairs) if pairs else steepest_direction(g)
        trusted = bool(pairs)  # with no pairs, bg is the unit steepest-ascent direction
        if trusted and tol.decrement_small(float(np.dot(g, bg)), size):
            return OptimResult(x, f, g, it - 1, CONVERGED,
                               "approximate Newton decrement below tolerance", method,
                               objective.calls, history)
        d = cap_step(bg, x, max_step)
        step = backtrack(objective.value, x, f, g, d)
        if step is None and pairs:
            pairs.clear()
            d = cap_step(steepest_direction(g), x, 1.0)
            step = backtrack(objective.value, x, f, g, d)
        if step is None:
            return no_ascent(x, f, g, it - 1, trusted and tol.stalled(float(np.dot(g, d)), size),
                             method, objective.calls, history)
        f_new, g_new = objective.value_grad(step.x)
        if not math.isfinite(f_new):
            return OptimResult(x, f, g, it, NON_FINITE,
                               "gradient is not finite at the next point", method,
                               objective.calls, history)
        s, y = step.x - x, g - g_new
        sy = float(np.dot(s, y))
        if sy > 1e-12 * float(np.linalg.norm(s) * np.linalg.norm(y)):
            pairs.append((s, y, 1.0 / sy))
        f_old, x_old, x, f, g = f, x, step.x, f_new, g_new
        history.append(f)
        if trusted and tol.step_small(x - x_old, x, f - f_old, size):
            return small_step(x, f, g, it, method, objective.calls, history)
    return out_of_iterations(x, f, g, tol.max_iter, method, objective.calls, history)


def two_loop(g, pairs):
    """(−H)⁻¹·g as the stored pairs approximate it (g itself when there are none), the
    initial matrix scaled by sᵀy / yᵀy of the latest pair."""
    q = np.array(g, dtype=float)
    alphas = []
    for s, y, rho in reversed(pairs):
        a = rho * float(np.dot(s, q))
        q -= a * y
        alphas.append(a)
    if pairs:
        s, y, rho = pairs[-1]
        q *= 1.0 / (rho * float(np.dot(y, y)))
    for (s, y, rho), a in zip(pairs, reversed(alphas)):
        b = rho * float(np.dot(y, q))
        q += (a - b) * s
    return q
