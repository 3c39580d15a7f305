"""The polygamma op computes scipy's polygamma by the same formula without its array wrapper:
the same digits for numbers and arrays, everywhere (poles, negative x, inf, NaN)."""

import numpy as np
from hypothesis import given, settings, strategies as st
from scipy import special

import femtograd as fg
from femtograd.core.ops import _polygamma

XS = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
               st.floats(-50.0, 50.0), st.integers(-5, 5).map(float))


@settings(max_examples=300, deadline=None)
@given(x=XS, n=st.integers(0, 5))
def test_the_op_equals_scipys_polygamma_on_a_number(x, n):
    with np.errstate(all="ignore"):
        got, want = _polygamma(x, n=n), special.polygamma(n, x)
    assert type(got) is float
    np.testing.assert_array_equal(got, want)


@settings(max_examples=50, deadline=None)
@given(xs=st.lists(XS, min_size=1, max_size=20), n=st.integers(0, 5))
def test_the_op_equals_scipys_polygamma_on_an_array(xs, n):
    x = np.array(xs)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(_polygamma(x, n=n), special.polygamma(n, x))


def test_its_derivative_is_the_next_order():
    (g,) = fg.gradient(lambda x: fg.polygamma(x, n=1), [2.5])
    np.testing.assert_array_equal(g, special.polygamma(2, 2.5))
