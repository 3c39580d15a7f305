"""Derivative nodes replayed for a graph of a seen structure equal the ones the rules build.

`derivative_nodes` records the nodes the derivative rules build on the first graph of
a structure and rebuilds them for later graphs of that structure (other constants,
other data, other start values). Whatever it replays must give the values, gradients
and Hessians of the straightforward graph (`grad_nodes`, and `grad_nodes` again per
Hessian row, on a graph built from scratch), also after the leaves move.
"""

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import femtograd as fg
from femtograd.core import Plan, derivatives, primitive
from femtograd.distributions import GammaLogLik, NormalLogLik, WeibullLogLik

from ._expressions import Trace, build, expressions, scalar_function
from ._numeric import assert_close, property_settings

SCALARS = st.floats(-1.5, 1.5, allow_nan=False)
CONSTANTS = st.sampled_from([1.0, 2.0, -0.5, 0.25, 1.0])


@pytest.fixture(autouse=True)
def no_templates():
    derivatives._TEMPLATES.clear()
    yield
    derivatives._TEMPLATES.clear()


def _straightforward(f, point):
    """Value, gradient and Hessian of f at `point` from a fresh graph, one sweep per row
    (its upper triangle, mirrored: the mixed derivatives of a special function taken in
    the other order agree only to rounding)."""
    leaves = [fg.val(v) for v in point]
    out = f(*leaves)
    grads = fg.grad_nodes(out, leaves)
    hess = np.array([[h.data for h in fg.grad_nodes(g, leaves)] for g in grads], float)
    hess = np.triu(hess) + np.triu(hess, 1).T
    return float(out.data), np.array([g.data for g in grads], float), hess


def _read(out, grads, hess):
    return (float(out.data), np.array([g.data for g in grads], float),
            np.array([[h.data for h in row] for row in hess], float))


def _assert_same(got, expected, what):
    for a, b, name in zip(got, expected, ("value", "gradient", "Hessian")):
        assert_close(a, b, rtol=1e-12, atol=1e-13, what=f"{name} {what}")


def _replayed(f, point):
    """(out, leaves, grads, hess, orders, replayed?) from derivative_nodes on a new graph."""
    leaves = [fg.val(v) for v in point]
    out = f(*leaves)
    structure = derivatives._structure(out, leaves)
    seen = structure is not None and derivatives._TEMPLATES.get(structure[0]) is not None
    grads, hess, orders = derivatives.derivative_nodes(out, leaves)
    return out, leaves, grads, hess, orders, seen


@st.composite
def problems(draw):
    p = draw(st.integers(1, 3))
    expr = draw(expressions(((),) * p))
    points = [draw(st.lists(SCALARS, min_size=p, max_size=p)) for _ in range(3)]
    for point in points:
        trace = Trace()
        with np.errstate(all="ignore"):
            build(expr, list(point), trace)
        assume(trace.largest < 1e6)
    return expr, points, [draw(CONSTANTS) for _ in range(4)]


def _model(expr, c, d):
    """The expression scaled and shifted by constants: one structure for any c, d (but
    a constant that is exactly 1 is part of the structure: rules skip products by it)."""
    inner = scalar_function(expr)

    def f(*params):
        return fg.constant(c) * inner(*params) + fg.constant(d) * params[0]
    return f


@property_settings(150)
@given(problems())
def test_replayed_derivatives_equal_the_straightforward_graph_before_and_after_a_move(problem):
    expr, (first, second, moved), (c1, d1, c2, d2) = problem
    derivatives._TEMPLATES.clear()  # (the fixture runs once for all examples)
    with np.errstate(all="ignore"):
        _replayed(_model(expr, c1, d1), first)  # records the structure
        f = _model(expr, c2, d2)
        out, leaves, grads, hess, orders, seen = _replayed(f, second)
        assert seen == ((c1 == 1.0) == (c2 == 1.0) and (d1 == 1.0) == (d2 == 1.0))
        _assert_same(_read(out, grads, hess), _straightforward(f, second), "at the start")
        for leaf, v in zip(leaves, moved):
            leaf.data = v
        Plan.ordered(orders[2]).run()
        _assert_same((float(out._data), np.array([g._data for g in grads], float),
                      np.array([[h._data for h in row] for row in hess], float)),
                     _straightforward(f, moved), "after the leaves moved")


@property_settings(60)
@given(problems())
def test_the_orders_list_every_node_a_plan_needs_in_topological_order(problem):
    expr, (first, second, _), (c1, d1, _, _) = problem
    derivatives._TEMPLATES.clear()
    f = _model(expr, c1, d1)
    with np.errstate(all="ignore"):
        for point in (first, second):  # recorded, then replayed
            out, leaves, grads, hess, orders, _ = _replayed(f, point)
            roots = ([out], [out, *grads], [out, *grads, *(h for row in hess for h in row)])
            for order, r in zip(orders, roots):
                assert set(order) == set(Plan(r).nodes)
                seen = set()
                for node in order:
                    assert all(a in seen for a in node._args if a._op is not None and a._variable)
                    seen.add(node)


