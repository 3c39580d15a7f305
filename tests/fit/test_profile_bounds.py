"""Profile bounds found by Newton/Halley steps on the profile (slopes from the envelope
theorem) sit where the likelihood-ratio statistic meets the chi-square cut-off: a closed form
for the normal mean, and the cut-off equation itself for any family and level."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import femtograd as fg
from femtograd.distributions import GammaLogLik, NormalLogLik, WeibullLogLik


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from([0.8, 0.95, 0.99]))
def test_the_normal_means_profile_interval_is_the_closed_form(seed, level):
    x = np.random.default_rng(seed).normal(3.0, 2.0, 40)
    lo, hi = fg.fit_mle(NormalLogLik, x).confint(level, method="profile").loc["mu"]
    # ℓp(μ) = −n/2·log(mean((x − μ)²)) + const: the bounds solve n·log(1 + d²/s²) = cut
    n, s2 = x.size, np.mean((x - x.mean()) ** 2)
    half = math.sqrt(s2 * math.expm1(stats.chi2.ppf(level, 1) / n))
    assert lo == pytest.approx(x.mean() - half, rel=1e-10, abs=1e-12)
    assert hi == pytest.approx(x.mean() + half, rel=1e-10, abs=1e-12)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from([WeibullLogLik, GammaLogLik]))
def test_every_bound_meets_the_cut_off(seed, family):
    x = np.random.default_rng(seed).gamma(2.0, 1.5, 60)
    fit = fg.fit_mle(family, x)
    ci = fit.confint(0.9, method="profile")
    cut = stats.chi2.ppf(0.9, 1)
    check = fg.fit_mle(family, x)  # a profiler of its own: no remembered warm starts
    for name in fit.param_names:
        for bound in ci.loc[name]:
            lr = 2 * (check.loglik - check.profile_loglik(name, bound))
            assert lr == pytest.approx(cut, abs=1e-7)
    assert (ci["lower"] < fit.params).all() and (fit.params < ci["upper"]).all()
