"""`regress`: any parameter of a family as a function of covariates, by maximum likelihood.

    fit = fg.regress(WeibullLogLik, "week ~ fin + age + prio", rossi, event="arrest",
                     params={"shape": "~ prio"})
    fit = fg.regress(PoissonLogLik, counts, design={"rate": X}, offset=np.log(exposure))

Each parameter θ_j gets a linear predictor η_j = X_j β_j (+ offset) through its link.
The fit runs Newton in standardized coordinates from the intercept-only fit, with
exact per-row derivatives (see `rows` and `objective`), and maps back exactly. Its end is
judged as fit_mle's is (`fit.verdict`): converged means an interior maximum.
"""

import functools
import math
import warnings

import numpy as np
import pandas as pd

from ..distributions import IntervalData
from ..fit.common import user_stacklevel
from ..fit.result import ConvergenceWarning
from ..fit.shards import is_dask
from ..fit.verdict import LINK_SCALE, verdict
from ..mle import fit_mle, resolve
from ..optim import Tolerances, bfgs, newton
from .design import array_design, formula_design, required_variables, split_formula
from .inputs import as_float, censoring, cluster_codes, column, missing_rows, response
from .links import link_for, location_of
from .objective import RegressionObjective
from .result import COV_TYPES, RegressionFit
from .rows import BLOCK_ROWS, RowDerivatives, rows_of
from .standardize import standardize


def regress(family, formula, data=None, *, params=None, design=None, event=None, censored=None,
            weights=None, offset=None, truncation=None, link=None, start=None, fixed=None,
            cov_type="observed", cluster=None, location=None, dropna=False, max_iter=200,
            options=None):
    """Fit `family` with its parameters on covariates; a `RegressionFit`.

    `family` is a generator class (`WeibullLogLik`) or its name ("weibull"; any name in
    `distributions.NAMES`, as `fit_mle` takes).

    `formula` is "y ~ terms" for the family's location parameter (see `LOCATION`), with
    `params={"shape": "~ terms"}` for the others (default "~ 1"), over DataFrame `data`;
    or the response itself (an array or IntervalData) with `design={param: X}` (an array or
    DataFrame; a parameter left out gets an intercept only). `event=` (1 = observed) or
    `censored=`, `weights=` (frequency weights), `offset=` (for the location, or a dict per
    parameter) and `cluster=` are column names or arrays. `fixed={(param, term): value}` or
    `{param: value}` holds coefficients (or a whole parameter) at values; `start` gives
    coefficients to start from, keyed the same way. `link={param: "log"|"logit"|"identity"}`.
    `options` holds the family's own constructor keywords (e.g. {"size": 10} for a binomial).
    A Dask DataFrame (with a formula), or Dask arrays and Series for the response, designs
    and per-row inputs, are fitted where their partitions lie (`regression.dask`).
    """
    call = dict(params=params, design=design, event=event, censored=censored, weights=weights,
                offset=offset, truncation=truncation, link=link, start=start, fixed=fixed,
                cov_type="observed", cluster=cluster, location=location, dropna=dropna,
                max_iter=max_iter, options=options)
    original = data
    options = dict(options or {})
    family = resolve(family)

    # the same call with other fixed=, start= or weights=; a partial, so that it pickles for
    # worker processes (bootstrap n_jobs)
    refit = functools.partial(regress, family, formula, original, **call)
    if any(is_dask(v) for v in _per_row_inputs(formula, data, design, event, censored,
                                                  weights, offset, truncation)):
        from .dask import regress_dask  # imports Dask's helpers only for Dask data
        return regress_dask(family, formula, data, call, cov_type, refit)
    names, spaces = _family(family)
    if cov_type not in COV_TYPES:
        raise ValueError(f"unknown cov_type {cov_type!r}; use one of {list(COV_TYPES)}")
    if cov_type == "cluster" and cluster is None:
        raise ValueError("cov_type='cluster' needs cluster= (a column name or an array of ids)")
    loc = location_of(family, location)
    links = _links(names, spaces, link)
    offsets_given = _offsets(offset, loc, names)
    if isinstance(formula, str):
        if design is not None:
            raise TypeError("give a formula or design=, not both")
        if not isinstance(data, pd.DataFrame):
            raise TypeError("a formula needs data= as a pandas DataFrame")
        lhs, rhs = split_formula(formula)
        rhss = _param_formulas(params, names, loc, rhs)
        data = _complete_rows(data, lhs, rhss, [event, censored, weights, cluster,
                                                *offsets_given.values(),
                                                *(truncation or ())], dropna)
        y = response(data, lhs)
    else:
        if params is not None:
            raise TypeError("params= takes formulas; with a response array give design={param: X}")
        if dropna:
            raise ValueError("dropna= applies to a formula over a data frame")
        y, rhss = formula, None

    gen, gen_kw, w, window = bind_response(family, y, data, event, censored, weights,
                                           truncation, options)
    n = len(y)
    designs = _designs(rhss, design, data, names, n)
    offsets = {p: as_float(column(data, v, f"offset for {p}", n), f"offset for {p}")
               for p, v in offsets_given.items()}
    fixed = _fixed(fixed, designs, links)
    codes = None if cluster is None else cluster_codes(data, cluster, n)

    free_cols, xs, offs = _free_designs(names, designs, fixed, offsets)
    designs = {p: d.described() for p, d in designs.items()}  # the fit keeps X'ᵀ only
    xts, amap = _standardized(names, free_cols, xs)
    del xs
    objective = RegressionObjective(row_derivatives(family, gen, y, gen_kw, window, links),
                                    xts, offs, w)
    x0 = _start(intercept_only(gen), names, links, [start_sums(xt, off) for xt, off in
                                                    zip(xts, offs)], amap, free_cols, start)
    return fitted(objective, x0, max_iter, family=family, generator=gen, names=names,
                  links=links, designs=designs, free_columns=free_cols, fixed=fixed, amap=amap,
                  nobs=float(gen.nobs), cov_type=cov_type, cluster=codes,
                  offsets=offsets_given, location=loc, refit=refit, options=options)


