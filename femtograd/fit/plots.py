"""Plots of a fit: profile log-likelihood, Q-Q, P-P, and data against the fitted model.

Every fitted curve comes from the fit's public predictions (`fit.cdf`, `fit.sf`,
`fit.pdf`, `fit.quantile`), so it is the distribution the data were drawn from
(truncated when the fit is) and carries its delta-method band. The data side is
nonparametric (`femtograd.fit.nonparametric`): plotting positions or Kaplan–Meier for
exact and right-censored rows, Turnbull's NPMLE when any row is left- or
interval-censored, so every plot works for every censoring layout.

Needs the optional extra `femtograd[plot]` (matplotlib); importing femtograd never
imports matplotlib. Each function draws on `ax` (a new figure when None), takes
`label=` and `color=` for the fitted curve and `name=` for the data (title and axis
label), and returns the Axes, so `plot_fit(fit).figure.savefig("fit.png")` works. Drawn
onto Axes that already have a title or axis labels (an overlay), a plot keeps them and
adds only its lines and legend entries.
"""

import numpy as np

from ..core.lazy import stats
from .common import check_level, fitted_model
from .nonparametric import kaplan_meier, plotting_positions, turnbull
from .summary import fit_rows_text

FAMILY_NAMES = {"exp": "Exponential", "weibull": "Weibull", "lognormal": "Lognormal",
                "normal": "Normal", "gumbel": "Gumbel", "loglogistic": "Log-logistic",
                "logistic": "Logistic", "gamma": "Gamma", "poisson": "Poisson",
                "negbinomial": "Negative binomial", "studentt": "Student t",
                "inversegaussian": "Inverse Gaussian"}
TITLE_WIDTH = 60    # characters on a title's line: a default figure's width at the default font
MAX_POINTS = 2000   # markers drawn at most (evenly spaced ranks): a million rows stay quick


def pyplot():
    """matplotlib.pyplot, or an ImportError naming the extra that provides it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError("femtograd's plots need matplotlib: "
                          "pip install 'femtograd[plot]'") from err
    return plt


def axes(ax):
    """`ax`, or the Axes of a new figure."""
    return pyplot().subplots()[1] if ax is None else ax


def family_name(fit):
    """The fitted family as a title names it ("Weibull")."""
    name = getattr(type(fit.model), "name", None) or type(fit.model).__name__
    return FAMILY_NAMES.get(name, name)


def label_axes(ax, title, xlabel, ylabel):
    """Set the title and axis labels that `ax` does not have yet: an overlay keeps the words
    of the picture it is drawn onto."""
    for get, put, text in ((ax.get_title, ax.set_title, title),
                           (ax.get_xlabel, ax.set_xlabel, xlabel),
                           (ax.get_ylabel, ax.set_ylabel, ylabel)):
        if not get():
            put(text)


def reference_line(ax, at):
    """The line y = x across the whole view, drawn once however many plots share `ax`; it
    passes through (at, at), a point of the data, so it widens no limits."""
    if not any(ln.get_label() == "y = x" for ln in ax.get_lines()):
        ax.axline((at, at), slope=1, color="C1", linewidth=1, label="y = x")


def wrap_list(text, width=TITLE_WIDTH):
    """A comma-separated list on lines of at most `width` characters, broken only after a
    comma, so that "5 left-censored" stays one phrase."""
    lines = []
    for part in text.split(", "):
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += f", {part}"
        else:
            lines[-1:] = [f"{lines[-1]},", part] if lines else [part]
    return "\n".join(lines)


def fit_label(fit):
    """"Weibull (shape=1.523, scale=98.31)": a legend entry for a fitted curve."""
    est = ", ".join(f"{n}={v:.4g}" for n, v in zip(fit.param_names, fit.mle))
    return f"{family_name(fit)} ({est})"


def thin(n, max_points=MAX_POINTS):
    """Indices of at most `max_points` of n sorted points, evenly spaced, both ends kept."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


# ---------------------------------------------------------------- the data behind a fit

