"""The template every log-likelihood generator follows.

`LogLikGenerator` owns everything common to the families: data validation,
right, left and interval censoring, truncation, frequency weights, parameter
checks, per-row contributions, reweighting and simulation. A family is a short
subclass that states its parameters and support and supplies formulae in
femtograd ops:

- `_logpdf(x, *p)`: log density (log mass for discrete families), elementwise;
- `_logsf(x, *p)` and/or `_logcdf(x, *p)`: log survival / log CDF, elementwise
  (either one is derived from the other when missing, lifelines-style; interval
  rows use the one given, the log CDF when both are);
- `_reduce(x, w, cx, cw)` and `_loglik_reduced(stats, *p)`: sufficient
  statistics of the exact rows (and of the right-censored rows when the family
  sets `reduces_right = True`), taken once from the data, so that each
  evaluation costs O(1) in the number of rows; a weight array is None when
  every row counts once (`wsum`, `total_weight` handle both);
- `_start()`: a data-based start (dict name -> float), from the statistics
  when they hold every row (`_reduced_only()`), otherwise from `_start_values()`;
- `_scipy(*p)`: the matching frozen scipy.stats distribution.

Rows fall into kinds once, in the constructor: exact, right-censored (log S),
left-censored (log F), interval-censored (log(F(u) − F(l))), and rows known
only to lie somewhere in the support (they contribute 0). Plain exact data (no
censoring, no IntervalData), the common case, are read where they lie (not
copied: see `interval.as_column`) and validated by their extent, the min and the
max (per-row masks run only to name an offending row); when the support is
unbounded above and the family reduces the rows, a +inf row shows in the
sufficient statistics, so the max is not taken. They form one group holding the
data themselves. With truncation
(a, b), every interval is first clipped to [a, b] and each counted row
contributes − log(F(b) − F(a)).
"""

import operator
from functools import reduce

import numpy as np

from ..core.ops import dot, log, log1mexp, log_diff_exp, scatter, sign, take, where
from ..core.ops import sum as fsum
from ..core.value import Value, as_value
from .interval import IntervalData, as_column, first_index as _first, read_only as _read_only

INF = np.inf
KINDS = ("exact", "right", "left", "interval")


def total_weight(w, x):
    """Σ wᵢ over the rows of `x`: their number when `w` is None (each row counted once)."""
    return float(x.size) if w is None else float(w.sum())


def wsum(w, v):
    """Σ wᵢ vᵢ, or Σ vᵢ when `w` is None (each row counted once)."""
    return float(v.sum()) if w is None else float(np.dot(w, v))


BLOCK = 1 << 16  # rows per block of a blockwise pass: 512 KiB of float64, cache-sized


def weighted_moments(x, w):
    """Total weight, weighted mean and centred sum of squares (two-pass, so accurate).

    `w` None counts each row once. The second pass centres one cache-sized block at a time:
    no temporary the size of the data, and each block is squared while it is in cache.
    """
    total = total_weight(w, x)
    mean = wsum(w, x) / total
    ss = 0.0
    buf = np.empty(min(x.size, BLOCK))
    for i in range(0, x.size, BLOCK):
        block = x[i:i + BLOCK]
        d = np.subtract(block, mean, out=buf[:block.size])
        ss += float(np.dot(d, d)) if w is None else float(np.dot(w[i:i + BLOCK], d * d))
    return total, mean, ss


def weighted_mean_var(x, w):
    """Weighted mean and variance (divisor Σw) of a start's values `x` and weights `w`."""
    total, mean, ss = weighted_moments(x, w)
    return mean, ss / total


def weighted_quantiles(x, w, probs):
    """For each probability in `probs`, the smallest value of `x` whose share of the total
    weight, counted from the smallest value up, reaches it."""
    order = np.argsort(x)
    cum = np.cumsum(w[order]) / w.sum()
    return [x[order][min(np.searchsorted(cum, q), x.size - 1)] for q in probs]


def log_interval_by_halves(cdf_lo, cdf_hi, sf_lo, sf_hi):
    """log(F(hi) − F(lo)) as F(hi) − F(lo) while F(lo) < 1/2 and as S(lo) − S(hi) from there
    on, so that neither difference cancels; the choice follows the parameters as they move."""
    upper_half = sign(cdf_lo - 0.5) + 1.0
    return log(where(upper_half, sf_lo - sf_hi, cdf_hi - cdf_lo))


