"""The gamma start, with every row exact, is the MLE to rounding: Newton steps on the shape's
profile equation log k − ψ(k) = log x̄ − mean(log x) from Minka's approximation land where a
bracketing solve of the same equation does, and the fit then takes no Newton step."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import optimize, special

import femtograd as fg
from femtograd.distributions import GammaLogLik
from femtograd.distributions.base import ROUNDING_ULPS
from femtograd.distributions.gamma import spread


@settings(max_examples=80, deadline=None)
@given(shape=st.floats(0.05, 1e4), log_rate=st.floats(-50.0, 50.0), n=st.integers(3, 3000),
       weighted=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_the_start_solves_the_profile_equation_to_rounding(shape, log_rate, n, weighted, seed):
    rng = np.random.default_rng(seed)
    x = np.maximum(rng.gamma(shape, 1.0, n), np.finfo(float).tiny) * math.exp(-log_rate)
    w = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
    mean = (w * x).sum() / w.sum()
    s = math.log(mean) - (w * np.log(x)).sum() / w.sum()
    mean_log = (w * np.log(x)).sum() / w.sum()
    if math.isnan(spread(mean, mean_log)):
        return  # (every row equal to rounding: no shape to find; see below)
    root = optimize.brentq(lambda k: math.log(k) - special.psi(k) - s, 1e-8, 1e17,
                           xtol=1e-300, rtol=4 * np.finfo(float).eps)
    start = GammaLogLik(x, weights=w if weighted else None).start()
    # s is a difference of sums: its rounding, relative to s, is the shape's (k ≈ 1/(2s))
    rel = 1e-12 + 100 * np.finfo(float).eps * (abs(math.log(mean)) + 1.0) / s
    assert start["shape"] == pytest.approx(root, rel=rel)
    assert start["rate"] == pytest.approx(root / mean, rel=rel)


def test_a_fit_from_the_start_takes_no_newton_step():
    x = np.random.default_rng(4).gamma(2.5, 3.0, 1000)
    fit = fg.fit_mle("gamma", x)
    assert fit.converged and fit.iterations == 0
    np.testing.assert_allclose(fit.mle, list(GammaLogLik(x).start().values()), rtol=1e-14)


def test_censored_rows_keep_the_approximate_start():
    x = np.random.default_rng(5).gamma(2.5, 3.0, 300)
    censored = np.arange(x.size) % 4 == 0
    fit = fg.fit_mle("gamma", x, censored=censored)
    assert fit.converged and fit.iterations > 0  # the start is not the censored MLE


@pytest.mark.parametrize("value", [1e-300, 1e-4, 0.3, 1.0, 3.7, 1e4, 1e300])
def test_rows_of_one_value_have_no_spread_and_no_maximum(value):
    # log x̄ − mean(log x) of identical rows is 0 or a few ulps of rounding, which once gave a
    # "maximum" at shape 1e15; `spread` calls anything within ROUNDING_ULPS of it none
    for n in (2, 3, 7, 10, 1000):
        x = np.full(n, value)
        assert math.isnan(spread(x.mean(), np.log(x).mean()))
        k, rate = GammaLogLik(x).maximum_from(GammaLogLik(x).statistics())
        assert math.isnan(k) and math.isnan(rate)
        assert GammaLogLik(x).start()["shape"] == 1.0  # the moment start's "no spread"


def test_a_spread_above_rounding_is_kept():
    eps = np.finfo(float).eps
    assert spread(1.0, -2 * ROUNDING_ULPS * eps) == 2 * ROUNDING_ULPS * eps
    assert math.isnan(spread(1.0, -0.5 * ROUNDING_ULPS * eps))
    assert math.isnan(spread(1.0, 0.1)) and math.isnan(spread(0.0, -1.0))
    np.testing.assert_array_equal(np.isnan(spread(np.array([1.0, 1.0]), np.array([-0.1, 0.0]))),
                                  [False, True])
