"""Cure, zero-inflated and hurdle models (issue 15 item 3): formulae against closed forms built
from scipy, derivatives against finite differences, fits against direct maximizations and
simulated truths, quantiles against the CDF."""

import numpy as np
import pytest
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import (Cure, Hurdle, NegBinomial2LogLik, PoissonLogLik,
                                     WeibullLogLik, ZeroInflated)

from ._numeric import check_derivatives

CW, ZIP, HP = Cure(WeibullLogLik), ZeroInflated(PoissonLogLik), Hurdle(PoissonLogLik)


def _cure_data(n, rng, cured=0.3):
    t = stats.weibull_min(1.5, scale=10).rvs(n, random_state=rng)
    t[rng.uniform(size=n) < cured] = np.inf
    c = rng.uniform(5, 40, n)
    return np.minimum(t, c), t > c


def test_names_and_constraints():
    assert CW.param_names == ("cured", "shape", "scale")
    assert ZIP.param_names == ("pstr0", "rate") and HP.param_names == ("pobs0", "rate")
    assert CW.constraints[0] == ZIP.constraints[0] == HP.constraints[0] == "unit"


def test_cure_formulae():
    fam, ref = CW.family(), stats.weibull_min(1.5, scale=10)
    x = np.linspace(0.5, 60, 30)
    np.testing.assert_allclose(fam.sf(x, 0.3, 1.5, 10).data, 0.3 + 0.7 * ref.sf(x), rtol=1e-12)
    np.testing.assert_allclose(fam.pdf(x, 0.3, 1.5, 10).data, 0.7 * ref.pdf(x), rtol=1e-12)
    np.testing.assert_allclose(fam.cdf(x, 0.3, 1.5, 10).data, 0.7 * ref.cdf(x), rtol=1e-12)
    q = fam.ppf([0.2, 0.6, 0.75], 0.3, 1.5, 10)
    np.testing.assert_allclose(fam.cdf(q[:2], 0.3, 1.5, 10).data, [0.2, 0.6], rtol=1e-10)
    assert q[2] == np.inf  # beyond 1 − cured: never reached


def test_zero_inflated_and_hurdle_masses():
    k = np.arange(0, 15)
    p = stats.poisson(3.0).pmf(k)
    zi = 0.25 * (k == 0) + 0.75 * p
    np.testing.assert_allclose(ZIP.family().pdf(k, 0.25, 3.0).data, zi, rtol=1e-12)
    np.testing.assert_allclose(ZIP.family().cdf(k, 0.25, 3.0).data, np.cumsum(zi), rtol=1e-12)
    hu = np.where(k == 0, 0.4, 0.6 * p / (1 - p[0]))
    np.testing.assert_allclose(HP.family().pdf(k, 0.4, 3.0).data, hu, rtol=1e-12)
    np.testing.assert_allclose(HP.family().cdf(k, 0.4, 3.0).data, np.cumsum(hu), rtol=1e-10)
    q = np.array([0.1, 0.39, 0.41, 0.7, 0.95])
    expect = [int(np.searchsorted(np.cumsum(hu), v - 1e-12)) for v in q]
    np.testing.assert_allclose(HP.family().ppf(q, 0.4, 3.0), expect)
    expect = [int(np.searchsorted(np.cumsum(zi), v - 1e-12)) for v in q]
    np.testing.assert_allclose(ZIP.family().ppf(q, 0.25, 3.0), expect)


@pytest.mark.parametrize("gen, params", [
    (lambda: CW(*_cure_data(80, np.random.default_rng(0))), (0.3, 1.4, 9.0)),
    (lambda: ZIP(np.random.default_rng(1).poisson(2.0, 60)), (0.2, 2.5)),
    (lambda: HP(np.random.default_rng(2).poisson(2.0, 60)), (0.2, 2.5)),
    (lambda: Hurdle(NegBinomial2LogLik)(np.random.default_rng(3).poisson(2.0, 60)),
     (0.2, 2.5, 3.0)),
], ids=["cure", "zip", "hurdle", "hurdle-nb2"])
def test_derivatives_match_finite_differences(gen, params):
    g = gen()
    check_derivatives(lambda *p: g(*p), params, rtol=1e-4)


def test_cure_fit_recovers_the_cured_fraction_and_matches_a_direct_maximization():
    x, cens = _cure_data(1500, np.random.default_rng(1))
    fit = fg.fit_mle(CW, x, censored=cens)
    assert fit.converged
    assert abs(fit.params["cured"] - 0.3) < 4 * fit.se["cured"]

    ref = lambda k, s: stats.weibull_min(k, scale=s)  # noqa: E731

    def nll(q):
        pi, k, s = q
        if not (0 < pi < 1 and k > 0 and s > 0):
            return np.inf
        return -(np.log1p(-pi) * (~cens).sum() + ref(k, s).logpdf(x[~cens]).sum()
                 + np.log(pi + (1 - pi) * ref(k, s).sf(x[cens])).sum())
    res = optimize.minimize(nll, [0.4, 1.0, 8.0], method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-12, maxiter=5000))
    assert fit.loglik >= -res.fun - 1e-7
    np.testing.assert_allclose(fit.mle, res.x, rtol=1e-4)


def test_zero_inflated_poisson_matches_the_direct_maximization():
    rng = np.random.default_rng(4)
    y = rng.poisson(3.0, 800)
    y[rng.uniform(size=800) < 0.25] = 0
    fit = fg.fit_mle(ZIP, y)

    def nll(q):
        pi, lam = q
        if not (0 < pi < 1 and lam > 0):
            return np.inf
        p = stats.poisson(lam).pmf(y)
        return -np.log(np.where(y == 0, pi + (1 - pi) * p, (1 - pi) * p)).sum()
    res = optimize.minimize(nll, [0.3, 2.0], method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-12))
    assert fit.converged
    np.testing.assert_allclose(fit.mle, res.x, rtol=1e-5)


def test_hurdle_poisson_zero_share_is_its_closed_form():
    """The hurdle likelihood factorizes: the MLE of pobs0 is the share of zeros."""
    rng = np.random.default_rng(5)
    y = np.where(rng.uniform(size=600) < 0.4, 0, rng.poisson(2.0, 600) + 1)
    fit = fg.fit_mle(HP, y)
    assert fit.converged
    assert fit.params["pobs0"] == pytest.approx(np.mean(y == 0), rel=1e-7)
    # the positive part is a zero-truncated Poisson: mean = λ / (1 − e^−λ)
    pos = y[y > 0]
    lam = optimize.brentq(lambda v: v / -np.expm1(-v) - pos.mean(), 1e-6, 50)
    assert fit.params["rate"] == pytest.approx(lam, rel=1e-6)


def test_simulated_follow_up_censors_the_cured():
    follow_up = np.random.default_rng(6).uniform(30, 60, 2000)  # far beyond the failures
    gen = CW(follow_up, censored=np.ones(2000, bool))
    sim = gen.simulate([0.3, 1.5, 10.0], rng=1)
    assert np.all(np.isfinite(sim.lower))
    assert sim.censored.mean() == pytest.approx(0.3, abs=0.04)


def test_bad_families_are_refused():
    with pytest.raises(ValueError, match="continuous"):
        Cure(PoissonLogLik)
    with pytest.raises(ValueError, match="count family"):
        ZeroInflated(WeibullLogLik)
    with pytest.raises(ValueError, match="count family"):
        Hurdle(WeibullLogLik)
    with pytest.raises(TypeError, match="generator class"):
        Cure(3)
