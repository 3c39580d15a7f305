"""Model comparison: fit several families to one sample and rank them by AIC."""

import warnings

import numpy as np
import pandas as pd

from .mle import resolve
from .pandas import attempt_fit

DEFAULT_FAMILIES = ("weibull", "gamma", "lognormal")

COLUMNS = ["distribution", "loglik", "df", "aic", "aicc", "bic", "delta_aic", "weight",
           "converged", "parameters", "message"]


def label(generator):
    """The name a table shows for a generator: its registry name, else its own name."""
    return getattr(generator, "name", None) or getattr(generator, "__name__", repr(generator))


def compare(data, generators=DEFAULT_FAMILIES, *, censored=None, event=None, weights=None,
            **fit_kwargs):
    """Fit each generator to `data` and rank the fits by AIC.

    `censored` (1 = censored) or `event` (1 = observed event) gives right censoring.
    `generators` holds generator classes or registry names ("weibull"). Returns a
    DataFrame, best first, with `distribution, loglik, df, aic, bic, delta_aic`
    (AIC minus the best AIC), `weight` (the Akaike weight, exp(-delta/2)
    normalized over the converged fits), `converged`, `parameters` (name ->
    estimate) and `message` (why a family failed, if it did). `aicc` is AIC with the
    small-sample correction. Ranking a count (discrete) family against a continuous one
    warns: a probability mass and a density are not on one scale, so their AICs do not
    compare. A family that fails
    on this data, or does not converge, is ranked after every converged one with
    weight 0 (its message says so) instead of stopping the comparison.
    """
    generators = [resolve(g) for g in generators]
    if not generators:
        raise ValueError("compare needs at least one distribution")
    _warn_if_mixed(generators)
    rows = []
    for generator in generators:
        name = label(generator)
        fit, _, message = attempt_fit(generator, data,
                                      dict(fit_kwargs, censored=censored, event=event,
                                           weights=weights))
        if fit is None:
            rows.append({"distribution": name, "loglik": np.nan, "df": np.nan, "aic": np.nan,
                         "aicc": np.nan, "bic": np.nan, "converged": False, "parameters": {},
                         "message": message})
            continue
        if not fit.converged:  # its AIC is not a maximum's: say why it ranks last
            message = f"not converged, so ranked after the converged fits: {message}"
        rows.append({"distribution": name, "loglik": float(fit.loglik), "df": int(fit.df),
                     "aic": float(fit.aic), "aicc": float(fit.aicc), "bic": float(fit.bic),
                     "converged": bool(fit.converged),
                     "parameters": {k: float(v) for k, v in fit.params.items()},
                     "message": message})
    table = pd.DataFrame(rows)
    usable = table["converged"] & np.isfinite(table["aic"].astype(float))
    best = table.loc[usable, "aic"].min() if usable.any() else np.nan
    table["delta_aic"] = table["aic"] - best
    relative = np.where(usable, np.exp(-0.5 * table["delta_aic"].fillna(np.inf)), 0.0)
    table["weight"] = relative / relative.sum() if relative.sum() > 0 else np.nan
    table["rank_key"] = np.where(usable, table["aic"], np.inf)
    table = table.sort_values(["rank_key", "distribution"], kind="stable").drop(columns="rank_key")
    table = table[COLUMNS].reset_index(drop=True)
    table["df"] = table["df"].astype("Int64")
    return table


def _warn_if_mixed(generators):
    """A UserWarning when the generators mix count and continuous families."""
    kinds = {bool(getattr(g, "discrete", False)) for g in generators if isinstance(g, type)}
    if len(kinds) > 1:
        counts = [label(g) for g in generators if getattr(g, "discrete", False)]
        warnings.warn(f"compare ranks count families ({', '.join(counts)}) against continuous "
                      "ones: a probability mass and a density are on different scales, so "
                      "their log-likelihoods and AICs do not compare", UserWarning, stacklevel=3)