def rows(fit, what):
    """(lower, upper, weights) of a generator fit's rows; a clear error for a plain function."""
    model = fitted_model(fit, what, "plot_profile() is the plot a plain function has")
    return (np.asarray(model.lower, float), np.asarray(model.upper, float),
            np.asarray(model.weights, float))


def is_interval(lower, upper):
    """Does any row carry more than a time and a right-censoring flag?"""
    return bool(np.any((lower != upper) & ~np.isposinf(upper)))


def positions(fit, method, what, default="johnson"):
    """(t, F) plotting positions of a fit's data, one per distinct failure time: `method` of
    `plotting_positions` (None: `default`) for exact and right-censored rows, or "turnbull",
    the only choice (and the default) when some rows are left- or interval-censored:
    Turnbull's NPMLE midway across each drop, placed at the right end of the interval
    that carries it."""
    lower, upper, w = rows(fit, what)
    if is_interval(lower, upper) and method not in (None, "turnbull"):
        raise ValueError(f"{what}: plotting positions {method!r} need exact or right-"
                         "censored rows; this fit has left- or interval-censored rows, "
                         "whose positions come from Turnbull's NPMLE (method='turnbull')")
    if method == "turnbull" or is_interval(lower, upper):
        est = turnbull(lower, upper, w)
        before = np.r_[1.0, est.survival[:-1]]
        keep = (before - est.survival > 1e-9) & np.isfinite(est.time)
        return est.time[keep], 1.0 - (before + est.survival)[keep] / 2
    return plotting_positions(lower, lower != upper, w, method or default)


# ---------------------------------------------------------------- the plots

def plot_profile(fit, param, level=0.95, ax=None, points=41, label=None, color=None):
    """Profile log-likelihood of `param`, with the profile interval at `level` marked."""
    names = list(fit.param_names)
    if param not in names:
        raise ValueError(f"unknown parameter {param!r}; the fit has {names}")
    if param in fit.fixed:
        raise ValueError(f"{param!r} is fixed at {fit.fixed[param]:g} in this fit: nothing to profile")
    check_level(level)
    lo, hi = map(float, fit._profiler(names.index(param)).interval(level))  # this one only
    estimate = float(fit.params[param])
    pad_lo = (estimate - lo) * 0.5 if np.isfinite(lo) else 2 * float(fit.se[param])
    pad_hi = (hi - estimate) * 0.5 if np.isfinite(hi) else 2 * float(fit.se[param])
    start = lo - pad_lo if np.isfinite(lo) else estimate - 2 * pad_lo
    stop = hi + pad_hi if np.isfinite(hi) else estimate + 2 * pad_hi
    grid = np.linspace(start, stop, points)
    if fit.constraints[names.index(param)] == "positive":
        grid = grid[grid > 0]
    grid = np.union1d(grid, [estimate])
    # walk outward from the MLE, so that each point warm-starts from its neighbour
    centre = int(np.searchsorted(grid, estimate))
    curve = np.empty(grid.size)
    for k in [*range(centre, grid.size), *range(centre - 1, -1, -1)]:
        curve[k] = fit.profile_loglik(param, grid[k])
    cut = fit.loglik - stats.chi2.ppf(level, 1) / 2
    ax = axes(ax)
    marks = color or "C1"  # an overlay's cut-off and bounds in its own colour, named by its label
    color = color or "C0"
    whose = f"{label}: " if label else ""
    ax.plot(grid, curve, color=color, label=label or "profile log-likelihood")
    ax.axhline(cut, color=marks, linestyle="--", label=f"{whose}{100 * level:g}% cut-off")
    for bound in (lo, hi):
        if np.isfinite(bound):
            ax.axvline(bound, color=marks, linestyle=":")
    ax.plot([estimate], [fit.loglik], "o", color=color, label=f"{whose}MLE {estimate:.4g}")
    family = f"{family_name(fit)} " if fit.model is not None else ""
    label_axes(ax, f"{family}profile of {param}: [{lo:.4g}, {hi:.4g}]", param, "log-likelihood")
    ax.legend(loc="best")
    return ax


