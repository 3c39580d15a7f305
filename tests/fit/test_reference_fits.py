"""Weibull, gamma and lognormal fits against scipy-based reference fits,
exact, right-censored and interval-censored; and scipy's weibull_min.fit failure."""

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import GammaLogLik, LogNormalLogLik, WeibullLogLik

from .reference import loglik_from_scipy, reference_fit

FAMILIES = {
    # generator, scipy frozen from our parameters, true parameters, which are positive
    "weibull": (WeibullLogLik, lambda k, lam: stats.weibull_min(k, scale=lam), (1.6, 40.0),
                (True, True)),
    "gamma": (GammaLogLik, lambda k, r: stats.gamma(k, scale=1 / r), (2.5, 0.2), (True, True)),
    "lognormal": (LogNormalLogLik, lambda m, s: stats.lognorm(s, scale=np.exp(m)), (2.0, 0.6),
                  (False, True)),
}


def draw(name, n, seed):
    _, frozen, true, _ = FAMILIES[name]
    return frozen(*true).rvs(size=n, random_state=np.random.default_rng(seed))


def check(fit, ll, positive, mle_rtol=1e-6, se_rtol=2e-3):
    ref_mle, ref_se, ref_ll = reference_fit(ll, fit.mle, positive)
    assert fit.converged
    np.testing.assert_allclose(fit.mle, ref_mle, rtol=mle_rtol)
    np.testing.assert_allclose(fit.se, ref_se, rtol=se_rtol)
    assert fit.loglik == pytest.approx(ref_ll, rel=1e-9)
    assert fit.loglik >= ref_ll - 1e-9


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_exact_data_fit_matches_the_scipy_reference(name):
    gen, frozen, _, positive = FAMILIES[name]
    x = draw(name, 150, 11)
    check(fg.fit_mle(gen, x), loglik_from_scipy(lambda *p: frozen(*p), x), positive)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_right_censored_fit_matches_the_scipy_reference(name):
    gen, frozen, _, positive = FAMILIES[name]
    x = draw(name, 150, 12)
    cut = np.quantile(x, 0.7)
    censored = x > cut
    t = np.minimum(x, cut)
    fit = fg.fit_mle(gen, t, censored=censored)
    check(fit, loglik_from_scipy(lambda *p: frozen(*p), t, censored), positive,
          mle_rtol=1e-5)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_interval_censored_fit_matches_the_scipy_reference(name):
    gen, frozen, _, positive = FAMILIES[name]
    x = draw(name, 120, 13)
    # round to a grid (interval-censored), keep a few exact, right-censor the largest
    width = np.quantile(x, 0.5) / 4
    lower = np.floor(x / width) * width
    upper = lower + width
    lower[:10], upper[:10] = x[:10], x[:10]
    upper[x > np.quantile(x, 0.9)] = np.inf
    fit = fg.fit_mle(gen, fg.IntervalData(lower, upper))
    check(fit, loglik_from_scipy(lambda *p: frozen(*p), lower=lower, upper=upper), positive,
          mle_rtol=1e-5)


def scipy_failure_data():
    """30 Weibull draws on which scipy's default weibull_min.fit puts the location above the
    smallest observation: the data have zero density under its answer."""
    rng = np.random.default_rng(8)
    shape, scale = rng.uniform(0.5, 5), 10 ** rng.uniform(-3, 4)
    return stats.weibull_min.rvs(shape, scale=scale, size=30, random_state=rng)


def test_weibull_fit_is_right_where_scipy_weibull_min_fit_returns_nonsense():
    x = scipy_failure_data()
    ours = fg.fit_mle(WeibullLogLik, x)
    ll = loglik_from_scipy(lambda k, lam: stats.weibull_min(k, scale=lam), x)
    ref_mle, ref_se, ref_ll = reference_fit(ll, [1.0, float(np.mean(x))], (True, True))
    assert ours.converged
    np.testing.assert_allclose(ours.mle, ref_mle, rtol=1e-6)
    np.testing.assert_allclose(ours.mle, stats.weibull_min.fit(x, floc=0)[::2], rtol=1e-5)
    assert np.isfinite(ours.loglik) and ours.loglik == pytest.approx(ref_ll, rel=1e-10)


def test_weibull_fit_is_right_from_a_poor_start_and_extreme_scales():
    for shape, scale in ((50.0, 1.0), (0.2, 1e-6), (0.3, 1e8), (8.0, 1e-9)):
        x = stats.weibull_min.rvs(shape, scale=scale, size=30,
                                  random_state=np.random.default_rng(4))
        ll = loglik_from_scipy(lambda k, lam: stats.weibull_min(k, scale=lam), x)
        expected, _, _ = reference_fit(ll, [1.0, float(np.mean(x))], (True, True))
        scipy_fit = stats.weibull_min.fit(x, floc=0)[::2]
        for start in (None, {"shape": 1.0, "scale": float(np.mean(x))}):
            fit = fg.fit_mle(WeibullLogLik, x, start=start)
            assert fit.converged
            np.testing.assert_allclose(fit.mle, expected, rtol=1e-6)
            assert fit.loglik >= ll(scipy_fit) - 1e-9


def test_standard_errors_do_not_depend_on_the_units_of_the_data():
    # a scale in the hundreds of millions makes the natural-scale information span
    # twenty orders of magnitude; it is still perfectly well determined
    x = stats.weibull_min.rvs(0.35, scale=4e8, size=40, random_state=np.random.default_rng(6))
    big = fg.fit_mle(WeibullLogLik, x)
    small = fg.fit_mle(WeibullLogLik, x / 4e8)
    assert big.converged and small.converged
    assert big.se["shape"] == pytest.approx(small.se["shape"], rel=1e-6)
    assert big.se["scale"] / 4e8 == pytest.approx(small.se["scale"], rel=1e-6)
    assert big.diagnostics().positive_definite


def test_truncated_normal_fit_matches_the_scipy_reference():
    from femtograd.distributions import NormalLogLik
    z = stats.norm.rvs(1.0, 2.0, size=2000, random_state=np.random.default_rng(14))
    x = z[(z > 0) & (z < 4)][:200]

    def ll(p):
        d = stats.norm(*p)
        return d.logpdf(x).sum() - len(x) * np.log(d.cdf(4) - d.cdf(0))
    fit = fg.fit_mle(NormalLogLik, x, truncation=(0, 4))
    check(fit, ll, (False, True), mle_rtol=1e-5, se_rtol=5e-3)
