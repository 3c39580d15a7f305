"""Fits whose answers are known in closed form: exponential and normal."""

import math

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import ExpLogLik, NormalLogLik

from .conftest import loglike_exp, loglike_normal


def exp_fits(x):
    return [fg.fit_mle(loglike_exp, x, start={"rate": 1.0}, constraints={"rate": "positive"}),
            fg.fit_mle(ExpLogLik, x)]


def test_exponential_mle_se_information_loglik_and_aic_are_the_closed_forms(exp_data):
    x, n = exp_data, len(exp_data)
    rate = 1 / x.mean()
    for fit in exp_fits(x):
        assert fit.converged
        assert fit.params["rate"] == pytest.approx(rate, rel=1e-12)
        assert fit.se["rate"] == pytest.approx(rate / math.sqrt(n), rel=1e-10)
        np.testing.assert_allclose(fit.observed_information, [[n / rate ** 2]], rtol=1e-10)
        assert fit.loglik == pytest.approx(n * math.log(rate) - n, rel=1e-13)
        assert fit.aic == pytest.approx(-2 * fit.loglik + 2, rel=1e-13)
        assert fit.bic == pytest.approx(-2 * fit.loglik + math.log(n), rel=1e-13)
        assert abs(fit.score["rate"]) < 1e-8
        assert fit.nobs == n and fit.df == 1


def test_normal_mle_se_and_observed_information_are_the_closed_forms(normal_data):
    y, n = normal_data, len(normal_data)
    mu, sigma = y.mean(), y.std()
    fits = [fg.fit_mle(loglike_normal, y, start={"mu": 0.0, "sigma": 1.0},
                       constraints={"sigma": "positive"}),
            fg.fit_mle(NormalLogLik, y)]
    for fit in fits:
        np.testing.assert_allclose(fit.mle, [mu, sigma], rtol=1e-10)
        np.testing.assert_allclose(fit.se, [sigma / math.sqrt(n), sigma / math.sqrt(2 * n)],
                                   rtol=1e-8)
        np.testing.assert_allclose(fit.observed_information,
                                   [[n / sigma ** 2, 0], [0, 2 * n / sigma ** 2]],
                                   rtol=1e-8, atol=1e-8)
        assert fit.loglik == pytest.approx(-n / 2 * (math.log(2 * math.pi * sigma ** 2) + 1))
        assert fit.aic == pytest.approx(-2 * fit.loglik + 4)


def test_params_se_and_cov_are_pandas_objects_indexed_by_parameter_name(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    assert isinstance(fit.params, pd.Series) and list(fit.params.index) == ["mu", "sigma"]
    assert isinstance(fit.se, pd.Series) and list(fit.se.index) == ["mu", "sigma"]
    assert isinstance(fit.cov, pd.DataFrame) and list(fit.cov.columns) == ["mu", "sigma"]
    assert isinstance(fit.mle, np.ndarray) and fit.mle.shape == (2,)
    assert fit.param_names == ("mu", "sigma") and fit.method == "newton"
    assert isinstance(fit.model, NormalLogLik) and fit.model.n == len(normal_data)
    assert type(fit.iterations) is int and fit.nobs == len(normal_data)


def test_covariance_is_computed_once_and_cached(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    assert "cov" not in vars(fit)
    assert fit.cov is fit.cov and fit.se is fit.se


def test_fixed_parameters_keep_their_value_and_do_not_count_in_df_or_aic(normal_data):
    y, n = normal_data, len(normal_data)
    fit = fg.fit_mle(NormalLogLik, y, fixed={"mu": 3.0})
    sigma = math.sqrt(np.mean((y - 3.0) ** 2))
    assert fit.params["mu"] == 3.0 and fit.params["sigma"] == pytest.approx(sigma, rel=1e-10)
    assert fit.df == 1 and fit.free_names == ("sigma",)
    assert fit.aic == pytest.approx(-2 * fit.loglik + 2)
    assert fit.bic == pytest.approx(-2 * fit.loglik + math.log(n))
    assert fit.se["mu"] == 0 and fit.se["sigma"] == pytest.approx(sigma / math.sqrt(2 * n))
    assert fit.observed_information.shape == (1, 1)


def test_a_start_given_as_a_sequence_is_taken_in_parameter_order(normal_data):
    fit = fg.fit_mle(loglike_normal, normal_data, start=[0.0, 1.0],
                     constraints={"sigma": "positive"})
    assert fit.params["mu"] == pytest.approx(normal_data.mean())


def test_a_bound_generator_can_be_fitted_directly(exp_data):
    fit = fg.fit_mle(ExpLogLik(exp_data))
    assert fit.params["rate"] == pytest.approx(1 / exp_data.mean())


def test_weights_count_rows_as_repeated_observations():
    x = np.array([0.5, 1.5, 2.0])
    w = np.array([3.0, 1.0, 2.0])
    weighted = fg.fit_mle(ExpLogLik, x, weights=w)
    expanded = fg.fit_mle(ExpLogLik, np.repeat(x, w.astype(int)))
    assert weighted.params["rate"] == pytest.approx(expanded.params["rate"], rel=1e-12)
    assert weighted.se["rate"] == pytest.approx(expanded.se["rate"], rel=1e-10)
    assert weighted.nobs == 6 and weighted.bic == pytest.approx(expanded.bic)
