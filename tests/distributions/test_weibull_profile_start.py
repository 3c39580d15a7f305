"""The Weibull start is the profile MLE to rounding: Halley steps on the shape equation, two or
three exp passes, land where a bracketing solve of the same equation in plain numpy does."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import optimize

import femtograd as fg
from femtograd.distributions import WeibullLogLik


def profile_score(x, censored, w):
    """The Weibull shape equation (score of the profile log-likelihood over k / d), straight
    from the rows: 1/k + mean_exact log x − Σ w x^k log x / Σ w x^k."""
    logx = np.log(x)
    exact = ~censored
    d = w[exact].sum()
    mean_exact = (w[exact] * logx[exact]).sum() / d
    t = logx - logx.max()

    def score(k):
        e = w * np.exp(k * t)
        return 1.0 / k + mean_exact - (e * logx).sum() / e.sum()
    return score


@settings(max_examples=60, deadline=None)
@given(shape=st.floats(0.2, 20.0), log_scale=st.floats(-30.0, 30.0),
       n=st.integers(5, 3000), censored_share=st.sampled_from([0.0, 0.3]),
       weighted=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_the_start_solves_the_profile_equation_to_rounding(shape, log_scale, n, censored_share,
                                                           weighted, seed):
    rng = np.random.default_rng(seed)
    x = rng.weibull(shape, n) * math.exp(log_scale)
    censored = rng.random(n) < censored_share
    censored[0] = False
    w = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
    x = np.maximum(x, np.finfo(float).tiny)  # (a weibull draw of exactly 0 is outside the support)
    score = profile_score(x, censored, w)
    root = optimize.brentq(score, 1e-3, 1e3, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    gen = WeibullLogLik(x, censored=censored if censored.any() else None,
                        weights=w if weighted else None)
    start = gen.start()
    assert start["shape"] == pytest_approx(root)
    # the scale is the profile's at that shape
    logx = np.log(x)
    scale = math.exp((np.log((w * np.exp(root * (logx - logx.max()))).sum() / w[~censored].sum())
                      / root) + logx.max())
    assert start["scale"] == pytest_approx(scale)


def pytest_approx(v):
    return pytest.approx(v, rel=1e-12)


def test_a_fit_from_the_start_takes_no_newton_step_and_the_start_takes_three_passes():
    x = np.random.default_rng(3).weibull(1.7, 1000) * 40.0
    gen = WeibullLogLik(x)
    data = gen.structure()[1][3]
    ks = []
    original = type(data)._pass
    try:
        type(data)._pass = lambda self, k, orders: ks.append(k) or original(self, k, orders)
        gen.start()
    finally:
        type(data)._pass = original
    assert len(ks) <= 4  # k = 0 (no exp), two or three Halley steps; Newton took five or six
    fit = fg.fit_mle(gen)
    assert fit.converged and fit.iterations == 0
    np.testing.assert_allclose(fit.mle, list(gen.start().values()), rtol=1e-14)


def test_weights_of_1e300_leave_the_start_unchanged():
    x = np.array([1.0, 2.0, 3.0, 7.0, 2.0])
    plain = WeibullLogLik(x).start()
    heavy = WeibullLogLik(x, weights=np.full(x.size, 1e300)).start()
    assert heavy["shape"] == pytest_approx(plain["shape"])
    assert heavy["scale"] == pytest_approx(plain["scale"])
