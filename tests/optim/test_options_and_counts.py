"""Specifications of the optimizers' bookkeeping: options are range-checked in one place,
and `evaluations` is the number of objective evaluations actually made."""

import math
import warnings

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import ExpLogLik, WeibullLogLik
from femtograd.optim import FunctionObjective, Tolerances, bfgs, gradient_ascent, newton

from .test_optimizers import rosenbrock, saddle


class Tally:
    """An objective that counts its own evaluations, independently of the optimizers."""

    def __init__(self, objective):
        self.objective, self.count = objective, 0

    def value(self, x):
        self.count += 1
        return self.objective.value(x)

    def value_grad(self, x):
        self.count += 1
        return self.objective.value_grad(x)

    def value_grad_hess(self, x):
        self.count += 1
        return self.objective.value_grad_hess(x)


def kinked():
    """f = −|x| with a gradient that says it rises to the right: from 0 no step is an ascent,
    so every line search fails after all its trials."""
    return FunctionObjective(lambda v: -abs(v[0]), lambda v: np.array([1.0]),
                             lambda v: np.array([[-1.0]]))


# -- evaluations -----------------------------------------------------------------------------
@pytest.mark.parametrize("objective, x0", [(rosenbrock, [-1.2, 1.0]), (saddle, [0.0, 0.0]),
                                           (kinked, [0.0])],
                         ids=["rosenbrock", "saddle", "failed line search"])
@pytest.mark.parametrize("optimizer", [newton, bfgs])
def test_evaluations_count_every_evaluation_the_optimizer_made(optimizer, objective, x0):
    tally = Tally(objective())
    res = optimizer(tally, np.array(x0))
    assert res.evaluations == tally.count > 0


def test_newton_counts_the_saddle_escape_and_the_failed_line_searches():
    tally = Tally(saddle())
    res = newton(tally, np.zeros(2))
    assert res.converged and res.evaluations == tally.count
    tally = Tally(kinked())
    res = newton(tally, np.array([0.0]))
    assert res.status == "line_search_failed"
    assert res.evaluations == tally.count == 1 + 60 + 60  # the start and both searches' trials


def test_gradient_ascent_counts_rejected_trial_steps():
    rate = fg.val(1.0)
    x = np.array([5.0, 6.0])  # the first step, rate 1 → −4, is halved three times
    ll = fg.log(rate) * len(x) - rate * fg.sum(x)
    tally = Tally(fg.optim.GraphObjective(ll, [rate], ["positive"], transform=False))
    res = gradient_ascent(tally, np.array([1.0]), lr=5.0, iterations=3, tol=0.0)
    assert res.evaluations == tally.count > 4  # the start, 3 steps and the halvings
    assert res.x[0] > 0


# -- option ranges -----------------------------------------------------------------------------
BAD_TOLERANCES = [("gtol", -1e-9), ("xtol", -1.0), ("ftol", math.nan), ("gtol", math.inf),
                  ("max_iter", 0), ("max_iter", -5), ("max_iter", 2.5), ("max_iter", True)]


@pytest.mark.parametrize("name, value", BAD_TOLERANCES)
def test_tolerances_out_of_range_are_a_value_error_naming_the_option_and_value(name, value):
    with pytest.raises(ValueError, match=rf"{name} must be .*; got {value!r}"):
        Tolerances(**{name: value})


def test_tolerances_in_range_are_kept_as_floats_and_a_whole_count():
    tol = Tolerances(gtol=0, xtol=1e-8, ftol=0.0, max_iter=np.int64(7))
    assert (tol.gtol, tol.xtol, tol.ftol, tol.max_iter) == (0.0, 1e-8, 0.0, 7)
    assert type(tol.gtol) is float and type(tol.max_iter) is int


@pytest.mark.parametrize("optimizer", [newton, bfgs])
@pytest.mark.parametrize("value", [0.0, -1.0, math.nan])
def test_a_non_positive_max_step_is_a_value_error(optimizer, value):
    with pytest.raises(ValueError, match="max_step must be positive"):
        optimizer(rosenbrock(), np.array([-1.2, 1.0]), max_step=value)


@pytest.mark.parametrize("name, value", [("lr", -0.1), ("lr", math.inf), ("max_norm", 0.0),
                                         ("iterations", 0), ("tol", -1e-6)])
