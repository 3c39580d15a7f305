"""`fit_mle`: tie a log-likelihood (a generator or a plain function) to an optimizer.

    fit = fg.fit_mle(WeibullLogLik, x)                          # generator, data-based start
    fit = fg.fit_mle(loglike_exp, x, start={"rate": 1.0},       # plain function f(rate, data)
                     constraints={"rate": "positive"})

The log-likelihood graph is built once, at the start values, with one scalar
leaf per parameter on its natural scale; the optimizer moves the leaves and
re-evaluates the graph. The default path is safeguarded Newton; when it does not
converge, BFGS and then restarts from other starts are tried, and the best
converged result is kept.
"""

import inspect
import math
import numbers
import warnings

import numpy as np

from .core import Value
from .core.tape import tape_for
from .fit.common import element_names, user_stacklevel
from .fit.covariance import check_cov_type
from .fit.result import ConvergenceWarning, MLEFit
from .fit.shards import in_memory_run, is_dask
from .optim import OPTIMIZERS, GraphObjective, Tolerances, bfgs, gradient_ascent, newton
from .fit.verdict import verdict
from .optim.objective import ArrayGraphObjective, Counted, TapeObjective
from .optim.options import check_option
from .optim.result import CONVERGED
from .optim.shards import SumObjective
from .optim.stopping import tolerances
from .distributions import ALIASES, NAMES
from .distributions.spaces import space_for as transform_for

METHODS = tuple(OPTIMIZERS)
NEWTON_OPTIONS = ("gtol", "xtol", "ftol", "max_iter", "max_step", "fallback")  # and BFGS's
ASCENT_OPTIONS = ("lr", "max_norm", "iterations", "tol", "fallback")
OPTIMIZER_OPTIONS = tuple(dict.fromkeys(NEWTON_OPTIONS + ASCENT_OPTIONS))
SHOWN = 12  # estimates named in a verdict's message (a vector parameter may have thousands)


