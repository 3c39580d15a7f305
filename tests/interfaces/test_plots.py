"""Plots render to non-empty PNGs with the Agg backend; matplotlib stays optional."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import femtograd as fg
from femtograd.fit import plots
from femtograd.fit.nonparametric import kaplan_meier
from femtograd.distributions import PoissonLogLik, WeibullLogLik

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fits():
    rng = np.random.default_rng(8)
    t = 900.0 * rng.weibull(1.7, 40)
    return {
        "exact": fg.fit_mle(WeibullLogLik, t),
        "censored": fg.fit_mle(WeibullLogLik, np.minimum(t, 1200.0), censored=t > 1200.0),
        "weighted": fg.fit_mle(WeibullLogLik, t, weights=rng.integers(1, 4, 40)),
        "counts": fg.fit_mle(PoissonLogLik, rng.poisson(3.0, 60)),
        "interval": fg.fit_mle(WeibullLogLik, fg.IntervalData(np.floor(t / 100) * 100,
                                                              np.floor(t / 100) * 100 + 100)),
    }


def save(ax, path):
    import matplotlib.pyplot as plt
    ax.figure.savefig(path)
    plt.close(ax.figure)
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("kind", ["exact", "censored", "weighted", "counts", "interval"])
def test_every_plot_writes_a_non_empty_png_for_every_censoring_layout(fits, kind, tmp_path):
    fit = fits[kind]
    for name in ("plot_qq", "plot_pp", "plot_fit", "plot_probability"):
        if name == "plot_probability" and kind == "counts":
            with pytest.raises(ValueError, match="discrete"):
                fit.plot_probability()
            continue
        save(getattr(fit, name)(), tmp_path / f"{name}.png")


def test_profile_plot_marks_the_profile_interval(fits, tmp_path):
    fit = fits["censored"]
    ax = plots.plot_profile(fit, "shape", points=15)
    lower, upper = fit.confint(method="profile").loc["shape"]
    marked = sorted(line.get_xdata()[0] for line in ax.get_lines()
                    if len(set(line.get_xdata())) == 1 and line.get_linestyle() == ":")
    np.testing.assert_allclose(marked, [lower, upper])
    save(ax, tmp_path / "profile.png")


def test_the_fit_object_has_thin_plot_methods(fits, tmp_path):
    fit = fits["exact"]
    save(fit.plot_profile("scale", points=11), tmp_path / "a.png")
    for name in ("plot_qq", "plot_pp", "plot_fit"):
        save(getattr(fit, name)(), tmp_path / f"{name}.png")


def test_censored_fit_plot_is_kaplan_meier_against_fitted_survival(fits):
    fit = fits["censored"]
    ax = plots.plot_fit(fit)
    assert ax.get_title() == "Weibull fit: survival\n40 rows: 36 failures, 4 right-censored"
    shape, scale = fit.mle
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {
        "Kaplan–Meier", "censored", f"Weibull (shape={shape:.4g}, scale={scale:.4g})"}


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    km = kaplan_meier([3.0, 1.0, 2.0, 2.0])
    np.testing.assert_allclose(km.time, [1, 2, 3])
    np.testing.assert_allclose(km.survival, [0.75, 0.25, 0.0])


def test_kaplan_meier_with_censoring_and_weights_counts_rows_w_times():
    km = kaplan_meier([1.0, 2.0, 3.0, 4.0], censored=[False, True, False, False],
                      weights=[2, 1, 1, 1])
    # 5 at risk, 2 fail at 1; one censored at 2; 2 at risk at 3, 1 at 4
    np.testing.assert_allclose(km.time, [1, 3, 4])
    np.testing.assert_allclose(km.survival, [3 / 5, 3 / 5 * 1 / 2, 0.0])


def test_a_plain_function_fit_has_a_profile_plot_but_no_distribution_plots(tmp_path):
    def loglike_exp(rate, data):
        return fg.log(rate) * len(data) - rate * fg.sum(data)
    fit = fg.fit_mle(loglike_exp, np.array([0.5, 1.2, 0.3, 2.0]), start={"rate": 1.0},
                     constraints={"rate": "positive"})
    save(plots.plot_profile(fit, "rate", points=11), tmp_path / "p.png")
    with pytest.raises(TypeError, match="plain log-likelihood function"):
        plots.plot_qq(fit)


def test_an_unknown_or_fixed_parameter_has_no_profile_plot(fits):
    with pytest.raises(ValueError, match="'rate'"):
        plots.plot_profile(fits["exact"], "rate")
    x = np.random.default_rng(1).weibull(2.0, 30)
    with pytest.raises(ValueError, match="'shape' is fixed"):
        plots.plot_profile(fg.fit_mle(WeibullLogLik, x, fixed={"shape": 2.0}), "shape")


def test_without_matplotlib_a_plot_raises_import_error_naming_the_extra(fits, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"femtograd\[plot\]"):
        plots.plot_fit(fits["exact"])


def test_importing_femtograd_does_not_import_matplotlib():
    code = "import sys, femtograd; print('matplotlib' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.stdout.strip() == "False", done.stderr