@pytest.mark.parametrize("generator, data, censored", [
    (WeibullLogLik, lambda rng: rng.weibull(1.7, 200) * 3.0, None),
    (WeibullLogLik, lambda rng: rng.weibull(0.8, 150) * 0.2, lambda rng: rng.random(150) < 0.3),
    (GammaLogLik, lambda rng: rng.gamma(2.5, 1.5, 120), None),
    (NormalLogLik, lambda rng: rng.normal(3.0, 2.0, 90), None),
])
def test_a_model_on_new_data_replays_exact_derivatives(generator, data, censored):
    rng = np.random.default_rng(11)
    graphs = []
    for _ in range(3):
        x = data(rng)
        gen = generator(x) if censored is None else generator(x, censored=censored(rng))
        start = gen.start()
        point = [start[n] * 1.1 for n in gen.param_names]
        graphs.append((gen, point))
    with np.errstate(all="ignore"):
        for i, (gen, point) in enumerate(graphs):
            out, leaves, grads, hess, orders, seen = _replayed(lambda *p: gen(*p), point)
            assert seen == (i > 0)
            _assert_same(_read(out, grads, hess), _straightforward(lambda *p: gen(*p), point),
                         "of a new model")
            moved = [v * 0.9 for v in point]
            for leaf, v in zip(leaves, moved):
                leaf.data = v
            _assert_same(_read(out, grads, hess), _straightforward(lambda *p: gen(*p), moved),
                         "after a move")


def test_a_constant_that_becomes_one_is_a_new_structure():
    x = fg.val(0.5)
    derivatives.derivative_nodes(fg.constant(1.0) * fg.log(x) + x, [x])
    y = fg.val(0.5)
    grads, hess, _ = derivatives.derivative_nodes(fg.constant(2.0) * fg.log(y) + y, [y])
    assert grads[0].data == pytest.approx(2 / 0.5 + 1)
    assert hess[0][0].data == pytest.approx(-2 / 0.25)


def test_a_rule_that_looks_at_the_data_opts_out_and_is_never_replayed():
    def vjp(g, ans, x):
        slope = 3.0 if float(x.data) > 0 else -1.0  # a look at the data: not replayable
        return g * slope * fg.exp(x * 0.0)
    bent = primitive("test_bent_line", lambda x: np.where(x > 0, 3.0 * x, -x) * 1.0, vjp,
                     replayable=False)
    for v, slope in ((0.7, 3.0), (-0.7, -1.0), (0.2, 3.0)):
        x = fg.val(v)
        grads, _, _ = derivatives.derivative_nodes(bent(x) * 2.0, [x])
        assert grads[0].data == pytest.approx(2 * slope)
    assert not derivatives._TEMPLATES


def test_a_rule_building_a_keyword_object_of_its_own_is_built_afresh_every_time():
    tagged = primitive(
        "test_tagged", lambda x, tag: x * len(tag),
        lambda g, ans, x, tag: tagged(g, tag=list(tag)),  # a new list: nothing to replay it by
        replayable=True)
    for v in (0.3, 0.9):
        x = fg.val(v)
        grads, hess, _ = derivatives.derivative_nodes(tagged(x * x, tag=[1, 2]), [x])
        assert grads[0].data == pytest.approx(2 * 2 * v)
        assert hess[0][0].data == pytest.approx(4.0)
    assert list(derivatives._TEMPLATES.values()) == [None]


def test_a_variable_leaf_outside_wrt_is_built_afresh():
    a, b = fg.val(1.5), fg.val(2.0)
    grads, hess, _ = derivatives.derivative_nodes(a * a * b, [a])
    assert grads[0].data == pytest.approx(2 * 1.5 * 2.0)
    assert hess[0][0].data == pytest.approx(4.0)
    assert not derivatives._TEMPLATES


def test_fits_after_a_replay_equal_fits_from_rules_built_afresh():
    rng = np.random.default_rng(5)
    first, second = rng.weibull(1.3, 300) * 2.0, rng.weibull(2.2, 400) * 0.5
    fg.fit_mle(WeibullLogLik, first)
    replayed = fg.fit_mle(WeibullLogLik, second)
    derivatives._TEMPLATES.clear()
    fresh = fg.fit_mle(WeibullLogLik, second)
    np.testing.assert_allclose(replayed.mle, fresh.mle, rtol=1e-14)
    np.testing.assert_allclose(replayed.se, fresh.se, rtol=1e-13)
    np.testing.assert_allclose(replayed.observed_information, fresh.observed_information,
                               rtol=1e-13)
    assert replayed.loglik == pytest.approx(fresh.loglik, rel=1e-15)
    lo, hi = replayed.confint(method="profile").loc["shape"]
    assert (lo, hi) == pytest.approx(tuple(fresh.confint(method="profile").loc["shape"]),
                                     rel=1e-10)


