"""BFGS with exact gradients: a quasi-Newton ascent that never forms the Hessian.

The inverse of −H is approximated from successive gradients (update skipped when
the curvature condition fails); steps come from the shared Armijo line search,
and a failed search restarts from the steepest-ascent direction once. It stops when
the decrement that approximation predicts is small beside the log-likelihood (the
first, identity, approximation has the user's units and is never trusted for that, nor
for the small-step and no-further-increase rules).
"""

import math

import numpy as np

from .linesearch import backtrack
from .objective import Counted
from .options import check_option
from .newton import cap_step
from .result import (CONVERGED, NON_FINITE, OptimResult, no_ascent, non_finite_start,
                     out_of_iterations, small_step)
from .stopping import Tolerances, max_abs


def bfgs(objective, x0, tol=None, max_step=10.0, method="bfgs"):
    """Maximize `objective` from `x0` by BFGS; an `OptimResult` whose `evaluations` counts
    every evaluation of the objective (failed line searches too)."""
    tol = tol or Tolerances(max_iter=500)
    max_step = check_option("max_step", max_step)
    objective = Counted(objective)
    x = np.asarray(x0, dtype=float).copy()
    n = len(x)
    f, g = objective.value_grad(x)
    if not math.isfinite(f):
        return non_finite_start(x, f, method)
    b = np.eye(n)  # approximates (−H)⁻¹
    fresh = True
    history = [f]
    for it in range(1, tol.max_iter + 1):
        size = abs(f)
        bg = b @ g if not fresh else steepest_direction(g)
        if not fresh and tol.decrement_small(float(np.dot(g, bg)), size):
            return OptimResult(x, f, g, it - 1, CONVERGED,
                               "approximate Newton decrement below tolerance", method,
                               objective.calls, history)
        trusted = not fresh  # a direction from an updated approximation has no units
        d = cap_step(bg, x, max_step)
        step = backtrack(objective.value, x, f, g, d)
        if step is None and not fresh:
            b, fresh = np.eye(n), True
            d = cap_step(steepest_direction(g), x, 1.0)
            step = backtrack(objective.value, x, f, g, d)
        if step is None:
            return no_ascent(x, f, g, it - 1, trusted and tol.stalled(float(np.dot(g, d)), size),
                             method, objective.calls, history)
        x_new = step.x
        f_new, g_new = objective.value_grad(x_new)
        if not math.isfinite(f_new):
            return OptimResult(x, f, g, it, NON_FINITE,
                               "gradient is not finite at the next point", method,
                               objective.calls, history)
        s, y = x_new - x, g - g_new  # y: change in the gradient of −loglik
        b, updated = _update(b, s, y, fresh)
        fresh = fresh and not updated
        f_old, x_old, x, f, g = f, x, x_new, f_new, g_new
        history.append(f)
        if trusted and tol.step_small(x - x_old, x, f - f_old, size):
            return small_step(x, f, g, it, method, objective.calls, history)
    return out_of_iterations(x, f, g, tol.max_iter, method, objective.calls, history)


def steepest_direction(g):
    """The steepest-ascent direction scaled to a largest component of 1: the first step
    before any curvature is known, free of the log-likelihood's size (g itself would be
    1e-300 long with weights of 1e-300)."""
    top = max_abs(g)
    return g / top if top > 0 else g


def _update(b, s, y, fresh):
    """(the BFGS update of b ≈ (−H)⁻¹ for step s and gradient change y, whether it was made):
    skipped when the curvature condition sᵀy > 0 fails. y is used divided by its largest
    component (and that size put back at the end), so that a log-likelihood of size 1e-300
    or 1e300 neither underflows nor overflows: b = (I − ρsyᵀ) b (I − ρysᵀ) + ρssᵀ."""
    ny = max_abs(y)
    if not ny > 0 or not math.isfinite(ny):
        return b, False
    yh = y / ny
    syh = float(np.dot(s, yh))
    if not syh > 1e-12 * float(np.linalg.norm(s) * np.linalg.norm(yh)):
        return b, False
    if fresh:  # the first approximation: the identity scaled to the curvature seen
        b = np.eye(len(s)) * (syh / float(np.dot(yh, yh)) / ny)
    v = np.eye(len(s)) - np.outer(s, yh) / syh
    return v @ b @ v.T + np.outer(s, s) / (syh * ny), True
