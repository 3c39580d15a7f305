"""The printable summary table of a fit: estimate, SE, z, p-value and Wald CI."""

import numpy as np
import pandas as pd
from scipy import stats


class Summary:
    """`str(summary)` prints the table; `.table` is the DataFrame behind it."""

    def __init__(self, fit, level=0.95):
        self.fit = fit
        self.level = level
        ci = fit.confint(level)
        est, se = fit.params, fit.se
        fixed = [n for n in fit.param_names if n in fit.fixed]
        se = se.copy()
        se[fixed] = np.nan  # held, not estimated: no standard error to show
        z = est / se
        p = 2 * stats.norm.sf(np.abs(z))
        lo, hi = f"lower {level:.3g}", f"upper {level:.3g}"
        self.table = pd.DataFrame({"estimate": est, "se": se, "z": z, "p": p,
                                   lo: ci["lower"], hi: ci["upper"]}).rename_axis("parameter")

    def __str__(self):
        fit = self.fit
        head = [f"Maximum-likelihood fit: {fit._model_name()}",
                f"  log-likelihood {fit.loglik:.6g}   AIC {fit.aic:.6g}   BIC {fit.bic:.6g}",
                f"  n {fit.nobs:g}   free parameters {fit.df}   method {fit.method}   "
                f"covariance {fit.cov_type}",
                f"  converged: {'yes' if fit.converged else 'NO'} after {fit.iterations} "
                f"iterations ({fit.message})"]
        body = self.table.to_string(float_format=lambda v: f"{v:.6g}", na_rep="")
        lines = head + ["", body]
        if fit.fixed:
            lines.append("  fixed: " + ", ".join(f"{k} = {v:g}" for k, v in fit.fixed.items()))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        return "<pre>" + str(self).replace("&", "&amp;").replace("<", "&lt;") + "</pre>"
