"""Model comparison: fit several families to one sample (or to each group) and rank them.

    fg.compare(x, ["weibull", "gamma", "lognormal"])                 # one sample
    fg.compare(df, column="hours", by="supplier", event="failed")     # one ranking per group
"""

import numbers
import warnings

import numpy as np
import pandas as pd

from .mle import resolve
from .fit import jobs
from .fit.common import check_level
from .pandas import (_attach, _check_frame, _observations, _one_censoring, attempt_fit, label,
                     life_columns, life_points)

DEFAULT_FAMILIES = ("weibull", "gamma", "lognormal")

CRITERIA = ("aic", "aicc", "bic")
COLUMNS = ["distribution", "loglik", "df", "aic", "aicc", "bic", "delta_aic", "weight",
           "converged"]


def compare(data, generators=DEFAULT_FAMILIES, *, column=None, by=None, censored=None,
            event=None, weights=None, criterion="aic", return_fits=False, quantiles=None,
            sf=None, level=0.95, gof=None, seed=None, progress=None, n_jobs=1, **fit_kwargs):
    """Fit each generator to `data` and rank the fits by `criterion` ("aic", "aicc", "bic").

    `data` is a sample (array or `IntervalData`), or a DataFrame with the sample in
    `column`; then `by` (a column or list of columns) ranks the families within each
    group, and `censored` (1 = censored), `event` (1 = observed event) and `weights`
    may name columns. `generators` holds generator classes or registry names.

    Returns a DataFrame, best first (within each group), with `distribution, loglik,
    df, aic, aicc, bic`, `delta_aic` (or `delta_aicc`, `delta_bic`: the criterion minus the
    group's best), `weight` (the
    Akaike weight, exp(-delta/2) normalized over the converged fits), `converged`,
    one column per parameter (its estimate; NaN for a family without it; a name that
    is also a column above gets the prefix "param_") and `message` (why a family
    failed). `.attrs["parameters"]` maps each family to its parameter columns and
    `.attrs["criterion"]` names the criterion. A family that fails on the data, or
    does not converge, ranks after every converged one with weight 0. Ranking a
    count (discrete) family against a continuous one warns: a probability mass and a
    density are not on one scale, so their AICs do not compare.
    `quantiles` and `sf` add each family's B-life and reliability columns with intervals
    at `level`, as in `fit_groups`. `gof=0` adds each fit's goodness-of-fit statistics
    (`ks`, `cvm`, `ad`; `chi2` and its `chi2_p` for a count family) and `gof=n` also their
    p-values from `n` parametric bootstrap refits (`ks_p`, `cvm_p`, `ad_p`, seeded by
    `seed`), as `fit.gof()`; a fit they do not apply to (interval-censored data) gets NaN
    and the reason in `message`. `return_fits=True` returns (table, fits): fits keyed
    by (group..., distribution), or by distribution alone without `by`; a failed fit is
    None (fit objects stay in the process that made them: return_fits needs n_jobs=1).
    `progress` and `n_jobs` are as in `femtograd.fit.jobs`: one task per (group, family); the
    table is the same for any n_jobs.
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {list(CRITERIA)}; got {criterion!r}")
    generators = [resolve(g) for g in generators]
    if not generators:
        raise ValueError("compare needs at least one distribution")
    _warn_if_mixed(generators)
    _one_censoring(censored, event)
    if return_fits and jobs.check_n_jobs(n_jobs) > 1:
        raise ValueError("return_fits=True needs n_jobs=1: fit objects do not leave the "
                         "worker process that made them")
    check_level(level)
    if gof is not None and (isinstance(gof, bool) or not isinstance(gof, numbers.Integral)
                            or gof < 0):
        raise ValueError(f"gof is a number of bootstrap refits (0: statistics only) or None; "
                         f"got {gof!r}")
    options = dict(fit_kwargs, censored=censored, event=event, weights=weights,
                   life=(life_points(quantiles, sf), level), gof=(gof, seed))
    run = dict(keep=return_fits, progress=progress, n_jobs=n_jobs)
    if isinstance(data, pd.DataFrame):
        table, fits = _compare_groups(data, generators, column, by, options, criterion, run)
    else:
        if column is not None or by is not None:
            raise TypeError("column= and by= name columns of a DataFrame; data is "
                            f"{type(data).__name__}")
        found = jobs.run(_family, [(g, data, options, return_fits) for g in generators],
                         n_jobs, progress)
        table, fits = _rank(found, criterion)
    return (table, fits) if return_fits else table


def _compare_groups(df, generators, column, by, options, criterion, run):
    """One ranking per group of `by` (the whole frame without it), key columns first."""
    _check_frame(df)
    if column is None:
        raise TypeError("compare(df, ...) needs column= naming the sample's column")
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    for role in ("censored", "event", "weights"):
        df, options[role] = _attach(df, options[role], role)
    groups = df.groupby(keys if len(keys) > 1 else keys[0], sort=True) if keys else [((), df)]
    tasks, labels = [], []
    for group, sub in groups:
        group = group if isinstance(group, tuple) else (group,)
        x, cens, w = _observations(sub, column, options["censored"], options["weights"],
                                   dropna=False, event=options["event"])
        sample = dict(options, censored=cens, event=None, weights=w)
        tasks += [(g, x, sample, run["keep"]) for g in generators]
        labels.append(group)
    found = jobs.run(_family, tasks, run["n_jobs"], run["progress"])
    tables, fits = [], {}
    for i, group in enumerate(labels):
        table, found_here = _rank(found[i * len(generators):(i + 1) * len(generators)],
                                  criterion)
        for position, (key, value) in enumerate(zip(keys, group)):
            table.insert(position, key, value)
        tables.append(table)
        fits.update({(*group, name) if keys else name: fit
                     for name, fit in found_here.items()})
    if not tables:
        raise ValueError("the DataFrame has no rows to compare")
    table = pd.concat(tables, ignore_index=True)
    table.attrs.update(tables[0].attrs)
    table.attrs["parameters"] = {k: v for t in tables for k, v in t.attrs["parameters"].items()}
    return table, fits


def _family(generator, data, options, keep):
    """One family's fit as (its table row, the fit if `keep` else None), for `_rank`."""
    name = label(generator)
    options = dict(options)
    life, level = options.pop("life")
    n_boot, seed = options.pop("gof")
    fit, _, message = attempt_fit(generator, data, options)
    columns, reasons = life_columns(fit, life, level)
    if n_boot is not None:
        more, reason = _gof_columns(fit, generator, n_boot, seed)
        columns.update(more)
        reasons += [reason] if reason else []
    message = "; ".join(([message] if message else []) + reasons)
    if fit is None:
        return {"distribution": name, "converged": False, "message": message,
                "<life>": list(columns), **columns}, None
    if not fit.converged:  # its criterion is not a maximum's: say why it ranks last
        message = f"not converged, so ranked after the converged fits: {message}"
    row = {"distribution": name, "loglik": float(fit.loglik), "df": int(fit.df),
           "aic": float(fit.aic), "aicc": float(fit.aicc), "bic": float(fit.bic),
           "converged": bool(fit.converged), "message": message,
           "<parameters>": list(fit.param_names), "<life>": list(columns),
           **{_param_column(k): float(v) for k, v in fit.params.items()}, **columns}
    return row, (fit if keep else None)


