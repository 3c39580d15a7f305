"""Conveniences of Value: conversion, formatting, iteration, data from pandas."""

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import special

import femtograd as fg


def test_a_scalar_value_formats_like_its_float():
    v = fg.val(2.0) * 1.5
    assert f"{v:.2f}" == "3.00"
    assert v.item() == 3.0
    assert "3.0" in f"{v}"
    assert float(fg.constant(2.0) * 1.5) == 3.0  # no gradient to lose: a plain number


@pytest.mark.parametrize("use", [float, math.log, math.exp, math.sqrt],
                         ids=["float", "math.log", "math.exp", "math.sqrt"])
def test_a_value_depending_on_a_parameter_is_no_plain_float(use):
    # math.log(rate) would drop the gradient; the error names the femtograd ops
    for v in (fg.val(2.0), fg.val(2.0) * 1.5):
        with pytest.raises(TypeError, match=r"drop its gradient.*fg\.log, fg\.exp"):
            use(v)


def test_a_log_likelihood_written_with_math_log_is_a_type_error_not_a_silent_fit():
    def loglike(rate, data):
        return math.log(rate) * len(data) - rate * fg.sum(fg.constant(data))

    with pytest.raises(TypeError, match=r"fg\.log"):
        fg.fit_mle(loglike, np.array([1.0, 2.0, 0.5]), start={"rate": 1.0})


@pytest.mark.parametrize("ufunc, op", [
    (np.log, "fg.log"), (np.exp, "fg.exp"), (np.sqrt, "fg.sqrt"), (np.abs, "fg.abs"),
    (np.log1p, "fg.log1p"), (special.gammaln, "fg.lgamma"), (special.expit, "fg.sigmoid"),
    (special.erf, "fg.erf"), (np.sin, "fg.sin"), (np.arcsinh, "fg.primitive"),
])
def test_a_numpy_or_scipy_ufunc_on_a_value_names_the_femtograd_op(ufunc, op):
    for v in (fg.val(0.5), fg.constant(0.5)):
        with pytest.raises(TypeError, match=re.escape(op)):
            ufunc(v)


def test_numpy_arithmetic_with_a_value_is_the_values_op_and_in_place_is_refused():
    x, lam = np.array([1.0, 2.0]), fg.val(2.0)
    out = x ** lam - x / lam
    assert isinstance(out, fg.Value)
    out.sum().backward()
    assert lam.grad == pytest.approx(np.sum(x ** 2 * np.log(x) + x / 4))
    with pytest.raises(TypeError, match="array = array \\+ value"):
        x += lam
    with pytest.raises(TypeError, match="fg.where"):
        x < lam


def test_a_pandas_series_is_data():
    x = pd.Series([1.0, 2.0, 4.0])
    rate = fg.val(0.5)
    ll = fg.sum(fg.log(rate) - rate * x)
    assert ll.data == pytest.approx(3 * np.log(0.5) - 0.5 * 7.0)


def test_exp_moments_sums_over_every_element_of_multidimensional_data():
    t = np.arange(6.0).reshape(2, 3) / 5
    assert fg.data(fg.exp_moments(0.5, t, order=1)) == pytest.approx(np.sum(t * np.exp(0.5 * t)))


def test_every_documented_op_is_reachable_from_the_package():
    names = ["log", "exp", "log1p", "expm1", "sqrt", "abs", "square", "lgamma", "digamma",
             "polygamma", "trigamma", "erf", "erfc", "log_ndtr", "log_norm_cdf", "log_norm_sf",
             "logsumexp", "softplus", "sigmoid", "log_sigmoid", "logaddexp", "log1mexp",
             "log_diff_exp", "where", "sum", "mean", "exp_moments", "val", "constant", "data",
             "grad", "backward", "zero_grad", "gradient", "hessian", "hvp", "grad_nodes",
             "primitive", "Value"]
    assert [n for n in names if not hasattr(fg, n)] == []


def test_a_new_primitive_is_a_forward_beside_its_derivative_and_differentiates_twice():
    from femtograd.core.ops import scaled
    cube = fg.primitive("test_cube", lambda x: x ** 3, lambda g, ans, x: scaled(g, 3.0 * x * x))
    assert fg.gradient(cube, [2.0])[0] == pytest.approx(12.0)
    assert fg.hessian(cube, [2.0])[0, 0] == pytest.approx(12.0)
    with pytest.raises(ValueError, match="already registered"):
        fg.primitive("test_cube", lambda x: x, None)
