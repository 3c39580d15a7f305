"""Interval-censored observations: each row is known to lie in [lower, upper].

`lower == upper` is an exact observation, `upper = inf` a right-censored one
(known only to exceed `lower`), `lower = -inf` (or the lower end of the support,
such as 0 for lifetimes) a left-censored one; anything else is an interval.
The convention is fitdistrplus's, and all kinds may be mixed in one data set.
"""

import numpy as np


def first_index(mask):
    """The index of the first True in `mask`, or None."""
    bad = np.flatnonzero(mask)
    return int(bad[0]) if bad.size else None


def read_only(arr):
    """A read-only view of `arr` (the array itself keeps its flags)."""
    view = arr.view()
    view.flags.writeable = False
    return view


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
    return read_only(arr.astype(np.float64, copy=False))


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
            i = first_index(np.isnan(arr))
            if i is not None:
                raise ValueError(f"IntervalData: {what} contains NaN at row {i}")
        i = first_index(lower == np.inf)
        if i is not None:
            raise ValueError(f"IntervalData: lower is +inf at row {i}")
        i = first_index(upper == -np.inf)
        if i is not None:
            raise ValueError(f"IntervalData: upper is -inf at row {i}")
        i = first_index(lower > upper)
        if i is not None:
            raise ValueError(f"IntervalData: lower > upper at row {i} "
                             f"(lower {float(lower[i])}, upper {float(upper[i])})")
        self.lower = lower
        self.upper = upper

    def __len__(self):
        return self.lower.size

    def __repr__(self):
        return f"IntervalData(n={len(self)})"
