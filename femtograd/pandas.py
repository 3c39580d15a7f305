"""DataFrames in, tidy tables out: one fit per column, or one per group.

Both functions return one row per (column or group, parameter) with the columns
`parameter, estimate, se, lower, upper, scale, loglik, df, aic, aicc, bic, nobs,
converged, message` (`scale`: the scale of the Wald interval, each parameter's own
by default: log for positive, logit for unit, natural for real; "profile" for a
profile interval), led by `column` (for `fit_columns`) or the `by` column(s) (for
`fit_groups`), then `distribution` when several families are given. `nobs` is an
integer when every fit's weights are whole counts. The table's `attrs` record the
interval: `ci` (wald or profile), `level` and `scale` (the scale asked for, "own"
by default).
Data problems the user can fix (an unknown, non-numeric or incomplete column)
raise at once; a fit that fails on its own data (values outside the support, an
optimizer that does not converge) does not sink the others: its rows carry
`converged=False` and the reason in `message`.
"""

import warnings

import numpy as np
import pandas as pd

from .fit import jobs
from .fit import FIT_ERRORS
from .fit.common import check_level
from .fit.intervals import check_interval
from .mle import fit_mle, function_param_names, resolve

RESULT_COLUMNS = ["parameter", "estimate", "se", "lower", "upper", "scale", "loglik", "df",
                  "aic", "aicc", "bic", "nobs", "converged", "message"]


def fit_columns(df, generator, columns=None, *, censored=None, event=None, weights=None,
                dropna=False, level=0.95, ci="wald", scale=None, quantiles=None, sf=None,
                progress=None, n_jobs=1, **fit_kwargs):
    """Fit `generator` to each column of `df`; a tidy table, one row per (column, parameter).

    `generator` is a generator class, a plain log-likelihood function or a registry name
    ("weibull"), or a list of them (one fit per column and family, named in `distribution`).
    `columns` defaults to every column except those named by `censored`/`event`/`weights`.
    `censored` (1 = censored) or `event` (1 = observed event), and `weights`, may name a
    column of `df` (used for every fitted column) or be arrays. `ci` and `level` choose the
    interval in `lower`/`upper` (Wald on each parameter's own scale, named in the `scale`
    column; scale="natural" for est ± z·se); other keywords go to `fit_mle`.
    `quantiles=[0.1]` and `sf=[1000]` add, per fit, the fitted quantile (B10 life) and
    survival probability with delta-method intervals at `level`: columns `q0.1`,
    `q0.1_lower`, `q0.1_upper`, `sf1000`, `sf1000_lower`, `sf1000_upper`.
    `progress` (True: a bar on a terminal; a callable gets (done, total)) and `n_jobs`
    (worker processes; the table is the same for any n_jobs) are as in `femtograd.fit.jobs`.
    """
    _check_frame(df)
    _one_censoring(censored, event)
    check_level(level)
    check_interval(ci, scale)
    roles = [c for c in (censored, event, weights) if isinstance(c, str)]
    if columns is None:
        columns = [c for c in df.columns if c not in roles]
    elif isinstance(columns, str):
        columns = [columns]
    if not len(columns):
        raise ValueError("no columns to fit")
    asked = families(generator)
    interval = dict(level=level, method=ci, scale=scale)
    fit_kwargs = dict(fit_kwargs, life=life_points(quantiles, sf))
    tasks = []
    for name in columns:
        x, cens, w = _observations(df, name, censored, weights, dropna, event)
        tasks += _family_tasks(asked, x, cens, w, interval, fit_kwargs, {"column": name})
    return _combine(_run(tasks, asked, progress, n_jobs), "columns", interval)


