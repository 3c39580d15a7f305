"""What the plots draw, numerically: the profile curve and the fitted curves (truncation too)."""

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import REGISTRY, WeibullLogLik
from femtograd.fit import plots
from femtograd.fit.nonparametric import kaplan_meier

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


from ._plotting import close_figures  # noqa: F401  (autouse: figures closed after each test)
from ._plotting import line


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


# -- the fitted curves of a truncated model are the truncated distribution's ---------------

def hazen(n):
    """Empirical probabilities the Q-Q and P-P plots use for n distinct uncensored values."""
    return (np.arange(1, n + 1) - 0.5) / n


def points(ax):
    """The (x, y) data of a Q-Q or P-P plot's points (its first line; the second is y = x)."""
    first = ax.get_lines()[0]
    assert first.get_marker() == "o"
    return np.asarray(first.get_xdata(), float), np.asarray(first.get_ydata(), float)


@pytest.fixture(scope="module")
def truncated_normal():
    a, b = -1.0, 2.5
    ref = stats.truncnorm((a - 0.5) / 1.5, (b - 0.5) / 1.5, loc=0.5, scale=1.5)
    x = ref.rvs(size=150, random_state=np.random.default_rng(4))
    fit = fg.fit_mle(REGISTRY["normal"], x, truncation=(a, b))
    mu, sigma = fit.mle
    return fit, np.sort(x), stats.truncnorm((a - mu) / sigma, (b - mu) / sigma, loc=mu,
                                            scale=sigma)


def test_the_density_of_a_truncated_fit_is_scipys_truncated_normal(truncated_normal):
    fit, x, ref = truncated_normal
    grid, density = line(plots.plot_fit(fit, label="fitted density"), "fitted density")
    np.testing.assert_allclose(density, ref.pdf(grid), rtol=1e-10, atol=1e-14)
    # zero outside the bounds, the full truncated height at them (no slope drawn across)
    assert density[grid < -1.0].max() == 0 and density[grid > 2.5].max() == 0
    assert {-1.0, 2.5} <= set(grid)
    assert density[grid == -1.0][0] == pytest.approx(ref.pdf(-1.0), rel=1e-10)
    assert density[grid == -1.0][0] > 0.05
    # the untruncated normal would have been visibly lower inside the bounds
    untruncated = stats.norm(*fit.mle).pdf(grid)
    assert np.max(density - untruncated) > 0.02


def test_the_qq_and_pp_plots_of_a_truncated_fit_use_the_truncated_quantiles(truncated_normal):
    fit, x, ref = truncated_normal
    p = hazen(x.size)
    fitted, observed = points(plots.plot_qq(fit))
    np.testing.assert_array_equal(observed, x)
    np.testing.assert_allclose(fitted, ref.ppf(p), rtol=1e-9, atol=1e-12)
    fitted, empirical = points(plots.plot_pp(fit))
    np.testing.assert_allclose(empirical, p, rtol=1e-12)
    np.testing.assert_allclose(fitted, ref.cdf(x), rtol=1e-10, atol=1e-14)


def test_a_censored_truncated_weibull_draws_the_truncated_survival_against_kaplan_meier():
    a, b = 2.0, 30.0
    rng = np.random.default_rng(6)
    t = stats.truncate(stats.make_distribution(stats.weibull_min)(c=1.5) * 10.0, a, b) \
        .sample(200, rng=rng)
    censored = t > 18.0
    fit = fg.fit_mle(WeibullLogLik, np.minimum(t, 18.0), censored=censored, truncation=(a, b))
    shape, scale = fit.mle
    ref = stats.truncate(stats.make_distribution(stats.weibull_min)(c=shape) * scale, a, b)
    grid, surv = line(plots.plot_fit(fit, label="fitted survival"), "fitted survival")
    inside = (grid >= a) & (grid <= b)
    np.testing.assert_allclose(surv[inside], ref.ccdf(grid[inside]), rtol=1e-9, atol=1e-13)
    np.testing.assert_array_equal(surv[grid < a], 1.0)   # nothing is observed below a
    # Q-Q at the Kaplan-Meier positions, P-P at the event times
    km = kaplan_meier(np.minimum(t, 18.0), censored)
    times, km = km.time, km.survival
    p = 1.0 - (np.concatenate([[1.0], km[:-1]]) + km) / 2
    fitted, observed = points(plots.plot_qq(fit))
    np.testing.assert_array_equal(observed, times)
    np.testing.assert_allclose(fitted, ref.icdf(p), rtol=1e-8)
    fitted, _ = points(plots.plot_pp(fit))
    np.testing.assert_allclose(fitted, ref.cdf(times), rtol=1e-9, atol=1e-13)