class _Group:
    """The rows of one kind: their row indices (None: every row, in order), bound(s), weights
    (None: each row counted once) and total weight."""

    __slots__ = ("idx", "x", "u", "w", "total")

    def __init__(self, idx, x, u, w):
        if w is not None and np.all(w == 1.0):
            w = None
        self.idx = idx
        self.x = x
        self.u = u
        self.w = w
        self.total = total_weight(w, x)

    def wsum(self, term):
        """Σ wᵢ termᵢ as one node (a dot product: no weighted array is made)."""
        if term.shape == ():
            return term * self.total
        return fsum(term) if self.w is None else dot(term, self.w)


_NO_ROWS = _Group(np.zeros(0, int), np.zeros(0), None, None)


SPACES = {"positive": "positive", "unit": "in (0, 1)", "real": "finite"}


def _inside(kind, x):
    """Is `x` (a float, or elementwise for an array) inside the space of constraint `kind`?
    NaN never is."""
    if kind == "positive":
        return (x > 0) & (x < INF)
    if kind == "unit":
        return (x > 0) & (x < 1)
    return (x > -INF) & (x < INF)


def _finite_extent(data, cls, take_max=True):
    """(min, max) of the data, two reductions; with `take_max=False` one, (min, inf), for a
    caller that finds a +inf row another way. The masks that name the first NaN or infinite
    row run only when one is there."""
    lo = float(data.min())  # NaN propagates through min and max
    hi = float(data.max()) if take_max else INF
    if not (np.isfinite(lo) and (np.isfinite(hi) or not take_max)):
        _refuse_non_finite(data, cls)
    return lo, hi


def _refuse_non_finite(data, cls):
    """Raise naming the first NaN or infinite row, if the data have one."""
    i = _first(np.isnan(data))
    if i is not None:
        raise ValueError(f"{cls}: data contain NaN at row {i}")
    i = _first(np.isinf(data))
    if i is not None:
        raise ValueError(f"{cls}: data contain an infinite value at row {i} ({data[i]})")


