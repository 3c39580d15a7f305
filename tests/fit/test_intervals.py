"""Confidence intervals: Wald, log-scale Wald, profile likelihood, and the delta method."""

import math

import numpy as np
import pytest
from scipy import optimize, special, stats

import femtograd as fg
from femtograd.distributions import ExpLogLik, NormalLogLik, WeibullLogLik

Z95 = stats.norm.ppf(0.975)


def test_wald_interval_is_estimate_plus_minus_z_se(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data)
    ci = fit.confint(0.9, scale="natural")
    z = stats.norm.ppf(0.95)
    assert list(ci.columns) == ["lower", "upper"] and list(ci.index) == ["rate"]
    assert ci.loc["rate", "lower"] == pytest.approx(fit.params["rate"] - z * fit.se["rate"])
    assert ci.loc["rate", "upper"] == pytest.approx(fit.params["rate"] + z * fit.se["rate"])


def test_log_scale_wald_interval_stays_positive_and_is_symmetric_in_log(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data[:3])
    natural = fit.confint(0.999, scale="natural")
    logscale = fit.confint(0.999, scale="log")
    assert natural.loc["rate", "lower"] < 0 < logscale.loc["rate", "lower"]
    est, se = fit.params["rate"], fit.se["rate"]
    z = stats.norm.ppf(0.9995)
    assert math.log(logscale.loc["rate", "upper"]) == pytest.approx(math.log(est) + z * se / est)
    assert math.log(logscale.loc["rate", "lower"]) == pytest.approx(math.log(est) - z * se / est)


