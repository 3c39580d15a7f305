"""The command line: fit a column of a CSV file, compare families, regress on covariates, list
the families, run the demo.

    femtograd fit FILE.csv (--column C | --interval-columns L,R) --dist weibull
                  [--censored-column E | --event-column E] [--censored-value running]
                  [--weights-column W] [--entry-column A] [--by G,...] [--sep ;]
                  [--ci wald|profile]
                  [--level 0.95] [--json] [--dropna] [--method newton|bfgs|gradient_ascent]
                  [--option size=10] [--quantile P,...] [--sf X,...] [--cdf X,...]
                  [--hazard X,...] [--output table.csv] [--plot fit.png]
    femtograd compare FILE.csv --column C [--dists weibull,gamma,lognormal | all] [--json]
    femtograd regress FILE.csv --dist weibull --formula "week ~ fin + age" [...]  (cli_regress.py)
    femtograd dists
    femtograd demo

A censoring column holds 1 (or True) for a censored time and 0 for an observed
failure; an event column (lifelines' convention) the reverse, 1 for an observed event.
Wald intervals are on each parameter's own scale (log for a positive parameter,
logit for a probability, natural for a real one), named under the table.
--quantile, --sf, --cdf and --hazard print, after the fit, the fitted distribution's
quantiles at the given probabilities (B10 life: --quantile 0.1) and its survival, CDF
and hazard at the given ages, each with a delta-method interval at --level
(fit.quantile, fit.sf, fit.cdf, fit.hazard). FILE may be - (standard input); the
separator is sniffed unless --sep names it. Exit status 0 when a fit converged, 1
when it did not (with --by: when any group's did not; for compare: when no family
did, in some group) — the results are still printed;
any error is one line on stderr and exit status 2 (3 for an internal error); no traceback.
"""

import argparse
import csv
import io
import json
import math
import sys
import warnings

import numpy as np