class LogLikGenerator:
    """Base class: bind data once, then call with parameters to get the log-likelihood graph."""

    name = None
    param_names = ()
    constraints = ()
    support = (-INF, INF)          # (lower, upper) end of the support
    support_open = (False, False)  # is an exact observation at that end impossible?
    discrete = False               # integer data (counts); no censoring
    reduces_right = False          # `_reduce` also absorbs the right-censored rows
    support_text = "a real number"

    # -- construction --------------------------------------------------------------
    def __init__(self, x, censored=None, weights=None, truncation=None, event=None, **options):
        self.options = self._init_options(**options)
        self._interval = isinstance(x, IntervalData)
        cls = type(self).__name__
        if event is not None:  # lifelines' convention: 1 = observed event, 0 = censored
            if censored is not None:
                raise TypeError(f"{cls}: give right censoring either as censored= (1 = "
                                "censored) or as event= (1 = observed event), not both")
            censored = self._event_mask(event)
        if isinstance(x, IntervalData):
            if censored is not None:
                raise TypeError(f"{cls}: give censoring either as censored= or as IntervalData, "
                                "not both")
            lower, upper = x.lower, x.upper
            extent, by_stats = None, False
        else:
            if isinstance(x, Value):
                x = x.data
            data = as_column(x, f"{cls} data")
            if data.size == 0:
                raise ValueError(f"{cls}: empty data (no observations)")
            # a +inf row makes a sufficient statistic infinite: when the support is unbounded
            # above and every row is reduced, the statistics find it and the max is not taken
            by_stats = (censored is None and truncation is None and not self.discrete
                        and self.support[1] == INF and self._reduces())
            extent = _finite_extent(data, cls, take_max=not by_stats)
            if censored is None:
                lower = upper = data  # every row exact: one array, `upper is lower`
            else:
                mask = self._censor_mask(censored, data.size,
                                         "censored mask" if event is None else "event indicator")
                lo, hi = self.support
                i = _first(mask & ((data < lo) | (data > hi)))
                if i is not None:
                    raise ValueError(f"{cls}: censoring time outside the support of {self.name} "
                                     f"({self.support_text}): row {i} is {data[i]}")
                lower, upper = data, data.copy()
                upper[mask] = INF
        n = lower.size
        self._lower, self._upper = lower, upper
        self._weights = self._check_weights(weights, n)
        self.truncation = self._check_truncation(truncation)
        # with every row exact, the data's extent settles the checks by itself; the per-row
        # masks then run only to name the offending row
        extent = extent if upper is lower else None
        self._check_support(lower, upper, extent)
        self._classify(lower, upper, extent)
        if by_stats:  # a +inf row turns into inf/NaN statistics quietly, then is named
            with np.errstate(invalid="ignore", over="ignore"):
                self._stats = self._statistics()
            self._check_statistics(lower)
        else:
            self._stats = self._statistics()

    def _statistics(self):
        """The sufficient statistics of the rows the family reduces, or None."""
        exact, right = self._groups["exact"], self._groups["right"]
        if right is not None and self.reduces_right:
            ex = exact if exact is not None else _NO_ROWS
            return self._reduce(ex.x, ex.w, right.x, right.w)
        if exact is not None:
            return self._reduce(exact.x, exact.w, None, None)
        return None

    def _check_statistics(self, data):
        """Statistics that stand in for the max: a NaN or infinite one names the data's first
        +inf row, or, with none, reports the overflow (no finite log-likelihood exists)."""
        items = self._stats if isinstance(self._stats, tuple) else (self._stats,)
        scalars = [s for s in items if isinstance(s, (int, float, np.number))]
        finite = np.isfinite(scalars)
        if scalars and finite.all():
            return
        cls = type(self).__name__
        _refuse_non_finite(data, cls)  # no statistics to tell (no weight): the masks do
        if not finite.all():
            raise ValueError(f"{cls}: the data's sufficient statistics overflow (values or "
                             "weights too large in magnitude for float64); rescale them")

    def _init_options(self, **options):
        if options:
            raise TypeError(f"{type(self).__name__} got unexpected keyword argument(s) "
                            f"{sorted(options)}")
        return {}

    def _censor_mask(self, censored, n, what="censored mask"):
        cls = type(self).__name__
        if self.discrete:
            raise ValueError(f"{cls}: censoring is not supported for the discrete family "
                             f"{self.name!r}")
        mask = as_column(censored, f"{cls} censored mask")
        if mask.size != n:
            raise ValueError(f"{cls}: {what} has length {mask.size} but the data have "
                             f"{n} rows")
        i = _first(~np.isin(mask, (0.0, 1.0)))
        if i is not None:
            raise ValueError(f"{cls}: censored mask must be boolean (True = censored); row {i} "
                             f"is {mask[i]}")
        return mask.astype(bool)

    def _event_mask(self, event):
        """The censoring mask of an event indicator (1/True = observed event, 0 = censored)."""
        e = as_column(event, f"{type(self).__name__} event indicator")
        i = _first(~np.isin(e, (0.0, 1.0)))
        if i is not None:
            raise ValueError(f"{type(self).__name__}: event indicator must be 0/1 or True/False "
                             f"(1 = observed event); row {i} is {e[i]}")
        return e == 0

    def _check_weights(self, weights, n):
        """The weights as a float array, or None (each row counted once)."""
        cls = type(self).__name__
        if weights is None:
            return None
        w = as_column(weights, f"{cls} weights")
        if w.size != n:
            raise ValueError(f"{cls}: weights have length {w.size} but the data have {n} rows")
        lo, hi = float(w.min()), float(w.max())
        if not (np.isfinite(lo) and np.isfinite(hi)):
            i = _first(~np.isfinite(w))
            raise ValueError(f"{cls}: weights must be finite; row {i} is {w[i]}")
        if lo < 0:
            i = _first(w < 0)
            raise ValueError(f"{cls}: negative weight at row {i} ({w[i]})")
        return w

    def _check_truncation(self, truncation):
        cls = type(self).__name__
        if truncation is None:
            return None
        try:
            a, b = truncation
        except (TypeError, ValueError):
            raise TypeError(f"{cls}: truncation must be a pair (lower, upper); "
                            f"got {truncation!r}") from None
        a = -INF if a is None else a
        b = INF if b is None else b
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            raise TypeError(f"{cls}: truncation bounds must be numbers; got {truncation!r}") \
                from None
        if np.isnan(a) or np.isnan(b):
            raise ValueError(f"{cls}: truncation bounds contain NaN: {truncation!r}")
        if not a < b:
            raise ValueError(f"{cls}: truncation lower bound {a} must be below the upper "
                             f"bound {b}")
        lo, hi = self.support
        if self.discrete:
            a, b = np.floor(a), np.floor(b)
        if (b < lo if self.discrete else b <= lo) or a >= hi:
            raise ValueError(f"{cls}: truncation ({a}, {b}) lies outside the support of "
                             f"{self.name}")
        return (a, b)

    def _bad_exact(self, x):
        """Mask of exact values outside the support (a bool for a float). For a continuous
        family the valid values form an interval: the constructor applies this to the data's
        min and max first."""
        lo, hi = self.support
        bad = (x < lo) | (x > hi)
        if self.support_open[0]:
            bad |= x == lo
        if self.support_open[1]:
            bad |= x == hi
        return bad

    def _check_support(self, lower, upper, extent):
        """Exact rows inside the support (whole numbers for counts), censored rows overlapping it.

        `extent` is the data's (min, max) when every row is exact (max inf when it was not
        taken: +inf rows are then found by the statistics): for a continuous family, whose
        support is an interval, the data lie in it when their extent does.
        """
        if extent is not None and not self.discrete \
                and not (self._bad_exact(extent[0]) or self._bad_exact(extent[1])):
            return  # floats: no masks
        cls = type(self).__name__
        exact = lower == upper
        bad = exact & self._bad_exact(lower)
        i = _first(bad)
        if i is not None:
            raise ValueError(f"{cls}: data outside the support of {self.name} "
                             f"({self.support_text}): row {i} is {lower[i]}")
        if self.discrete:
            i = _first(~exact)
            if i is not None:
                raise ValueError(f"{cls}: censoring is not supported for the discrete family "
                                 f"{self.name!r} (row {i} is an interval)")
            i = _first(lower != np.round(lower))
            if i is not None:
                raise ValueError(f"{cls}: non-integer count at row {i} ({lower[i]})")
            return
        lo, hi = self.support
        cens = ~exact
        i = _first(cens & ((upper < lo) | (lower > hi)))
        if i is not None:
            raise ValueError(f"{cls}: censored row {i} ({lower[i]}, {upper[i]}) lies outside the "
                             f"support of {self.name} ({self.support_text})")
        i = _first(cens & (upper <= lo))
        if i is not None:
            raise ValueError(f"{cls}: censored row {i} has upper bound {upper[i]} at the lower "
                             f"end of the support: it has probability zero")
        i = _first(cens & (lower >= hi))
        if i is not None:
            raise ValueError(f"{cls}: censored row {i} has lower bound {lower[i]} at the upper "
                             f"end of the support: it has probability zero")

    def _classify(self, lower, upper, extent):
        """Sort the rows into kinds (`self._groups`), clipping censored rows to the truncation.

        `extent` is the data's (min, max or inf) when every row is exact: then there is one group,
        holding the data themselves, and no per-row mask unless a row must be named.
        """
        cls = type(self).__name__
        lo, hi = self.support
        w = self._weights
        if self.truncation is not None:
            a, b = self.truncation
            inside = extent is not None and a <= extent[0] and extent[1] <= b \
                and not (self.discrete and extent[0] == a)
            if not inside:
                exact = lower == upper
                x = lower
                out = exact & ((x < a) | (x > b) | ((x == a) & self.discrete))
                i = _first(out)
                if i is not None:
                    span = f"({a}, {b}]" if self.discrete else f"[{a}, {b}]"
                    raise ValueError(f"{cls}: truncation {span} excludes row {i} ({x[i]})")
                cl, cu = np.maximum(lower, a), np.minimum(upper, b)
                i = _first(~exact & ~(cl < cu))
                if i is not None:
                    raise ValueError(f"{cls}: truncation ({a}, {b}) excludes censored row {i} "
                                     f"({lower[i]}, {upper[i]})")
                lower, upper = np.where(exact, lower, cl), np.where(exact, upper, cu)
        self._groups = dict.fromkeys(KINDS)
        if extent is not None:
            self._groups["exact"] = _Group(None, lower, None, w)
        else:
            exact = lower == upper
            left_open = lower <= lo
            right_open = upper >= hi
            kinds = {
                "exact": exact,
                "right": ~exact & right_open & ~left_open,
                "left": ~exact & left_open & ~right_open,
                "interval": ~exact & ~left_open & ~right_open,
            }
            # rows with both ends open are known only to lie in the support: no group, no term
            n = lower.size
            for kind, mask in kinds.items():
                idx = np.flatnonzero(mask)
                if idx.size == 0:
                    continue
                if idx.size == n:  # every row: the group holds the arrays themselves
                    idx, rows = None, slice(None)
                else:
                    rows = idx
                bound = upper if kind == "left" else lower
                self._groups[kind] = _Group(idx, bound[rows],
                                            upper[rows] if kind == "interval" else None,
                                            None if w is None else w[rows])
        self._counted_weight = sum(g.total for g in self._groups.values() if g is not None)

    # -- public surface ---------------------------------------------------------------
    @property
    def n(self):
        """Number of rows."""
        return self._lower.size

    @property
    def weights(self):
        """The frequency weights, one per row (ones when none were given)."""
        return np.ones(self.n) if self._weights is None else self._weights

    @property
    def nobs(self):
        """Sum of the frequency weights (each row counted w times)."""
        return total_weight(self._weights, self._lower)

    @property
    def lower(self):
        """Each row's lower bound (its value, for an exact row), read-only."""
        return _read_only(self._lower)

    @property
    def upper(self):
        """Each row's upper bound (inf for a right-censored row), read-only."""
        return _read_only(self._upper)

    @property
    def censored(self):
        """Boolean mask of the rows that are not exact observations."""
        return self._lower != self._upper

    def __repr__(self):
        extra = []
        if self.censored.any():
            extra.append(f"censored={int(self.censored.sum())}")
        if self.truncation is not None:
            extra.append(f"truncation={self.truncation}")
        return f"{type(self).__name__}(n={self.n}{''.join(', ' + e for e in extra)})"

    def _params(self, params):
        cls = type(self).__name__
        if len(params) != len(self.param_names):
            raise TypeError(f"{cls} takes {len(self.param_names)} parameter(s) "
                            f"{self.param_names}; got {len(params)}")
        out = []
        for name, kind, p in zip(self.param_names, self.constraints, params):
            v = as_value(p)
            d = v.data
            if type(d) is float:  # a scalar: plain comparisons, no arrays
                if not _inside(kind, d):
                    raise ValueError(f"{cls}: parameter {name} must be {SPACES[kind]}; got {d}")
                out.append(v)
                continue
            d = np.asarray(d, dtype=float)
            if d.ndim and d.shape != (self.n,):
                raise ValueError(f"{cls}: parameter {name} must be a scalar or have one value per "
                                 f"row ({self.n}); got shape {d.shape}")
            flat = np.atleast_1d(d)
            i = _first(~_inside(kind, flat))
            if i is not None:
                at = f" at index {i}" if d.ndim else ""
                raise ValueError(f"{cls}: parameter {name} must be {SPACES[kind]}; "
                                 f"got {flat[i]}{at}")
            out.append(v)
        return out

    def _param_floats(self, params):
        """Scalar parameter values (numbers or Values) as floats, checked like `_params`."""
        vals = [float(as_value(p).data) for p in params]
        self._params(vals)
        return vals

    def __call__(self, *params):
        """The log-likelihood, a scalar Value: Σ wᵢ · (row i's log density, log S, log F
        or log ΔF), minus Σ wᵢ log(F(b) − F(a)) under truncation."""
        p = self._params(params)
        for name, v in zip(self.param_names, p):
            if v.shape != ():
                raise ValueError(f"{type(self).__name__}: the log-likelihood takes scalar "
                                 f"parameters ({name} has shape {v.shape}); use contributions() "
                                 "for one value per row")
        g = self._groups
        terms = []
        covered = set()
        if self._stats is not None:
            terms.append(self._loglik_reduced(self._stats, *p))
            covered.add("exact")
            if self.reduces_right:
                covered.add("right")
        for kind in KINDS:
            grp = g[kind]
            if grp is None or kind in covered:
                continue
            terms.append(grp.wsum(self._term(kind, grp, p)))
        if self.truncation is not None and self._counted_weight > 0:
            terms.append(-self._counted_weight * self._log_norm(*p))
        if not terms:
            return Value.constant(0.0)
        return reduce(operator.add, terms)

    def _term(self, kind, grp, p):
        if kind == "exact":
            return self._logpdf(grp.x, *p)
        if kind == "right":
            return self._logsf(grp.x, *p)
        if kind == "left":
            return self._logcdf(grp.x, *p)
        return self._log_interval(grp.x, grp.u, *p)

    def contributions(self, *params):
        """Each row's unweighted log-likelihood term, a Value of shape (n,).

        Parameters may be scalars or Values of shape (n,) (one value per row), so
        that the gradient of the sum gives per-row scores.
        """
        p = self._params(params)
        n = self.n
        out = None
        for kind in KINDS:
            grp = self._groups[kind]
            if grp is None:
                continue
            if grp.idx is None:  # every row, in order: nothing to take or place
                pg, rows = p, (n,)
            else:
                pg = [v if v.shape == () else take(v, index=grp.idx) for v in p]
                rows = grp.idx.shape
            term = self._term(kind, grp, pg)
            if self.truncation is not None:
                term = term - self._log_norm(*pg)
            if term.shape != rows:
                term = term + np.zeros(rows)
            if grp.idx is not None:
                term = scatter(term, index=grp.idx, shape=(n,), out_shape=rows)
            out = term if out is None else out + term
        return Value.constant(np.zeros(n)) if out is None else out

    def reweighted(self, w):
        """The same data, censoring and truncation with frequency weights `w`."""
        if self._interval:
            x, censored = IntervalData(self._lower, self._upper), None
        else:
            censored = self._lower != self._upper
            x, censored = self._lower, (censored if censored.any() else None)
        return type(self)(x, censored=censored, weights=w, truncation=self.truncation,
                          **self.options)

    def start(self):
        """A data-based starting point inside the parameter space: dict name -> float."""
        start = {k: float(v) for k, v in self._start().items()}
        for name, kind in zip(self.param_names, self.constraints):
            v = start[name]
            if not np.isfinite(v):
                v = 1.0 if kind == "positive" else (0.5 if kind == "unit" else 0.0)
            if kind == "positive":
                v = max(v, 1e-8)
            elif kind == "unit":
                v = min(max(v, 1e-6), 1 - 1e-6)
            start[name] = v
        return start

    def scipy(self, *params):
        """The frozen scipy.stats distribution at these parameter values (without truncation)."""
        return self._scipy(*self._param_floats(params))

    def simulate(self, params, rng=None):
        """A generator of the same design (rows, weights, right censoring, truncation) on data
        drawn from the model at `params` (a sequence or a dict keyed by parameter name).

        A right-censored row with censoring time c becomes min(T, c), censored iff T > c.
        """
        cls = type(self).__name__
        if isinstance(params, dict):
            missing = [k for k in self.param_names if k not in params]
            if missing:
                raise ValueError(f"{cls}.simulate: missing parameter(s) {missing}")
            params = [params[k] for k in self.param_names]
        vals = self._param_floats(params)
        lower, upper = self._lower, self._upper
        right = np.isinf(upper) & (lower != upper)
        other = (lower != upper) & ~right
        i = _first(other)
        if i is not None:
            raise ValueError(f"{cls}.simulate: row {i} is left- or interval-censored; simulating "
                             "such data needs a censoring model (inspection times), which this "
                             "design does not contain")
        rng = np.random.default_rng(rng)
        dist = self._scipy(*vals)
        n = self.n
        if self.truncation is None:
            t = np.asarray(dist.rvs(size=n, random_state=rng), dtype=float)
        else:
            a, b = self.truncation
            fa, fb = dist.cdf(a), dist.cdf(b)
            u = fa + (1.0 - rng.uniform(size=n)) * (fb - fa)  # in (F(a), F(b)]
            t = np.asarray(dist.ppf(u), dtype=float)
        if not right.any():
            return type(self)(t, weights=self._weights, truncation=self.truncation,
                              **self.options)
        c = lower
        cens = right & (t > c)
        obs = np.where(cens, c, t)
        return type(self)(obs, censored=cens, weights=self._weights, truncation=self.truncation,
                          **self.options)

    # -- formulae a family may derive -------------------------------------------------
    def _logsf(self, x, *p):
        return log1mexp(self._logcdf(x, *p))

    def _logcdf(self, x, *p):
        return log1mexp(self._logsf(x, *p))

    def _log_interval(self, lo, hi, *p):
        """log(F(hi) − F(lo)) from the formula the family supplies: as log(S(lo) − S(hi)) when
        it gives only the log survival (then log S is the exact one, as −H for lifetimes),
        otherwise from the log CDF (accurate in both tails when it is)."""
        if type(self)._logcdf is LogLikGenerator._logcdf:
            return log_diff_exp(self._logsf(lo, *p), self._logsf(hi, *p))
        return log_diff_exp(self._logcdf(hi, *p), self._logcdf(lo, *p))

    def _log_norm(self, *p):
        """log(F(b) − F(a)) for the truncation bounds (a, b), at these parameters."""
        return self._log_mass(*self.truncation, *p)

    def _log_mass(self, a, b, *p):
        """log(F(b) − F(a)), the log probability of a < X ≤ b (a ≤ X ≤ b for a continuous
        family), for floats a < b that may lie beyond the support's ends: an end beyond the
        support drops out (log F(b), log S(a), or 0 when both do)."""
        lo, hi = self.support
        a_free = a < lo or (a == lo and not self.discrete)
        b_free = b >= hi
        if a_free and b_free:
            return as_value(0.0)
        if a_free:
            return self._logcdf(np.float64(b), *p)
        if b_free:
            return self._logsf(np.float64(a), *p)
        return self._log_interval(np.float64(a), np.float64(b), *p)

    def _reduce(self, x, w, cx, cw):
        """Sufficient statistics of the exact rows (and right-censored ones); None if none."""
        return None

    def _reduces(self):
        """Does the family reduce its exact rows to sufficient statistics?"""
        return type(self)._reduce is not LogLikGenerator._reduce

    def _loglik_reduced(self, stats, *p):
        raise NotImplementedError

    def _start(self):
        raise NotImplementedError

    def _scipy(self, *p):
        raise NotImplementedError

    # -- helpers for families -----------------------------------------------------------
    def _cached(self, key, x, fn):
        """fn(x), computed once per generator for its own data arrays (a group's rows or bounds);
        any other array (points a prediction asks about) is computed afresh, not kept."""
        if np.ndim(x) == 0 or not any(x is g.x or x is g.u
                                      for g in self._groups.values() if g is not None):
            return fn(x)
        cache = self.__dict__.setdefault("_data_cache", {})
        k = (key, id(x))
        hit = cache.get(k)
        if hit is None or hit[0] is not x:
            hit = (x, fn(x))
            cache[k] = hit
        return hit[1]

    def _reduced_only(self):
        """True when the sufficient statistics hold every row that counts (the exact rows, and
        the right-censored ones for a family that reduces them) and those rows carry weight:
        a start can come from the statistics, with no further pass over the data."""
        covered = ("exact", "right") if self.reduces_right else ("exact",)
        return (self._stats is not None and self._counted_weight > 0
                and all(self._groups[k] is None for k in KINDS if k not in covered))

    def _start_values(self):
        """Representative values and weights for a start: exact rows, plus each censored row's
        finite bound (the midpoint of an interval)."""
        xs, ws = [], []
        for kind in KINDS:
            grp = self._groups[kind]
            if grp is None:
                continue
            if kind == "interval":
                xs.append(0.5 * (grp.x + grp.u))
            else:
                xs.append(grp.x)
            ws.append(np.ones(grp.x.size) if grp.w is None else grp.w)
        if not xs:
            return np.ones(1), np.ones(1)
        x, w = (xs[0], ws[0]) if len(xs) == 1 else (np.concatenate(xs), np.concatenate(ws))
        if w.sum() <= 0:
            w = np.ones_like(w)
        return x, w
