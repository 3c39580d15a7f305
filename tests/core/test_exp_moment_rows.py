"""Moment data of many replicates at once (`ExpMomentRows`, a bootstrap batch's): each
replicate's weighted exponential moments and their derivatives in k, against direct sums."""

import numpy as np
import pytest

import femtograd as fg
from femtograd.core import ExpMomentData, Value
from femtograd.core.moments import ExpMomentRows


def test_moment_rows_are_each_replicates_weighted_exponential_moments_and_derivatives():
    rng = np.random.default_rng(3)
    t = -rng.random((5, 40))
    w = rng.integers(0, 4, (5, 40)).astype(float)
    rows = ExpMomentRows(40, 5)
    rows.load([ExpMomentData(tb, wb) for tb, wb in zip(t[:4], w[:4])]
              + [ExpMomentData(t[4])])  # the last replicate counts every row once
    w[4] = 1.0
    k = Value(rng.random(5) + 0.5)
    m = fg.exp_moments(k, rows)
    e = np.exp(k.data[:, None] * t)
    np.testing.assert_allclose(m.data, (w * e).sum(axis=1), rtol=1e-14)
    grad, = fg.core.grad_nodes(fg.core.ops.sum(m), [k])
    np.testing.assert_allclose(grad.data, (w * t * e).sum(axis=1), rtol=1e-14)
    hess, = fg.core.grad_nodes(fg.core.ops.sum(grad), [k])
    np.testing.assert_allclose(hess.data, (w * t * t * e).sum(axis=1), rtol=1e-14)
    third, = fg.core.grad_nodes(fg.core.ops.sum(hess), [k])  # beyond the orders kept
    np.testing.assert_allclose(third.data, (w * t ** 3 * e).sum(axis=1), rtol=1e-14)
    with pytest.raises(ValueError, match=r"a k of shape \(5,\); got shape \(\)"):
        fg.exp_moments(Value(1.0), rows)


def test_a_weight_matrix_over_common_rows_loads_as_the_list_of_its_replicates():
    rng = np.random.default_rng(4)
    t = -rng.random(30)
    w = rng.integers(0, 4, (3, 30)).astype(float)
    at_once, one_by_one = ExpMomentRows(30, 5), ExpMomentRows(30, 5)
    at_once.load(ExpMomentData(t, w))  # replicates 3 and 4 repeat the first
    one_by_one.load([ExpMomentData(t, wb) for wb in (*w, w[0], w[0])])
    k = np.linspace(0.5, 1.5, 5)
    for m in range(4):
        np.testing.assert_array_equal(at_once.moment(k, m), one_by_one.moment(k, m))
    np.testing.assert_allclose(at_once.moment(k, 1)[:3], (w * t * np.exp(k[:3, None] * t)).sum(1),
                               rtol=1e-14)
    one = at_once.moment(np.array([0.8]), 0)  # one k for every replicate
    np.testing.assert_allclose(one, at_once.moment(np.full(5, 0.8), 0), rtol=1e-15)
