"""The Cholesky factor of a small symmetric matrix, its inverse, and solves with it, in plain
floats; and the same arithmetic over a stack of such matrices at once.

Up to a few rows numpy's per-call overhead is most of the cost, so Newton's direction, the
verdict's factor and the starts' float Newton steps factor their 2 × 2 to 4 × 4 matrices
here, as lists of rows. The arithmetic is written once, entry by entry: an entry may be a
float or an array holding that entry of every matrix of a stack (a batch's end points), so a
stacked factor is, to the last bit, the one each matrix gets alone. `inverse_factor` (one
matrix) and `stacked_inverse_factors` (a stack) choose between this arithmetic, up to SMALL
rows, and LAPACK beyond: the one place that choice is made for Newton and the verdict.
"""

import math

import numpy as np

SMALL = 4  # up to this many rows, factors in plain floats (numpy's per-call cost dominates)


def cholesky_rows(rows):
    """The lower Cholesky factor L (a = L·Lᵀ) of `rows`, a small matrix as a list of rows of
    floats, itself as rows of floats; None when it is not positive definite (or not
    finite)."""
    return _factor(rows, _root)


def _root(s):
    """√s for a pivot of a positive definite matrix; None for any other (≤ 0, inf, NaN)."""
    return math.sqrt(s) if s > 0 and s < math.inf else None


def _factor(rows, root):
    """L by the Cholesky recurrence, entry by entry (floats, or arrays of one shape); `root`
    takes each pivot's square root, or gives None to stop (then None)."""
    p = len(rows)
    low = [[0.0] * p for _ in range(p)]
    for i in range(p):
        li = low[i]
        for j in range(i + 1):
            lj = low[j]
            s = rows[i][j]
            for k in range(j):
                s = s - li[k] * lj[k]  # (not -=: an entry may be a view of the caller's array)
            if i == j:
                li[i] = root(s)
                if li[i] is None:
                    return None
            else:
                li[j] = s / lj[j]
    return low


def inverse_rows(low):
    """L⁻¹ of a lower-triangular factor L (rows, entries floats or arrays of one shape), as
    rows: forward substitution, column by column."""
    p = len(low)
    inv = [[0.0] * p for _ in range(p)]
    for j in range(p):
        inv[j][j] = 1.0 / low[j][j]
        for i in range(j + 1, p):
            s = 0.0
            for k in range(j, i):
                s = s - low[i][k] * inv[k][j]
            inv[i][j] = s / low[i][i]
    return inv


def inverse_factors(a):
    """(L⁻¹ for the Cholesky factor L of each matrix of the stack `a` (B, m, m), and which of
    them are positive definite (B,)), by `cholesky_rows` and `inverse_rows`' arithmetic over
    the whole stack at each step: the numbers they give each matrix alone. A factor of a
    matrix that is not positive definite is not finite or meaningless."""
    count, m, _ = a.shape
    with np.errstate(all="ignore"):
        low = _factor([[a[:, i, j] for j in range(m)] for i in range(m)], np.sqrt)
        inv = inverse_rows(low)
        ok = np.ones(count, bool)
        for i in range(m):  # √s is positive and finite exactly where the pivot s is
            ok &= (low[i][i] > 0) & (low[i][i] < np.inf)
    factors = np.zeros((count, m, m))
    for i in range(m):
        for j in range(i + 1):
            factors[:, i, j] = inv[i][j]
    return factors, ok


def cholesky_solve(low, b):
    """x with L·Lᵀ·x = b, for the factor L = `low` (rows of floats): forward substitution,
    then back."""
    p = len(b)
    y = list(b)
    for i in range(p):
        s = y[i]
        for k in range(i):
            s -= low[i][k] * y[k]
        y[i] = s / low[i][i]
    for i in reversed(range(p)):
        s = y[i]
        for k in range(i + 1, p):
            s -= low[k][i] * y[k]
        y[i] = s / low[i][i]
    return y


def inverse_factor(a):
    """L⁻¹ for the Cholesky factor L of a positive definite `a` (a = L·Lᵀ), or None when `a` is
    not positive definite (or not finite): then a⁻¹·b = L⁻ᵀ(L⁻¹·b) and a⁻¹ = L⁻ᵀ·L⁻¹. Up to SMALL
    rows in plain floats (numpy's per-call overhead is most of the cost there)."""
    p = len(a)
    if p > SMALL:
        try:
            return np.linalg.inv(np.linalg.cholesky(a))
        except np.linalg.LinAlgError:
            return None
    low = cholesky_rows(np.asarray(a, dtype=float).tolist())
    return None if low is None else np.array(inverse_rows(low))


def stacked_inverse_factors(a):
    """(L⁻¹ of each positive definite matrix of the stack `a` (B, m, m), the identity for
    the others; which they are). Up to SMALL rows by `inverse_factors`, the
    arithmetic `inverse_factor` does, each step over the whole stack (the same numbers it
    gives each matrix; LAPACK's per-matrix calls cost more than the arithmetic of such small
    ones), by LAPACK beyond."""
    count, m, _ = a.shape
    eye = np.eye(m)
    ok = np.isfinite(a).reshape(count, -1).all(axis=1)
    if m > SMALL:
        safe = np.where(ok[:, None, None], a, eye)
        try:
            return np.linalg.inv(np.linalg.cholesky(safe)), ok
        except np.linalg.LinAlgError:  # some are not: the factor of each on its own
            factors = [inverse_factor(x) if good else None for x, good in zip(safe, ok)]
            ok = np.array([fac is not None for fac in factors])
            return np.array([eye if fac is None else fac for fac in factors]), ok
    factors, definite = inverse_factors(a)
    ok &= definite
    factors[~ok] = eye
    return factors, ok
