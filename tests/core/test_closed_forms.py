"""Exact derivatives agree with derivatives worked out by hand."""

import numpy as np
import pytest
from scipy import special

import femtograd as fg

X = np.random.default_rng(11).weibull(1.7, 500) * 2.3


def weibull_loglik(shape, scale, x=X):
    return fg.sum(fg.log(shape) - shape * fg.log(scale) + (shape - 1.0) * fg.log(x)
                  - (x / scale) ** shape)


def weibull_loglik_moments(shape, scale, x=X):
    """The same log-likelihood with Σ (x/λ)^k as exp_moments on centred log data."""
    log_x = np.log(x)
    centre = log_x.mean()
    n = len(x)
    cumulative_hazard = fg.exp(shape * (centre - fg.log(scale))) * fg.exp_moments(shape, log_x - centre)
    return n * fg.log(shape) - n * shape * fg.log(scale) + (shape - 1.0) * log_x.sum() \
        - cumulative_hazard


def weibull_by_hand(k, lam, x=X):
    n, z = len(x), x / lam
    L, zk = np.log(z), z ** k
    gradient = np.array([n / k + L.sum() - (zk * L).sum(), -n * k / lam + k / lam * zk.sum()])
    hkk = -n / k ** 2 - (zk * L ** 2).sum()
    hkl = -n / lam + zk.sum() / lam + k / lam * (zk * L).sum()
    hll = k / lam ** 2 * (n - (k + 1) * zk.sum())
    return gradient, np.array([[hkk, hkl], [hkl, hll]])


POINTS = [(1.7, 2.3), (0.5, 1.0), (3.2, 0.9), (1.0, 5.0)]


@pytest.mark.parametrize("loglik", [weibull_loglik, weibull_loglik_moments],
                         ids=["elementwise", "exp_moments"])
@pytest.mark.parametrize("k, lam", POINTS)
def test_weibull_gradient_and_hessian_match_the_analytic_formulas(loglik, k, lam):
    gradient, hessian = weibull_by_hand(k, lam)
    np.testing.assert_allclose(fg.gradient(loglik, [k, lam]), gradient, rtol=1e-9)
    np.testing.assert_allclose(fg.hessian(loglik, [k, lam]), hessian, rtol=1e-9)
    np.testing.assert_allclose(fg.gradient(loglik, {"scale": lam, "shape": k}), gradient, rtol=1e-9)


@pytest.mark.parametrize("k, lam", POINTS)
def test_weibull_loglik_with_exp_moments_equals_the_elementwise_one(k, lam):
    expected = np.sum(np.log(k / lam) + (k - 1) * np.log(X / lam) - (X / lam) ** k)
    assert fg.data(weibull_loglik(k, lam)) == pytest.approx(expected, rel=1e-12)
    assert fg.data(weibull_loglik_moments(k, lam)) == pytest.approx(expected, rel=1e-12)


def test_exp_moments_derivatives_are_the_next_moments_and_share_one_pass():
    t = np.linspace(-1.0, 1.0, 7)
    w = np.arange(1.0, 8.0)
    k = fg.val(0.4)
    m0 = fg.exp_moments(k, t, weights=w)
    g, = fg.grad_nodes(m0, [k])
    h, = fg.grad_nodes(g, [k])
    for order, node in enumerate([m0, g, h]):
        assert node.data == pytest.approx(np.sum(w * t ** order * np.exp(0.4 * t)), rel=1e-13)
    k.data = -1.3
    assert h.data == pytest.approx(np.sum(w * t ** 2 * np.exp(-1.3 * t)), rel=1e-13)


@pytest.mark.parametrize("x", [0.1, 0.5, 1.0, 2.5, 10.0, 150.0])
def test_derivatives_of_lgamma_are_digamma_and_trigamma(x):
    assert fg.gradient(fg.lgamma, [x])[0] == pytest.approx(special.digamma(x), rel=1e-13)
    assert fg.hessian(fg.lgamma, [x])[0, 0] == pytest.approx(special.polygamma(1, x), rel=1e-13)
    assert fg.hessian(fg.digamma, [x])[0, 0] == pytest.approx(special.polygamma(2, x), rel=1e-13)
    assert fg.hessian(fg.trigamma, [x])[0, 0] == pytest.approx(special.polygamma(3, x), rel=1e-13)


def test_lgamma_of_an_array_leaf_has_elementwise_digamma_gradient():
    x = np.array([0.3, 1.0, 4.5, 20.0])
    leaf = fg.val(x)
    fg.backward(fg.sum(fg.lgamma(leaf)))
    np.testing.assert_allclose(leaf.grad, special.digamma(x), rtol=1e-13)