def fitted(objective, x0, max_iter, **fit):
    """The `RegressionFit` of Newton from x0 over `objective`, with its verdict (warning when
    it did not converge); `fit` holds RegressionFit's other arguments."""
    result = _verdict(objective, _optimize(objective, x0, max_iter), x0, fit["amap"],
                      fit["links"], fit["free_columns"], fit["names"])
    out = RegressionFit(objective=objective, result=result, **fit)
    if not out.converged:
        warnings.warn(f"regression did not converge ({result.status}): {result.message}",
                      ConvergenceWarning, stacklevel=user_stacklevel())
    return out


# -- the pieces ------------------------------------------------------------------------------
def _per_row_inputs(formula, data, design, event, censored, weights, offset, truncation):
    """Every input that may hold a value per row (to find Dask collections among them)."""
    inputs = [formula, data, event, censored, weights]
    for v in (design, offset, truncation):
        inputs += list(v.values()) if isinstance(v, dict) else \
            list(v) if isinstance(v, (tuple, list)) else [v]
    return inputs


def bind_response(family, y, data, event, censored, weights, truncation, options):
    """(the family bound to the response y with its censoring, weights and fixed truncation,
    validating them; its constructor keywords but weights; the weights or None; per-row
    truncation windows or None, see `_window`)."""
    trunc = _truncation(data, truncation)
    per_row = trunc is not None and any(np.ndim(t) for t in trunc)
    gen_kw = dict(censored=censoring(data, event, censored, len(y)),
                  truncation=None if per_row else trunc, **options)
    w = None if weights is None else as_float(column(data, weights, "weights", len(y)),
                                              "weights")
    try:
        gen = family(y, weights=w, **gen_kw)  # validates the response, censoring and weights
    except TypeError as err:
        raise TypeError(f"{family.__name__}: {err}") from None
    window = _window(family, trunc, y, gen_kw["censored"], options) if per_row else None
    return gen, gen_kw, w, window