def _title(fit, what, name):
    return f"{family_name(fit)} fit{f' of {name}' if name else ''}: {what}"


def fitted_quantiles(fit, p):
    """The fitted quantile at each probability: `fit.quantile` (continuous), or the smallest
    count whose fitted CDF reaches p (discrete)."""
    p = np.asarray(p, dtype=float)
    if not fit.model.discrete:
        return fit.quantile(p)["estimate"].to_numpy()
    lo = fit.model.support[0]
    lower = np.asarray(fit.model.lower)
    k = np.arange(lo if np.isfinite(lo) else np.floor(lower.min()) - 50, np.max(lower) + 1)
    cdf = fit.cdf(k)["estimate"].to_numpy()
    for _ in range(60):  # beyond the data: double the counts until the CDF reaches every p
        if cdf[-1] >= p.max():
            return k[np.searchsorted(cdf, p, side="left")]
        more = np.arange(k[-1] + 1, k[-1] + 1 + k.size)
        k, cdf = np.r_[k, more], np.r_[cdf, fit.cdf(more)["estimate"].to_numpy()]
    raise ValueError(f"the fitted CDF does not reach {p.max()} below {k[-1]:g}")


def plot_qq(fit, ax=None, method=None, label=None, color=None, name=None):
    """Fitted against observed quantiles at the data's plotting positions (`method`: default
    the modified Kaplan–Meier positions, (i − 0.5)/n without censoring; Turnbull's for
    interval-censored rows)."""
    t, p = positions(fit, method, "plot_qq", default="km")
    keep = thin(t.size)
    t, p = t[keep], p[keep]
    theoretical = fitted_quantiles(fit, p)
    ax = axes(ax)
    ax.plot(theoretical, t, "o", markersize=4, color=color or "C0", label=label or "data")
    reference_line(ax, float(np.median(t)))
    label_axes(ax, _title(fit, "Q-Q plot", name), f"fitted {family_name(fit)} quantile",
               f"observed {name or 'quantile'}")
    _integer_ticks(fit, ax, "xy")
    ax.legend(loc="best")
    return ax


def plot_pp(fit, ax=None, method=None, label=None, color=None, name=None):
    """Fitted CDF at each observation against its empirical probability (`method` as
    `plot_qq`)."""
    t, p = positions(fit, method, "plot_pp", default="km")
    keep = thin(t.size)
    t, p = t[keep], p[keep]
    fitted = fit.cdf(t)["estimate"].to_numpy()
    ax = axes(ax)
    ax.plot(fitted, p, "o", markersize=4, color=color or "C0", label=label or "data")
    reference_line(ax, float(np.median(p)))
    label_axes(ax, _title(fit, "P-P plot", name), f"fitted {family_name(fit)} probability",
               "empirical probability")
    ax.legend(loc="best")
    return ax


def _integer_ticks(fit, ax, which):
    if fit.model.discrete:
        from matplotlib.ticker import MaxNLocator
        for axis in which:
            getattr(ax, f"{axis}axis").set_major_locator(MaxNLocator(integer=True))


