"""Covariance of the MLE: observed information (default), outer product of scores, sandwich.

A singular or indefinite matrix is never inverted into made-up numbers: the
covariance is NaN and a warning says why (which parameters are not identified,
or that the point is not a maximum).
"""

import math
import warnings

import numpy as np

from ..core import Value, grad_nodes
from ..core import sum as fg_sum
from .common import fitted_model, user_stacklevel

COV_TYPES = ("observed", "opg", "sandwich")


class SingularInformationWarning(UserWarning):
    """The information matrix cannot be inverted: standard errors are NaN."""


def check_cov_type(kind):
    if kind not in COV_TYPES:
        raise ValueError(f"unknown covariance type {kind!r}; use one of {list(COV_TYPES)}")
    return kind


def correlation_scaled(info):
    """(s, R): R = diag(s)·info·diag(s) with unit diagonal, s = 1/sqrt(diag(info)).

    Positive definiteness and identifiability do not depend on the units of the
    parameters; judged on `info` itself, a Weibull scale in the hundreds of
    millions would look singular. None when a diagonal entry is not positive.
    """
    d = np.diag(info)
    if not np.all(d > 0):
        return None
    s = 1.0 / np.sqrt(d)
    return s, info * np.outer(s, s)


def information_problem(info, names, what="observed information"):
    """Why `info` cannot give a covariance (a sentence), or None when it is positive definite."""
    if info.size == 0:
        return None
    if not np.all(np.isfinite(info)):
        return f"the {what} has non-finite entries"
    d = np.diag(info)
    flat = [n for n, v in zip(names, d) if v == 0]
    if flat:
        return f"the {what} is singular (zero curvature): the data do not identify {flat}"
    bent = [n for n, v in zip(names, d) if v < 0]
    if bent:
        return (f"the {what} is not positive definite (negative curvature in {bent}): the "
                "estimate is not a maximum")
    _, r = correlation_scaled(info)
    try:
        c = np.diag(np.linalg.cholesky(r))
        if float(np.min(c)) ** 2 > 1e-12:
            return None  # positive definite and well conditioned: no eigen-analysis needed
    except np.linalg.LinAlgError:
        pass
    lam, vec = np.linalg.eigh(r)
    if lam[0] > 1e-12:
        return None
    involved = [n for n, c in zip(names, vec[:, 0]) if abs(c) > 0.3] or list(names)
    if lam[0] < -1e-8:
        return (f"the {what} is not positive definite (smallest eigenvalue of the "
                f"correlation-scaled matrix {lam[0]:.3g}): the estimate is not a maximum in the "
                f"direction of {involved}")
    return (f"the {what} is singular (smallest eigenvalue of the correlation-scaled matrix "
            f"{lam[0]:.3g}): the data do not identify {involved}")


def safe_inverse(info, names, what="observed information", warn=True, why=None):
    """inv(info), or an all-NaN matrix with a `SingularInformationWarning` saying why."""
    cov = _small_inverse(info)
    if cov is not None:
        return cov
    problem = information_problem(info, names, what)
    if problem is not None and why is not None:
        why = why()
        if why:
            problem += f" ({why})"
    if problem is None:
        try:
            sc, r = correlation_scaled(info)
            cov = np.linalg.inv(r) * np.outer(sc, sc)
            return (cov + cov.T) / 2
        except np.linalg.LinAlgError:
            problem = f"the {what} could not be inverted"
    if warn:
        warnings.warn(problem + "; standard errors are NaN", SingularInformationWarning,
                      stacklevel=user_stacklevel())
    return np.full(info.shape, np.nan)


def _small_inverse(info):
    """For one or two parameters, in plain floats (numpy's overhead dominates there): what
    `safe_inverse` computes when `information_problem` finds nothing, or None when it
    might (then the general path decides)."""
    p = info.shape[0]
    if p == 1:
        a = float(info[0, 0])
        return np.array([[1.0 / a]]) if 0.0 < a < math.inf else None
    if p != 2:
        return None
    a, c = float(info[0, 0]), float(info[1, 1])
    if not (0.0 < a < math.inf and 0.0 < c < math.inf):
        return None
    sa, sc = 1.0 / math.sqrt(a), 1.0 / math.sqrt(c)
    upper, lower = float(info[0, 1]) * sa * sc, float(info[1, 0]) * sa * sc  # correlation-scaled
    if not (math.isfinite(upper) and 1.0 - lower * lower > 1e-12):  # Cholesky's test, below
        return None
    det = 1.0 - upper * lower
    off = -0.5 * (upper + lower) / det * sa * sc
    return np.array([[sa * sa / det, off], [off, sc * sc / det]])


def score_contributions(fit):
    """Per-row unweighted scores (n, free) at the MLE and the row weights (n,).

    The generator's `contributions` is called with each free parameter as a Value
    of shape (n,): one reverse pass of the summed contributions gives every row's
    score, since row i depends only on entry i.
    """
    gen = fitted_model(fit, "computing per-row scores (for opg and sandwich covariances, BCa)",
                       "use the observed covariance")
    if not hasattr(gen, "contributions"):
        raise ValueError(f"per-row scores (the opg and sandwich covariances, BCa) need a model "
                         f"with contributions(); {type(gen).__name__} has none")
    n = int(gen.n)
    args, leaves = [], []
    for i, v in enumerate(fit.mle):
        if i in fit._free:
            leaf = Value(np.full(n, float(v)))
            leaves.append(leaf)
            args.append(leaf)
        else:
            args.append(float(v))
    with np.errstate(all="ignore"):
        contrib = gen.contributions(*args)
        scores = np.column_stack([np.broadcast_to(np.asarray(g.data, dtype=float), (n,))
                                  for g in grad_nodes(fg_sum(contrib), leaves)])
    return scores, np.asarray(gen.weights, dtype=float)


def covariance(fit, kind, edge=None):
    """Covariance of the free parameters (free, free) of the given kind. `edge(fit)`, when
    given, names the parameters at the edge of their space, to say why a matrix is singular."""
    names = fit.free_names
    info = fit._information  # the array behind observed_information

    def why():
        at = edge(fit) if edge is not None else None
        return (f"{at} at the edge of the parameter space: the log-likelihood is flat there"
                if at else None)
    if kind == "observed":
        return safe_inverse(info, names, why=why)
    scores, w = fit._row_scores  # score_contributions(fit), computed once per fit
    meat = (scores * w[:, None]).T @ scores
    if kind == "opg":
        return safe_inverse(meat, names, "outer product of the scores")
    bread = safe_inverse(info, names, why=why)
    return bread @ meat @ bread