def row_derivatives(family, gen, y, gen_kw, window, links):
    """The family's per-row derivatives over the rows of y, evaluated in blocks."""
    n = len(y)
    return RowDerivatives(_block_generator(family, gen, y, gen_kw, window, n), n, links,
                          BLOCK_ROWS)


def _family(family):
    if not (isinstance(family, type) and hasattr(family, "param_names")
            and hasattr(family, "contributions")):
        raise TypeError("regress needs a log-likelihood generator class such as WeibullLogLik, "
                        "or its name ('weibull'); "
                        f"got {family!r}")
    return tuple(family.param_names), tuple(family.constraints)


def _links(names, spaces, link):
    link = dict(link or {})
    unknown = [k for k in link if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} in link; the parameters are "
                         f"{list(names)}")
    return [link_for(p, s, link.get(p)) for p, s in zip(names, spaces)]


def _offsets(offset, loc, names):
    if offset is None:
        return {}
    if not isinstance(offset, dict):
        return {loc: offset}
    unknown = [k for k in offset if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} in offset; the parameters are "
                         f"{list(names)}")
    return dict(offset)


def _param_formulas(params, names, loc, rhs):
    params = dict(params or {})
    unknown = [k for k in params if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} in params; the parameters are "
                         f"{list(names)}")
    if loc in params:
        raise ValueError(f"{loc!r} is the location parameter: its terms are the main formula's")
    out = {}
    for p in names:
        if p == loc:
            out[p] = rhs
            continue
        lhs, r = split_formula(params.get(p, "~ 1"))
        if lhs is not None:
            raise ValueError(f"the formula for {p!r} takes no left-hand side: write '~ {r}'")
        out[p] = r
    return out


def used_columns(lhs, rhss, named):
    """The data columns a fit uses: its formulas' variables and the columns `named`."""
    used = set()
    for r in rhss.values():
        used.update(required_variables(r))
    if lhs is not None:
        used.update(s.strip() for s in lhs.strip("()").split(","))
    used.update(v for v in named if isinstance(v, str))
    return sorted(used)


def _complete_rows(data, lhs, rhss, named, dropna):
    """The data, checked for missing values in the columns the fit uses (or those rows dropped)."""
    mask, first = missing_rows(data, used_columns(lhs, rhss, named))
    if first is None:
        return data
    if not dropna:
        raise ValueError(f"column {first[0]!r} has a missing value at row {first[1]}; pass "
                         "dropna=True to drop the rows with a missing value in a used column")
    return data.loc[~mask].reset_index(drop=True)


def _truncation(data, truncation):
    if truncation is None:
        return None
    try:
        a, b = truncation
    except (TypeError, ValueError):
        raise TypeError(f"truncation must be a pair (lower, upper); got {truncation!r}") from None
    return tuple(column(data, v, "truncation") if isinstance(v, str) else v for v in (a, b))


def _designs(rhss, design, data, names, n):
    if rhss is not None:
        return {p: formula_design(r, data) for p, r in rhss.items()}
    design = dict(design or {})
    unknown = [k for k in design if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} in design; the parameters are "
                         f"{list(names)}")
    return {p: array_design(design.get(p), n, f"design for {p}") for p in names}


def _fixed(fixed, designs, links):
    """{(param, term): value} from fixed=; a parameter name holds the whole parameter (its
    intercept at link(value), any other column at 0)."""
    out = {}
    for key, v in dict(fixed or {}).items():
        if isinstance(key, str):
            if key not in designs:
                raise ValueError(f"unknown parameter {key!r} in fixed; the parameters are "
                                 f"{list(designs)}")
            d = designs[key]
            link = links[list(designs).index(key)]
            with np.errstate(all="ignore"):
                eta = float(link.forward(float(v)))
            if "Intercept" not in d.columns or not math.isfinite(eta):
                raise ValueError(f"fixed {key}={v}: needs an intercept in the design of {key} "
                                 "and a value inside the parameter space")
            for c in d.columns:
                out[key, c] = eta if c == "Intercept" else 0.0
            continue
        _check_coef(key, designs, "fixed")
        out[tuple(key)] = float(v)
    return out


