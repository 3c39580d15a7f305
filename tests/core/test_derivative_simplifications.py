"""Derivative rules keep signs and scalar factors off the arrays and out of sums, and take
the sum of a product of two arrays as a dot product: the derivatives stay exact, the
derivative graphs of an elementwise log-likelihood make fewer passes over the data, and
softplus and log_sigmoid stay accurate in both tails."""

import mpmath
import numpy as np
import pytest

import femtograd as fg
from femtograd.core.derivatives import derivative_nodes, grad_nodes, hessian_nodes
from femtograd.core.ops import dot, neg, product, total

from ._numeric import assert_close, central_difference

X = np.random.default_rng(7).logistic(0.5, 1.3, 500)


def _softplus_reference(x):
    return float(mpmath.log1p(mpmath.exp(mpmath.mpf(float(x)))))


TAIL_POINTS = [-745.0, -700.0, -300.0, -40.0, -37.5, -20.0, -5.0, -1.0, -1e-8, -1e-300, 0.0,
               1e-300, 1e-8, 0.5, 1.0, 5.0, 18.0, 20.0, 36.0, 40.0, 300.0, 1e300]


def test_softplus_is_accurate_to_a_few_ulps_in_both_tails_and_between():
    mpmath.mp.dps = 50
    x = np.array(TAIL_POINTS)
    got = fg.softplus(fg.constant(x)).data
    want = np.array([_softplus_reference(v) for v in x])
    assert np.all(np.abs(got - want) <= 4 * np.spacing(want)), (got, want)
    assert got[0] > 0  # e^-745 is subnormal, not zero
    for v, w in zip(x, want):  # a scalar takes the same values
        assert abs(fg.softplus(fg.constant(float(v))).data - w) <= 4 * np.spacing(w)


def test_log_sigmoid_is_accurate_to_a_few_ulps_in_both_tails():
    mpmath.mp.dps = 50
    x = np.array(TAIL_POINTS)
    got = fg.log_sigmoid(fg.constant(x)).data
    want = np.array([-_softplus_reference(-v) for v in x])
    assert np.all(np.abs(got - want) <= 4 * np.spacing(np.abs(want))), (got, want)


def test_softplus_of_infinities_and_nan_is_that_of_log1p_of_exp():
    got = fg.softplus(fg.constant(np.array([-np.inf, np.inf, np.nan]))).data
    assert got[0] == 0.0 and got[1] == np.inf and np.isnan(got[2])


def _logistic(loc, scale):
    z = (fg.constant(X) - loc) / scale
    return fg.sum(-z - 2.0 * fg.softplus(-z) - fg.log(scale))


def _logistic_closed_form(loc, scale):
    """Score and Hessian of the logistic log-likelihood by hand (s = sigmoid(−z))."""
    z = (X - loc) / scale
    s = 1.0 / (1.0 + np.exp(z))
    u = 1.0 - 2.0 * s  # d(−log f)/dz
    n = X.size
    grad = np.array([u.sum() / scale, (np.dot(u, z) - n) / scale])
    d2 = 2.0 * s * (1.0 - s)  # d²(−log f)/dz²
    h_ll = -d2.sum() / scale ** 2
    h_ls = -(u.sum() + np.dot(d2, z)) / scale ** 2
    h_ss = (n - 2.0 * np.dot(u, z) - np.dot(d2, z * z)) / scale ** 2
    return grad, np.array([[h_ll, h_ls], [h_ls, h_ss]])


@pytest.mark.parametrize("point", [(0.5, 1.3), (-2.0, 0.4), (3.0, 7.0)])
def test_logistic_score_and_hessian_equal_closed_forms(point):
    grad, hess = _logistic_closed_form(*point)
    assert_close(fg.gradient(_logistic, point), grad, rtol=1e-12, atol=1e-9, what="gradient")
    assert_close(fg.hessian(_logistic, point), hess, rtol=1e-12, atol=1e-9, what="Hessian")


def _array_ops(nodes):
    return [n for n in nodes if n.shape]


def test_the_gradient_of_a_scaled_negated_sum_makes_no_array_pass():
    a, b = fg.val(0.7), fg.val(1.9)
    out = fg.sum(-(fg.constant(X) * a) / b)
    _, _, (order0, order1, order2) = derivative_nodes(out, [a, b])
    assert _array_ops(order1[len(order0):]) == []  # the gradient: scalars times sum(X)
    assert _array_ops(order2[len(order1):]) == []
    for leaf, v in zip((a, b), (1.3, -0.4)):
        leaf.data = v
    grads, hess = grad_nodes(out, [a, b]), None
    hess = hessian_nodes(grads, [a, b])
    s = X.sum()
    assert_close([g.data for g in grads], [-s / -0.4, 1.3 * s / 0.16], rtol=1e-14)
    assert_close([[h.data for h in row] for row in hess],
                 [[0.0, s / 0.16], [s / 0.16, -2 * 1.3 * s / -0.064]], rtol=1e-14)


