"""QuadraticData tries the kind of pass (log and differences, or log1p and every moment summed
as it is) its last point needed: one pass per point where a fit walks df → ∞, and the same
sums at a point whatever came before it."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from femtograd.core.quadratic import QuadraticData


class Counted(QuadraticData):
    __slots__ = ("kinds",)

    def __init__(self, x, weights=None):
        super().__init__(x, weights)
        self.kinds = []

    def _pass(self, a, c, orders, direct):
        self.kinds.append(direct)
        return super()._pass(a, c, orders, direct)


def table(data, a, c):
    return {k: data.moment(a, c, *k) for k in [(p, q) for q in (1, 2) for p in range(2 * q + 1)]} | {
        "log": data.log_sum(a, c)}


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), weighted=st.booleans(),
       before=st.sampled_from([1.0, 1e2, 1e5]), c=st.sampled_from([1.0, 10.0, 1e2, 1e4, 1e6]))
def test_the_sums_at_a_point_do_not_depend_on_the_point_before(seed, weighted, before, c):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, 300)
    w = rng.uniform(0.5, 2.0, x.size) if weighted else None
    fresh = QuadraticData(x, w)
    walked = QuadraticData(x, w)
    walked.sums(0.1, before)  # a pass of either kind first
    assert table(walked, 0.2, c) == table(fresh, 0.2, c)  # bitwise


def test_a_walk_to_large_c_takes_one_pass_per_point_after_the_switch():
    x = np.random.default_rng(0).normal(0.0, 1.0, 500)
    data = Counted(x)
    cs = [1.0, 3.0, 30.0, 300.0, 3e3, 3e4, 3e5, 3.0]
    for c in cs:
        data.sums(0.0, c)
    # up to c = 30 (M(2, 1) ≈ Σ 1/900 of Σ w) log and differences; at c = 300 that pass finds
    # the cancellation and a direct one follows, then direct passes are tried first and
    # kept; back at c = 3 the direct try finds no cancellation and the other kind follows
    assert data.kinds == [False, False, False, False, True, True, True, True, True, False]


def test_moments_after_the_switch_equal_the_full_array_formula():
    x = np.random.default_rng(1).normal(0.0, 1.0, 400)
    data = QuadraticData(x)
    data.sums(0.0, 1e4)
    z = (x - 0.3) / 2e4
    want = float(np.sum(z ** 4 / (1 + z * z) ** 2))
    assert data.moment(0.3, 2e4, 4, 2) == pytest.approx(want, rel=1e-12)
