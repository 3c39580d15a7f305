"""Vuong's test of two non-nested models fitted to the same rows.

With m_i the difference of the two fits' log-likelihood terms at row i (weights
w_i, n = Σw), the statistic z = (Σ w·m − correction) / (√n · ω), where ω² is the
weighted variance of m (divisor n, as in Vuong 1989), is standard normal when
both models are equally close to the truth. A large positive z favours the first
fit, a large negative one the second. The correction penalizes parameters:
"aic" subtracts df_a − df_b, "bic" (Schwarz) (df_a − df_b)·log(n)/2.
"""

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ..core.lazy import stats
from .common import fitted_model

CORRECTIONS = ("none", "aic", "bic")


@dataclass
class VuongTest:
    """z statistic, two-sided p-value, and the labels of the two fits (first, second)."""

    statistic: float
    pvalue: float
    first: str
    second: str
    correction: str = "none"

    def preferred(self, alpha=0.05):
        """The label of the fit the test favours at level `alpha`, or None when it cannot
        tell them apart."""
        if not (isinstance(alpha, numbers.Real) and 0 < alpha < 1):
            raise ValueError(f"alpha must be a number strictly between 0 and 1; got {alpha!r}")
        if self.pvalue >= alpha:
            return None
        return self.first if self.statistic > 0 else self.second

    def __str__(self):
        return (f"Vuong test, {self.first} vs {self.second} (correction {self.correction}): "
                f"z {self.statistic:.6g}, p-value {self.pvalue:.4g}")

    def _repr_html_(self):
        from .html import table_html
        return table_html(f"Vuong test: {self.first} vs {self.second}",
                          [("z", self.statistic), ("p-value", self.pvalue),
                           ("correction", self.correction)])


def vuong(fit_a, fit_b, correction="none"):
    """Vuong's test of `fit_a` against `fit_b`: two fits of generators (not plain functions)
    to the same rows (same values, censoring and weights). A positive statistic favours
    `fit_a`. `correction` is "none", "aic" or "bic"."""
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {list(CORRECTIONS)}; got {correction!r}")
    for role, fit in (("first", fit_a), ("second", fit_b)):
        if hasattr(fit, "model"):  # a fit_mle fit: a plain function's is refused as everywhere
            fitted_model(fit, f"vuong (its {role} fit)", "compare such fits by AIC")
        if getattr(fit, "model", None) is None or not hasattr(fit.model, "contributions"):
            raise TypeError(f"vuong needs two fits of distributions (fit_mle with a generator); "
                            f"the {role} is {type(fit).__name__}: {fit!r:.60}")
    a, b = fit_a.model, fit_b.model
    if bool(getattr(a, "discrete", False)) != bool(getattr(b, "discrete", False)):
        raise ValueError("vuong compares likelihoods on the same scale; one fit is of a count "
                         "(discrete) family and the other of a continuous one")
    same = (a.n == b.n and np.array_equal(a.lower, b.lower) and np.array_equal(a.upper, b.upper)
            and np.array_equal(a.weights, b.weights))
    if not same:
        raise ValueError(f"the fits use different rows ({a.n} and {b.n} rows, or different "
                         "values, censoring or weights); vuong compares fits of the same data")
    w = np.asarray(a.weights, dtype=float)
    m = np.asarray(a.contributions(*fit_a.mle).data - b.contributions(*fit_b.mle).data)
    n = float(w.sum())
    mean = float(np.sum(w * m)) / n
    omega = math.sqrt(max(float(np.sum(w * m * m)) / n - mean * mean, 0.0))
    if not omega > 0:
        raise ValueError("the two fits give every row the same log-likelihood difference; "
                         "Vuong's statistic is undefined (are they the same model?)")
    penalty = {"none": 0.0, "aic": float(fit_a.df - fit_b.df),
               "bic": (fit_a.df - fit_b.df) * math.log(n) / 2}[correction]
    z = (n * mean - penalty) / (math.sqrt(n) * omega)
    return VuongTest(z, float(2 * stats.norm.sf(abs(z))), fit_a._model_name(),
                     fit_b._model_name(), correction)
