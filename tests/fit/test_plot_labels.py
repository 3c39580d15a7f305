"""The words on the plots, read back from the rendered matplotlib objects: tick labels that
fit side by side, titles that describe the rows as the summary does, overlays that keep
the axes' title and labels."""

import numpy as np
import pytest

import femtograd as fg
from femtograd.fit import plots
from femtograd.fit.summary import rows_text

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from ._plotting import close_figures  # noqa: F401  (autouse: figures closed after each test)

HOURS = np.array([514, 1500, 897, 1148, 1384, 1450, 1500, 172, 1334, 1102,
                  1500, 1500, 1500, 918, 546, 1022, 713, 1350, 821, 1437,
                  1500, 945, 1310, 306, 1500, 1500, 1253, 1500, 864, 1500], dtype=float)
INF = np.inf


def shown_tick_labels(ax, axis="x"):
    """(location, Text) of every non-empty tick label inside the view, after a draw."""
    ax.figure.canvas.draw()
    which = getattr(ax, f"{axis}axis")
    lo, hi = sorted(getattr(ax, f"get_{axis}lim")())
    shown = []
    for locs, labels in ((which.get_majorticklocs(), which.get_majorticklabels()),
                         (which.get_minorticklocs(), which.get_minorticklabels())):
        shown += [(loc, text) for loc, text in zip(locs, labels)
                  if lo * (1 - 1e-9) <= loc <= hi * (1 + 1e-9) and text.get_visible()
                  and text.get_text()]
    return sorted(shown, key=lambda pair: pair[0])


def number(text):
    """A tick label's number: "1000" or "63.2%" (as 0.632)."""
    text = text.replace("−", "-")
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def assert_readable(ax, axis="x"):
    """At least two tick labels, none overlapping its neighbour, each a plain number."""
    shown = shown_tick_labels(ax, axis)
    assert len(shown) >= 2, [t.get_text() for _, t in shown]
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for _, t in shown]
    for (_, a), (_, b), box_a, box_b in zip(shown, shown[1:], boxes, boxes[1:]):
        assert not box_a.overlaps(box_b), (a.get_text(), b.get_text())
    for loc, text in shown:  # "300", not "3×10²": the number itself
        assert number(text.get_text()) == pytest.approx(loc, rel=1e-12)
    return [t.get_text() for _, t in shown]


@pytest.mark.parametrize("times", [
    HOURS,                                            # 170 to 1500: under two decades
    np.array([5.1, 6.0, 7.2, 8.8, 9.9, 12.0, 14.5]),  # under one decade
    np.array([1010.0, 1030, 1045, 1060, 1080, 1100]),  # a few percent
    np.geomspace(1e-3, 1e5, 40),                      # eight decades
])
def test_a_log_time_axis_labels_only_numbers_that_fit_side_by_side(times):
    fit = fg.fit_mle("weibull", times, censored=times == 1500)
    ax = fit.plot_probability(name="hours")
    labels = assert_readable(ax)
    assert len(labels) <= 8


@pytest.mark.parametrize("n", [30, 3000])
@pytest.mark.parametrize("grid", [(1, 1), (2, 2)])
def test_probability_ticks_clear_each_other_on_a_figure_or_a_small_subplot(n, grid):
    x = 100 * np.random.default_rng(1).weibull(1.5, n)
    fit = fg.fit_mle("weibull", x)
    ax = fit.plot_probability(ax=matplotlib.pyplot.subplots(*grid)[1].flat[0] if grid != (1, 1)
                              else None)
    labels = assert_readable(ax, "y")
    assert {"10%", "63.2%"} <= set(labels) and len(labels) >= 4
    assert_readable(ax, "x")


def test_several_fits_on_lognormal_paper_keep_readable_axes():
    weibull = fg.fit_mle("weibull", HOURS, censored=HOURS == 1500)
    lognormal = fg.fit_mle("lognormal", HOURS, censored=HOURS == 1500)
    ax = weibull.plot_probability(lognormal, paper="lognormal", name="hours")
    assert_readable(ax)
    assert ax.get_xlabel() == "hours"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "hours (Johnson–Bernard)" and len(legend) == 3


def test_fits_to_different_data_name_their_points_apart():
    batch_a, batch_b = (100 * np.random.default_rng(s).weibull(k, 40) for s, k in ((1, 1.5),
                                                                                (2, 3.0)))
    fits = [fg.fit_mle("weibull", batch_a), fg.fit_mle("weibull", batch_b)]
    ax = fits[0].plot_probability(fits[1], label=["batch A", "batch B"], name="hours")
    assert legend(ax) == ["hours of batch A (Johnson–Bernard)",
                          "hours of batch B (Johnson–Bernard)", "batch A", "batch B"]
    ax = fits[0].plot_probability(fits[1])
    first, second = (plots.fit_label(f) for f in fits)
    assert legend(ax) == [f"data of {first} (Johnson–Bernard)",
                          f"data of {second} (Johnson–Bernard)", first, second]


# -- the rows in a survival plot's title: the summary's words, by weight, left apart --------

def cracks(weights):
    data = fg.IntervalData([0, 0, 6, 12, 18, 24, 9.5, 15.2, 20.1],
                           [6, 6, 12, 18, 24, INF, 9.5, 15.2, 20.1])
    return fg.fit_mle("weibull", data, weights=weights)


