"""The data rows of a log-likelihood: their kinds, weights and validation.

Each row is known to lie in [lower, upper]. Rows fall into kinds once: exact
(lower == upper, log f), right-censored (log S), left-censored (log F),
interval-censored (log(F(u) − F(l))), and rows known only to lie somewhere in the support
(they contribute 0). For counts every bound is a count and inclusive: a right-censored
count c means X ≥ c (top-coding, log P(X > c − 1)), a left-censored c means X ≤ c, and
IntervalData(l, u) means l ≤ X ≤ u (log P(l − 1 < X ≤ u)).

Plain exact data (no censoring, no IntervalData), the common case, are read where they lie
(not copied: see `interval.as_column`) and validated by their extent, the min and the max
(per-row masks run only to name an offending row). They form one group holding the data
themselves. With truncation (a, b), numbers or per-row arrays, every interval is first
clipped to the bounds; errors name the first offending row.

Memory: right-censored data (x with a censoring mask) keep no upper-bound array (`upper` is
made when asked); each row's kind is one byte (`Rows.kinds`), and a group gathers its bounds
by that code (no index arrays: a group's row indices are found when asked, `Group.idx`).
"""

import math

import numpy as np

from ..core.ops import dot
from ..core.ops import sum as fsum
from ..core.value import Value
from .base import total_weight
from .interval import IntervalData, as_column, first_index as _first
from .truncated import truncation_bounds

INF = np.inf
KINDS = ("exact", "right", "left", "interval")
EXACT = 0  # the exact rows' code in `Rows.kinds`


class Group:
    """The rows of one kind: which rows (`rows`: None for every row, in order, else a mask
    or an index array), bound(s), weights (None: each row counted once) and total weight.
    `x` is the lower bound (the value of an exact row, the upper bound of a left-censored one),
    `u` an interval's upper bound; `x_open` is a censored row's lower bound as an exclusive one
    (X > x_open): `x` itself, or x − 1 for counts (`counts=True`)."""

    __slots__ = ("rows", "x", "u", "w", "total", "x_open")

    def __init__(self, rows, x, u, w, counts=False):
        if w is not None and np.all(w == 1.0):
            w = None
        self.rows = rows
        self.x = x
        self.u = u
        self.w = w
        self.total = total_weight(w, x)
        self.x_open = x - 1.0 if counts else x

    def wsum(self, term):
        """Σ wᵢ termᵢ as one node (a dot product: no weighted array is made)."""
        if term.shape == ():
            return term * self.total
        return fsum(term) if self.w is None else dot(term, self.w)

    @property
    def idx(self):
        """The group's row indices, in order (None: every row); found when asked, not kept."""
        rows = self.rows
        if isinstance(rows, KindRows):
            return np.flatnonzero(rows.kinds == rows.code)
        return rows

    def at(self, arr):
        """`arr` (a per-row array, or a number) at this group's rows."""
        rows = self.rows
        if rows is None or np.ndim(arr) == 0:
            return arr
        return arr[rows.kinds == rows.code] if isinstance(rows, KindRows) else arr[rows]


class KindRows:
    """The rows of one kind, read from the rows' one-byte kind codes."""

    __slots__ = ("kinds", "code")

    def __init__(self, kinds, code):
        self.kinds, self.code = kinds, code


def finite_extent(data, who, take_max=True):
    """(min, max) of the data, two reductions; with `take_max=False` one, (min, inf), for a
    caller that finds a +inf row another way. The masks that name the first NaN or infinite
    row run only when one is there."""
    lo = float(data.min())  # NaN propagates through min and max
    hi = float(data.max()) if take_max else INF
    if not (math.isfinite(lo) and (math.isfinite(hi) or not take_max)):
        refuse_non_finite(data, who)
    return lo, hi


def refuse_non_finite(data, who):
    """Raise naming the first NaN or infinite row, if the data have one."""
    i = _first(np.isnan(data))
    if i is not None:
        raise ValueError(f"{who}: data contain NaN at row {i}")
    i = _first(np.isinf(data))
    if i is not None:
        raise ValueError(f"{who}: data contain an infinite value at row {i} ({data[i]})")


