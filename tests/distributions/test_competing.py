"""Competing risks (issue 15 item 3): S = Π S_j, h = Σ h_j; with each failure's cause known the
likelihood factorizes into one censored fit per cause, without it the fit reaches a direct
maximization; derivatives match finite differences; quantiles invert the CDF."""

import numpy as np
import pytest
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import (CompetingRisks, ExpLogLik, LogNormalLogLik, PoissonLogLik,
                                     WeibullLogLik)

from ._numeric import check_derivatives

CR = CompetingRisks([WeibullLogLik, WeibullLogLik])


def _two_causes(n, rng):
    t1 = stats.weibull_min(0.8, scale=60).rvs(n, random_state=rng)
    t2 = stats.weibull_min(4.0, scale=30).rvs(n, random_state=rng)
    c = rng.uniform(20, 50, n)
    t = np.minimum(np.minimum(t1, t2), c)
    mode = np.where(t == c, 0, np.where(t1 < t2, 1, 2))
    return t, mode


def test_survival_is_the_product_and_the_hazard_the_sum():
    fam, p = CR.family(), (0.8, 60.0, 4.0, 30.0)
    a, b = stats.weibull_min(0.8, scale=60), stats.weibull_min(4.0, scale=30)
    x = np.linspace(1, 50, 20)
    np.testing.assert_allclose(fam.sf(x, *p).data, a.sf(x) * b.sf(x), rtol=1e-12)
    np.testing.assert_allclose(fam.hazard(x, *p).data, a.pdf(x) / a.sf(x) + b.pdf(x) / b.sf(x),
                               rtol=1e-10)
    np.testing.assert_allclose(fam.pdf(x, *p).data,
                               a.pdf(x) * b.sf(x) + b.pdf(x) * a.sf(x), rtol=1e-10)
    q = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(fam.cdf(fam.ppf(q, *p), *p).data, q, rtol=1e-9)


def test_known_causes_factorize_into_one_censored_fit_per_cause():
    t, mode = _two_causes(800, np.random.default_rng(1))
    fit = fg.fit_mle(CR, t, mode=mode)
    one = fg.fit_mle(WeibullLogLik, t, censored=mode != 1)
    two = fg.fit_mle(WeibullLogLik, t, censored=mode != 2)
    assert fit.converged
    np.testing.assert_allclose(fit.mle, np.concatenate([one.mle, two.mle]), rtol=1e-6)
    assert fit.loglik == pytest.approx(one.loglik + two.loglik, rel=1e-10)


def test_unknown_causes_reach_a_direct_maximization():
    t, mode = _two_causes(600, np.random.default_rng(2))
    cens = mode == 0
    fit = fg.fit_mle(CR, t, censored=cens)

    def nll(q):
        if np.any(q <= 0):
            return np.inf
        a, b = stats.weibull_min(q[0], scale=q[1]), stats.weibull_min(q[2], scale=q[3])
        logs = a.logsf(t) + b.logsf(t)
        h = a.pdf(t) / a.sf(t) + b.pdf(t) / b.sf(t)
        return -(logs.sum() + np.log(h[~cens]).sum())
    res = optimize.minimize(nll, fit.mle * 1.05, method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-12, maxiter=20000))
    assert fit.converged
    assert fit.loglik >= -res.fun - 1e-7
    np.testing.assert_allclose(fit.mle, res.x, rtol=1e-3)


def test_derivatives_with_and_without_modes():
    t, mode = _two_causes(60, np.random.default_rng(3))
    with_modes = CompetingRisks([WeibullLogLik, LogNormalLogLik])(t, mode=mode)
    check_derivatives(lambda *p: with_modes(*p), (0.9, 50.0, 3.3, 0.4), rtol=1e-4)
    without = CompetingRisks([WeibullLogLik, ExpLogLik])(t, censored=mode == 0)
    check_derivatives(lambda *p: without(*p), (3.5, 30.0, 0.02), rtol=1e-4)


def test_simulated_causes_refit_to_the_truth_and_bootstrap_keeps_them():
    t, mode = _two_causes(50, np.random.default_rng(4))
    gen = CR(np.full(3000, 45.0), mode=np.zeros(3000))  # follow-up of 45 for every unit
    sim = gen.simulate([0.8, 60.0, 4.0, 30.0], rng=5)
    assert set(np.unique(sim.mode)) == {0, 1, 2}
    fit = fg.fit_mle(sim)
    assert np.all(np.abs(fit.mle - [0.8, 60.0, 4.0, 30.0]) < 4 * fit.se.to_numpy())
    again = CR(t, mode=mode).reweighted(np.full(50, 2.0))
    np.testing.assert_array_equal(again.mode, mode)
    assert again.nobs == 100


def test_bad_input():
    with pytest.raises(ValueError, match="two or more"):
        CompetingRisks([WeibullLogLik])
    with pytest.raises(ValueError, match="count family"):
        CompetingRisks([WeibullLogLik, PoissonLogLik])
    t = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="row 2 is 3"):
        CR(t, mode=[1, 2, 3])
    with pytest.raises(ValueError, match="length 2"):
        CR(t, mode=[1, 2])
    with pytest.raises(TypeError, match="not both"):
        CR(t, mode=[1, 2, 0], censored=[0, 0, 1])
