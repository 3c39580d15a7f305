"""What a distribution is, apart from any data: `Family`.

A family states its parameters (`param_names`, `constraints`: names of spaces in
`spaces`), its support (`support`, `support_open`, `discrete`) and supplies formulae
in femtograd ops, elementwise in the points and parameters:

- `_logpdf(x, *p)`: log density (log mass for a discrete family);
- `_logsf(x, *p)` and/or `_logcdf(x, *p)`: log survival / log CDF; the missing one is
  derived from the other (lifelines-style); a class that defines neither is a TypeError
  when it is created;
- optionally `_log_interval(lo, hi, *p)` (log(F(hi) − F(lo)), derived otherwise),
  `_loghazard(x, *p)` (log f − log S, derived otherwise; a closed form keeps its digits
  far in the tail), `_quantile(q, *p)` (the quantile at probabilities 0 < q < 1, where the
  CDF inverts in closed form: elementary functions, or an op that inverts a special function
  with exact derivatives, as the gamma's `inverse_gammainc`), `_ppf(q, *p)` (without a closed
  form: the quantile as floats from a special function's inverse, such as `betaincinv`;
  scipy's ppf unless a family says so) and
  `_scipy(*p)` (the matching scipy.stats distribution, for `rvs` and the default `_ppf`).

The hooks hold formulae only and are called at points inside the support. The PUBLIC
methods (`logpdf`, `logcdf`, `logsf`, `log_mass`, `log_hazard`, and their exponentials,
`cumhazard`, `quantile`, `ppf`, `rvs`) know the support: a point beyond it gets its value exactly
(−inf or 0) as a constant. Their parameters may be numbers, scalar Values, or per-row
arrays/Values of shape (n,); the points broadcast against them. They return a Value
(scalar when the points and every parameter are), so that derivatives flow to the
parameters; other layers call these, never the hooks. `quantile_inside` is `quantile` for a
caller that has checked its input (probabilities inside (0, 1), parameters in their spaces):
the closed form alone, without the masks and checks that arbitrary input needs.

For a discrete family, F(x) = P(X ≤ x), S(x) = P(X > x), `log_mass(a, b)` is
log P(a < X ≤ b) and the hazard is the discrete one, P(X = x | X ≥ x).
"""

import math
import operator
from functools import reduce

import numpy as np

from ..core.ops import exp, log1mexp, log_diff_exp, reshape, scatter, take
from ..core.value import Value, as_value
from .interval import first_index as _first
from .spaces import space_for

INF = np.inf


def assemble(n, p, known, parts):
    """A Value of shape (n,) put together from pieces: `known` (floats, broadcast to (n,)) at
    the points no part covers, and for each part (mask, build) build(index, p at those points)
    at the points of the mask (`index` None when the mask covers every point). A point's value
    depends only on its own parameters' entries, so its gradient is its own; a point outside
    every part is a constant (gradient zero)."""
    known = np.array(np.broadcast_to(known, (n,)), dtype=float)
    terms = []
    for mask, build in parts:
        mask = np.broadcast_to(mask, (n,))
        if not mask.any():
            continue
        if mask.all():
            term = build(None, p)
            terms.append(term if term.shape == (n,) else term + np.zeros(n))
            known[:] = 0.0
            continue
        idx = np.flatnonzero(mask)
        term = build(idx, [v if v.shape == () else take(v, index=idx) for v in p])
        if term.shape != idx.shape:
            term = term + np.zeros(idx.shape)
        terms.append(scatter(term, index=idx, shape=(n,), out_shape=idx.shape))
        known[idx] = 0.0
    if not terms:
        return Value.constant(known)
    out = reduce(operator.add, terms)
    return out + known if np.any(known) else out


def at(x, idx):
    """`x` at the points of `idx` (all of them when None; a scalar stays itself)."""
    return x if idx is None or np.ndim(x) == 0 else x[idx]


def _number(v):
    """A float for an integral float, printed without a trailing .0 (support text)."""
    return f"{v:g}"


