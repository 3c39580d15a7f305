"""What the plots draw, numerically: the profile curve and the fitted curves (truncation too)."""

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import REGISTRY, WeibullLogLik
from femtograd.fit import plots

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def line(ax, label):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, [ln.get_label() for ln in ax.get_lines()]
    return np.asarray(found[0].get_xdata(), float), np.asarray(found[0].get_ydata(), float)


@pytest.mark.parametrize("param", ["location", "scale", "df"])
def test_the_profile_plot_draws_the_cold_start_profile_of_a_three_parameter_family(param):
    from femtograd.fit.intervals import Profiler
    x = 1.0 + 2.0 * np.random.default_rng(3).standard_t(5.0, 200)
    fit = fg.fit_mle(REGISTRY["studentt"], x)
    grid, curve = line(plots.plot_profile(fit, param, points=15), "profile log-likelihood")
    i = fit.param_names.index(param)
    cold = [Profiler(fit, i).loglik(v) for v in grid]   # a fresh profiler per point
    np.testing.assert_allclose(curve, cold, rtol=1e-11, atol=1e-9)
    assert curve.max() == pytest.approx(fit.loglik, abs=1e-9)
