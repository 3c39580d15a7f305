"""A log-likelihood: a family bound to rows (`LogLikGenerator`).

`WeibullLogLik(x, censored=None, weights=None, truncation=None, event=None)` binds the rows
(`rows.Rows`: kinds, weights, truncation, validation) and is then called with one Value (or
number) per parameter: Σ wᵢ · (row i's log density, log S, log F or log ΔF), minus
Σ wᵢ log P(aᵢ < X ≤ bᵢ) under truncation (a, b), which may be per row (delayed entry).

Parameters may be scalars or per-row Values of shape (n,) (regression, shards): the call is
then the weighted sum of `contributions`. With scalar parameters the exact rows (and the
right-censored ones when the family sets `reduces_right = True`) enter through sufficient
statistics taken once from the data, so an evaluation costs O(1) in the number of rows. A
family file supplies, besides its formulae (see `family.py`):

- `_reduce(x, w, cx, cw)` and `_loglik_reduced(stats, *p)`: the statistics and the
  log-likelihood from them; a weight array is None when every row counts once
  (`base.wsum`, `base.total_weight` handle both);
- `_start()`: a data-based start (dict name -> float), from the statistics when they hold
  every row (`_reduced_only()`), otherwise from `_start_values()`.
"""

import math
import operator
from functools import reduce

import numpy as np

from ..core.ops import dot, scatter, take
from ..core.ops import sum as fsum
from ..core.value import Value, as_value
from .base import total_weight
from .family import Family
from .interval import first_index as _first, read_only as _read_only
from .rows import Group, Rows, check_weights, refuse_non_finite, truncated_per_row
from .starts import sample_step
from .truncated import Truncated

INF = np.inf


