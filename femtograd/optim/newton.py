"""Newton–Raphson with the exact Hessian, a backtracking line search and a safeguard.

Where the Hessian is negative definite the step is the Newton step. Where it is
not, the eigenvalues of −H are reflected and floored (an eigenvalue-modified
Newton step), which is always an ascent direction; if even that step cannot
increase the log-likelihood, a steepest-ascent step is tried. A step never goes
uphill in −loglik: every accepted point passes the Armijo test, except a Newton step
whose whole promised gain is below the rounding of the log-likelihood, which values
cannot judge: it is taken when the value there is level to rounding, and the
derivatives there decide.

It stops when the Newton decrement is small beside |loglik| (`stopping`: no units, so
weights of 1e-300 or data in any units change nothing), and takes that last tiny step
too unless it is below the rounding of the derivatives (NEGLIGIBLE); a stationary point
with no negative curvature to rely on ends as "flat".
"""

import math

import numpy as np

from ..core.cholesky import SMALL, cholesky_rows, cholesky_solve
from ..core.tolerances import negligible_decrement, negligible_move
from .linesearch import backtrack
from .objective import Counted
from .options import check_option
from .result import (CONVERGED, FLAT, FLAT_MESSAGE, NON_FINITE, OptimResult, no_ascent,
                     non_finite_start, out_of_iterations)
from .stopping import DEFAULT, ROUNDING, max_abs

def newton_direction(g, h):
    """(direction, modified): solve −H d = g, modifying −H when it is not positive definite."""
    n = len(g)
    if n == 1:  # closed forms for the commonest sizes (numpy's overhead dominates there)
        a = -float(h[0, 0])
        if a > 0:
            return np.array([float(g[0]) / a]), False
    elif n == 2:
        (a, b), (_, c) = np.asarray(h, dtype=float).tolist()
        a, b, c = -a, -b, -c
        det = a * c - b * b
        if a > 0 and det > 0:
            g0, g1 = np.asarray(g, dtype=float).tolist()
            return np.array([(c * g0 - b * g1) / det, (a * g1 - b * g0) / det]), False
    a = -h
    if n <= SMALL:
        low = cholesky_rows(a.tolist())
        if low is not None:
            return np.array(cholesky_solve(low, [float(v) for v in g])), False
    else:
        try:
            c = np.linalg.cholesky(a)
            return np.linalg.solve(c.T, np.linalg.solve(c, g)), False
        except np.linalg.LinAlgError:
            pass
    sc = unit_scales(a)  # each coordinate in its own units, so that the floor below is
    lam, v = np.linalg.eigh(a / np.outer(sc, sc))  # relative whatever units the user's are
    floor = 1e-8 * float(np.max(np.abs(lam)))
    if not floor > 0:  # no curvature at all (or NaN): steepest ascent
        return np.array(g, dtype=float), True
    lam = np.maximum(np.abs(lam), floor)
    return (v @ ((v.T @ (g / sc)) / lam)) / sc, True


def unit_scales(a):
    """√|diag(a)| where that is positive and finite, else 1: dividing a matrix of second
    derivatives by their outer product takes out every coordinate's units."""
    dg = np.abs(np.diag(a)).astype(float)
    ok = np.isfinite(dg) & (dg > 0)
    return np.where(ok, np.sqrt(np.where(ok, dg, 1.0)), 1.0)


def cap_step(d, x, max_step):
    """Shorten d so that no coordinate moves more than max_step·(1 + |x|)."""
    ratio = max_abs([di / (max_step * (1.0 + abs(xi)))
                     for di, xi in zip(np.asarray(d, dtype=float).tolist(),
                                       np.asarray(x, dtype=float).tolist())])
    return d / ratio if ratio > 1.0 else d


def escape_saddle(objective, x, f, h, size):
    """From a stationary point that is not a maximum, a better point along the direction of
    most positive curvature (either way), or None when H is negative semi-definite there."""
    if len(x) == 1 and float(h[0, 0]) <= 0:
        return None
    if len(x) == 2 and float(h[0, 0]) < 0 and \
            float(h[0, 0]) * float(h[1, 1]) - float(h[0, 1]) * float(h[0, 1]) > 0:
        return None  # negative definite: a maximum
    sc = unit_scales(h)
    lam, vec = np.linalg.eigh(h / np.outer(sc, sc))
    if not lam[-1] > 1e-8 * float(np.max(np.abs(lam))):
        return None
    d = cap_step(vec[:, -1] / sc, x, 1.0)
    t = 1.0
    with np.errstate(all="ignore"):
        for _ in range(40):
            for sign in (1.0, -1.0):
                xt = x + sign * t * d
                ft = objective.value(xt)
                if ft > f + ROUNDING * size and ft < np.inf:
                    return xt
            t *= 0.5
    return None


