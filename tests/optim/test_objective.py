"""Specifications of the graph objective: one graph, re-evaluated, with log/logit scales."""

import math

import numpy as np
import pytest

import femtograd as fg
from femtograd.optim import GraphObjective, TRANSFORMS, transform_for


def test_transforms_round_trip_and_their_derivatives_match_finite_differences():
    for name, p in (("real", -2.5), ("positive", 3.7), ("unit", 0.2)):
        t = TRANSFORMS[name]
        x = t.to_unconstrained(p)
        assert t.to_natural(x) == pytest.approx(p, rel=1e-14)
        _, d1, d2 = t.derivatives(x)
        h = 1e-5
        assert d1 == pytest.approx((t.to_natural(x + h) - t.to_natural(x - h)) / (2 * h), rel=1e-8)
        assert d2 == pytest.approx((t.derivatives(x + h)[1] - t.derivatives(x - h)[1]) / (2 * h),
                                   rel=1e-6, abs=1e-10)


def test_unknown_constraint_is_a_value_error_listing_the_valid_ones():
    with pytest.raises(ValueError, match="unknown constraint 'integer'.*positive"):
        transform_for("integer")


def gamma_like(a, b):
    """A smooth two-parameter log-likelihood (gamma shape a, rate b) on fixed data."""
    x = np.array([0.3, 1.2, 2.5, 0.7, 1.9])
    return (fg.sum((a - 1) * np.log(x) - b * x) + len(x) * (a * fg.log(b) - fg.lgamma(a)))


def test_chain_rule_gradient_and_hessian_equal_autodiff_of_the_composed_function():
    a, b = fg.val(1.5), fg.val(0.8)
    obj = GraphObjective(gamma_like(a, b), [a, b], ["positive", "positive"])
    x = np.array([0.3, -0.4])
    f, g, h = obj.value_grad_hess(x)
    composed = lambda u, v: gamma_like(fg.exp(u), fg.exp(v))
    assert f == pytest.approx(composed(*map(fg.val, x)).data, rel=1e-14)
    np.testing.assert_allclose(g, fg.gradient(composed, x), rtol=1e-12)
    np.testing.assert_allclose(h, fg.hessian(composed, x), rtol=1e-12)


def test_logit_scale_chain_rule_matches_autodiff():
    p = fg.val(0.3)
    x = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    ll = fg.sum(x * fg.log(p) + (1 - x) * fg.log(1 - p))
    obj = GraphObjective(ll, [p], ["unit"])
    u = np.array([0.7])
    _, g, h = obj.value_grad_hess(u)
    composed = lambda v: fg.sum(x * fg.log(fg.sigmoid(v)) + (1 - x) * fg.log(1 - fg.sigmoid(v)))
    np.testing.assert_allclose(g, fg.gradient(composed, u), rtol=1e-10)
    np.testing.assert_allclose(h, fg.hessian(composed, u), rtol=1e-10)


def test_derivative_nodes_are_built_once_and_re_evaluated_after_the_leaves_move():
    a, b = fg.val(1.5), fg.val(0.8)
    obj = GraphObjective(gamma_like(a, b), [a, b], ["positive", "positive"])
    obj.value_grad_hess(np.zeros(2))
    grads, hess = obj.grads, obj.hess
    for x in (np.array([0.1, 0.2]), np.array([-0.3, 0.5])):
        f, g, h = obj.value_grad_hess(x)
        a2, b2 = fg.val(math.exp(x[0])), fg.val(math.exp(x[1]))  # a graph built at x
        fresh = GraphObjective(gamma_like(a2, b2), [a2, b2], ["positive", "positive"])
        f2, g2, h2 = fresh.value_grad_hess(x)
        assert obj.grads is grads and obj.hess is hess
        assert f == pytest.approx(gamma_like(*map(fg.val, np.exp(x))).data, rel=1e-14)
        assert f == pytest.approx(f2, rel=1e-14)
        np.testing.assert_allclose(g, g2, rtol=1e-12)
        np.testing.assert_allclose(h, h2, rtol=1e-12)
    assert a.data == pytest.approx(math.exp(-0.3)) and b.data == pytest.approx(math.exp(0.5))


def test_a_point_outside_the_support_is_minus_infinity_not_an_error():
    rate = fg.val(1.0)
    obj = GraphObjective(fg.log(rate) * 3 - rate * 2.0, [rate], ["positive"], transform=False)
    assert obj.value(np.array([-1.0])) == -math.inf
    assert obj.value_grad_hess(np.array([-1.0]))[0] == -math.inf


# -- the last evaluation, read back --------------------------------------------------------
def _fresh_evaluate(natural, order=2):
    """f, g, h at natural-scale values from a graph built there and never moved."""
    a, b = fg.val(natural[0]), fg.val(natural[1])
    return GraphObjective(gamma_like(a, b), [a, b], ["positive", "positive"]).evaluate(
        natural, order)


def _assert_equal(got, expected):
    assert got[0] == expected[0]
    for x, y in zip(got[1:], expected[1:]):
        assert (x is None and y is None) or np.array_equal(x, y)


def test_evaluate_where_newton_stopped_equals_a_fresh_graph_and_needs_no_graph_work():
    a, b = fg.val(1.5), fg.val(0.8)
    obj = GraphObjective(gamma_like(a, b), [a, b], ["positive", "positive"])
    res = fg.optim.newton(obj, np.zeros(2))
    natural = obj.natural(res.x)
    evaluations = [n.evaluations for n in obj._plan(2).nodes]
    got = obj.evaluate(natural, 2)
    assert [n.evaluations for n in obj._plan(2).nodes] == evaluations
    _assert_equal(got, _fresh_evaluate(natural))
    got[1][0] = got[2][0, 0] = 99.0  # the caller owns the arrays it gets
    _assert_equal(obj.evaluate(natural, 2), _fresh_evaluate(natural))


def test_a_read_back_is_never_stale_after_the_leaves_move():
    a, b = fg.val(1.5), fg.val(0.8)
    obj = GraphObjective(gamma_like(a, b), [a, b], ["positive", "positive"])
    p = [1.5, 0.8]
    _assert_equal(obj.evaluate(p, 2), _fresh_evaluate(p))
    obj.value(np.log([2.0, 1.1]))  # a line-search trial elsewhere: value only
    _assert_equal(obj.evaluate([2.0, 1.1], 2), _fresh_evaluate([2.0, 1.1]))  # order 0 is not 2
    _assert_equal(obj.evaluate(p, 1), _fresh_evaluate(p, 1))
    a.data = 3.0  # a leaf moved by hand, outside the objective
    _assert_equal(obj.evaluate([3.0, 0.8], 2), _fresh_evaluate([3.0, 0.8]))
    view = obj.with_free([1])  # a view shares the graph and what was read
    f, g, h = view.value_grad_hess(np.log([0.8]))
    _assert_equal(obj.evaluate([3.0, 0.8], 2), _fresh_evaluate([3.0, 0.8]))
    assert obj.evaluate([3.0, 0.8], 0)[1:] == (None, None)