def fit_mle(generator_or_function, data=None, *, censored=None, event=None, weights=None,
            truncation=None, start=None, fixed=None, method="newton", constraints=None,
            cov_type="observed", nobs=None, shards=None, **options):
    """Maximum-likelihood fit of a generator class (or bound generator) or a plain function.

    Right censoring is given either as `censored` (1/True = censored) or as `event`
    (1/True = observed event, lifelines' convention), not both.
    A plain function is called as `f(param1, ..., data)` with one Value per
    parameter; `start` names its parameters and `constraints` (default "real" for
    each) says which are "positive" or "unit"; `nobs` is its number of observations
    (for BIC; default len(data), with a warning when data are several equal-length
    arrays). A parameter whose start is an array (`start={"beta": np.zeros(p)}`) is one Value
    of that shape (write `X @ beta`); estimates, errors and constraints are then per element,
    named "beta[0]", "beta[1]", ..., and `fixed` takes the whole array or single elements.
    Every method's end point is judged with the exact Hessian there (one p × p matrix, p
    reverse sweeps for an array parameter: L-BFGS builds none while it runs).
    `fixed` holds parameters at given values; they do not count in `df`,
    AIC, BIC or tests. Optimizer options
    (gtol, xtol, ftol, max_iter, max_step; for gradient ascent lr, max_norm,
    iterations, tol; fallback=False to disable the fallback) are taken from
    `options` (one of another method's is a TypeError); the rest go to the generator's
    constructor. `shards=k` cuts a generator's rows into k consecutive shards whose
    log-likelihoods, gradients and Hessians are summed in shard order (see `fit.shards`);
    Dask arrays as data, censoring or weights are shards by their chunks.
    A registry name ("weibull", see `femtograd dists`) stands for its generator class.
    Returns an `MLEFit`.
    """
    generator_or_function = resolve(generator_or_function)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {list(METHODS)}")
    check_cov_type(cov_type)
    opt = {k: options.pop(k) for k in OPTIMIZER_OPTIONS if k in options} if options else {}
    given = dict(opt)  # as the user named them (for the range checks' messages)
    if opt:
        _check_options(opt, given, method)
    spec = _model_spec(generator_or_function, data, dict(censored=censored, event=event,
                                                         weights=weights, truncation=truncation),
                       constraints, nobs, options, shards)
    layout = ArrayLayout.of(spec, start, fixed)
    if layout is not None:  # vector parameters: from here on, one name per element
        start, fixed = layout.flatten(start, "start"), layout.flatten(fixed, "fixed")
        spec.update(names=layout.names, constraints=layout.constraints(spec["constraints"]))
    names, cons = spec["names"], spec["constraints"]
    start_values, user_start = _start_values(spec, start)
    fixed = _check_fixed(names, cons, fixed)
    start_values.update(fixed)
    _check_in_space(names, cons, start_values, "start", complete=True)
    free = [i for i, n in enumerate(names) if n not in fixed]
    if not free:
        raise ValueError(f"all parameters are fixed ({sorted(fixed)}); leave at least one of "
                         f"{list(names)} free to fit")

    values = [float(start_values[n]) for n in names]
    if spec.get("run") is not None:  # shards, or a per-row graph in blocks
        objective = SumObjective(spec["run"], names, cons, values, free=free)
        f_start = objective.evaluate(values, order=0)[0]
    elif (objective := _taped(spec, values, free)) is not None:
        f_start = objective.evaluate(values, order=0)[0]
    else:
        leaves = ([Value(v, name=n) for v, n in zip(values, names)] if layout is None
                  else layout.leaves(values))
        with np.errstate(all="ignore"):
            ll = spec["build"](leaves)
        if not isinstance(ll, Value) or ll.shape != ():
            raise ValueError("the log-likelihood must return a scalar Value; got "
                             f"{type(ll).__name__} of shape {getattr(ll, 'shape', np.shape(ll))}")
        objective = (GraphObjective if layout is None else ArrayGraphObjective)(
            ll, leaves, cons, free=free)
        f_start = float(ll._data)
    if not math.isfinite(f_start):  # the graph was just built at the start values
        if user_start:
            raise ValueError("the log-likelihood is not finite at the start values "
                             f"{dict(zip(names, values))}; choose a start inside the support")
        values = _finite_start(objective, values, free)
        if values is None:
            raise ValueError("the log-likelihood is not finite at the data-based start "
                             f"{dict(zip(names, [float(start_values[n]) for n in names]))}; "
                             "give a start")
        f_start = objective.evaluate(values, order=0)[0]
    x0 = objective.unconstrained(values)  # (the objective's scale is log/logit)
    with np.errstate(all="ignore"):  # overflow at a trial point is a rejected step, not news
        result, optimized = _optimize(objective, x0, values, method, opt)
        natural = optimized.natural(result.x)
        # the verdict judges the optimizer's end point on the log/logit scale: its own x when
        # it ran on that scale (the evaluation it ended with then serves the verdict), else
        # the estimates mapped there
        end = result.x if optimized.transform and natural is not None else None
        if natural is None:  # cannot happen for a finite result; keep the start
            natural = values
        f, g, h = optimized.evaluate(natural, order=2)  # the verdict and the SEs need −H
        objective = optimized.with_free(free, transform=True)  # the fit's, for profiles, tests
        counted = Counted(objective)  # the verdict's evaluations count in the result's
        judged = verdict(counted, names, cons, free,
                         objective.unconstrained(natural) if end is None else end, x0, f_start,
                         result.status)
    result.evaluations += counted.calls
    fit = MLEFit(names=names, constraints=cons, fixed=fixed, free=free, mle=np.array(natural),
                 loglik=f, gradient=g, hessian=h, optim=result, method=method,
                 nobs=spec["nobs"], model=spec["model"], function=spec["function"],
                 data=spec["data"], objective=objective,
                 cov_type=cov_type,
                 refit=_Refitter(spec["function"], method, constraints, nobs, given, layout))
    if judged is not None:
        result.status, result.message, result.edge = judged
        shown = [f"{n}={v:.6g}" for n, v in zip(names[:SHOWN], fit.mle)]
        more = f", … {len(names) - SHOWN} more" if len(names) > SHOWN else ""
        result.message += " (estimates " + ", ".join(shown) + more + ")"
        fit = _boundary_estimate(spec["model"], fit, result, method, cov_type, given) or fit
    if not fit.converged:
        warnings.warn(f"fit did not converge ({fit.status}): {fit.message}",
                      ConvergenceWarning, stacklevel=user_stacklevel())
    return fit


