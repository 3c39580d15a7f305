"""Plots of a fit: profile log-likelihood, Q-Q, P-P, and data against the fitted model.

The fitted curves (density or probabilities, survival, quantiles, CDF) are those
of the distribution the data were drawn from: truncated to the generator's
truncation bounds when it has them (`femtograd.fit.fitted`, shared with the
predictions of `femtograd.fit.predict`).

Needs the optional extra `femtograd[plot]` (matplotlib); importing femtograd
never imports matplotlib. Each function draws on `ax` (a new figure when None)
and returns the Axes, so `plot_fit(fit).figure.savefig("fit.png")` works.
"""

import numpy as np
from scipy import stats

from .fitted import fitted_distribution as _distribution
from .common import check_level


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError("femtograd's plots need matplotlib: "
                          "pip install 'femtograd[plot]'") from err
    return plt


def _axes(ax):
    return _pyplot().subplots()[1] if ax is None else ax


# ---------------------------------------------------------------- the data behind a fit

def _sample(fit, what):
    """(times, censored mask, weights) of a generator fit; a clear error otherwise."""
    model = fit.model
    if model is None:
        raise ValueError(f"{what} needs a fit of a built-in generator (it draws the fitted "
                         "distribution); this fit is of a plain log-likelihood function")
    x, censored = _observed(model)
    if x is None:
        raise ValueError(f"{what} needs exact or right-censored observations; "
                         "this fit has interval-censored data")
    return x, censored, np.asarray(model.weights, dtype=float)


def _observed(model):
    """(x, right-censoring mask) of a bound generator, or (None, None) for interval data."""
    lower, upper = model.lower, model.upper
    exact, right = lower == upper, np.isposinf(upper)
    if not np.all(exact | right):
        return None, None
    return lower, right


def kaplan_meier(times, censored=None, weights=None):
    """Kaplan–Meier survival: (distinct event times, S just after each), frequency-weighted."""
    times = np.asarray(times, dtype=float)
    censored = np.zeros(len(times), bool) if censored is None else np.asarray(censored, bool)
    weights = np.ones(len(times)) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(times, kind="stable")
    t, c, w = times[order], censored[order], weights[order]
    at_risk = np.cumsum(w[::-1])[::-1]            # weight of rows with time >= t[i]
    event_times = np.unique(t[~c])
    first = np.searchsorted(t, event_times, side="left")
    deaths = np.array([w[(t == s) & ~c].sum() for s in event_times])
    surv = np.cumprod(1.0 - deaths / at_risk[first])
    return event_times, surv


def _positions(fit, what):
    """Event times with their empirical CDF at mid-step (Hazen positions when uncensored)."""
    x, censored, weights = _sample(fit, what)
    t, surv = kaplan_meier(x, censored, weights)
    before = np.concatenate([[1.0], surv[:-1]])
    return t, 1.0 - (before + surv) / 2


# ---------------------------------------------------------------- the plots

def plot_profile(fit, param, level=0.95, ax=None, points=41):
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
    ax = _axes(ax)
    ax.plot(grid, curve, color="C0", label="profile log-likelihood")
    ax.axhline(cut, color="C1", linestyle="--", label=f"{100 * level:g}% cut-off")
    for bound in (lo, hi):
        if np.isfinite(bound):
            ax.axvline(bound, color="C1", linestyle=":")
    ax.plot([estimate], [fit.loglik], "o", color="C0", label=f"MLE {estimate:.4g}")
    ax.set_xlabel(param)
    ax.set_ylabel("log-likelihood")
    ax.set_title(f"Profile of {param}: [{lo:.4g}, {hi:.4g}]")
    ax.legend(loc="best")
    return ax


def plot_qq(fit, ax=None):
    """Fitted quantiles against the observed ones (Kaplan–Meier positions when censored)."""
    t, p = _positions(fit, "plot_qq")
    theoretical = _distribution(fit).ppf(p)
    ax = _axes(ax)
    ax.plot(theoretical, t, "o", markersize=4, color="C0")
    finite = np.isfinite(theoretical)
    both = np.concatenate([theoretical[finite], t])
    ax.plot([both.min(), both.max()], [both.min(), both.max()], color="C1", linewidth=1)
    ax.set_xlabel("fitted quantile")
    ax.set_ylabel("observed quantile")
    ax.set_title("Q-Q plot")
    return ax


def plot_pp(fit, ax=None):
    """Fitted CDF at each observation against the empirical CDF."""
    t, p = _positions(fit, "plot_pp")
    fitted = _distribution(fit).cdf(t)
    ax = _axes(ax)
    ax.plot(fitted, p, "o", markersize=4, color="C0")
    ax.plot([0, 1], [0, 1], color="C1", linewidth=1)
    ax.set_xlabel("fitted probability")
    ax.set_ylabel("empirical probability")
    ax.set_title("P-P plot")
    return ax


def plot_fit(fit, ax=None, bins="auto"):
    """Histogram with the fitted density; for censored data, Kaplan–Meier against fitted survival."""
    x, censored, weights = _sample(fit, "plot_fit")
    dist = _distribution(fit)
    ax = _axes(ax)
    lo, hi = float(np.min(x)), float(np.max(x))
    span = hi - lo if hi > lo else 1.0
    if censored.any():
        t, surv = kaplan_meier(x, censored, weights)
        steps_t = np.concatenate([[0.0 if lo >= 0 else lo], t, [hi]])  # flat to the last time
        steps_s = np.concatenate([[1.0], surv, surv[-1:] if surv.size else [1.0]])
        ax.step(steps_t, steps_s, where="post", color="C0", label="Kaplan–Meier")
        grid = np.linspace(min(0.0, lo), hi + 0.05 * span, 400)
        ax.plot(grid, dist.sf(grid), color="C1", label="fitted survival")
        ax.set_ylabel("survival probability")
        ax.set_title(f"Kaplan–Meier and fitted survival ({int(censored.sum())} censored)")
    elif hasattr(dist, "pmf"):
        values = np.arange(np.floor(lo), np.ceil(hi) + 1)
        observed = np.array([weights[x == v].sum() for v in values]) / weights.sum()
        ax.bar(values, observed, color="C0", alpha=0.5, label="observed")
        ax.plot(values, dist.pmf(values), "o-", color="C1", label="fitted")
        ax.set_ylabel("probability")
        ax.set_title("Data and fitted probabilities")
    else:
        edges = np.histogram_bin_edges(x, bins) if isinstance(bins, str) else bins
        ax.hist(x, bins=edges, weights=weights, density=True, color="C0", alpha=0.5, label="data")
        grid = np.linspace(lo - 0.05 * span, hi + 0.05 * span, 400)
        if fit.model.truncation is not None:  # the density drops to 0 at a bound: draw the step
            steps = [e for bound, away in zip(fit.model.truncation, (-np.inf, np.inf))
                     for e in (bound, np.nextafter(bound, away))]
            grid = np.union1d(grid, [e for e in steps if grid[0] <= e <= grid[-1]])
        with np.errstate(all="ignore"):
            ax.plot(grid, dist.pdf(grid), color="C1", label="fitted density")
        ax.set_ylabel("density")
        ax.set_title("Data and fitted density")
    ax.set_xlabel("x")
    ax.legend(loc="best")
    return ax
