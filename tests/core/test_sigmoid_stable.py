"""sigmoid and log_sigmoid are R's sigmoid_stable: finite and warning-free for inputs of any
size, with first and second derivatives exact (against mpmath at 50 digits) at ±1000, over the
whole lower tail of σ (upper of log σ) and near 0. (Between x ≈ 37 and 745, σ' = σ(1 − σ) is 0
where the truth is
below 1e-16: the user's own y − σ(η) rounds there too, and the fit's verdict reads the two
together; see test_the_derivative_in_the_upper_tail_rounds_with_the_gradient.)"""

import warnings

import mpmath
import numpy as np
import pytest

import femtograd as fg

TAIL = [-745.0, -700.0, -40.0]  # σ's lower tail; log σ = −softplus(−x) reads it reflected
CENTRE = [-1000.0, -5.0, -0.5, 0.0, 0.5, 5.0, 1000.0]
POINTS = [("sigmoid", x) for x in CENTRE + TAIL] + \
    [("log_sigmoid", x) for x in CENTRE + [-t for t in TAIL]]
mpmath.mp.dps = 50


def _sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


REFERENCE = {  # value, first and second derivative, as exact expressions in σ(x)
    "sigmoid": lambda x: (_sigmoid(x), _sigmoid(x) * _sigmoid(-x),
                          _sigmoid(x) * _sigmoid(-x) * (_sigmoid(-x) - _sigmoid(x))),
    "log_sigmoid": lambda x: (mpmath.log(_sigmoid(x)), _sigmoid(-x),
                              -_sigmoid(x) * _sigmoid(-x)),
}


def _derivatives(name, x0):
    op = getattr(fg, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        x = fg.val(x0)
        y = op(x)
        value = float(y.data)
        g, h = fg.gradient(op, [x0])[0], fg.hessian(op, [x0])[0, 0]
    return value, g, h


@pytest.mark.parametrize("name, x0", POINTS)
def test_sigmoid_and_log_sigmoid_exact_to_rounding_at_any_size(name, x0):
    got = _derivatives(name, x0)
    for what, actual, exact in zip(("value", "first", "second"), got, REFERENCE[name](x0)):
        expected = float(exact)  # below the smallest double it is 0, as the result must be
        assert np.isfinite(actual), f"{name}({x0}) {what} derivative is {actual}"
        assert abs(actual - expected) <= 1e-13 * abs(expected) + 1e-300, \
            f"{name}({x0}) {what}: {actual!r} != {expected!r}"


def test_the_derivative_in_the_upper_tail_rounds_with_the_gradient():
    # at x = 40, 1 − σ(x) rounds to 0 in doubles; σ' = σ(1 − σ) rounds with it, as the score
    # y − σ(η) of a logistic row does, so a separated fit's curvature vanishes with its score
    assert fg.gradient(fg.sigmoid, [40.0])[0] == 0.0
    assert fg.gradient(fg.sigmoid, [-40.0])[0] == pytest.approx(np.exp(-40.0), rel=1e-14)


def test_sigmoid_of_an_array_with_huge_entries_is_warning_free():
    x = fg.val(np.array([-1000.0, 0.0, 1000.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fg.sum(fg.log_sigmoid(x) + fg.sigmoid(x))
        fg.backward(y)
    np.testing.assert_allclose(x.grad, [1.0, 0.5 + 0.25, 0.0], rtol=1e-15)
    assert float(y.data) == pytest.approx(-1000.0 + np.log(0.5) + 0.5 + 1.0, rel=1e-15)
