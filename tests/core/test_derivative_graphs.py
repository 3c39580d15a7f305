"""The shortcuts in building and re-evaluating derivative graphs change no value.

`hessian_nodes` (one walk for every row, later rows sweeping only into what depends
on the leaves they need), `Plan.run` skipping when nothing moved, and the Python
operators as forwards of the arithmetic ops must give what the straightforward
graph gives: one `grad_nodes` per Hessian row, evaluated from scratch, numpy ufuncs.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import femtograd as fg
from femtograd.core import Plan, ops
from femtograd.core.derivatives import hessian_nodes

from ._expressions import Trace, build, expressions, scalar_function
from ._numeric import assert_close, property_settings

SCALARS = st.floats(-1.5, 1.5, allow_nan=False)


@st.composite
def problems(draw):
    p = draw(st.integers(1, 3))
    expr = draw(expressions(((),) * p))
    x = draw(st.lists(SCALARS, min_size=p, max_size=p))
    moved = draw(st.lists(SCALARS, min_size=p, max_size=p))
    for point in (x, moved):
        trace = Trace()
        with np.errstate(all="ignore"):
            build(expr, list(point), trace)
        assume(trace.largest < 1e6)
    return scalar_function(expr), x, moved


def _straightforward_hessian(f, point):
    """Each row by its own `grad_nodes` (its own walk, every leaf), on a fresh graph; the
    upper triangle mirrored, as `hessian_nodes` does (the mixed derivatives of a special
    function taken in the other order agree only to rounding)."""
    leaves = [fg.val(v) for v in point]
    grads = fg.grad_nodes(f(*leaves), leaves)
    hess = np.array([[h.data for h in fg.grad_nodes(g, leaves)] for g in grads], dtype=float)
    return np.triu(hess) + np.triu(hess, 1).T


def _values(rows):
    return np.array([[h.data for h in row] for row in rows], dtype=float)


@property_settings(150)
@given(problems())
def test_hessian_rows_equal_one_grad_nodes_per_row_also_after_the_leaves_move(problem):
    f, x, moved = problem
    leaves = [fg.val(v) for v in x]
    rows = hessian_nodes(fg.grad_nodes(f(*leaves), leaves), leaves)
    with np.errstate(all="ignore"):
        assert_close(_values(rows), _straightforward_hessian(f, x), rtol=1e-12, atol=1e-14,
                     what="Hessian at the start")
        assert all(rows[i][j] is rows[j][i] for i in range(len(x)) for j in range(len(x)))
        for leaf, v in zip(leaves, moved):
            leaf.data = v
        assert_close(_values(rows), _straightforward_hessian(f, moved), rtol=1e-12, atol=1e-14,
                     what="Hessian after the leaves moved")


@property_settings(100)
@given(problems())
def test_a_plan_gives_the_values_of_a_fresh_graph_whether_or_not_anything_moved(problem):
    f, x, moved = problem
    leaves = [fg.val(v) for v in x]
    out = f(*leaves)
    grads = fg.grad_nodes(out, leaves)
    rows = hessian_nodes(grads, leaves)
    nodes = [out, *grads, *[h for row in rows for h in row]]
    plan = Plan(nodes)
    with np.errstate(all="ignore"):
        before = [n._data for n in nodes]
        plan.run()  # nothing moved: nothing recomputed
        assert [n._data for n in nodes] == before
        for point in (moved, x, x):
            for leaf, v in zip(leaves, point):
                leaf.data = v
            plan.run()
            fresh = [fg.val(v) for v in point]
            fresh_out = f(*fresh)
            fresh_grads = fg.grad_nodes(fresh_out, fresh)
            expected = [fresh_out.data, *[g.data for g in fresh_grads],
                        *_straightforward_hessian(f, point).ravel()]
            assert_close(np.array([float(np.sum(n._data)) for n in nodes]),
                         np.array([float(np.sum(v)) for v in expected]),
                         rtol=1e-12, atol=1e-14, what="plan after a move")


def test_a_plan_run_after_some_other_leaf_moved_still_evaluates_its_own_moved_leaf():
    a, b = fg.val(1.0), fg.val(2.0)
    out = a * a
    plan = Plan([out])
    other = fg.exp(b)
    a.data = 3.0
    b.data = 0.5  # the clock moves on for an unrelated graph too
    plan.run()
    assert out._data == 9.0
    assert other.data == pytest.approx(math.exp(0.5))


def test_a_hessian_row_skips_only_nodes_that_do_not_depend_on_the_leaves_it_needs():
    k, lam = fg.val(1.3), fg.val(0.7)
    out = fg.log(k) * fg.exp(k) + k * lam ** 3 + fg.lgamma(k)
    rows = hessian_nodes(fg.grad_nodes(out, [k, lam]), [k, lam])
    expected = _straightforward_hessian(lambda a, b: fg.log(a) * fg.exp(a) + a * b ** 3
                                        + fg.lgamma(a), [1.3, 0.7])
    np.testing.assert_allclose(_values(rows), expected, rtol=1e-14)
    assert rows[1][1].data == pytest.approx(6 * 1.3 * 0.7)


@pytest.mark.parametrize("op, ufunc", [(ops.add, np.add), (ops.subtract, np.subtract),
                                       (ops.multiply, np.multiply),
                                       (ops.divide, np.true_divide)])
@pytest.mark.parametrize("x, y", [(1.5, -0.25), (0.0, 0.0), (1.0, 0.0), (-1.0, 0.0),
                                  (1.0, -0.0), (np.inf, np.inf), (np.inf, 0.0),
                                  (np.nan, 1.0), (1e308, 1e308), (1e-308, 1e308)])
def test_scalar_arithmetic_gives_numpys_ieee_result_as_a_float(op, ufunc, x, y):
    with np.errstate(all="ignore"):
        expected = float(ufunc(x, y))
        got = op(fg.val(x), fg.val(y)).data
        array = op(fg.val(np.array([x, x])), y).data
        np.testing.assert_array_equal(array, ufunc(np.array([x, x]), y))
    assert type(got) is float
    assert got == expected or (math.isnan(got) and math.isnan(expected))
    assert math.copysign(1.0, got) == math.copysign(1.0, expected) or math.isnan(expected)


@pytest.mark.parametrize("op, ufunc", [(ops.add, np.add), (ops.subtract, np.subtract),
                                       (ops.multiply, np.multiply),
                                       (ops.divide, np.true_divide)])
@pytest.mark.parametrize("x, y", [(1.5, -0.25), (1.0, 0.0), (0.0, 0.0), (1e308, 1e308),
                                  (1e308, -1e-308), (np.inf, np.inf), (np.nan, 1.0)])
def test_scalar_arithmetic_warns_as_numpy_does(op, ufunc, x, y):
    def warnings_of(f):
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            f()
        return sorted(str(w.message) for w in caught)
    a, b = fg.val(x), fg.val(y)
    assert warnings_of(lambda: op(a, b)) == warnings_of(lambda: ufunc(np.float64(x), y))


def test_negating_a_float_gives_numpys_result():
    for x in (0.0, -0.0, 2.5, np.inf, np.nan):
        got = ops.negative(fg.val(x)).data
        assert type(got) is float
        np.testing.assert_array_equal(got, np.negative(x))
