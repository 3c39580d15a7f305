"""QuadraticData computes Σ wᵢ log(1 + zᵢ²) and the moments Σ wᵢ zᵢᵖ / (1 + zᵢ²)^q, z = (x − a)/c,
block by block in one pass per (a, c): each must equal the formula summed over full arrays, the
derivatives of `log1p_square_sum` (to third order, after the leaves move) must equal those of
the same expression written as a plain elementwise graph, and no data scale may overflow them."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core import quadratic
from femtograd.core.derivatives import hessian_nodes
from femtograd.core.quadratic import QuadraticData, log1p_square_sum


def direct_log(x, w, a, c):
    return float(np.sum((1.0 if w is None else w) * np.log1p(((x - a) / c) ** 2)))


def direct_moment(x, w, a, c, p, q):
    z = (x - a) / c
    return float(np.sum((1.0 if w is None else w) * z ** p / (1.0 + z * z) ** q))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), block=st.integers(1, 17),
       weighted=st.booleans(),
       requests=st.lists(st.tuples(st.sampled_from([(0.0, 1.0), (0.7, 0.2), (-1.3, 4.0)]),
                                   st.integers(0, 4), st.integers(0, 8)),
                         min_size=1, max_size=12))
def test_every_sum_equals_the_full_array_formula(seed, n, block, weighted, requests):
    rng = np.random.default_rng(seed)
    x = rng.standard_cauchy(n)
    w = rng.uniform(0, 3, n) if weighted else None
    original = quadratic.BLOCK
    quadratic.BLOCK = block  # not monkeypatch: hypothesis reruns the body within one test
    try:
        data = QuadraticData(x, w)
        for (a, c), q, p in requests:
            p = min(p, 2 * q)  # the moments that exist: each term at most 1 in size
            scale = np.sum(1.0 if w is None else w)
            assert data.moment(a, c, p, q) == pytest.approx(direct_moment(x, w, a, c, p, q),
                                                            rel=1e-10, abs=1e-13 * scale)
            assert data.log_sum(a, c) == pytest.approx(direct_log(x, w, a, c), rel=1e-12,
                                                       abs=1e-12)
    finally:
        quadratic.BLOCK = original


def test_one_pass_per_point_serves_value_gradient_and_hessian_and_a_higher_order_adds_one(
        monkeypatch):
    passes = []
    original = QuadraticData._pass

    def counting(self, a, c, orders, direct):
        passes.append((a, c, orders))
        return original(self, a, c, orders, direct)

    monkeypatch.setattr(QuadraticData, "_pass", counting)
    data = QuadraticData(np.linspace(-2.0, 3.0, 11))
    data.log_sum(0.5, 2.0)
    for p, q in ((1, 1), (2, 1), (0, 1), (2, 2), (3, 2), (4, 2), (0, 2), (1, 2)):
        data.moment(0.5, 2.0, p, q)
    assert passes == [(0.5, 2.0, 2)]
    data.moment(0.5, 2.0, 5, 3)
    assert passes == [(0.5, 2.0, 2), (0.5, 2.0, 3)]
    data.log_sum(0.5, 1.0)
    assert passes[-1] == (0.5, 1.0, 2)
    with pytest.raises(ValueError, match="0 <= p <= 2q"):
        data.moment(0.5, 1.0, 3, 1)


def plain(a, c, x, w):
    """The same sum as an elementwise graph: one node per operation over the data."""
    terms = fg.log1p(fg.square((x - a) / c))
    return fg.sum(terms) if w is None else fg.sum(terms * w)


@pytest.mark.parametrize("weighted", [False, True])
def test_value_gradient_hessian_and_third_derivatives_equal_the_plain_graph_after_moves(
        monkeypatch, weighted):
    monkeypatch.setattr(quadratic, "BLOCK", 7)  # several blocks, the last one short
    rng = np.random.default_rng(5)
    x = 1.0 + 2.0 * rng.standard_cauchy(40)
    w = rng.uniform(0.0, 2.0, 40) if weighted else None
    graphs = []
    for build in (lambda a, c: log1p_square_sum(a, c, x, w), lambda a, c: plain(a, c, x, w)):
        a, s = fg.val(0.3), fg.val(1.5)
        out = build(a, fg.sqrt(s))  # c = √s, a node between the leaf and the sum
        grads = fg.grad_nodes(out, [a, s])
        hess = hessian_nodes(grads, [a, s])
        third = fg.grad_nodes(hess[0][1], [a, s])
        graphs.append((a, s, [out, *grads, *hess[0], hess[1][1], *third]))
    for point in ((0.3, 1.5), (-2.0, 0.4), (5.0, 7.0), (0.3, 1.5), (1.0, 1e-6)):
        values = []
        for a, s, nodes in graphs:
            a.data, s.data = point
            values.append([float(v.data) for v in nodes])
        # (1.0, 1e-6): z up to 1e4, the derived moments lose a few digits to cancellation
        np.testing.assert_allclose(values[0], values[1], rtol=1e-8, atol=1e-12)


def test_bad_input_is_refused_with_a_reason():
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="x must be finite; element 1"):
        log1p_square_sum(0.0, 1.0, np.array([1.0, np.inf]))
    with pytest.raises(ValueError, match="weights must be finite"):
        log1p_square_sum(0.0, 1.0, x, np.array([1.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match="do not match"):
        log1p_square_sum(0.0, 1.0, x, np.ones(2))
    with pytest.raises(ValueError, match="must be\\s+data"):
        log1p_square_sum(0.0, 1.0, fg.val(x))
    with pytest.raises(ValueError, match="scalar c"):
        log1p_square_sum(0.0, fg.val(np.ones(3)), x)
    with pytest.raises(ValueError, match="scalar a"):
        log1p_square_sum(fg.val(np.zeros(3)), 1.0, x)
    with pytest.raises(ValueError, match="weights belong"):
        log1p_square_sum(0.0, 1.0, QuadraticData(x), np.ones(3))


@pytest.mark.parametrize("units", [1e-150, 1.0, 1e150])
def test_derivatives_scale_with_the_units_and_nothing_overflows(units):
    """In units u, the sum is the same number, its a- and c-derivatives are 1/u times, its
    Hessian 1/u² times: the moments are dimensionless and the units live in the graph."""
    x = np.random.default_rng(9).standard_cauchy(30)
    a, c = fg.val(0.2 * units), fg.val(1.3 * units)
    out = log1p_square_sum(a, c, x * units)
    grads = fg.grad_nodes(out, [a, c])
    hess = hessian_nodes(grads, [a, c])
    a1, c1 = fg.val(0.2), fg.val(1.3)
    out1 = log1p_square_sum(a1, c1, x)
    grads1 = fg.grad_nodes(out1, [a1, c1])
    hess1 = hessian_nodes(grads1, [a1, c1])
    assert out.data == pytest.approx(out1.data, rel=1e-12)
    np.testing.assert_allclose([g.data * units for g in grads], [g.data for g in grads1],
                               rtol=1e-10)
    np.testing.assert_allclose([[h.data * units * units for h in row] for row in hess],
                               [[h.data for h in row] for row in hess1], rtol=1e-10)


def test_where_z_squared_is_below_rounding_the_moments_are_summed_as_they_are():
    # the identity z²r = 1 − r would give M(2, 1) = Σ1 − Σr = 0 and M(4, 2) = 0 here
    x = np.random.default_rng(3).normal(size=2000)
    data = QuadraticData(x)
    for c in (1e3, 1e9):
        z = (x - 0.1) / c
        r = 1.0 / (1.0 + z * z)
        for p, q in ((2, 1), (2, 2), (3, 2), (4, 2)):
            want = math.fsum(z ** p * r ** q)
            assert data.moment(0.1, c, p, q) == pytest.approx(want, rel=1e-12), (c, p, q)
