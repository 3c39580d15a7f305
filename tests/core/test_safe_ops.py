"""relu, clip and the clamped ops log_safe, log1p_safe, exp_safe, div_safe: away from the clamp
each is the unclamped op with its exact derivatives (closed forms to the third order, finite
differences for div_safe's mixed partials); at and past the clamp the value is the documented
one and every derivative is finite (0 in the clamped argument)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import femtograd as fg

from ._numeric import (assert_close, central_difference, elementwise_derivatives,
                       property_settings)




def inv_powers(u, sign):
    """log-like closed forms: [·, 1/u, −1/u², 2/u³] with u the log's argument."""
    return [sign / u, -1 / u ** 2, 2 / u ** 3]


POS = np.array([1e-100, 1e-9, 0.3, 1.0, 7.5, 1e6])
REAL = np.array([-40.0, -2.5, -1e-7, 1e-7, 0.8, 3.0, 650.0])
ABOVE_MINUS_ONE = np.array([-1 + 1e-12, -0.7, -1e-9, 0.0, 2.0, 1e8])


@pytest.mark.parametrize("op, closed, points", [
    (fg.relu, lambda x: [x * (x > 0), (x > 0) * 1.0, 0 * x, 0 * x], REAL),
    (fg.log_safe, lambda x: [np.log(x)] + inv_powers(x, 1), POS),
    (fg.log1p_safe, lambda x: [np.log1p(x)] + inv_powers(1 + x, 1), ABOVE_MINUS_ONE),
    (fg.exp_safe, lambda x: [np.exp(x)] * 4, REAL),
    (lambda v: fg.div_safe(3.0, v), lambda x: [3 / x, -3 / x ** 2, 6 / x ** 3, -18 / x ** 4],
     REAL),
    (lambda v: fg.clip(v, lo=-3.0, hi=5.0), lambda x: [x, 1 + 0 * x, 0 * x, 0 * x],
     REAL[1:-1]),
], ids=["relu", "log_safe", "log1p_safe", "exp_safe", "div_safe", "clip"])
def test_away_from_the_clamp_each_op_and_three_derivatives_are_the_unclamped_closed_forms(
        op, closed, points):
    for order, (got, want) in enumerate(zip(elementwise_derivatives(op, points, 3), closed(points))):
        assert np.all(np.isfinite(want))  # elementwise relative error: magnitudes span 1e300
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=0, err_msg=f"derivative {order}")


@pytest.mark.parametrize("op, points, value", [
    (fg.relu, [-5.0, -1e-300, 0.0], lambda x: 0 * x),
    (fg.log_safe, [-1.0, 0.0, 1e-320, fg.core.safe.TINY], lambda x: np.log(fg.core.safe.TINY) + 0 * x),
    (lambda v: fg.log_safe(v, eps=1e-6), [0.0, 1e-7, 1e-6], lambda x: np.log(1e-6) + 0 * x),
    (fg.log1p_safe, [-3.0, -1.0], lambda x: np.log1p(-1 + np.finfo(float).epsneg) + 0 * x),
    (fg.exp_safe, [700.0, 710.0, 1e5], lambda x: np.exp(700.0) + 0 * x),
    (lambda v: fg.exp_safe(v, hi=3.0), [3.0, 50.0], lambda x: np.exp(3.0) + 0 * x),
    (lambda v: fg.div_safe(2.0, v, eps=1e-3), [0.0, 1e-4, -0.0], lambda x: 2e3 + 0 * x),
    (lambda v: fg.div_safe(2.0, v, eps=1e-3), [-1e-4, -1e-3], lambda x: -2e3 + 0 * x),
], ids=["relu", "log_safe", "log_safe_eps", "log1p_safe", "exp_safe", "exp_safe_hi",
        "div_safe_zero_and_positive", "div_safe_negative"])
def test_at_and_past_the_clamp_the_value_is_the_clamped_one_and_derivatives_are_zero(
        op, points, value):
    points = np.array(points)
    got = elementwise_derivatives(op, points, 3)
    assert_close(got[0], value(points), rtol=1e-15, what="value")
    for order, d in enumerate(got[1:], 1):
        np.testing.assert_array_equal(d, 0.0, err_msg=f"derivative {order}")


