"""Forward mode (jvp, forward-over-reverse Hessian-vector products, dual numbers) agrees with
the reverse mode to rounding, on random compositions of every op and on closed forms."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import femtograd as fg
from femtograd.core.forward import Dual, dual, hvp_forward, jvp, primal, tangent, tangent_nodes

from ._expressions import REDUCE, build, fg_value, scalar_function
from ._numeric import assert_close, property_settings
from .test_closed_forms import weibull_by_hand, weibull_loglik, weibull_loglik_moments
from .test_derivatives_property import _AB, array_leaf_problems, scalar_problems

SCALARS = st.floats(-1.5, 1.5, allow_nan=False)


@property_settings(150)
@given(scalar_problems(), st.lists(SCALARS, min_size=3, max_size=3))
def test_jvp_equals_gradient_dot_tangent_for_random_compositions(problem, v):
    f, x = problem
    v = np.array(v[:len(x)])
    value, directional = jvp(f, x, v)
    assert value == pytest.approx(float(fg.data(f(*x))), rel=1e-15, abs=1e-300)
    assert_close(directional, fg.gradient(f, x) @ v, rtol=1e-10, atol=1e-12, what="J v")


@property_settings(80)
@given(scalar_problems(), st.lists(SCALARS, min_size=3, max_size=3))
def test_forward_over_reverse_hvp_equals_reverse_over_reverse(problem, v):
    f, x = problem
    v = np.array(v[:len(x)])
    assert_close(hvp_forward(f, x, v), fg.hvp(f, x, v), rtol=1e-9, atol=1e-12, what="H v")


@property_settings(60)
@given(array_leaf_problems(), st.integers(0, 2 ** 16))
def test_tangent_of_an_array_output_over_an_array_leaf_matches_reverse_mode(problem, seed):
    """Every output element's tangent equals its reverse-mode gradient dotted with v."""
    expr, x, s = problem
    rng = np.random.default_rng(seed)
    v, w = rng.uniform(-1.0, 1.0, x.shape), float(rng.uniform(-1.0, 1.0))
    leaf, scalar = fg.val(x), fg.val(s)
    with np.errstate(all="ignore"):
        out = fg_value(build(expr, [leaf, scalar]))
        dot, = tangent_nodes([out], [leaf, scalar], [v, w])
        assert dot.shape == out.shape
        # reverse mode: the gradient of ⟨out, c⟩ for a fixed weighting c, dotted with (v, w)
        c = rng.uniform(-1.0, 1.0, out.shape) if out.shape else 1.0
        g_leaf, g_s = fg.grad_nodes(fg.sum(out * c), [leaf, scalar])
    expected = float(np.sum(g_leaf.data * v) + g_s.data * w)
    assert_close(np.sum(np.asarray(dot.data) * c), expected, rtol=1e-9, atol=1e-11,
                 what="<c, J v>")


@pytest.mark.parametrize("name", sorted(REDUCE))
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reductions_push_tangents_like_the_reverse_mode(name, axis):
    f = scalar_function(("unary", "square", "softplus", ("reduce", name, axis, False, _AB)))
    x, v = np.array([0.7, -0.4]), np.array([0.3, 1.1])
    assert_close(jvp(f, x, v)[1], fg.gradient(f, x) @ v, rtol=1e-12, atol=1e-14, what="J v")


@pytest.mark.parametrize("loglik", [weibull_loglik, weibull_loglik_moments],
                         ids=["elementwise", "exp_moments"])
def test_weibull_directional_derivatives_match_the_hand_derivatives(loglik):
    point, v = (1.7, 2.3), np.array([0.4, -1.2])
    gradient, hess = weibull_by_hand(*point)
    value, directional = jvp(loglik, point, v)
    assert directional == pytest.approx(gradient @ v, rel=1e-11)
    assert_close(hvp_forward(loglik, point, v), hess @ v, rtol=1e-10, what="H v")


def test_jvp_takes_parameters_by_name():
    f = lambda a, b: a * fg.exp(b)
    assert jvp(f, {"b": 0.5, "a": 2.0}, [1.0, 0.0])[1] == pytest.approx(np.exp(0.5))
    assert jvp(f, {"a": 2.0, "b": 0.5}, [0.0, 1.0])[1] == pytest.approx(2.0 * np.exp(0.5))


def test_tangents_live_when_a_leaf_moves():
    x = fg.val(1.0)
    dot, = tangent_nodes([fg.exp(2.0 * x) * x], [x], [1.0])
    for value in (0.3, -1.1, 2.0):
        x.data = value
        assert dot.data == pytest.approx(np.exp(2.0 * value) * (2.0 * value + 1.0), rel=1e-14)


def test_tangents_can_be_differentiated_again():
    """The tangent of f along v is a graph: its gradient is H v."""
    x, v = fg.val(np.array([0.5, 1.5])), np.array([1.0, -2.0])
    f = fg.sum(fg.exp(x) * x[::-1])
    dot, = tangent_nodes([f], [x], [v])
    hv, = fg.grad_nodes(dot, [x])
    e = np.exp([0.5, 1.5])
    hess = np.array([[e[0] * 1.5, e[0] + e[1]], [e[0] + e[1], e[1] * 0.5]])  # of e^x0·x1 + e^x1·x0
    assert_close(hv.data, hess @ v, rtol=1e-12, what="gradient of the tangent")


def test_dual_numbers_give_the_derivative_as_in_r():
    x = dual(2.0)
    y = fg.log(x) * x + x ** 3
    assert primal(y) == pytest.approx(np.log(2.0) * 2.0 + 8.0)
    assert tangent(y) == pytest.approx(np.log(2.0) + 1.0 + 12.0)
    a, b = dual(1.5, 1.0), dual(0.5, 0.0)  # ∂/∂a of a·b²
    assert tangent(a * b * b) == pytest.approx(0.25)
    assert tangent(fg.val(3.0) * 2.0) == 0.0  # no dual under it


def test_dual_of_an_array_with_one_tangent_per_element():
    x = dual(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 2.0]))
    assert isinstance(x, Dual) and isinstance(x, fg.Value)
    assert tangent(fg.sum(fg.square(x))) == pytest.approx(2 * 1.0 + 0.0 + 2 * 3.0 * 2.0)
    assert_close(tangent(fg.exp(x)), np.exp([1.0, 2.0, 3.0]) * [1.0, 0.0, 2.0], rtol=1e-15)


@pytest.mark.parametrize("call, message", [
    (lambda: jvp(lambda a, b: a * b, [1.0, 2.0], [1.0]), "shape"),
    (lambda: jvp(lambda a: a, [1.0], [np.nan]), "finite"),
    (lambda: dual(1.0, np.inf), "finite"),
    (lambda: dual(np.ones(3), np.ones(2)), "shape"),
    (lambda: tangent_nodes([fg.val(1.0)], [fg.constant(1.0)], [1.0]), "variable leaves"),
    (lambda: tangent_nodes([fg.val(1.0)], [fg.val(1.0)], [1.0, 2.0]), "2 tangents"),
])
def test_bad_tangents_are_value_errors_naming_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()
