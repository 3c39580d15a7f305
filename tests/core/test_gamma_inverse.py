"""The inverse of the regularized incomplete gamma function in floats (`gammaincinv`, the
gamma family's `_ppf`): against 40-digit mpmath roots at shapes 0.05 to 1e4 and probabilities
from 1e-300 to 1 − 1e-15, and against scipy's inverse everywhere in between."""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

from femtograd.core.special import gammaincinv

EPS = np.finfo(float).eps
SHAPES = [0.05, 0.3, 1.0, 2.5, 30.0, 1e4]
PROBS = [1e-300, 1e-30, 1e-8, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-8, 1 - 1e-15]


def mp_root(a, p):
    """The x with P(a, x) = p (Q(a, x) = 1 − p above the median) to 40 digits: Newton on the log
    of the smaller tail in log x."""
    with mp.workdps(40):
        a, p = mp.mpf(a), mp.mpf(p)
        upper = p > 0.5
        target = mp.log(1 - p if upper else p)
        start = float(special.gammaincinv(float(a), float(p)))
        # (below scipy's, the root of P's leading term x^a / Γ(a + 1), which does not underflow)
        u = mp.log(start) if start > 1e-250 else (target + mp.loggamma(a + 1)) / a
        for _ in range(100):
            x = mp.exp(u)
            tail = mp.gammainc(a, x, mp.inf, regularized=True) if upper else \
                mp.gammainc(a, 0, x, regularized=True)
            slope = mp.exp(a * u - x - mp.loggamma(a)) / tail  # d log tail / d log x, unsigned
            step = (mp.log(tail) - target) / (-slope if upper else slope)
            u -= step
            if abs(step) < mp.mpf(10) ** -35:
                return mp.exp(u)
    raise AssertionError("mpmath root did not converge")


def rounding(a, x, p):
    """What the rounding of P or Q leaves in any root of it, relative: the tail's own relative
    error (a few ulps and |log tail| ulps from the exponential of its log) magnified by the
    root's condition, tail / (x f(x)) (how far x moves per relative change of the tail)."""
    tail = min(p, 1 - p)
    condition = tail / np.exp(a * np.log(x) - x - special.gammaln(a))
    return 4 * EPS * (4 + abs(np.log(tail))) * max(1.0, condition)


@pytest.mark.parametrize("a", SHAPES)
def test_the_inverse_is_the_40_digit_root_to_the_rounding_of_the_tail(a):
    x = gammaincinv(a, np.array(PROBS))
    for xi, p in zip(x, PROBS):
        ref = mp_root(a, p)
        if ref < 1e-300:  # the root underflows: scipy's answer, 0
            assert xi == special.gammaincinv(a, p)
            continue
        err = abs(float((mp.mpf(float(xi)) - ref) / ref))
        assert err <= rounding(a, float(ref), p), (a, p, err)


@settings(max_examples=60, deadline=None)
@given(log_a=st.floats(np.log(0.05), np.log(1e4)), q=st.floats(1e-12, 1 - 1e-12))
def test_the_inverse_agrees_with_scipys_and_solves_p(log_a, q):
    a = float(np.exp(log_a))
    p = np.array([q, 1e-6 * q, 0.5, 1 - q])
    x = gammaincinv(a, p)
    tol = [2 * rounding(a, xi, pi) for xi, pi in zip(x, p)]  # both within theirs
    np.testing.assert_array_less(np.abs(x / special.gammaincinv(a, p) - 1), tol)


@pytest.mark.parametrize("a", [1e7, 1e8, 5e8])
def test_huge_shapes_where_scipys_p_is_coarse_are_not_settled_early(a):
    # P's tail is off by up to a percent there, and steps then shrink only geometrically: a
    # small step alone would settle 1e-7 away from scipy's root; a small residual is required too
    p = np.array([1e-50, 1e-13, 0.3, 1 - 1e-10])
    np.testing.assert_allclose(gammaincinv(a, p), special.gammaincinv(a, p), rtol=1e-12)


def test_shapes_below_one_are_scipys():  # (where P and Q are slow, and scipy needs fewer)
    p = np.array([1e-200, 1e-9, 0.2, 0.5, 0.9, 1 - 1e-12])
    for a in (0.01, 0.5, 0.999):
        np.testing.assert_array_equal(gammaincinv(a, p), special.gammaincinv(a, p))


def test_the_edges_and_bad_arguments_are_scipys():
    p = np.array([0.0, 1.0, np.nan, 0.5, 0.5, 0.5, 1.5, -0.1])
    a = np.array([2.0, 2.0, 2.0, np.nan, 0.0, -1.0, 2.0, 2.0])
    np.testing.assert_array_equal(gammaincinv(a, p), special.gammaincinv(a, p))


def test_shapes_broadcast_against_probabilities_one_shape_per_point():
    a = np.array([[0.05], [2.5], [1e4]])
    p = np.array([1e-20, 0.3, 0.9])
    x = gammaincinv(a, p)
    assert x.shape == (3, 3)
    for i in range(3):
        np.testing.assert_allclose(x[i], gammaincinv(float(a[i, 0]), p), rtol=0)
    assert np.ndim(gammaincinv(2.5, 0.3)) == 0
