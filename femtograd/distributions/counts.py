"""Count data at scale: the distinct counts of validated rows and the weight at each.

A discrete family's constants (Σ log x!, Σ log choose(size, x)) and the negative binomial's
Σ lgamma(x + size) depend on a row only through its count, so they are sums over the distinct
counts: one `np.bincount` over the rows (a tenth of the time of `np.unique`'s sort) and one
`gammaln` over the few distinct values, instead of one `gammaln` per row.
"""

import numpy as np

# a tally array at most this many times the number of rows (plus a fixed floor) is cheap;
# counts beyond that (1e9 in a short column) go through np.unique's sort instead
SPAN_PER_ROW = 4
SPAN_FLOOR = 1 << 16


def count_table(x, w):
    """(values, weights): the distinct counts among `x` (whole numbers >= 0, as the rows
    validated them), ascending, and the total weight of the rows at each (their number when
    `w` is None), as float arrays; counts whose rows all weigh zero are left out. For a
    weight matrix (R, n), R replicates' weights of the rows, the weights are a matrix
    (R, distinct counts), every distinct count of the rows kept (a zero adds nothing)."""
    if x.size == 0:
        return np.empty(0), np.empty(w.shape[:-1] + (0,) if w is not None else 0)
    if w is not None and w.ndim == 2:
        values, inverse = np.unique(x, return_inverse=True)
        order = np.argsort(inverse, kind="stable")  # each count's rows together, in order
        starts = np.searchsorted(inverse[order], np.arange(values.size))
        return values.astype(float), np.add.reduceat(w[:, order], starts, axis=1)
    if x.max() <= SPAN_PER_ROW * x.size + SPAN_FLOOR:
        tally = np.bincount(x.astype(np.intp), weights=w)
        values = np.flatnonzero(tally > 0)
        return values.astype(float), tally[values].astype(float)
    values, inverse = np.unique(x, return_inverse=True)
    tally = np.bincount(inverse, weights=w, minlength=values.size).astype(float)
    keep = tally > 0
    return values[keep], tally[keep]
