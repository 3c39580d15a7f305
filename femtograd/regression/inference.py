"""Inference that refits: profile-likelihood intervals and the nonparametric bootstrap, plus
the delta method for any function of the coefficients.

A refit repeats the original `regress` call with some coefficients held (profile) or with
resampled rows as frequency weights (bootstrap), starting from the MLE.
"""

import math
import warnings

import numpy as np

from ..core import Value, grad_nodes
from ..core.lazy import optimize, stats
from ..fit.bootstrap import check_run, replicates, task_size
from ..fit.delta import DeltaMethod
from ..fit.draws import resample_counts
from ..fit.refits import Refits


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
    """Nonparametric bootstrap: rows resampled with their covariates (counts as frequency
    weights, drawn as `fit.bootstrap` draws them: `femtograd.fit.draws`), each replicate
    refitted from the MLE. The resamples are drawn here, one after another, so `n_jobs`
    worker processes refit the same replicates as one."""
    n, n_jobs = check_run(n, max_failed, progress, n_jobs)
    w = np.ones(fit.n) if fit.weights is None else fit.weights
    refits = WeightRefits(fit._refit, _start(fit), fit.fixed)
    chunks = resample_counts(w, n, np.random.default_rng(seed), task_size(refits, n, n_jobs))
    return replicates(refits, chunks, fit, "nonparametric", n, fit.index, max_failed,
                      progress, n_jobs)


class WeightRefits(Refits):
    """A regression's refits of resample counts: the same `regress` call with the counts as
    its weights, from the MLE."""

    def fitted(self, counts):
        return self.refit(weights=counts, start=self.start, fixed=self.fixed)
