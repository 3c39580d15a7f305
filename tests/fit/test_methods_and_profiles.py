"""fit_mle's methods agree; profiles of two-parameter and unit-interval models."""

import math

import numpy as np
import pytest
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import REGISTRY, WeibullLogLik

from .conftest import loglike_normal


def test_newton_bfgs_and_gradient_ascent_fits_agree(normal_data):
    kw = dict(start={"mu": 2.0, "sigma": 1.5}, constraints={"sigma": "positive"})
    newton = fg.fit_mle(loglike_normal, normal_data, **kw)
    bfgs = fg.fit_mle(loglike_normal, normal_data, method="bfgs", **kw)
    ascent = fg.fit_mle(loglike_normal, normal_data, method="gradient_ascent", lr=0.005,
                        iterations=20000, tol=1e-7, **kw)
    assert newton.converged and bfgs.converged and ascent.converged
    assert (newton.method, bfgs.method, ascent.method) == ("newton", "bfgs", "gradient_ascent")
    np.testing.assert_allclose(bfgs.mle, newton.mle, rtol=1e-7)
    np.testing.assert_allclose(ascent.mle, newton.mle, rtol=1e-6)
    np.testing.assert_allclose(bfgs.se, newton.se, rtol=1e-6)


def weibull_profile(x, k):
    """Closed-form profile over the scale: λ(k) = (mean x^k)^(1/k)."""
    n = len(x)
    lam = np.mean(x ** k) ** (1 / k)
    return n * math.log(k) - n * k * math.log(lam) + (k - 1) * np.log(x).sum() - n


def test_weibull_shape_profile_interval_equals_the_independent_lr_interval():
    x = stats.weibull_min.rvs(1.4, scale=5, size=60, random_state=np.random.default_rng(9))
    fit = fg.fit_mle(WeibullLogLik, x)
    k = fit.params["shape"]
    cut = stats.chi2.ppf(0.9, 1) / 2
    top = weibull_profile(x, k)
    lower = optimize.brentq(lambda s: top - weibull_profile(x, s) - cut, k / 3, k, xtol=1e-14)
    upper = optimize.brentq(lambda s: top - weibull_profile(x, s) - cut, k, 3 * k, xtol=1e-14)
    ci = fit.confint(0.9, method="profile")
    assert ci.loc["shape"].tolist() == pytest.approx([lower, upper], rel=1e-8)
    assert fit.profile_loglik("shape", 1.2) == pytest.approx(weibull_profile(x, 1.2), rel=1e-11)


def test_profile_interval_of_a_probability_stays_in_the_unit_interval():
    x = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    fit = fg.fit_mle(REGISTRY["bernoulli"], x)
    ll = lambda p: math.log(p) + 9 * math.log(1 - p)
    cut = stats.chi2.ppf(0.95, 1) / 2
    lower = optimize.brentq(lambda p: ll(0.1) - ll(p) - cut, 1e-12, 0.1, xtol=1e-15)
    upper = optimize.brentq(lambda p: ll(0.1) - ll(p) - cut, 0.1, 1 - 1e-12, xtol=1e-15)
    ci = fit.confint(method="profile")
    assert ci.loc["prob"].tolist() == pytest.approx([lower, upper], rel=1e-8)
    assert fit.confint().loc["prob", "lower"] < 0 < ci.loc["prob", "lower"]


def test_profile_loglik_of_an_unknown_parameter_lists_the_valid_ones(normal_data):
    fit = fg.fit_mle(loglike_normal, normal_data, start={"mu": 0.0, "sigma": 1.0},
                     constraints={"sigma": "positive"})
    with pytest.raises(ValueError, match=r"unknown parameter 'tau'.*\['mu', 'sigma'\]"):
        fit.profile_loglik("tau", 1.0)
