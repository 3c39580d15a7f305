"""Conveniences of Value: conversion, formatting, iteration, data from pandas."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg


def test_a_scalar_value_formats_like_its_float():
    v = fg.val(2.0) * 1.5
    assert f"{v:.2f}" == "3.00"
    assert float(v) == v.item() == 3.0
    assert "3.0" in f"{v}"


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
