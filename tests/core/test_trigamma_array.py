"""The trigamma of an array (`ops._trigamma_array`, what `polygamma(x, n=1)` uses from 512
points): the recurrence to x ≥ 10 and the asymptotic series, against 40-digit mpmath and scipy."""

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from femtograd.core import ops

mpmath.mp.dps = 40


def exact(v):
    return float(mpmath.psi(1, mpmath.mpf(float(v))))


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_agrees_with_mpmath_to_a_few_ulps(v):
    got = ops._trigamma_array(np.array([v]))[0]
    assert abs(got - exact(v)) <= 2e-15 * exact(v)


def test_the_ends_of_the_recurrence_and_the_points_it_leaves_to_scipy():
    x = np.array([9.999999, 10.0, 10.000001, 1e-300, 1e300, -0.5, 0.0, np.inf, np.nan, 3.0])
    got = ops._trigamma_array(x)
    want = special.zeta(2, x)
    np.testing.assert_allclose(got[:3], [exact(v) for v in x[:3]], rtol=1e-15)
    assert got[3] == want[3] and got[4] == pytest.approx(1e-300, rel=1e-15)
    assert np.array_equal(got[5:9], want[5:9], equal_nan=True)
    assert got[9] == pytest.approx(exact(3.0), rel=1e-15)


def test_polygamma_takes_it_for_long_arrays_and_scipy_for_short_ones():
    x = np.random.default_rng(3).uniform(0.05, 50.0, 2000)
    np.testing.assert_allclose(ops.polygamma(x, n=1).data, special.polygamma(1, x), rtol=2e-15)
    np.testing.assert_array_equal(ops._polygamma(x[:10], n=1), special.polygamma(1, x[:10]))
