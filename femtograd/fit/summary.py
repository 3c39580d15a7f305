"""The printable summary table of a fit: estimate, SE, z, p-value and Wald CI, and the rows.

Wald intervals are on each parameter's own scale by default (log for positive,
logit for unit, natural for real; see `intervals.wald_scales`). The z statistic
and its p-value test "parameter = 0", which means something only for a real
parameter: for a positive one or a probability they are left blank.
"""

import numpy as np
import pandas as pd

from ..core.lazy import stats
from .html import table_html
from .intervals import confint

KINDS = ("exact", "right-censored", "left-censored", "interval-censored", "unknown")


def row_counts(model):
    """The rows of a bound generator by kind: (rows, {kind: count}, weighted). A kind with no
    rows is left out; counts are sums of the frequency weights when some weight is not 1
    (`weighted`). "unknown" rows are censored at both ends of the support."""
    lower, upper = np.asarray(model.lower), np.asarray(model.upper)
    lo, hi = model.support
    exact = lower == upper
    left, right = lower <= lo, upper >= hi
    masks = dict(zip(KINDS, (exact, ~exact & right & ~left, ~exact & left & ~right,
                             ~exact & ~left & ~right, ~exact & left & right)))
    w = np.asarray(model.weights, dtype=float)
    weighted = bool(np.any(w != 1.0))
    counts = {k: (float(w[m].sum()) if weighted else int(m.sum())) for k, m in masks.items()
              if m.any()}
    return lower.size, counts, weighted


def rows_text(model):
    """The rows in words: "163 rows: 156 failures, 7 right-censored" (exact rows of a
    lifetime family are failures, of any other family observed values); with weights,
    "12 rows, total weight 163: ... (counted by weight)"."""
    n, counts, weighted = row_counts(model)
    lifetime = not getattr(model, "discrete", False) and tuple(model.support) == (0, np.inf)
    exact = "failures" if lifetime else "observed"
    words = ", ".join(f"{v:g} {exact if k == 'exact' else k}" for k, v in counts.items())
    if not weighted:
        return f"{n} rows: {words}"
    total = float(np.sum(model.weights))
    return f"{n} rows, total weight {total:g}: {words} (counted by weight)"


def fit_rows_text(fit):
    """A fit's rows in words, as its summary prints them (a model may word its own rows)."""
    if fit.model is None:
        return f"n {fit.nobs:g}"
    return getattr(fit.model, "rows_text", None) or rows_text(fit.model)


class Summary:
    """`str(summary)` prints the table; `.table` is the DataFrame behind it."""

    def __init__(self, fit, level=0.95, scale=None):
        self.fit = fit
        self.level = level
        ci = confint(fit, level, "wald", scale)
        self.scales = ci.attrs["scale"]
        est, se = fit.params, fit.se
        fixed = [n for n in fit.param_names if n in fit.fixed]
        se = se.copy()
        se[fixed] = np.nan  # held, not estimated: no standard error to show
        real = np.array([c == "real" for c in fit.constraints])
        z = (est / se).where(real)  # a test of "= 0" only where 0 is inside the space
        p = 2 * stats.norm.sf(np.abs(z))
        lo, hi = f"lower {level:.3g}", f"upper {level:.3g}"
        self.table = pd.DataFrame({"estimate": est, "se": se, "z": z, "p": p,
                                   lo: ci["lower"], hi: ci["upper"]}).rename_axis("parameter")

    def __str__(self):
        fit = self.fit
        head = [f"Maximum-likelihood fit: {fit._model_name()}",
                f"  {fit_rows_text(fit)}",
                f"  log-likelihood {fit.loglik:.6g}   AIC {fit.aic:.6g}   AICc {fit.aicc:.6g}   "
                f"BIC {fit.bic:.6g}",
                f"  free parameters {fit.df}   method {fit.method}   covariance {fit.cov_type}",
                f"  converged: {'yes' if fit.converged else 'NO'} after {fit.iterations} "
                f"iterations ({fit.message})"]
        body = self._shown().to_string(float_format=lambda v: f"{v:.6g}", na_rep="")
        return "\n".join(head + ["", body] + ["  " + note for note in self._notes()])

    def _shown(self):
        """The table as shown: z and p only when some parameter is real-valued."""
        real = [c == "real" for c in self.fit.constraints]
        return self.table if any(real) else self.table.drop(columns=["z", "p"])

    def _notes(self):
        notes = [self._scale_note()]
        if self.fit.fixed:
            notes.append("fixed: " + ", ".join(f"{k} = {v:g}" for k, v in self.fit.fixed.items()))
        return notes

    def _scale_note(self):
        """Which scale each Wald interval is on, and why some z and p are blank."""
        by_scale = {}
        for name, scale in self.scales.items():
            if name not in self.fit.fixed:
                by_scale.setdefault(scale, []).append(name)
        parts = "; ".join(f"{s} scale for {', '.join(names)}" for s, names in by_scale.items())
        note = f"Wald intervals: {parts}"
        if any(c != "real" for c in self.fit.constraints):
            note += " (z and p test = 0: shown for real-valued parameters only)"
        return note

    __repr__ = __str__

    def _repr_html_(self):
        fit = self.fit
        facts = [("data", fit_rows_text(fit)), ("log-likelihood", fit.loglik), ("AIC", fit.aic),
                 ("AICc", fit.aicc), ("BIC", fit.bic), ("free parameters", fit.df),
                 ("method", fit.method), ("covariance", fit.cov_type),
                 ("converged", f"{'yes' if fit.converged else 'NO'} after {fit.iterations} "
                               f"iterations ({fit.message})"),
                 ("intervals", f"Wald, level {self.level:g}")]
        return table_html(f"Maximum-likelihood fit: {fit._model_name()}", facts, self._shown(),
                          self._notes())
