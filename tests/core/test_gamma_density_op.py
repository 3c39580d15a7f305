"""The gamma density's shape derivatives as one op (`gamma_density`, the incomplete gamma's
derivative in its limit): values and first and second derivatives in the shape and the point
against mpmath's differentiation of t^(a−1) e^−t / Γ(a) to 30 digits."""

import mpmath as mp
import numpy as np
import pytest

from femtograd.core import Value, grad_nodes
from femtograd.core.special import _gamma_density_derivative as gamma_density


def mp_density(a, t):
    return t ** (a - 1) * mp.exp(-t) / mp.gamma(a)


@pytest.mark.parametrize("a, t", [(0.3, 0.02), (2.5, 1.7), (2.5, 11.0), (40.0, 35.0)])
@pytest.mark.parametrize("order", [0, 1, 2])
def test_the_op_and_its_derivatives_are_the_densitys(a, t, order):
    av, tv = Value(a), Value(t)
    node = gamma_density(av, tv, order=order)
    d_a, d_t = grad_nodes(node, [av, tv])
    d_aa, d_at = grad_nodes(d_a, [av, tv])
    d_tt = grad_nodes(d_t, [tv])[0]
    with mp.workdps(30):
        def ref(na, nt):
            return float(mp.diff(lambda aa, tt: mp_density(aa, tt), (a, t), (order + na, nt)))
        for got, want in [(node, ref(0, 0)), (d_a, ref(1, 0)), (d_t, ref(0, 1)),
                          (d_aa, ref(2, 0)), (d_at, ref(1, 1)), (d_tt, ref(0, 2))]:
            assert float(got.data) == pytest.approx(want, rel=1e-11, abs=1e-14 * abs(ref(0, 0)))


def test_the_op_is_elementwise_over_arrays_of_shapes_and_points():
    a, t = np.array([0.5, 2.5, 9.0]), np.array([0.1, 2.0, 12.0])
    out = gamma_density(a, t, order=1).data
    for ai, ti, oi in zip(a, t, out):
        assert oi == pytest.approx(float(gamma_density(float(ai), float(ti), order=1).data),
                                   rel=1e-15)