def fit_groups(df, by, column, generator, censored=None, weights=None, *, event=None,
               dropna=False, level=0.95, ci="wald", scale=None, quantiles=None, sf=None,
               progress=None, n_jobs=1, **fit_kwargs):
    """Fit `generator` to `column` within each group of `by`; one row per (group, parameter).

    `generator` is as in `fit_columns`: one family or a list of them.
    `by` is a column name or a list of them. `censored` (1 = censored) or `event`
    (1 = observed event), and `weights`, may name columns of `df`. A group whose fit
    fails gets rows with `converged=False` and the reason in `message`; the other
    groups are unaffected. `level`, `ci` and `scale` choose the interval as in
    `fit_columns`, and so are `quantiles`, `sf`, `progress` and `n_jobs`.
    """
    _check_frame(df)
    _one_censoring(censored, event)
    check_level(level)
    check_interval(ci, scale)
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("by must name at least one column")
    for key in keys:
        _require_column(df, key, "by")
    df, censored = _attach(df, censored, "censored")
    df, event = _attach(df, event, "event")
    df, weights = _attach(df, weights, "weights")
    used = keys + [c for c in (column, censored, event, weights) if isinstance(c, str)]
    if dropna:
        df = df.dropna(subset=used)
    for key in keys:
        missing = int(df[key].isna().sum())
        if missing:
            raise ValueError(f"by column {key!r} has {missing} missing value(s); "
                             "pass dropna=True to drop those rows")
    for name in (column, censored, event, weights):
        if isinstance(name, str):
            _numeric(df, name, dropna=False)  # validate on the whole frame, before grouping
    asked = families(generator)
    interval = dict(level=level, method=ci, scale=scale)
    fit_kwargs = dict(fit_kwargs, life=life_points(quantiles, sf))
    tasks = []
    for group, sub in df.groupby(keys if len(keys) > 1 else keys[0], sort=True):
        group = group if isinstance(group, tuple) else (group,)
        x, cens, w = _observations(sub, column, censored, weights, dropna=False, event=event)
        tasks += _family_tasks(asked, x, cens, w, interval, fit_kwargs, dict(zip(keys, group)))
    if not tasks:
        raise ValueError("the DataFrame has no rows to group")
    return _combine(_run(tasks, asked, progress, n_jobs), "groups", interval)


def families(generator):
    """One generator, or several (a list or tuple), each a class, function or registry name:
    (the generators, whether several were asked for)."""
    if isinstance(generator, (list, tuple)):
        if not generator:
            raise ValueError("no distributions to fit: the list is empty")
        return [resolve(g) for g in generator], True
    return [resolve(generator)], False


def _family_tasks(families, x, censored, weights, interval, fit_kwargs, keys):
    """(keys, arguments of _fit_rows) for each generator of `families` (as returned by
    `families()`)."""
    return [(keys, (generator, x, censored, weights, interval, fit_kwargs))
            for generator in families[0]]


def _run(tasks, families, progress, n_jobs):
    """The tidy rows of every task, in order, led by its key columns (and `distribution`
    when several families were asked for)."""
    parts = jobs.run(_fit_rows, [args for _, args in tasks], n_jobs, progress)
    for (keys, args), rows in zip(tasks, parts):
        if families[1]:
            rows.insert(0, "distribution", label(args[0]))
        for position, (key, value) in enumerate(keys.items()):
            rows.insert(position, key, value)
    return parts


def label(generator):
    """The name a table shows for a generator: its registry name, else its own name."""
    return getattr(generator, "name", None) or getattr(generator, "__name__", repr(generator))


def _combine(parts, what, interval):
    """One table from the per-fit rows, its interval recorded in `attrs`; a warning if any fit
    failed or did not converge."""
    failed = sum(not rows["converged"].iloc[0] for rows in parts)
    if failed:
        warnings.warn(f"{failed} of {len(parts)} {what} failed or did not converge; "
                      "see the message column", UserWarning, stacklevel=3)
    return describe(pd.concat(parts, ignore_index=True), interval)


def describe(table, interval):
    """Record the interval of a tidy table in its `attrs`: ci, level and scale."""
    table.attrs.update(ci=interval["method"], level=float(interval["level"]),
                       scale=interval["scale"] or "own")
    return table


def _attach(df, values, role):
    """An array given per row becomes a (hidden) column, so that grouping splits it too."""
    if values is None or isinstance(values, str):
        return df, values
    values = np.asarray(values)
    if values.shape != (len(df),):
        raise ValueError(f"{role} must name a column or hold one value per row ({len(df)}); "
                         f"got shape {values.shape}")
    name = f"<{role}>"
    return df.assign(**{name: values}), name


def _check_frame(df):
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame; got {type(df).__name__}")


def _require_column(df, name, role="column"):
    if name not in df.columns:
        known = ", ".join(map(str, df.columns))
        raise ValueError(f"{role} {name!r} is not a column of the DataFrame (columns: {known})")


