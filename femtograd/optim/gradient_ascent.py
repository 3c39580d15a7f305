"""Clipped gradient ascent, as in the R package's vignette.

    x ← x + lr · grad_clip(g, max_norm)

for at most `iterations` steps, stopping when |g| < tol. The one departure: a
trial point whose log-likelihood is not finite (a rate pushed below zero) is
rejected and the step halved, instead of carrying NaN forward.
"""

import math

import numpy as np

from .clip import grad_clip
from .objective import Counted
from .options import check_option
from .result import CONVERGED, MAX_ITER, NON_FINITE, OptimResult, non_finite_start
from .stopping import max_abs


def gradient_ascent(objective, x0, lr=0.2, max_norm=1.0, iterations=1000, tol=1e-6,
                    method="gradient_ascent"):
    """Maximize `objective` from `x0` by clipped gradient ascent; an `OptimResult` whose
    `evaluations` counts every evaluation of the objective (rejected trial steps too)."""
    lr, max_norm = check_option("lr", lr), check_option("max_norm", max_norm)
    iterations, tol = check_option("iterations", iterations), check_option("tol", tol)
    objective = Counted(objective)
    x = np.asarray(x0, dtype=float).copy()
    f, g = objective.value_grad(x)
    if not math.isfinite(f):
        return non_finite_start(x, f, method)
    history = [f]
    for it in range(1, iterations + 1):
        if max_abs(g) < tol:
            return OptimResult(x, f, g, it - 1, CONVERGED, f"gradient below tol = {tol}",
                               method, objective.calls, history)
        step = lr * grad_clip(g, max_norm)
        for _ in range(60):
            f_new, g_new = objective.value_grad(x + step)
            if math.isfinite(f_new):
                break
            step = step / 2
        else:
            return OptimResult(x, f, g, it - 1, NON_FINITE,
                               "every trial step leaves the finite log-likelihood", method,
                               objective.calls, history)
        x, f, g = x + step, f_new, g_new
        history.append(f)
    ok = max_abs(g) < tol
    return OptimResult(x, f, g, iterations, CONVERGED if ok else MAX_ITER,
                       f"gradient below tol = {tol}" if ok else
                       f"gradient still {max_abs(g):.3g} after {iterations} "
                       f"iterations (tol = {tol})", method, objective.calls, history)