def test_the_unsafe_ops_give_infinite_or_nan_gradients_where_the_safe_ones_give_zero():
    """What the clamp is for: log(0) and 3/0 make −inf and inf gradients; a where() guard alone
    would still have to be written around each."""
    x = fg.val(np.array([0.0, 2.0]))
    with np.errstate(divide="ignore"):
        g_log, = fg.grad_nodes(fg.sum(fg.log(x)), [x])
        g_div, = fg.grad_nodes(fg.sum(3.0 / x), [x])
        assert not np.isfinite(fg.data(g_log)[0]) and not np.isfinite(fg.data(g_div)[0])
    g_log, = fg.grad_nodes(fg.sum(fg.log_safe(x)), [x])
    g_div, = fg.grad_nodes(fg.sum(fg.div_safe(3.0, x)), [x])
    np.testing.assert_array_equal(fg.data(g_log), [0.0, 0.5])
    np.testing.assert_array_equal(fg.data(g_div), [0.0, -0.75])


def test_div_safe_gradient_and_hessian_in_both_arguments_match_finite_differences():
    def f(a, b):
        return fg.div_safe(a * a, b + fg.sin(a))

    point = [1.3, -2.2]
    grad = np.array(fg.gradient(f, point))
    hess = np.array(fg.hessian(f, point))

    def plain(v):
        return v[0] ** 2 / (v[1] + np.sin(v[0]))

    assert_close(grad, central_difference(plain, point), rtol=1e-9, what="gradient")
    assert_close(hess, central_difference(lambda v: central_difference(plain, v), point, h=1e-3),
                 rtol=1e-6, what="Hessian")


def test_forward_mode_agrees_with_reverse_mode_through_the_clamp():
    for x in (0.0, 0.4, 5.0):  # clamped, inside, inside
        value, slope = fg.jvp(lambda v: fg.log_safe(v, eps=0.1) * fg.relu(v - 0.2), [x], [1.0])
        reverse = fg.gradient(lambda v: fg.log_safe(v, eps=0.1) * fg.relu(v - 0.2), [x])[0]
        assert slope == pytest.approx(reverse, rel=1e-15, abs=0.0)


def test_moving_a_leaf_across_the_clamp_re_evaluates_value_and_gradient():
    x = fg.val(2.0)
    y = fg.log_safe(x, eps=0.5)
    g, = fg.grad_nodes(y, [x])
    assert (fg.data(y), fg.data(g)) == (np.log(2.0), 0.5)
    x.data = 0.1
    assert (fg.data(y), fg.data(g)) == (np.log(0.5), 0.0)
    x.data = 4.0
    assert (fg.data(y), fg.data(g)) == (np.log(4.0), 0.25)


@property_settings(max_examples=60)
@given(st.floats(1e-200, 1e200), st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-6))
def test_safe_ops_equal_the_plain_ops_and_their_gradients_wherever_the_clamp_is_inactive(x, y):
    pairs = [(lambda v: fg.log_safe(v), lambda v: fg.log(v), x),
             (lambda v: fg.div_safe(1.5, v), lambda v: 1.5 / v, y),
             (lambda v: fg.relu(v), lambda v: v if y > 0 else 0 * v, y),
             (lambda v: fg.exp_safe(v), lambda v: fg.exp(v), y / 2)]
    for safe, plain, at in pairs:
        assert fg.gradient(safe, [at]) == fg.gradient(plain, [at])
        assert fg.data(safe(at)) == fg.data(plain(at))


@pytest.mark.parametrize("call, error, match", [
    (lambda: fg.log_safe(1.0, eps=0.0), ValueError, "eps must be a positive finite number"),
    (lambda: fg.log_safe(1.0, eps=-1e-3), ValueError, "eps must be a positive"),
    (lambda: fg.div_safe(1.0, 2.0, eps=np.inf), ValueError, "eps must be a positive finite"),
    (lambda: fg.log1p_safe(1.0, eps=float("nan")), ValueError, "eps must not be NaN"),
    (lambda: fg.exp_safe(1.0, hi=np.inf), ValueError, "hi must be a finite number"),
    (lambda: fg.log_safe(1.0, eps="1e-3"), TypeError, "eps must be a number; got str"),
    (lambda: fg.clip(1.0), ValueError, "needs a lower bound lo, an upper bound hi"),
    (lambda: fg.clip(1.0, lo=2.0, hi=1.0), ValueError, "lo <= hi"),
    (lambda: fg.clip(1.0, lo=True), TypeError, "lo must be a number; got bool"),
])
def test_bad_bounds_are_rejected_with_the_name_of_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
