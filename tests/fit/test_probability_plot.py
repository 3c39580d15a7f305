"""Probability plots and plotting positions: what is drawn, against hand formulas and the fit's
own predictions; the report-ready parts of the other plots (bands, ticks, labels)."""

import numpy as np
import pytest
from hypothesis import given, strategies as st
from scipy import stats

import femtograd as fg
from femtograd.distributions import REGISTRY, IntervalData, PoissonLogLik, WeibullLogLik
from femtograd.fit import plots
from femtograd.fit.nonparametric import kaplan_meier, plotting_positions
from femtograd.fit.probability_plot import PAPERS, plot_probability

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


from ._plotting import close_figures  # noqa: F401  (autouse: figures closed after each test)
from ._plotting import line as drawn


def on_screen(ax, x, y):
    """Display coordinates of data points: the paper's transforms applied."""
    return ax.transData.transform(np.c_[x, y])


def straightness(xy):
    """Largest distance of the points from their least-squares line, over the line's length."""
    x, y = xy[:, 0], xy[:, 1]
    slope, icept = np.polyfit(x, y, 1)
    dist = np.abs(slope * x - y + icept) / np.hypot(slope, 1)
    return dist.max() / np.hypot(np.ptp(x), np.ptp(y))


@pytest.fixture(scope="module")
def censored_weibull():
    rng = np.random.default_rng(11)
    t = 100 * rng.weibull(1.6, 120)
    c = rng.uniform(20, 220, 120)
    return fg.fit_mle(WeibullLogLik, np.minimum(t, c), censored=t > c)


# ---------------------------------------------------------------- plotting positions

def test_johnson_ranks_without_censoring_are_bernards_median_ranks():
    x = np.array([7.0, 3.0, 9.0, 1.0, 4.0])
    t, f = plotting_positions(x)
    np.testing.assert_array_equal(t, np.sort(x))
    np.testing.assert_allclose(f, (np.arange(1, 6) - 0.3) / (5 + 0.4))


def test_johnsons_adjusted_ranks_of_the_textbook_five_units_with_one_suspension():
    # failures at 1, 2, 4, 5 and a suspension at 3: adjusted ranks 1, 2, 3 1/3, 4 2/3
    t, f = plotting_positions([1.0, 2.0, 3.0, 4.0, 5.0], [False, False, True, False, False])
    np.testing.assert_array_equal(t, [1, 2, 4, 5])
    np.testing.assert_allclose(f, (np.array([1, 2, 10 / 3, 14 / 3]) - 0.3) / 5.4)


def naive_johnson(t, c):
    order = np.argsort(t, kind="stable")
    n, rank, out = len(t), 0.0, []
    for i, k in enumerate(order):   # reverse rank n − i: rows at or beyond this one
        if not c[k]:
            rank += (n + 1 - rank) / (1 + n - i)
            out.append((rank - 0.3) / (n + 0.4))
    return np.array(out)


@given(st.lists(st.tuples(st.floats(0.1, 100), st.booleans()), min_size=2, max_size=30,
                unique_by=lambda r: r[0]))
def test_johnson_positions_agree_with_the_row_by_row_recursion(data):
    t, c = (np.array(v) for v in zip(*data))
    _, f = plotting_positions(t, c)
    np.testing.assert_allclose(f, naive_johnson(t, c.astype(bool)), rtol=1e-12)


def test_tied_failures_take_their_mean_rank_and_a_weight_counts_as_rows():
    _, f = plotting_positions([1.0, 2.0, 2.0, 4.0])
    np.testing.assert_allclose(f, (np.array([1, 2.5, 4]) - 0.3) / 4.4)
    _, g = plotting_positions([1.0, 2.0, 4.0], weights=[1, 2, 1])
    np.testing.assert_allclose(g, f)


def test_kaplan_meier_and_nelson_aalen_positions():
    x, c = [1.0, 2.0, 3.0, 4.0], [False, True, False, False]
    km = kaplan_meier(x, c)
    _, f = plotting_positions(x, c, method="km")
    np.testing.assert_allclose(f, 1 - (np.r_[1, km.survival[:-1]] + km.survival) / 2)
    _, f = plotting_positions(x, c, method="nelson-aalen")
    np.testing.assert_allclose(f, 1 - np.exp(-np.cumsum([1 / 4, 1 / 2, 1 / 1])))
    with pytest.raises(ValueError, match="unknown plotting-position method 'median'"):
        plotting_positions(x, c, method="median")