def test_an_interval_plot_title_counts_left_censored_rows_apart_by_weight():
    fit = cracks([3, 2, 7, 9, 6, 15, 1, 1, 1])
    ax = fit.plot_fit(name="months to crack")
    title = " ".join(ax.get_title().split())  # wrapped between phrases
    assert rows_text(fit.model) in title
    ax.figure.canvas.draw()
    assert ax.title.get_window_extent().width <= ax.get_window_extent().width
    assert "5 left-censored" in title and "22 interval-censored" in title
    assert "15 right-censored" in title and "3 failures" in title


def test_an_unweighted_interval_plot_title_counts_rows():
    fit = cracks(None)
    title = fit.plot_fit().get_title()
    assert title.splitlines()[1:] == ["9 rows: 3 failures, 1 right-censored, 2 left-censored,",
                                      "3 interval-censored"]
    title = " ".join(title.split())
    assert title.startswith("Weibull fit: survival")
    assert "9 rows: 3 failures, 1 right-censored, 2 left-censored, 3 interval-censored" in title


def test_a_right_censored_plot_title_is_the_summarys_row_description():
    fit = fg.fit_mle("weibull", HOURS, censored=HOURS == 1500)
    title = fit.plot_fit(name="hours").get_title()
    assert "30 rows: 20 failures, 10 right-censored" in title
    assert rows_text(fit.model) in str(fit.summary())


# -- overlays keep the axes' words -----------------------------------------------------------

@pytest.fixture
def bearings():
    return (fg.fit_mle("weibull", HOURS, censored=HOURS == 1500),
            fg.fit_mle("lognormal", HOURS, censored=HOURS == 1500))


def words(ax):
    return ax.get_title(), ax.get_xlabel(), ax.get_ylabel()


def legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_a_survival_overlay_keeps_the_title_and_labels_and_adds_to_the_legend(bearings):
    weibull, lognormal = bearings
    ax = weibull.plot_fit(name="hours")
    before, entries = words(ax), legend(ax)
    lognormal.plot_fit(ax=ax, data=False, label="lognormal", color="C2")
    assert words(ax) == before and before[1] == "hours"
    assert legend(ax) == entries + ["lognormal"]


def test_a_density_overlay_keeps_the_title_and_labels():
    x = np.random.default_rng(5).normal(52.0, 4.0, 200)
    normal = fg.fit_mle("normal", x)
    ax = normal.plot_fit(name="strength (MPa)")
    before = words(ax)
    fg.fit_mle("logistic", x).plot_fit(ax=ax, data=False)
    assert words(ax) == before
    assert legend(ax)[-1].startswith("Logistic (")


def test_a_count_overlay_keeps_the_title_and_integer_ticks():
    k = np.random.default_rng(8).negative_binomial(3, 0.45, 150)
    ax = fg.fit_mle("poisson", k).plot_fit(name="defects")
    before = words(ax)
    fg.fit_mle("negbinomial", k).plot_fit(ax=ax, data=False, label="negative binomial")
    assert words(ax) == before and "negative binomial" in legend(ax)
    labels = assert_readable(ax)
    assert all(number(s).is_integer() for s in labels)


def test_a_plot_on_fresh_axes_sets_its_words():
    left, right = matplotlib.pyplot.subplots(1, 2)[1]
    x = np.random.default_rng(5).normal(52.0, 4.0, 200)
    fg.fit_mle("normal", x).plot_fit(ax=right, data=False, name="strength")
    assert words(right) == ("Normal fit of strength: data and fitted density", "strength",
                            "density")
    assert words(left) == ("", "", "")


@pytest.mark.parametrize("kind", ["plot_qq", "plot_pp"])
def test_a_qq_or_pp_overlay_keeps_the_title_and_draws_one_reference_line(bearings, kind):
    weibull, lognormal = bearings
    ax = getattr(weibull, kind)(name="hours", label="Weibull")
    before = words(ax)
    getattr(lognormal, kind)(ax=ax, label="lognormal", color="C2")
    assert words(ax) == before
    assert legend(ax) == ["Weibull", "y = x", "lognormal"]
    assert len([ln for ln in ax.get_lines() if ln.get_label() == "y = x"]) == 1


def test_an_overlaid_profile_has_its_own_cut_off_and_bounds_in_its_colour():
    from scipy import stats
    x = 100 * np.random.default_rng(1).weibull(1.5, 200)
    whole, half = fg.fit_mle("weibull", x), fg.fit_mle("weibull", x[:100])
    ax = whole.plot_profile("shape")
    before = words(ax)
    half.plot_profile("shape", ax=ax, color="C2", label="first 100")
    assert words(ax) == before
    entries = legend(ax)
    assert len(entries) == len(set(entries)) == 6
    cut = [ln for ln in ax.get_lines() if ln.get_label() == "first 100: 95% cut-off"]
    assert len(cut) == 1 and cut[0].get_color() == "C2"
    assert cut[0].get_ydata()[0] == pytest.approx(half.loglik - stats.chi2.ppf(0.95, 1) / 2)
    lo, hi = half.confint(method="profile").loc["shape"]
    bounds = sorted(ln.get_xdata()[0] for ln in ax.get_lines()
                    if ln.get_linestyle() == ":" and ln.get_color() == "C2")
    assert bounds == pytest.approx([lo, hi], rel=1e-6)
