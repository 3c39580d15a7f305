"""Bootstrap: refit on resampled data and read intervals off the percentiles.

Nonparametric: each replicate draws N = nobs rows with replacement, expressed as
multinomial counts used as frequency weights (`gen.reweighted`), so censoring,
intervals and truncation travel with their rows. Parametric: each replicate is
`gen.simulate(params, rng)`, data of the same design drawn from the fitted model.
Every refit starts at the original MLE and keeps the original fixed values.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .intervals import check_level

KINDS = ("nonparametric", "parametric")


@dataclass
class BootstrapResult:
    estimates: pd.DataFrame   # one row per successful replicate
    kind: str
    n: int
    failed: int               # replicates whose refit did not converge (left out)
    fit: object

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


def bootstrap(fit, n=200, kind="nonparametric", seed=None):
    from ..mle import fit_mle  # the fitting layer: fit_mle lives beside this package
    if kind not in KINDS:
        raise ValueError(f"unknown bootstrap kind {kind!r}; use one of {list(KINDS)}")
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer of at least 2; got {n}")
    rng = np.random.default_rng(seed)
    gen = fit.model
    start = {k: float(v) for k, v in fit.params.items() if k not in fit.fixed}
    options = {k: v for k, v in fit._refit_options.items() if k != "constraints"}
    if gen is None:
        if kind == "parametric":
            raise ValueError("a parametric bootstrap needs a generator (it simulates from the "
                             "model); a plain function can only be bootstrapped nonparametrically")
        data = np.asarray(fit.data)
        if data.ndim == 0:
            raise ValueError("nonparametric bootstrap of a plain function needs array data "
                             "(rows are resampled)")
    else:
        w = np.asarray(gen.weights, dtype=float)
        total = int(round(w.sum()))
    rows, failed = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(int(n)):
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
                if gen is None:
                    refit = fit_mle(fit.function, sample, start=start, fixed=fit.fixed,
                                    method=fit.method,
                                    constraints=fit._refit_options.get("constraints"), **options)
                else:
                    refit = fit_mle(model, start=start, fixed=fit.fixed, method=fit.method,
                                    **options)
            except ValueError:
                failed += 1
                continue
            if refit.converged:
                rows.append(refit.mle)
            else:
                failed += 1
    if failed:
        warnings.warn(f"{failed} of {n} bootstrap refits failed or did not converge and are "
                      "left out", UserWarning, stacklevel=3)
    est = pd.DataFrame(rows, columns=list(fit.param_names))
    return BootstrapResult(est, kind, int(n), failed, fit)
