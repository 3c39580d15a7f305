"""`model.maximum_from(stats)`: the family's own maximum of `loglik_from(stats, ·)` (exponential,
normal, gamma), from one set of statistics or from a weight matrix's (an array per parameter,
replicate by replicate), where the score is zero and the fit's MLE lies; NaN or outside the
space where there is no maximum; None for a family that does not solve it."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import femtograd as fg
from femtograd.distributions import REGISTRY

RNG = np.random.default_rng(7)
DATA = {"exp": RNG.exponential(2.0, 300), "normal": RNG.normal(3.0, 1.5, 300),
        "gamma": RNG.gamma(2.5, 0.6, 300)}
CENSORED = DATA["exp"] > 3.0
RESAMPLES = RNG.multinomial(300, np.full(300, 1 / 300), size=25).astype(float)


@pytest.mark.parametrize("name", list(DATA))
def test_the_maximum_of_the_statistics_is_the_fits_mle(name):
    fit = fg.fit_mle(name, DATA[name])
    found = fit.model.maximum_from(fit.model.statistics())
    np.testing.assert_allclose(np.array(found, dtype=float), fit.mle, rtol=1e-12)


def test_the_exponentials_maximum_counts_censored_rows_in_the_exposure():
    model = REGISTRY["exp"](DATA["exp"], censored=CENSORED)
    rate, = model.maximum_from(model.statistics())
    assert rate == pytest.approx(np.sum(~CENSORED) / DATA["exp"].sum(), rel=1e-15)
    np.testing.assert_allclose(rate, fg.fit_mle(model).mle[0], rtol=1e-12)


@pytest.mark.parametrize("name", list(DATA))
def test_the_maximum_of_a_weight_matrix_is_each_replicates_own_fit(name):
    model = REGISTRY[name](DATA[name])
    found = np.array(model.maximum_from(model.statistics(RESAMPLES)), dtype=float)
    assert found.shape == (len(model.param_names), len(RESAMPLES))
    for b, w in enumerate(RESAMPLES):
        alone = fg.fit_mle(model.reweighted(w))
        assert alone.converged
        np.testing.assert_allclose(found[:, b], alone.mle, rtol=1e-11)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 50.0), st.integers(5, 200), st.integers(0, 2**32 - 1))
def test_the_gamma_maximum_zeroes_the_score(shape, n, seed):
    x = np.random.default_rng(seed).gamma(shape, 1.0, n)
    total, sum_log, sum_x = stats = REGISTRY["gamma"](x).statistics()
    k, rate = REGISTRY["gamma"](x).maximum_from(stats)
    # ∂/∂rate: total·k/rate − Σx; ∂/∂k: total·(log rate − ψ(k)) + Σ log x (each beside its terms)
    assert abs(total * k / rate - sum_x) <= 1e-12 * sum_x
    terms = abs(total * math.log(rate)) + abs(total * special.psi(k)) + abs(sum_log)
    assert abs(total * (math.log(rate) - special.psi(k)) + sum_log) <= 1e-12 * terms


def test_no_weight_or_no_spread_gives_no_maximum_inside_the_space():
    w = RESAMPLES[:3].copy()
    w[1] = 0.0
    rate, = REGISTRY["exp"](DATA["exp"]).maximum_from(REGISTRY["exp"](DATA["exp"]).statistics(w))
    assert np.isfinite(rate[[0, 2]]).all() and not np.isfinite(rate[1])
    one_row = np.zeros(300)
    one_row[4] = 5.0  # five copies of one value: no spread, sigma 0 (or rounding)
    model = REGISTRY["normal"](DATA["normal"])
    mu, sigma = model.maximum_from(model.statistics(one_row))
    assert mu == pytest.approx(DATA["normal"][4], rel=1e-15) and sigma < 1e-12
    gamma = REGISTRY["gamma"](DATA["gamma"])
    w = np.zeros((2, 300))
    w[0, 4], w[1] = 5.0, 1.0  # five copies of one value; every row once
    shape, rate = gamma.maximum_from(gamma.statistics(w))
    assert not np.isfinite(shape[0]) and not np.isfinite(rate[0])  # no spread: no maximum
    assert np.isfinite(shape[1]) and np.isfinite(rate[1])


def test_a_family_that_does_not_solve_its_maximum_says_none():
    model = REGISTRY["weibull"](DATA["gamma"])
    assert model.maximum_from(model.statistics()) is None
