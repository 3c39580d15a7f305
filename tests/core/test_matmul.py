"""matmul: X @ beta with either side a Value, its gradient and Hessian against closed forms
and finite differences, forward mode through it, and shapes it refuses."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import femtograd as fg
from femtograd.core.derivatives import grad_nodes
from femtograd.core.forward import tangent_nodes

from ._numeric import assert_close, central_difference, property_settings

RNG = np.random.default_rng(11)
X = RNG.normal(size=(7, 3))
Y = RNG.normal(size=7)


def least_squares(beta):
    r = Y - X @ beta
    return -0.5 * fg.sum(r * r)


def test_the_least_squares_gradient_and_hessian_are_the_closed_forms():
    beta = np.array([0.3, -1.2, 0.8])
    b = fg.val(beta)
    ll = least_squares(b)
    g = grad_nodes(ll, [b])[0]
    np.testing.assert_allclose(g.data, X.T @ (Y - X @ beta), rtol=1e-13)
    rows = np.array([grad_nodes(g[k], [b])[0].data for k in range(3)])
    np.testing.assert_allclose(rows, -X.T @ X, rtol=1e-13)


@property_settings(25)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_matmul_gradients_match_finite_differences_for_any_shapes(m, p, k, seed):
    rng = np.random.default_rng(seed)
    a0, b0 = rng.normal(size=(m, p)), rng.normal(size=(p, k))
    weights = rng.normal(size=(m, k))

    def f(a, b):
        return fg.sum(fg.sin(fg.matmul(a, b)) * weights)

    a, b = fg.val(a0), fg.val(b0)
    ga, gb = grad_nodes(f(a, b), [a, b])
    fa = central_difference(lambda x: f(fg.constant(x), fg.constant(b0)).data, a0)
    fb = central_difference(lambda x: f(fg.constant(a0), fg.constant(x)).data, b0)
    assert_close(ga.data, fa, rtol=1e-7, atol=1e-9, what="d/da")
    assert_close(gb.data, fb, rtol=1e-7, atol=1e-9, what="d/db")


def test_a_vector_on_the_left_is_a_row_and_ndarray_at_value_is_the_op():
    v0 = RNG.normal(size=7)
    v = fg.val(v0)
    out = fg.sum((v @ X) ** 2)  # Value @ ndarray
    fg.backward(out)
    np.testing.assert_allclose(v.grad, 2 * X @ (v0 @ X), rtol=1e-13)
    b = fg.val(np.ones(3))
    assert isinstance(X @ b, fg.Value)  # ndarray @ Value reaches the op
    np.testing.assert_allclose((X @ b).data, X.sum(axis=1), rtol=1e-14)


def test_forward_mode_through_matmul_equals_reverse():
    beta = np.array([0.2, 0.1, -0.4])
    t = np.array([1.0, -2.0, 0.5])
    b = fg.val(beta)
    ll = least_squares(b)
    directional, = tangent_nodes([ll], [b], [t])
    assert float(directional.data) == pytest.approx(float(X.T @ (Y - X @ beta) @ t), rel=1e-12)


@pytest.mark.parametrize("a, b", [(np.ones(3), np.ones(3)), (np.ones((2, 2, 2)), np.ones(2)),
                                  (np.ones((2, 3)), np.ones(2))])
def test_shapes_matmul_refuses(a, b):
    with pytest.raises(ValueError):
        fg.matmul(fg.val(a), fg.constant(b))
