"""Bootstrap: nonparametric (resample counts as weights) and parametric (simulate)."""

import warnings

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import ExpLogLik, WeibullLogLik
from femtograd.fit import BootstrapError, BootstrapWarning

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
    boot = fit.bootstrap(n=200, kind=kind, seed=3)
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
    with pytest.raises(TypeError, match="parametric bootstrap .* needs a fitted distribution"):
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


# -- failed replicates: counted, listed, warned about; too many raise; bugs propagate ----------

def fails_without_the_top(exc, k=1):
    """The exponential log-likelihood, raising `exc` on a resample that lacks any of the
    original data's k largest values (about 37% of resamples for k = 1, 75% for k = 3)."""
    top = {}

    def loglik(rate, data):
        if "values" not in top:
            top["values"] = np.sort(data)[-k:]  # the first call is the fit on the full data
        if not np.isin(top["values"], data).all():
            if exc is FloatingPointError:
                with np.errstate(divide="raise"):
                    np.log(np.float64(0.0))      # numpy's own FloatingPointError
            raise exc("resample without the largest values")
        return loglike_exp(rate, data)
    return loglik


@pytest.mark.parametrize("exc", [FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError,
                                 ValueError])
def test_a_replicate_whose_refit_raises_a_numerical_error_is_counted_and_warned(exp_data, exc):
    fit = fg.fit_mle(fails_without_the_top(exc), exp_data, start={"rate": 1.0},
                     constraints={"rate": "positive"})
    with pytest.warns(BootstrapWarning,
                      match=rf"(\d+) of 60 bootstrap replicates failed \(\1 {exc.__name__}\).*"
                            r"use the \d+ that succeeded"):
        boot = fit.bootstrap(n=60, seed=5)
    assert 5 < boot.failed < 30 and boot.succeeded + boot.failed == 60
    assert (boot.failures["status"] == exc.__name__).all()
    # the failed and the used replicates partition the draws, and every statistic uses only
    # the ones that succeeded
    assert sorted([*boot.failures.index, *boot.estimates.index]) == list(range(60))
    assert boot.se["rate"] == pytest.approx(boot.estimates["rate"].std(ddof=1), rel=1e-15)
    assert repr(boot).endswith(f"60 replicates, {boot.succeeded} used, {boot.failed} failed>")


def test_the_same_seed_fails_the_same_replicates(exp_data):
    fit = fg.fit_mle(fails_without_the_top(FloatingPointError), exp_data, start={"rate": 1.0},
                     constraints={"rate": "positive"})
    with pytest.warns(BootstrapWarning):
        a, b = fit.bootstrap(n=30, seed=2), fit.bootstrap(n=30, seed=2)
    assert a.failures.index.tolist() == b.failures.index.tolist() and a.failed > 0


@pytest.mark.parametrize("exc", [TypeError, AttributeError, KeyError])
def test_a_programming_error_in_a_refit_propagates(exp_data, exc):
    fit = fg.fit_mle(fails_without_the_top(exc), exp_data, start={"rate": 1.0},
                     constraints={"rate": "positive"})
    with pytest.raises(exc, match="resample without the largest values"):
        fit.bootstrap(n=30, seed=5)


def test_a_refit_that_does_not_converge_is_a_failure_with_its_status():
    # mildly over-dispersed counts: on some resamples the variance falls below the mean and
    # the negative binomial size runs to infinity (status "boundary", not converged)
    from femtograd.distributions import REGISTRY
    rng = np.random.default_rng(1)
    x = rng.negative_binomial(20, 20 / 23, 40).astype(float)
    fit = fg.fit_mle(REGISTRY["negbinomial"], x)
    assert fit.converged
    with pytest.warns(BootstrapWarning, match=r"\((\d+) boundary\)"):
        boot = fit.bootstrap(n=40, seed=1)
    assert 0 < boot.failed < 20
    assert (boot.failures["status"] == "boundary").all()
    assert boot.failures["message"].str.contains("edge of the parameter space").all()
    # the boundary replicates' estimates (size ~ infinity) are not among the used ones
    assert np.isfinite(boot.estimates.to_numpy()).all() and boot.estimates["size"].max() < 1e6


def test_too_many_failed_replicates_raise_with_the_partial_result(exp_data):
    fit = fg.fit_mle(fails_without_the_top(FloatingPointError, k=3), exp_data,
                     start={"rate": 1.0}, constraints={"rate": "positive"})
    with pytest.raises(BootstrapError, match=r"of 40 bootstrap replicates failed .*"
                       r"too many to trust \(more than max_failed=0.5 of them\).*"
                       r"FloatingPointError") as err:
        fit.bootstrap(n=40, seed=3)
    assert err.value.result.failed > 20 and err.value.result.n == 40
    with pytest.warns(BootstrapWarning):
        boot = fit.bootstrap(n=40, seed=3, max_failed=1.0)   # the user accepts them
    assert boot.failed == err.value.result.failed
    with pytest.raises(BootstrapError, match="at least 2 must succeed"):
        fg.fit_mle(fails_without_the_top(FloatingPointError, k=30), exp_data,
                   start={"rate": 1.0}, constraints={"rate": "positive"}
                   ).bootstrap(n=10, seed=3, max_failed=1.0)
    with pytest.raises(ValueError, match="max_failed is a fraction"):
        fit.bootstrap(n=10, max_failed=2)


def test_a_bootstrap_without_failures_does_not_warn(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        boot = fit.bootstrap(n=20, seed=1)
    assert boot.failed == 0 and boot.failures.empty and boot.succeeded == 20