# ---------------------------------------------------------------- probability paper

def test_the_weibull_plot_draws_johnson_positions_and_the_fitted_cdf_as_a_straight_line(
        censored_weibull):
    fit = censored_weibull
    ax = plot_probability(fit, name="hours")
    t, f = drawn(ax, "hours (Johnson–Bernard)")
    lower, upper = np.asarray(fit.model.lower), np.asarray(fit.model.upper)
    expected_t, expected_f = plotting_positions(lower, lower != upper)
    np.testing.assert_array_equal(t, expected_t)
    np.testing.assert_allclose(f, expected_f)
    shape, scale = fit.mle
    grid, cdf = drawn(ax, f"Weibull (shape={shape:.4g}, scale={scale:.4g})")
    np.testing.assert_allclose(cdf, fit.cdf(grid)["estimate"], rtol=1e-12)
    assert straightness(on_screen(ax, grid, cdf)) < 1e-6
    # on the paper, slope = shape and F = 63.2% at the scale
    y = np.log(-np.log1p(-cdf))
    np.testing.assert_allclose(np.polyfit(np.log(grid), y, 1), [shape, -shape * np.log(scale)])
    assert ax.get_title() == "Weibull probability plot of hours: Weibull fit"
    assert ax.get_xlabel() == "hours" and ax.get_xscale() == "log"
    assert "63.2%" in [tk.get_text() for tk in ax.get_yticklabels()]


def test_the_band_is_the_delta_method_interval_of_the_fitted_cdf(censored_weibull):
    fit = censored_weibull
    ax = plot_probability(fit, level=0.9)
    grid, _ = drawn(ax, plots.fit_label(fit))
    (band,) = ax.collections
    verts = band.get_paths()[0].vertices
    pred = fit.cdf(grid, level=0.9)
    # fill_between's polygon: a start vertex, the lower edge, the upper edge back
    below = verts[1: grid.size + 1]
    np.testing.assert_allclose(below[:, 1], pred["lower"], rtol=1e-12)
    above = verts[grid.size + 2: 2 * grid.size + 2][::-1]
    np.testing.assert_allclose(above[:, 1], pred["upper"], rtol=1e-12)
    assert not plot_probability(fit, level=None).collections


@pytest.mark.parametrize("family, draw", [
    ("lognormal", lambda r: r.lognormal(2.0, 0.7, 80)),
    ("normal", lambda r: r.normal(5.0, 2.0, 80)),
    ("exp", lambda r: r.exponential(3.0, 80)),
    ("gumbel", lambda r: stats.gumbel_r.rvs(1.0, 2.0, 80, random_state=r)),
    ("loglogistic", lambda r: stats.fisk.rvs(3.0, scale=2.0, size=80, random_state=r)),
    ("logistic", lambda r: r.logistic(1.0, 0.5, 80)),
    ("gamma", lambda r: r.gamma(2.5, 2.0, 80)),          # no paper of its own: quantile scale
    ("inversegaussian", lambda r: r.wald(2.0, 5.0, 80)),
])
def test_each_family_is_a_straight_line_on_its_own_paper(family, draw):
    fit = fg.fit_mle(REGISTRY[family], draw(np.random.default_rng(5)))
    ax = plot_probability(fit)
    grid, cdf = drawn(ax, plots.fit_label(fit))
    assert straightness(on_screen(ax, grid, cdf)) < 1e-6
    title = PAPERS[family].name if family in PAPERS else f"{plots.family_name(fit)} quantile"
    assert ax.get_title().startswith(f"{title} probability plot")


def test_a_weibull_fit_is_not_straight_on_lognormal_paper(censored_weibull):
    ax = plot_probability(censored_weibull, paper="lognormal")
    grid, cdf = drawn(ax, plots.fit_label(censored_weibull))
    assert straightness(on_screen(ax, grid, cdf)) > 1e-3