class CommandError(Exception):
    """A problem with what the user asked for: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors become one line too
        raise CommandError(f"{message} (see `{self.prog} --help`)")


# ---------------------------------------------------------------- reading the data

def _read_csv(path, sep=None):
    """The CSV at `path` ("-": standard input) as a DataFrame whose rows are numbered from 1
    (the data rows, header not counted), so that messages name the row a reader sees.
    `sep` None sniffs comma, semicolon, tab or bar from the first lines."""
    import pandas as pd
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8-sig").read()
    except FileNotFoundError:
        raise CommandError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise CommandError(f"{path} is a directory, not a CSV file") from None
    except UnicodeDecodeError as err:
        raise CommandError(f"cannot read {path} as CSV: {_one_line(err)}") from None
    sep = _separator(text, sep)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as err:
        raise CommandError(f"cannot read {path} as CSV: {_one_line(err)}") from None
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


SEPARATORS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}


def _separator(text, sep):
    """The field separator: as given (tab, comma, semicolon or one character), else sniffed."""
    if sep is not None:
        sep = SEPARATORS.get(sep, sep)
        if len(sep) != 1:
            raise CommandError(f"--sep takes one character (or tab, comma, semicolon); "
                               f"got {sep!r}")
        return sep
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:  # one column, or nothing to tell by
        return ","


def _frame(args):
    """The CSV as a DataFrame, every named column checked, a text censoring code turned to
    0/1 and rows with a missing value dropped if asked."""
    return read_frame(args.file, args.sep, named_columns(args), args.censored_value,
                      args.censored_column, args.event_column, args.dropna)


def read_frame(path, sep, named, censored_value, censored_column, event_column, dropna):
    """The CSV at `path` with every (role, column) of `named` checked to exist; the censored
    (or event) column coded 0/1 from `censored_value` (the text marking a censored row) when
    given; rows with a missing value in a named column dropped if `dropna`."""
    df = _read_csv(path, sep)
    for role, name in named:
        if name not in df.columns:
            raise CommandError(f"{role} {name!r} not in {path} "
                               f"(columns: {', '.join(map(str, df.columns))})")
    if censored_value is not None:
        name = censored_column or event_column
        if name is None:
            raise CommandError("--censored-value needs --censored-column (or --event-column)")
        raw = df[name]
        censored = raw.astype(str).str.strip() == censored_value
        if not censored.any():
            raise CommandError(f"--censored-value {censored_value!r} does not occur in "
                               f"column {name!r} (its values: "
                               f"{', '.join(map(repr, raw.dropna().unique()[:5]))})")
        coded = (censored if censored_column else ~censored).astype(float)
        df[name] = coded.where(raw.notna())
    if dropna:  # every named column at once, so that the arrays stay aligned
        df = df.dropna(subset=list(dict.fromkeys(name for _, name in named)))
    return df


COLUMN_OPTIONS = ("column", "censored_column", "event_column", "weights_column",
                  "entry_column", "cluster_column")  # each names one column
LIST_OPTIONS = ("by", "interval_columns")  # each names columns, comma-separated


def named_columns(args):
    """(role, column) for every column the subcommand's options (`args`) name, a role such as
    "weights column" read from its option."""
    named = [(option.replace("_", " "), getattr(args, option, None))
             for option in COLUMN_OPTIONS]
    named += [("by column" if option == "by" else "interval column", name)
              for option in LIST_OPTIONS for name in _list(getattr(args, option, None))]
    return [(role, name) for role, name in named if name is not None]


def check_level(level):
    """A CommandError unless `level` (--level) lies strictly between 0 and 1."""
    if not 0 < level < 1:
        raise CommandError(f"--level must be between 0 and 1; got {level}")


def _list(text):
    return [item.strip() for item in text.split(",") if item.strip()] if text else []


def _observations(args, df=None):
    """(data, censored, weights) from the CSV, validated with the DataFrame helpers' messages;
    an event column becomes the censoring mask (not an event); --interval-columns L,R give
    IntervalData (an empty L is left-censored, an empty R right-censored)."""
    from .pandas import _observations
    df = _frame(args) if df is None else df
    try:
        if args.interval_columns:
            return _interval_data(args, df), None, _weights(args, df)
        return _observations(df, args.column, args.censored_column, args.weights_column,
                             dropna=args.dropna, event=args.event_column)
    except ValueError as err:
        raise CommandError(str(err).replace("pass dropna=True", "pass --dropna")) from None


def _interval_data(args, df):
    from .distributions import IntervalData
    from .pandas import _numeric
    columns = _list(args.interval_columns)
    if len(columns) != 2:
        raise CommandError(f"--interval-columns takes two columns L,R; got "
                           f"{args.interval_columns!r}")
    if args.censored_column or args.event_column:
        raise CommandError("--interval-columns already say which rows are censored; leave "
                           "out --censored-column and --event-column")
    lower, upper = (_numeric(df, c, dropna=True, role="interval column").to_numpy(dtype=float)
                    for c in columns)
    return IntervalData(np.where(np.isnan(lower), -np.inf, lower),
                        np.where(np.isnan(upper), np.inf, upper))


def _entry(args, df):
    """{"truncation": (entry, inf)} for --entry-column (delayed entry: each row observed only
    beyond its entry age), else {}."""
    from .pandas import _numeric
    if args.entry_column is None:
        return {}
    entry = _numeric(df, args.entry_column, dropna=False, role="entry column")
    return {"truncation": (entry.to_numpy(dtype=float), np.inf)}


def _weights(args, df):
    from .pandas import _numeric
    if args.weights_column is None:
        return None
    return _numeric(df, args.weights_column, dropna=False, role="weights column").to_numpy(float)


def model_options(pairs):
    """--option size=10 --option ... as keyword arguments (numbers where they parse, true and
    false as booleans)."""
    out = {}
    for pair in pairs or ():
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--option takes NAME=VALUE; got {pair!r}")
        for convert in (int, float):
            try:
                value = convert(text)
                break
            except ValueError:
                value = text
        if text.strip().lower() in ("true", "false"):
            value = text.strip().lower() == "true"
        out[key.strip()] = value
    return out


def _fit_kwargs(censored, weights, method, options=None):
    kwargs = model_options(options)
    if censored is not None:
        kwargs["censored"] = censored
    if weights is not None:
        kwargs["weights"] = weights
    if method is not None:
        kwargs["method"] = method
    return kwargs


# ---------------------------------------------------------------- commands

NOT_CONVERGED = 1  # the exit status when no requested fit converged


def _fit(args):
    from .compare import label, resolve
    from .fit.summary import rows_text
    from .mle import fit_mle
    generator = resolve(args.dist)
    check_level(args.level)
    _check_data_options(args)
    if args.jobs != 1 and not args.by:
        raise CommandError("--jobs works with --by (one task per group)")
    requested = _requested_predictions(args, generator)  # bad values fail before the fit
    df = _frame(args)
    if args.by:
        return _fit_by(args, generator, df)
    x, censored, weights = _observations(args, df)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_mle(generator, x, **_fit_kwargs(censored, weights, args.method, args.option),
                      **_entry(args, df))
        interval = fit.confint(level=args.level, method=args.ci)
        predictions = {what: prediction_record(fit, what, points, args.level)
                       for what, points in requested.items()}
    result = fit_record(fit, interval, args.ci, args.level)
    result = {"file": args.file, "column": args.column or args.interval_columns,
              "distribution": label(generator), "censored": int(np.sum(fit.model.censored)),
              "rows": rows_text(fit.model), **result,
              "warnings": list(dict.fromkeys(str(w.message) for w in caught))}
    if predictions:
        result["predictions"] = predictions
    if args.output:
        frame = fit.to_frame(args.level, args.ci)
        frame.insert(0, "distribution", label(generator))
        write_table(_with_attrs(frame.reset_index()), args.output)
    if args.plot:
        _plot(args.plot, lambda: fit.plot_fit())
    if args.json:
        print(json.dumps(result, indent=2, default=json_number))
    else:
        print(_fit_text(result))
        for what, record in predictions.items():
            print()
            print(_prediction_text(what, record, args.level))
    return 0 if fit.converged else NOT_CONVERGED


def _check_data_options(args):
    if args.column is None and not args.interval_columns:
        raise CommandError("give the data as --column C or --interval-columns L,R")
    if args.column is not None and args.interval_columns:
        raise CommandError("give the data as --column or as --interval-columns, not both")
    if args.by and (args.interval_columns or args.entry_column):
        raise CommandError("--by works with --column (interval and entry columns are not "
                           "grouped)")


def _fit_by(args, generator, df):
    """One fit per group of --by: the tidy table of fit_groups, exit 1 if any did not
    converge."""
    from .pandas import fit_groups
    requested = [what for what in PREDICTIONS if getattr(args, what)]
    if requested or args.plot:
        raise CommandError(f"--{(requested or ['plot'])[0]} works on one fit; leave out --by")
    kwargs = dict(censored=args.censored_column, event=args.event_column,
                  weights=args.weights_column, dropna=args.dropna, level=args.level, ci=args.ci,
                  progress=args.progress, n_jobs=args.jobs,
                  **_fit_kwargs(None, None, args.method, args.option))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the table's message column says it per group
        table = fit_groups(df, _list(args.by), args.column, generator, **kwargs)
    if args.output:
        write_table(_with_attrs(table), args.output)
    if args.json:
        print(table.to_json(orient="records", indent=2))
    else:
        print(_groups_text(table, _list(args.by), args))
    return 0 if table["converged"].all() else NOT_CONVERGED


def _groups_text(table, keys, args):
    """fit --by in 80 columns: the estimates with their intervals, then one line per group
    with its criteria and convergence (and the reason when it did not converge)."""
    pct = f"{100 * args.level:g}%"
    rows = [(*keys, "parameter", "estimate", "se", f"{pct} lower", f"{pct} upper")]
    rows += [(*(str(r[k]) for k in keys), r["parameter"],
              *(_g(_num(r[c])) for c in ("estimate", "se", "lower", "upper")))
             for _, r in table.iterrows()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i <= len(keys) else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]
    by_scale = {}
    for _, r in table[table["scale"] != ""].drop_duplicates("parameter").iterrows():
        by_scale.setdefault(r["scale"], []).append(r["parameter"])
    lines.append(_interval_words({"ci": args.ci, "parameters": {
        name: {"scale": scale} for scale, names in by_scale.items() for name in names}}))
    for _, r in table.drop_duplicates(keys).iterrows():
        group = ", ".join(str(r[k]) for k in keys)
        lines.append(f"{group}: loglik {_g(_num(r['loglik']))}, AIC {_g(_num(r['aic']))}, "
                     f"AICc {_g(_num(r['aicc']))}, BIC {_g(_num(r['bic']))}, n {r['nobs']}, "
                     + ("converged" if r["converged"] else "NOT converged"))
        if r["message"]:
            lines.append(f"  {r['message']}")
    return "\n".join(lines)


def _with_attrs(table):
    """A tidy table with its attrs (interval method, level, scale, criterion) as columns, so
    that they survive a CSV file."""
    out = table.copy()
    for key, value in table.attrs.items():
        if isinstance(value, (str, int, float)) and key not in out:
            out[key] = value
    return out


def write_table(table, path):
    try:
        table.to_csv(sys.stdout if path == "-" else path, index=False)
    except OSError as err:
        raise CommandError(f"cannot write {path}: {_one_line(err)}") from None


def _plot(path, draw):
    """Draw with matplotlib's Agg backend and save to `path`."""
    try:
        import matplotlib
    except ImportError:
        raise CommandError("--plot needs matplotlib (pip install matplotlib)") from None
    matplotlib.use("Agg")
    ax = draw()
    try:
        ax.figure.savefig(path)
    except (OSError, ValueError) as err:
        raise CommandError(f"cannot save the plot to {path}: {_one_line(err)}") from None
    import matplotlib.pyplot as plt
    plt.close(ax.figure)


