"""Internal standardization of a design, mapped back exactly.

Columns are centred and scaled (only scaled when the design has no constant column,
since centring would then change the model); a constant column is divided by its
value. With X' = standardized X, Xβ = X'β' for β = A β', so estimates map back as
A β' and every covariance (observed, OPG, sandwich, cluster) as A C' Aᵀ.
"""

import numpy as np


def standardize(x, names, what):
    """(X'ᵀ as a contiguous (p, n) array, A (p, p)) for design `x` (n, p) with column `names`."""
    n, p = x.shape
    if p == 0:
        return np.empty((0, n)), np.empty((0, 0))
    lo, hi = x.min(axis=0), x.max(axis=0)
    const = lo == hi
    zero = const & (lo == 0)
    if zero.any():
        raise ValueError(f"{what}: column {names[int(np.flatnonzero(zero)[0])]!r} is all zeros "
                         "(its coefficient is not identified)")
    # column by column into the transposed copy: one copy of the design, not several
    xt = np.empty((p, n))
    centre, spread = np.zeros(p), np.where(const, lo, 1.0)
    for k in range(p):
        if const[k]:
            np.divide(x[:, k], lo[k], out=xt[k])
            continue
        np.copyto(xt[k], x[:, k])
        if const.any():
            centre[k] = xt[k].mean()
            xt[k] -= centre[k]
        spread[k] = np.sqrt(np.dot(xt[k], xt[k]) / n)  # the SD, or the RMS without a constant
        xt[k] /= spread[k]
    a = np.diag(1.0 / spread)
    c = int(np.flatnonzero(const)[0]) if const.any() else None
    if c is not None:  # the centring moves into the constant column's coefficient
        a[c, :] -= centre / spread / spread[c]
        a[c, c] = 1.0 / spread[c]
    _check_rank(xt, names, what)
    return xt, a


def _check_rank(xt, names, what):
    """Raise naming a column that is a linear combination of the ones before it."""
    p = xt.shape[0]
    gram = xt @ xt.T / xt.shape[1]
    kept = []
    for k in range(p):
        if kept:
            s = np.ix_(kept, kept)
            coef = np.linalg.lstsq(gram[s], gram[kept, k], rcond=None)[0]
            resid = gram[k, k] - gram[k, kept] @ coef
        else:
            resid = gram[k, k]
        if not resid > 1e-10 * gram[k, k]:
            others = [names[i] for i, c in zip(kept, coef) if abs(c) > 1e-8] if kept else []
            raise ValueError(f"{what}: the design is rank deficient: column {names[k]!r} is "
                             f"aliased with {others} (a linear combination of them); drop one")
        kept.append(k)