def test_the_logistic_derivative_graphs_make_few_array_passes():
    loc, scale = fg.val(0.5), fg.val(1.3)
    grads, hess, (order0, order1, order2) = derivative_nodes(_logistic(loc, scale), [loc, scale])
    assert len(_array_ops(order1[len(order0):])) <= 4  # sigmoid and its products
    assert len(_array_ops(order2[len(order1):])) <= 10
    assert all(n._op.name != "negative" for n in order2[len(order0):] if n.shape)


def test_sums_of_products_are_dot_products_with_exact_derivatives():
    def f(a, b):
        u = fg.exp(fg.constant(X) * a)
        v = fg.constant(X) - b
        return fg.sum(fg.log1p(u * v * v))

    point = np.array([0.3, -0.8])
    with np.errstate(all="ignore"):
        gradient = central_difference(lambda y: fg.data(f(*y)), point)
        hessian = central_difference(lambda y: fg.gradient(f, y), point)
    assert_close(fg.gradient(f, point), gradient, rtol=1e-7, atol=1e-9, what="gradient")
    assert_close(fg.hessian(f, point), hessian, rtol=1e-6, atol=1e-8, what="Hessian")
    a, b = fg.val(0.3), fg.val(-0.8)
    grads = grad_nodes(f(a, b), [a, b])
    names = {n._op.name for n in fg.core.topological_order(grads) if n._op is not None}
    assert "dot" in names


def test_dot_and_the_folding_helpers_keep_their_values():
    a, b = fg.val(X[:5].copy()), fg.val(X[5:10].copy())
    c = fg.val(-1.7)
    assert dot(a, b).data == pytest.approx(float(np.dot(X[:5], X[5:10])), rel=1e-15)
    assert neg(-a) is a
    np.testing.assert_array_equal(neg(a * c).data, -(X[:5] * -1.7))
    np.testing.assert_array_equal(neg(a / c).data, X[:5] / 1.7)
    np.testing.assert_allclose(product(c, -(a * c)).data, -(1.7 ** 2) * X[:5], rtol=1e-15)
    assert total(-(a * b) / c).data == pytest.approx(np.dot(X[:5], X[5:10]) / 1.7, rel=1e-14)
    assert total(a - b * c).data == pytest.approx(X[:5].sum() + 1.7 * X[5:10].sum(), rel=1e-14)
    g = grad_nodes(dot(a, b) * c, [a, b, c])
    np.testing.assert_allclose(g[0].data, -1.7 * X[5:10], rtol=1e-15)
    np.testing.assert_allclose(g[1].data, -1.7 * X[:5], rtol=1e-15)


def test_an_expression_two_hessian_entries_build_is_one_node_with_exact_values():
    loc, scale = fg.val(0.5), fg.val(1.3)
    grads, hess, (order0, _, order2) = derivative_nodes(_logistic(loc, scale), [loc, scale])
    seen = {}
    for n in order2[len(order0):]:  # the rules' nodes (the user's graph is as written)
        key = (n._op, tuple(id(a) for a in n._args), tuple(sorted((n._kw or {}).items())))
        assert key not in seen, f"{n._op.name} built twice"
        seen[key] = n
    _, closed = _logistic_closed_form(0.5, 1.3)
    assert_close([[h.data for h in row] for row in hess], closed, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("x, y", [(np.ones(3), np.ones(4)), (np.ones(3), np.ones((3, 1))),
                                  (2.0, np.ones(3)), (np.ones(1), np.ones(3))])
def test_dot_of_two_shapes_is_a_clear_error(x, y):
    # (3,) and (3, 1) would give a value but a gradient of the wrong shape
    with pytest.raises(ValueError, match=r"dot: shapes .* differ"):
        dot(fg.val(x), fg.constant(y))


def test_the_sum_of_a_long_chain_of_array_additions_does_not_recurse_into_every_term():
    # b · (Σₖ k·b·x): the gradient sums the user's chain of 1500 additions
    x, k = fg.constant(X[:5]), 1500

    def f(b):
        s = b * x
        for i in range(2, k + 1):
            s = s + b * x * float(i)
        return fg.sum(s * b)

    want = X[:5].sum() * k * (k + 1) / 2
    assert_close(fg.gradient(f, [0.5]), [2 * 0.5 * want], rtol=1e-12)
    assert_close(fg.hessian(f, [0.5]), [[2 * want]], rtol=1e-12)
