"""What `regress` is given, resolved into arrays: response, censoring, weights, offsets,
clusters and truncation, each a column name of the data or an array with a row per
observation; missing values are an error unless `dropna=True` drops those rows everywhere."""

import numpy as np
import pandas as pd

from ..distributions import IntervalData


def column(data, v, what, n=None):
    """A column of `data` named `v`, or `v` itself as a float array (n rows when given)."""
    if isinstance(v, str):
        if data is None:
            raise ValueError(f"{what}={v!r} names a column, but no data frame was given")
        if v not in data.columns:
            raise ValueError(f"{what}: no column {v!r} in the data; the columns are "
                             f"{list(data.columns)}")
        return data[v].to_numpy()
    a = np.asarray(v.to_numpy() if isinstance(v, (pd.Series, pd.Index)) else v)
    if a.ndim != 1:
        raise ValueError(f"{what} must have one value per row; got shape {a.shape}")
    if n is not None and a.size != n:
        raise ValueError(f"{what} has {a.size} rows but the response has {n}")
    return a


def as_float(a, what):
    try:
        out = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be numeric") from None
    bad = ~np.isfinite(out)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{what} has a missing or non-finite value at row {i} ({out[i]})")
    return out


def response(data, lhs):
    """The response of a formula's left-hand side: a column, or "(lower, upper)" for
    interval-censored rows (IntervalData's conventions: equal ends an exact value, an
    infinite end open)."""
    if lhs is None:
        raise ValueError("the main formula needs a response on its left-hand side, e.g. 'y ~ x'")
    if lhs.startswith("(") and lhs.endswith(")"):
        parts = [s.strip() for s in lhs[1:-1].split(",")]
        if len(parts) != 2:
            raise ValueError(f"an interval response is '(lower, upper) ~ ...'; got {lhs!r}")
        lo, hi = (np.asarray(column(data, p, "response"), dtype=float) for p in parts)
        return IntervalData(lo, hi)
    return np.asarray(column(data, lhs, "response"))


def censoring(data, event, censored, n):
    """The censored mask (True = right-censored) from event= (1 = observed) or censored=."""
    if event is not None and censored is not None:
        raise ValueError("give event= (1 = event observed) or censored= (its complement), not both")
    given, what = (event, "event") if event is not None else (censored, "censored")
    if given is None:
        return None
    a = column(data, given, what, n)
    try:
        f = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be 0/1 or boolean") from None
    bad = ~np.isin(f, (0.0, 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{what} must be 0/1 or boolean; row {i} is {a[i]}")
    mask = f == 1.0
    return ~mask if what == "event" else mask


def cluster_codes(data, cluster, n):
    """(codes 0..G-1 per row, G) of a cluster column or array."""
    a = column(data, cluster, "cluster", n)
    if pd.isna(a).any():
        i = int(np.flatnonzero(pd.isna(a))[0])
        raise ValueError(f"cluster has a missing value at row {i}")
    codes, uniques = pd.factorize(a)
    return codes, len(uniques)


def missing_rows(data, columns):
    """Mask of rows with a missing value in any of `columns`, and the first such (column, row)."""
    mask = np.zeros(len(data), dtype=bool)
    first = None
    for c in columns:
        if c not in data.columns:
            continue
        m = pd.isna(data[c]).to_numpy()
        if m.any() and first is None:
            first = (c, int(np.flatnonzero(m)[0]))
        mask |= m
    return mask, first
