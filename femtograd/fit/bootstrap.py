"""Bootstrap: refit on resampled data and read intervals off the percentiles.

Nonparametric: each replicate draws N = nobs rows with replacement, expressed as
counts used as frequency weights (`gen.reweighted`; `femtograd.fit.draws`), so censoring,
intervals and truncation travel with their rows. Parametric: each replicate is data of
the same design drawn from the fitted model, its censoring reproduced
(`femtograd.fit.resample`). Every refit starts at the original MLE (or, in a batch,
at the replicate's own maximum where the family solves it from the statistics) and keeps the
original fixed values; for a model made of sufficient statistics the replicates are refitted
all at once, a batch of them on one graph (`femtograd.fit.refits`, `femtograd.fit.batched`).
The resamples are drawn one after another in this process, so `n_jobs` worker processes refit
the same replicates as one process; `progress` counts the replicates as each batch (or, for
other models, each refit) finishes (`femtograd.fit.jobs`).

Intervals (`confint(method=)`): "percentile"; "basic" (2θ̂ − the opposite quantiles);
"bca", bias-corrected and accelerated, its bias correction from the share of replicates
below θ̂ and its acceleration a = Σ Uᵢ³ / (6 (Σ Uᵢ²)^{3/2}) from the rows' empirical
influence values Uᵢ = ∇g · I⁻¹ sᵢ (per-row scores sᵢ, observed information I; Efron's
nonparametric delta method, no jackknife refits). `apply(fn)` carries all three to a
derived quantity such as B10 or the MTTF.

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

import inspect
import warnings
from collections import Counter
from functools import cached_property

import numpy as np
import pandas as pd

from . import jobs
from ..core.lazy import stats
from .common import check_level, fitted_model, user_stacklevel
from .draws import resample_counts
from .refits import OnGraph, Refits
from .resample import simulate_design

KINDS = ("nonparametric", "parametric")
METHODS = ("percentile", "basic", "bca")


class BootstrapWarning(UserWarning):
    """Some bootstrap replicates failed; the statistics use only those that succeeded."""


class BootstrapError(RuntimeError):
    """Too many bootstrap replicates failed; `.result` holds what was computed."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


