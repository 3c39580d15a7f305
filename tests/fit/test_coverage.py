"""Coverage simulation (marked slow; part of the default run, skip with -m "not slow"): 95% Wald
and profile intervals cover ~95%."""

import warnings

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import ExpLogLik, WeibullLogLik

REPS = 400
# 3 binomial standard errors of a 95% coverage estimated from REPS replicates
BAND = 3 * np.sqrt(0.95 * 0.05 / REPS)


def coverage(generator, true, draw, reps=REPS, seed=2024):
    rng = np.random.default_rng(seed)
    hits = {"wald": np.zeros(len(true)), "profile": np.zeros(len(true))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(reps):
            fit = fg.fit_mle(generator, draw(rng))
            for method in hits:
                ci = fit.confint(0.95, method=method).to_numpy()
                hits[method] += (ci[:, 0] <= true) & (true <= ci[:, 1])
    return {m: h / reps for m, h in hits.items()}


@pytest.mark.slow
def test_wald_and_profile_intervals_of_the_weibull_cover_near_95_percent():
    true = np.array([1.5, 10.0])
    cov = coverage(WeibullLogLik, true,
                   lambda rng: stats.weibull_min.rvs(1.5, scale=10, size=80, random_state=rng))
    for method, c in cov.items():
        assert np.all(np.abs(c - 0.95) < BAND), (method, c)


@pytest.mark.slow
def test_wald_and_profile_intervals_of_the_exponential_rate_cover_near_95_percent():
    true = np.array([2.0])
    cov = coverage(ExpLogLik, true, lambda rng: rng.exponential(0.5, 60))
    for method, c in cov.items():
        assert np.all(np.abs(c - 0.95) < BAND), (method, c)
