"""Derivatives where the naive rules give NaN or lose every digit: the far lower tail of
log Φ, a power with a zero base, and the branch `where` does not take.

References are mpmath at 80 digits or closed forms, never the rules themselves.
"""

import mpmath as mp
import numpy as np
import pytest

import femtograd as fg

mp.mp.dps = 80


def _log_ndtr_reference(x):
    """(d/dx, d²/dx²) of log Φ at x: r = φ/Φ and −r·(x + r), in 80 digits."""
    x = mp.mpf(x)
    r = mp.npdf(x) / mp.ncdf(x)
    return float(r), float(-r * (x + r))


@pytest.mark.parametrize("x", [-1e8, -1e5, -3e3, -1e3, -40.0, -4.0001, -3.9999, -1.0, 0.0,
                               3.0, 10.0])
def test_log_ndtr_first_and_second_derivatives_match_mpmath_far_into_the_lower_tail(x):
    # below about −1e3, exp(−x²/2 − log√2π − log Φ) loses digits in the exponent and
    # x + φ/Φ cancels: the second derivative was wrong there
    r, second = _log_ndtr_reference(x)
    assert fg.gradient(fg.log_ndtr, [x])[0] == pytest.approx(r, rel=1e-14)
    assert fg.hessian(fg.log_ndtr, [x])[0, 0] == pytest.approx(second, rel=2e-14)


def test_log_ndtr_hessian_tends_to_minus_one_plus_the_asymptotic_series():
    # log Φ(x)'' = −1 + 1/x² − 6/x⁴ + O(x⁻⁶) as x → −∞
    for x in (-1e4, -1e6):
        expected = -1.0 + 1 / x ** 2 - 6 / x ** 4
        assert fg.hessian(fg.log_ndtr, [x])[0, 0] == pytest.approx(expected, rel=1e-15)


def test_log_norm_sf_hessian_is_right_far_into_the_upper_tail_on_arrays():
    x = np.array([2e3, 5.0, -1.0, 1e5])
    h = fg.hessian(lambda a: fg.sum(fg.log_norm_sf(a * fg.constant(x))), [1.0])[0, 0]
    expected = sum(_log_ndtr_reference(-xi)[1] * xi ** 2 for xi in x)
    assert h == pytest.approx(expected, rel=1e-13)
