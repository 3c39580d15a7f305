"""Bootstrap: nonparametric (multinomial counts as weights) and parametric (simulate)."""

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import ExpLogLik, WeibullLogLik

from .conftest import loglike_exp


@pytest.fixture
def censored_weibull():
    x = stats.weibull_min.rvs(1.5, scale=10, size=120, random_state=np.random.default_rng(21))
    censored = x > 14
    return np.minimum(x, 14), censored


def test_nonparametric_bootstrap_se_is_close_to_the_observed_information_se():
    x = np.random.default_rng(4).exponential(2.0, 200)
    fit = fg.fit_mle(ExpLogLik, x)
    boot = fit.bootstrap(n=300, seed=1)
    assert boot.failed == 0 and boot.estimates.shape == (300, 1)
    assert boot.se["rate"] == pytest.approx(fit.se["rate"], rel=0.15)
    ci = boot.confint(0.9)
    assert list(ci.columns) == ["lower", "upper"]
    lo, hi = ci.loc["rate"]
    assert lo < fit.params["rate"] < hi
    assert lo == pytest.approx(boot.estimates["rate"].quantile(0.05))


def test_bootstrap_with_a_seed_is_reproducible(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data)
    a, b = fit.bootstrap(n=20, seed=7), fit.bootstrap(n=20, seed=7)
    np.testing.assert_array_equal(a.estimates.to_numpy(), b.estimates.to_numpy())


@pytest.mark.parametrize("kind", ["nonparametric", "parametric"])
def test_bootstrap_of_right_censored_data_keeps_the_censoring(censored_weibull, kind):
    t, censored = censored_weibull
    fit = fg.fit_mle(WeibullLogLik, t, censored=censored)
    boot = fit.bootstrap(n=60, kind=kind, seed=3)
    assert boot.failed == 0 and boot.kind == kind
    assert boot.se["shape"] == pytest.approx(fit.se["shape"], rel=0.4)
    ci = boot.confint()
    assert ci.loc["shape", "lower"] < fit.params["shape"] < ci.loc["shape", "upper"]


def test_bootstrap_keeps_fixed_parameters_fixed(censored_weibull):
    t, censored = censored_weibull
    fit = fg.fit_mle(WeibullLogLik, t, censored=censored, fixed={"shape": 1.5})
    boot = fit.bootstrap(n=10, seed=0)
    assert (boot.estimates["shape"] == 1.5).all()


def test_plain_function_bootstraps_nonparametrically_and_refuses_parametric(exp_data):
    fit = fg.fit_mle(loglike_exp, exp_data, start={"rate": 1.0}, constraints={"rate": "positive"})
    boot = fit.bootstrap(n=30, seed=2)
    assert boot.estimates.shape == (30, 1) and boot.failed == 0
    with pytest.raises(ValueError, match="parametric bootstrap needs a generator"):
        fit.bootstrap(n=10, kind="parametric")


def test_bad_bootstrap_arguments_are_value_errors(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data)
    with pytest.raises(ValueError, match="unknown bootstrap kind 'jackknife'"):
        fit.bootstrap(n=10, kind="jackknife")
    with pytest.raises(ValueError, match="at least 2"):
        fit.bootstrap(n=1)


def test_interval_censored_data_bootstrap_nonparametrically_and_refuse_parametric():
    x = np.random.default_rng(5).exponential(2.0, 80)
    lower, upper = np.floor(x), np.floor(x) + 1
    fit = fg.fit_mle(ExpLogLik, fg.IntervalData(lower, upper))
    boot = fit.bootstrap(n=30, seed=1)
    assert boot.failed == 0
    assert boot.se["rate"] == pytest.approx(fit.se["rate"], rel=0.5)
    with pytest.raises(ValueError, match="interval-censored"):
        fit.bootstrap(n=10, kind="parametric", seed=1)