class BootstrapResult:
    """The replicates' estimates and failures, with the statistics read off them. Its frames
    (`estimates`, `failures`) are built on first use from the arrays the refits gathered:
    a bootstrap that is only summarized, or passed on, builds none it does not read."""

    def __init__(self, values, replicates, names, failures, kind, n, fit, point=None,
                 gradient=None):
        self._values = values          # (succeeded, columns): the estimates, a row each
        self._replicates = replicates  # their replicate numbers (int64)
        self._names = list(names)      # the columns: parameters, or a derived quantity
        self._failures = failures      # [(replicate, status, message)], in order
        self.kind = kind
        self.n = n                     # replicates drawn
        self.fit = fit
        self.point = point             # the estimates at the data (None: fit.params)
        self.gradient = gradient       # (columns, parameters): ∇ of each column (None: identity)

    @cached_property
    def estimates(self):
        """One row per successful replicate, indexed by replicate number: DataFrame."""
        return pd.DataFrame(self._values, columns=self._names,
                            index=pd.Index(self._replicates, name="replicate"))

    @cached_property
    def failures(self):
        """One row per failed replicate, columns status and message: DataFrame."""
        reasons = np.array([f[1:] for f in self._failures], dtype=object).reshape(-1, 2)
        return pd.DataFrame(reasons, columns=["status", "message"],
                            index=pd.Index(np.array([f[0] for f in self._failures], dtype=int),
                                           name="replicate"))

    @property
    def estimate(self):
        """The quantities at the data, one per column of `estimates`."""
        return self.fit.params if self.point is None else self.point

    @property
    def failed(self):
        """Number of replicates whose refit raised or did not converge (left out)."""
        return len(self._failures)

    @property
    def succeeded(self):
        """Number of replicates the statistics are computed from."""
        return len(self._replicates)

    @property
    def se(self):
        return self.estimates.std(ddof=1).rename("se")

    @property
    def bias(self):
        return (self.estimates.mean() - self.estimate).rename("bias")

    def confint(self, level=0.95, method="percentile"):
        """Intervals ("percentile", "basic" or "bca"; module docstring): DataFrame, index
        parameter (or quantity), columns lower and upper."""
        check_level(level)
        if method not in METHODS:
            raise ValueError(f"unknown bootstrap interval {method!r}; use one of {list(METHODS)}")
        a = (1 - level) / 2
        q = self.estimates.quantile([a, 1 - a]).T
        q.columns = ["lower", "upper"]
        if method == "basic":
            centre = self.estimate.reindex(q.index)
            q = pd.DataFrame({"lower": 2 * centre - q["upper"], "upper": 2 * centre - q["lower"]})
        elif method == "bca":
            q = self._bca(a)
        return q

    def _bca(self, a):
        z = stats.norm.ppf([a, 1 - a])
        accel = self._acceleration()
        rows = {}
        for j, name in enumerate(self.estimates.columns):
            values = self.estimates[name].to_numpy()
            centre = float(self.estimate[name])
            if np.ptp(values) == 0:        # a fixed parameter: no spread to correct
                rows[name] = (values[0], values[0])
                continue
            below = (np.sum(values < centre) + 0.5 * np.sum(values == centre)) / values.size
            z0 = stats.norm.ppf(np.clip(below, 0.5 / values.size, 1 - 0.5 / values.size))
            probs = stats.norm.cdf(z0 + (z0 + z) / (1 - accel[j] * (z0 + z)))
            rows[name] = tuple(np.quantile(values, probs))
        return pd.DataFrame.from_dict(rows, orient="index", columns=["lower", "upper"])

    def _acceleration(self):
        """Each column's a = Σ Uᵢ³ / (6 (Σ Uᵢ²)^{3/2}), Uᵢ its rows' empirical influence."""
        fit = self.fit
        try:
            scores, weights = fit._row_scores
        except ValueError as err:
            raise ValueError(f"BCa intervals need per-row scores for the acceleration: {err}") \
                from None
        info = fit.observed_information.to_numpy()
        per_param = np.zeros((scores.shape[0], len(fit.param_names)))
        per_param[:, fit._free] = np.linalg.solve(info, scores.T).T
        grad = np.eye(len(fit.param_names)) if self.gradient is None else self.gradient
        u = per_param @ grad.T
        with np.errstate(invalid="ignore", divide="ignore"):
            return (weights @ u ** 3) / (6 * (weights @ u ** 2) ** 1.5)

    def apply(self, fn, name=None):
        """The bootstrap of a derived quantity: `fn` of the parameters (floats, by name when
        its arguments are parameter names, else in order) on every replicate, with the same
        intervals (its BCa gradient by central differences at the MLE)."""
        names = list(self.fit.param_names)
        call = _caller(fn, names)
        values = np.array([call(row) for row in self._values], dtype=float)
        label = name or getattr(fn, "__name__", "value")
        label = "value" if label == "<lambda>" else label
        mle = np.asarray(self.fit.mle, dtype=float)
        grad = np.zeros(len(names))
        for i in self.fit._free:
            h = 1e-6 * max(abs(mle[i]), 1e-3)
            up, down = mle.copy(), mle.copy()
            up[i] += h
            down[i] -= h
            grad[i] = (call(up) - call(down)) / (2 * h)
        return BootstrapResult(values[:, None], self._replicates, [label], self._failures,
                               self.kind, self.n, self.fit,
                               point=pd.Series({label: float(call(mle))}),
                               gradient=grad[None, :])

    def failure_summary(self):
        """The failures in a sentence: how many of how many, and why (most common first)."""
        counts = Counter(status for _, status, _ in self._failures)
        reasons = ", ".join(f"{k} {s}" for s, k in counts.most_common())
        return (f"{self.failed} of {self.n} bootstrap replicates failed ({reasons}); "
                f"the estimates, SE and intervals use the {self.succeeded} that succeeded")

    def __repr__(self):
        return (f"<BootstrapResult {self.kind}: {self.n} replicates, {self.succeeded} used, "
                f"{self.failed} failed>")

    def _repr_html_(self):
        """Estimate, bootstrap SE, bias and the 95% percentile interval, as an HTML table."""
        from .html import table_html
        ci = self.confint()
        frame = pd.DataFrame({"estimate": self.estimate, "se": self.se, "bias": self.bias,
                              "lower 0.95": ci["lower"], "upper 0.95": ci["upper"]})
        return table_html(f"{self.kind.capitalize()} bootstrap",
                          [("replicates", self.n), ("used", self.succeeded),
                           ("failed", self.failed), ("intervals", "percentile, level 0.95")],
                          frame)


def _function_rows(fit):
    """A plain function's data as an array whose first axis is resampled: refused when that
    axis is not the observations (nobs says otherwise) or holds fewer than 2 rows."""
    data = np.asarray(fit._data)
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


