"""Specifications of censored counts: a right-censored count c means X ≥ c (top-coding), a
left-censored one X ≤ c, IntervalData(l, u) means l ≤ X ≤ u — against hand sums of scipy's
pmf, sf and cdf, and fits against a direct optimizer."""

import numpy as np
import pytest
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import (BernoulliLogLik, BinomialLogLik, GeometricLogLik,
                                     NegBinomialLogLik, PoissonLogLik)

# (generator, options, parameters, scipy reference)
COUNTS = [
    (PoissonLogLik, {}, (2.7,), lambda rate: stats.poisson(rate)),
    (BinomialLogLik, {"size": 8}, (0.35,), lambda p: stats.binom(8, p)),
    (GeometricLogLik, {}, (0.3,), lambda p: stats.geom(p, loc=-1)),
    (NegBinomialLogLik, {}, (2.5, 0.4), lambda size, p: stats.nbinom(size, p)),
    (BernoulliLogLik, {}, (0.3,), lambda p: stats.bernoulli(p)),
]
IDS = [c[0].name for c in COUNTS]


def hand(ref, lower, upper, weights=None):
    """Σ w log P(lower ≤ X ≤ upper), from scipy: pmf, sf(l − 1), cdf(u) or their difference."""
    terms = np.where(lower == upper, ref.logpmf(lower),
                     np.log(ref.cdf(upper) - ref.cdf(lower - 1)))
    return float(np.sum(terms if weights is None else weights * terms))


@pytest.mark.parametrize("gen, options, params, ref", COUNTS, ids=IDS)
def test_right_censored_counts_mean_at_least_c(gen, options, params, ref):
    x = np.array([0.0, 1.0, 1.0, 3.0, 1.0, 0.0]) if gen is not BernoulliLogLik else \
        np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    cens = np.array([False, True, False, True, False, True])
    model = gen(x, censored=cens, **options)
    d = ref(*params)
    want = sum(d.logsf(c - 1) if k else d.logpmf(c) for c, k in zip(x, cens))
    assert float(model(*params).data) == pytest.approx(want, rel=1e-12)
    assert model.contributions(*params).data.sum() == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("gen, options, params, ref", COUNTS, ids=IDS)
def test_left_and_interval_censored_counts(gen, options, params, ref):
    if gen is BernoulliLogLik:
        lower, upper = np.array([0.0, 0.0, 1.0, 0.0]), np.array([0.0, 1.0, 1.0, 1.0])
    else:
        lower = np.array([0.0, 2.0, 1.0, 0.0, 4.0])
        upper = np.array([3.0, 5.0, 1.0, 0.0, 4.0 if gen is BinomialLogLik else np.inf])
    w = np.linspace(0.5, 2.0, lower.size)
    model = gen(fg.IntervalData(lower, upper), weights=w, **options)
    d = ref(*params)
    assert float(model(*params).data) == pytest.approx(hand(d, lower, upper, w), rel=1e-12)


def test_top_coded_poisson_fit_matches_a_direct_optimizer():
    rng = np.random.default_rng(2)
    t = rng.poisson(4.2, 300).astype(float)
    top = 5.0
    x, cens = np.minimum(t, top), t >= top
    fit = fg.fit_mle(PoissonLogLik, x, censored=cens)

    def nll(log_rate):
        ref = stats.poisson(np.exp(log_rate[0]))
        return -np.sum(np.where(cens, ref.logsf(x - 1), ref.logpmf(x)))
    res = optimize.minimize(nll, [np.log(x.mean())], method="Nelder-Mead",
                            options=dict(xatol=1e-11, fatol=1e-12))
    assert fit.converged
    assert fit.mle[0] == pytest.approx(np.exp(res.x[0]), rel=1e-7)
    assert fit.loglik == pytest.approx(-res.fun, rel=1e-12)
    assert fit.mle[0] > x.mean()  # top-coding hides counts above 5: the naive mean is low


def test_interval_censored_negative_binomial_fit_matches_a_direct_optimizer():
    rng = np.random.default_rng(4)
    t = rng.negative_binomial(3, 0.35, 250).astype(float)
    bins = np.array([0.0, 2.0, 5.0, 10.0, np.inf])  # counts reported in bands 0-1, 2-4, 5-9, 10+
    k = np.searchsorted(bins, t, side="right") - 1
    lower, upper = bins[k], bins[k + 1] - 1
    fit = fg.fit_mle(NegBinomialLogLik, fg.IntervalData(lower, upper))

    def nll(th):
        ref = stats.nbinom(np.exp(th[0]), 1 / (1 + np.exp(-th[1])))
        return -hand(ref, lower, upper)
    res = optimize.minimize(nll, [1.0, 0.0], method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-12, maxiter=4000))
    assert fit.converged
    assert fit.loglik == pytest.approx(-res.fun, rel=1e-9)
    np.testing.assert_allclose(fit.mle, [np.exp(res.x[0]), 1 / (1 + np.exp(-res.x[1]))],
                               rtol=1e-4)


def test_simulated_top_coded_counts_are_censored_at_their_cap():
    x = np.array([0.0, 3.0, 3.0, 1.0])
    cens = np.array([False, True, True, False])
    sim = PoissonLogLik(x, censored=cens).simulate([20.0], rng=1)
    assert np.array_equal(sim.censored, cens)  # a Poisson(20) count is almost surely ≥ 3
    assert np.array_equal(sim.lower[cens], x[cens])


def test_censored_counts_under_truncation_are_clipped_to_it():
    # zero-truncated Poisson with a top-coded row: X ≥ 0 becomes X ≥ 1
    model = PoissonLogLik(fg.IntervalData([0.0, 2.0], [np.inf, 2.0]), truncation=(0, None))
    ref = stats.poisson(1.5)
    want = 0.0 + np.log(ref.pmf(2) / ref.sf(0))  # the first row is certain given X > 0
    assert float(model(1.5).data) == pytest.approx(want, rel=1e-12)
