"""`regress` takes a family by name, as `fit_mle` does: the same fit as the class."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import LogNormalLogLik, WeibullLogLik


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(3)
    x = rng.normal(size=300)
    t = np.exp(1.0 + 0.4 * x) * rng.weibull(1.7, 300)
    c = rng.uniform(0, 8, 300)
    return pd.DataFrame({"t": np.minimum(t, c), "dead": t <= c, "x": x})


@pytest.mark.parametrize("name, cls", [("weibull", WeibullLogLik), (" LogNormal ", LogNormalLogLik)])
def test_a_name_fits_as_its_class(frame, name, cls):
    by_name = fg.regress(name, "t ~ x", data=frame, event="dead")
    by_class = fg.regress(cls, "t ~ x", data=frame, event="dead")
    assert by_name.converged and by_class.converged
    np.testing.assert_array_equal(by_name.params.to_numpy(), by_class.params.to_numpy())
    np.testing.assert_array_equal(by_name.se.to_numpy(), by_class.se.to_numpy())
    assert by_name.loglik == by_class.loglik


def test_an_unknown_name_is_a_value_error_listing_the_names(frame):
    with pytest.raises(ValueError, match=r"unknown distribution 'weibul'; known: .*weibull"):
        fg.regress("weibul", "t ~ x", data=frame, event="dead")


def test_something_else_is_a_type_error(frame):
    with pytest.raises(TypeError, match="generator class such as WeibullLogLik, or its name"):
        fg.regress(42, "t ~ x", data=frame, event="dead")
