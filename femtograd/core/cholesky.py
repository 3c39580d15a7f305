"""The Cholesky factor of a small symmetric matrix, and solves with it, in plain floats.

Up to a few rows numpy's per-call overhead is most of the cost, so Newton's direction, the
verdict's factor and the starts' float Newton steps factor their 2 × 2 to 4 × 4 matrices
here, as lists of rows.
"""

import math


def cholesky_rows(rows):
    """The lower Cholesky factor L (a = L·Lᵀ) of `rows`, a small matrix as a list of rows of
    floats, itself as rows of floats; None when it is not positive definite (or not
    finite)."""
    p = len(rows)
    low = [[0.0] * p for _ in range(p)]
    for i in range(p):
        li = low[i]
        for j in range(i + 1):
            lj = low[j]
            s = rows[i][j]
            for k in range(j):
                s -= li[k] * lj[k]
            if i == j:
                if not (s > 0 and s < math.inf):
                    return None
                li[i] = math.sqrt(s)
            else:
                li[j] = s / lj[j]
    return low


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
