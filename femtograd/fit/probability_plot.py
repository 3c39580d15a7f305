"""Probability plots: the data's plotting positions and the fitted CDF on linearizing paper.

On a family's paper its CDF is a straight line: Weibull (log t against log(−log(1−F))),
exponential (t against −log(1−F)), lognormal and normal (log t or t against Φ⁻¹(F)),
Gumbel (t against −log(−log F)), log-logistic and logistic (log t or t against
logit F). Other families get a quantile scale built from the fitted CDF itself, on
which the first fit is the line y = x. The y axis is labelled in probabilities
(matplotlib's function scale), so the drawn data are F values and the ticks read
as percentages.

Points are one per distinct failure time (Johnson–Bernard by default, or Kaplan–Meier,
Nelson–Aalen, Turnbull; `femtograd.fit.nonparametric`), thinned to evenly spaced
ranks when there are very many; each fit's line is `fit.cdf` on a grid with its
delta-method band.
"""

from dataclasses import dataclass

import numpy as np
from scipy import special

from .common import check_level
from .plots import (
    MAX_POINTS,
    axes,
    family_name,
    fit_label,
    label_axes,
    positions,
    rows,
    thin,
)

EDGE = 1e-12   # probabilities are clipped to [EDGE, 1 − EDGE] before the paper's transform


@dataclass(frozen=True)
class Paper:
    """A probability scale: the title's name, a log time axis or not, y = forward(F), and the
    probability it marks before the usual ticks (F = 63.2% at the scale of a Weibull or an
    exponential)."""
    name: str
    log_x: bool
    forward: object
    inverse: object
    marks: tuple = ()

    def scale(self):
        """(forward, inverse) for matplotlib's function scale, safe at F = 0 and 1."""
        def forward(p):
            with np.errstate(all="ignore"):
                return self.forward(np.clip(np.asarray(p, float), EDGE, 1 - EDGE))

        def inverse(y):
            with np.errstate(all="ignore"):
                return self.inverse(np.asarray(y, float))
        return forward, inverse


def _log_cloglog(p):
    return np.log(-np.log1p(-p))


PAPERS = {
    "weibull": Paper("Weibull", True, _log_cloglog, lambda y: -np.expm1(-np.exp(y)), (0.632,)),
    "exp": Paper("Exponential", False, lambda p: -np.log1p(-p), lambda y: -np.expm1(-y),
                 (0.632,)),
    "lognormal": Paper("Lognormal", True, special.ndtri, special.ndtr),
    "normal": Paper("Normal", False, special.ndtri, special.ndtr),
    "gumbel": Paper("Gumbel", False, lambda p: -np.log(-np.log(p)),
                    lambda y: np.exp(-np.exp(-y))),
    "loglogistic": Paper("Log-logistic", True, special.logit, special.expit),
    "logistic": Paper("Logistic", False, special.logit, special.expit),
}
LOG_STEPS = ((1, 2, 3, 5), (1, 2, 5), (1, 3), (1,))  # tick mantissas, finest first
MOST_TICKS = 7
# the probability ticks, most wanted first: where two would touch, the later one is left out
TICKS = (0.1, 0.5, 0.9, 0.01, 0.99, 1e-3, 0.999, 1e-4, 0.9999, 0.2, 0.05, 0.3, 0.8,
         0.95, 0.02, 0.002, 0.005)
LINE_HEIGHT = 1.3   # a tick label's height with its gap, in font sizes


def quantile_paper(fit, lo, hi):
    """The generic paper of a family without its own: y is the first fit's quantile of F,
    tabulated from `fit.cdf` over a grid wide enough to hold the data."""
    positive = fit.model.support[0] >= 0 and lo > 0
    grid = (np.geomspace(lo / 100, hi * 100, 2001) if positive
            else np.linspace(lo - 10 * (hi - lo), hi + 10 * (hi - lo), 2001))
    cdf = fit.cdf(grid)["estimate"].to_numpy()
    # interpolated on the logit of F, where a smooth CDF is nearly straight in its tails too
    inside = (cdf > 0) & (cdf < 1)
    z, first = np.unique(special.logit(cdf[inside]), return_index=True)  # increasing
    x = grid[inside][first]
    y = np.log(x) if positive else x
    return Paper(f"{family_name(fit)} quantile", positive,
                 lambda p: np.interp(special.logit(p), z, y),
                 lambda q: special.expit(np.interp(q, y, z)))


