"""Blocks of a per-row graph: the rows the sufficient statistics hold stay one generator, the
others are cut into blocks of one kind of row; the sum equals the one-graph log-likelihood,
gradient and Hessian, and a fit through blocks equals the one-graph fit."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
import femtograd.fit.shards as fit_shards
from femtograd.core import Value
from femtograd.distributions import StudentTLogLik, WeibullLogLik
from femtograd.distributions.blocks import needs_blocks, row_pieces
from femtograd.optim.objective import GraphObjective
from femtograd.optim.shards import RowPart

RNG = np.random.default_rng(12)
N = 900
X = RNG.standard_t(5, N) * 1.5 + 0.3
CENS = RNG.random(N) < 0.3
W = RNG.integers(1, 4, N).astype(float)
KIND = RNG.integers(0, 4, N)  # exact, right, interval, left
LOWER = np.select([KIND == 1, KIND == 2, KIND == 3], [X, X - 0.5, -np.inf], X)
UPPER = np.select([KIND == 1, KIND == 2, KIND == 3], [np.inf, X + 0.5, X], X)
ENTRY = np.where(RNG.random(N) < 0.5, -np.inf, X - np.abs(RNG.normal(2.0, 1.0, N)))

CASES = {
    "right censored": (X, dict(censored=CENS)),
    "right censored weighted": (X, dict(censored=CENS, weights=W)),
    "mixed exact right interval left": (fg.IntervalData(LOWER, UPPER), {}),
    "mixed weighted, truncated": (fg.IntervalData(LOWER, UPPER),
                                  dict(weights=W, truncation=(-12.0, 15.0))),
    "censored, per-row truncation": (X, dict(censored=CENS, truncation=(ENTRY, np.inf))),
    "event=": (X, dict(event=~CENS)),
}


def _one_graph(gen, natural):
    leaves = [Value(float(v)) for v in natural]
    return GraphObjective(gen(*leaves), leaves, type(gen).constraints).evaluate(natural, 2)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("block_rows", [37, 256])
def test_student_t_blocks_sum_to_the_whole_graph(case, block_rows):
    x, rows = CASES[case]
    gen = StudentTLogLik(x, **rows)
    natural = [gen.start()[n] * f for n, f in zip(gen.param_names, (1.2, 0.9, 1.3))]
    f, g, h = _one_graph(gen, natural)
    part = RowPart(gen, block_rows=block_rows)
    assert part.blocks is not None
    fb, gb, hb = part.evaluate(natural, 2)
    assert fb == pytest.approx(f, rel=1e-12)
    np.testing.assert_allclose(gb, g, rtol=1e-10, atol=1e-10 * np.abs(g).max())
    np.testing.assert_allclose(hb, h, rtol=1e-10, atol=1e-10 * np.abs(h).max())
    assert part.evaluate(natural, 1)[0] == fb


def test_pieces_keep_the_statistics_rows_whole_and_cut_the_others_by_kind():
    gen = StudentTLogLik(fg.IntervalData(LOWER, UPPER), weights=W)
    pieces = [(kept, bind()) for kept, bind in row_pieces(gen, 100)]
    kept = [p for k, p in pieces if k]
    assert len(kept) == 1 and kept[0].n == int((KIND == 0).sum())
    assert kept[0]._reduced_only()  # one pass over the exact rows per evaluation
    for k, p in pieces:
        if not k:
            assert p.n <= 100 and len(p.rows.present()) == 1  # one kind of row a block
    assert sum(p.nobs for _, p in pieces) == pytest.approx(gen.nobs, rel=1e-15)
    assert sum(p.n for _, p in pieces) == N


def test_only_rows_evaluated_one_by_one_count_towards_blocks():
    few = np.zeros(N, bool)
    few[:50] = True
    assert not needs_blocks(StudentTLogLik(X, censored=few), block_rows=100)  # 50 per row
    assert needs_blocks(StudentTLogLik(X, censored=CENS), block_rows=100)
    assert needs_blocks(StudentTLogLik(X, truncation=(ENTRY, np.inf)), block_rows=100)


@pytest.fixture
def small_blocks(monkeypatch):
    """Fits take blocks of 64 rows whenever any row is evaluated one by one."""
    monkeypatch.setattr(RowPart.__init__, "__defaults__", (64,))
    monkeypatch.setattr(fit_shards, "needs_blocks", lambda gen: needs_blocks(gen, 64))


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_fit_through_blocks_equals_the_one_graph_fit(case, small_blocks, monkeypatch):
    x, rows = CASES[case]
    blocked = fg.fit_mle(StudentTLogLik, x, **rows)
    assert type(blocked._objective).__name__ == "SumObjective"
    monkeypatch.setattr(fit_shards, "needs_blocks", lambda gen: False)
    whole = fg.fit_mle(StudentTLogLik, x, **rows)
    assert type(whole._objective).__name__ == "GraphObjective"
    assert blocked.converged and whole.converged
    np.testing.assert_allclose(blocked.mle, whole.mle, rtol=1e-10)
    assert blocked.loglik == pytest.approx(whole.loglik, rel=1e-12)
    np.testing.assert_allclose(blocked.se, whole.se, rtol=1e-8)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2 ** 16), block_rows=st.integers(5, 300), weighted=st.booleans())
def test_any_cutting_into_blocks_gives_the_whole_log_likelihood(seed, block_rows, weighted):
    rng = np.random.default_rng(seed)
    n = 400
    t = rng.weibull(1.3, n) * 2.0
    c = rng.random(n) < rng.uniform(0.05, 0.9)
    kw = dict(censored=c, weights=rng.integers(0, 3, n).astype(float) if weighted else None)
    for cls, natural in ((WeibullLogLik, (1.2, 2.1)), (StudentTLogLik, (1.5, 1.1, 3.0))):
        gen = cls(t, **kw)
        f, g, h = _one_graph(gen, natural)
        fb, gb, hb = RowPart(gen, block_rows=block_rows).evaluate(natural, 2)
        assert fb == pytest.approx(f, rel=1e-11, abs=1e-11)
        np.testing.assert_allclose(gb, g, rtol=1e-9, atol=1e-9 * (np.abs(g).max() + 1))
        np.testing.assert_allclose(hb, h, rtol=1e-9, atol=1e-9 * (np.abs(h).max() + 1))
