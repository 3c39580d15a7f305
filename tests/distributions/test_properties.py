"""Property tests: random data, weights and parameters."""

import numpy as np
from hypothesis import given, settings, strategies as st

from femtograd.distributions import ExpLogLik, NormalLogLik, PoissonLogLik, WeibullLogLik
from scipy import stats

positive = st.floats(min_value=1e-3, max_value=1e3)
settings_ = settings(max_examples=40, deadline=None)


@settings_
@given(st.lists(positive, min_size=1, max_size=30), positive, positive)
def test_weibull_loglik_equals_scipy_for_any_positive_data(x, shape, scale):
    shape, scale = 0.2 + shape / 200, scale
    x = np.array(x)
    expected = stats.weibull_min(shape, scale=scale).logpdf(x).sum()
    got = WeibullLogLik(x)(shape, scale).data
    assert np.isclose(got, expected, rtol=1e-10, atol=1e-10)


@settings_
@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.integers(0, 5)), min_size=1, max_size=20),
       st.floats(-10, 10), st.floats(0.1, 100))
def test_normal_weights_equal_repeated_rows(rows, mu, sigma):
    x = np.array([r[0] for r in rows])
    w = np.array([r[1] for r in rows])
    if w.sum() == 0:
        w[0] = 1
    a = NormalLogLik(x, weights=w)(mu, sigma).data
    b = NormalLogLik(np.repeat(x, w))(mu, sigma).data
    assert np.isclose(a, b, rtol=1e-10, atol=1e-9)


@settings_
@given(st.lists(st.tuples(positive, st.booleans()), min_size=1, max_size=30), positive)
def test_exponential_censored_loglik_equals_scipy(rows, rate):
    x = np.array([r[0] for r in rows])
    c = np.array([r[1] for r in rows])
    rate = rate / 100
    ref = stats.expon(scale=1 / rate)
    expected = np.where(c, ref.logsf(x), ref.logpdf(x)).sum()
    assert np.isclose(ExpLogLik(x, censored=c)(rate).data, expected, rtol=1e-10, atol=1e-10)


@settings_
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30), st.floats(1e-3, 1e6))
def test_poisson_loglik_equals_scipy_for_any_counts(x, rate):
    x = np.array(x, dtype=float)
    expected = stats.poisson(rate).logpmf(x).sum()
    assert np.isclose(PoissonLogLik(x)(rate).data, expected, rtol=1e-10, atol=1e-10)
