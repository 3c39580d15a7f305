"""The core ops added for cumulative distributions (core/special.py)."""

import numpy as np
import pytest
from scipy import special

import femtograd as fg
from femtograd.core.special import arctan, arctan2, betainc, gammainc, gammaincc

from ._numeric import check_derivatives


def test_arctan_and_arctan2_values_and_derivatives():
    assert arctan(0.5).data == pytest.approx(np.arctan(0.5))
    assert arctan2(1.0, -3.0).data == pytest.approx(np.arctan2(1.0, -3.0))
    check_derivatives(lambda x: arctan(x) * x, [0.7])
    check_derivatives(lambda y, x: arctan2(y, x), [1.0, -3.0])


def test_arctan2_keeps_cauchy_lower_tail_accurate():
    z = -1e8
    assert arctan2(1.0, -z).data / np.pi == pytest.approx(1 / (np.pi * 1e8), rel=1e-12)


@pytest.mark.parametrize("op, ref", [(gammainc, special.gammainc), (gammaincc, special.gammaincc)])
def test_incomplete_gamma_values_and_derivatives_in_shape_and_limit(op, ref):
    assert op(2.3, 1.7).data == pytest.approx(ref(2.3, 1.7), rel=1e-15)
    check_derivatives(lambda a, x: fg.log(op(a, x)), [2.3, 1.7], rtol=1e-6)
    check_derivatives(lambda a, x: fg.log(op(a, x)), [0.4, 3.5], rtol=1e-6)


def test_incomplete_beta_values_and_derivatives_in_all_arguments():
    assert betainc(2.3, 0.7, 0.4).data == pytest.approx(special.betainc(2.3, 0.7, 0.4), rel=1e-15)
    check_derivatives(lambda a, b, x: fg.log(betainc(a, b, x)), [2.3, 0.7, 0.4], rtol=1e-6)


def test_third_shape_derivative_is_the_derivative_of_the_second():
    def second(a_value):
        a = fg.val(a_value)
        g, = fg.grad_nodes(gammainc(a, 1.0), [a])
        h, = fg.grad_nodes(g, [a])
        return a, h

    a, h = second(2.0)
    third, = fg.grad_nodes(h, [a])
    step = 1e-4
    numeric = (second(2.0 + step)[1].data - second(2.0 - step)[1].data) / (2 * step)
    assert third.data == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("a, x", [(0.3, 0.5), (2.3, 1.7), (5.0, 12.0), (40.0, 35.0)])
def test_incomplete_gamma_shape_derivatives_agree_with_high_precision_arithmetic(a, x):
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    for op, lo, hi in ((gammainc, 0, x), (gammaincc, x, mp.inf)):
        def exact(aa):
            return mp.gammainc(aa, lo, hi, regularized=True)
        leaf = fg.val(a)
        d1, = fg.grad_nodes(op(leaf, x), [leaf])
        d2, = fg.grad_nodes(d1, [leaf])
        assert d1.data == pytest.approx(float(mp.diff(exact, a, 1)), rel=1e-9)
        assert d2.data == pytest.approx(float(mp.diff(exact, a, 2)), rel=1e-7)