def test_several_fits_overlay_with_their_labels_and_one_set_of_points(censored_weibull):
    fit = censored_weibull
    lower, upper = np.asarray(fit.model.lower), np.asarray(fit.model.upper)
    other = fg.fit_mle(REGISTRY["lognormal"], lower, censored=lower != upper)
    ax = fit.plot_probability(other, label=["Weibull", "lognormal"], color=["C3", "C4"],
                              method="km")
    assert [ln.get_label() for ln in ax.get_lines()] == ["data (Kaplan–Meier)", "Weibull",
                                                          "lognormal"]
    assert [ln.get_color() for ln in ax.get_lines()[1:]] == ["C3", "C4"]
    _, cdf = drawn(ax, "lognormal")
    grid, _ = drawn(ax, "Weibull")
    np.testing.assert_allclose(cdf, other.cdf(grid)["estimate"], rtol=1e-12)
    assert ax.get_title() == "Weibull probability plot: Weibull and Lognormal fits"
    with pytest.raises(ValueError, match="give label as a list of 2"):
        fit.plot_probability(other, label="one")


def test_an_interval_censored_fit_plots_turnbull_positions():
    rng = np.random.default_rng(2)
    t = 50 * rng.weibull(2.0, 150)
    lo = np.floor(t / 10) * 10
    fit = fg.fit_mle(WeibullLogLik, IntervalData(lo, lo + 10))
    ax = fit.plot_probability()
    x, f = drawn(ax, "data (Turnbull)")
    # inspections every 10: the NPMLE is the grouped empirical CDF, at each interval's right end
    ends, counts = np.unique(lo + 10, return_counts=True)
    cum = np.cumsum(counts) / t.size
    np.testing.assert_allclose(x, ends)
    np.testing.assert_allclose(f, (np.r_[0, cum[:-1]] + cum) / 2, atol=1e-8)
    with pytest.raises(ValueError, match="method='turnbull'"):
        fit.plot_probability(method="johnson")


def test_bad_requests_are_refused_clearly(censored_weibull):
    counts = fg.fit_mle(PoissonLogLik, np.random.default_rng(1).poisson(3.0, 50))
    with pytest.raises(ValueError, match="continuous families; Poisson is discrete"):
        counts.plot_probability()
    with pytest.raises(ValueError, match="unknown probability paper 'weibul'"):
        censored_weibull.plot_probability(paper="weibul")
    normal = fg.fit_mle(REGISTRY["normal"], np.random.default_rng(1).normal(0, 1, 30))
    with pytest.raises(ValueError, match="log time axis"):
        normal.plot_probability(paper="weibull")


def test_a_probability_plot_of_a_million_censored_rows_draws_at_most_2000_points(tmp_path):
    rng = np.random.default_rng(0)
    t = 100 * rng.weibull(1.5, 1_000_000)
    c = rng.uniform(0, 250, t.size)
    fit = fg.fit_mle(WeibullLogLik, np.minimum(t, c), censored=t > c)
    ax = fit.plot_probability()
    x, f = drawn(ax, "data (Johnson–Bernard)")
    assert x.size == 2000 and np.all(np.diff(x) > 0) and np.all(np.diff(f) > 0)
    ax.figure.savefig(tmp_path / "big.png")


# ---------------------------------------------------------------- report-ready plots

def test_the_survival_plot_has_greenwood_band_censor_ticks_and_the_fitted_band(
        censored_weibull):
    fit = censored_weibull
    ax = fit.plot_fit(label="fit", color="C5", name="hours")
    lower, upper = np.asarray(fit.model.lower), np.asarray(fit.model.upper)
    km = kaplan_meier(lower, lower != upper)
    ticks_x, ticks_y = drawn(ax, "censored")
    np.testing.assert_array_equal(ticks_x, np.unique(lower[lower != upper]))
    np.testing.assert_allclose(ticks_y, km(ticks_x))
    grid, sf = drawn(ax, "fit")
    np.testing.assert_allclose(sf, fit.sf(grid)["estimate"], rtol=1e-12)
    assert ax.get_lines()[[ln.get_label() for ln in ax.get_lines()].index("fit")].get_color() \
        == "C5"
    km_band, fit_band = ax.collections
    band_lo, _ = km.confint()
    assert np.isin(np.round(band_lo, 12), np.round(km_band.get_paths()[0].vertices[:, 1], 12)).all()
    assert np.allclose(fit_band.get_paths()[0].vertices[1:grid.size + 1, 1],
                       fit.sf(grid)["lower"], rtol=1e-12)
    assert ax.get_xlabel() == "hours" and ax.get_title().startswith("Weibull fit of hours")


