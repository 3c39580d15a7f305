"""fit.se_reliable(): one boolean with its reasons (R's se_reliable) — convergence, a
positive definite and well-conditioned information, an interior estimate, finite SEs."""

import warnings

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import BernoulliLogLik, WeibullLogLik
from femtograd.fit import SingularInformationWarning
from femtograd.fit.covariance import correlation_scaled

Y = np.random.default_rng(2).normal(1.0, 1.0, 50)


def fit_quietly(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fg.fit_mle(*args, **kw)


def test_a_well_posed_fit_is_reliable_with_no_reasons():
    x = np.random.default_rng(1).weibull(1.3, 80) * 10
    fit = fg.fit_mle(WeibullLogLik, x)
    verdict = fit.se_reliable()
    assert verdict and verdict.reliable is True and verdict.reasons == []
    assert all(verdict.checks.values())
    lam = np.linalg.eigvalsh(correlation_scaled(fit.observed_information)[1])
    assert verdict.condition_number == pytest.approx(lam[-1] / lam[0], rel=1e-12)
    assert "reliable" in str(verdict)


def test_the_condition_number_does_not_depend_on_the_units():
    x = np.random.default_rng(1).weibull(1.3, 80) * 10
    hours, seconds = fg.fit_mle(WeibullLogLik, x), fg.fit_mle(WeibullLogLik, x * 3600.0)
    assert seconds.se_reliable().condition_number == pytest.approx(
        hours.se_reliable().condition_number, rel=1e-6)


def test_a_singular_information_is_not_reliable_and_names_the_parameters():
    """mean a + b: only the sum is identified."""
    fit = fit_quietly(lambda a, b, d: fg.sum(-0.5 * fg.square(d - a - b)), Y,
                      start={"a": 0.0, "b": 0.0})
    with pytest.warns(SingularInformationWarning):  # the NaN standard errors say why too
        verdict = fit.se_reliable()
    assert not verdict and verdict.reliable is False
    assert not verdict.checks["positive_definite"] and verdict.condition_number == np.inf
    assert any("singular" in r and "['a', 'b']" in r for r in verdict.reasons)
    assert not verdict.checks["finite_se"]


def test_a_nearly_unidentified_model_is_flagged_by_its_condition_number():
    """mean a + b·t with t constant to 1e-6: positive definite, but the correlation of the
    estimates is 1 − O(1e-12)."""
    t = 1.0 + 1e-6 * np.random.default_rng(3).normal(size=len(Y))
    fit = fit_quietly(lambda a, b, d: fg.sum(-0.5 * fg.square(d - a - b * t)), Y,
                      start={"a": 0.0, "b": 0.0})
    verdict = fit.se_reliable()
    assert verdict.checks["positive_definite"] and not verdict.checks["well_conditioned"]
    assert verdict.condition_number > 1e10
    assert any("ill-conditioned" in r for r in verdict.reasons)


def test_an_estimate_at_the_boundary_is_not_reliable():
    fit = fit_quietly(BernoulliLogLik, np.ones(20))  # prob -> 1
    verdict = fit.se_reliable()
    assert not verdict
    assert not verdict.checks["converged"] and verdict.checks["interior"] is False
    assert any("edge of the parameter space" in r and "prob" in r for r in verdict.reasons)


def test_a_fit_that_did_not_converge_is_not_reliable():
    x = np.random.default_rng(1).weibull(1.3, 80) * 10
    fit = fit_quietly(WeibullLogLik, x, start={"shape": 5.0, "scale": 1.0}, max_iter=1,
                      fallback=False)
    verdict = fit.se_reliable()
    assert not verdict and not verdict.checks["converged"]
    assert verdict.checks["interior"] is None  # not judged away from a stationary point
    assert verdict.reasons[0].startswith("the optimizer did not converge (max_iterations)")


@pytest.mark.parametrize("value", [1.0, 0.5, "big", np.nan])
def test_max_condition_must_exceed_one(value):
    x = np.random.default_rng(1).weibull(1.3, 80) * 10
    with pytest.raises(ValueError, match="max_condition must be a number > 1"):
        fg.fit_mle(WeibullLogLik, x).se_reliable(max_condition=value)