def test_a_truncation_far_in_the_upper_tail_keeps_its_digits():
    # exponential data observed only beyond 40 mean lifetimes: F(40) rounds to 1, so the
    # truncated curves must come from survival differences; by memorylessness the truncated
    # exponential is the exponential shifted to start at 40
    a = 40.0
    x = np.sort(a + np.random.default_rng(7).exponential(1.0, 100))
    fit = fg.fit_mle(REGISTRY["exp"], x, truncation=(a, None))
    ref = stats.expon(loc=a, scale=1 / fit.params["rate"])
    grid, density = line(plots.plot_fit(fit, label="fitted density"), "fitted density")
    np.testing.assert_allclose(density, ref.pdf(grid), rtol=1e-9, atol=1e-14)
    fitted, _ = points(plots.plot_qq(fit))
    np.testing.assert_allclose(fitted, ref.ppf(hazen(x.size)), rtol=1e-12)
    fitted, _ = points(plots.plot_pp(fit))
    np.testing.assert_allclose(fitted, ref.cdf(x), rtol=1e-9, atol=1e-14)


def test_a_zero_truncated_poisson_draws_the_renormalized_probabilities():
    rng = np.random.default_rng(9)
    k = rng.poisson(1.2, 400)
    k = k[k > 0].astype(float)
    fit = fg.fit_mle(REGISTRY["poisson"], k, truncation=(0, None))   # counts in (0, inf]
    mu = fit.params["rate"]
    values, probs = line(plots.plot_fit(fit, label="fitted"), "fitted")
    np.testing.assert_array_equal(values, np.arange(1, k.max() + 1))
    expected = stats.poisson.pmf(values, mu) / stats.poisson.sf(0, mu)
    np.testing.assert_allclose(probs, expected, rtol=1e-12)
    fitted, _ = points(plots.plot_pp(fit))
    t = np.unique(k)
    np.testing.assert_allclose(fitted, (stats.poisson.cdf(t, mu) - stats.poisson.cdf(0, mu))
                               / stats.poisson.sf(0, mu), rtol=1e-12)
    # quantiles stay in the truncated support, even where p·(1 − F(0)) vanishes beside F(0)
    # (the smallest count k >= 1 whose truncated CDF reaches p)
    probs = np.array([1e-17, 1e-9, 0.3, 0.5, 0.9, 0.999])
    counts = np.arange(1, 40)
    cdf = (stats.poisson.cdf(counts, mu) - stats.poisson.cdf(0, mu)) / stats.poisson.sf(0, mu)
    expected = [counts[np.argmax(cdf >= p)] for p in probs]
    assert plots.fitted_quantiles(fit, probs).tolist() == expected


def test_an_untruncated_fit_draws_the_plain_fitted_distribution():
    x = stats.weibull_min.rvs(1.5, scale=10, size=80, random_state=np.random.default_rng(2))
    fit = fg.fit_mle(WeibullLogLik, x)
    grid, density = line(plots.plot_fit(fit, label="fitted density"), "fitted density")
    np.testing.assert_allclose(density, stats.weibull_min(fit.mle[0], scale=fit.mle[1])
                               .pdf(grid), rtol=1e-12, atol=1e-300)