def _numeric(df, name, dropna, role="column"):
    """The column as a float array: non-numeric is a TypeError, missing values a ValueError."""
    _require_column(df, name, role)
    series = df[name]
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        raise TypeError(f"{role} {name!r} is not numeric ({_first_non_number(series)})")
    missing = int(series.isna().sum())
    if missing and not dropna:
        raise ValueError(f"{role} {name!r} has {missing} missing value(s) of {len(series)}; "
                         "pass dropna=True to drop those rows")
    return series


def _first_non_number(series):
    """Where a column stops being numbers: "row 3 holds '7h'" (the row's index label)."""
    values = series.dropna()
    bad = pd.to_numeric(values, errors="coerce").isna() if len(values) else values
    if not bad.any():
        return f"dtype {series.dtype}"
    first = bad.idxmax()
    first = first.item() if hasattr(first, "item") else first  # a numpy scalar label, plain
    count = int(bad.sum())
    more = f", and {count - 1} other row(s)" if count > 1 else ""
    return f"row {first!r} holds {values[first]!r}{more}"


def _one_censoring(censored, event):
    if censored is not None and event is not None:
        raise TypeError("give right censoring either as censored= (1 = censored) or as event= "
                        "(1 = observed event), not both")


def _observations(df, column, censored, weights, dropna, event=None):
    """(x, censored, weights) as numpy arrays, rows with a missing value dropped if asked.

    `censored`/`event`/`weights` name columns of `df`, or are arrays with one entry per
    row; an event indicator (1 = observed event) is returned as the censoring mask.
    """
    _one_censoring(censored, event)
    role, given = ("event", event) if event is not None else ("censored", censored)
    x = _numeric(df, column, dropna)
    cens = _numeric(df, given, dropna, f"{role} column") if isinstance(given, str) else None
    w = _numeric(df, weights, dropna, "weights column") if isinstance(weights, str) else None
    keep = x.notna()
    for s in (cens, w):
        if s is not None:
            keep &= s.notna()
    keep = keep.to_numpy()
    if cens is not None:
        cens = _as_mask(_floats(cens)[keep], f"{role} column {given!r}", role)
    else:
        cens = _rows(given, keep)
        if role == "event":  # as an array: checked here, since it is turned over
            cens = _as_mask(np.asarray(cens, dtype=float), "event array", role)
    if role == "event":
        cens = ~cens
    w = _floats(w)[keep] if w is not None else _rows(weights, keep)
    return _floats(x)[keep], cens, w


def _floats(series):
    return series.to_numpy(dtype=float, na_value=np.nan)


def _rows(values, keep):
    """An array given per row of the frame, cut to the rows kept; None stays None."""
    if values is None or keep.all():
        return values
    values = np.asarray(values)
    if len(values) != len(keep):
        raise ValueError(f"expected one value per row of the DataFrame ({len(keep)}); got {len(values)}")
    return values[keep]


def _as_mask(values, what, role="censored"):
    """0/1 or True/False values as a boolean mask (True = censored, or for an event
    indicator True = observed event); `what` names them in the error."""
    bad = ~np.isin(values, (0, 1))
    if bad.any():
        meaning = "1 = censored" if role == "censored" else "1 = observed event"
        raise ValueError(f"{what} must hold 0/1 or True/False ({meaning}); found "
                         f"{values[bad][0]!r}")
    return values.astype(bool)


def fit_message(fit, caught):
    """What a table's `message` says of a fit: why it did not converge, then the warnings
    `caught` while fitting, each once, joined by "; "."""
    notes = [str(fit.message)] if not fit.converged and fit.message else []
    notes += [str(w.message) for w in caught]
    return "; ".join(dict.fromkeys(notes))


def error_message(err):
    """What a table's `message` says of a fit that raised `err`."""
    return f"{type(err).__name__}: {err}"


def param_names_of(generator):
    """Parameter names of a generator class, or of a plain function f(p1, ..., data)."""
    names = getattr(generator, "param_names", None)
    return list(names if names is not None else function_param_names(generator))