def _caller(fn, names):
    """fn called with a parameter vector: by name when its arguments are parameter names."""
    try:
        args = [p.name for p in inspect.signature(fn).parameters.values()]
    except (TypeError, ValueError):
        args = []
    if args and all(a in names for a in args):
        return lambda v: float(fn(**{a: float(v[names.index(a)]) for a in args}))
    return lambda v: float(fn(*map(float, v)))


def bootstrap(fit, n=200, kind="nonparametric", seed=None, max_failed=0.5, progress=None,
              n_jobs=1):
    if kind not in KINDS:
        raise ValueError(f"unknown bootstrap kind {kind!r}; use one of {list(KINDS)}")
    n, n_jobs = check_run(n, max_failed, progress, n_jobs)
    gen = fit.model
    if gen is None and kind == "parametric":
        fitted_model(fit, "a parametric bootstrap (it simulates from the model)",
                     "bootstrap it nonparametrically (kind=\"nonparametric\")")
    start = {k: float(v) for k, v in fit.params.items() if k not in fit.fixed}
    refits = Refits(fit._refit, start, fit.fixed) if gen is None \
        else OnGraph(fit, start, reweighted=kind == "nonparametric")
    chunks = _chunks(fit, kind, n, np.random.default_rng(seed), task_size(refits, n, n_jobs))
    return replicates(refits, chunks, fit, kind, n, list(fit.param_names), max_failed,
                      progress, n_jobs)


def check_run(n, max_failed, progress, n_jobs):
    """(n, n_jobs) as integers, after refusing a bad n, max_failed, progress or n_jobs before
    any work."""
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer of at least 2; got {n}")
    if not 0 <= max_failed <= 1:
        raise ValueError(f"max_failed is a fraction of the replicates, between 0 and 1; "
                         f"got {max_failed}")
    n, n_jobs = int(n), jobs.check_n_jobs(n_jobs)
    jobs.reporter(progress, n, "bootstrap")
    return n, n_jobs


def task_size(refits, n, n_jobs):
    """Draws per task: serially as many as the refits take at once (progress after each
    task); in processes, chunks of them (a few tasks per worker)."""
    return refits.chunk if n_jobs == 1 else max(1, min(64, n // (8 * n_jobs)))


def replicates(refits, chunks, fit, kind, n, names, max_failed, progress, n_jobs):
    """The `BootstrapResult` of refitting n draws, given in consecutive `chunks`, with
    `refits` (`refits.gathered`, a task per chunk, in `n_jobs` processes), the estimates'
    columns `names`; failures warned about, or raised when too many (module docstring)."""
    tasks = ((refits, chunk) for chunk in chunks)
    gathered = jobs.run(_refit_chunk, tasks, n_jobs, progress, "bootstrap", total=n,
                        chunked="kept")
    starts = np.cumsum([0] + [len(g) for g in gathered])  # each chunk's first replicate
    ok = np.concatenate([g.ok + s for g, s in zip(gathered, starts)])
    values = np.concatenate([np.asarray(g.estimates, dtype=float).reshape(len(g.ok), len(names))
                             for g in gathered])
    failures = [(b + s, *why) for g, s in zip(gathered, starts.tolist()) for b, *why in g.failures]
    result = BootstrapResult(values, ok, names, failures, kind, n, fit)
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


def _chunks(fit, kind, n, rng, size):
    """The n resamples (`_draws`) in consecutive chunks of `size`, each a list of draws or,
    for a nonparametric replicate of a model, a matrix of counts whose rows are the draws
    (`draws.resample_counts`)."""
    if fit.model is not None and kind == "nonparametric":
        return resample_counts(fit.model.weights, n, rng, size)
    return jobs.chunks(_draws(fit, n, rng), size)


def _draws(fit, n, rng):
    """The n resamples, drawn one after another from `rng` in this process (so that n_jobs
    does not change them), lazily: the rows of a plain function's data, or a parametric
    replicate's bound generator (a model's nonparametric counts come in blocks,
    `draws.resample_counts`). Drawing is not allowed to fail: a design it cannot handle (e.g.
    simulating interval-censored rows) is the caller's error, raised at once."""
    if fit.model is None:
        data = _function_rows(fit)
        for _ in range(n):
            yield data[rng.integers(0, len(data), len(data))]
    else:
        for _ in range(n):
            yield simulate_design(fit, rng)


def _refit_chunk(refits, draws):
    """The outcomes of a chunk of replicates, gathered (`Outcomes`): one task."""
    return refits.gathered(draws)