def _check_coef(key, designs, what):
    if not (isinstance(key, tuple) and len(key) == 2):
        raise ValueError(f"{what} keys are (parameter, term) pairs or parameter names; got {key!r}")
    p, t = key
    if p not in designs:
        raise ValueError(f"unknown parameter {p!r} in {what}; the parameters are {list(designs)}")
    if t not in designs[p].columns:
        raise ValueError(f"unknown term {t!r} for {p!r} in {what}; its columns are "
                         f"{list(designs[p].columns)}")


def _free_designs(names, designs, fixed, offsets):
    """Per parameter: the free columns' names, their matrix (n, p_j) and offset (fixed
    coefficients times their columns moved into it)."""
    free_cols, xs, offs = [], [], []
    for p in names:
        d = designs[p]
        held = {t: v for (q, t), v in fixed.items() if q == p}
        keep = [i for i, c in enumerate(d.columns) if c not in held]
        off = offsets.get(p, 0.0)
        for t, v in held.items():
            off = off + v * d.matrix[:, d.columns.index(t)]
        free_cols.append([d.columns[i] for i in keep])
        xs.append(d.matrix if len(keep) == d.p else d.matrix[:, keep])
        offs.append(off)
    if not any(free_cols):
        raise ValueError(f"every coefficient is fixed ({sorted(fixed)}); leave at least one free")
    return free_cols, xs, offs


def _standardized(names, free_cols, xs):
    """Per parameter the standardized X'ᵀ, and the map A back to original units."""
    pairs = [standardize(x, cols, f"design of {p}") for p, cols, x in zip(names, free_cols, xs)]
    return [xt for xt, _ in pairs], _block_diag([a for _, a in pairs])


def _block_generator(family, gen, y, gen_kw, window, n):
    """rows -> (the family bound to those rows, the family bound to their truncation windows
    or None); the whole generators when one block holds every row. `window` is None or
    (windows as IntervalData, the family bound to them)."""
    if n <= BLOCK_ROWS:
        return lambda rows: (gen, None if window is None else window[1])

    def bind(rows):
        kw = dict(gen_kw)
        cens = kw.pop("censored")
        part = family(rows_of(y, rows), censored=None if cens is None else cens[rows], **kw)
        if window is None:
            return part, None
        kw.pop("truncation")
        return part, family(rows_of(window[0], rows), **kw)
    return bind


def _window(family, trunc, y, censored, options):
    """(per-row truncation windows (a_i, b_i) as IntervalData, the family bound to them), after
    checking that each row lies inside its window."""
    n = len(y)
    a, b = _bound(trunc[0], -np.inf, n), _bound(trunc[1], np.inf, n)
    if isinstance(y, IntervalData):
        lower, upper = y.lower, y.upper
    else:
        lower = np.asarray(y, dtype=float)
        upper = lower if censored is None else np.where(censored, np.inf, lower)
    for mask, text in ((~(a < b), "its lower truncation bound is not below its upper one"),
                       (lower < a, "it lies below its lower truncation bound (entry time)"),
                       (upper > b, "it lies above its upper truncation bound")):
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise ValueError(f"truncation: row {i} ({lower[i]}, {upper[i]}) is not "
                             f"observable: {text} (a {a[i]}, b {b[i]})")
    windows = IntervalData(a, b)
    try:
        return windows, family(windows, **options)
    except ValueError as err:
        raise ValueError(f"per-row truncation for {family.__name__}: {err}") from None


def _bound(t, default, n):
    """One end of the truncation windows as an (n,) array (infinite ends allowed)."""
    if t is None:
        t = default
    try:
        v = np.full(n, float(t)) if np.ndim(t) == 0 else \
            np.asarray(column(None, t, "truncation", n), dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"truncation bounds must be numbers or one number per row ({err})") \
            from None
    if np.isnan(v).any():
        i = int(np.flatnonzero(np.isnan(v))[0])
        raise ValueError(f"truncation has a missing value at row {i}")
    return v


def _block_diag(blocks):
    size = sum(b.shape[0] for b in blocks)
    out = np.zeros((size, size))
    i = 0
    for b in blocks:
        k = b.shape[0]
        out[i:i + k, i:i + k] = b
        i += k
    return out


