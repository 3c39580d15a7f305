"""QuadraticData computes Σ wᵢ log(b + (xᵢ − a)²) and the moments Σ wᵢ dᵢᵖ / (b + dᵢ²)^q block
by block in one pass per (a, b): each must equal the formula summed over full arrays, and the
derivatives of `log_quadratic_sum` (to third order, after the leaves move) must equal those of
the same expression written as a plain elementwise graph."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core import quadratic
from femtograd.core.derivatives import hessian_nodes
from femtograd.core.quadratic import QuadraticData, log_quadratic_sum


def direct_log(x, w, a, b):
    return float(np.sum((1.0 if w is None else w) * np.log(b + (x - a) ** 2)))


def direct_moment(x, w, a, b, p, q):
    d = x - a
    return float(np.sum((1.0 if w is None else w) * d ** p / (b + d * d) ** q))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), block=st.integers(1, 17),
       weighted=st.booleans(),
       requests=st.lists(st.tuples(st.sampled_from([(0.0, 1.0), (0.7, 0.2), (-1.3, 4.0)]),
                                   st.integers(1, 4), st.integers(0, 4)),
                         min_size=1, max_size=12))
def test_every_sum_equals_the_full_array_formula(seed, n, block, weighted, requests):
    rng = np.random.default_rng(seed)
    x = rng.standard_cauchy(n)
    w = rng.uniform(0, 3, n) if weighted else None
    original = quadratic.BLOCK
    quadratic.BLOCK = block  # not monkeypatch: hypothesis reruns the body within one test
    try:
        data = QuadraticData(x, w)
        for (a, b), q, p in requests:
            p = min(p, q)
            assert data.moment(a, b, p, q) == pytest.approx(direct_moment(x, w, a, b, p, q),
                                                            rel=1e-11, abs=1e-11)
            assert data.log_sum(a, b) == pytest.approx(direct_log(x, w, a, b), rel=1e-12,
                                                       abs=1e-12)
    finally:
        quadratic.BLOCK = original


def test_one_pass_per_point_serves_value_gradient_and_hessian_and_a_higher_order_adds_one(
        monkeypatch):
    passes = []
    original = QuadraticData._pass

    def counting(self, a, b, orders):
        passes.append((a, b, orders))
        return original(self, a, b, orders)

    monkeypatch.setattr(QuadraticData, "_pass", counting)
    data = QuadraticData(np.linspace(-2.0, 3.0, 11))
    data.log_sum(0.5, 2.0)
    for p, q in ((1, 1), (0, 1), (0, 2), (1, 2), (2, 2)):
        data.moment(0.5, 2.0, p, q)
    assert passes == [(0.5, 2.0, 2)]
    data.moment(0.5, 2.0, 3, 3)
    assert passes == [(0.5, 2.0, 2), (0.5, 2.0, 3)]
    data.log_sum(0.5, 1.0)
    assert passes[-1] == (0.5, 1.0, 2)


def plain(a, b, x, w):
    """The same sum as an elementwise graph: one node per operation over the data."""
    terms = fg.log(b + fg.square(x - a))
    return fg.sum(terms) if w is None else fg.sum(terms * w)


@pytest.mark.parametrize("weighted", [False, True])
def test_value_gradient_hessian_and_third_derivatives_equal_the_plain_graph_after_moves(
        monkeypatch, weighted):
    monkeypatch.setattr(quadratic, "BLOCK", 7)  # several blocks, the last one short
    rng = np.random.default_rng(5)
    x = 1.0 + 2.0 * rng.standard_cauchy(40)
    w = rng.uniform(0.0, 2.0, 40) if weighted else None
    graphs = []
    for build in (lambda a, b: log_quadratic_sum(a, b, x, w), lambda a, b: plain(a, b, x, w)):
        a, s = fg.val(0.3), fg.val(1.5)
        out = build(a, fg.square(s))  # b = s², a node between the leaf and the sum
        grads = fg.grad_nodes(out, [a, s])
        hess = hessian_nodes(grads, [a, s])
        third = fg.grad_nodes(hess[0][1], [a, s])
        graphs.append((a, s, [out, *grads, *hess[0], hess[1][1], *third]))
    for point in ((0.3, 1.5), (-2.0, 0.4), (5.0, 7.0), (0.3, 1.5)):
        values = []
        for a, s, nodes in graphs:
            a.data, s.data = point
            values.append([float(v.data) for v in nodes])
        np.testing.assert_allclose(values[0], values[1], rtol=1e-10, atol=1e-12)


def test_bad_input_is_refused_with_a_reason():
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="x must be finite; element 1"):
        log_quadratic_sum(0.0, 1.0, np.array([1.0, np.inf]))
    with pytest.raises(ValueError, match="weights must be finite"):
        log_quadratic_sum(0.0, 1.0, x, np.array([1.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match="do not match"):
        log_quadratic_sum(0.0, 1.0, x, np.ones(2))
    with pytest.raises(ValueError, match="must be\\s+data"):
        log_quadratic_sum(0.0, 1.0, fg.val(x))
    with pytest.raises(ValueError, match="scalar a"):
        log_quadratic_sum(fg.val(np.zeros(3)), 1.0, x)
    with pytest.raises(ValueError, match="weights belong"):
        log_quadratic_sum(0.0, 1.0, QuadraticData(x), np.ones(3))
