"""Specifications of the optimizers: line search, Newton, BFGS, clipped gradient ascent."""

import math

import numpy as np
import pytest

import femtograd as fg
from femtograd.optim import (FunctionObjective, GraphObjective, Tolerances, backtrack, bfgs,
                             grad_clip, gradient_ascent, newton, newton_direction)


def rosenbrock():
    """Negative Rosenbrock: maximum 0 at (1, 1); the Hessian is indefinite in places."""
    def f(x):
        return -((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)

    def g(x):
        return -np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2),
                          200 * (x[1] - x[0] ** 2)])

    def h(x):
        return -np.array([[2 - 400 * x[1] + 1200 * x[0] ** 2, -400 * x[0]],
                          [-400 * x[0], 200.0]])
    return FunctionObjective(f, g, h)


def exponential_objective(x, transform=True):
    rate = fg.val(1.0)
    ll = fg.log(rate) * len(x) - rate * fg.sum(x)
    return GraphObjective(ll, [rate], ["positive"], transform=transform), rate


@pytest.fixture
def sample():
    return np.random.default_rng(1).exponential(1 / 7.3, 30)


# -- line search --------------------------------------------------------------------------
def test_backtrack_takes_the_full_step_when_it_increases_enough():
    f = lambda x: -float(x[0] ** 2)
    step = backtrack(f, np.array([1.0]), -1.0, np.array([-2.0]), np.array([-1.0]))
    assert step.t == 1.0 and step.x[0] == 0.0 and step.f == 0.0


def test_backtrack_rejects_non_finite_trial_points_instead_of_raising():
    def f(x):
        return math.log(1 - x[0]) if x[0] < 1 else math.nan  # undefined beyond 1
    step = backtrack(f, np.array([0.0]), 0.0, np.array([-1.0]), np.array([4.0]))
    assert step is None  # every step is uphill or undefined ...
    step = backtrack(lambda x: -abs(x[0] - 0.5) if x[0] < 1 else -math.inf,
                     np.array([0.0]), -0.5, np.array([1.0]), np.array([8.0]))
    assert step is not None and step.x[0] < 1 and step.f > -0.5  # ... or a shorter one is taken


def test_backtrack_refuses_a_direction_that_is_not_ascent():
    assert backtrack(lambda x: 0.0, np.array([0.0]), 0.0, np.array([1.0]),
                     np.array([-1.0])) is None


# -- Newton --------------------------------------------------------------------------------
def test_newton_direction_is_the_newton_step_when_the_hessian_is_negative_definite():
    h = np.array([[-4.0, 1.0], [1.0, -3.0]])
    g = np.array([1.0, 2.0])
    d, modified = newton_direction(g, h)
    assert not modified
    np.testing.assert_allclose(d, np.linalg.solve(-h, g))


def test_newton_direction_is_an_ascent_direction_when_the_hessian_is_indefinite():
    h = np.array([[2.0, 0.0], [0.0, -1.0]])
    g = np.array([1.0, 1.0])
    d, modified = newton_direction(g, h)
    assert modified and g @ d > 0


def test_newton_maximizes_negative_rosenbrock_and_never_steps_downhill():
    res = newton(rosenbrock(), np.array([-1.2, 1.0]))
    assert res.converged and res.status == "converged"
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-8)
    assert np.all(np.diff(res.history) > 0)


def test_bfgs_maximizes_negative_rosenbrock_and_never_steps_downhill():
    res = bfgs(rosenbrock(), np.array([-1.2, 1.0]))
    assert res.converged
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-6)
    assert np.all(np.diff(res.history) > 0)


def test_max_iterations_gives_a_status_and_message_not_an_exception():
    res = newton(rosenbrock(), np.array([-1.2, 1.0]), Tolerances(max_iter=2))
    assert not res.converged
    assert res.status == "max_iterations" and "2 iterations" in res.message


def test_a_non_finite_start_is_a_status_not_an_exception():
    res = newton(FunctionObjective(lambda x: np.log(x[0]), lambda x: 1 / x, None),
                 np.array([-1.0]))
    assert res.status == "non_finite" and not res.converged


def test_all_optimizers_return_the_same_result_type(sample):
    obj, _ = exponential_objective(sample)
    results = [newton(obj, np.zeros(1)), bfgs(obj, np.zeros(1))]
    nat, _ = exponential_objective(sample, transform=False)
    results.append(gradient_ascent(nat, np.ones(1)))
    assert len({type(r) for r in results}) == 1
    for r in results:
        assert {"x", "loglik", "grad", "iterations", "status", "message", "method"} <= set(vars(r))


def test_newton_bfgs_and_gradient_ascent_agree_on_the_exponential_rate(sample):
    mle = 1 / sample.mean()
    obj, _ = exponential_objective(sample)
    assert math.exp(newton(obj, np.zeros(1)).x[0]) == pytest.approx(mle, rel=1e-12)
    assert math.exp(bfgs(obj, np.zeros(1)).x[0]) == pytest.approx(mle, rel=1e-8)
    nat, _ = exponential_objective(sample, transform=False)
    res = gradient_ascent(nat, np.ones(1), lr=0.2, iterations=2000, tol=1e-8)
    assert res.converged and res.x[0] == pytest.approx(mle, rel=1e-7)