def _mask(values, n, who, what, meaning):
    mask = as_column(values, f"{who} {what} mask")
    if mask.size != n:
        raise ValueError(f"{who}: {what} mask has length {mask.size} but the data have {n} rows")
    i = _first(~np.isin(mask, (0.0, 1.0)))
    if i is not None:
        raise ValueError(f"{who}: {what} mask must be boolean ({meaning}); row {i} is {mask[i]}")
    return mask.astype(bool)


def censor_mask(censored, event, n, who):
    """The right-censoring mask from `censored=` (True = censored) or `event=` (1 = observed
    event, lifelines' convention): exactly one of them, or neither (None)."""
    if censored is not None and event is not None:
        raise TypeError(f"{who}: give either censored= or event= (its complement), not both")
    if event is not None:
        return ~_mask(event, n, who, "event", "1 = observed event, 0 = censored")
    if censored is not None:
        return _mask(censored, n, who, "censored", "True = censored")
    return None


def check_weights(weights, n, who, many=False):
    """The weights as a float array, or None (each row counted once). With `many`, a matrix
    (R, n): the weights of R replicates of the rows (a bootstrap's resamples), each checked
    as one replicate's are."""
    if weights is None:
        return None
    if many:
        w = np.asarray(weights, dtype=float)
        if w.ndim != 2 or w.shape[1] != n:
            raise ValueError(f"{who}: a weight matrix needs one column per row ({n}); got "
                             f"shape {w.shape}")
    else:
        w = as_column(weights, f"{who} weights")
        if w.size != n:
            raise ValueError(f"{who}: weights have length {w.size} but the data have {n} rows")
    if _finite_and_not_negative(w):
        return w
    lo, hi = float(w.min()), float(w.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        where, v = _first_entry(~np.isfinite(w), w)
        raise ValueError(f"{who}: weights must be finite; {where} is {v}")
    if lo < 0:
        where, v = _first_entry(w < 0, w)
        raise ValueError(f"{who}: negative weight {'at' if w.ndim == 1 else 'in'} {where} ({v})")
    return w


_INF_BITS = np.float64(np.inf).view(np.uint64)


def _finite_and_not_negative(w):
    """Whether every entry of the float64 array `w` is finite and ≥ +0, in one pass: read as
    unsigned integers, +0 up to the largest double are exactly the patterns below +∞'s, and
    every negative (its sign bit), ∞ or NaN lies above. (−0 fails here only; the caller's
    checks then find nothing wrong with it.)"""
    return w.size == 0 or w.view(np.uint64).max() < _INF_BITS


def _first_entry(mask, w):
    """("row i" or "replicate r, row i", the weight there) for the first True of `mask`."""
    if w.ndim == 1:
        i = _first(mask)
        return f"row {i}", w[i]
    r, i = np.argwhere(mask)[0]
    return f"replicate {r}, row {i}", w[r, i]


def truncated_per_row(truncation):
    """Is the truncation ((a, b) or None) per row: a bound with one value per row?"""
    return truncation is not None and any(np.ndim(b) for b in truncation)


def truncation_at(truncation, rows):
    """The truncation (a, b) of the rows `rows` (a slice): per-row bounds taken there."""
    if not truncated_per_row(truncation):
        return truncation
    return tuple(b if np.ndim(b) == 0 else b[rows] for b in truncation)


class Rows:
    """The rows a log-likelihood is bound to, checked against `family` and sorted into kinds
    (the rows keep no reference to the family: a generator holding its rows is no cycle, so
    its arrays are freed as soon as it is).

    `stats_find_inf`: the caller reduces every exact row to statistics that show a +inf row,
    so the data's max is not taken.
    """

    def __init__(self, family, x, censored=None, event=None, weights=None, truncation=None,
                 who=None, stats_find_inf=False):
        who = self.who = who or type(family).__name__
        self.interval = isinstance(x, IntervalData)
        extent, mask = None, None
        if self.interval:
            if censored is not None or event is not None:
                raise TypeError(f"{who}: give censoring either as censored= or as IntervalData, "
                                "not both (event= is censored='s complement)")
            lower, upper = x.lower, x.upper
        else:
            if isinstance(x, Value):
                x = x.data
            data = as_column(x, f"{who} data")
            if data.size == 0:
                raise ValueError(f"{who}: empty data (no observations)")
            mask = censor_mask(censored, event, data.size, who)
            if mask is not None and not mask.any():
                mask = None  # no row censored: the exact rows' path
            stats_find_inf = stats_find_inf and mask is None and truncation is None
            extent = finite_extent(data, who, take_max=not stats_find_inf)
            lower = upper = data  # every row exact: one array, `upper is lower`
            if mask is not None:
                lo, hi = family.support
                i = _first(mask & ((data < lo) | (data > hi)))
                if i is not None:
                    raise ValueError(f"{who}: censoring time outside the support of "
                                     f"{family.name} ({family.support_text}): row {i} is "
                                     f"{data[i]}")
                upper = None  # inf where censored: made only where a check needs it
        self.stats_find_inf = stats_find_inf and not self.interval
        self.lower, self._upper = lower, upper
        n = lower.size
        self.weights = check_weights(weights, n, who)
        self.truncation = None if truncation is None else \
            truncation_bounds(family, truncation, n, who)
        self._check_support(family, extent, lower, upper, mask)
        self._classify(family, extent if mask is None else None, lower, upper, mask)

    @property
    def upper(self):
        """Each row's upper bound (inf for a right-censored row); for right-censored data made
        from the rows' kinds each time it is asked (it is not kept)."""
        if self._upper is not None:
            return self._upper
        return np.where(self.kinds != EXACT, INF, self.lower)

    @property
    def censored(self):
        """Boolean mask of the rows that are not exact observations (read from the kinds for
        right-censored data, whose upper bounds are not kept)."""
        if self._upper is None:
            return self.kinds != EXACT
        return self.lower != self._upper

    def rebound(self, rows=slice(None)):
        """(x, censored) that bind these rows (a slice; default all) again: views of the rows'
        arrays, and the censoring mask (None when none of them is censored)."""
        if self.interval:
            return IntervalData(self.lower[rows], self._upper[rows]), None
        if self._upper is not None:
            return self.lower[rows], None
        censored = self.kinds[rows] != EXACT
        return self.lower[rows], (censored if censored.any() else None)

    @staticmethod
    def _bad_exact(fam, x):
        """Mask of exact values outside the support (a bool for a float). For a continuous
        family the valid values form an interval: the extent is checked first."""
        lo, hi = fam.support
        bad = (x < lo) | (x > hi)
        if fam.support_open[0]:
            bad |= x == lo
        if fam.support_open[1]:
            bad |= x == hi
        return bad

    def _check_support(self, fam, extent, lower, upper, mask):
        """Exact rows inside the support (whole numbers for counts), censored rows overlapping it
        (with whole-number bounds for counts). `extent` is the data's (min, max) when the rows
        are the data, exact or right-censored by `mask` (`upper` None: inf where censored)."""
        who = self.who
        if extent is not None \
                and not (self._bad_exact(fam, extent[0]) or self._bad_exact(fam, extent[1])):
            if not fam.discrete and not (mask is not None and extent[1] >= fam.support[1]):
                return  # floats inside the support, censored rows below its upper end: no masks
            if upper is lower:  # exact counts inside the support: whole numbers is all to check
                i = _first(lower != np.round(lower))
                if i is not None:
                    raise ValueError(f"{who}: non-integer count at row {i} ({lower[i]})")
                return
        if upper is None:
            upper = np.where(mask, INF, lower)
        exact = lower == upper
        i = _first(exact & self._bad_exact(fam, lower))
        if i is not None:
            raise ValueError(f"{who}: data outside the support of {fam.name} "
                             f"({fam.support_text}): row {i} is {lower[i]}")
        lo, hi = fam.support
        cens = ~exact
        if fam.discrete:
            i = _first(exact & (lower != np.round(lower)))
            if i is not None:
                raise ValueError(f"{who}: non-integer count at row {i} ({lower[i]})")
            whole = lambda v: ~np.isfinite(v) | (v == np.round(v))  # noqa: E731
            i = _first(cens & ~(whole(lower) & whole(upper)))
            if i is not None:
                raise ValueError(f"{who}: censored count at row {i} has a non-integer bound "
                                 f"({lower[i]}, {upper[i]})")
            i = _first(cens & ((upper < lo) | (lower > hi)))
            if i is not None:
                raise ValueError(f"{who}: censored row {i} ({lower[i]}, {upper[i]}) lies outside "
                                 f"the support of {fam.name} ({fam.support_text})")
            return
        i = _first(cens & ((upper < lo) | (lower > hi)))
        if i is not None:
            raise ValueError(f"{who}: censored row {i} ({lower[i]}, {upper[i]}) lies outside the "
                             f"support of {fam.name} ({fam.support_text})")
        i = _first(cens & (upper <= lo))
        if i is not None:
            raise ValueError(f"{who}: censored row {i} has upper bound {upper[i]} at the lower "
                             f"end of the support: it has probability zero")
        i = _first(cens & (lower >= hi))
        if i is not None:
            raise ValueError(f"{who}: censored row {i} has lower bound {lower[i]} at the upper "
                             f"end of the support: it has probability zero")

    def _clip(self, discrete, extent, lower, upper):
        """The bounds clipped to the truncation, refusing rows it excludes."""
        a, b = self.truncation
        if not truncated_per_row(self.truncation) and extent is not None \
                and a <= extent[0] and extent[1] <= b and not (discrete and extent[0] == a):
            return lower, upper
        exact = lower == upper
        x = lower
        i = _first(exact & ((x < a) | (x > b) | ((x == a) & discrete)))
        if i is not None:
            ai, bi = np.broadcast_to(a, x.shape)[i], np.broadcast_to(b, x.shape)[i]
            span = f"({ai}, {bi}]" if discrete else f"[{ai}, {bi}]"
            raise ValueError(f"{self.who}: truncation {span} excludes row {i} ({x[i]})")
        cl = np.maximum(lower, a + 1.0) if discrete else np.maximum(lower, a)
        cu = np.minimum(upper, b)
        i = _first(~exact & ~((cl <= cu) if discrete else (cl < cu)))
        if i is not None:
            ai, bi = np.broadcast_to(a, x.shape)[i], np.broadcast_to(b, x.shape)[i]
            raise ValueError(f"{self.who}: truncation ({ai}, {bi}) excludes censored row {i} "
                             f"({lower[i]}, {upper[i]})")
        return np.where(exact, lower, cl), np.where(exact, upper, cu)

    def _classify(self, fam, extent, lower, upper, mask):
        """Sort the rows into kinds (`self.groups`, `self.kinds`), clipping censored rows to the
        truncation.

        `extent` is the data's (min, max or inf) when every row is exact: then there is one group,
        holding the data themselves, and no per-row mask unless a row must be named.
        Otherwise each row's kind is one byte of `self.kinds` (a code past the kinds for rows
        open at both ends, known only to lie in the support: no group, no term), and each group
        gathers its bounds by its code.
        """
        lo, hi = fam.support
        w = self.weights
        if self.truncation is not None:
            if upper is None:
                upper = np.where(mask, INF, lower)
            lower, upper = self._clip(fam.discrete, extent, lower, upper)
        self.groups = dict.fromkeys(KINDS)
        self.kinds = None
        if extent is not None:
            self.groups["exact"] = Group(None, lower, None, w)
        else:
            if upper is None:  # right-censored data: each censored row is open above
                exact, right_open = ~mask, mask | (lower >= hi)
            else:
                exact, right_open = lower == upper, upper >= hi
            left_open = lower <= lo
            kinds = np.full(lower.size, len(KINDS), np.uint8)
            kinds[exact] = EXACT
            kinds[~exact & right_open & ~left_open] = KINDS.index("right")
            kinds[~exact & left_open & ~right_open] = KINDS.index("left")
            kinds[~exact & ~left_open & ~right_open] = KINDS.index("interval")
            del exact, left_open, right_open
            self.kinds = kinds
            counts = np.bincount(kinds, minlength=len(KINDS) + 1)
            for code, kind in enumerate(KINDS):
                if counts[code] == 0:
                    continue
                if counts[code] == lower.size:  # every row: the group holds the arrays themselves
                    rows, pick = None, slice(None)
                else:
                    rows = KindRows(kinds, code)
                    pick = kinds == code
                bound = upper if kind == "left" else lower
                self.groups[kind] = Group(rows, bound[pick],
                                          upper[pick] if kind == "interval" else None,
                                          None if w is None else w[pick],
                                          fam.discrete and kind in ("right", "interval"))
        self.counted_weight = sum(g.total for g in self.groups.values() if g is not None)

    def present(self):
        """(kind, group) for each kind that has rows."""
        return [(k, g) for k, g in self.groups.items() if g is not None]
