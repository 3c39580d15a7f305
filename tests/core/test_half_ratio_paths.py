"""`lgamma_half_ratio` below a = 8, carried to its asymptotic series by
h(a) = h(a + 1) − (log(a + ½) − ½ log a − ½ log(a + 1)): the same numbers as the difference
of log Γ and polygammas it replaced (where those keep their digits), the same for a number as
for an array, and the Student t start's derivatives in df the digamma differences they stand for."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

from femtograd.core.ops import lgamma_half_ratio_plain as h
from femtograd.core.quadratic import QuadraticData
from femtograd.distributions.studentt import _local_derivatives


def by_polygamma(a, n):
    """The direct formula, log Γ(a + ½) − log Γ(a) − ½ log a and its derivatives, and the size
    of its terms (its rounding: the terms cancel as a grows)."""
    if n == 0:
        terms = (special.gammaln(a + 0.5), -special.gammaln(a), -0.5 * np.log(a))
    else:
        terms = (special.polygamma(n - 1, a + 0.5), -special.polygamma(n - 1, a),
                 -0.5 * (-1.0) ** (n - 1) * math.factorial(n - 1) / a ** n)
    return float(sum(terms)), float(sum(abs(t) for t in terms))


@settings(max_examples=300, deadline=None)
@given(a=st.floats(1e-3, 12.0), n=st.integers(0, 3))
def test_it_is_the_difference_of_log_gammas_to_that_differences_rounding(a, n):
    want, size = by_polygamma(a, n)
    assert h(a, n=n) == pytest.approx(want, rel=1e-14, abs=1e-15 * size)  # a few ulps of the terms


@settings(max_examples=100, deadline=None)
@given(a=st.lists(st.floats(1e-3, 1e12), min_size=1, max_size=20), n=st.integers(0, 3))
def test_a_number_and_an_array_agree(a, n):
    a = np.array(a)
    # (numpy's and math's powers may differ by an ulp, which the steps' derivatives, a
    # difference of terms ~300 times their sum near a = 8, make ~1e-14)
    np.testing.assert_allclose(h(a, n=n), [h(float(v), n=n) for v in a], rtol=3e-14)


@pytest.mark.parametrize("a", [0.0, -1.0, math.nan])
def test_outside_its_domain_it_is_nan(a):
    assert math.isnan(h(a))
    assert np.isnan(h(np.array([a, 1.0]))[0])


def test_at_infinity_it_is_zero():
    assert h(math.inf) == 0.0 and h(math.inf, n=2) == 0.0


@pytest.mark.parametrize("df", [0.7, 3.0, 15.0, 90.0])
def test_the_t_starts_df_derivatives_are_the_digamma_differences(df):
    """g_df and H_dfdf of the start's Newton steps, written through h, against ψ and ζ."""
    x = np.random.default_rng(2).standard_t(4, 500)
    data = QuadraticData(x)
    f, g, hess = _local_derivatives(data)((0.1, 0.9, df))
    k, half, c = 0.5 * (df + 1.0), 0.5 * df, 0.9 * math.sqrt(df)
    log_sum, s01, *_ = data.sums(0.1, c)
    total = x.size
    g_df = 0.5 * df * (total * (special.psi(k) - special.psi(half)) - log_sum)
    h_dfdf = 0.25 * df * df * total * (special.zeta(2.0, k) - special.zeta(2.0, half)) + g_df
    want_f = total * (special.gammaln(k) - special.gammaln(half) - math.log(c)) - k * log_sum
    g_c, h_cc, h_cdf = df * total - (df + 1.0) * s01, hess[1][1], df * (total - s01)
    assert f == pytest.approx(want_f, rel=1e-13)
    assert g[2] == pytest.approx(g_df + 0.5 * g_c, rel=1e-12, abs=1e-9)
    assert hess[2][2] == pytest.approx(h_dfdf + h_cdf + 0.25 * h_cc, rel=1e-11)
