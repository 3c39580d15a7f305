"""Interval-censored observations: each row is known to lie in [lower, upper].

`lower == upper` is an exact observation, `upper = inf` a right-censored one
(known only to exceed `lower`), `lower = -inf` (or the lower end of the support,
such as 0 for lifetimes) a left-censored one; anything else is an interval.
The convention is fitdistrplus's, and all kinds may be mixed in one data set.
"""

import numpy as np


def as_column(x, what):
    """`x` (array-like, pandas Series) as a read-only one-dimensional float64 array; `what` names
    it in the TypeError (not numeric) or ValueError (not one-dimensional).

    Float64 input is read where it lies, not copied (numpy's and statsmodels' convention):
    a copy would be a full write pass over the data, the largest cost of a closed-form fit
    at a million rows, and a second copy of the data in memory. The view is read-only, so
    femtograd never writes into the caller's array; the caller who edits it in place after
    building a generator passes `x.copy()` instead."""
    if hasattr(x, "to_numpy"):  # pandas Series / Index
        x = x.to_numpy()
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{what} must be numeric; got a string")
    try:
        arr = np.asarray(x)
    except ValueError as err:
        raise TypeError(f"{what} must be a numeric one-dimensional array") from err
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must be numeric; got dtype {arr.dtype}")
    if arr.ndim != 1:
        arr = np.atleast_1d(arr)
        if arr.ndim != 1:
            raise ValueError(f"{what} must be one-dimensional; got shape {arr.shape}")
    view = arr.astype(np.float64, copy=False).view()
    view.flags.writeable = False
    return view


class IntervalData:
    """Rows known to lie in [lower, upper]; see the module docstring for the kinds."""

    __slots__ = ("lower", "upper")

    def __init__(self, lower, upper):
        lower = as_column(lower, "IntervalData lower")
        upper = as_column(upper, "IntervalData upper")
        if lower.shape != upper.shape:
            raise ValueError(f"IntervalData: lower has {lower.size} rows but upper has "
                             f"{upper.size}")
        if lower.size == 0:
            raise ValueError("IntervalData: empty data (no rows)")
        for arr, what in ((lower, "lower"), (upper, "upper")):
            bad = np.flatnonzero(np.isnan(arr))
            if bad.size:
                raise ValueError(f"IntervalData: {what} contains NaN at row {bad[0]}")
        bad = np.flatnonzero(lower == np.inf)
        if bad.size:
            raise ValueError(f"IntervalData: lower is +inf at row {bad[0]}")
        bad = np.flatnonzero(upper == -np.inf)
        if bad.size:
            raise ValueError(f"IntervalData: upper is -inf at row {bad[0]}")
        bad = np.flatnonzero(lower > upper)
        if bad.size:
            i = bad[0]
            raise ValueError(f"IntervalData: lower > upper at row {i} "
                             f"(lower {float(lower[i])}, upper {float(upper[i])})")
        self.lower = lower
        self.upper = upper

    def __len__(self):
        return self.lower.size

    def __repr__(self):
        return f"IntervalData(n={len(self)})"