def attempt_fit(generator, data, fit_kwargs, interval=None):
    """fit_mle(generator, data, **fit_kwargs), then fit.confint(**interval) if asked, with the
    warnings recorded: (fit, confint or None, message); (None, None, reason) if either raised
    one of FIT_ERRORS. What a table says of one fit, for fit_columns, fit_groups and compare."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = fit_mle(generator, data, **fit_kwargs)
            confint = fit.confint(**interval) if interval is not None else None
        except FIT_ERRORS as err:
            return None, None, error_message(err)
    return fit, confint, fit_message(fit, caught)


def _count(nobs, weights):
    """nobs as an integer when the weights are whole counts (or absent), else a float."""
    whole = float(nobs).is_integer() and (
        weights is None or bool(np.all(np.mod(np.asarray(weights, dtype=float), 1) == 0)))
    return np.int64(round(nobs)) if whole else float(nobs)


def life_points(quantiles, sf):
    """{"quantile": [...], "sf": [...]} from `quantiles=` and `sf=`, checked."""
    life = {}
    for what, points in (("quantile", quantiles), ("sf", sf)):
        if points is None:
            continue
        points = [float(v) for v in np.atleast_1d(np.asarray(points, dtype=float))]
        if not all(np.isfinite(points)):
            raise ValueError(f"{what} points must be finite numbers; got {points}")
        if what == "quantile" and not all(0 < p < 1 for p in points):
            raise ValueError(f"quantiles must lie strictly between 0 and 1; got {points}")
        life[what] = points
    return life


def life_columns(fit, life, level):
    """The `life` columns of one fit ({} when none asked): estimate, lower and upper of each
    quantile and survival probability; NaN (and the reason) when the fit cannot give them."""
    out, reasons = {}, []
    for what, points in life.items():
        prefix = "q" if what == "quantile" else "sf"
        try:
            frame = getattr(fit, what)(points, level=level).to_numpy(dtype=float) \
                if fit is not None else np.full((len(points), 4), np.nan)
        except (*FIT_ERRORS, TypeError) as err:  # TypeError: a quantile of a count family
            reasons.append(error_message(err))
            frame = np.full((len(points), 4), np.nan)
        for point, (estimate, _, lower, upper) in zip(points, frame[:, :4]):
            out.update({f"{prefix}{point:g}": estimate, f"{prefix}{point:g}_lower": lower,
                        f"{prefix}{point:g}_upper": upper})
    return out, reasons


def _fit_rows(generator, x, censored, weights, interval, fit_kwargs):
    """One fit as tidy rows, with the confint(**interval) and any life columns; a failure as
    rows of NaN with converged=False and the reason."""
    fit_kwargs = dict(fit_kwargs)
    life = fit_kwargs.pop("life", {})
    rows = _parameter_rows(generator, x, censored, weights, interval, fit_kwargs)
    fit, message = rows.attrs.pop("fit"), rows["message"].iloc[0]
    columns, reasons = life_columns(fit, life, interval["level"])
    for name, value in columns.items():
        rows.insert(len(rows.columns) - 3, name, value)
    if reasons:
        rows["message"] = "; ".join(([message] if message else []) + reasons)
    return rows


def _parameter_rows(generator, x, censored, weights, interval, fit_kwargs):
    """One fit as tidy rows, the fit (or None) in `.attrs["fit"]`."""
    fit, interval, message = attempt_fit(generator, x,
                                         dict(fit_kwargs, censored=censored, weights=weights),
                                         interval)
    if fit is None:
        names = param_names_of(generator)
        nan = np.full(len(names), np.nan)
        nobs = float(np.sum(weights)) if weights is not None else float(len(x))
        return pd.DataFrame({
            "parameter": names, "estimate": nan, "se": nan, "lower": nan, "upper": nan,
            "scale": "", "loglik": nan, "aic": nan, "aicc": nan, "bic": nan,
            "df": len(names) - len(fit_kwargs.get("fixed") or {}),
            "nobs": [_count(nobs, weights)] * len(names),
            "converged": np.zeros(len(names), bool),
            "message": [message] * len(names)}, columns=RESULT_COLUMNS).pipe(_holding, None)
    names = list(fit.params.index)
    return pd.DataFrame({
        "parameter": names,
        "estimate": fit.params.to_numpy(dtype=float),
        "se": fit.se.reindex(names).to_numpy(dtype=float),
        "lower": interval["lower"].reindex(names).to_numpy(dtype=float),
        "upper": interval["upper"].reindex(names).to_numpy(dtype=float),
        "scale": [interval.attrs["scale"][n] for n in names],
        "loglik": float(fit.loglik), "df": int(fit.df), "aic": float(fit.aic),
        "aicc": float(fit.aicc), "bic": float(fit.bic), "nobs": _count(fit.nobs, weights),
        "converged": bool(fit.converged), "message": message,
    }, columns=RESULT_COLUMNS).pipe(_holding, fit)


def _holding(rows, fit):
    rows.attrs["fit"] = fit
    return rows
