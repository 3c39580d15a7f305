"""log Γ(a + x) − log Γ(a) and its derivatives in a (`core.rising.lgamma_rising`): against
50-digit mpmath on both sides of where the series takes over, at a up to 1e30 where the
direct difference of scipy's values has no digits left, and through the op's derivatives."""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

import femtograd as fg
from femtograd.core.rising import lgamma_rising, lgamma_rising_plain


def reference(a, x, n):
    with mp.workdps(50):
        a, x = mp.mpf(a), mp.mpf(x)
        if n == 0:
            return float(mp.loggamma(a + x) - mp.loggamma(a))
        return float(mp.polygamma(n - 1, a + x) - mp.polygamma(n - 1, a))


A = [0.3, 2.0, 15.9, 16.0, 17.3, 100.0, 1e3, 1e6, 1e12, 1e20, 1e30]
X = [0.0, 1.0, 2.0, 7.0, 15.0, 16.0, 50.0, 1000.0, 1e6]


@pytest.mark.parametrize("n", range(5))
def test_every_order_is_the_50_digit_difference(n):
    for a in A:
        got = lgamma_rising_plain(np.full(len(X), a), np.array(X), n=n)
        for g, x in zip(got, X):
            ref = reference(a, x, n)
            assert g == pytest.approx(ref, rel=2e-14, abs=1e-300), (a, x, n)


def test_the_direct_difference_it_replaces_has_no_digits_at_large_a():
    a, x = 1e15, 3.0
    direct = special.gammaln(a + x) - special.gammaln(a)
    assert abs(direct - reference(a, x, 0)) > 0.1  # the bug: off in the first decimal
    assert float(lgamma_rising_plain(a, x)) == pytest.approx(reference(a, x, 0), rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(log_a=st.floats(-3.0, 40.0), x=st.integers(0, 200))
def test_the_op_s_gradient_and_hessian_are_the_next_orders(log_a, x):
    a = 10.0 ** log_a
    f = lambda a: lgamma_rising(a, float(x))  # noqa: E731
    assert float(f(fg.val(a)).data) == pytest.approx(reference(a, x, 0), rel=1e-13, abs=1e-300)
    assert float(fg.gradient(f, [a])[0]) == pytest.approx(reference(a, x, 1), rel=1e-12,
                                                          abs=1e-300)
    assert float(fg.hessian(f, [a])[0, 0]) == pytest.approx(reference(a, x, 2), rel=1e-12,
                                                            abs=1e-300)


def test_the_derivative_in_x_is_the_polygamma_at_a_plus_x():
    for x in (0.5, 2.0, 40.0):
        gx = fg.gradient(lambda a, x: lgamma_rising(a, x), [3.5, x])[1]
        assert gx == pytest.approx(special.digamma(3.5 + x), rel=1e-14)