def intercept_only(gen):
    """The family's parameters fitted without covariates (its data-based start if that fit
    fails): where the regression starts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # only a start: a rough one is refined by the fit
        try:
            return fit_mle(gen).params.to_dict()
        except (ValueError, ArithmeticError):
            return gen.start()


def start_sums(xt, off):
    """(X'X'ᵀ, X'·1, X'·offset) of one parameter's standardized design: what the start
    needs, a sum over rows (so over parts)."""
    ones = xt.sum(axis=1)
    return xt @ xt.T, ones, (off * ones if np.ndim(off) == 0 else xt @ off)


def _start(theta, names, links, sums, amap, free_cols, start):
    """Standardized coefficients to start from: the intercept-only fit's parameters `theta`,
    projected on each design by least squares from its `start_sums` (slopes 0 when the design
    has an intercept and no offset), then the user's `start` (original scale) put in."""
    parts = []
    for p, link, (gram, ones, off) in zip(names, links, sums):
        if gram.shape[0] == 0:
            continue
        with np.errstate(all="ignore"):
            eta0 = float(link.forward(theta[p]))
        parts.append(np.linalg.solve(gram, eta0 * ones - off))
    x0 = np.concatenate(parts) if parts else np.zeros(0)
    if start:
        keys = [(p, c) for p, cols in zip(names, free_cols) for c in cols]
        beta = amap @ x0
        for key, v in dict(start).items():
            if key not in keys:
                raise ValueError(f"start: {key!r} is not a free coefficient; the free ones are "
                                 f"{keys}")
            beta[keys.index(key)] = float(v)
        x0 = np.linalg.solve(amap, beta)
    return x0


def _optimize(objective, x0, max_iter):
    """Newton, whose stopping rule (the Newton decrement beside |loglik|, `optim.stopping`)
    has no units: frequency weights of 1e-300 or covariates in any units change nothing. If
    it stops unconverged, BFGS and Newton again from its end; the better end is kept."""
    tol = Tolerances(max_iter=max_iter)
    result = newton(objective, x0, tol)
    if result.converged or not np.isfinite(result.loglik):
        return result
    first = result
    r = bfgs(objective, result.x, Tolerances(max_iter=2000))
    if np.isfinite(r.loglik):
        r2 = newton(objective, r.x, tol)
        r2.iterations += first.iterations + r.iterations
        if r2.converged or r2.loglik >= first.loglik:
            return r2
    return first


# How the verdict (fit.verdict) sees a standardized coefficient: on a log or logit link it is
# the change in log θ or logit θ per standard deviation of its column, a number without units
# like a positive or unit parameter's own log or logit, and moving it far (e^10) while the
# log-likelihood still rises means an edge; on the identity link it has the response's units.
_KIND = {"log": LINK_SCALE, "logit": LINK_SCALE}


def _verdict(objective, result, x0, amap, links, free_cols, names):
    """The result with fit_mle's verdict on its end point (`fit.verdict.verdict`): converged
    only at an interior maximum; a log-likelihood still rising toward an edge or infinity is
    "boundary", one level in some direction "flat", each naming the coefficients involved.

    It judges the standardized coefficients the optimizer ran over, which do not change with
    the covariates' units or origins (without units on log and logit links, see _KIND), and
    names directions in the original coefficients, each per standard deviation of its column
    (D·A·β'): the standardized intercept, θ at the covariates' means, moves with any
    coefficient that runs off, the original one need not."""
    keys, kinds = [], []
    for p, link, cols in zip(names, links, free_cols):
        keys += [f"{p}:{c}" for c in cols]
        kinds += [_KIND.get(link.name, "real")] * len(cols)
    per_sd = amap / np.diag(amap)[:, None]  # A's diagonal is 1/D
    with np.errstate(all="ignore"):
        judged = verdict(objective, keys, kinds, list(range(len(keys))), result.x, x0,
                         objective.value(x0), result.status, basis=per_sd)
    if judged is not None:
        result.status, result.message, result.edge = judged
    return result
