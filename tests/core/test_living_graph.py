"""The graph is a living expression: moving a leaf re-evaluates exactly what depends on it."""

import numpy as np
import pytest

import femtograd as fg

DATA = np.random.default_rng(7).exponential(0.5, 40)


def _model(shape, scale, x=DATA):
    """A Weibull-style log-likelihood with shared sub-graphs and a data-only node."""
    z = x / scale
    return fg.sum(fg.log(shape) - fg.log(scale) + (shape - 1.0) * fg.log(z) - z ** shape)


def _fresh(shape, scale):
    k, lam = fg.val(shape), fg.val(scale)
    out = _model(k, lam)
    fg.backward(out)
    return out.data, k.grad, lam.grad


def test_after_moving_leaves_values_and_gradients_equal_a_freshly_built_graph():
    k, lam = fg.val(1.0), fg.val(1.0)
    ll = _model(k, lam)
    for shape, scale in [(1.5, 0.7), (0.6, 2.0), (3.0, 0.45), (1.0, 1.0)]:
        k.data, lam.data = shape, scale
        fg.zero_grad(ll)
        fg.backward(ll)
        value, dk, dlam = _fresh(shape, scale)
        assert ll.data == pytest.approx(value, rel=1e-14)
        assert k.grad == pytest.approx(dk, rel=1e-12)
        assert lam.grad == pytest.approx(dlam, rel=1e-12)


def test_gradient_nodes_live_too_after_a_move():
    k, lam = fg.val(1.0), fg.val(1.0)
    gk, glam = fg.grad_nodes(_model(k, lam), [k, lam])
    hkk, hklam = fg.grad_nodes(gk, [k, lam])
    k.data, lam.data = 2.5, 0.8
    assert [gk.data, glam.data] == pytest.approx(fg.gradient(_model, [2.5, 0.8]), rel=1e-12)
    assert [hkk.data, hklam.data] == pytest.approx(fg.hessian(_model, [2.5, 0.8])[0], rel=1e-12)


def test_a_data_only_node_is_evaluated_once_across_100_re_evaluations():
    rate = fg.val(1.0)
    log_x = fg.log(DATA)
    per_point = fg.log(rate) - rate * DATA + 0.0 * log_x
    ll = fg.sum(per_point)
    for i in range(100):
        rate.data = 1.0 + i / 100
        fg.zero_grad(ll)
        fg.backward(ll)
        assert ll.data == pytest.approx(DATA.size * np.log(rate.data) - rate.data * DATA.sum())
    assert log_x.evaluations == 1
    assert not log_x.is_variable
    assert per_point.evaluations == 101


def test_only_nodes_downstream_of_the_moved_leaf_are_re_evaluated():
    a, b = fg.val(1.0), fg.val(2.0)
    left, right = fg.exp(a), fg.log(b)
    out = left * right
    assert out.data == pytest.approx(np.e * np.log(2.0))
    a.data = 0.0
    assert out.data == pytest.approx(np.log(2.0))
    assert (left.evaluations, right.evaluations, out.evaluations) == (2, 1, 2)
    assert out.data == pytest.approx(np.log(2.0))  # reading again computes nothing
    assert (left.evaluations, right.evaluations, out.evaluations) == (2, 1, 2)


def test_a_node_built_on_a_stale_node_after_a_move_uses_current_values():
    leaf = fg.val(1.0)
    doubled = leaf * 2.0
    leaf.data = 3.0  # `doubled` is stale and nobody has read it
    total = doubled + leaf
    assert total.data == 9.0
    assert fg.exp(doubled).data == pytest.approx(np.exp(6.0))
    g, = fg.grad_nodes(doubled * leaf, [leaf])
    assert g.data == pytest.approx(12.0)


def test_backward_accumulates_into_grad_and_zero_grad_resets_it():
    x, w = fg.val(3.0), fg.val(np.array([1.0, 2.0]))
    out = fg.sum(x * x * w)
    fg.backward(out)
    fg.backward(out)
    assert x.grad == pytest.approx(2 * 2 * 3.0 * 3.0)
    np.testing.assert_allclose(w.grad, 2 * np.array([9.0, 9.0]))
    fg.zero_grad(out)
    assert x.grad == 0.0
    np.testing.assert_array_equal(w.grad, [0.0, 0.0])
    out.backward()
    assert fg.grad(x) == x.grad == pytest.approx(2 * 3.0 * 3.0)
    out.zero_grad()
    assert x.grad == 0.0


def test_backward_with_an_explicit_seed_on_an_array_node():
    x = fg.val(np.array([1.0, 2.0, 3.0]))
    fg.backward(x * x, seed=np.array([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(x.grad, [2.0, 0.0, 12.0])


def _clipped_ascent(loglik, rate, iterations=400, lr=0.2):
    from femtograd.optim import grad_clip
    for _ in range(iterations):
        fg.zero_grad(loglik)
        fg.backward(loglik)
        rate.data = rate.data + lr * grad_clip(fg.grad(rate))
    return rate.data


def test_the_vignette_loop_converges_for_the_expression_that_goes_stale_in_r():
    data = np.random.default_rng(1).exponential(1 / 7.3, 30)
    rate = fg.val(1.0)
    n = len(data)
    loglik = n / 2 * fg.log(rate * rate) - rate * fg.sum(data)
    assert _clipped_ascent(loglik, rate) == pytest.approx(1 / np.mean(data), abs=1e-3)
    fg.zero_grad(loglik)
    fg.backward(loglik)
    assert abs(rate.grad) < 1e-1


def test_a_20000_op_chain_evaluates_and_differentiates_without_recursion_limit():
    x = fg.val(1.0)
    v = x
    for i in range(20_000):
        v = v * 1.0001 if i % 2 else v + 0.0  # no folding of * 1 or + 0: every op is a node
    factor = 1.0001 ** 10_000
    assert v.data == pytest.approx(factor)
    fg.backward(v)
    assert x.grad == pytest.approx(factor)
    g, = fg.grad_nodes(v, [x])
    assert g.data == pytest.approx(factor)
    x.data = 2.0
    assert v.data == pytest.approx(2 * factor)
    fg.zero_grad(v)
    fg.backward(v)
    assert x.grad == pytest.approx(factor)
    assert fg.hessian(lambda y: _chain(y, 5000), [1.0])[0, 0] == pytest.approx(2 * 1.0001 ** 5000)


def _chain(y, n):
    v = y * y
    for _ in range(n):
        v = v * 1.0001
    return v


def test_an_array_leaf_moves_only_by_assignment_never_unseen():
    start = np.array([1.0, 2.0])
    leaf = fg.val(start)
    total = fg.sum(leaf * leaf)
    start[0] = 10.0  # the caller's array is not the leaf's
    assert total.data == 5.0
    with pytest.raises(ValueError, match="read-only"):
        leaf.data[0] = 3.0
    leaf.data = leaf.data + 1.0
    assert total.data == 13.0


def test_shared_sub_graphs_are_walked_once_not_once_per_path():
    x = fg.val(1.0)
    v = x
    for _ in range(300):  # 2**300 paths from the top to the leaf
        v = (v + v) * 0.5
    assert v.data == 1.0
    fg.backward(v)
    assert x.grad == pytest.approx(1.0)
    x.data = 3.0
    assert v.data == pytest.approx(3.0)
    assert fg.hessian(lambda y: _doubling(y, 300), [2.0])[0, 0] == pytest.approx(2.0)


def _doubling(y, n):
    v = y * y
    for _ in range(n):
        v = (v + v) * 0.5
    return v
