"""Likelihood-ratio, Wald and score tests of a restricted fit against the full one."""

import math

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import ExpLogLik, NormalLogLik, WeibullLogLik


@pytest.fixture
def weibull_data():
    return stats.weibull_min.rvs(1.3, scale=10, size=80, random_state=np.random.default_rng(5))


def test_lrt_statistic_df_and_pvalue_match_scipy_chi2(weibull_data):
    full = fg.fit_mle(WeibullLogLik, weibull_data)
    restricted = fg.fit_mle(WeibullLogLik, weibull_data, fixed={"shape": 1.0})
    test = fg.lrt(restricted, full)
    stat = 2 * (full.loglik - restricted.loglik)
    assert test.statistic == pytest.approx(stat, rel=1e-12)
    assert test.df == 1
    assert test.pvalue == pytest.approx(stats.chi2.sf(stat, 1), rel=1e-12)


def test_shape_one_weibull_restriction_is_the_exponential_fit(weibull_data):
    restricted = fg.fit_mle(WeibullLogLik, weibull_data, fixed={"shape": 1.0})
    exp = fg.fit_mle(ExpLogLik, weibull_data)
    assert restricted.loglik == pytest.approx(exp.loglik, rel=1e-12)
    assert restricted.params["scale"] == pytest.approx(1 / exp.params["rate"], rel=1e-10)
    # nested across families: the exponential is the Weibull with shape 1
    assert fg.lrt(exp, fg.fit_mle(WeibullLogLik, weibull_data)).df == 1


def test_wald_and_score_tests_of_the_normal_mean_match_hand_formulas(normal_data):
    y, n, mu0 = normal_data, len(normal_data), 2.7
    full = fg.fit_mle(NormalLogLik, y)
    restricted = fg.fit_mle(NormalLogLik, y, fixed={"mu": mu0})
    s2 = y.var()
    wald = fg.wald_test(restricted, full)
    assert wald.statistic == pytest.approx(n * (y.mean() - mu0) ** 2 / s2, rel=1e-9)
    assert wald.pvalue == pytest.approx(stats.chi2.sf(wald.statistic, 1))
    # score: U and the observed information of (mu, sigma) at (mu0, sigma0)
    s0 = math.sqrt(np.mean((y - mu0) ** 2))
    u = np.array([n * (y.mean() - mu0) / s0 ** 2, 0.0])
    info = np.array([[n / s0 ** 2, 2 * n * (y.mean() - mu0) / s0 ** 3],
                     [2 * n * (y.mean() - mu0) / s0 ** 3, 2 * n / s0 ** 2]])
    score = fg.score_test(restricted, full)
    assert score.statistic == pytest.approx(u @ np.linalg.solve(info, u), rel=1e-9)
    assert score.df == 1


def test_the_three_tests_agree_asymptotically(weibull_data):
    full = fg.fit_mle(WeibullLogLik, weibull_data)
    restricted = fg.fit_mle(WeibullLogLik, weibull_data, fixed={"shape": 1.2})
    stats_ = [t(restricted, full).statistic for t in (fg.lrt, fg.wald_test, fg.score_test)]
    assert max(stats_) - min(stats_) < 0.5


def test_tests_reject_fits_in_the_wrong_order_or_of_different_data(weibull_data):
    full = fg.fit_mle(WeibullLogLik, weibull_data)
    restricted = fg.fit_mle(WeibullLogLik, weibull_data, fixed={"shape": 1.0})
    with pytest.raises(ValueError, match="pass restricted first"):
        fg.lrt(full, restricted)
    other = fg.fit_mle(WeibullLogLik, weibull_data[:40])
    with pytest.raises(ValueError, match="different data"):
        fg.lrt(restricted, other)
    with pytest.raises(ValueError, match="same model"):
        fg.wald_test(fg.fit_mle(ExpLogLik, weibull_data), full)


@pytest.mark.parametrize("test", [fg.lrt, fg.wald_test, fg.score_test])
@pytest.mark.parametrize("role", ["restricted", "full"])
def test_a_test_given_something_other_than_a_fit_is_a_type_error_naming_it(weibull_data, test,
                                                                           role):
    fit = fg.fit_mle(WeibullLogLik, weibull_data)
    args = (3.0, fit) if role == "restricted" else (fit, [1.0])
    with pytest.raises(TypeError, match=f"{test.__name__} needs two fits from fit_mle.*the "
                                        f"{role} one is (float|list)"):
        test(*args)