def newton(objective, x0, tol=None, max_step=10.0, method="newton"):
    """Maximize `objective` from `x0` by safeguarded Newton–Raphson; an `OptimResult`.

    Converged means a Newton decrement below tolerance where −H is positive definite
    (`stopping`); a stationary point where it is not, and from which no direction of
    positive curvature leads up, ends with status "flat". Its `evaluations` counts every
    evaluation of the objective: line-search trials (those of a failed search too), saddle
    escapes and the derivatives at each accepted point."""
    tol = tol or DEFAULT
    max_step = check_option("max_step", max_step)
    objective = Counted(objective)
    x = np.asarray(x0, dtype=float).copy()
    f, g, h = objective.value_grad_hess(x)
    if not math.isfinite(f):
        return non_finite_start(x, f, method)
    history = [f]
    blind = False  # the last step was taken on the derivatives' word (`_blind_step`)
    for it in range(1, tol.max_iter + 1):
        size = abs(f)
        d, modified = newton_direction(g, h)
        gain = float(np.dot(g, d))
        if not modified and tol.decrement_small(gain, size):
            return _last_step(objective, x, f, g, h, d, it - 1, method, history, size)
        if modified and tol.stalled(gain, size):  # stationary, but not a maximum
            x_new = escape_saddle(objective, x, f, h, size)
            if x_new is None:
                return OptimResult(x, f, g, it - 1, FLAT, FLAT_MESSAGE, method,
                                   objective.calls, history)
            x = x_new  # a saddle point or a minimum: move off it and carry on
            f, g, h = objective.value_grad_hess(x)
            history.append(f)
            continue
        d = cap_step(d, x, max_step)
        gain = float(np.dot(g, d))
        # a Newton step promising less than the rounding of f: values cannot judge it (a line
        # search would halve it some thirty times on noise), the derivatives there do
        stalled = modified is False and tol.stalled(gain, size)
        step = None if stalled else _increase(backtrack(objective.value, x, f, g, d), f)
        if stalled:
            moved = None if blind else _blind_step(objective, x, f, d, size)
            if moved is None:
                return OptimResult(x, f, g, it - 1, CONVERGED,
                                   "Newton decrement below rounding: no further increase "
                                   "possible", method, objective.calls, history)
            if moved[1] > f:
                history.append(moved[1])  # (the history records increases only)
            x, f, g, h = moved  # then the decrement there decides, as at any other point
            blind = True
            continue
        blind = False
        if step is None:
            d = cap_step(g, x, 1.0)
            step = _increase(backtrack(objective.value, x, f, g, d), f)
        if step is None:
            return no_ascent(x, f, g, it - 1, False, method, objective.calls, history)
        x_old = x
        x, f_new, g_new, h_new = _derivatives_along(objective, x, f, g, d, step)
        if x is None:  # value finite but derivatives not, at every shorter step too
            x = x_old
            f, g, h = objective.value_grad_hess(x)
            return OptimResult(x, f, g, it, NON_FINITE,
                               "derivatives are not finite at the next point", method,
                               objective.calls, history)
        f, g, h = f_new, g_new, h_new
        history.append(f)
    return out_of_iterations(x, f, g, tol.max_iter, method, objective.calls, history)


def _blind_step(objective, x, f, d, size):
    """(x + d, f, g, H) there for a Newton step whose whole promised gain is below rounding
    of the log-likelihood (so values cannot judge it, and the line search finds no increase),
    when the value there is finite and within rounding of f; else None. The derivatives, not
    the values, then say whether it is a maximum: the decrement is squared by the step."""
    xt = x + d
    ft, gt, ht = objective.value_grad_hess(xt)
    if not (math.isfinite(ft) and ft >= f - ROUNDING * size):
        objective.value_grad_hess(x)  # (leave the objective where the run stops, as _last_step)
        return None
    return xt, ft, gt, ht


def _increase(step, f):
    """The line search's step when it raises the log-likelihood, else None. (Where the
    Armijo term c1·t·(g·d) is below rounding of f, the test passes at a value equal to f:
    such a step moves x by nothing, and accepting it would repeat until max_iter.)"""
    return step if step is not None and step.f > f else None


def _derivatives_along(objective, x, f, g, d, step):
    """(point, f, g, H) at the accepted step, or — where the derivatives overflow though the
    value does not (extreme units: a Hessian term beyond 1e308) — at the longest shorter
    step along d that still passes the Armijo test with finite derivatives; Nones if none."""
    slope, t, xt = float(np.dot(g, d)), step.t, step.x
    for _ in range(30):
        ft, gt, ht = objective.value_grad_hess(xt)
        if math.isfinite(ft):
            return xt, ft, gt, ht
        t *= 0.5
        xt = x + t * d
        if not objective.value(xt) >= f + 1e-4 * t * slope:
            break
    return None, None, None, None


def _last_step(objective, x, f, g, h, d, iterations, method, history, size):
    """Converged: take the (tiny) last Newton step too, which squares the remaining error at
    the cost of one evaluation; it is kept unless it lowers the log-likelihood beyond
    rounding (then x is evaluated again, so that the objective is left where it stopped).
    A step below NEGLIGIBLE·|x| in every coordinate, or whose decrement g·d is below
    NEGLIGIBLE²·|f| (a coordinate near 0, such as a location or the log of a scale near 1,
    has no |x| to be relative to; in the information's metric the step is then ~1e-14·√|f|
    standard errors), is not taken: the derivatives' own rounding (sums over many rows) moves
    a maximum that much, and the evaluation would cost as much as an iteration."""
    if negligible_decrement(float(np.dot(g, d)), size) or negligible_move(d.tolist(), x.tolist()):
        return OptimResult(x, f, g, iterations, CONVERGED, "Newton decrement below tolerance",
                           method, objective.calls, history)
    ft, gt, _ = objective.value_grad_hess(x + d)
    if math.isfinite(ft) and ft >= f - ROUNDING * size:
        if ft > f:
            history.append(ft)  # (the history records increases only)
        x, f, g = x + d, ft, gt
    else:
        objective.value_grad_hess(x)
    return OptimResult(x, f, g, iterations, CONVERGED, "Newton decrement below tolerance",
                       method, objective.calls, history)