# -- clipped gradient ascent: the vignette -----------------------------------------------------
def test_gradient_ascent_reproduces_the_vignette_loop_step_for_step(sample):
    rate = fg.val(1.0)
    loglik = fg.log(rate) * len(sample) - rate * fg.sum(sample)
    for _ in range(200):
        fg.zero_grad(loglik)
        fg.backward(loglik)
        rate.data = rate.data + 0.2 * grad_clip(fg.grad(rate))
    nat, _ = exponential_objective(sample, transform=False)
    res = gradient_ascent(nat, np.ones(1), lr=0.2, max_norm=1.0, iterations=200, tol=0.0)
    assert res.x[0] == pytest.approx(rate.data, rel=1e-14)
    assert res.status == "max_iterations"


def test_gradient_ascent_halves_a_step_that_leaves_the_parameter_space():
    x = np.array([0.5, 0.6])
    nat, _ = exponential_objective(x, transform=False)
    res = gradient_ascent(nat, np.array([1.0]), lr=5.0, iterations=3, tol=0.0)
    assert res.x[0] > 0 and np.isfinite(res.loglik)


def test_gradient_ascent_rejects_a_non_positive_learning_rate(sample):
    nat, _ = exponential_objective(sample, transform=False)
    with pytest.raises(ValueError, match="lr must be positive"):
        gradient_ascent(nat, np.ones(1), lr=0.0)


def saddle():
    """f = −x² + y² − y⁴: a saddle at the origin, maxima at y = ±1/√2."""
    return FunctionObjective(lambda v: -v[0] ** 2 + v[1] ** 2 - v[1] ** 4,
                             lambda v: np.array([-2 * v[0], 2 * v[1] - 4 * v[1] ** 3]),
                             lambda v: np.array([[-2.0, 0.0], [0.0, 2 - 12 * v[1] ** 2]]))


def test_newton_does_not_stop_at_a_saddle_point():
    res = newton(saddle(), np.zeros(2))
    assert res.converged
    np.testing.assert_allclose(np.abs(res.x), [0.0, 1 / np.sqrt(2)], atol=1e-8)
    assert np.all(np.diff(res.history) > 0)


def test_the_plain_float_stopping_rules_treat_nan_and_empty_vectors_as_numpy_does():
    from femtograd.optim.stopping import max_abs
    for v in ([], [0.5, -2.0], np.array([[1.0, -3.0]]), [np.nan, 1.0], [1.0, np.nan],
              [np.inf, -1.0], [-np.inf, np.nan]):
        a = np.asarray(v, dtype=float)
        expected = float(np.max(np.abs(a))) if a.size else 0.0
        got = max_abs(v)
        assert type(got) is float
        assert got == expected or (np.isnan(got) and np.isnan(expected))
    tol = Tolerances()
    assert not tol.decrement_small(math.nan, 1.0)  # a NaN decrement is never small
    assert tol.decrement_small(0.0, 0.0)           # an exact maximum of 0 at the start


# -- stopping rules without units ----------------------------------------------------------------
def scaled_rosenbrock(c):
    """c times the negative Rosenbrock function: the same maximum in any log-likelihood units."""
    r = rosenbrock()
    return FunctionObjective(lambda x: c * r.f(x), lambda x: c * r.grad(x),
                             lambda x: c * r.hess(x))


@pytest.mark.parametrize("c", [1e-300, 1e-100, 1.0, 1e100, 1e300])
@pytest.mark.parametrize("optimizer", [newton, bfgs])
def test_the_maximum_is_found_whatever_the_size_of_the_log_likelihood(optimizer, c):
    res = optimizer(scaled_rosenbrock(c), np.array([-1.2, 1.0]))
    assert res.converged
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-6)


def test_newton_does_not_call_a_linear_function_converged_however_large_it_grows():
    linear = FunctionObjective(lambda x: 3.0 * x[0], lambda x: np.array([3.0]),
                               lambda x: np.zeros((1, 1)))
    res = newton(linear, np.array([1.0]), Tolerances(max_iter=50))
    assert not res.converged and res.status == "max_iterations" and res.x[0] > 100


def test_newton_reports_a_constant_function_as_flat():
    constant = FunctionObjective(lambda x: 2.0, lambda x: np.zeros(2), lambda x: np.zeros((2, 2)))
    res = newton(constant, np.array([1.0, -1.0]))
    assert not res.converged and res.status == "flat" and "flat" in res.message


def test_the_decrement_rule_compares_with_the_size_of_the_log_likelihood():
    tol = Tolerances(gtol=1e-9)
    assert tol.decrement_small(1e-320, 1e-300) and not tol.decrement_small(1e-300, 1e-300)
    assert tol.decrement_small(1e282, 1e300) and not tol.decrement_small(1e283, 1e300)


@pytest.mark.parametrize("units", [[1e100, 1e-100, 1.0], [1e-150, 1.0, 1e150]])
def test_the_modified_newton_direction_does_not_depend_on_the_coordinates_units(units):
    # in coordinates y = D x the gradient is D⁻¹g and the Hessian D⁻¹HD⁻¹; an indefinite H
    # must give the same step, D d, whatever D is
    h = np.array([[-4.0, 1.0, 0.5], [1.0, 2.0, 0.3], [0.5, 0.3, -1.0]])
    g = np.array([1.0, -2.0, 0.5])
    d, modified = newton_direction(g, h)
    dy, modified_y = newton_direction(g / units, h / np.outer(units, units))
    assert modified and modified_y
    np.testing.assert_allclose(dy, d * np.array(units), rtol=1e-12)
