"""A regression's bootstrap takes progress= and n_jobs= as a fit's does: the replicates are
drawn in this process, so worker processes refit the same ones."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import WeibullLogLik
from femtograd.fit.draws import resample_counts


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(8)
    n = 150
    x = rng.normal(size=n)
    t = np.exp(2.0 + 0.5 * x) * rng.weibull(1.6, n)
    c = rng.uniform(0, 25, n)
    df = pd.DataFrame({"t": np.minimum(t, c), "dead": t <= c, "x": x,
                       "w": rng.integers(1, 3, n)})
    return df


@pytest.fixture(scope="module")
def fit(frame):
    return fg.regress(WeibullLogLik, "t ~ x", frame, event="dead", weights="w")


def test_worker_processes_refit_the_same_replicates(fit):
    one = fit.bootstrap(12, seed=4)
    two = fit.bootstrap(12, seed=4, n_jobs=2)
    assert one.succeeded == 12
    pd.testing.assert_frame_equal(one.estimates, two.estimates)


def test_each_replicate_is_the_weighted_refit_of_its_counts(fit, frame):
    boot = fit.bootstrap(3, seed=9)
    drawn = next(resample_counts(fit.weights, 3, np.random.default_rng(9), 3))
    for b, counts in enumerate(drawn):
        refit = fg.regress(WeibullLogLik, "t ~ x", frame, event="dead",
                           weights=counts)
        np.testing.assert_allclose(boot.estimates.iloc[b].to_numpy(), refit.mle, rtol=1e-7)


def test_progress_counts_every_replicate_and_a_bad_one_is_refused_first(fit):
    seen = []
    fit.bootstrap(5, seed=1, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5) and len(seen) == 6
    with pytest.raises(TypeError, match="progress must be"):
        fit.bootstrap(5, seed=1, progress=3)
    with pytest.raises(ValueError, match="n_jobs must be a whole number"):
        fit.bootstrap(5, seed=1, n_jobs=0)