class LogLikGenerator(Family):
    """Base class: bind data once, then call with parameters to get the log-likelihood graph."""

    reduces_right = False  # `_reduce` also absorbs the right-censored rows
    reduces_many = False  # `_reduce` takes a weight matrix (R, n): R replicates at once

    def __init__(self, x, censored=None, weights=None, truncation=None, event=None, **options):
        super().__init__(**options)
        # a +inf row makes a sufficient statistic infinite: when the support is unbounded
        # above and every row is reduced, the statistics find it and the max is not taken
        by_stats = not self.discrete and self.support[1] == INF and self._reduces()
        self.rows = Rows(self, x, censored=censored, event=event, weights=weights,
                         truncation=truncation, who=type(self).__name__,
                         stats_find_inf=by_stats)
        if self.rows.stats_find_inf:  # a +inf row turns into inf/NaN statistics quietly
            with np.errstate(invalid="ignore", over="ignore"):
                self._stats = self._statistics()
            self._check_statistics(self._lower)
        else:
            self._stats = self._statistics()

    @classmethod
    def family(cls, **options):
        """The family alone, without rows (options such as a binomial's size= as in the
        constructor): its public methods (logpdf, cdf, ppf, ...) work; calling it does not."""
        fam = cls.__new__(cls)
        Family.__init__(fam, **options)
        return fam

    # the rows' parts, under the names the families and the fast path use
    _lower = property(lambda self: self.rows.lower)
    _upper = property(lambda self: self.rows.upper)
    _weights = property(lambda self: self.rows.weights)
    _groups = property(lambda self: self.rows.groups)
    _counted_weight = property(lambda self: self.rows.counted_weight)

    @property
    def truncation(self):
        """The truncation bounds (a, b), each a float or a per-row array; None without."""
        return self.rows.truncation

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
        finite = all(map(math.isfinite, scalars))
        if scalars and finite:
            return
        cls = type(self).__name__
        refuse_non_finite(data, cls)  # no statistics to tell (no weight): the masks do
        if not finite:
            raise ValueError(f"{cls}: the data's sufficient statistics overflow (values or "
                             "weights too large in magnitude for float64); rescale them")

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
        return self.rows.censored

    @property
    def distribution(self):
        """The family the rows were drawn from: this one, or `Truncated` to the truncation
        bounds when there are some (what predictions, plots and simulation ask)."""
        if self.truncation is None:
            return self
        return Truncated(self, *self.truncation)

    def __repr__(self):
        if "rows" not in self.__dict__:
            options = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
            return f"{type(self).__name__}.family({options})"
        extra = []
        censored = int(self.censored.sum())
        if censored:
            extra.append(f"censored={censored}")
        if self.truncation is not None:
            extra.append("truncation=per row" if truncated_per_row(self.truncation)
                         else f"truncation={self.truncation}")
        return f"{type(self).__name__}(n={self.n}{''.join(', ' + e for e in extra)})"

    def _row_params(self, params):
        """The parameters, checked, each a scalar or one value per row, and whether any is
        per row."""
        if "rows" not in self.__dict__:
            raise TypeError(f"{type(self).__name__}.family() has no rows to evaluate a "
                            f"log-likelihood on; bind data: {type(self).__name__}(x, ...)")
        p = self._param_values(params)
        per_row = False
        for name, v in zip(self.param_names, p):
            if v.shape:
                if v.shape != (self.n,):
                    raise ValueError(f"{type(self).__name__}: parameter {name} must be a scalar "
                                     f"or have one value per row ({self.n}); got shape {v.shape}")
                per_row = True
        return p, per_row

    def _param_floats(self, params):
        """Scalar parameter values (numbers or Values) as floats, checked."""
        vals = [float(as_value(p).data) for p in params]
        self._param_values(vals)
        return vals

    def __call__(self, *params):
        """The log-likelihood, a scalar Value: Σ wᵢ · (row i's log density, log S, log F
        or log ΔF), minus Σ wᵢ log P(aᵢ < X ≤ bᵢ) under truncation. With per-row parameters,
        the weighted sum of `contributions`."""
        p, per_row = self._row_params(params)
        if per_row:
            c = self._contributions(p)
            return fsum(c) if self._weights is None else dot(c, self._weights)
        terms = []
        covered = set()
        if self._stats is not None:
            terms.append(self._loglik_reduced(self._stats, *p))
            covered.add("exact")
            if self.reduces_right:
                covered.add("right")
        for kind, grp in self.rows.groups.items():
            if grp is not None and kind not in covered:
                terms.append(grp.wsum(self._term(kind, grp, p)))
        if self.truncation is not None and self._counted_weight > 0:
            a, b = self.truncation
            if not truncated_per_row(self.truncation):
                terms.append(-self._counted_weight * self.log_mass(a, b, *p))
            else:
                terms.extend(-grp.wsum(self.log_mass(grp.at(a), grp.at(b), *p))
                             for _, grp in self.rows.present())
        if not terms:
            return Value.constant(0.0)
        return reduce(operator.add, terms)

    def _term(self, kind, grp, p):
        if kind == "exact":
            return self._logpdf(grp.x, *p)
        if kind == "right":
            return self._logsf(grp.x_open, *p)
        if kind == "left":
            return self._logcdf(grp.x, *p)
        return self._log_interval(grp.x_open, grp.u, *p)

    def contributions(self, *params):
        """Each row's unweighted log-likelihood term, a Value of shape (n,).

        Parameters may be scalars or Values of shape (n,) (one value per row), so
        that the gradient of the sum gives per-row scores.
        """
        return self._contributions(self._row_params(params)[0])

    def _contributions(self, p):
        n = self.n
        out = None
        for kind, grp in self.rows.present():
            if grp.idx is None:  # every row, in order: nothing to take or place
                pg, rows = p, (n,)
            else:
                pg = [v if v.shape == () else take(v, index=grp.idx) for v in p]
                rows = grp.idx.shape
            term = self._term(kind, grp, pg)
            if self.truncation is not None:
                a, b = self.truncation
                term = term - self.log_mass(grp.at(a), grp.at(b), *pg)
            if term.shape != rows:
                term = term + np.zeros(rows)
            if grp.idx is not None:
                term = scatter(term, index=grp.idx, shape=(n,), out_shape=rows)
            out = term if out is None else out + term
        return Value.constant(np.zeros(n)) if out is None else out

    def reweighted(self, w):
        """The same data, censoring and truncation with frequency weights `w`."""
        x, censored = self.rows.rebound()
        return type(self)(x, censored=censored, weights=w, truncation=self.truncation,
                          **self.options)

    def statistics(self, weights=None):
        """The sufficient statistics that make up the whole log-likelihood at scalar
        parameters, of these rows under frequency weights `weights` (one per row; default
        their own), or None when some counted rows are not reduced or the rows are truncated.
        With `loglik_from` they give a reweighted copy's log-likelihood (a bootstrap
        replicate's) without binding the rows again, equal to `reweighted(weights)`'s.

        `weights` may instead be a matrix (R, n), the weights of R replicates of these rows (a
        bootstrap's resamples): for a family whose `_reduce` takes one (`reduces_many`; else
        None) each statistic is then an array of length R (or one number for all, moment data
        one object holding the R rows of weights), computed for all replicates at once by the
        same reduction; entry b equals `statistics(weights[b])`'s to rounding. The matrix
        gives None too when some replicate has no statistics (no weight on the rows)."""
        if self.truncation is not None or not self._reduced_only():
            return None
        if weights is None:
            return self._stats
        who = f"{type(self).__name__}.statistics"
        w = check_weights(weights, self.n, who, many=np.ndim(weights) == 2)
        if w.ndim == 2 and not self.reduces_many:
            return None
        (x, xw), (c, cw) = (_reweighted(self._groups[k], w) for k in ("exact", "right"))
        if c is not None and self.reduces_right:
            return self._reduce(_NO_ROWS.x if x is None else x, xw, c, cw)
        return self._reduce(x, xw, None, None)

    def loglik_from(self, stats, *params):
        """The log-likelihood at scalar parameters from `statistics(...)`, whose entries may be
        Values (leaves that a graph built once moves to another replicate's statistics).
        Parameters and numeric statistics may instead be arrays of one length R: entry b is
        the log-likelihood of the b-th statistics at the b-th parameters (R replicates at
        once; not per-row parameters, which `__call__` takes)."""
        return self._loglik_reduced(stats, *self._param_values(params))

    def maximum_from(self, stats):
        """The maximum of `loglik_from(stats, ·)` over every parameter, where the family finds
        it from the statistics alone (a closed form, or a solve of its own): a tuple with one
        entry per parameter, numbers or arrays of R replicates as the statistics are, NaN or a
        point outside the parameter space where there is none (no weight, no spread). None
        when the family does not solve it: a caller then starts its search elsewhere (a
        bootstrap's batch starts each replicate here, and otherwise at the estimates)."""
        return self._maximum_from(stats)

    def structure(self):
        """(key, inputs, build) when the log-likelihood is `loglik_from` of the statistics
        (`statistics()` is not None): `inputs` are the statistics (numbers and data objects),
        `build(params, inputs)` makes the log-likelihood from them, and `key` names the
        function of the inputs that is (the class, its options and the statistics' layout):
        every generator with that key gives it, whatever its data. None otherwise, or when
        an option or a statistic (an array) cannot be told apart by a key. The fit records
        one graph per key and evaluates it on each data set's inputs (`core.tape`)."""
        stats = self.statistics()
        if stats is None:
            return None
        packed = isinstance(stats, tuple)
        inputs = stats if packed else (stats,)
        kinds = []
        for v in inputs:
            if isinstance(v, (bool, np.bool_, np.ndarray, Value)):
                return None
            kinds.append(float if isinstance(v, (int, float, np.integer, np.floating))
                         else type(v))
        kinds = tuple(kinds)
        key = (type(self), tuple(sorted(self.options.items())), packed, kinds)
        try:
            hash(key)
        except TypeError:  # an option such as an array
            return None

        def build(params, held):
            return self.loglik_from(tuple(held) if packed else held[0], *params)
        return key, inputs, build

    def start(self):
        """A data-based starting point inside the parameter space: dict name -> float."""
        start = {k: float(v) for k, v in self._start().items()}
        for name, space in zip(self.param_names, self._spaces):
            start[name] = space.clamp_start(start[name])
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
        i = _first((lower != upper) & ~right)
        if i is not None:
            raise ValueError(f"{cls}.simulate: row {i} is left- or interval-censored; simulating "
                             "such data needs a censoring model (inspection times), which this "
                             "design does not contain")
        t = self.distribution.rvs(*vals, size=self.n, random_state=np.random.default_rng(rng))
        if not right.any():
            return type(self)(t, weights=self._weights, truncation=self.truncation,
                              **self.options)
        c = lower
        # a censored count c means X ≥ c: the count is top-coded at c when T ≥ c
        cens = right & ((t >= c) if self.discrete else (t > c))
        obs = np.where(cens, c, t)
        return type(self)(obs, censored=cens, weights=self._weights, truncation=self.truncation,
                          **self.options)

    # -- statistics a family may supply -------------------------------------------------
    def _reduce(self, x, w, cx, cw):
        """Sufficient statistics of the exact rows (and right-censored ones); None if none."""
        return None

    def _reduces(self):
        """Does the family reduce its exact rows to sufficient statistics?"""
        return type(self)._reduce is not LogLikGenerator._reduce

    def _loglik_reduced(self, stats, *p):
        raise NotImplementedError

    def _maximum_from(self, stats):
        """The maximum from the statistics (`maximum_from`), or None: the family has none."""
        return None

    def _start(self):
        raise NotImplementedError

    # -- helpers for families -----------------------------------------------------------
    def _cached(self, key, x, fn):
        """fn(x), computed once per generator for its own data arrays (a group's rows or bounds);
        any other array (points a prediction asks about) is computed afresh, not kept."""
        if np.ndim(x) == 0 or "rows" not in self.__dict__ or not any(
                x is g.x or x is g.u or x is g.x_open for _, g in self.rows.present()):
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
        rows = self.rows
        groups = rows.groups
        return (self._stats is not None and rows.counted_weight > 0
                and groups["left"] is None and groups["interval"] is None
                and (self.reduces_right or groups["right"] is None))

    def _start_values(self, sample=False):
        """Representative values and weights for a start: exact rows, plus each censored row's
        finite bound (the midpoint of an interval); with `sample`, only the `start_sample` of
        them (every k-th, gathered without a copy of every row)."""
        groups = self.rows.present()
        total = sum(grp.x.size for _, grp in groups)
        step = sample_step(total) if sample else 1
        xs, ws, offset = [], [], 0
        for kind, grp in groups:
            rows = slice(-offset % step, None, step)  # every step-th of the rows so far
            offset += grp.x.size
            xs.append(0.5 * (grp.x[rows] + grp.u[rows]) if kind == "interval" else grp.x[rows])
            ws.append(np.ones(xs[-1].size) if grp.w is None else grp.w[rows])
        if not xs:
            return np.ones(1), np.ones(1)
        x, w = (xs[0], ws[0]) if len(xs) == 1 else (np.concatenate(xs), np.concatenate(ws))
        if w.sum() <= 0:
            w = np.ones_like(w)
        return x, w


_NO_ROWS = Group(np.zeros(0, int), np.zeros(0), None, None)


def _reweighted(group, w):
    """A group's rows and its share of the weights `w` (None when each counts once, as a
    bound group keeps them), or of each row of a weight matrix; (None, None) for an absent
    group."""
    if group is None:
        return None, None
    if w.ndim == 2:
        return group.x, (w if group.idx is None else w[:, group.idx])
    gw = group.at(w)
    return group.x, (None if gw is None or np.all(gw == 1.0) else gw)
