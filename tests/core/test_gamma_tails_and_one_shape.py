"""Two shortcuts under the gamma quantile's standard errors: the incomplete gamma's tails start
their search for the point where the weight has fallen by the span from a fixed point of that
equation (so the search takes no step for moderate shapes, and never brackets), and a shape
given once per point but holding one value is taken as the number it is (the inverse, the
density and the quantile's shape slope). Each is checked against what it shortcuts."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

import femtograd.core.special as special_module
from femtograd.core import Value, grad_nodes
from femtograd.core.special import gammaincinv, inverse_gammainc

SPAN = special_module._SPAN


def _drop(a, u, direction, d):
    """How far the log weight a(u − eᵘ + 1) falls from u to u + direction·d, in plain floats."""
    h = special_module._gamma_weight(np.array([a]))[0]
    return float(h(np.array([u]))[0] - h(np.array([u + direction * d]))[0])


@settings(max_examples=300, deadline=None)
@given(st.floats(np.log(0.05), np.log(1e4)), st.floats(0.0, 6.0), st.sampled_from([1.0, -1.0]))
def test_the_reach_start_is_never_short_of_the_span(log_a, distance, direction):
    """From the side's maximum (u ≥ 0 going up, u ≤ 0 going down) the start has the weight
    fallen by at least the span, so `_reach` brackets nothing; for shapes up to 80 it lies
    within a nat past it, so Newton takes no step."""
    a, u = float(np.exp(log_a)), direction * distance
    d = float(special_module._above(np.array([a]), np.array([u]), direction, SPAN)[0])
    drop = _drop(a, u, direction, d)
    assert drop >= SPAN
    if a <= 80:
        assert drop <= SPAN + 1.0


@pytest.mark.parametrize("a", [0.05, 0.5, 1.94, 10.0, 60.0, 1e3, 1e4])
def test_the_reach_is_within_the_span_and_a_nat(a):
    """`_reach` itself: the weight has fallen by the span to the span and a nat, both ways."""
    h, dh, _, above = special_module._gamma_weight(np.array([a, a]))
    ref = np.array([0.0, 0.7])
    for direction in (1.0, -1.0):
        start = ref if direction > 0 else -ref
        d = special_module._reach(h, dh, start, direction, SPAN, above)
        drop = h(start) - h(start + direction * d)
        assert np.all((drop >= SPAN - 1.0) & (drop <= SPAN + 1.0)), drop


@settings(max_examples=60, deadline=None)
@given(st.floats(np.log(1.0), np.log(1e4)),
       st.lists(st.floats(1e-12, 1 - 1e-12), min_size=1, max_size=40))
def test_one_shape_as_a_number_is_the_inverse_per_point(log_a, probs):
    """The inverse at one shape (its functions taken once, no broadcasting) equals the inverse
    given that shape once per point, to a few ulps (numpy's vector and scalar exp and log may
    round apart)."""
    a, p = float(np.exp(log_a)), np.array(probs)
    one = gammaincinv(a, p)
    per_point = gammaincinv(np.full(p.size, a), p)
    np.testing.assert_allclose(one, per_point, rtol=64 * np.finfo(float).eps, atol=0)
    assert gammaincinv(a, float(p[0])) == pytest.approx(float(per_point[0]), rel=1e-14)


def test_bad_shapes_as_numbers_are_scipys():
    p = np.array([0.1, 0.5, 0.9])
    for a in (0.5, np.nan, np.inf, -1.0):
        np.testing.assert_array_equal(gammaincinv(a, p), special.gammaincinv(a, p))


@pytest.mark.parametrize("a", [0.3, 1.94, 40.0])
def test_a_shape_per_point_holding_one_value_gives_the_scalar_shapes_gradient(a):
    """The quantile op with a fitted shape per point (as fit.quantile builds it) and with the
    shape as one scalar: the same values, and per-point shape gradients that sum to the
    scalar's (the slope and density ops take the repeated shape as a number)."""
    p = np.linspace(0.01, 0.99, 25)
    shapes = Value(np.full(p.size, a))
    scalar = Value(a)
    per_point, together = inverse_gammainc(shapes, p), inverse_gammainc(scalar, p)
    np.testing.assert_array_equal(per_point.data, together.data)
    (g_points,) = grad_nodes(per_point, [shapes])
    (g_scalar,) = grad_nodes(together, [scalar])
    np.testing.assert_allclose(np.sum(g_points.data), float(g_scalar.data), rtol=1e-13)
    # and the second derivatives, through the slope op's own derivatives (their sum cancels:
    # compared on the scale of its terms)
    (h_points,) = grad_nodes(g_points, [shapes])
    (h_scalar,) = grad_nodes(g_scalar, [scalar])
    scale = np.sum(np.abs(h_points.data))
    assert abs(np.sum(h_points.data) - float(h_scalar.data)) <= 1e-13 * scale
