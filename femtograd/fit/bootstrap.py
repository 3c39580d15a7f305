"""Bootstrap: refit on resampled data and read intervals off the percentiles.

Nonparametric: each replicate draws N = nobs rows with replacement, expressed as
multinomial counts used as frequency weights (`gen.reweighted`), so censoring,
intervals and truncation travel with their rows. Parametric: each replicate is
`gen.simulate(params, rng)`, data of the same design drawn from the fitted model.
Every refit starts at the original MLE and keeps the original fixed values.

A replicate fails when its refit raises a numerical error (`ValueError`, which
includes numpy's `LinAlgError`, or `ArithmeticError`, which includes
`FloatingPointError`) or does not converge (any status but "converged", a
boundary estimate included). Failed replicates are never dropped silently (as
fitdistrplus' `bootdist` counts the non-converged ones): the result counts them
(`failed`), lists each with its reason (`failures`), and a `BootstrapWarning`
says how many there were, since the statistics then describe only the replicates
that succeeded. When more than `max_failed` of them (a fraction) fail, or fewer
than two succeed, the bootstrap raises `BootstrapError` instead. Any other
exception (a `TypeError` in the user's log-likelihood, say) is a bug and propagates.
"""

import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .common import FIT_ERRORS, check_level, user_stacklevel

KINDS = ("nonparametric", "parametric")
MAX_ROWS = np.iinfo(np.int64).max  # the most rows one multinomial draw can place


class BootstrapWarning(UserWarning):
    """Some bootstrap replicates failed; the statistics use only those that succeeded."""


class BootstrapError(RuntimeError):
    """Too many bootstrap replicates failed; `.result` holds what was computed."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


@dataclass
class BootstrapResult:
    estimates: pd.DataFrame   # one row per successful replicate, indexed by replicate number
    kind: str
    n: int                    # replicates drawn
    failures: pd.DataFrame    # one row per failed replicate: columns status, message
    fit: object

    @property
    def failed(self):
        """Number of replicates whose refit raised or did not converge (left out)."""
        return len(self.failures)

    @property
    def succeeded(self):
        """Number of replicates the statistics are computed from."""
        return len(self.estimates)

    @property
    def se(self):
        return self.estimates.std(ddof=1).rename("se")

    @property
    def bias(self):
        return (self.estimates.mean() - self.fit.params).rename("bias")

    def confint(self, level=0.95):
        """Percentile intervals: DataFrame, index parameter, columns lower and upper."""
        check_level(level)
        a = (1 - level) / 2
        q = self.estimates.quantile([a, 1 - a]).T
        q.columns = ["lower", "upper"]
        return q

    def failure_summary(self):
        """The failures in a sentence: how many of how many, and why (most common first)."""
        counts = Counter(self.failures["status"])
        reasons = ", ".join(f"{k} {s}" for s, k in counts.most_common())
        return (f"{self.failed} of {self.n} bootstrap replicates failed ({reasons}); "
                f"the estimates, SE and intervals use the {self.succeeded} that succeeded")

    def __repr__(self):
        return (f"<BootstrapResult {self.kind}: {self.n} replicates, {self.succeeded} used, "
                f"{self.failed} failed>")


def _resample_size(w):
    """How many rows a resample draws: round(Σw). A resample of no rows or of copies of one
    row says nothing about the spread of the estimates (it would report SE 0), and beyond
    int64 no draw can be made: both are refused."""
    total = float(w.sum())
    if not total < MAX_ROWS:
        raise ValueError(f"the weights sum to {total:.6g}: a resample of that many rows cannot "
                         f"be drawn (at most {MAX_ROWS}); no nonparametric bootstrap")
    if round(total) < 2 or np.count_nonzero(w) < 2:
        raise ValueError(f"a resample would hold {round(total)} row(s) drawn from "
                         f"{np.count_nonzero(w)} row(s) of positive weight (the weights sum to "
                         f"{total:.6g}): replicates need at least 2 rows from at least 2 "
                         "distinct rows, or every one repeats the same data (SE 0 from nothing)")
    return round(total)


def _function_rows(fit):
    """A plain function's data as an array whose first axis is resampled: refused when that
    axis is not the observations (nobs says otherwise) or holds fewer than 2 rows."""
    data = np.asarray(fit.data)
    if data.ndim == 0:
        raise ValueError("nonparametric bootstrap of a plain function needs array data "
                         "(rows are resampled)")
    if len(data) != fit.nobs:
        raise ValueError(f"nonparametric bootstrap resamples the first axis of a plain "
                         f"function's data ({len(data)} entries), but nobs is {fit.nobs:g}: "
                         "pass the data as one array whose rows are the observations (for "
                         "columns, np.column_stack)")
    if len(data) < 2:
        raise ValueError(f"nonparametric bootstrap needs at least 2 rows; the data have "
                         f"{len(data)}")
    return data


def bootstrap(fit, n=200, kind="nonparametric", seed=None, max_failed=0.5):
    if kind not in KINDS:
        raise ValueError(f"unknown bootstrap kind {kind!r}; use one of {list(KINDS)}")
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer of at least 2; got {n}")
    if not 0 <= max_failed <= 1:
        raise ValueError(f"max_failed is a fraction of the replicates, between 0 and 1; "
                         f"got {max_failed}")
    n = int(n)
    rng = np.random.default_rng(seed)
    gen = fit.model
    start = {k: float(v) for k, v in fit.params.items() if k not in fit.fixed}
    if gen is None:
        if kind == "parametric":
            raise ValueError("a parametric bootstrap needs a generator (it simulates from the "
                             "model); a plain function can only be bootstrapped nonparametrically")
        data = _function_rows(fit)
    elif kind == "nonparametric":
        w = np.asarray(gen.weights, dtype=float)
        total = _resample_size(w)
    rows, used, failures = [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each refit's own warnings: the failures are recorded
        for b in range(n):
            # drawing the resample is not allowed to fail: a design it cannot handle
            # (e.g. simulating interval-censored rows) is the caller's error, raised at once
            if gen is None:
                sample = data[rng.integers(0, len(data), len(data))]
            elif kind == "nonparametric":
                counts = rng.multinomial(total, w / w.sum()).astype(float)
                model = gen.reweighted(counts)
            else:
                model = gen.simulate(dict(fit.params), rng)
            try:
                refit = fit._refit(sample if gen is None else model, start=start,
                                   fixed=fit.fixed)
            except FIT_ERRORS as err:
                failures.append((b, type(err).__name__, str(err)))
                continue
            if refit.converged:
                rows.append(refit.mle)
                used.append(b)
            else:
                failures.append((b, refit.status, refit.message))
    est = pd.DataFrame(rows, columns=list(fit.param_names),
                       index=pd.Index(used, dtype=int, name="replicate"))
    failed = pd.DataFrame([f[1:] for f in failures], columns=["status", "message"],
                          index=pd.Index([f[0] for f in failures], dtype=int, name="replicate"))
    result = BootstrapResult(est, kind, n, failed, fit)
    if result.failed:
        summary = result.failure_summary()
        if result.succeeded < 2 or result.failed > max_failed * n:
            why = (f"more than max_failed={max_failed:g} of them" if result.succeeded >= 2
                   else "at least 2 must succeed")
            b, status, message = failures[0]
            raise BootstrapError(f"{summary}: too many to trust ({why}); the first, replicate "
                                 f"{b}: {status}: {message}", result)
        warnings.warn(summary, BootstrapWarning, stacklevel=user_stacklevel())
    return result
