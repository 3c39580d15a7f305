"""Goodness of fit: EDF statistics (Kolmogorov–Smirnov, Cramér–von Mises, Anderson–Darling) for
continuous families, Pearson's χ² for discrete ones, with honest p-values.

Each EDF statistic compares the fitted CDF F (`fit.cdf`, truncated when the fit is) with
the empirical one F̂, as an integral over F: D = sup |F̂ − F|, W² = n∫(F̂ − F)² dF,
A² = n∫(F̂ − F)²/(F(1 − F)) dF. F̂ is a step function, so each integral is a sum of
closed forms over its steps. Without censoring F̂ is the EDF and these are exactly the
textbook statistics (scipy's `goodness_of_fit`); with right censoring F̂ is Kaplan–Meier
and the integrals stop at the largest observed time (Koziol and Green's censored
Cramér–von Mises, and its Kolmogorov and Anderson–Darling siblings).

Estimated parameters make the textbook p-values wrong (too large), so p-values come
from a parametric bootstrap: `n_boot` data sets of the same design are drawn from
the fit, refitted, and their statistics computed; p = (1 + #{T* ≥ T})/(n_boot + 1).
A right-censored design is reproduced, not thinned (`femtograd.fit.resample`), so
replicates are censored about as often as the data. χ² uses cells merged until each expects at least
5 rows, with the degrees of freedom reduced by the free parameters (as fitdistrplus'
`gofstat`). Interval-censored data are refused: their F̂ (Turnbull's) is not identified
inside its intervals, and simulating them needs an inspection schedule.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import jobs
from ..core.lazy import stats
from .common import FIT_ERRORS, fitted_model, user_stacklevel
from .html import table_html
from .nonparametric import kaplan_meier
from .resample import simulate_design

NAMES = {"ks": "Kolmogorov-Smirnov", "cvm": "Cramer-von Mises", "ad": "Anderson-Darling"}


class GofWarning(UserWarning):
    """Some bootstrap refits failed; the p-values use the replicates that succeeded."""


@dataclass
class GofResult:
    table: pd.DataFrame          # index statistic; columns statistic, p_value, method
    replicates: pd.DataFrame     # the bootstrap statistics, one row per successful replicate
    failed: int                  # bootstrap refits that raised or did not converge

    def __repr__(self):
        return f"Goodness of fit\n{self.table.to_string()}"

    def _repr_html_(self):
        """The table as HTML, with the bootstrap behind the p-values."""
        return table_html("Goodness of fit", [("bootstrap replicates", len(self.replicates)),
                                              ("failed refits", self.failed)], self.table)


def _rows(fit):
    model = fitted_model(fit, "gof()", "compare such fits by AIC or a likelihood-ratio test "
                                      "(fg.lrt)")
    lower, upper = np.asarray(model.lower, float), np.asarray(model.upper, float)
    if np.any((lower != upper) & ~np.isposinf(upper)):
        raise ValueError("gof: this fit has left- or interval-censored rows; EDF statistics on "
                         "Turnbull's estimate are not identified inside its intervals, and "
                         "their p-values would need the inspection schedule: compare fits by "
                         "AIC or a likelihood-ratio test instead")
    return lower, lower != upper, np.asarray(model.weights, float)


def edf_statistics(fit):
    """{"ks": D, "cvm": W², "ad": A²} of a continuous fit against its data (module docstring)."""
    x, censored, w = _rows(fit)
    km = kaplan_meier(x, censored, w)
    n = float(w.sum())
    tau = float(x.max())
    c = np.r_[0.0, 1.0 - km.survival]                   # F̂ on each step, from −∞
    complete = c[-1] >= 1.0 - 1e-12                     # F̂ reaches 1: the last step runs to ∞
    ends = np.r_[km.time, tau]
    pred_f = fit.cdf(ends)["estimate"].to_numpy()
    pred_s = fit.sf(ends)["estimate"].to_numpy()
    u = np.r_[0.0, pred_f[:-1], 1.0 if complete else pred_f[-1]]   # step k runs u[k]..u[k+1]
    s = np.r_[1.0, pred_s[:-1], 0.0 if complete else pred_s[-1]]   # 1 − u, with its digits
    ks = float(np.max(np.maximum(np.abs(c - u[:-1]), np.abs(c - u[1:]))))
    cvm = n * float(np.sum(((u[1:] - c) ** 3 - (u[:-1] - c) ** 3) / 3))
    ad = n * float(np.sum(_ad_piece(c, u[1:], s[1:]) - _ad_piece(c, u[:-1], s[:-1])))
    return {"ks": ks, "cvm": cvm, "ad": ad}


def _ad_piece(c, u, s):
    """An antiderivative in u of (c − u)²/(u(1 − u)): −u + c² log u − (1 − c)² log(1 − u),
    each log term 0 where its coefficient is (at u = 0 with c = 0, at u = 1 with c = 1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(c == 0, 0.0, c ** 2 * np.log(u))
        b = np.where(c == 1, 0.0, (1 - c) ** 2 * np.log(s))
    return -u + a - b


def chi_square(fit, min_expected=5.0):
    """(χ², df, cells) of a discrete fit: counts in cells merged left to right until each
    expects at least `min_expected` rows, the outer cells holding the tails."""
    x, censored, w = _rows(fit)
    if censored.any():
        raise ValueError("gof: χ² needs uncensored counts")
    n = float(w.sum())
    values = np.arange(x.min(), x.max() + 1)
    observed = np.bincount((x - x.min()).astype(int), w, values.size)
    prob = fit.pdf(values)["estimate"].to_numpy().copy()
    prob[0] = fit.cdf(values[:1])["estimate"].iloc[0]            # k <= min in the first cell
    prob[-1] += fit.sf(values[-1:])["estimate"].iloc[0]          # k > max in the last
    cells_o, cells_e, cells_k, acc_o, acc_e, first = [], [], [], 0.0, 0.0, values[0]
    for k, o, p in zip(values, observed, prob):
        acc_o, acc_e = acc_o + o, acc_e + n * p
        if acc_e >= min_expected:
            cells_o.append(acc_o), cells_e.append(acc_e), cells_k.append((first, k))
            acc_o, acc_e, first = 0.0, 0.0, k + 1
    if acc_e > 0 or not cells_o:           # what is left joins the last cell
        if cells_o:
            cells_o[-1] += acc_o
            cells_e[-1] += acc_e
            cells_k[-1] = (cells_k[-1][0], values[-1])
        else:
            cells_o, cells_e, cells_k = [acc_o], [acc_e], [(values[0], values[-1])]
    o, e = np.array(cells_o), np.array(cells_e)
    df = o.size - 1 - fit.df
    return float(np.sum((o - e) ** 2 / e)), df, cells_k


def gof(fit, n_boot=200, seed=None, progress=None, n_jobs=1):
    """Goodness-of-fit table of a generator fit (module docstring); `n_boot=0` skips the
    bootstrap (p-values NaN for the EDF statistics). `progress` and `n_jobs` as for the
    bootstrap (`femtograd.fit.jobs`): the replicates are drawn here in order, so worker
    processes give the same p-values."""
    if int(n_boot) != n_boot or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer; got {n_boot}")
    n_jobs = jobs.check_n_jobs(n_jobs)
    _rows(fit)
    if fit.model.discrete:
        stat, df, cells = chi_square(fit)
        p = float(stats.chi2.sf(stat, df)) if df > 0 else np.nan
        table = pd.DataFrame({"statistic": [stat], "p_value": [p],
                              "method": [f"chi-square, {len(cells)} cells, df {df}"]},
                             index=pd.Index(["chi-square"], name="test"))
        return GofResult(table, pd.DataFrame(), 0)
    observed = edf_statistics(fit)
    reps, failed = _bootstrap(fit, int(n_boot), seed, progress, n_jobs) if n_boot \
        else (pd.DataFrame(), 0)
    rows = []
    for key, value in observed.items():
        if reps.empty:
            p, how = np.nan, "no bootstrap (n_boot=0)"
        else:
            p = (1 + float(np.sum(reps[key] >= value))) / (len(reps) + 1)
            how = f"parametric bootstrap, {len(reps)} refits"
        rows.append((NAMES[key], value, p, how))
    table = pd.DataFrame(rows, columns=["test", "statistic", "p_value", "method"]) \
        .set_index("test")
    return GofResult(table, reps, failed)


def _bootstrap(fit, n_boot, seed, progress, n_jobs):
    rng = np.random.default_rng(seed)
    start = {k: float(v) for k, v in fit.params.items() if k not in fit.fixed}
    draws = (simulate_design(fit, rng) for _ in range(n_boot))
    tasks = ((fit._refit, model, start, fit.fixed) for model in draws)
    found = jobs.run(_replicate_statistics, tasks, n_jobs, progress, "gof", total=n_boot)
    out = [stat for stat in found if stat is not None]
    failed = n_boot - len(out)
    if failed:
        warnings.warn(f"gof: {failed} of {n_boot} bootstrap refits failed; the p-values use "
                      f"the {n_boot - failed} that succeeded", GofWarning,
                      stacklevel=user_stacklevel())
    if len(out) < 2:
        raise ValueError(f"gof: only {len(out)} of {n_boot} bootstrap refits succeeded; "
                         "no p-value can be given")
    return pd.DataFrame(out), failed


def _replicate_statistics(refit, model, start, fixed):
    """The EDF statistics of `model` refitted from `start`; None when the refit raises or
    does not converge (counted as failed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # each refit's own warnings: failures are counted
        try:
            again = refit(model, start=start, fixed=fixed)
        except FIT_ERRORS:
            return None
    return edf_statistics(again) if again.converged else None