def test_unbroadcast_sums_the_gradient_of_a_scalar_leaf_over_the_array():
    x = np.array([0.5, 1.5, 2.0, 4.0])
    k = fg.val(1.3)
    fg.backward(fg.sum(fg.log(k) + k * x))
    assert k.grad == pytest.approx(len(x) / 1.3 + x.sum(), rel=1e-14)
    assert fg.gradient(lambda k: fg.sum(fg.log(k) + k * x), [1.3])[0] == \
        pytest.approx(len(x) / 1.3 + x.sum(), rel=1e-14)


def test_gradients_of_array_leaves_have_the_leaf_shape_under_broadcasting():
    col, row, s = fg.val(np.ones((3, 1))), fg.val(np.arange(4.0)), fg.val(2.0)
    out = fg.sum(col * row * s)
    fg.backward(out)
    assert np.shape(col.grad) == (3, 1) and np.shape(row.grad) == (4,) and np.shape(s.grad) == ()
    np.testing.assert_allclose(col.grad, np.full((3, 1), 2.0 * 6.0))
    np.testing.assert_allclose(row.grad, np.full(4, 2.0 * 3.0))
    assert s.grad == pytest.approx(18.0)


def test_reductions_along_an_axis_send_each_row_its_own_gradient():
    a = fg.val(np.arange(12.0).reshape(3, 4) / 10)
    w = np.array([1.0, 2.0, 3.0])
    fg.backward(fg.sum(fg.sum(a, axis=1) * w) + fg.sum(fg.logsumexp(a, axis=1) * w)
                + fg.sum(fg.mean(a, axis=0) * np.arange(4.0)))
    x = a.data
    softmax = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    expected = w[:, None] * (1 + softmax) + np.arange(4.0) / 3
    np.testing.assert_allclose(a.grad, expected, rtol=1e-13)


def test_indexing_sends_gradients_to_the_indexed_elements_and_repeats_add_up():
    a = fg.val(np.array([1.0, 2.0, 3.0]))
    fg.backward(fg.sum(a[np.array([0, 2, 0])] ** 2) + a[1] * 5.0)
    np.testing.assert_allclose(a.grad, [4.0, 5.0, 6.0])
    f = lambda s: fg.sum((s * np.array([1.0, 2.0, 3.0]))[1:] + s) * s  # 7 s^2
    assert fg.gradient(f, [2.0])[0] == pytest.approx(28.0)
    assert fg.hessian(f, [2.0])[0, 0] == pytest.approx(14.0)


@pytest.mark.parametrize("op, reference, points", [
    (fg.log_norm_cdf, special.log_ndtr, [-40.0, -5.0, 0.0, 3.0, 40.0]),
    (fg.log_norm_sf, lambda x: special.log_ndtr(-x), [-40.0, 0.0, 5.0, 40.0]),
    (fg.log1mexp, lambda x: np.log(-np.expm1(x)), [-1e-12, -1e-3, -0.7, -5.0]),
    (fg.log1mexp, lambda x: np.log1p(-np.exp(x)), [-30.0, -700.0]),
    (fg.softplus, lambda x: np.logaddexp(0, x), [-800.0, 0.0, 800.0]),
    (fg.log_sigmoid, lambda x: -np.logaddexp(0, -x), [-800.0, 0.0, 800.0]),
    (fg.sigmoid, special.expit, [-800.0, 0.0, 800.0]),
])
def test_stable_ops_are_accurate_in_the_tails(op, reference, points):
    for x in points:
        assert fg.data(op(x)) == pytest.approx(reference(x), rel=1e-13, abs=1e-300)


def test_log_norm_cdf_derivatives_are_finite_and_right_far_in_the_tails():
    # d/dx log Φ(x) = φ(x)/Φ(x) → −x as x → −∞, and second derivative → −1
    g = fg.gradient(fg.log_norm_cdf, [-40.0])[0]
    h = fg.hessian(fg.log_norm_cdf, [-40.0])[0, 0]
    mills = np.exp(-0.5 * 40.0 ** 2 - 0.5 * np.log(2 * np.pi) - special.log_ndtr(-40.0))
    assert g == pytest.approx(mills, rel=1e-12)
    assert h == pytest.approx(-mills * (-40.0 + mills), rel=1e-9)
    assert fg.gradient(fg.log_norm_sf, [40.0])[0] == pytest.approx(-mills, rel=1e-12)


def test_logaddexp_log_diff_exp_and_logsumexp_do_not_overflow():
    assert fg.data(fg.logaddexp(1000.0, 1000.0)) == pytest.approx(1000 + np.log(2))
    assert fg.data(fg.log_diff_exp(1000.0, 999.0)) == pytest.approx(1000 + np.log1p(-np.exp(-1)))
    assert fg.data(fg.logsumexp(np.array([1000.0, 1000.0]))) == pytest.approx(1000 + np.log(2))
    g = fg.gradient(lambda a, b: fg.logaddexp(a, b), [1000.0, 1000.0])
    np.testing.assert_allclose(g, [0.5, 0.5])