def plot_fit(fit, ax=None, bins="auto", level=0.95, label=None, color=None, name=None,
             data=True):
    """The data against the fitted model, with `level` delta-method bands (None: no bands).

    Exact rows: a histogram (`bins`, numpy's rule or edges) under the fitted density, or
    observed against fitted probabilities for a discrete family (integer ticks). Censored
    rows: Kaplan–Meier with its Greenwood band and censoring ticks (Turnbull's NPMLE when
    some rows are left- or interval-censored) against the fitted survival. `data=False`
    draws only the fitted curve, to overlay a second fit on the same Axes.
    """
    if level is not None:
        check_level(level)
    lower, upper, w = rows(fit, "plot_fit")
    ax = axes(ax)
    color = color or "C1"
    label = label or fit_label(fit)
    finite = np.concatenate([lower[np.isfinite(lower)], upper[np.isfinite(upper)]])
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo if hi > lo else 1.0
    if np.any(lower != upper):
        if data:
            _draw_nonparametric(ax, lower, upper, w, level, min(0.0, lo), hi)
        grid = np.linspace(min(0.0, lo), hi + 0.05 * span, 400)
        _curve(ax, grid, fit.sf(grid, level or 0.95), level, color, label)
        words = (f"{_title(fit, 'survival', name)}\n{wrap_list(fit_rows_text(fit))}",
                 "survival probability")
    elif fit.model.discrete:
        values = np.arange(np.floor(lo), np.ceil(hi) + 1)
        if data:
            observed = np.bincount(np.searchsorted(values, lower), w, values.size) / w.sum()
            ax.bar(values, observed, color="C0", alpha=0.5, label="observed")
        pred = fit.pdf(values, level or 0.95)
        est = pred["estimate"].to_numpy()
        ax.plot(values, est, "o-", color=color, label=label)
        if level is not None:
            ax.errorbar(values, est, yerr=[est - pred["lower"].to_numpy(),
                                           pred["upper"].to_numpy() - est],
                        fmt="none", ecolor=color, alpha=0.6)
        words = _title(fit, "observed and fitted probabilities", name), "probability"
        _integer_ticks(fit, ax, "x")
    else:
        if data:
            edges = np.histogram_bin_edges(lower, bins, weights=None) \
                if isinstance(bins, (str, int)) else np.asarray(bins, float)
            ax.hist(lower, bins=edges, weights=w, density=True, color="C0", alpha=0.5,
                    label="data")
        grid = np.linspace(lo - 0.05 * span, hi + 0.05 * span, 400)
        if fit.model.truncation is not None:  # the density drops to 0 at a bound: draw the step
            steps = [e for bound, away in zip(fit.model.truncation, (-np.inf, np.inf))
                     for e in (bound, np.nextafter(bound, away))]
            grid = np.union1d(grid, [e for e in steps if grid[0] <= e <= grid[-1]])
        _curve(ax, grid, fit.pdf(grid, level or 0.95), level, color, label)
        words = _title(fit, "data and fitted density", name), "density"
    label_axes(ax, words[0], name or "x", words[1])
    ax.legend(loc="best")
    return ax


def _curve(ax, grid, pred, level, color, label):
    """A fitted curve from a prediction table, with its band when `level` is given."""
    ax.plot(grid, pred["estimate"].to_numpy(), color=color, label=label)
    if level is not None:
        ax.fill_between(grid, pred["lower"].to_numpy(), pred["upper"].to_numpy(),
                        color=color, alpha=0.2, linewidth=0)


def _draw_nonparametric(ax, lower, upper, w, level, start, stop):
    """Kaplan–Meier (band and censoring ticks) or, for interval rows, Turnbull's NPMLE."""
    if is_interval(lower, upper):
        est = turnbull(lower, upper, w)
        before = np.r_[1.0, est.survival[:-1]]
        # S is known between the intervals that carry mass, not inside them: drawn as ramps
        x = np.r_[start, np.ravel(np.c_[est.left, est.time])]
        y = np.r_[1.0, np.ravel(np.c_[before, est.survival])]
        ok = np.isfinite(x)
        ax.plot(x[ok], y[ok], color="C0", label="Turnbull NPMLE")
        return
    censored = lower != upper
    km = kaplan_meier(lower, censored, w)
    steps_t = np.r_[start, km.time, stop]
    steps_s = np.r_[1.0, km.survival, km.survival[-1:] if km.time.size else [1.0]]
    ax.step(steps_t, steps_s, where="post", color="C0", label="Kaplan–Meier")
    if level is not None and km.time.size:
        lo, hi = km.confint(level)
        ax.fill_between(steps_t, np.r_[1.0, lo, lo[-1]], np.r_[1.0, hi, hi[-1]], step="post",
                        color="C0", alpha=0.15, linewidth=0)
    c = np.unique(lower[censored])
    keep = thin(c.size)
    ax.plot(c[keep], km(c[keep]), "|", color="C0", markersize=8, label="censored")