# what each prediction option asks of the fit, and the name of its points
PREDICTIONS = {"quantile": "p", "sf": "x", "cdf": "x", "hazard": "x"}


def _requested_predictions(args, generator):
    """{"quantile": [0.1, 0.5], "sf": [500.0], ...} from the options, in PREDICTIONS order,
    checked: numbers, probabilities strictly inside (0, 1), quantiles of a continuous family."""
    from .compare import label as label_of
    out = {}
    for what, label in PREDICTIONS.items():
        given = getattr(args, what)
        if not given:
            continue
        points = _numbers(what, given)
        if what == "quantile":
            if getattr(generator, "discrete", False):
                raise CommandError(f"--quantile needs a continuous distribution; "
                                   f"{label_of(generator)!r} is discrete "
                                   "(use --cdf at the counts instead)")
            outside = [p for p in points if not 0 < p < 1]
            if outside:
                raise CommandError(f"--quantile takes probabilities strictly between 0 and 1; "
                                   f"got {_g(outside[0])}")
        out[what] = points
    return out


def _numbers(what, given):
    """--sf 500,1000 --sf 2000 as [500.0, 1000.0, 2000.0]; anything but finite numbers fails."""
    points = []
    for text in given:
        for item in text.split(","):
            try:
                value = float(item)
            except ValueError:
                value = None
            if value is None or not math.isfinite(value):
                kind = "numbers" if value is None else "finite numbers"
                raise CommandError(f"--{what} takes comma-separated {kind}; got {item.strip()!r}"
                                   + (f" in {text!r}" if text.strip() != item.strip() else ""))
            points.append(value)
    return points