def _check_options(opt, given, method):
    """The optimizer options `given` checked for `method` and range-checked before any work
    (the optimizers check again); gradient ascent's max_iter becomes its iterations in `opt`."""
    if method == "gradient_ascent" and "max_iter" in opt and "iterations" not in opt:
        opt["iterations"] = opt.pop("max_iter")
    allowed = ASCENT_OPTIONS if method == "gradient_ascent" else NEWTON_OPTIONS
    unused = sorted(k for k in opt if k not in allowed)
    if unused:
        raise TypeError(f"option(s) {unused} do not apply to method={method!r}; its options are "
                        f"{list(allowed)}")
    for k, v in given.items():
        if k == "fallback":
            if not isinstance(v, (bool, np.bool_)):
                raise TypeError(f"fallback must be True or False; got {v!r}")
        else:
            check_option(k, v)


def _taped(spec, values, free):
    """The objective of a generator whose log-likelihood is a function of its statistics, on
    the tape recorded for its structure (`core.tape`: no graph per fit); None otherwise."""
    structure = spec["model"].structure() if spec["function"] is None else None
    if structure is None:
        return None
    key, inputs, build = structure
    tape = tape_for((key, len(values)), build, values, inputs)
    if tape is None:
        return None
    return TapeObjective(tape.bind(values, inputs), spec["constraints"], values, free=free)


def _boundary_estimate(model, fit, result, method, cov_type, options):
    """The model's own estimate where the fit (whose judged optimizer result is `result`) found
    no maximum — a threshold family's, see its `boundary_estimate` — fitted with the same
    method, covariance and options and reported as that boundary, with both messages; None
    when the model offers none or it does not converge."""
    offer = getattr(model, "boundary_estimate", None)
    found = offer(result.edge, dict(zip(fit.param_names, fit.mle))) if offer else None
    if found is None:
        return None
    held, fixed, note = found
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        out = fit_mle(held, fixed={**fit.fixed, **fixed}, method=method, cov_type=cov_type,
                      **options)
    if not out.converged:
        return None
    return out.report_verdict(result.status, f"{result.message}; {note}", result.edge)


class _Refitter:
    """The fit's way to fit again with its own method, options and constraints (the bootstrap
    uses it): refit(source, start=, fixed=) with `source` a bound generator, or the new data
    of the plain function `function`; with array parameters, start and fixed name elements
    and the start is given back its shapes. A module-level class, so that it pickles (to
    worker processes) whenever the function does."""

    def __init__(self, function, method, constraints, nobs, options, layout=None):
        self.function, self.method, self.constraints = function, method, constraints
        self.nobs, self.options, self.layout = nobs, options, layout

    def __call__(self, source, start=None, fixed=None):
        if self.function is None:
            return fit_mle(source, start=start, fixed=fixed, method=self.method, **self.options)
        if self.layout is not None:
            start = self.layout.group({**(start or {}), **(fixed or {})})
        return fit_mle(self.function, source, start=start, fixed=fixed, method=self.method,
                       constraints=self.constraints, nobs=self.nobs, **self.options)


# -- the model: a generator or a plain function ----------------------------------------
def _is_generator_class(obj):
    return isinstance(obj, type) and hasattr(obj, "param_names")


def _is_bound_generator(obj):
    return (not isinstance(obj, type) and hasattr(obj, "param_names")
            and hasattr(obj, "start") and callable(obj))


