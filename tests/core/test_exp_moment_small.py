"""Small data (rows wᵢ·tᵢᵐ of at most moments.SMALL elements) keep those rows and take each pass as
one exp and one matrix-vector product: every moment equals the blocked pass of larger data, and
the formula, whatever the order of the requests (a higher order extends the rows, or goes back
to blocks when they would be too many)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core import moments
from femtograd.core.moments import ExpMomentData


def blocked(t, w, k, orders):
    """The blocked pass, as larger data take it."""
    original = moments.SMALL
    moments.SMALL = -1  # not monkeypatch: hypothesis reruns the body within one test
    try:
        return ExpMomentData(t, w)._pass(k, orders)
    finally:
        moments.SMALL = original


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, moments.SMALL // 3),
       weighted=st.booleans(),
       requests=st.lists(st.tuples(st.sampled_from([0.0, 0.7, 1.3, 4.0]), st.integers(0, 5)),
                         min_size=1, max_size=10))
def test_a_small_pass_equals_the_blocked_pass_and_the_formula(seed, n, weighted, requests):
    rng = np.random.default_rng(seed)
    t = -rng.exponential(1.0, n)  # centred at a maximum, as the families centre log x
    w = rng.uniform(0, 3, n) if weighted else None
    data = ExpMomentData(t, w)
    for k, m in requests:
        got = data.moment(k, m)
        want = blocked(t, w, k, max(m, 2))[m]
        assert got == pytest.approx(want, rel=1e-13, abs=1e-300)
        formula = float(np.sum((1.0 if w is None else w) * t ** m * np.exp(k * t)))
        assert got == pytest.approx(formula, rel=1e-12, abs=1e-300)


def test_small_data_keep_their_powers_and_larger_data_do_not():
    n = moments.SMALL // 3  # orders 0, 1, 2 (value, gradient, Hessian): 3 rows
    small = ExpMomentData(-np.linspace(0, 2, n))
    large = ExpMomentData(-np.linspace(0, 2, n + 1))
    small.moment(1.0, 0)
    large.moment(1.0, 0)
    assert small._powers.shape == (3, n) and large._powers is None
    small.moment(1.0, 3)  # a fourth row would pass the threshold: a blocked pass, same sum
    assert small._powers.shape == (3, n)
    t = -np.linspace(0, 2, n)
    assert small.moment(1.0, 3) == pytest.approx(float(np.sum(t ** 3 * np.exp(t))), rel=1e-13)


def test_a_weibull_fit_of_small_data_equals_the_fit_on_blocked_passes(monkeypatch):
    x = 2.0 * np.random.default_rng(3).weibull(0.8, 500)
    censored = np.random.default_rng(4).uniform(size=500) < 0.3
    small = fg.fit_mle("weibull", x, censored=censored)
    monkeypatch.setattr(moments, "SMALL", -1)
    large = fg.fit_mle("weibull", x, censored=censored)
    np.testing.assert_allclose(small.mle, large.mle, rtol=1e-13)
    np.testing.assert_allclose(small.se, large.se, rtol=1e-10)
    assert small.loglik == pytest.approx(large.loglik, rel=1e-14)