def test_an_interval_censored_fit_draws_turnbull_against_the_fitted_survival():
    lo = np.array([0.0, 1, 2, 2, 3, 5, 1, 4])
    fit = fg.fit_mle(WeibullLogLik, IntervalData(lo, lo + 2))
    ax = fit.plot_fit(label="fit")
    x, s = drawn(ax, "Turnbull NPMLE")
    assert s[0] == 1.0 and np.all(np.diff(s) <= 1e-12) and s[-1] == pytest.approx(0, abs=1e-6)
    drawn(ax, "fit")


def test_a_discrete_fit_has_integer_ticks_and_intervals_on_the_fitted_probabilities():
    from matplotlib.ticker import MaxNLocator
    k = np.random.default_rng(4).poisson(3.0, 200)
    fit = fg.fit_mle(PoissonLogLik, k)
    ax = fit.plot_fit(label="fit")
    assert isinstance(ax.xaxis.get_major_locator(), MaxNLocator)
    assert all(float(v).is_integer() for v in ax.get_xticks())
    values, probs = drawn(ax, "fit")
    np.testing.assert_allclose(probs, stats.poisson.pmf(values, fit.mle[0]), rtol=1e-10)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, np.bincount(k)[values.astype(int)] / k.size)


def test_plot_fit_takes_bins_and_can_overlay_a_second_fit_without_redrawing_the_data():
    x = np.random.default_rng(3).weibull(2.0, 300)
    fit = fg.fit_mle(WeibullLogLik, x)
    ax = fit.plot_fit(bins=7)
    assert len(ax.patches) == 7
    other = fg.fit_mle(REGISTRY["gamma"], x)
    other.plot_fit(ax=ax, data=False, label="gamma", color="C4")
    assert len(ax.patches) == 7
    grid, density = drawn(ax, "gamma")
    np.testing.assert_allclose(density, other.pdf(grid)["estimate"], rtol=1e-12)


def test_johnson_bernard_positions_are_reliabilitys_plotting_positions():
    # in a subprocess: importing reliability changes numpy's error state, warning filters and
    # pandas' display options for the whole process
    import importlib.util
    import json
    import subprocess
    import sys
    if importlib.util.find_spec("reliability") is None:
        pytest.skip("reliability is not installed")
    rng = np.random.default_rng(3)
    t = 100 * rng.weibull(1.5, 60)
    c = rng.uniform(0, 150, 60)
    x, censored = np.minimum(t, c), t > c
    code = ("import json, sys; from reliability.Probability_plotting import plotting_positions; "
            "f, r = json.load(sys.stdin); t, p = plotting_positions(failures=f, "
            "right_censored=r); print(json.dumps([list(map(float, t)), list(map(float, p))]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          input=json.dumps([x[~censored].tolist(), x[censored].tolist()]),
                          timeout=300, check=True)
    ref_t, ref_f = map(np.array, json.loads(done.stdout))
    order = np.argsort(ref_t)                  # reliability keeps the failures' input order
    ours_t, ours_f = plotting_positions(x, censored)
    np.testing.assert_allclose(ours_t, ref_t[order])
    np.testing.assert_allclose(ours_f, ref_f[order], rtol=1e-12)


@given(st.lists(st.tuples(st.integers(1, 40), st.booleans(), st.integers(1, 3)), min_size=1,
                max_size=40), st.sampled_from(["johnson", "km", "nelson-aalen"]), st.randoms())
def test_positions_rise_strictly_inside_zero_one_whatever_the_row_order(rows, method, rnd):
    t, c, w = (np.array(v, dtype=float) for v in zip(*rows))
    c = c.astype(bool)
    times, f = plotting_positions(t, c, w, method=method)
    assert np.all(np.diff(times) > 0) and np.all(np.diff(f) > 0)
    assert np.all((f > 0) & (f < 1))
    order = list(range(t.size))
    rnd.shuffle(order)
    again = plotting_positions(t[order], c[order], w[order], method=method)
    np.testing.assert_array_equal(again[0], times)
    np.testing.assert_allclose(again[1], f, rtol=1e-12)
