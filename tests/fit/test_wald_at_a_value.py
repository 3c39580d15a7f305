"""Wald tests at a null value from one fit (no refitting), lrt with df= and raw
log-likelihoods, and a test's significant(alpha)."""

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import NormalLogLik, WeibullLogLik


def weibull_sample():
    return stats.weibull_min.rvs(1.3, scale=10, size=80, random_state=np.random.default_rng(5))


@pytest.fixture
def weibull_fit():
    return fg.fit_mle(WeibullLogLik, weibull_sample())


def test_one_parameter_is_the_squared_z_score(weibull_fit):
    fit = weibull_fit
    test = fit.wald_test({"shape": 1.0})
    z = (fit.params["shape"] - 1.0) / fit.se["shape"]
    assert test.statistic == pytest.approx(z ** 2, rel=1e-12)
    assert test.df == 1 and test.name == "Wald"
    assert test.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-10)
    # R's wald_test(fit, parm, null_value), and the refit-based test with fixed= agree
    assert fg.wald_test(fit, "shape", 1.0).statistic == test.statistic
    assert fit.wald_test("shape", 1.0).statistic == test.statistic
    restricted = fg.fit_mle(WeibullLogLik, weibull_sample(), fixed={"shape": 1.0})
    assert fg.wald_test(restricted, fit).statistic == pytest.approx(test.statistic, rel=1e-12)


def test_several_parameters_jointly_is_the_quadratic_form_in_the_covariance(weibull_fit):
    fit = weibull_fit
    null = np.array([1.0, 9.0])
    diff = fit.mle - null
    expected = diff @ np.linalg.solve(fit.cov.to_numpy(), diff)
    test = fit.wald_test({"shape": 1.0, "scale": 9.0})
    assert test.statistic == pytest.approx(expected, rel=1e-10)
    assert test.df == 2
    assert test.pvalue == pytest.approx(stats.chi2.sf(expected, 2), rel=1e-10)
    assert fit.wald_test(["shape", "scale"], [1.0, 9.0]).statistic == test.statistic


def test_a_linear_hypothesis_r_theta_equals_r(weibull_fit):
    """H0: scale − 8·shape = 0, by hand: (c·θ̂)² / (c V cᵀ)."""
    fit = weibull_fit
    c = np.array([-8.0, 1.0])
    expected = (c @ fit.mle) ** 2 / (c @ fit.cov.to_numpy() @ c)
    test = fit.wald_test(([c], [0.0]))
    assert test.statistic == pytest.approx(expected, rel=1e-10) and test.df == 1
    # the unit rows of a dict hypothesis are the same test
    both = fit.wald_test((np.eye(2), [1.0, 9.0]))
    assert both.statistic == pytest.approx(fit.wald_test({"shape": 1.0, "scale": 9.0}).statistic,
                                           rel=1e-12)


def test_normal_mean_wald_statistic_is_n_times_squared_distance_over_the_mle_variance():
    y = np.random.default_rng(2).normal(3.0, 2.0, 100)
    fit = fg.fit_mle(NormalLogLik, y)
    assert fit.wald_test({"mu": 2.7}).statistic == pytest.approx(
        len(y) * (y.mean() - 2.7) ** 2 / y.var(), rel=1e-9)


@pytest.mark.parametrize("n", [1_000, 100_000])
def test_wald_at_two_standard_errors_approaches_the_lrt_as_n_grows(n):
    """At a null two standard errors from the estimate W = 4 exactly; the LRT of the same
    null (a refit with the shape fixed) differs by O(1/√n)."""
    x = stats.weibull_min.rvs(1.5, scale=2.0, size=n, random_state=np.random.default_rng(n))
    fit = fg.fit_mle(WeibullLogLik, x)
    null = float(fit.params["shape"] - 2.0 * fit.se["shape"])
    wald = fit.wald_test({"shape": null})
    assert wald.statistic == pytest.approx(4.0, rel=1e-10)
    lr = fg.lrt(fg.fit_mle(WeibullLogLik, x, fixed={"shape": null}), fit)
    assert 0 < lr.statistic - wald.statistic < 5.0 / np.sqrt(n)  # here about 3/√n


