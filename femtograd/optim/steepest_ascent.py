"""Gradient ascent with the Armijo line search (steepest ascent): the plain first-order method.

Each step goes along the gradient on the optimizer's scale; its length is found by the
shared backtracking line search, starting from twice the length accepted last (so the
step adapts to the curvature instead of being a fixed learning rate). Slow on
ill-conditioned problems, but needs only gradients and O(p) memory; the fit reports
it like any other optimizer. (R's `gradient_descent` is the same on −loglik.)
"""

import math

import numpy as np

from .linesearch import backtrack
from .newton import cap_step
from .objective import Counted
from .options import check_option
from .result import (CONVERGED, NON_FINITE, OptimResult, no_ascent, non_finite_start,
                     out_of_iterations, small_step)
from .stopping import Tolerances, max_abs


def steepest_ascent(objective, x0, tol=None, max_step=10.0, method="steepest_ascent"):
    """Maximize `objective` from `x0` along its gradient with a line search; an
    `OptimResult` whose `evaluations` counts every evaluation (line-search trials too)."""
    tol = tol or Tolerances(max_iter=5000)
    max_step = check_option("max_step", max_step)
    objective = Counted(objective)
    x = np.asarray(x0, dtype=float).copy()
    f, g = objective.value_grad(x)
    if not math.isfinite(f):
        return non_finite_start(x, f, method)
    t = 1.0  # the trial multiple of the gradient
    trusted = False  # t has the user's units until a line search has measured the curvature
    history = [f]
    for it in range(1, tol.max_iter + 1):
        size = abs(f)
        # t ≈ 2 / curvature along g, so t·gᵀg bounds the gain a Newton step along g promises
        if trusted and tol.decrement_small(t * float(np.dot(g, g)), size):
            return OptimResult(x, f, g, it - 1, CONVERGED,
                               "estimated Newton decrement below tolerance", method,
                               objective.calls, history)
        d = cap_step(t * g, x, max_step)
        step = backtrack(objective.value, x, f, g, d)
        if step is None:
            return no_ascent(x, f, g, it - 1, trusted and tol.stalled(float(np.dot(g, d)), size),
                             method, objective.calls, history)
        if not step.f > f:  # accepted by Armijo's rule within rounding, yet no gain
            return no_ascent(x, f, g, it - 1, True, method, objective.calls, history)
        t = 2.0 * step.t * max_abs(d) / max_abs(g)
        trusted = True
        f_new, g_new = objective.value_grad(step.x)
        if not math.isfinite(f_new):
            return OptimResult(x, f, g, it, NON_FINITE,
                               "gradient is not finite at the next point", method,
                               objective.calls, history)
        f_old, x_old, x, f, g = f, x, step.x, f_new, g_new
        history.append(f)
        if tol.step_small(x - x_old, x, f - f_old, size):
            return small_step(x, f, g, it, method, objective.calls, history)
    return out_of_iterations(x, f, g, tol.max_iter, method, objective.calls, history)
