"""Cauchy and Student t reduce their exact rows to one `log1p_square_sum` node, and start from
a strided sample of the rows: log-likelihoods, gradients and Hessians on that path equal those
of the per-row graph (the same family without `_reduce`), and so do fits at a size where the
sample is a fiftieth of the data, weighted or not."""

import numpy as np
import pytest

import femtograd as fg
from femtograd.core.derivatives import hessian_nodes
from femtograd.distributions import CauchyLogLik, StudentTLogLik
from femtograd.distributions.loglik import LogLikGenerator
from femtograd.distributions.starts import START_ROWS, sample_quantiles


class PlainCauchy(CauchyLogLik):
    _reduce = LogLikGenerator._reduce  # every exact row through the per-row graph


class PlainStudentT(StudentTLogLik):
    _reduce = LogLikGenerator._reduce


FAMILIES = [
    (CauchyLogLik, PlainCauchy, lambda r, n: 3.0 + 0.5 * r.standard_cauchy(n),
     [(3.0, 0.5), (-40.0, 0.01), (1e3, 60.0)]),
    (StudentTLogLik, PlainStudentT, lambda r, n: -1.0 + 2.0 * r.standard_t(3.0, n),
     [(-1.0, 2.0, 3.0), (5.0, 0.1, 0.4), (-30.0, 9.0, 250.0)]),
]
IDS = ["cauchy", "studentt"]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("cls, plain, draw, points", FAMILIES, ids=IDS)
def test_loglik_gradient_and_hessian_equal_the_per_row_graph_as_the_leaves_move(
        cls, plain, draw, points, weighted):
    rng = np.random.default_rng(2)
    x = draw(rng, 300)
    w = rng.integers(0, 4, x.size).astype(float) if weighted else None
    fast, slow = cls(x, weights=w), plain(x, weights=w)
    assert fast._stats is not None and slow._stats is None
    graphs = []
    for gen in (fast, slow):  # built once; each move of the leaves re-evaluates them
        leaves = [fg.val(v) for v in points[0]]
        out = gen(*leaves)
        grads = fg.grad_nodes(out, leaves)
        hess = [h for row in hessian_nodes(grads, leaves) for h in row]
        graphs.append((leaves, [out, *grads, *hess]))
    for point in points:
        got = []
        for leaves, nodes in graphs:
            for leaf, v in zip(leaves, point):
                leaf.data = v
            got.append(np.array([float(v.data) for v in nodes]))
        scale = abs(got[1][0])
        assert got[0][0] == pytest.approx(got[1][0], rel=1e-12)
        np.testing.assert_allclose(got[0], got[1], rtol=1e-8, atol=1e-10 * scale)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("cls, plain, draw, points", FAMILIES, ids=IDS)
def test_a_large_fit_on_the_fused_path_equals_the_per_row_graph(cls, plain, draw, points,
                                                                weighted):
    rng = np.random.default_rng(11)
    n = 50 * START_ROWS
    x = draw(rng, n)
    w = rng.integers(0, 3, n).astype(float) if weighted else None
    fast = fg.fit_mle(cls, x, weights=w)
    per_row = fg.fit_mle(plain, x, weights=w)
    assert fast.converged and per_row.converged
    np.testing.assert_allclose(fast.mle, per_row.mle, rtol=1e-9)
    np.testing.assert_allclose(fast.se, per_row.se, rtol=1e-7)
    assert fast.loglik == pytest.approx(per_row.loglik, rel=1e-12)


def test_sample_quantiles_are_the_weighted_quantiles_of_every_kth_row():
    rng = np.random.default_rng(4)
    x = rng.normal(size=3 * START_ROWS + 7)
    w = rng.uniform(0.5, 2.0, x.size)
    step = 4  # the smallest step leaving at most START_ROWS rows
    for weights in (None, w):
        xs = x[::step]
        ws = np.ones(xs.size) if weights is None else weights[::step]
        order = np.argsort(xs)
        cum = np.cumsum(ws[order]) / ws.sum()
        expected = [xs[order][np.searchsorted(cum, q)] for q in (0.1, 0.5, 0.9)]
        assert sample_quantiles(x, weights, (0.1, 0.5, 0.9)) == expected