def test_log_scale_leaves_real_parameters_on_the_natural_scale(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    a, b = fit.confint(scale="log"), fit.confint(scale="natural")
    assert a.loc["mu"].tolist() == pytest.approx(b.loc["mu"].tolist())
    assert a.loc["sigma", "lower"] > b.loc["sigma", "lower"]


def test_profile_interval_of_a_one_parameter_model_is_the_likelihood_ratio_interval(exp_data):
    x, n = exp_data, len(exp_data)
    s = x.sum()
    rate = n / s
    ll = lambda r: n * math.log(r) - r * s
    cut = stats.chi2.ppf(0.95, 1) / 2
    lower = optimize.brentq(lambda r: ll(rate) - ll(r) - cut, 1e-9, rate, xtol=1e-14)
    upper = optimize.brentq(lambda r: ll(rate) - ll(r) - cut, rate, 100 * rate, xtol=1e-14)
    ci = fg.fit_mle(ExpLogLik, x).confint(method="profile")
    assert ci.loc["rate", "lower"] == pytest.approx(lower, rel=1e-9)
    assert ci.loc["rate", "upper"] == pytest.approx(upper, rel=1e-9)


def test_profile_interval_of_the_normal_mean_is_the_closed_form(normal_data):
    # profiling sigma out: 2·(ll_max − profile(mu)) = n·log(1 + (ȳ − mu)²/s²)
    y, n = normal_data, len(normal_data)
    s = y.std()
    half = s * math.sqrt(math.exp(stats.chi2.ppf(0.95, 1) / n) - 1)
    ci = fg.fit_mle(NormalLogLik, y).confint(method="profile")
    assert ci.loc["mu", "lower"] == pytest.approx(y.mean() - half, rel=1e-9)
    assert ci.loc["mu", "upper"] == pytest.approx(y.mean() + half, rel=1e-9)


def test_profile_interval_of_the_normal_sigma_solves_the_lr_equation(normal_data):
    y, n = normal_data, len(normal_data)
    s = y.std()
    # profile(sigma) with mu = ȳ: −n log σ − n s²/(2σ²); LR = n(r − 1 − log r), r = s²/σ²
    lr = lambda sigma: n * ((s / sigma) ** 2 - 1 - math.log((s / sigma) ** 2)) \
        - stats.chi2.ppf(0.95, 1)
    lower = optimize.brentq(lr, s / 2, s, xtol=1e-14)
    upper = optimize.brentq(lr, s, 2 * s, xtol=1e-14)
    ci = fg.fit_mle(NormalLogLik, y).confint(method="profile")
    assert ci.loc["sigma"].tolist() == pytest.approx([lower, upper], rel=1e-9)


def test_profile_interval_of_a_fixed_parameter_is_its_value(normal_data):
    ci = fg.fit_mle(NormalLogLik, normal_data, fixed={"mu": 3.0}).confint(method="profile")
    assert ci.loc["mu"].tolist() == [3.0, 3.0]


def test_a_profile_that_never_reaches_the_cut_off_warns_and_returns_the_open_bounds():
    # 2·(max − ll) never exceeds 2 < chi2(0.95, 1) = 3.84: the interval is the whole line
    def flat(a, data):
        return -data * fg.square(a) / (1 + fg.square(a))
    fit = fg.fit_mle(flat, 1.0, start={"a": 0.3})
    with pytest.warns(UserWarning, match="does not fall to the 95% cut-off"):
        ci = fit.confint(method="profile")
    assert ci.loc["a"].tolist() == [-math.inf, math.inf]


def test_bad_interval_arguments_are_value_errors(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data)
    with pytest.raises(ValueError, match="level"):
        fit.confint(1.5)
    with pytest.raises(ValueError, match="unknown interval method 'bayes'"):
        fit.confint(method="bayes")
    with pytest.raises(ValueError, match="unknown scale"):
        fit.confint(scale="sqrt")


def test_delta_method_se_of_the_exponential_mean_is_the_hand_derived_formula(exp_data):
    # mean = 1/rate; d/drate = −1/rate²; se = se(rate)/rate² = 1/(rate·sqrt(n))
    fit = fg.fit_mle(ExpLogLik, exp_data)
    d = fit.delta_method(lambda rate: 1 / rate)
    rate, n = fit.params["rate"], len(exp_data)
    assert d.estimate == pytest.approx(exp_data.mean())
    assert d.se == pytest.approx(1 / (rate * math.sqrt(n)), rel=1e-10)
    lo, hi = d.confint()
    assert (lo, hi) == pytest.approx((d.estimate - Z95 * d.se, d.estimate + Z95 * d.se))


def test_delta_method_se_of_the_weibull_mean_is_the_hand_derived_formula():
    x = stats.weibull_min.rvs(1.7, scale=120, size=200, random_state=np.random.default_rng(3))
    fit = fg.fit_mle(WeibullLogLik, x)
    k, lam = fit.params["shape"], fit.params["scale"]
    d = fit.delta_method(lambda shape, scale: scale * fg.exp(fg.lgamma(1 + 1 / shape)))
    g = math.gamma(1 + 1 / k)
    grad = np.array([-lam * g * special.digamma(1 + 1 / k) / k ** 2, g])
    se = math.sqrt(grad @ fit.cov.to_numpy() @ grad)
    assert d.estimate == pytest.approx(lam * g, rel=1e-12)
    assert d.se == pytest.approx(se, rel=1e-10)
    np.testing.assert_allclose(d.gradient, grad, rtol=1e-10)


def test_delta_method_accepts_arguments_by_name_in_any_order():
    x = stats.weibull_min.rvs(1.7, scale=120, size=50, random_state=np.random.default_rng(3))
    fit = fg.fit_mle(WeibullLogLik, x)
    t = 100.0
    reliability = fit.delta_method(lambda scale, shape: fg.exp(-(t / scale) ** shape))
    k, lam = fit.params["shape"], fit.params["scale"]
    assert reliability.estimate == pytest.approx(math.exp(-(t / lam) ** k))
    only_scale = fit.delta_method(lambda scale: 2 * scale)
    assert only_scale.se == pytest.approx(2 * fit.se["scale"])


def test_delta_method_level_outside_zero_one_is_a_value_error(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data)
    d = fit.delta_method(lambda rate: 1 / rate)
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1; got 1.5"):
        d.confint(1.5)
    with pytest.raises(ValueError, match="got 0"):
        fit.delta_method(lambda rate: 1 / rate, level=0)


@pytest.mark.parametrize("m", [1, 2, 3, 6])
def test_the_profiles_solve_for_the_others_is_the_linear_solve_or_none(m):
    from femtograd.fit.intervals import _solve_others
    rng = np.random.default_rng(m)
    a = rng.normal(size=(m, m))
    h_oo = -(a @ a.T + 0.1 * np.eye(m))  # negative definite
    g, h_oi = rng.normal(size=m), rng.normal(size=m)
    step, tangent = _solve_others(h_oo, g, h_oi)
    np.testing.assert_allclose(step, np.linalg.solve(-h_oo, g), rtol=1e-9)
    np.testing.assert_allclose(tangent, np.linalg.solve(-h_oo, h_oi), rtol=1e-9)
    assert _solve_others(-h_oo, g, h_oi) is None  # positive definite: no maximum in the others
    assert _solve_others(h_oo, g, np.full(m, np.nan)) is None
    h_oo[0, 0] = -np.inf  # infinite curvature: no step can be read off it
    assert _solve_others(h_oo, g, h_oi) is None
