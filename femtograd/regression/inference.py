"""Inference that refits: profile-likelihood intervals and the nonparametric bootstrap, plus
the delta method for any function of the coefficients.

A refit repeats the original `regress` call with some coefficients held (profile) or with
resampled rows as frequency weights (bootstrap), starting from the MLE.
"""

import math
import warnings

import numpy as np
import pandas as pd

from ..core import Value, grad_nodes
from ..core.lazy import optimize, stats
from ..fit import jobs
from ..fit.bootstrap import BootstrapError, BootstrapResult, BootstrapWarning
from ..fit.common import FIT_ERRORS, user_stacklevel
from ..fit.delta import DeltaMethod


def delta_method(fit, fn, level):
    """Estimate and SE of fn(coef), `coef` a mapping (parameter, term) -> scalar Value at the
    MLE; the gradient by reverse mode, se = sqrt(∇fᵀ C ∇f)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1; got {level}")
    leaves = [Value(float(v)) for v in fit.mle]
    out = fn(dict(zip(fit.index, leaves)))
    if not isinstance(out, Value):
        out = Value.constant(float(out))
    if out.shape != ():
        raise ValueError(f"delta_method needs a scalar function; got shape {out.shape}")
    grad = np.array([float(g.data) for g in grad_nodes(out, leaves)])
    var = float(grad @ fit.cov.to_numpy() @ grad)
    return DeltaMethod(float(out.data), math.sqrt(var) if var >= 0 else math.nan, grad, level)


def _start(fit, leave_out=None):
    return {k: float(v) for i, (k, v) in enumerate(fit.params.items())
            if i in fit._free and k != leave_out}


def profile_interval(fit, key, level):
    """(lower, upper): where 2·(loglik − profile loglik) reaches the χ²₁ quantile."""
    target = stats.chi2.ppf(level, 1) / 2
    est, se = float(fit.params[key]), float(fit.se[key])
    if not (math.isfinite(se) and se > 0):
        return math.nan, math.nan

    def drop(v):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            refit = fit._refit(fixed={**fit.fixed, key: v}, start=_start(fit, key))
        if not refit.converged:
            raise ValueError(f"profile of {key} at {v:.6g}: the refit did not converge "
                             f"({refit.message})")
        return fit.loglik - refit.loglik - target

    ends = []
    for sign in (-1.0, 1.0):
        step = 1.5 * se * math.sqrt(2 * target)
        inner, outer = est, est + sign * step
        for _ in range(30):
            if drop(outer) > 0:
                break
            inner, outer = outer, outer + sign * step
            step *= 2
        else:
            ends.append(math.nan)  # the likelihood never drops that far: an open interval
            continue
        ends.append(optimize.brentq(drop, min(inner, outer), max(inner, outer),
                                    xtol=1e-8 * max(se, abs(est))))
    return ends[0], ends[1]


def bootstrap(fit, n, seed, max_failed, progress=None, n_jobs=1):
    """Nonparametric bootstrap: rows resampled with their covariates (multinomial counts as
    frequency weights), each replicate refitted from the MLE. The resamples are drawn here,
    one after another, so `n_jobs` worker processes refit the same replicates as one."""
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer of at least 2; got {n}")
    if not 0 <= max_failed <= 1:
        raise ValueError(f"max_failed is a fraction of the replicates, between 0 and 1; "
                         f"got {max_failed}")
    n, n_jobs = int(n), jobs.check_n_jobs(n_jobs)
    jobs.reporter(progress, n, "bootstrap")  # a bad progress= is refused before any work
    rng = np.random.default_rng(seed)
    w = np.ones(fit.n) if fit.weights is None else fit.weights
    total, p = int(round(w.sum())), w / w.sum()
    draws = (rng.multinomial(total, p).astype(float) for _ in range(n))
    size = 1 if n_jobs == 1 else max(1, min(16, n // (8 * n_jobs)))
    tasks = ((fit._refit, _start(fit), chunk) for chunk in jobs.chunks(draws, size))
    outcomes = jobs.run(_refit_replicates, tasks, n_jobs, progress, "bootstrap", total=n,
                        chunked=True)
    rows = [m for ok, m in outcomes if ok]
    used = [b for b, (ok, _) in enumerate(outcomes) if ok]
    failures = [(b, *why) for b, (ok, why) in enumerate(outcomes) if not ok]
    est = pd.DataFrame(rows, columns=fit.index, index=pd.Index(used, dtype=int, name="replicate"))
    failed = pd.DataFrame([f[1:] for f in failures], columns=["status", "message"],
                          index=pd.Index([f[0] for f in failures], dtype=int, name="replicate"))
    result = BootstrapResult(est, "nonparametric", n, failed, fit)
    if result.failed:
        summary = result.failure_summary()
        if result.succeeded < 2 or result.failed > max_failed * n:
            raise BootstrapError(f"{summary}: too many to trust (max_failed={max_failed:g})",
                                 result)
        warnings.warn(summary, BootstrapWarning, stacklevel=user_stacklevel())
    return result


def _refit_replicates(refit, start, draws):
    """(True, coefficients) or (False, (status, message)) for each replicate's row counts."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each refit's own warnings: failures are recorded
        for counts in draws:
            try:
                got = refit(weights=counts, start=start)
            except FIT_ERRORS as err:
                out.append((False, (type(err).__name__, str(err))))
                continue
            out.append((True, got.mle) if got.converged else (False, (got.status, got.message)))
    return out