def resolve(dist):
    """The generator class a name ("weibull", "weibull3", any case; `distributions.NAMES`, or
    one of its `ALIASES`: "exponential", scipy's "expon", ...) stands for; anything that is not
    a string is returned as it is."""
    if not isinstance(dist, str):
        return dist
    key = dist.strip().lower()
    key = ALIASES.get(key, key)
    if key not in NAMES:
        raise ValueError(f"unknown distribution {dist!r}; known: {', '.join(sorted(NAMES))}")
    return NAMES[key]


def _model_spec(model, data, rows, constraints, nobs, options, shards=None):
    """What fit_mle needs of the model: names, constraints, the graph builder (or `run`, the
    sum over shards or blocks), start, nobs. `rows` holds censored, event, weights and
    truncation (None when not given)."""
    given = {k: v for k, v in rows.items() if v is not None}
    if is_dask(data) or given and any(is_dask(v) for v in given.values()):
        if not _is_generator_class(model):
            raise TypeError("Dask data need a generator class (fit_mle(WeibullLogLik, x)); a "
                            "plain function or a bound generator holds its data here")
        from .fit.dask import dask_spec  # imports Dask's helpers only for Dask data
        return dask_spec(model, data, given, shards, options)
    if "censored" in given and "event" in given:
        raise TypeError("give right censoring either as censored= (1 = censored) or as event= "
                        "(1 = observed event), not both")
    if _is_generator_class(model) or _is_bound_generator(model):
        if constraints is not None:
            raise ValueError("constraints= is for plain functions; a generator declares its own")
        if nobs is not None:
            raise ValueError("nobs= is for plain functions; a generator counts its own rows "
                             "(the sum of the weights)")
        if _is_generator_class(model):
            if data is None:
                raise ValueError(f"fit_mle({model.__name__}, data): data is missing")
            gen = model(data, **{k: rows[k] for k in ("censored", "weights", "truncation")},
                        **({"event": given["event"]} if "event" in given else {}), **options)
        else:
            if data is not None or given or options:
                raise ValueError("a bound generator already holds its data; pass data, "
                                 "censored, event, weights, truncation and options to its "
                                 "constructor")
            gen = model
        names = tuple(gen.param_names)
        return dict(names=names, constraints=tuple(gen.constraints), model=gen,
                    function=None, data=None, build=lambda leaves: gen(*leaves),
                    start=gen.start, nobs=float(gen.nobs), run=in_memory_run(gen, shards))
    if not callable(model):
        raise TypeError("fit_mle needs a generator class, a bound generator or a function "
                        f"f(param1, ..., data); got {type(model).__name__}")
    if shards is not None:
        raise ValueError("shards= applies to generators; a plain function handles its own data")
    if given:
        raise ValueError(f"{next(iter(given))}= applies to generators; a plain function handles "
                         "its own data")
    if options:
        raise TypeError(f"unknown option(s) {sorted(options)} for a plain function")
    names = function_param_names(model)
    if not names:
        raise ValueError("a plain log-likelihood must be f(param1, ..., data): at least one "
                         "parameter and the data")
    constraints = dict(constraints or {})
    unknown = [k for k in constraints if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter name(s) {unknown} in constraints; the parameters "
                         f"are {list(names)}")
    cons = tuple(constraints.get(n, "real") for n in names)
    for c in cons:
        transform_for(c)
    return dict(names=names, constraints=cons, model=None, function=model, data=data,
                build=lambda leaves: model(*leaves, data), start=None,
                nobs=_nobs(data) if nobs is None else _check_nobs(nobs))


