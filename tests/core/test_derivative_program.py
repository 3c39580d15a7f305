"""A `Program` (derivative_nodes(..., lazy=True) on a graph of a recorded structure) computes the
replayed derivatives in plain values, without a Value node per step: its gradient and Hessian
equal the straightforward graph's before and after the leaves move, the nodes it makes when
asked equal its values, and fits through it equal fits through the nodes."""

import warnings

import numpy as np
import pytest
from hypothesis import given

import femtograd as fg
from femtograd.core import derivatives
from femtograd.distributions import REGISTRY, GammaLogLik, NormalLogLik, WeibullLogLik
from femtograd.optim import GraphObjective

from ._numeric import property_settings
from .test_derivative_templates import _assert_same, _model, _straightforward, problems
from .test_derivative_templates import no_templates  # noqa: F401  (autouse: a clean cache)


def _program(f, point):
    leaves = [fg.val(v) for v in point]
    out = f(*leaves)
    return out, leaves, derivatives.derivative_nodes(out, leaves, lazy=True)


def _values(out, program, order=2):
    g, h = program.evaluate(order)
    return (float(out._data), np.array(g, float),
            None if h is None else np.array(h, float).reshape(len(g), len(g)))


@property_settings(150)
@given(problems())
def test_a_programs_derivatives_equal_the_straightforward_graph_as_the_leaves_move(problem):
    expr, (first, second, moved), (c1, d1, c2, d2) = problem
    derivatives._TEMPLATES.clear()  # (the fixture runs once for all examples)
    with np.errstate(all="ignore"):
        _program(_model(expr, c1, d1), first)  # records the structure (nodes, no program)
        f = _model(expr, c1, d1)
        out, leaves, program = _program(f, second)
        assert isinstance(program, derivatives.Program)
        _assert_same(_values(out, program), _straightforward(f, second), "at the start")
        for leaf, v in zip(leaves, moved):
            leaf.data = v
        value, grad, none = _values(out, program, order=1)  # the gradient alone first
        assert none is None
        _assert_same(_values(out, program), _straightforward(f, moved), "after a move")
        np.testing.assert_array_equal(grad, _values(out, program)[1])
        grads, hess, _ = program.nodes()  # nodes made now, at the moved leaves
        np.testing.assert_array_equal([g.data for g in grads], _values(out, program)[1])
        np.testing.assert_array_equal([[h.data for h in row] for row in hess],
                                      _values(out, program)[2])


def test_the_first_graph_of_a_structure_gets_nodes_and_the_next_a_program():
    f = lambda a, b: fg.log(a) * b - fg.exp(a * b)  # noqa: E731
    first = _program(f, [0.3, 1.2])[2]
    second = _program(f, [0.5, 0.7])[2]
    assert isinstance(first, tuple) and isinstance(second, derivatives.Program)


@pytest.mark.parametrize("generator, data, censored", [
    (WeibullLogLik, lambda rng: rng.weibull(1.7, 200) * 3.0, None),
    (WeibullLogLik, lambda rng: rng.weibull(0.8, 150) * 0.2, lambda rng: rng.random(150) < 0.3),
    (GammaLogLik, lambda rng: rng.gamma(2.5, 1.5, 120), None),
    (NormalLogLik, lambda rng: rng.normal(3.0, 2.0, 90), None),
])
def test_an_objective_on_a_program_equals_one_on_nodes_across_data_and_moves(generator, data,
                                                                               censored):
    rng = np.random.default_rng(5)
    objectives = []
    for _ in range(3):  # the first records the structure; the others read programs
        x = data(rng)
        gen = generator(x) if censored is None else generator(x, censored=censored(rng))
        start = gen.start()
        point = [start[n] for n in gen.param_names]
        pair = []
        for lazy in (True, False):
            leaves = [fg.val(v) for v in point]
            objective = GraphObjective(gen(*leaves), leaves, gen.constraints)
            if not lazy:
                objective.grads  # nodes before any evaluation: the straightforward path
            pair.append(objective)
        objectives.append((pair, point))
    with np.errstate(all="ignore"):
        for (lazy, nodes), point in objectives:
            lazy.evaluate(point, 2)
            assert isinstance(lazy._shared["program"], derivatives.Program)
            for scale in (1.0, 1.3, 0.8, 1.0):
                at = [v * scale for v in point]
                for order in (1, 2, 0, 2):
                    for a, b in zip(lazy.evaluate(at, order), nodes.evaluate(at, order)):
                        np.testing.assert_array_equal(a, b)
            lazy.grads  # asked for: nodes from the program, and they serve from then on
            assert lazy._shared["program"] is False
            for a, b in zip(lazy.evaluate([v * 1.1 for v in point]),
                            nodes.evaluate([v * 1.1 for v in point])):
                np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_fit_through_a_program_equals_a_fit_through_the_nodes(name, monkeypatch):
    from tests.fit.test_every_family import OPTIONS, simulate
    x1, x2 = simulate(name, 300, 1), simulate(name, 300, 2)
    options = OPTIONS.get(name, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fg.fit_mle(REGISTRY[name], x1, **options)  # records the structure
        lazy = fg.fit_mle(REGISTRY[name], x2, **options)
        monkeypatch.setattr(GraphObjective, "_program", lambda self: None)
        nodes = fg.fit_mle(REGISTRY[name], x2, **options)
    np.testing.assert_array_equal(lazy.mle, nodes.mle)
    np.testing.assert_array_equal(lazy.se, nodes.se)
    assert (lazy.loglik, lazy.status, lazy._optim.evaluations) == \
        (nodes.loglik, nodes.status, nodes._optim.evaluations)