class Family:
    """A distribution without data: parameters, support, formulae and support-aware methods."""

    name = None
    param_names = ()
    constraints = ()
    support = (-INF, INF)          # (lower, upper) end of the support (inclusive for counts)
    support_open = (False, False)  # is a value at that end impossible?
    discrete = False               # counts
    closed_quantile = False        # does `_quantile` invert the CDF in closed form? (derived)
    _spaces = ()                   # the constraints' spaces, looked up once per class

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if "_logsf" in own or "_logcdf" in own:  # an inherited inverse inverts another CDF
            if "_quantile" not in own:
                cls._quantile = Family._quantile
            if "_ppf" not in own:
                cls._ppf = Family._ppf
        cls.closed_quantile = cls._quantile is not Family._quantile
        if not cls.param_names:  # a template, or a wrapper stating them per instance (Truncated)
            return
        missing = []
        if cls._logpdf is Family._logpdf:
            missing.append("_logpdf(x, *params)")
        if cls._logsf is Family._logsf and cls._logcdf is Family._logcdf:
            missing.append("_logsf(x, *params) or _logcdf(x, *params)")
        if missing:
            raise TypeError(f"family {cls.__name__} must define {' and '.join(missing)}")
        if len(cls.constraints) != len(cls.param_names):
            raise TypeError(f"family {cls.__name__} has {len(cls.param_names)} parameter(s) but "
                            f"{len(cls.constraints)} constraint(s)")
        cls._spaces = tuple(space_for(c) for c in cls.constraints)

    def __init__(self, **options):
        self.options = self._init_options(**options)

    def _init_options(self, **options):
        if options:
            raise TypeError(f"{type(self).__name__} got unexpected keyword argument(s) "
                            f"{sorted(options)}")
        return {}

    @property
    def support_text(self):
        """The support in words, derived from `support` ("x > 0", "counts 0, 1, 2, ...")."""
        lo, hi = self.support
        if self.discrete:
            if hi - lo == 1:
                return f"{_number(lo)} or {_number(hi)}"
            if hi == INF:
                return f"counts {_number(lo)}, {_number(lo + 1)}, {_number(lo + 2)}, ..."
            return f"counts {_number(lo)}, ..., {_number(hi)}"
        if lo == -INF and hi == INF:
            return "a real number"
        strict_lo, strict_hi = ("<" if o else "<=" for o in self.support_open)
        if hi == INF:
            return f"x {'>' if self.support_open[0] else '>='} {_number(lo)}"
        if lo == -INF:
            return f"x {strict_hi} {_number(hi)}"
        return f"{_number(lo)} {strict_lo} x {strict_hi} {_number(hi)}"

    # -- hooks: formulae at points inside the support ------------------------------------
    def _logpdf(self, x, *p):
        raise NotImplementedError

    def _logsf(self, x, *p):
        return log1mexp(self._logcdf(x, *p))

    def _logcdf(self, x, *p):
        return log1mexp(self._logsf(x, *p))

    def _log_interval(self, lo, hi, *p):
        """log(F(hi) − F(lo)) from the formula the family supplies: as log(S(lo) − S(hi)) when
        it gives only the log survival (then log S is the exact one, as −H for lifetimes),
        otherwise from the log CDF (accurate in both tails when it is)."""
        if type(self)._logcdf is Family._logcdf:
            return log_diff_exp(self._logsf(lo, *p), self._logsf(hi, *p))
        return log_diff_exp(self._logcdf(hi, *p), self._logcdf(lo, *p))

    def _loghazard(self, x, *p):
        return self._logpdf(x, *p) - self._logsf(x, *p)

    def _quantile(self, q, *p):
        raise NotImplementedError(f"{type(self).__name__} has no closed-form quantile")

    def _ppf(self, q, *p):
        """The quantiles at probabilities q in [0, 1] as floats (parameters as floats), for a
        family without a closed form: scipy's, unless the family inverts its CDF by a special
        function (`fit.quantile` polishes them on femtograd's own CDF)."""
        return self._scipy(*p).ppf(q)

    def _scipy(self, *p):
        raise NotImplementedError(f"{type(self).__name__} has no scipy counterpart")

    def _cached(self, key, x, fn):
        """fn(x): a bound log-likelihood keeps it for its own data arrays (see loglik.py)."""
        return fn(x)

    # -- parameters ----------------------------------------------------------------------
    def _param_values(self, params):
        """The parameters as Values, checked: their number, each inside its space (elementwise
        for an array), each a scalar or one-dimensional."""
        cls = type(self).__name__
        if len(params) != len(self.param_names):
            raise TypeError(f"{cls} takes {len(self.param_names)} parameter(s) "
                            f"{self.param_names}; got {len(params)}")
        out = []
        for name, space, p in zip(self.param_names, self._spaces, params):
            v = as_value(p)
            d = v.data
            if type(d) is float:  # a scalar: plain comparisons, no arrays
                if not space.contains(d):
                    raise ValueError(f"{cls}: parameter {name} must be {space.message}; got {d}")
                out.append(v)
                continue
            d = np.asarray(d, dtype=float)
            self._check_param_shape(name, d.shape)
            flat = np.atleast_1d(d)
            inside = space.inside(flat)
            if not inside.all():
                i = _first(~inside)
                where = f" at index {i}" if d.ndim else ""
                raise ValueError(f"{cls}: parameter {name} must be {space.message}; "
                                 f"got {flat[i]}{where}")
            out.append(v)
        return out

    def _check_param_shape(self, name, shape):
        if len(shape) > 1:
            raise ValueError(f"{type(self).__name__}: parameter {name} must be a scalar or "
                             f"one-dimensional; got shape {shape}")

    def _points(self, x, p, what):
        """The points as a float array broadcast against the hooks' arguments `p`, and the shape
        of the answer (() when the points and every argument are scalars)."""
        try:
            arr = np.asarray(x.data if isinstance(x, Value) else x, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{type(self).__name__}.{what}: the points must be numbers; "
                            f"got {x!r}") from None
        if arr.ndim > 1:
            raise ValueError(f"{type(self).__name__}.{what}: the points must be a number or "
                             f"one-dimensional; got shape {arr.shape}")
        nan = np.isnan(np.atleast_1d(arr))
        if nan.any():
            raise ValueError(f"{type(self).__name__}.{what}: the points contain NaN at "
                             f"position {_first(nan)}")
        try:
            shape = np.broadcast_shapes(arr.shape, *(v.shape for v in p))
        except ValueError:
            raise ValueError(f"{type(self).__name__}.{what}: the points (shape {arr.shape}) "
                             "and the parameters (shapes "
                             f"{[v.shape for v in p]}) do not broadcast") from None
        n = math.prod(shape)  # (a tenth of np.prod's time on a tuple; 1 for ())
        return np.broadcast_to(arr, (n,)).astype(float), shape

    def _args(self, p):
        """The values the hooks take after the points: the parameters (a wrapper adds its own)."""
        return p

    def _ends(self, args):
        """Each point's (lowest, highest) possible value: the support (inclusive for counts)."""
        return self.support

    def _evaluate(self, what, points, params, body):
        args = self._args(self._param_values(params))
        x, shape = self._points(points, args, what)
        lo, hi = self._ends(args)
        out = body(x, args, lo, hi)
        return reshape(out, shape=()) if shape == () else out

    # -- public, support-aware ------------------------------------------------------------
    def _below(self, x, lo):
        """Is F(x) = 0?"""
        return np.floor(x) < lo if self.discrete else x <= lo

    def _above(self, x, hi):
        """Is F(x) = 1?"""
        return (np.floor(x) if self.discrete else x) >= hi

    def logpdf(self, x, *params):
        """log f(x) (log P(X = x) for counts): −inf beyond the support (and at non-integers)."""
        def body(x, args, lo, hi):
            inside = (x >= lo) & (x <= hi)
            if self.discrete:
                inside &= x == np.floor(x)
            return assemble(x.size, args, -INF, [
                (inside, lambda idx, q: self._logpdf(at(x, idx), *q))])
        return self._evaluate("logpdf", x, params, body)

    def logcdf(self, x, *params):
        """log F(x) = log P(X ≤ x): −inf below the support, 0 above it."""
        def body(x, args, lo, hi):
            below, above = self._below(x, lo), self._above(x, hi)
            return assemble(x.size, args, np.where(below, -INF, 0.0), [
                (~below & ~above, lambda idx, q: self._logcdf(at(x, idx), *q))])
        return self._evaluate("logcdf", x, params, body)

    def logsf(self, x, *params):
        """log S(x) = log P(X > x): 0 below the support, −inf above it."""
        def body(x, args, lo, hi):
            below, above = self._below(x, lo), self._above(x, hi)
            return assemble(x.size, args, np.where(below, 0.0, -INF), [
                (~below & ~above, lambda idx, q: self._logsf(at(x, idx), *q))])
        return self._evaluate("logsf", x, params, body)

    def log_mass(self, a, b, *params):
        """log P(a < X ≤ b) (for a continuous family the same as a ≤ X ≤ b): an end beyond the
        support drops out (log F(b), log S(a), or 0 when both do); −inf when b ≤ a."""
        def body(x, args, lo, hi):
            bb = np.broadcast_to(np.asarray(b, dtype=float), x.shape)
            ka, kb = (np.floor(x), np.floor(bb)) if self.discrete else (x, bb)
            a_free = ka < lo if self.discrete else x <= lo
            b_free = kb >= hi
            empty = (kb <= ka) | (kb < lo) | (ka >= hi) | ((kb == lo) & (not self.discrete))
            return assemble(x.size, args, np.where(empty | ~(a_free & b_free), -INF, 0.0), [
                (~empty & a_free & ~b_free, lambda idx, q: self._logcdf(at(bb, idx), *q)),
                (~empty & ~a_free & b_free, lambda idx, q: self._logsf(at(x, idx), *q)),
                (~empty & ~a_free & ~b_free,
                 lambda idx, q: self._log_interval(at(x, idx), at(bb, idx), *q))])
        a, b = self._mass_ends(a, b)
        return self._evaluate("log_mass", a, params, body)

    def _mass_ends(self, a, b):
        """(a, b) broadcast together, so that `a` carries the points' shape."""
        a = np.asarray(a.data if isinstance(a, Value) else a, dtype=float)
        b = np.asarray(b.data if isinstance(b, Value) else b, dtype=float)
        if np.any(np.isnan(b)):
            raise ValueError(f"{type(self).__name__}.log_mass: b contains NaN")
        a, b = np.broadcast_arrays(a, b)
        return a, b

    def log_hazard(self, x, *params):
        """log h(x): log f(x) − log S(x), from a closed form where the family has one (right far
        in the tail); for counts log P(X = x | X ≥ x). −inf below the support, NaN above it."""
        if self.discrete:
            return self.logpdf(x, *params) - self.logsf(np.asarray(x, dtype=float) - 1.0,
                                                       *params)

        def body(x, args, lo, hi):
            inside = (x >= lo) & (x < hi)
            return assemble(x.size, args, np.where(x < lo, -INF, np.nan), [
                (inside, lambda idx, q: self._loghazard(at(x, idx), *q))])
        return self._evaluate("log_hazard", x, params, body)

    def pdf(self, x, *params):
        """f(x), the density (the mass function for counts)."""
        return exp(self.logpdf(x, *params))

    def cdf(self, x, *params):
        """F(x) = P(X ≤ x)."""
        return exp(self.logcdf(x, *params))

    def sf(self, x, *params):
        """S(x) = P(X > x)."""
        return exp(self.logsf(x, *params))

    def hazard(self, x, *params):
        """h(x) = f(x) / S(x) (P(X = x | X ≥ x) for counts)."""
        return exp(self.log_hazard(x, *params))

    def cumhazard(self, x, *params):
        """H(x) = −log S(x)."""
        return -self.logsf(x, *params)

    def _floats(self, params):
        """Checked parameter values as floats or float arrays (for scipy)."""
        return [v.data if np.ndim(v.data) else float(v.data) for v in self._param_values(params)]

    def quantile(self, q, *params):
        """The quantile function F⁻¹(q) in femtograd ops, from the family's closed form (so
        that derivatives flow to the parameters): the ends of the support at q = 0 and 1.
        NotImplementedError for a family without one (see `closed_quantile`; `ppf` solves)."""
        if not self.closed_quantile:
            return self._quantile(q)
        q = self._probabilities(q)

        def body(q, args, lo, hi):
            return assemble(q.size, args, np.where(q <= 0, lo, hi), [
                ((q > 0) & (q < 1), lambda idx, p: self._quantile(at(q, idx), *p))])
        return self._evaluate("quantile", q, params, body)

    def quantile_inside(self, q, *params):
        """F⁻¹(q) in femtograd ops, as `quantile`, for a caller that has checked its input:
        probabilities `q` a float array strictly inside (0, 1) and parameters inside their spaces
        (Values or numbers, scalars or of q's shape; a fit's own MLE is). Nothing is checked or
        masked: the closed form over every point, one graph without the support masks and the
        parameter checks over per-point arrays that `quantile` pays for arbitrary input (the
        same value and derivatives there). NotImplementedError without a closed form."""
        return self._quantile(q, *self._args([as_value(v) for v in params]))

    def ppf(self, q, *params):
        """The quantile function, a float array: the smallest x with F(x) ≥ q (the closed form
        where the family has one, else the `_ppf` hook's)."""
        if self.closed_quantile:
            return np.asarray(self.quantile(q, *self._floats(params)).data, dtype=float)
        q = self._probabilities(q)
        return np.asarray(self._ppf(q, *self._floats(params)), dtype=float)

    def rvs(self, *params, size=None, random_state=None):
        """Draws from the distribution (scipy's generator), a float array."""
        rng = np.random.default_rng(random_state)
        dist = self._scipy(*self._floats(params))
        return np.asarray(dist.rvs(size=size, random_state=rng), dtype=float)

    def _probabilities(self, q):
        q = np.asarray(q, dtype=float)
        i = _first(~((np.atleast_1d(q) >= 0) & (np.atleast_1d(q) <= 1)))
        if i is not None:
            raise ValueError(f"{type(self).__name__}.ppf: probabilities must lie in [0, 1]; "
                             f"got {np.atleast_1d(q)[i]} at position {i}")
        return q

    def __repr__(self):
        return f"{type(self).__name__}()"
