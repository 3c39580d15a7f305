"""L-BFGS and gradient ascent with the line search: they reach Newton's answer without a
Hessian, on test functions, on a 2,000-parameter objective and through fit_mle."""

import numpy as np
import pytest
from scipy import optimize

import femtograd as fg

from femtograd.optim import (FunctionObjective, Tolerances, lbfgs, newton, steepest_ascent)
from femtograd.optim.lbfgs import two_loop

from .test_optimizers import rosenbrock, saddle
from .test_options_and_counts import Tally


def no_hessian(objective):
    """The same objective without its Hessian: an optimizer that asks for one fails."""
    return FunctionObjective(objective.f, objective.grad, None)


def test_two_loop_with_one_pair_is_the_bfgs_inverse_update_of_the_scaled_identity():
    rng = np.random.default_rng(3)
    s, y, g = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    y += s  # sᵀy > 0
    rho = 1.0 / (s @ y)
    b0 = np.eye(4) * (s @ y) / (y @ y)
    v = np.eye(4) - rho * np.outer(y, s)
    b = v.T @ b0 @ v + rho * np.outer(s, s)
    np.testing.assert_allclose(two_loop(g, [(s, y, rho)]), b @ g, rtol=1e-12)
    np.testing.assert_allclose(two_loop(g, []), g)


def test_two_loop_on_a_quadratic_with_a_full_memory_of_conjugate_pairs_inverts_it():
    """With p pairs (s, A s) whose steps are A-conjugate, every BFGS update keeps the
    earlier secant equations, so the recursion applies A⁻¹ exactly."""
    rng = np.random.default_rng(4)
    m = rng.normal(size=(5, 5))
    a = m @ m.T + 5 * np.eye(5)
    steps = np.linalg.eigh(a)[1].T * rng.uniform(0.5, 2.0, (5, 1))  # A-conjugate directions
    pairs = [(s, a @ s, 1.0 / (s @ a @ s)) for s in steps]
    g = rng.normal(size=5)
    np.testing.assert_allclose(two_loop(g, pairs), np.linalg.solve(a, g), rtol=1e-10)


@pytest.mark.parametrize("optimizer, atol", [(lbfgs, 1e-6), (steepest_ascent, 1e-4)])
def test_maximizes_negative_rosenbrock_without_a_hessian_and_never_steps_downhill(optimizer,
                                                                                   atol):
    res = optimizer(no_hessian(rosenbrock()), np.array([-1.2, 1.0]), Tolerances(max_iter=50000))
    assert res.converged, res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=atol)
    assert np.all(np.diff(res.history) > 0)


@pytest.mark.parametrize("optimizer", [lbfgs, steepest_ascent])
def test_counts_every_evaluation_and_reports_its_method(optimizer):
    tally = Tally(no_hessian(saddle()))
    res = optimizer(tally, np.array([0.3, 0.2]))
    assert res.converged and res.evaluations == tally.count
    assert res.method == optimizer.__name__
    np.testing.assert_allclose(np.abs(res.x), [0.0, 1 / np.sqrt(2)], atol=1e-6)


LAMBDA = 1e-5


def coupled_poisson(p, seed=5):
    """f(β) = Σ (yⱼβⱼ − e^βⱼ) − ½ λ (Σ βⱼ)²: Poisson rates tied by a penalty on their sum,
    so the Hessian diag(−e^β) − λ 11ᵀ is dense. Its maximum solves βⱼ = log(yⱼ − λS),
    S = Σ βⱼ: one equation in S (`coupled_poisson_maximum`)."""
    y = np.random.default_rng(seed).poisson(4.0, p) + 1.0

    def f(b):
        return float(y @ b - np.exp(b).sum() - 0.5 * LAMBDA * b.sum() ** 2)

    def g(b):
        return y - np.exp(b) - LAMBDA * b.sum()

    def h(b):
        return -np.diag(np.exp(b)) - LAMBDA
    return FunctionObjective(f, g, h), y


def coupled_poisson_maximum(y):
    s = optimize.brentq(lambda s: np.log(y - LAMBDA * s).sum() - s, 0.0, np.log(y).sum())
    return np.log(y - LAMBDA * s)


def test_lbfgs_reaches_the_maximum_of_a_2000_parameter_objective_without_a_hessian():
    objective, y = coupled_poisson(2000)
    res = lbfgs(no_hessian(objective), np.zeros(len(y)))
    assert res.converged, res.message
    np.testing.assert_allclose(res.x, coupled_poisson_maximum(y), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("optimizer", [lbfgs, steepest_ascent])
def test_reaches_the_newton_answer_on_a_dense_hessian(optimizer):
    """To the stopping rule's accuracy: max |g| ≤ 1e-9·|f| ≈ 6e-7 here, curvature ≈ 1."""
    objective, y = coupled_poisson(150)
    exact = newton(objective, np.zeros(len(y)))
    assert exact.converged
    np.testing.assert_allclose(exact.x, coupled_poisson_maximum(y), rtol=1e-10)
    res = optimizer(no_hessian(objective), np.zeros(len(y)), Tolerances(max_iter=5000))
    assert res.converged, res.message
    np.testing.assert_allclose(res.x, exact.x, rtol=1e-6, atol=1e-6)
    assert res.loglik == pytest.approx(exact.loglik, rel=1e-12)


def test_lbfgs_memory_is_range_checked():
    with pytest.raises(ValueError, match="memory must be an integer >= 1; got 0"):
        lbfgs(no_hessian(saddle()), np.zeros(2), memory=0)


@pytest.mark.parametrize("optimizer", [lbfgs, steepest_ascent])
def test_a_non_finite_start_is_a_status_not_an_exception(optimizer):
    res = optimizer(FunctionObjective(lambda x: np.log(x[0]), lambda x: 1 / x), np.array([-1.0]))
    assert res.status == "non_finite" and not res.converged


def test_lbfgs_fits_a_2000_parameter_model_written_with_femtograd_ops_on_one_array_leaf():
    """The same objective as a femtograd graph over one array leaf: the living graph's value
    and gradient nodes re-evaluate as the optimizer moves the leaf."""
    p = 2000
    _, y = coupled_poisson(p)
    beta = fg.val(np.zeros(p))
    total = fg.sum(beta)
    ll = fg.sum(y * beta - fg.exp(beta)) - 0.5 * LAMBDA * total * total
    grad, = fg.grad_nodes(ll, [beta])

    def at(x, node):
        beta.data = x
        return node.data
    objective = FunctionObjective(lambda x: at(x, ll), lambda x: at(x, grad).copy())
    res = lbfgs(objective, np.zeros(p))
    assert res.converged, res.message
    np.testing.assert_allclose(res.x, coupled_poisson_maximum(y), rtol=1e-6, atol=1e-7)
