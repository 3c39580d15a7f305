"""Threshold families (issue 15 item 1): Weibull3, LogNormal3, Gamma3, LogLogistic3, Exp2.

Their formulae match scipy's shifted distributions; derivatives match finite differences; fits
match direct maximizations with scipy.optimize (exact and censored rows); the threshold's space
ends at the smallest finite bound of the data; a likelihood that grows without bound as the
threshold reaches the smallest failure is reported as a boundary, not as a converged fit, with
the literature's estimate (threshold at the smallest failure, the rest fitted to the others)
unless the user opts out.
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


def _shape_06():
    return stats.weibull_min(0.6, loc=100, scale=50).rvs(100, random_state=np.random.default_rng(1))


def test_shape_below_one_gives_the_literatures_estimate_reported_as_a_boundary():
    """Smith (1985): the threshold at the smallest failure, the other parameters the
    two-parameter fit to the other failures shifted by it."""
    x = _shape_06()
    with pytest.warns(ConvergenceWarning, match="Smith 1985"):
        fit = fg.fit_mle(Weibull3LogLik, x)
    assert not fit.converged and fit.status == "boundary"
    assert f"threshold → {x.min():g}" in fit.message
    assert "1 row(s) at" in fit.message and "boundary_estimate=False" in fit.message
    rest = fg.fit_mle(WeibullLogLik, np.sort(x)[1:] - x.min())
    assert rest.converged and rest.params["shape"] < 1
    assert fit.params["threshold"] == x.min()
    np.testing.assert_allclose(fit.mle[:2], rest.mle, rtol=1e-9)
    np.testing.assert_allclose(fit.se[:2], rest.se, rtol=1e-6)
    assert fit.se["threshold"] == 0 and fit.df == 2
    assert fit.loglik == pytest.approx(rest.loglik, rel=1e-12) and fit.nobs == 99


def test_boundary_estimate_false_keeps_the_runs_end():
    x = _shape_06()
    with pytest.warns(ConvergenceWarning, match="threshold") as caught:
        fit = fg.fit_mle(Weibull3LogLik, x, boundary_estimate=False)
    assert "Smith" not in str(caught[0].message)
    assert fit.status == "boundary" and fit.nobs == 100 and fit.params["shape"] < 0.6
    assert 0 < x.min() - fit.params["threshold"] < 1e-3 * (x.max() - x.min())
    with pytest.raises(TypeError, match="boundary_estimate must be True or False"):
        Weibull3LogLik(x, boundary_estimate="no")


def test_other_threshold_families_give_the_same_estimate():
    y = 10 + stats.weibull_min(0.7, scale=3).rvs(80, random_state=np.random.default_rng(5))
    with pytest.warns(ConvergenceWarning, match="Smith 1985"):
        fit = fg.fit_mle(Gamma3LogLik, y)
    rest = fg.fit_mle(fg.distributions.GammaLogLik, np.sort(y)[1:] - y.min())
    assert fit.params["threshold"] == y.min()
    np.testing.assert_allclose(fit.mle[:2], rest.mle, rtol=1e-8)


def test_no_estimate_where_a_censored_row_ends_at_the_smallest_value():
    """An interval row ending at m has probability 0 with the threshold there: no estimate is
    made up; the run's own boundary is reported."""
    x = _shape_06()
    lo = np.where(x == x.min(), x.min() - 1.0, x)
    gen = Weibull3LogLik(fg.IntervalData(lo, x))
    assert gen.boundary_estimate(("threshold",), dict(shape=0.6, scale=50.0,
                                                      threshold=x.min() - 1e-6)) is None


def test_the_estimate_is_offered_only_when_the_threshold_runs_up_to_the_smallest_value():
    x = stats.weibull_min(2.5, loc=100, scale=50).rvs(200, random_state=np.random.default_rng(1))
    gen = Weibull3LogLik(x)
    fit = fg.fit_mle(gen)
    assert fit.converged
    k, s, t = fit.mle
    assert gen.boundary_estimate(("threshold",), dict(shape=k, scale=s, threshold=t - 5)) \
        is not None  # still rising toward m
    assert gen.boundary_estimate(("threshold",), dict(shape=k, scale=s, threshold=t + 3)) \
        is None      # falling toward m: not the non-regular case
    assert gen.boundary_estimate(("shape",), dict(shape=k, scale=s, threshold=t - 5)) is None


def test_exp2_is_held_at_the_smallest_value_with_every_row():
    x = 10 + np.random.default_rng(4).exponential(2.0, 80)
    with pytest.warns(ConvergenceWarning, match="density is finite there"):
        fit = fg.fit_mle(Exp2LogLik, x)
    assert fit.status == "boundary" and not fit.converged and fit.nobs == 80
    assert fit.params["threshold"] == x.min()
    assert fit.params["rate"] == pytest.approx(x.size / (x - x.min()).sum(), rel=1e-10)
    rate = x.size / (x - x.min()).sum()
    assert fit.loglik == pytest.approx(x.size * np.log(rate) - x.size, rel=1e-12)


def test_hold_lets_the_threshold_sit_at_the_smallest_row():
    x = np.array([3.0, 4.0, 6.0, 9.0])
    gen = Exp2LogLik(x, hold=3.0)
    assert gen.threshold_bound == 4.0
    assert float(gen(0.5, 3.0).data) == pytest.approx(4 * np.log(0.5) - 0.5 * 10.0)
    with pytest.raises(ValueError, match="hold=3.5 lies above a row's value 3"):
        Exp2LogLik(x, hold=3.5)
    with pytest.raises(TypeError, match="hold must be a number"):
        Exp2LogLik(x, hold="low")


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


def test_the_estimate_keeps_per_row_entry_times_of_the_rows_it_fits():
    """Delayed entry: each kept row keeps its own entry time, shifted with it."""
    x = _shape_06()
    entry = np.where((x > 120) & (np.arange(x.size) % 3 == 0), 110.0, 50.0)
    with pytest.warns(ConvergenceWarning, match="Smith 1985"):
        fit = fg.fit_mle(Weibull3LogLik, x, truncation=(entry, None))
    m, keep = x.min(), x > x.min()
    rest = fg.fit_mle(WeibullLogLik, x[keep] - m,
                      truncation=(np.maximum(entry[keep] - m, 0.0), None))
    assert fit.params["threshold"] == m
    np.testing.assert_allclose(fit.mle[:2], rest.mle, rtol=1e-8)
    assert fit.loglik == pytest.approx(rest.loglik, rel=1e-12)


@settings(max_examples=8, derandomize=True, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.3, 0.9), st.sampled_from([Weibull3LogLik,
                                                                     Gamma3LogLik]))
def test_whenever_the_literatures_estimate_is_returned_it_is_the_fit_to_the_others(seed, k,
                                                                                 cls):
    x = 5 + stats.weibull_min(k, scale=2).rvs(60, random_state=np.random.default_rng(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = fg.fit_mle(cls, x)
    if "Smith 1985" not in fit.message:  # a local maximum inside the space is an MLE
        assert fit.converged
        return
    assert fit.status == "boundary" and fit.params["threshold"] == x.min()
    rest = fg.fit_mle(cls.base, np.sort(x)[1:] - x.min())
    np.testing.assert_allclose(fit.mle[:2], rest.mle, rtol=1e-7)
