"""Properties over many data sets (hypothesis): the fit is at least as good as scipy's."""

import math
import warnings

import numpy as np
from hypothesis import given, settings, strategies as st
from scipy import stats

import femtograd as fg
from femtograd.distributions import ExpLogLik, WeibullLogLik

samples = st.lists(st.floats(min_value=1e-3, max_value=1e3, allow_nan=False), min_size=3,
                   max_size=40).filter(lambda v: np.ptp(v) > 1e-6 * max(v))


@settings(max_examples=40, deadline=None)
@given(samples)
def test_exponential_fit_is_the_closed_form_on_any_positive_sample(x):
    x = np.array(x)
    fit = fg.fit_mle(ExpLogLik, x)
    assert math.isclose(fit.params["rate"], 1 / x.mean(), rel_tol=1e-10)
    assert math.isclose(fit.se["rate"], 1 / (x.mean() * math.sqrt(len(x))), rel_tol=1e-8)


@settings(max_examples=40, deadline=None)
@given(samples)
def test_weibull_fit_is_never_worse_than_scipys_two_parameter_fit(x):
    x = np.array(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fg.fit_mle(WeibullLogLik, x)
        k, _, lam = stats.weibull_min.fit(x, floc=0)
    theirs = stats.weibull_min(k, scale=lam).logpdf(x).sum()
    assert np.isfinite(fit.loglik)
    assert fit.loglik >= theirs - 1e-7 * (1 + abs(theirs))
    if fit.converged:
        assert abs(fit.score).max() < 1e-5 * (1 + abs(fit.loglik)) * (1 + fit.mle.max())