def function_param_names(f):
    """The parameters of a plain log-likelihood f(param1, ..., data): its positional arguments
    without a default (those with one are options), less the last (the data); () when `f` has
    no readable signature."""
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return ()
    positional = [p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    return tuple(positional[:-1])


def _nobs(data):
    """len(data) as a plain function's number of observations, with a warning when the data
    are clearly a few columns (a tuple, list or dict of equal-length arrays, longer than
    there are of them): then len(data) counts the columns, not the rows."""
    try:
        n = float(len(data))
    except TypeError:
        return math.nan
    items = list(data.values()) if isinstance(data, dict) else data
    if isinstance(items, (tuple, list)) and len(items) > 1:
        lengths = {np.shape(v)[0] if np.ndim(v) >= 1 else None for v in items}
        rows = lengths.pop() if len(lengths) == 1 else None
        if rows is not None and rows > len(items):
            warnings.warn(f"nobs is taken as len(data) = {len(items)}, but the data are "
                          f"{len(items)} arrays of {rows} values each: if those are the "
                          f"observations, pass nobs={rows} (BIC uses it)", UserWarning,
                          stacklevel=user_stacklevel())
    return n


def _check_nobs(nobs):
    if isinstance(nobs, bool) or not isinstance(nobs, numbers.Real):
        raise TypeError(f"nobs must be a number (the number of observations); got {nobs!r}")
    if not (0 < nobs < math.inf):
        raise ValueError(f"nobs must be a positive finite number of observations; got {nobs}")
    return float(nobs)


class ArrayLayout:
    """A plain function's parameters when some are arrays (`start={"beta": np.zeros(p)}`):
    each parameter is one leaf of its start's shape, and everything else (estimates, errors,
    constraints, fixed values) is per element, named by `element_names` ("beta[0]", ...)."""

    def __init__(self, params, shapes):
        self.params, self.shapes = tuple(params), dict(shapes)
        self.elements = {n: element_names(n, self.shapes[n]) for n in self.params}
        self.names = tuple(e for n in self.params for e in self.elements[n])

    @classmethod
    def of(cls, spec, start, fixed):
        """The layout of a plain function's parameters, or None when every one is a scalar
        (a parameter's shape is its start's, else its fixed value's)."""
        if spec["function"] is None or not isinstance(start, dict) and start is not None:
            return None
        shapes = {}
        for what, given in (("start", start or {}), ("fixed", fixed or {})):
            for n, v in given.items():
                if n not in spec["names"]:
                    continue  # (an unknown name is reported with the others, later)
                shape = np.shape(v)  # (a fixed value of another shape: `flatten` says so)
                if 0 in shape:
                    raise ValueError(f"{what} {n} has shape {shape}: a parameter needs at "
                                     "least one element")
                shapes.setdefault(n, shape)
        if all(s == () for s in shapes.values()):
            return None
        return cls(spec["names"], {n: shapes.get(n, ()) for n in spec["names"]})

    def flatten(self, given, what):
        """`given` ({parameter: value of its shape} or {element name: number}) per element."""
        if given is None:
            return None
        if not isinstance(given, dict):
            raise TypeError(f"with array parameters ({', '.join(self.params)}), {what} must be "
                            f"a dict; got {type(given).__name__}")
        out = {}
        for n, v in given.items():
            if n not in self.shapes or self.shapes[n] == ():
                out[n] = v  # a scalar parameter or one element (an unknown name is reported later)
                continue
            arr = np.asarray(v, dtype=float)
            if arr.shape != self.shapes[n]:
                raise ValueError(f"{what} {n} has shape {arr.shape}; the parameter {n} has "
                                 f"shape {self.shapes[n]}")
            out.update(zip(self.elements[n], arr.ravel().tolist()))
        return out

    def group(self, values):
        """{parameter: array of its shape} from {element name: number} (all elements given)."""
        return {n: (values[n] if self.shapes[n] == () else
                    np.array([values[e] for e in self.elements[n]]).reshape(self.shapes[n]))
                for n in self.params}

    def constraints(self, per_parameter):
        """Each parameter's constraint repeated for its elements."""
        return tuple(c for n, c in zip(self.params, per_parameter) for _ in self.elements[n])

    def leaves(self, values):
        """One leaf per parameter, of its shape, from the flat values."""
        out, a = [], 0
        for n in self.params:
            k = len(self.elements[n])
            v = values[a] if self.shapes[n] == () else \
                np.array(values[a:a + k], dtype=float).reshape(self.shapes[n])
            out.append(Value(v, name=n))
            a += k
        return out


def _start_values(spec, start):
    names = spec["names"]
    if start is not None and not isinstance(start, dict):
        seq = list(np.atleast_1d(np.asarray(start, dtype=float)))
        if len(seq) != len(names):
            raise ValueError(f"start has {len(seq)} values but the parameters are {list(names)}")
        start = dict(zip(names, seq))
    start = dict(start or {})
    unknown = [k for k in start if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter name(s) {unknown} in start; the parameters are "
                         f"{list(names)}")
    if spec["start"] is not None:
        values = {k: float(v) for k, v in spec["start"]().items()}
    else:
        values = {}
    values.update({k: float(v) for k, v in start.items()})
    return values, bool(start)


def _check_fixed(names, cons, fixed):
    if not fixed:
        return {}
    fixed = dict(fixed)
    unknown = [k for k in fixed if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter name(s) {unknown} in fixed; the parameters are "
                         f"{list(names)}")
    out = {k: float(v) for k, v in fixed.items()}
    _check_in_space(names, cons, out, "fixed")
    return out


def _check_in_space(names, cons, values, what, complete=False):
    missing = [n for n in names if n not in values]
    if complete and missing:
        raise ValueError(f"no {what} value for parameter(s) {missing}; give start={{...}} for "
                         f"each of {list(names)}")
    for n, c in zip(names, cons):
        space = transform_for(c)
        if n in values and not space.contains(float(values[n])):
            raise ValueError(f"{what} value {n}={values[n]} is outside the parameter space "
                             f"({n} must be {space.message})")


def _finite_start(objective, values, free):
    """A start near the data-based one where the log-likelihood is finite: each free parameter,
    then all together, shifted by ±0.5, ±1, ±2, ±4 on the unconstrained scale; None if none is."""
    base = objective.unconstrained(values)
    for shift in (0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 4.0, -4.0):
        for k in range(len(free)):
            x = base.copy()
            x[k] += shift
            if math.isfinite(objective.value(x)):
                return objective.natural(x)
        x = base + shift
        if math.isfinite(objective.value(x)):
            return objective.natural(x)
    return None


# -- optimization with a fallback -------------------------------------------------------
def _optimize(objective, x0, values, method, opt):
    """The optimizer's result from `values` (x0 on the objective's scale), with the fallback
    to BFGS and to shifted starts when Newton does not converge; and the objective it ran on."""
    opt = dict(opt)
    fallback = opt.pop("fallback", True)
    max_step = opt.pop("max_step", 10.0)
    if method == "gradient_ascent":
        natural = objective.with_free(objective.free, transform=False)
        natural.set_natural(values)
        return gradient_ascent(natural, natural.unconstrained(values), **opt), natural
    tol = tolerances(opt)
    result = OPTIMIZERS[method](objective, x0, tol, max_step=max_step, method=method)
    if result.status == CONVERGED or not fallback:
        return result, objective
    tried = [result]  # the candidates for the result
    runs, probes = [result], 0  # every run and probe, counted in the result's totals
    r = bfgs(objective, x0, Tolerances(max_iter=2000), max_step=max_step, method=method)
    runs.append(r)
    if np.isfinite(r.loglik):
        r2 = newton(objective, r.x, tol, max_step=max_step, method=method)
        runs.append(r2)
        tried.append(r if r.converged and not r2.converged else
                     r2 if r2.converged or r2.loglik >= r.loglik else r)
    if not any(t.status == CONVERGED for t in tried):
        for shift in (1.0, -1.0, 2.0, -2.0):
            x = x0 + shift
            probes += 1
            if math.isfinite(objective.value(x)):
                r = newton(objective, x, tol, max_step=max_step, method=method)
                runs.append(r)
                tried.append(r)
                if r.status == CONVERGED:
                    break
    good = [t for t in tried if t.status == CONVERGED] or \
        [t for t in tried if np.isfinite(t.loglik)] or tried
    best = max(good, key=lambda t: t.loglik if np.isfinite(t.loglik) else -math.inf)
    best.iterations = sum(t.iterations for t in runs)
    best.evaluations = sum(t.evaluations for t in runs) + probes
    if best is not result:
        best.message += " (after the first attempt stopped: " + result.message + ")"
    return best, objective
