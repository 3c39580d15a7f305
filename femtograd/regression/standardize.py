"""Internal standardization of a design, mapped back exactly.

Columns are centred and scaled (only scaled when the design has no constant column,
since centring would then change the model); a constant column is divided by its
value. With X' = standardized X, Xβ = X'β' for β = A β', so estimates map back as
A β' and every covariance (observed, OPG, sandwich, cluster) as A C' Aᵀ.

The scaling is made of column sums (minimum, maximum, sum, centred sum of squares,
Gram matrix), so a design held in parts (Dask partitions) is standardized exactly as
the whole: each part gives its sums, the driver adds them (`Scaling`).
"""

import numpy as np


class Scaling:
    """Centre and spread per column, from the columns' extremes and sums over n rows."""

    def __init__(self, lo, hi, sums, n, names, what):
        self.names, self.what, self.n = list(names), what, n
        self.const = lo == hi
        zero = self.const & (lo == 0)
        if zero.any():
            raise ValueError(f"{what}: column {names[int(np.flatnonzero(zero)[0])]!r} is all "
                             "zeros (its coefficient is not identified)")
        p = len(lo)
        self.centre = np.where(self.const, 0.0, sums / n) if self.const.any() else np.zeros(p)
        self.spread = np.where(self.const, lo, 1.0)

    def set_spread(self, centred_squares):
        """The SD (or the RMS without a constant column) from Σ (x − centre)² per column."""
        self.spread = np.where(self.const, self.spread, np.sqrt(centred_squares / self.n))

    def amap(self):
        """A (p, p): β = A β'."""
        a = np.diag(1.0 / self.spread)
        if self.const.any():  # the centring moves into the constant column's coefficient
            c = int(np.flatnonzero(self.const)[0])
            a[c, :] -= self.centre / self.spread / self.spread[c]
            a[c, c] = 1.0 / self.spread[c]
        return a

    def check_rank(self, gram):
        """Raise naming a column that is a linear combination of the ones before it, from the
        standardized Gram matrix X'ᵀX' (summed over every row)."""
        check_rank(gram / self.n, self.names, self.what)


def column_sums(x):
    """(minimum, maximum, sum) per column of `x` (n, p)."""
    return x.min(axis=0), x.max(axis=0), x.sum(axis=0)


def centred_squares(x, centre):
    """Σ (x − centre)² per column, a column at a time (no n×p temporary)."""
    return np.array([np.dot(x[:, k] - centre[k], x[:, k] - centre[k])
                     for k in range(x.shape[1])])


def transposed(x, centre, spread):
    """X'ᵀ = ((x − centre) / spread)ᵀ as a contiguous (p, n) array, a column at a time: one
    copy of the design, not several."""
    xt = np.empty((x.shape[1], x.shape[0]))
    for k in range(x.shape[1]):
        np.subtract(x[:, k], centre[k], out=xt[k])
        xt[k] /= spread[k]
    return xt


def standardize(x, names, what):
    """(X'ᵀ as a contiguous (p, n) array, A (p, p)) for design `x` (n, p) with column `names`."""
    n, p = x.shape
    if p == 0:
        return np.empty((0, n)), np.empty((0, 0))
    scaling = Scaling(*column_sums(x), n, names, what)
    scaling.set_spread(centred_squares(x, scaling.centre))
    xt = transposed(x, scaling.centre, scaling.spread)
    scaling.check_rank(xt @ xt.T)
    return xt, scaling.amap()


def check_rank(gram, names, what):
    """Raise naming a column that is a linear combination of the ones before it (`gram` the
    standardized X'ᵀX' / n)."""
    p = gram.shape[0]
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
