"""`inner` (Σ xᵢ yᵢ by BLAS dots over single-threaded slices) and the statistics built on it
against exactly rounded sums, at every length around the slice boundary."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from femtograd.core.ops import DOT_SLICE, inner
from femtograd.distributions.base import weighted_moments, wsum

LENGTHS = [1, DOT_SLICE - 1, DOT_SLICE, DOT_SLICE + 1, 3 * DOT_SLICE + 17, 200_000]


def _close(got, exact, scale, n):
    # a sum of n products is off by at most ~n·eps·Σ|xᵢyᵢ| (much less for BLAS's blocked sums)
    assert abs(got - exact) <= 4 * n * np.finfo(float).eps * scale + 1e-300


@settings(max_examples=30, deadline=None)
@given(n=st.sampled_from(LENGTHS), seed=st.integers(0, 2**32 - 1))
def test_inner_is_the_dot_product(n, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=n), rng.exponential(size=n)
    prods = x * y
    _close(inner(x, y), math.fsum(prods), float(np.abs(prods).sum()), n)


@settings(max_examples=20, deadline=None)
@given(n=st.sampled_from(LENGTHS), seed=st.integers(0, 2**32 - 1), weighted=st.booleans())
def test_weighted_moments_are_the_two_pass_sums(n, seed, weighted):
    rng = np.random.default_rng(seed)
    x = 1e3 + rng.normal(size=n)  # an offset that a one-pass Σx² − n·mean² would lose
    w = rng.integers(0, 4, size=n).astype(float) if weighted else None
    ww = np.ones(n) if w is None else w
    total, mean, ss = weighted_moments(x, w)
    exact_total = math.fsum(ww)
    exact_mean = math.fsum(ww * x) / exact_total
    exact_ss = math.fsum(ww * (x - exact_mean) ** 2)
    assert total == exact_total
    assert math.isclose(mean, exact_mean, rel_tol=1e-14)
    assert math.isclose(ss, exact_ss, rel_tol=1e-10)
    assert math.isclose(wsum(w, x), math.fsum(ww * x), rel_tol=1e-14)
