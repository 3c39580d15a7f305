"""Lifetime summaries against closed forms, scipy quadrature and finite-difference delta methods."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

import femtograd as fg
from femtograd.distributions import (REGISTRY, ExpLogLik, LogLogisticLogLik, PoissonLogLik,
                                     WeibullLogLik)


@pytest.fixture(scope="module")
def weibull():
    rng = np.random.default_rng(12)
    t = 10 * rng.weibull(1.5, 120)
    c = rng.uniform(5, 25, 120)
    return fg.fit_mle(WeibullLogLik, np.minimum(t, c), censored=t > c)


def fd_se(fit, quantity, h=1e-6):
    """Delta-method SE with a central-difference gradient of `quantity(params)`."""
    theta = np.asarray(fit.mle, float)
    grad = np.array([(quantity(theta + h * e * abs(v)) - quantity(theta - h * e * abs(v)))
                     / (2 * h * abs(v)) for e, v in zip(np.eye(theta.size), theta)])
    return math.sqrt(grad @ fit.cov.to_numpy() @ grad)


def test_weibull_mttf_is_scale_gamma_with_the_closed_form_delta_method(weibull):
    out = weibull.mean()
    ref = weibull.delta_method(lambda shape, scale: scale * fg.exp(fg.lgamma(1 + 1 / shape)))
    assert out.loc["mean", "estimate"] == pytest.approx(ref.estimate, rel=1e-10)
    assert out.loc["mean", "se"] == pytest.approx(ref.se, rel=1e-8)
    z = stats.norm.ppf(0.975)
    lower = ref.estimate * math.exp(-z * ref.se / ref.estimate)
    assert out.loc["mean", "lower"] == pytest.approx(lower, rel=1e-8)


@pytest.mark.parametrize("family, draw, closed", [
    ("lognormal", lambda r: r.lognormal(1.0, 0.6, 100), lambda m: math.exp(m[0] + m[1] ** 2 / 2)),
    ("gamma", lambda r: r.gamma(2.0, 3.0, 100), lambda m: m[0] / m[1]),
    ("exp", lambda r: r.exponential(4.0, 100), lambda m: 1 / m[0]),
    ("loglogistic", lambda r: stats.fisk.rvs(3.0, scale=2.0, size=100, random_state=r),
     lambda m: m[1] * (math.pi / m[0]) / math.sin(math.pi / m[0])),
    ("inversegaussian", lambda r: r.wald(2.0, 5.0, 100), lambda m: m[0]),
    ("beta", lambda r: r.beta(2.0, 5.0, 100), lambda m: m[0] / (m[0] + m[1])),   # on [0, 1]
])
def test_the_mean_of_each_lifetime_family_is_its_closed_form(family, draw, closed):
    fit = fg.fit_mle(REGISTRY[family], draw(np.random.default_rng(3)))
    out = fit.mean()
    assert out.loc["mean", "estimate"] == pytest.approx(closed(fit.mle), rel=1e-9)
    assert out.loc["mean", "se"] == pytest.approx(fd_se(fit, closed), rel=1e-5)


def test_a_heavy_tailed_log_logistic_with_shape_above_one_still_integrates():
    fit = fg.fit_mle(LogLogisticLogLik, stats.fisk.rvs(1.3, scale=2.0, size=400,
                                                       random_state=np.random.default_rng(1)))
    k, scale = fit.mle
    assert k < 1.6
    assert fit.mean().loc["mean", "estimate"] == pytest.approx(
        scale * (math.pi / k) / math.sin(math.pi / k), rel=1e-8)


def test_rmst_and_mean_residual_life_match_quadrature_of_scipys_survival(weibull):
    shape, scale = weibull.mle

    def sf(theta):
        return stats.weibull_min(theta[0], scale=theta[1]).sf

    t = np.array([2.0, 8.0, 20.0])
    out = weibull.rmst(t)
    for ti, (est, se) in zip(t, out[["estimate", "se"]].to_numpy()):
        def area(theta, ti=ti):
            return integrate.quad(sf(theta), 0, ti, epsabs=1e-13, epsrel=1e-12)[0]
        assert est == pytest.approx(area(weibull.mle), rel=1e-10)
        assert se == pytest.approx(fd_se(weibull, area), rel=1e-5)
    out = weibull.mean_residual_life(t)
    for ti, (est, se) in zip(t, out[["estimate", "se"]].to_numpy()):
        def residual(theta, ti=ti):
            return (integrate.quad(sf(theta), ti, np.inf, epsabs=1e-13, epsrel=1e-12)[0]
                    / sf(theta)(ti))
        assert est == pytest.approx(residual(weibull.mle), rel=1e-9)
        assert se == pytest.approx(fd_se(weibull, residual), rel=1e-5)


def test_the_exponential_has_no_memory():
    fit = fg.fit_mle(ExpLogLik, np.random.default_rng(2).exponential(3.0, 50))
    rate, se = fit.params["rate"], fit.se["rate"]
    mrl = fit.mean_residual_life([0.5, 5.0, 50.0])
    np.testing.assert_allclose(mrl["estimate"], 1 / rate, rtol=1e-10)
    np.testing.assert_allclose(mrl["se"], se / rate ** 2, rtol=1e-8)
    cond = fit.conditional_sf([1.0, 10.0], 2.0)
    np.testing.assert_allclose(cond["estimate"], math.exp(-2 * rate), rtol=1e-12)
    np.testing.assert_allclose(cond["se"], 2 * math.exp(-2 * rate) * se, rtol=1e-8)


def test_conditional_reliability_of_a_weibull_is_the_ratio_of_survivals(weibull):
    out = weibull.conditional_sf(t=[3.0, 10.0], s=[5.0, 1.0])
    assert list(out.index) == [(3.0, 5.0), (10.0, 1.0)]
    for (t, s), (est, se, lo, hi) in zip(out.index, out.to_numpy()):
        ref = weibull.delta_method(lambda shape, scale, t=t, s=s: fg.exp(
            (t / scale) ** shape - ((t + s) / scale) ** shape))
        assert est == pytest.approx(ref.estimate, rel=1e-12)
        assert se == pytest.approx(ref.se, rel=1e-8)
        assert lo < est < hi < 1


def test_a_truncated_exponential_mean_is_the_truncation_point_plus_the_mean_life():
    a = 2.0
    x = a + np.random.default_rng(5).exponential(3.0, 80)
    fit = fg.fit_mle(ExpLogLik, x, truncation=(a, None))
    rate = fit.params["rate"]
    assert fit.mean().loc["mean", "estimate"] == pytest.approx(a + 1 / rate, rel=1e-9)
    assert fit.rmst(a + 1.0).iloc[0]["estimate"] == pytest.approx(
        (1 - math.exp(-rate)) / rate, rel=1e-9)


def test_median_is_the_half_quantile(weibull):
    out = weibull.median()
    ref = weibull.quantile(0.5)
    assert list(out.index) == ["median"]
    np.testing.assert_allclose(out.to_numpy(), ref.to_numpy())


def test_summaries_that_do_not_exist_are_refused():
    heavy = fg.fit_mle(LogLogisticLogLik, stats.fisk.rvs(0.8, scale=2.0, size=200,
                                                         random_state=np.random.default_rng(1)))
    with pytest.raises(ValueError, match="too heavy to integrate"):
        heavy.mean()
    normal = fg.fit_mle(REGISTRY["normal"], np.random.default_rng(1).normal(0, 1, 30))
    with pytest.raises(ValueError, match="whole real line"):
        normal.mean()
    counts = fg.fit_mle(PoissonLogLik, np.random.default_rng(1).poisson(2.0, 30))
    with pytest.raises(TypeError, match="discrete"):
        counts.rmst(3.0)
    fit = fg.fit_mle(ExpLogLik, np.random.default_rng(2).exponential(3.0, 50))
    with pytest.raises(ValueError, match=r"t\[1\] is -1.0"):
        fit.rmst([1.0, -1.0])
    with pytest.raises(ValueError, match="s must be positive"):
        fit.conditional_sf(1.0, 0.0)


def test_a_weibull_truncated_above_has_the_mean_of_the_truncated_distribution():
    b = 12.0
    x = 10 * np.random.default_rng(4).weibull(1.5, 300)
    fit = fg.fit_mle(WeibullLogLik, x[x <= b], truncation=(None, b))
    ref = stats.weibull_min(fit.mle[0], scale=fit.mle[1])
    mean = integrate.quad(lambda s: s * ref.pdf(s), 0, b, epsabs=1e-13)[0] / ref.cdf(b)
    assert fit.mean().loc["mean", "estimate"] == pytest.approx(mean, rel=1e-9)
    with pytest.raises(ValueError, match="beyond the distribution's upper end"):
        fit.conditional_sf(10.0, 5.0)


@pytest.mark.parametrize("family", ["weibull", "lognormal", "gamma", "exp", "loglogistic"])
def test_at_age_zero_conditional_survival_is_survival_and_residual_life_is_the_mean(family):
    x = 100 * np.random.default_rng(1).weibull(1.5, 50)
    fit = fg.fit_mle(family, x)
    new = fit.conditional_sf(0.0, [50.0, 100.0])
    np.testing.assert_allclose(new[["estimate", "se"]].to_numpy(),
                               fit.sf([50.0, 100.0])[["estimate", "se"]].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(fit.mean_residual_life(0.0)[["estimate", "se"]].to_numpy(),
                               fit.mean()[["estimate", "se"]].to_numpy(), rtol=1e-7)
    with pytest.raises(ValueError, match=r"range \[0, inf\); t\[0\] is -1"):
        fit.conditional_sf(-1.0, 10.0)