def prediction_record(fit, what, points, level=0.95):
    """fit.quantile(p) (or fit.sf(x), ...) as plain data: the scale of its interval and one
    {p or x, estimate, se, lower, upper} per point."""
    frame = getattr(fit, what)(points, level=level)
    label = PREDICTIONS[what]
    rows = [{label: _num(point), **{k: _num(row[k]) for k in ("estimate", "se", "lower", "upper")}}
            for point, (_, row) in zip(points, frame.iterrows())]
    return {"scale": frame.attrs["scale"], "values": rows}


def _prediction_text(what, record, level):
    label = PREDICTIONS[what]
    pct = f"{100 * level:g}%"
    rows = [(f"{what}({label})", "estimate", "se", f"{pct} lower", f"{pct} upper")]
    rows += [tuple(_g(v[k]) for k in (label, "estimate", "se", "lower", "upper"))
             for v in record["values"]]
    scale = "" if record["scale"] == "natural" else f" on the {record['scale']} scale"
    return "\n".join([*_table(rows), f"delta-method intervals{scale}"])


def _table(rows):
    """Rows of strings as aligned lines: the first column left, the others right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(row, widths))) for row in rows]


def fit_record(fit, interval, ci="wald", level=0.95):
    """A fit as plain data: estimates, SEs, interval, log-likelihood, AIC, convergence."""
    scales = interval.attrs["scale"]
    return {
        "parameters": {name: {"estimate": _num(fit.params[name]), "se": _num(fit.se[name]),
                              "lower": _num(interval.loc[name, "lower"]),
                              "upper": _num(interval.loc[name, "upper"]),
                              "scale": scales[name]}
                       for name in fit.params.index},
        "ci": ci, "level": level,
        "loglik": _num(fit.loglik), "aic": _num(fit.aic), "bic": _num(fit.bic),
        "nobs": _num(fit.nobs), "df": int(fit.df), "converged": bool(fit.converged),
        "iterations": int(fit.iterations), "method": str(fit.method),
        "message": str(fit.message),
    }


def _fit_text(r):
    header = f"{r['distribution']} fit to column {r['column']!r} of {r['file']}: {r['rows']}"
    pct = f"{100 * r['level']:g}%"
    rows = [("parameter", "estimate", "se", f"{pct} lower", f"{pct} upper")]
    rows += [(name, *(_g(p[k]) for k in ("estimate", "se", "lower", "upper")))
             for name, p in r["parameters"].items()]
    table = _table(rows)
    footer = [f"{_interval_words(r)}; log-likelihood {_g(r['loglik'])}, AIC {_g(r['aic'])}, "
              f"BIC {_g(r['bic'])}",
              f"converged: {'yes' if r['converged'] else 'NO'} ({r['method']}, "
              f"{r['iterations']} iterations)" + (f"; {r['message']}" if r["message"] and
                                                    not r["converged"] else "")]
    footer += [f"warning: {w}" for w in r["warnings"]]
    return "\n".join([header, *table, *footer])


def _interval_words(r):
    """"wald intervals (log scale for shape, scale)" or "profile intervals"."""
    if r["ci"] != "wald":
        return f"{r['ci']} intervals"
    by_scale = {}
    for name, p in r["parameters"].items():
        by_scale.setdefault(p["scale"], []).append(name)
    return "wald intervals (" + "; ".join(f"{s} scale for {', '.join(names)}"
                                           for s, names in by_scale.items()) + ")"


def _compare(args):
    from .compare import compare, resolve
    from .distributions import REGISTRY
    names = [d for d in (s.strip() for s in args.dists.split(",")) if d]
    if not names:
        raise CommandError("--dists names no distribution")
    if names == ["all"]:  # every continuous family: a count family's mass is not a density
        names = sorted(n for n, g in REGISTRY.items() if not getattr(g, "discrete", False))
    generators = [resolve(name) for name in names]  # unknown names fail before any fit
    _check_data_options(args)
    df = _frame(args)
    options = _fit_kwargs(None, None, args.method, args.option)
    if args.jobs != 1 and not args.by:
        raise CommandError("--jobs works with --by (one task per group)")
    if args.by:
        if args.plot:
            raise CommandError("--plot works on one sample; leave out --by")
        keys = _list(args.by)
        roles = dict(censored=args.censored_column, event=args.event_column,
                     weights=args.weights_column)
        if args.dropna:
            df = df.dropna(subset=keys + [args.column] + [c for c in roles.values() if c])
        table = compare(df, generators, column=args.column, by=keys, progress=args.progress,
                        n_jobs=args.jobs, **roles, **options)
        fits = {}  # --plot is refused with --by
    else:
        x, censored, weights = _observations(args, df)
        table, fits = compare(x, generators, return_fits=True, progress=args.progress,
                              **_fit_kwargs(censored, weights, args.method, args.option),
                              **_entry(args, df))
    if args.output:
        write_table(_with_attrs(table), args.output)
    if args.plot:
        drawn = [f for f in fits.values() if f is not None and f.converged]
        if not drawn:
            raise CommandError("--plot: no distribution converged, nothing to draw")
        _plot(args.plot, lambda: drawn[0].plot_probability(*drawn[1:]))
    if args.json:
        records = [{k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
                   for row in table.astype(object).where(table.notna(), None).to_dict("records")]
        for record in records:  # the estimates of the family's own parameters only
            for other in {c for cs in table.attrs["parameters"].values() for c in cs}:
                if other not in table.attrs["parameters"].get(record["distribution"], ()):
                    record.pop(other)
        print(json.dumps(records, indent=2, default=json_number))
        return _compare_status(table)
    if args.by:
        keys = _list(args.by)
        for group, sub in table.groupby(keys if len(keys) > 1 else keys[0], sort=True):
            group = group if isinstance(group, tuple) else (group,)
            print(", ".join(f"{k} {v}" for k, v in zip(keys, group)) + ":")
            print(_compare_text(sub.drop(columns=keys)))
            print()
    else:
        print(_compare_text(table))
    return _compare_status(table)


def _compare_text(table):
    """The ranking in 80 columns: the criteria, one row per family, then each family's
    estimates (and its message, if any) on lines of their own."""
    import pandas as pd
    rows = [("distribution", "df", "loglik", "AIC", "AICc", "BIC", "dAIC", "weight")]
    for _, r in table.iterrows():
        df = "" if pd.isna(r["df"]) else str(int(r["df"]))
        rows.append((r["distribution"], df, *(_g(_num(r[k])) for k in
                     ("loglik", "aic", "aicc", "bic", "delta_aic")), _g(_num(r["weight"]), 3)))
    lines = _table(rows)
    for _, r in table.iterrows():
        estimates = ", ".join(f"{k}={_g(r[k])}"
                              for k in table.attrs["parameters"].get(r["distribution"], ()))
        lines.append(f"{r['distribution']}: {estimates}" if estimates else r["distribution"] + ":")
        if r["message"]:
            lines.append(f"  {r['message']}")
    return "\n".join(lines)


def _compare_status(table):
    """0 when some family converged (in every group); otherwise a line on stderr and
    NOT_CONVERGED."""
    keys = list(table.columns[:list(table.columns).index("distribution")])
    if keys and table.groupby(keys)["converged"].any().all():
        return 0
    if not keys and table["converged"].any():
        return 0
    print("femtograd: no distribution converged; the table ranks none of them",
          file=sys.stderr)
    return NOT_CONVERGED


def _dists(args):
    from .distributions import COMBINATORS, NAMES
    rows = [(name, gen.__name__, ", ".join(gen.param_names) + _option_note(gen))
            for name, gen in sorted(NAMES.items())]
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    for name, cls, params in rows:
        print(f"{name.ljust(width[0])}  {cls.ljust(width[1])}  {params}")
    print("\nModels built from families, from Python (femtograd.distributions):")
    for usage in COMBINATORS.values():
        print(f"  {usage}")
    return 0


def _option_note(generator):
    """'  (option: size)' for a generator whose constructor takes model options."""
    import inspect
    try:
        signature = inspect.signature(generator._init_options)
    except (AttributeError, TypeError, ValueError):
        return ""
    names = [p.name for p in signature.parameters.values()
             if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"]
    return f"  (option: {', '.join(f'--option {n}=...' for n in names)})" if names else ""


def _demo(args):
    from . import vignette
    from .distributions import ExpLogLik
    from .mle import fit_mle
    vignette.run(seed=args.seed)
    print("\nThe same sample fitted by fit_mle (Newton, exact Hessian):\n")
    print(fit_mle(ExpLogLik, vignette.draw(seed=args.seed)).summary())
    return 0


# ---------------------------------------------------------------- plumbing

def build_parser():
    parser = _Parser(prog="femtograd", description="Maximum-likelihood fits with exact derivatives.")
    from . import __version__
    parser.add_argument("--version", action="version", version=f"femtograd {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def data_options(p):
        p.add_argument("file", help="a CSV file with a header row (- reads standard input)")
        p.add_argument("--column", help="the column of observations")
        p.add_argument("--interval-columns", metavar="L,R",
                       help="interval-censored data: lower and upper bounds (empty L: "
                            "left-censored, empty R: right-censored, L = R: exact)")
        which = p.add_mutually_exclusive_group()
        which.add_argument("--censored-column", help="1/True marks a right-censored time")
        which.add_argument("--event-column",
                           help="1/True marks an observed event, 0 a right-censored time")
        p.add_argument("--censored-value", metavar="TEXT",
                       help="the text that marks a censored row (e.g. running) in the "
                            "censored (or event) column; any other value is a failure")
        p.add_argument("--weights-column", help="frequency weights")
        p.add_argument("--entry-column",
                       help="delayed entry: each row is observed only beyond this age "
                            "(left truncation)")
        p.add_argument("--by", metavar="COL,...", help="fit each group of these columns")
        p.add_argument("--sep", help="field separator (default: sniffed; tab, semicolon, ...)")
        p.add_argument("--dropna", action="store_true", help="drop rows with missing values")
        p.add_argument("--method", help="optimizer (newton, bfgs, gradient_ascent)")
        p.add_argument("--option", action="append", metavar="NAME=VALUE",
                       help="a model option, e.g. size=10 for binomial (repeatable)")
        p.add_argument("--output", metavar="FILE.csv",
                       help="also write the table as CSV, its interval method and level as "
                            "columns (- for standard output)")
        p.add_argument("--plot", metavar="FILE.png",
                       help="draw the fit (fit) or a probability plot of the fits (compare); "
                            "needs matplotlib")
        p.add_argument("--json", action="store_true", help="print JSON instead of a table")
        p.add_argument("--progress", action="store_true",
                       help="a progress bar on standard error (when it is a terminal)")
        p.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="with --by: fit the groups in N worker processes")

    fit = sub.add_parser("fit", help="fit one distribution to a column of a CSV file")
    data_options(fit)
    fit.add_argument("--dist", required=True, help="a distribution name (see `femtograd dists`)")
    fit.add_argument("--ci", choices=("wald", "profile"), default="wald")
    fit.add_argument("--level", type=float, default=0.95,
                     help="confidence level of every interval (default 0.95)")
    for what, (metavar, text) in {
            "quantile": ("P,...", "quantiles at these probabilities (B10 life: 0.1)"),
            "sf": ("X,...", "survival probability S(x) at these values"),
            "cdf": ("X,...", "F(x) at these values"),
            "hazard": ("X,...", "hazard h(x) at these values")}.items():
        fit.add_argument(f"--{what}", action="append", metavar=metavar,
                         help=f"{text}, with delta-method intervals (comma-separated; repeatable)")
    fit.set_defaults(run=_fit)

    comp = sub.add_parser("compare", help="fit several distributions and rank them by AIC")
    data_options(comp)
    comp.add_argument("--dists", default="weibull,gamma,lognormal",
                      help="comma-separated distribution names, or all (every continuous one)")
    comp.set_defaults(run=_compare)

    dists = sub.add_parser("dists", help="list the distributions and their parameters")
    dists.set_defaults(run=_dists)

    from .cli_regress import add_parser as add_regress
    add_regress(sub)

    demo = sub.add_parser("demo", help="the exponential-rate vignette, printed")
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None):
    """Run one command; return the exit status (0 on success, 2 on an error, 3 on a bug)."""
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except BrokenPipeError:  # `femtograd dists | head`
        return 0
    except (CommandError, ValueError, TypeError, ArithmeticError, OSError) as err:
        print(f"femtograd: error: {_one_line(err)}", file=sys.stderr)
        return 2
    except Exception as err:  # a bug: still one line, but say what kind
        print(f"femtograd: internal error: {type(err).__name__}: {_one_line(err)}", file=sys.stderr)
        return 3


def _one_line(err):
    text = " ".join(str(err).split())
    return text or type(err).__name__


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def json_number(v):
    try:
        return _num(v)
    except (TypeError, ValueError):
        return str(v)


def _g(v, digits=6):
    return "nan" if v is None else f"{v:.{digits}g}"


if __name__ == "__main__":
    sys.exit(main())