GOF_KEYS = {"Kolmogorov-Smirnov": "ks", "Cramer-von Mises": "cvm", "Anderson-Darling": "ad",
            "chi-square": "chi2"}


def _gof_columns(fit, generator, n_boot, seed):
    """({column: value}, reason or None): the fit's goodness-of-fit statistics (and their
    bootstrap p-values when n_boot > 0), NaN with the reason when they do not apply."""
    discrete = bool(getattr(generator, "discrete", False))
    keys = ["chi2"] if discrete else ["ks", "cvm", "ad"]
    names = keys + [f"{k}_p" for k in keys if discrete or n_boot]
    if fit is None:
        return dict.fromkeys(names, np.nan), None
    try:
        table = fit.gof(n_boot=int(n_boot), seed=seed).table
    except ValueError as err:  # data gof does not apply to (interval-censored rows)
        return dict.fromkeys(names, np.nan), f"gof: {err}"
    out = {}
    for test, row in table.iterrows():
        out[GOF_KEYS[test]] = float(row["statistic"])
        if f"{GOF_KEYS[test]}_p" in names:
            out[f"{GOF_KEYS[test]}_p"] = float(row["p_value"])
    return {k: out.get(k, np.nan) for k in names}, None


def _rank(found, criterion):
    """The ranking of one sample from its families' (row, fit): (table, {name: fit})."""
    rows = [row for row, _ in found]
    fits = {row["distribution"]: fit for row, fit in found}
    names = {row["distribution"]: row.pop("<parameters>") for row in rows
             if "<parameters>" in row}
    life = [row.pop("<life>") for row in rows][0]
    table = pd.DataFrame(rows)
    for name in COLUMNS:
        if name not in table:
            table[name] = np.nan
    score = table[criterion].astype(float)
    usable = table["converged"].astype(bool) & np.isfinite(score)
    best = score[usable].min() if usable.any() else np.nan
    delta = score - best
    relative = np.where(usable, np.exp(-0.5 * delta.fillna(np.inf)), 0.0)
    table["delta_aic"] = delta
    table["weight"] = relative / relative.sum() if relative.sum() > 0 else np.nan
    table["rank_key"] = np.where(usable, score, np.inf)
    table = table.sort_values(["rank_key", "distribution"], kind="stable")
    params = list(dict.fromkeys(_param_column(p) for ps in names.values() for p in ps))
    table = table[COLUMNS + params + life + ["message"]].reset_index(drop=True)
    table["df"] = table["df"].astype("Int64")
    table["message"] = table["message"].fillna("")
    table = table.rename(columns={"delta_aic": f"delta_{criterion}"})
    table.attrs.update(criterion=criterion,
                       parameters={k: [_param_column(p) for p in v] for k, v in names.items()})
    return table, fits


def _param_column(name):
    """A parameter's column: its name, unless a table column already has it."""
    return f"param_{name}" if name in COLUMNS + ["message"] else name


def _warn_if_mixed(generators):
    """A UserWarning when the generators mix count and continuous families."""
    kinds = {bool(getattr(g, "discrete", False)) for g in generators if isinstance(g, type)}
    if len(kinds) > 1:
        counts = [label(g) for g in generators if getattr(g, "discrete", False)]
        warnings.warn(f"compare ranks count families ({', '.join(counts)}) against continuous "
                      "ones: a probability mass and a density are on different scales, so "
                      "their log-likelihoods and AICs do not compare", UserWarning, stacklevel=3)
