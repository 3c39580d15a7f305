"""`femtograd regress`: a family's parameters on the covariates of a CSV file (`fg.regress`).

    femtograd regress FILE.csv --dist weibull --formula "week ~ fin + age"
                      [--param "shape=~ fin"] [--censored-column E | --event-column E]
                      [--censored-value running] [--weights-column W] [--entry-column A]
                      [--cov-type observed|opg|sandwich|cluster] [--cluster-column C]
                      [--level 0.95] [--option size=10] [--sep ;] [--dropna]
                      [--json] [--output coefficients.csv]

The formula gives the response and the terms of the family's location parameter (the scale
of a Weibull, the mean of a normal); `--param NAME=~ terms` puts another parameter on its
own terms (repeatable). Formulas need the `formula` extra. Prints the coefficient table
(estimate, SE, z, p, Wald interval on the link scale) with the fit's log-likelihood and
verdict; exit status 0 when the fit converged, 1 when it did not.
"""

import json
import warnings

from .cli import (NOT_CONVERGED, CommandError, check_level, json_number, model_options,
                  named_columns, read_frame, write_table)

COV_TYPES = ("observed", "opg", "sandwich", "cluster")


def add_parser(sub):
    """The `regress` subcommand of the command line's parser."""
    p = sub.add_parser("regress", help="put a distribution's parameters on covariates (formulas)")
    p.add_argument("file", help="a CSV file with a header row (- reads standard input)")
    p.add_argument("--dist", required=True, help="a distribution name (see `femtograd dists`)")
    p.add_argument("--formula", required=True, metavar='"Y ~ TERMS"',
                   help="the response and the location parameter's terms, e.g. 'week ~ fin + age'")
    p.add_argument("--param", action="append", metavar="NAME=~ TERMS",
                   help="another parameter on its own terms, e.g. 'shape=~ fin' (repeatable)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--censored-column", help="1/True marks a right-censored time")
    which.add_argument("--event-column", help="1/True marks an observed event, 0 a censored time")
    p.add_argument("--censored-value", metavar="TEXT",
                   help="the text that marks a censored row in the censored (or event) column")
    p.add_argument("--weights-column", help="frequency weights")
    p.add_argument("--entry-column", help="delayed entry: each row observed only beyond this age")
    p.add_argument("--cov-type", choices=COV_TYPES, default="observed",
                   help="covariance of the coefficients (default: observed information)")
    p.add_argument("--cluster-column", help="cluster ids, for --cov-type cluster")
    p.add_argument("--level", type=float, default=0.95, help="level of the Wald intervals")
    p.add_argument("--option", action="append", metavar="NAME=VALUE",
                   help="a model option, e.g. size=10 for binomial (repeatable)")
    p.add_argument("--sep", help="field separator (default: sniffed)")
    p.add_argument("--dropna", action="store_true",
                   help="drop rows with a missing value in a column the model uses")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--output", metavar="FILE.csv",
                   help="also write the coefficient table as CSV (- for standard output)")
    p.set_defaults(run=run)


def run(args):
    from .mle import resolve
    from .regression import regress
    generator = resolve(args.dist)
    check_level(args.level)
    params = _params(args.param)
    if (args.cov_type == "cluster") != (args.cluster_column is not None):
        raise CommandError("--cov-type cluster and --cluster-column go together")
    df = read_frame(args.file, args.sep, named_columns(args), args.censored_value,
                    args.censored_column, args.event_column, dropna=False)
    truncation = None if args.entry_column is None else (args.entry_column, float("inf"))
    with warnings.catch_warnings(record=True) as caught:  # printed as lines of the output
        warnings.simplefilter("always")
        try:
            fit = regress(generator, args.formula, df, params=params,
                          censored=args.censored_column, event=args.event_column,
                          weights=args.weights_column, truncation=truncation,
                          cluster=args.cluster_column, cov_type=args.cov_type,
                          dropna=args.dropna, options=model_options(args.option))
        except ValueError as err:
            raise CommandError(str(err).replace("pass dropna=True", "pass --dropna")) from None
        summary = fit.summary(args.level)
    said = list(dict.fromkeys(str(w.message) for w in caught))
    if args.output:
        table = summary.table.reset_index()
        table.insert(0, "distribution", args.dist)
        write_table(table.assign(cov_type=fit.cov_type, level=args.level), args.output)
    if args.json:
        print(json.dumps({**_record(args, params, fit, summary), "warnings": said}, indent=2,
                         default=json_number))
    else:
        print(summary)
        for text in said:
            print(f"warning: {text}")
    return 0 if fit.converged else NOT_CONVERGED


def _params(pairs):
    """--param shape=~ fin ... as {"shape": "~ fin"}."""
    out = {}
    for pair in pairs or ():
        name, sep, terms = pair.partition("=")
        if not sep or not name.strip() or "~" not in terms:
            raise CommandError(f"--param takes NAME=~ TERMS (e.g. 'shape=~ fin'); got {pair!r}")
        out[name.strip()] = terms.strip()
    return out


def _record(args, params, fit, summary):
    """The fit as plain data (`params` the parsed --param): one entry per coefficient, and the
    fit's numbers and verdict."""
    lower, upper = summary.table.columns[-2:]
    coefficients = [{"parameter": p, "term": t, "estimate": row["estimate"], "se": row["se"],
                     "z": row["z"], "p": row["p"], "lower": row[lower], "upper": row[upper]}
                    for (p, t), row in summary.table.iterrows()]
    return {"file": args.file, "distribution": args.dist, "formula": args.formula,
            "params": params, "links": {p: fit.links[p].name for p in fit.param_names},
            "coefficients": coefficients, "level": args.level, "cov_type": fit.cov_type,
            "loglik": fit.loglik, "aic": fit.aic, "bic": fit.bic, "nobs": fit.nobs,
            "df": int(fit.df), "converged": bool(fit.converged), "status": fit.status,
            "iterations": int(fit.iterations), "message": str(fit.message)}
