"""Threshold families (issue 15 item 1): Weibull3, LogNormal3, Gamma3, LogLogistic3, Exp2.

Their formulae match scipy's shifted distributions; derivatives match finite differences; fits
match direct maximizations with scipy.optimize (exact and censored rows); the threshold's space
ends at the smallest finite bound of the data; a likelihood that grows without bound as the
threshold reaches the smallest failure is reported as a boundary, not as a converged fit.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import (Exp2LogLik, Gamma3LogLik, LogLogistic3LogLik,
                                     LogNormal3LogLik, Weibull3LogLik, WeibullLogLik)
from femtograd.fit.result import ConvergenceWarning

from ._numeric import check_derivatives

CASES = [  # (family, parameters, scipy's frozen distribution)
    (Weibull3LogLik, (1.7, 2.0, 3.0), stats.weibull_min(1.7, loc=3.0, scale=2.0)),
    (LogNormal3LogLik, (0.4, 0.6, -1.0), stats.lognorm(0.6, loc=-1.0, scale=np.exp(0.4))),
    (Gamma3LogLik, (2.5, 1.5, 0.5), stats.gamma(2.5, loc=0.5, scale=1 / 1.5)),
    (LogLogistic3LogLik, (3.0, 2.0, 1.0), stats.fisk(3.0, loc=1.0, scale=2.0)),
    (Exp2LogLik, (0.8, 2.0), stats.expon(loc=2.0, scale=1 / 0.8)),
]
IDS = [c[0].name for c in CASES]


@pytest.mark.parametrize("cls, params, ref", CASES, ids=IDS)
def test_formulae_match_scipy_and_vanish_below_the_threshold(cls, params, ref):
    fam = cls.family()
    below = [params[-1] - 1.0, params[-1] - 1e-3]
    x = np.concatenate([ref.ppf(np.linspace(0.01, 0.99, 25)), below])
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(fam.logpdf(x, *params).data, ref.logpdf(x), rtol=1e-10)
        np.testing.assert_allclose(fam.logcdf(x, *params).data, ref.logcdf(x), rtol=1e-10)
        np.testing.assert_allclose(fam.logsf(x, *params).data, ref.logsf(x), rtol=1e-10)
    np.testing.assert_allclose(fam.ppf([0.1, 0.5, 0.9], *params), ref.ppf([0.1, 0.5, 0.9]))


@pytest.mark.parametrize("cls, params, ref", CASES, ids=IDS)
def test_censored_loglik_derivatives_match_finite_differences(cls, params, ref):
    x = ref.rvs(size=40, random_state=np.random.default_rng(2))
    censored = np.arange(40) % 4 == 0
    gen = cls(x, censored=censored)
    check_derivatives(lambda *p: gen(*p), params, rtol=1e-4)


def _scipy_fit(ref_cls, x, censored, start):
    """The censored log-likelihood maximized directly (Nelder–Mead then BFGS)."""
    def nll(q):
        *p, t = q
        if np.any(np.asarray(p[:2]) <= 0) or t >= x[~censored].min():
            return np.inf
        d = ref_cls(*p, t)
        return -(d.logpdf(x[~censored]).sum() + d.logsf(x[censored]).sum())
    res = optimize.minimize(nll, start, method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-12, maxiter=20000, maxfev=40000))
    return res.x, -res.fun


def test_weibull3_matches_scipy_fit_on_exact_rows():
    x = stats.weibull_min(2.5, loc=100, scale=50).rvs(200, random_state=np.random.default_rng(1))
    fit = fg.fit_mle(Weibull3LogLik, x)
    shape, loc, scale = stats.weibull_min.fit(x)
    assert fit.converged
    np.testing.assert_allclose(fit.mle, [shape, scale, loc], rtol=1e-5)
    assert fit.loglik == pytest.approx(stats.weibull_min(shape, loc, scale).logpdf(x).sum(),
                                       abs=1e-6)
    assert fit.loglik >= stats.weibull_min(shape, loc, scale).logpdf(x).sum() - 1e-9


@pytest.mark.parametrize("cls, ref_cls, truth", [
    (Weibull3LogLik, lambda k, s, t: stats.weibull_min(k, loc=t, scale=s), (2.2, 40.0, 60.0)),
    (Gamma3LogLik, lambda k, r, t: stats.gamma(k, loc=t, scale=1 / r), (3.0, 0.2, 20.0)),
    (LogLogistic3LogLik, lambda b, a, t: stats.fisk(b, loc=t, scale=a), (4.0, 30.0, 10.0)),
], ids=["weibull3", "gamma3", "loglogistic3"])
def test_censored_fits_match_a_direct_maximization(cls, ref_cls, truth):
    rng = np.random.default_rng(5)
    t = ref_cls(*truth).rvs(size=150, random_state=rng)
    c = np.quantile(t, 0.8)
    x, censored = np.minimum(t, c), t > c
    fit = fg.fit_mle(cls, x, censored=censored)
    assert fit.converged
    q, ll = _scipy_fit(ref_cls, x, censored, fit.mle * 1.01)
    assert fit.loglik >= ll - 1e-7
    np.testing.assert_allclose(fit.mle, q, rtol=2e-3)


def test_lognormal3_matches_scipy_fit():
    x = 5.0 + np.random.default_rng(3).lognormal(1.0, 0.3, 300)
    fit = fg.fit_mle(LogNormal3LogLik, x)
    s, loc, scale = stats.lognorm.fit(x, loc=4.0)
    assert fit.converged
    assert fit.loglik >= stats.lognorm(s, loc, scale).logpdf(x).sum() - 1e-7
    np.testing.assert_allclose(fit.mle, [np.log(scale), s, loc], rtol=2e-3)


def test_threshold_is_bounded_by_the_smallest_finite_bound():
    x = np.array([5.0, 7.0, 9.0, 2.0, 11.0])
    assert Weibull3LogLik(x).threshold_bound == 2.0
    # a right-censored row does not bound it; a left-censored one does, at its upper end
    assert Weibull3LogLik(x, censored=[0, 0, 0, 1, 0]).threshold_bound == 5.0
    data = fg.IntervalData([5.0, 7.0, -np.inf], [5.0, 7.0, 4.0])
    assert Weibull3LogLik(data).threshold_bound == 4.0
    with pytest.raises(ValueError, match="threshold"):
        fg.fit_mle(Weibull3LogLik, x, start={"shape": 1.0, "scale": 3.0, "threshold": 2.0})
    with pytest.raises(ValueError, match="threshold"):
        Weibull3LogLik(x)(1.0, 3.0, 2.5)


def test_shape_below_one_is_reported_as_a_boundary_at_the_smallest_failure():
    x = stats.weibull_min(0.6, loc=100, scale=50).rvs(100, random_state=np.random.default_rng(1))
    with pytest.warns(ConvergenceWarning, match="threshold"):
        fit = fg.fit_mle(Weibull3LogLik, x)
    assert not fit.converged
    assert fit.status == "boundary"
    assert f"threshold → {x.min():g}" in fit.message
    assert fit.params["shape"] < 1
    assert x.min() - fit.params["threshold"] < 1e-3 * (x.max() - x.min())
    # the literature's estimate: threshold at the smallest failure, the rest fitted to the others
    rest = fg.fit_mle(WeibullLogLik, np.sort(x)[1:] - x.min())
    assert rest.converged and rest.params["shape"] < 1


def test_exp2_threshold_runs_to_the_smallest_value_and_the_rate_to_its_closed_form():
    x = 10 + np.random.default_rng(4).exponential(2.0, 80)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = fg.fit_mle(Exp2LogLik, x)
    assert fit.status == "boundary" and not fit.converged
    assert fit.params["threshold"] == pytest.approx(x.min(), rel=1e-6)
    assert fit.params["rate"] == pytest.approx(x.size / (x - x.min()).sum(), rel=1e-3)


def test_family_alone_allows_any_threshold_and_simulates():
    fam = Weibull3LogLik.family()
    draws = fam.rvs(2.0, 3.0, 10.0, size=500, random_state=1)
    assert draws.min() > 10.0
    assert fam.cdf(10.0, 2.0, 3.0, 10.0).data == 0.0


def test_threshold_fixed_at_zero_is_the_two_parameter_fit():
    x = stats.weibull_min(1.8, scale=20).rvs(120, random_state=np.random.default_rng(8))
    censored = x > 30
    three = fg.fit_mle(Weibull3LogLik, np.minimum(x, 30), censored=censored,
                       fixed={"threshold": 0.0})
    two = fg.fit_mle(WeibullLogLik, np.minimum(x, 30), censored=censored)
    np.testing.assert_allclose(three.mle[:2], two.mle, rtol=1e-7)
    assert three.loglik == pytest.approx(two.loglik, rel=1e-10)
    assert three.df == 2


@settings(max_examples=30, derandomize=True, deadline=None)
@given(st.floats(-50, 0.99), st.floats(0.3, 4), st.floats(0.5, 30))
def test_loglik_is_the_two_parameter_one_on_shifted_data(t, k, s):
    x = np.random.default_rng(10).weibull(1.5, 40) * 10 + 1.0
    censored = np.arange(40) % 5 == 0
    three = float(Weibull3LogLik(x, censored=censored)(k, s, t).data)
    two = float(WeibullLogLik(x - t, censored=censored)(k, s).data)
    assert three == pytest.approx(two, rel=1e-10, abs=1e-9)
