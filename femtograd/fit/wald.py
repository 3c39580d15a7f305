"""Wald tests at a null value, from one fit (no refitting): R's `wald_test(fit, parm, null_value)`.

A hypothesis is a linear restriction R·θ = r on the parameters (in `param_names` order):

    fit.wald_test({"shape": 1.0})                 # one parameter at a value
    fit.wald_test({"shape": 1.0, "scale": 2.0})   # several jointly
    fit.wald_test("shape", 1.0)                   # R's (parm, null_value)
    fit.wald_test(([[1.0, -1.0]], [0.0]))         # R θ = r: shape = scale

W = (R θ̂ − r)ᵀ (R V Rᵀ)⁻¹ (R θ̂ − r) ~ chi-square(rank R) under the hypothesis, with V the
fit's covariance (of its `cov_type`). A restriction on a fixed parameter is an error: it has
no variance to test against.
"""

import numbers

import numpy as np

from ..core.lazy import stats
from .covariance import safe_inverse
from .likelihood_tests import HypothesisTest


def wald_at(fit, hypothesis, value=0.0):
    """The Wald test of `hypothesis` (see the module) at `fit`'s estimate and covariance."""
    r_matrix, r = restriction(fit, hypothesis, value)
    free = fit._free
    used = np.flatnonzero(np.any(r_matrix != 0, axis=0))
    held = [fit.param_names[j] for j in used if j not in free]
    if held:
        raise ValueError(f"the hypothesis involves fixed parameter(s) {held}: they were not "
                         "estimated, so there is nothing to test")
    q = len(r)
    if np.linalg.matrix_rank(r_matrix) < q:
        raise ValueError(f"the {q} restrictions are linearly dependent (R has rank "
                         f"{np.linalg.matrix_rank(r_matrix)}); drop the redundant rows")
    a = r_matrix[:, free]
    diff = a @ fit.mle[free] - r
    cov = a @ fit.cov.to_numpy()[np.ix_(free, free)] @ a.T
    inv = safe_inverse(cov, [f"restriction {i + 1}" for i in range(q)],
                       "covariance of the restrictions")
    stat = float(diff @ inv @ diff)
    return HypothesisTest("Wald", stat, q, float(stats.chi2.sf(stat, q)))


def restriction(fit, hypothesis, value=0.0):
    """(R, r) for a hypothesis given as a dict, a name or names (with `value`), or (R, r)."""
    names = list(fit.param_names)
    p = len(names)
    if isinstance(hypothesis, tuple) and len(hypothesis) == 2:
        r_matrix = np.atleast_2d(np.asarray(hypothesis[0], dtype=float))
        r = np.atleast_1d(np.asarray(hypothesis[1], dtype=float))
        if r_matrix.ndim != 2 or r_matrix.shape[1] != p or r.shape != (r_matrix.shape[0],):
            raise ValueError(f"a linear hypothesis (R, r) needs R of shape (q, {p}) over "
                             f"{names} and r of shape (q,); got {r_matrix.shape} and {r.shape}")
    else:
        if isinstance(hypothesis, str):
            hypothesis = [hypothesis]
        if isinstance(hypothesis, dict):
            pairs = list(hypothesis.items())
        elif isinstance(hypothesis, (list, tuple)) and all(isinstance(h, str) for h in hypothesis):
            values = list(value) if isinstance(value, (list, tuple, np.ndarray)) \
                else [value] * len(hypothesis)
            if len(values) != len(hypothesis):
                raise ValueError(f"{len(values)} null values for the {len(hypothesis)} "
                                 f"parameters {list(hypothesis)}")
            pairs = list(zip(hypothesis, values))
        else:
            raise TypeError("a hypothesis is a dict {name: value}, a parameter name (or names) "
                            f"with value=, or a pair (R, r); got {type(hypothesis).__name__}")
        if not pairs:
            raise ValueError("the hypothesis names no parameter")
        r_matrix, r = np.zeros((len(pairs), p)), np.zeros(len(pairs))
        for i, (name, v) in enumerate(pairs):
            if name not in names:
                raise ValueError(f"unknown parameter {name!r}; the parameters are {names}")
            if not isinstance(v, numbers.Real):
                raise TypeError(f"the null value of {name} must be a number; got {v!r}")
            r_matrix[i, names.index(name)], r[i] = 1.0, float(v)
    if not (np.all(np.isfinite(r_matrix)) and np.all(np.isfinite(r))):
        raise ValueError("the hypothesis must be finite numbers")
    return r_matrix, r
