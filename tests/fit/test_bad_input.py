"""Bad input to fit_mle: each a clear ValueError (or TypeError) naming the problem."""

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import NormalLogLik, WeibullLogLik

from .conftest import loglike_exp

X = np.array([1.2, 0.4, 2.2, 3.1, 0.9])


def test_unknown_name_in_start_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown parameter name\(s\) \['rate'\] in start.*"
                                         r"\['shape', 'scale'\]"):
        fg.fit_mle(WeibullLogLik, X, start={"rate": 1.0})


def test_unknown_name_in_fixed_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"\['k'\] in fixed.*\['shape', 'scale'\]"):
        fg.fit_mle(WeibullLogLik, X, fixed={"k": 1.0})


def test_start_outside_the_parameter_space_is_a_value_error():
    with pytest.raises(ValueError, match=r"start value shape=-1.0 is outside the parameter space"):
        fg.fit_mle(WeibullLogLik, X, start={"shape": -1.0})
    with pytest.raises(ValueError, match="outside the parameter space"):
        fg.fit_mle(loglike_exp, X, start={"rate": 0.0}, constraints={"rate": "positive"})


def test_fixed_value_outside_the_parameter_space_is_a_value_error():
    with pytest.raises(ValueError, match=r"fixed value sigma=0.0 is outside"):
        fg.fit_mle(NormalLogLik, X, fixed={"sigma": 0.0})


def test_all_parameters_fixed_is_a_value_error():
    with pytest.raises(ValueError, match="all parameters are fixed"):
        fg.fit_mle(WeibullLogLik, X, fixed={"shape": 1.0, "scale": 2.0})


def test_data_the_generator_rejects_is_a_value_error():
    with pytest.raises(ValueError, match="row 1"):
        fg.fit_mle(WeibullLogLik, np.array([1.0, -2.0, 3.0]))
    with pytest.raises(ValueError, match="NaN"):
        fg.fit_mle(WeibullLogLik, np.array([1.0, np.nan]))


def test_plain_function_needs_a_start_for_every_parameter():
    with pytest.raises(ValueError, match=r"no start value for parameter\(s\) \['rate'\]"):
        fg.fit_mle(loglike_exp, X)


def test_plain_function_start_not_finite_is_a_value_error():
    def needs_big(rate, data):
        return fg.log(rate - 5.0) - rate
    with pytest.raises(ValueError, match="not finite at the start values"):
        fg.fit_mle(needs_big, X, start={"rate": 1.0})


def test_unknown_method_and_unknown_constraint_are_value_errors():
    with pytest.raises(ValueError, match="unknown method 'nelder_mead'.*newton"):
        fg.fit_mle(WeibullLogLik, X, method="nelder_mead")
    with pytest.raises(ValueError, match="unknown constraint 'pos'"):
        fg.fit_mle(loglike_exp, X, start={"rate": 1.0}, constraints={"rate": "pos"})
    with pytest.raises(ValueError, match=r"unknown parameter name\(s\) \['lam'\] in constraints"):
        fg.fit_mle(loglike_exp, X, start={"rate": 1.0}, constraints={"lam": "positive"})


def test_censoring_keywords_with_a_plain_function_are_a_value_error():
    with pytest.raises(ValueError, match="censored= applies to generators"):
        fg.fit_mle(loglike_exp, X, start={"rate": 1.0}, censored=X > 1)


def test_a_function_that_does_not_return_a_scalar_value_is_a_value_error():
    def elementwise(rate, data):
        return fg.log(rate) - rate * data
    with pytest.raises(ValueError, match="scalar Value"):
        fg.fit_mle(elementwise, X, start={"rate": 1.0})


def test_something_that_is_not_a_model_is_a_type_error():
    with pytest.raises(TypeError, match="generator class"):
        fg.fit_mle(42, X)  # a registry name such as "weibull" is a model (see test_registry_names)


def test_unknown_covariance_type_is_refused_before_fitting():
    with pytest.raises(ValueError, match="unknown covariance type 'robust'"):
        fg.fit_mle(WeibullLogLik, X, cov_type="robust")


def test_plain_function_arguments_with_defaults_are_not_parameters():
    def loglike(rate, data, scale=1.0):
        return loglike_exp(rate, data / scale)
    fit = fg.fit_mle(loglike, X, start={"rate": 1.0}, constraints={"rate": "positive"})
    assert fit.param_names == ("rate",)
    assert fit.params["rate"] == pytest.approx(1 / X.mean())


def test_an_option_of_another_optimizer_is_a_type_error_not_ignored():
    with pytest.raises(TypeError, match=r"\['lr'\] do not apply to method='newton'"):
        fg.fit_mle(WeibullLogLik, X, lr=0.1)
    with pytest.raises(TypeError, match=r"\['gtol', 'max_step'\] do not apply to "
                                        r"method='gradient_ascent'"):
        fg.fit_mle(loglike_exp, X, start={"rate": 1.0}, method="gradient_ascent", gtol=1e-3,
                   max_step=1.0)