def _listed(value, n, what):
    """`value` as one entry per fit: a list of n, or a single value for a single fit."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"plot_probability: {what} has {len(value)} entries for {n} fits")
        return list(value)
    if value is not None and n > 1:
        raise ValueError(f"plot_probability: with {n} fits, give {what} as a list of {n}")
    return [value] + [None] * (n - 1)


def plot_probability(fits, method=None, level=0.95, paper=None, ax=None, label=None,
                     color=None, name=None, max_points=MAX_POINTS):
    """Probability plot of one fit or several (overlaid, each line labelled).

    `method`: plotting positions "johnson" (default; Johnson's adjusted ranks with Bernard's
    approximation), "km", "nelson-aalen" or "turnbull" (the only one for left- or
    interval-censored rows). `paper`: a family name from `PAPERS` (default the first fit's,
    or its quantile scale). `level`: the delta-method band of each line (None: no band).
    `label`/`color`: one per fit (a list when there are several). `name`: the data's name,
    for the title and the x axis. Returns the Axes.
    """
    fits = list(fits) if isinstance(fits, (list, tuple)) else [fits]
    if not fits:
        raise ValueError("plot_probability needs at least one fit")
    if level is not None:
        check_level(level)
    for fit in fits:
        rows(fit, "plot_probability")
        if fit.model.discrete:
            raise ValueError(f"plot_probability: probability paper is for continuous families; "
                             f"{family_name(fit)} is discrete (use plot_fit or plot_pp)")
    labels, colors = _listed(label, len(fits), "label"), _listed(color, len(fits), "color")
    colors = [c or f"C{i + 1}" for i, c in enumerate(colors)]
    drawn, points = [], []
    for i, fit in enumerate(fits):  # each distinct data set once
        data = rows(fit, "plot_probability")
        if not any(all(np.array_equal(a, b) for a, b in zip(data, seen)) for seen in drawn):
            drawn.append(data)
            points.append((i, *positions(fit, method, "plot_probability")))
    t_all = np.concatenate([t for _, t, _ in points])
    if t_all.size == 0:
        raise ValueError("plot_probability: the data have no failures to place on the paper")
    lo, hi = float(t_all.min()), float(t_all.max())
    paper = _paper(paper, fits[0], lo, hi)
    if paper.log_x and lo <= 0:
        raise ValueError(f"plot_probability: {paper.name} paper has a log time axis; the data "
                         f"have a failure at {lo:g}")
    pad = 0.1 * (hi - lo or 1)
    grid = (np.geomspace(lo / 1.5, hi * 1.5, 200) if paper.log_x  # not below the support
            else np.linspace(max(lo - pad, fits[0].model.support[0]), hi + pad, 200))
    ax = axes(ax)
    ax.set_yscale("function", functions=paper.scale())
    if paper.log_x:
        ax.set_xscale("log")
        _log_time_axis(ax, grid[0], grid[-1])
    labels = [text or fit_label(fit) for text, fit in zip(labels, fits)]
    for i, t, p in points:  # in the fit's colour, and named by it, when the data differ
        keep = thin(t.size, max_points)
        whose = "" if len(points) == 1 else f" of {labels[i]}"
        ax.plot(t[keep], p[keep], "o", markersize=4, color="C0" if len(points) == 1 else colors[i],
                label=f"{name or 'data'}{whose} ({_method_name(fits[i], method)})")
    f_all = [np.concatenate([p for _, _, p in points])]
    for i, fit in enumerate(fits):
        pred = fit.cdf(grid, level or 0.95)
        ax.plot(grid, pred["estimate"].to_numpy(), color=colors[i],
                label=labels[i])
        if level is not None:
            ax.fill_between(grid, pred["lower"].to_numpy(), pred["upper"].to_numpy(),
                            color=colors[i], alpha=0.15, linewidth=0)
        f_all.append(pred["estimate"].to_numpy())
    _probability_axis(ax, paper, np.concatenate(f_all), np.concatenate([p for _, _, p in points]))
    ax.set_xlim(grid[0], grid[-1])
    what = " and ".join(dict.fromkeys(family_name(f) for f in fits))
    label_axes(ax, f"{paper.name} probability plot{f' of {name}' if name else ''}: {what} fit"
                   f"{'s' if len(fits) > 1 else ''}", name or "x", "fraction failing, F")
    ax.legend(loc="best")
    return ax


def _paper(paper, fit, lo, hi):
    if paper is None:
        family = getattr(type(fit.model), "name", None)
        return PAPERS[family] if family in PAPERS else quantile_paper(fit, lo, hi)
    if paper not in PAPERS:
        raise ValueError(f"unknown probability paper {paper!r}; use one of {list(PAPERS)} "
                         "(or None for the fit's own)")
    return PAPERS[paper]


def _method_name(fit, method):
    lower, upper, _ = rows(fit, "plot_probability")
    if method == "turnbull" or np.any((lower != upper) & ~np.isposinf(upper)):
        return "Turnbull"
    return {None: "Johnson–Bernard", "johnson": "Johnson–Bernard", "km": "Kaplan–Meier",
            "nelson-aalen": "Nelson–Aalen"}.get(method, method)


def log_ticks(lo, hi):
    """Tick values for a log axis over [lo, hi], each labelled as the plain number: the finest
    of 1-2-3-5, 1-2-5, 1-3 or 1 per decade that has at most MOST_TICKS inside (every k-th
    decade beyond that); evenly spaced round numbers when the range holds fewer than two."""
    from matplotlib.ticker import MaxNLocator
    decades = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
    for steps in LOG_STEPS:
        ticks = np.outer(10.0 ** decades, steps).ravel()
        ticks = ticks[(ticks >= lo * (1 - 1e-12)) & (ticks <= hi * (1 + 1e-12))]
        if ticks.size <= MOST_TICKS:
            break
    else:
        ticks = ticks[::int(np.ceil(ticks.size / MOST_TICKS))]
    if ticks.size < 2:
        ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
        ticks = ticks[(ticks >= lo) & (ticks <= hi)]
    return ticks


def _log_time_axis(ax, lo, hi):
    """Labels at `log_ticks` only, written as numbers ("300", not "3×10²"); the minor ticks
    stay unlabelled, so no two labels run into each other."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter
    ax.xaxis.set_major_locator(FixedLocator(log_ticks(lo, hi)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _spaced(ax, paper, low, high):
    """The paper's marks, then the TICKS, inside [low, high]: each kept only when its label
    clears those kept before it on the axes' drawn height (from the tick font's size)."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties
    size = FontProperties(size=rcParams["ytick.labelsize"]).get_size_in_points()
    height = ax.get_position().height * ax.figure.get_figheight() * 72  # points
    forward = paper.scale()[0]
    y_low, y_high = forward(low), forward(high)
    gap = LINE_HEIGHT * size / height * (y_high - y_low)
    kept = []
    for p in paper.marks + TICKS:
        y = forward(p)
        if low <= p <= high and all(abs(y - forward(q)) >= gap for q in kept):
            kept.append(p)
    return sorted(kept)


def _probability_axis(ax, paper, f_line, f_points):
    """Y limits from the points (and a little of the lines), padded on the paper's scale, and
    percentage ticks inside them."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
    forward, inverse = paper.scale()
    low = max(min(f_points.min(), np.quantile(f_line, 0.02)), 1e-6)
    high = min(max(f_points.max(), np.quantile(f_line, 0.98)), 1 - 1e-6)
    y_low, y_high = forward(low), forward(high)
    pad = 0.04 * (y_high - y_low)
    low, high = float(inverse(y_low - pad)), float(inverse(y_high + pad))
    ax.set_ylim(low, high)
    ax.yaxis.set_major_locator(FixedLocator(_spaced(ax, paper, low, high)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:g}%"))
    ax.grid(True, which="major", alpha=0.3)
