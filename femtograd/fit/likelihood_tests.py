"""Tests of a restricted fit against a full one: likelihood ratio, Wald and score.

The restricted fit is the full model with some parameters held (`fixed=`), or
any nested model with fewer free parameters; df is the difference in free
parameters. Wald and score tests need the restriction to be `fixed=` values of
the same model, since they look at those parameters directly.
"""

import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from ..core.lazy import stats
from .covariance import safe_inverse


@dataclass
class HypothesisTest:
    """statistic ~ chi-square(df) under the restriction; pvalue = P(chi2 > statistic)."""

    name: str
    statistic: float
    df: int
    pvalue: float

    def significant(self, alpha=0.05):
        """True when the p-value is below `alpha` (R's `is_significant_at`)."""
        if not (isinstance(alpha, numbers.Real) and 0 < alpha < 1):
            raise ValueError(f"alpha must be a number strictly between 0 and 1; got {alpha!r}")
        return bool(self.pvalue < alpha)

    def __str__(self):
        return (f"{self.name}: statistic {self.statistic:.6g} on {self.df} df, "
                f"p-value {self.pvalue:.4g}")

    def _repr_html_(self):
        from .html import table_html
        return table_html(self.name, [("statistic", self.statistic), ("df", self.df),
                                      ("p-value", self.pvalue)])


def _df(restricted, full, test, check_count=True):
    for role, fit in (("restricted", restricted), ("full", full)):
        if not all(hasattr(fit, a) for a in ("loglik", "df", "nobs")):  # a fit of any kind
            raise TypeError(f"{test} needs two fits from fit_mle (restricted, full); the "
                            f"{role} one is {type(fit).__name__}: {fit!r:.60}")
    if restricted.nobs != full.nobs and not (math.isnan(restricted.nobs)
                                              and math.isnan(full.nobs)):
        raise ValueError(f"the fits use different data (nobs {restricted.nobs:g} and "
                         f"{full.nobs:g}); tests compare fits of the same data")
    df = full.df - restricted.df
    if df <= 0 and check_count:
        raise ValueError(f"the full fit must have more free parameters than the restricted one; "
                         f"got {full.df} and {restricted.df} (pass restricted first)")
    return df


def _restriction(restricted, full):
    """Indices (in full's order) of the parameters held by `restricted`, and their values."""
    if tuple(restricted.param_names) != tuple(full.param_names):
        raise ValueError("Wald and score tests need the restricted fit to be the same model "
                         f"with fixed= values; got parameters {list(restricted.param_names)} "
                         f"and {list(full.param_names)}")
    held = [i for i in full._free if i not in restricted._free]
    if not held or any(i not in full._free for i in restricted._free):
        raise ValueError("the restricted fit must hold (fixed=) some of the full fit's free "
                         "parameters and no others")
    return held, restricted.mle[held]


def lrt(restricted, full, df=None):
    """Likelihood-ratio test: 2·(loglik_full − loglik_restricted) ~ chi-square(df).

    `restricted` and `full` are fits, or their log-likelihoods as numbers (then `df` is
    required); `df` overrides the difference in free parameters of two fits.
    """
    raw = [isinstance(m, numbers.Real) for m in (restricted, full)]
    if any(raw) and df is None:
        role, m = ("restricted", restricted) if raw[0] else ("full", full)
        raise TypeError(f"lrt needs two fits from fit_mle (restricted, full); the {role} one is "
                        f"{type(m).__name__} ({m!r}): log-likelihoods given as numbers need df=")
    if any(raw) or df is not None:
        if not (isinstance(df, numbers.Integral) and not isinstance(df, bool) and df >= 1):
            raise ValueError(f"df must be an integer >= 1; got {df!r}")
        if not any(raw):
            _df(restricted, full, "lrt", check_count=False)
    else:
        df = _df(restricted, full, "lrt")
    ll_r, ll_f = (float(m) if r else m.loglik for m, r in zip((restricted, full), raw))
    if not (math.isfinite(ll_r) and math.isfinite(ll_f)):
        raise ValueError(f"log-likelihoods must be finite; got {ll_r} and {ll_f}")
    stat = 2.0 * (ll_f - ll_r)
    if stat < 0:
        if stat < -1e-6 * max(1.0, abs(ll_f)):
            warnings.warn(f"the restricted fit has the higher log-likelihood (by {-stat / 2:.3g}):"
                          " the full fit may not be at its maximum; statistic set to 0",
                          UserWarning, stacklevel=2)
        stat = 0.0
    return HypothesisTest("likelihood ratio", stat, int(df), float(stats.chi2.sf(stat, df)))


def wald_test(restricted, full, value=0.0):
    """Wald test of the restricted fit's fixed values, at the full fit's estimate and covariance.

    `wald_test(fit, hypothesis, value=0.0)` (R's `wald_test(fit, parm, null_value)`) tests a
    hypothesis at one fit without refitting: see `MLEFit.wald_test`.
    """
    if isinstance(full, (dict, str, tuple)) and hasattr(restricted, "wald_test"):
        return restricted.wald_test(full, value)  # a hypothesis at one fit
    df = _df(restricted, full, "wald_test")
    held, values = _restriction(restricted, full)
    diff = full.mle[held] - values
    cov = full.cov.to_numpy()[np.ix_(held, held)]
    names = [full.param_names[i] for i in held]
    inv = safe_inverse(cov, names, "covariance of the tested parameters")
    stat = float(diff @ inv @ diff)
    return HypothesisTest("Wald", stat, df, float(stats.chi2.sf(stat, df)))


def score_test(restricted, full):
    """Score (Rao) test: the full model's score at the restricted estimate, U'·I⁻¹·U."""
    df = _df(restricted, full, "score_test")
    _restriction(restricted, full)
    free = full._free
    _, g, h = restricted._objective.evaluate(restricted.mle, order=2)
    u = g[free]
    info = -h[np.ix_(free, free)]
    inv = safe_inverse(info, [full.param_names[i] for i in free],
                       "information at the restricted estimate")
    stat = float(u @ inv @ u)
    return HypothesisTest("score", stat, df, float(stats.chi2.sf(stat, df)))
