"""ExpMomentData computes Σ wᵢ tᵢᵐ exp(k·tᵢ) block by block, every order up to the one asked
for in one pass, and keeps the sums until k changes: each must equal the formula summed over
full arrays, whatever the block size, the order of the requests and the moves of k."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core import moments
from femtograd.core.moments import ExpMomentData


def direct(t, w, k, m):
    return float(np.sum((1.0 if w is None else w) * t ** m * np.exp(k * t)))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), block=st.integers(1, 17),
       weighted=st.booleans(),
       requests=st.lists(st.tuples(st.sampled_from([0.0, 0.7, -1.3, 2.0]), st.integers(0, 4)),
                         min_size=1, max_size=12))
def test_every_moment_equals_the_full_array_formula(seed, n, block, weighted, requests):
    rng = np.random.default_rng(seed)
    t = rng.normal(0, 1, n)
    w = rng.uniform(0, 3, n) if weighted else None
    original, small = moments.BLOCK, moments.SMALL
    moments.BLOCK = block  # not monkeypatch: hypothesis reruns the body within one test
    moments.SMALL = -1  # the blocked pass, as larger data take it (test_exp_moment_small.py)
    try:
        data = ExpMomentData(t, w)
        for k, m in requests:
            assert data.moment(k, m) == pytest.approx(direct(t, w, k, m), rel=1e-12, abs=1e-12)
    finally:
        moments.BLOCK, moments.SMALL = original, small


def test_one_pass_per_k_serves_value_gradient_and_hessian_and_a_higher_order_adds_one(
        monkeypatch):
    passes = []
    original = ExpMomentData._pass

    def counting(self, k, orders):
        passes.append((k, orders))
        return original(self, k, orders)

    monkeypatch.setattr(ExpMomentData, "_pass", counting)
    data = ExpMomentData(np.linspace(-2.0, 0.0, 11))
    for m in (0, 1, 2, 0, 2):
        data.moment(1.5, m)
    assert passes == [(1.5, 2)]
    data.moment(1.5, 3)
    assert passes == [(1.5, 2), (1.5, 3)]
    data.moment(0.5, 1)
    data.moment(1.5, 0)
    assert passes == [(1.5, 2), (1.5, 3), (0.5, 2), (1.5, 2)]


def test_the_third_derivative_through_exp_moments_is_the_third_moment_across_blocks(
        monkeypatch):
    monkeypatch.setattr(moments, "BLOCK", 8)
    monkeypatch.setattr(moments, "SMALL", -1)
    t = np.random.default_rng(2).normal(size=50)
    k = fg.val(0.3)
    node = fg.exp_moments(k, t)
    for order in (1, 2, 3):
        node, = fg.grad_nodes(node, [k])
        assert node.data == pytest.approx(direct(t, None, 0.3, order), rel=1e-12)
    k.data = -0.8
    assert node.data == pytest.approx(direct(t, None, -0.8, 3), rel=1e-12)