def test_a_fixed_parameter_cannot_be_tested():
    fit = fg.fit_mle(WeibullLogLik, weibull_sample(), fixed={"shape": 1.3})
    with pytest.raises(ValueError, match=r"fixed parameter\(s\) \['shape'\]"):
        fit.wald_test({"shape": 1.0})
    assert fit.wald_test({"scale": 10.0}).df == 1


@pytest.mark.parametrize("hypothesis, error, message", [
    ({"rate": 1.0}, ValueError, "unknown parameter 'rate'"),
    ({}, ValueError, "names no parameter"),
    ({"shape": "one"}, TypeError, "must be a number"),
    (3.0, TypeError, "a hypothesis is a dict"),
    (([[1.0, 0.0, 0.0]], [1.0]), ValueError, r"R of shape \(q, 2\)"),
    (([[1.0, 0.0], [2.0, 0.0]], [1.0, 2.0]), ValueError, "linearly dependent"),
    (([[np.nan, 0.0]], [1.0]), ValueError, "finite"),
])
def test_bad_hypotheses_are_errors_naming_the_problem(weibull_fit, hypothesis, error, message):
    with pytest.raises(error, match=message):
        weibull_fit.wald_test(hypothesis)


@pytest.mark.parametrize("value, error, message", [
    ([1.0], ValueError, r"1 null values for the 2 parameters \['shape', 'scale'\]"),
    ("one", TypeError, "null value of shape must be a number"),
])
def test_bad_null_values_for_named_parameters_are_errors(weibull_fit, value, error, message):
    with pytest.raises(error, match=message):
        weibull_fit.wald_test(["shape", "scale"], value)


# -- lrt: df= and raw log-likelihoods (R's lrt(null, alt, df)) ----------------------------------
def test_lrt_of_raw_log_likelihoods_needs_df_and_matches_chi2():
    test = fg.lrt(-150.0, -140.0, df=2)
    assert test.statistic == 20.0 and test.df == 2
    assert test.pvalue == pytest.approx(stats.chi2.sf(20.0, 2), rel=1e-12)
    with pytest.raises(TypeError, match="log-likelihoods given as numbers need df="):
        fg.lrt(-150.0, -140.0)


def test_lrt_df_overrides_the_difference_in_free_parameters(weibull_fit):
    restricted = fg.fit_mle(WeibullLogLik, weibull_sample(), fixed={"shape": 1.0})
    plain = fg.lrt(restricted, weibull_fit)
    halved = fg.lrt(restricted, weibull_fit, df=2)
    assert halved.statistic == plain.statistic and halved.df == 2
    assert halved.pvalue == pytest.approx(stats.chi2.sf(plain.statistic, 2), rel=1e-12)
    assert fg.lrt(restricted.loglik, weibull_fit, df=1).pvalue == pytest.approx(plain.pvalue)


@pytest.mark.parametrize("df", [0, 1.5, True, -1])
def test_lrt_df_must_be_a_positive_integer(df):
    with pytest.raises(ValueError, match="df must be an integer >= 1"):
        fg.lrt(-150.0, -140.0, df=df)


def test_lrt_of_non_finite_log_likelihoods_is_an_error():
    with pytest.raises(ValueError, match="finite"):
        fg.lrt(-np.inf, -140.0, df=1)


# -- significant(alpha): R's is_significant_at -------------------------------------------------
def test_significant_compares_the_pvalue_with_alpha():
    test = fg.lrt(-100.0, -98.0, df=1)  # statistic 4, p = 0.0455
    assert test.significant(0.05) and test.significant() and not test.significant(0.01)
    assert test.significant(0.05) is True


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, "0.05", np.nan])
def test_significant_rejects_an_alpha_outside_zero_one(alpha):
    with pytest.raises(ValueError, match="alpha must be a number strictly between 0 and 1"):
        fg.lrt(-100.0, -98.0, df=1).significant(alpha)
