"""Exact derivatives of every op, alone and in random compositions, agree with finite differences."""

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import femtograd as fg

from ._expressions import BINARY, REDUCE, UNARY, Trace, build, expressions, fg_value, scalar_function
from ._numeric import assert_close, central_difference, property_settings

SCALARS = st.floats(-1.5, 1.5, allow_nan=False)


def _usable(expr, params):
    """Skip the rare point where finite differences cannot be trusted."""
    trace = Trace()
    with np.errstate(all="ignore"):
        build(expr, list(params), trace)
    return trace.largest < 1e4 and trace.nearest_kink > 0.05


@st.composite
def scalar_problems(draw):
    p = draw(st.integers(1, 3))
    expr = draw(expressions(((),) * p))
    x = np.array(draw(st.lists(SCALARS, min_size=p, max_size=p)))
    assume(_usable(expr, x))
    return scalar_function(expr), x


def _value(f, x):
    return fg.data(f(*x))


@property_settings(150)
@given(scalar_problems())
def test_gradient_matches_central_differences_for_random_compositions(problem):
    f, x = problem
    with np.errstate(all="ignore"):
        expected = central_difference(lambda y: _value(f, y), x)
    exact = fg.gradient(f, x)
    assert exact.shape == x.shape
    assert_close(exact, expected, rtol=1e-6, atol=1e-8, what="gradient")


@property_settings(100)
@given(scalar_problems())
def test_hessian_matches_differences_of_gradient_and_is_symmetric(problem):
    f, x = problem
    with np.errstate(all="ignore"):
        expected = central_difference(lambda y: fg.gradient(f, y), x)
    exact = fg.hessian(f, x)
    assert exact.shape == (len(x), len(x))
    assert_close(exact, expected, rtol=1e-5, atol=1e-7, what="Hessian")
    assert_close(exact, exact.T, rtol=1e-10, atol=1e-12, what="Hessian symmetry")


@property_settings(60)
@given(scalar_problems(), st.lists(SCALARS, min_size=3, max_size=3))
def test_hessian_vector_product_equals_hessian_times_vector(problem, v):
    f, x = problem
    v = np.array(v[:len(x)])
    assert_close(fg.hvp(f, x, v), fg.hessian(f, x) @ v, rtol=1e-9, atol=1e-12, what="H v")


@st.composite
def array_leaf_problems(draw):
    shape = draw(st.sampled_from([(4,), (3, 1), (3, 4), (1, 4)]))
    expr = draw(expressions((shape, ())))
    x = np.array(draw(st.lists(SCALARS, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))))
    x = x.reshape(shape)
    s = draw(SCALARS)
    assume(_usable(expr, [x, s]))
    return expr, x, s


def _scalar_of(expr, params):
    out = fg_value(build(expr, params))
    return fg.sum(out) if out.shape else out


@property_settings(80)
@given(array_leaf_problems())
def test_gradient_of_an_array_leaf_has_its_shape_and_matches_differences(problem):
    expr, x, s = problem
    leaf, scalar = fg.val(x), fg.val(s)
    out = _scalar_of(expr, [leaf, scalar])
    fg.backward(out)
    with np.errstate(all="ignore"):
        expected = central_difference(lambda y: fg.data(_scalar_of(expr, [y, s])), x)
        expected_s = central_difference(lambda y: fg.data(_scalar_of(expr, [x, float(y[0])])), [s])
    assert np.shape(leaf.grad) == x.shape
    assert_close(leaf.grad, expected, rtol=1e-6, atol=1e-8, what="array leaf gradient")
    assert_close(np.atleast_1d(scalar.grad), expected_s, rtol=1e-6, atol=1e-8,
                 what="scalar leaf gradient")


def _gradient_at(expr, x, s):
    leaf = fg.val(x)
    g, = fg.grad_nodes(_scalar_of(expr, [leaf, s]), [leaf])
    return np.asarray(g.data, dtype=float)


@property_settings(60)
@given(array_leaf_problems(), st.integers(0, 2 ** 16))
def test_second_derivatives_of_an_array_leaf_match_differences_of_its_gradient(problem, seed):
    expr, x, s = problem
    v = np.random.default_rng(seed).uniform(-1.0, 1.0, x.shape)
    leaf = fg.val(x)
    g, = fg.grad_nodes(_scalar_of(expr, [leaf, s]), [leaf])
    assert g.shape == x.shape
    hv, = fg.grad_nodes(fg.sum(g * v), [leaf])  # H v, exactly
    with np.errstate(all="ignore"):
        expected = central_difference(lambda t: _gradient_at(expr, x + t[0] * v, s), [0.0])[0]
    assert_close(hv.data, expected, rtol=1e-5, atol=1e-7, what="H v for an array leaf")


# -- every op at least once, deterministically ------------------------------------------
_A = ("binary", "mul", "softplus", ("param", 0), ("data", (3, 1)))        # (3, 1), depends on a
_B = ("binary", "sub", "softplus", ("data", (4,)), ("param", 1))          # (4,), depends on b
_AB = ("binary", "add", "softplus", _A, _B)                               # (3, 4), both
POINT = np.array([0.7, -0.4])


def _check_first_and_second_derivatives(expr):
    f = scalar_function(expr)
    with np.errstate(all="ignore"):
        gradient = central_difference(lambda y: _value(f, y), POINT)
        hessian = central_difference(lambda y: fg.gradient(f, y), POINT)
    assert_close(fg.gradient(f, POINT), gradient, rtol=1e-6, atol=1e-8, what="gradient")
    exact = fg.hessian(f, POINT)
    assert_close(exact, hessian, rtol=1e-5, atol=1e-7, what="Hessian")
    assert_close(exact, exact.T, rtol=1e-10, atol=1e-12, what="Hessian symmetry")


@pytest.mark.parametrize("how", ["softplus", "exp"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_elementwise_op_on_a_broadcast_array_has_exact_derivatives(name, how):
    _check_first_and_second_derivatives(("unary", name, how, _AB))


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("left, right", [(_A, _B), (_B, _A), (("param", 0), _AB), (_AB, ("param", 1))],
                         ids=["(3,1)-(4,)", "(4,)-(3,1)", "scalar-(3,4)", "(3,4)-scalar"])
def test_every_binary_op_broadcasts_with_exact_derivatives(name, left, right):
    _check_first_and_second_derivatives(("binary", name, "softplus", left, right))


@pytest.mark.parametrize("name", sorted(REDUCE))
@pytest.mark.parametrize("axis, keep", [(None, False), (0, False), (1, True), (-1, False),
                                        ((0, 1), False)])
def test_every_reduction_along_every_axis_has_exact_derivatives(name, axis, keep):
    reduced = ("reduce", name, axis, keep and name != "logsumexp", _AB)
    _check_first_and_second_derivatives(("unary", "square", "softplus", reduced))


@pytest.mark.parametrize("index", [0, -1, slice(1, None), np.array([0, 2, 0]),
                                   np.array([True, False, True]), (slice(None), 2)],
                         ids=["int", "negative", "slice", "repeats", "mask", "column"])
def test_indexing_has_exact_derivatives(index):
    _check_first_and_second_derivatives(("unary", "square", "softplus", ("index", index, _AB)))


@pytest.mark.parametrize("order", [0, 1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_exp_moments_has_exact_derivatives(order, weighted):
    _check_first_and_second_derivatives(("moments", order, weighted, "softplus", _AB))