def test_replays_share_the_constants_the_rules_made_and_those_never_change():
    def f(a, b):  # the rules make constants (log1p's 1.0)
        return fg.sum(fg.log1p(a * fg.constant(np.array([1.0, 2.0, 3.0]))) * b)

    def constants(grads, hess):
        roots = [*grads, *(h for row in hess for h in row)]
        return {n for n in fg.core.topological_order(roots, constants=True)
                if n._op is None and not n._variable and n.shape == () and n._data in (1.0, -1.0)}

    first = _replayed(f, [1.5, 0.5])
    second = _replayed(f, [0.7, 2.0])
    assert second[-1]  # replayed
    made = constants(first[2], first[3])
    assert made and made <= constants(second[2], second[3])  # the same nodes, not copies
    for node in derivatives._TEMPLATES[derivatives._structure(second[0], second[1])[0]].steps:
        if node[0] is None and isinstance(node[1]._data, np.ndarray):
            assert not node[1]._data.flags.writeable
    for point in ([0.7, 2.0], [1.9, -0.4]):  # still exact, at the start and after a move
        for leaf, v in zip(second[1], point):
            leaf.data = v
        Plan.ordered(second[4][2]).run()
        _assert_same((float(second[0]._data), np.array([g._data for g in second[2]], float),
                      np.array([[h._data for h in row] for row in second[3]], float)),
                     _straightforward(f, point), "of a replay sharing constants")


def test_keyword_objects_that_are_equal_but_not_the_same_are_not_shared():
    # x[i] + x[j]: each index is its own slot of the structure, so the rules' nodes for
    # two equal indices (np.int64(1) twice) must not become one node: the next graph of
    # the structure may index two different rows
    d = np.array([1.0, 10.0, 100.0])

    def f(i, j):
        a = fg.val(0.5)
        v = fg.constant(d) * a * a
        return a, v[i] + v[j]

    a, out = f(np.int64(1), np.int64(1))
    grads, hess, _ = derivatives.derivative_nodes(out, [a])
    assert (grads[0].data, hess[0][0].data) == pytest.approx((20.0, 40.0))
    a, out = f(np.int64(0), np.int64(2))
    grads, hess, _ = derivatives.derivative_nodes(out, [a])
    assert (grads[0].data, hess[0][0].data) == pytest.approx((101.0, 202.0))


def test_a_user_op_whose_rule_reads_its_data_fits_each_data_set_afresh():
    # micrograd style: the rule reads `x.data`, so its node holds the first data's numbers;
    # a user op that does not declare replayable=True must never be replayed on other data
    def d_rate(g, ans, rate, x):
        return g * (x.data.size / rate - float(np.sum(x.data)))

    exp_ll = fg.primitive("test_exp_ll_reading_data",
                          lambda rate, x: float(np.sum(np.log(rate) - rate * x)),
                          d_rate, None, elementwise=False)

    def loglike(rate, data):
        return exp_ll(rate, data)

    rng = np.random.default_rng(1)
    first, second = rng.exponential(1.0, 200), rng.exponential(1 / 0.2214, 200)
    for data in (first, second, first):
        fit = fg.fit_mle(loglike, data, start={"rate": 1.0})
        assert fit.converged
        assert fit.mle[0] == pytest.approx(1 / data.mean(), rel=1e-8)  # the closed form
    assert not any(derivatives._TEMPLATES.values())


def test_a_user_op_declared_replayable_is_replayed_and_stays_exact():
    cube = fg.primitive("test_declared_cube", lambda x: x ** 3,
                        lambda g, ans, x: g * (3.0 * x * x), replayable=True)

    def loglike(a, data):
        return fg.sum(fg.constant(data) * cube(a)) - fg.exp(a) * 10.0

    for data in ([1.0, 2.0], [3.0, 0.5]):
        a = fg.val(0.3)
        grads, hess, _ = derivatives.derivative_nodes(loglike(a, data), [a])
        s = sum(data)
        assert grads[0].data == pytest.approx(3 * s * 0.09 - 10 * np.exp(0.3), rel=1e-14)
        assert hess[0][0].data == pytest.approx(6 * s * 0.3 - 10 * np.exp(0.3), rel=1e-14)
    assert len(derivatives._TEMPLATES) == 1 and None not in derivatives._TEMPLATES.values()
