"""Newton's end game (optim/newton.py): the last step, taken when it moves the point, and skipped
(saving a full evaluation) when it moves no coordinate by more than NEGLIGIBLE (1e-14) relative,
the rounding of the derivatives themselves: the estimates equal those of the step taken; and a
step promising less than the rounding of f, taken without a line search."""

import importlib

import numpy as np
import pytest

import femtograd as fg
from femtograd.optim import FunctionObjective

newton_module = importlib.import_module("femtograd.optim.newton")  # (the package's `newton`
newton_ = newton_module.newton                                    # is the function)
tolerances = importlib.import_module("femtograd.core.tolerances")  # (its negligible-step rules)


def quadratic(centre, curvature):
    """f(x) = 1000 − ½ Σ cᵢ (xᵢ − mᵢ)²: Newton's step from anywhere lands on m exactly (the
    decrement rule compares with |f|, 1000 here)."""
    centre, curvature = np.asarray(centre, float), np.asarray(curvature, float)
    return FunctionObjective(lambda x: 1e3 - 0.5 * float(np.sum(curvature * (x - centre) ** 2)),
                             lambda x: -curvature * (x - centre),
                             lambda x: -np.diag(curvature))


def test_a_start_within_rounding_of_the_maximum_ends_there_without_another_evaluation():
    centre = np.array([1.5, -3.0])
    x0 = centre * (1 + 5e-15)  # Newton's step: 5e-15 relative
    r = newton_(quadratic(centre, [2.0, 5.0]), x0)
    assert r.converged and r.evaluations == 1
    np.testing.assert_array_equal(r.x, x0)
    np.testing.assert_allclose(r.x, centre, rtol=1e-14, atol=0)


def test_a_last_step_beyond_a_few_ulps_is_taken_and_squares_the_error():
    centre = np.array([1.5, -3.0])
    x0 = centre * (1 + 1e-13)  # decrement below tolerance, but the step moves x by 1e-13
    r = newton_(quadratic(centre, [2.0, 5.0]), x0)
    assert r.converged and r.evaluations == 2
    np.testing.assert_allclose(r.x, centre, rtol=4 * np.finfo(float).eps, atol=0)


@pytest.mark.parametrize("family", ["weibull", "loglogistic", "gamma"])
def test_skipping_a_negligible_last_step_changes_no_estimate_beyond_rounding(family, monkeypatch):
    x = 3.0 * np.random.default_rng(7).weibull(1.5, 1000)
    skipped = fg.fit_mle(family, x)
    monkeypatch.setattr(tolerances, "NEGLIGIBLE", 0.0)  # every last step taken, as before
    taken = fg.fit_mle(family, x)
    assert skipped.converged and taken.converged
    np.testing.assert_allclose(skipped.mle, taken.mle, rtol=2e-14)
    np.testing.assert_allclose(skipped.se, taken.se, rtol=1e-12)
    assert abs(skipped.loglik - taken.loglik) <= 1e-13 * abs(taken.loglik)


def test_a_step_promising_less_than_rounding_is_taken_on_the_derivatives_word():
    """Between the stopping rule (decrement ≤ 1e-18·|f|) and the rounding of f (1e-10·|f|)
    values cannot judge a step: Newton takes it when the value there is level to rounding and
    lets the derivatives decide, without a line search halving it on noise."""
    centre = np.array([1.5, -3.0])
    x0 = centre + np.array([1e-6, -2e-6])  # decrement ~1e-11, gain below 1e-10·1000
    r = newton_(quadratic(centre, [2.0, 5.0]), x0)
    assert r.converged and r.evaluations == 2  # the start, and the step's end
    np.testing.assert_allclose(r.x, centre, rtol=1e-15, atol=0)


def test_at_a_maximum_at_zero_a_step_of_rounding_size_is_skipped_by_its_decrement():
    # |x| is ~0 there (a location at 0, the log of a scale of 1): the decrement, not |x|,
    # says the step is at the derivatives' rounding (g·d = 2.5e-29 < NEGLIGIBLE²·|f| = 1e-25)
    x0 = np.array([3e-15, -2e-15])
    r = newton_(quadratic([0.0, 0.0], [2.0, 5.0]), x0)
    assert r.converged and r.evaluations == 1
    np.testing.assert_array_equal(r.x, x0)
    r = newton_(quadratic([0.0, 0.0], [2.0, 5.0]), x0 * 1e3)  # g·d = 2.5e-23: taken
    assert r.converged and r.evaluations == 2
    np.testing.assert_allclose(r.x, [0.0, 0.0], rtol=0, atol=1e-25)
