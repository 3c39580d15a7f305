"""Closed-form quantiles (Family.quantile, the `_quantile` hooks): fit.quantile of a family that
inverts its CDF in closed form equals the vectorized solve on its own log CDF with the implicit-
function gradient, and scipy's ppf; the hook is not inherited by a class that changes the CDF."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import femtograd as fg
from femtograd.distributions import REGISTRY, GompertzLogLik, WeibullLogLik
from femtograd.fit import predict

from .reference import finite_difference_quantile_se
from .test_every_family import OPTIONS, TRUE, simulate

CLOSED = sorted(n for n in REGISTRY if REGISTRY[n].closed_quantile)
PROBS = np.array([1e-12, 1e-6, 0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-6, 1 - 1e-12])


def test_the_families_that_invert_their_cdf_in_closed_form_have_it():
    assert {"exp", "weibull", "normal", "lognormal", "logistic", "gumbel", "loglogistic",
            "rayleigh", "pareto", "lomax", "gompertz", "burr", "expweibull", "gamma"} <= set(CLOSED)


@pytest.mark.parametrize("name", CLOSED)
def test_a_closed_form_quantile_and_its_se_equal_the_solved_ones(name):
    fit = fg.fit_mle(REGISTRY[name], simulate(name, 300, 3), **OPTIONS.get(name, {}))
    with np.errstate(all="ignore"):
        got = fit.quantile(PROBS, scale="natural")
        q, grad = predict._solved_quantiles(fit, fit.model.distribution, PROBS)
    np.testing.assert_allclose(got["estimate"], q, rtol=1e-12)
    se = np.sqrt(np.einsum("ij,jk,ik->i", grad, fit.cov.to_numpy(), grad))
    # (at p = 1e-12 a Pareto quantile is its scale to 12 digits: the solved gradient, from
    # log F at q, keeps only the digits of q − scale there; the closed form keeps them all)
    np.testing.assert_allclose(got["se"].to_numpy()[1:-1], se[1:-1], rtol=1e-7)


@pytest.mark.parametrize("name", CLOSED)
def test_a_closed_form_se_is_the_finite_difference_delta_method(name):
    fit = fg.fit_mle(REGISTRY[name], simulate(name, 300, 4), **OPTIONS.get(name, {}))
    dist, probs = fit.model.distribution, PROBS[2:-2]
    se = finite_difference_quantile_se(fit, lambda theta, p: dist.ppf(p, *theta), probs)
    np.testing.assert_allclose(fit.quantile(probs, scale="natural")["se"], se, rtol=1e-5)


@pytest.mark.parametrize("name", CLOSED)
def test_a_closed_form_ppf_is_scipys(name):
    dist = REGISTRY[name](simulate(name, 20, 5), **OPTIONS.get(name, {}))
    ref = dist.scipy(*TRUE[name])
    p = np.array([0.0, 1e-9, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0])
    np.testing.assert_allclose(dist.ppf(p, *TRUE[name]), ref.ppf(p), rtol=1e-7)
    assert dist.quantile(0.3, *TRUE[name]).shape == ()


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(CLOSED), st.floats(1e-300, 1 - 1e-16))
def test_the_cdf_at_a_closed_form_quantile_is_its_probability(name, p):
    dist = REGISTRY[name](simulate(name, 20, 6), **OPTIONS.get(name, {}))
    q = float(dist.quantile(p, *TRUE[name]).data)
    lo, hi = dist.support
    if not lo < q < hi:  # all the mass this side of q rounds onto an end of the support
        return
    log_tail = dist.logsf(q, *TRUE[name]) if p > 0.5 else dist.logcdf(q, *TRUE[name])
    want = np.log1p(-p) if p > 0.5 else np.log(p)
    # q is within a few ulps, so the log tail is within the density's slope times that
    slope = float(np.exp(dist.logpdf(q, *TRUE[name]).data - log_tail.data))
    assert abs(float(log_tail.data) - want) <= 1e-13 * max(1.0, abs(want)) + 8e-16 * abs(q) * slope


def test_a_subclass_that_changes_the_cdf_does_not_inherit_the_closed_form():
    class Shifted(WeibullLogLik):
        def _logsf(self, x, shape, scale):
            return super()._logsf(x + 1.0, shape, scale) - super()._logsf(1.0, shape, scale)

    assert WeibullLogLik.closed_quantile
    assert not Shifted.closed_quantile
    with pytest.raises(NotImplementedError, match="no closed-form quantile"):
        Shifted(np.array([1.0, 2.0])).quantile(0.5, 1.5, 2.0)


def test_a_defective_gompertz_refuses_a_quantile_beyond_its_mass():
    dist = GompertzLogLik(np.array([1.0, 2.0]))
    share = np.exp(0.5 / -1.0)  # S(∞) = exp(rate/shape)
    q = dist.ppf(0.2, -1.0, 0.5)
    np.testing.assert_allclose(np.exp(dist.logsf(q, -1.0, 0.5).data), 0.8, rtol=1e-12)
    with pytest.raises(ValueError, match=f"share {share:.6g} never fails"):
        dist.ppf(0.5, -1.0, 0.5)


def test_a_truncated_weibull_still_solves_its_quantiles():
    x = 2.0 * np.random.default_rng(5).weibull(1.5, 500)
    fit = fg.fit_mle(WeibullLogLik, x[x < 3.0], truncation=(0.0, 3.0))
    assert not fit.model.distribution.closed_quantile
    q = fit.quantile([0.1, 0.9])["estimate"].to_numpy()
    ref = stats.weibull_min(fit.mle[0], scale=fit.mle[1])
    np.testing.assert_allclose(ref.cdf(q) / ref.cdf(3.0), [0.1, 0.9], rtol=1e-12)