def test_gradient_ascent_options_out_of_range_are_a_value_error(name, value):
    tally = Tally(rosenbrock())
    with pytest.raises(ValueError, match=rf"{name} must be .*; got {value!r}"):
        gradient_ascent(tally, np.array([0.0, 0.0]), **{name: value})
    assert tally.count == 0  # checked before the first evaluation


@pytest.mark.parametrize("method, name, value", [("newton", "max_iter", 0), ("newton", "gtol", -1.0),
                                                 ("bfgs", "max_step", -2.0),
                                                 ("gradient_ascent", "lr", 0.0),
                                                 ("gradient_ascent", "iterations", -3)])
def test_fit_mle_checks_optimizer_options_before_fitting(method, name, value):
    x = np.random.default_rng(3).exponential(2.0, 50)
    with pytest.raises(ValueError, match=rf"{name} must be .*; got {value!r}"):
        fg.fit_mle(ExpLogLik, x, method=method, **{name: value})
    calls = []  # before fitting: a plain log-likelihood is never even built

    def loglik(rate, data):
        calls.append(rate)
        return fg.log(rate) * len(data) - rate * fg.sum(data)
    with pytest.raises(ValueError, match=rf"{name} must be .*; got {value!r}"):
        fg.fit_mle(loglik, x, start={"rate": 1.0}, constraints={"rate": "positive"},
                   method=method, **{name: value})
    assert calls == []


# -- a fit with a fallback -----------------------------------------------------------------------
@pytest.fixture
def graph_evaluations(monkeypatch):
    """The number of evaluations made through every GraphObjective, counted independently."""
    count = [0]
    for name in ("value", "value_grad", "value_grad_hess"):
        def counted(self, x, _real=getattr(fg.optim.GraphObjective, name)):
            count[0] += 1
            return _real(self, x)
        monkeypatch.setattr(fg.optim.GraphObjective, name, counted)
    return count


@pytest.mark.parametrize("options", [{}, {"max_iter": 2}, {"max_iter": 3, "method": "bfgs"}],
                         ids=["first attempt", "newton fallback", "bfgs fallback"])
def test_a_fit_counts_the_evaluations_and_iterations_of_every_attempt(graph_evaluations,
                                                                      options, monkeypatch):
    from femtograd import mle
    runs = []  # the iterations of each run
    for name in ("newton", "bfgs"):
        def recorded(*args, _real=getattr(mle, name), **kwargs):
            res = _real(*args, **kwargs)
            runs.append(res.iterations)  # as the run ended (fit_mle then sets the totals)
            return res
        monkeypatch.setattr(mle, name, recorded)
    monkeypatch.setitem(mle.OPTIMIZERS, "newton", mle.newton)
    monkeypatch.setitem(mle.OPTIMIZERS, "bfgs", mle.bfgs)
    x = np.random.default_rng(4).weibull(0.7, 300) * 50
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a far start and a tiny max_iter: the fallback runs
        fit = fg.fit_mle(WeibullLogLik, x, start={"shape": 4.0, "scale": 3.0}, **options)
    assert len(runs) == 1 if not options else len(runs) > 2
    assert fit._optim.evaluations == graph_evaluations[0]
    assert fit.iterations == sum(runs)


def test_a_count_option_message_asks_for_an_integer_not_for_a_whole_number():
    # 1000.0 is a whole number: the message must say what is wrong with it (its type)
    with pytest.raises(ValueError, match=r"max_iter must be an integer >= 1; got 1000\.0"):
        Tolerances(max_iter=1e3)


def test_an_option_error_names_the_option_as_the_user_spelled_it():
    # gradient ascent takes max_iter as its `iterations`; the message still says max_iter
    x = np.random.default_rng(3).exponential(2.0, 50)
    with pytest.raises(ValueError, match=r"^max_iter must be .*; got 0$"):
        fg.fit_mle(ExpLogLik, x, method="gradient_ascent", max_iter=0)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_fallback_must_be_a_boolean(value):
    with pytest.raises(TypeError, match=r"fallback must be True or False; got"):
        fg.fit_mle(ExpLogLik, [1.0, 2.0, 3.0], fallback=value)
    assert fg.fit_mle(ExpLogLik, [1.0, 2.0, 3.0], fallback=np.False_).converged
