"""sin, cos, tanh, logit, softmax and log_softmax: values are numpy's and scipy's, and every
derivative up to the fourth is the closed form (repeated grad_nodes, so each derivative graph
is itself differentiated)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

import femtograd as fg

from ._numeric import (assert_close, central_difference, elementwise_derivatives,
                       property_settings)

X = np.array([-3.1, -1.0, -0.2, 0.0, 0.4, 1.5, 2.9, 7.0])
P = np.array([1e-9, 0.01, 0.2, 0.5, 0.77, 0.999, 1 - 1e-7])




def tanh_closed(x):
    t = np.tanh(x)
    s = 1 - t ** 2  # tanh′; the third derivative is −2 + 8t² − 6t⁴
    return [t, s, -2 * t * s, s * (6 * t ** 2 - 2), s * (16 * t - 24 * t ** 3)]


def logit_closed(p):
    q = 1 - p
    return [special.logit(p), 1 / (p * q), (2 * p - 1) / (p * q) ** 2,
            2 / p ** 3 + 2 / q ** 3, -6 / p ** 4 + 6 / q ** 4]


@pytest.mark.parametrize("op, closed, points", [
    (fg.sin, lambda x: [np.sin(x), np.cos(x), -np.sin(x), -np.cos(x), np.sin(x)], X),
    (fg.cos, lambda x: [np.cos(x), -np.sin(x), -np.cos(x), np.sin(x), np.cos(x)], X),
    (fg.tanh, tanh_closed, X),
    (fg.logit, logit_closed, P),
], ids=["sin", "cos", "tanh", "logit"])
def test_elementwise_ops_and_their_first_four_derivatives_are_the_closed_forms(op, closed, points):
    for order, (got, want) in enumerate(zip(elementwise_derivatives(op, points, 4), closed(points))):
        assert_close(got, want, rtol=1e-12, atol=1e-300, what=f"derivative {order}")


def test_scalar_inputs_give_scalar_values():
    assert fg.data(fg.sin(0.5)) == np.sin(0.5) and fg.sin(0.5).shape == ()
    assert fg.data(fg.tanh(fg.val(30.0))) == 1.0
    assert fg.data(fg.logit(0.25)) == pytest.approx(np.log(1 / 3), rel=1e-15)


def test_tanh_saturates_without_nan_derivatives():
    d = elementwise_derivatives(fg.tanh, np.array([-400.0, 400.0]), orders=3)
    assert np.all(np.isfinite(np.concatenate(d)))
    np.testing.assert_array_equal(d[1], [0.0, 0.0])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_softmax_and_log_softmax_match_scipy_along_an_axis(axis):
    """Finite where exp overflows (800); log_softmax is x − logsumexp(x), so its absolute
    error is a few ulps of the largest |x|."""
    x = np.array([[0.3, -1.2, 4.0], [800.0, 799.0, -5.0]])
    ulps = 4 * np.spacing(800.0)
    np.testing.assert_allclose(fg.data(fg.softmax(x, axis=axis)),
                               special.softmax(x, axis=axis), rtol=ulps, atol=1e-300)
    np.testing.assert_allclose(fg.data(fg.log_softmax(x, axis=axis)),
                               special.log_softmax(x, axis=axis), rtol=0, atol=ulps)


def test_softmax_jacobian_is_diag_p_minus_p_outer_p():
    z = np.array([0.2, -1.0, 1.7, 0.4])
    p = special.softmax(z)
    for k in range(z.size):
        leaf = fg.val(z.copy())
        g, = fg.grad_nodes(fg.softmax(leaf)[k], [leaf])
        want = p[k] * ((np.arange(z.size) == k) - p)
        np.testing.assert_allclose(fg.data(g), want, rtol=1e-13, atol=1e-16)


def test_log_softmax_hessian_of_a_weighted_sum_is_minus_the_multinomial_covariance():
    """Σ cᵢ log_softmax(z)ᵢ has Hessian −(Σc)(diag p − p pᵀ): the multinomial information."""
    z = np.array([0.5, -0.3, 2.0])
    c = np.array([3.0, 1.0, 2.0])
    p = special.softmax(z)
    leaf = fg.val(z.copy())
    g, = fg.grad_nodes(fg.sum(fg.log_softmax(leaf) * c), [leaf])
    np.testing.assert_allclose(fg.data(g), c - c.sum() * p, rtol=1e-13)
    rows = [fg.data(fg.grad_nodes(g[i], [leaf])[0]) for i in range(z.size)]
    np.testing.assert_allclose(np.array(rows), -c.sum() * (np.diag(p) - np.outer(p, p)),
                               rtol=1e-12, atol=1e-15)


@property_settings(max_examples=40)
@given(st.lists(st.floats(-20, 20), min_size=2, max_size=5),
       st.lists(st.floats(-2, 2), min_size=5, max_size=5))
def test_softmax_third_derivatives_match_finite_differences_of_the_exact_hessian(z, c):
    """A random linear functional of softmax: its exact Hessian, differentiated once more,
    against central differences of that Hessian."""
    z = np.array(z)
    c = np.array(c[:z.size])

    def hess(v):
        return fg.hessian(lambda *a: fg.sum(fg.softmax(_vec(a)) * c), list(v))

    leaf = fg.val(z.copy())
    g, = fg.grad_nodes(fg.sum(fg.softmax(leaf) * c), [leaf])
    h_rows = [fg.grad_nodes(g[i], [leaf])[0] for i in range(z.size)]
    third = np.array([[fg.data(fg.grad_nodes(h[j], [leaf])[0]) for j in range(z.size)]
                      for h in h_rows])
    num = central_difference(hess, z, h=1e-4)  # shape (k, k, k): d/dz_i of H
    assert_close(np.moveaxis(num, 0, -1), third, rtol=1e-5, atol=1e-7, what="third derivative")


def _vec(values):
    """A vector Value from scalar Values: Σ eᵢ vᵢ (the core has no stack op)."""
    k = len(values)
    out = None
    for i, v in enumerate(values):
        term = v * np.eye(k)[i]
        out = term if out is None else out + term
    return out
