"""Shards and blocks: a fit summed over cuts of its rows equals the fit over all of them."""

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.distributions import (CauchyLogLik, GammaLogLik, LogisticLogLik, NormalLogLik,
                                     PoissonLogLik, StudentTLogLik, WeibullLogLik)
from femtograd.distributions.blocks import bind_rows, cuts, global_rows
from femtograd.optim.objective import GraphObjective
from femtograd.optim.shards import RowPart, add
from femtograd.core import Value

RNG = np.random.default_rng(20261204)
N = 600
X_POS = RNG.weibull(1.5, N) * 2.0
CENS = RNG.random(N) < 0.3
W = RNG.integers(1, 4, N).astype(float)
X_REAL = RNG.standard_t(4, N)
ENTRY = np.where(RNG.random(N) < 0.5, 0.0, 0.2 * X_POS)  # delayed entry, per row
LOWER = np.floor(X_POS * 4) / 4
UPPER = np.where(RNG.random(N) < 0.5, LOWER, LOWER + 0.25)

CASES = {
    "weibull censored weighted": (WeibullLogLik, X_POS, dict(censored=CENS, weights=W)),
    "weibull delayed entry": (WeibullLogLik, X_POS, dict(censored=CENS,
                                                         truncation=(ENTRY, np.inf))),
    "weibull interval rows": (WeibullLogLik, fg.IntervalData(LOWER + 0.01, UPPER + 0.01), {}),
    "gamma censored": (GammaLogLik, X_POS, dict(censored=CENS)),
    "normal truncated": (NormalLogLik, X_REAL, dict(truncation=(-8.0, 8.0), weights=W)),
    "student t": (StudentTLogLik, X_REAL, {}),
    "logistic weighted": (LogisticLogLik, X_REAL, dict(weights=W)),
    "cauchy": (CauchyLogLik, X_REAL, {}),
    "poisson censored": (PoissonLogLik, np.floor(X_POS * 3), dict(censored=CENS)),
}

REDUCED = {"weibull censored weighted", "normal truncated", "student t", "cauchy"}


def _one_graph(gen, natural):
    leaves = [Value(float(v)) for v in natural]
    return GraphObjective(gen(*leaves), leaves, type(gen).constraints).evaluate(natural, 2)


@pytest.mark.parametrize("case", sorted(CASES))
def test_blocks_sum_to_the_whole_graph(case):
    cls, x, rows = CASES[case]
    gen = cls(x, **rows)
    natural = [1.1 * gen.start()[n] for n in gen.param_names]  # away from the MLE (g != 0)
    f, g, h = _one_graph(gen, natural)
    part = RowPart(gen, block_rows=97)
    if case in REDUCED:  # sufficient statistics hold every row: the fast path stays
        assert part.blocks is None
    else:  # pieces of one kind of row, the per-row ones at most 97 rows each
        sizes = [(kept, bind().n) for kept, bind in part.blocks]
        counted = sum(grp.x.size for _, grp in gen.rows.present())  # not rows open at both ends
        assert sum(n for _, n in sizes) == counted and all(n <= 97 for k, n in sizes if not k)
    fb, gb, hb = part.evaluate(natural, 2)
    assert fb == pytest.approx(f, rel=1e-12)
    np.testing.assert_allclose(gb, g, rtol=1e-9, atol=1e-9 * np.abs(g).max())
    np.testing.assert_allclose(hb, h, rtol=1e-9, atol=1e-9 * np.abs(h).max())
    assert part.evaluate(natural, 0)[1:] == (None, None)


@pytest.mark.parametrize("case", sorted(CASES))
def test_sharded_fit_equals_in_memory_fit(case):
    cls, x, rows = CASES[case]
    whole = fg.fit_mle(cls, x, **rows)
    sharded = fg.fit_mle(cls, x, shards=4, **rows)
    assert whole.converged and sharded.converged
    np.testing.assert_allclose(sharded.mle, whole.mle, rtol=1e-8)
    assert sharded.loglik == pytest.approx(whole.loglik, rel=1e-10)
    np.testing.assert_allclose(sharded.se, whole.se, rtol=1e-6)
    assert sharded.nobs == whole.nobs


def test_sharded_fit_keeps_profile_intervals_and_tests():
    whole = fg.fit_mle(WeibullLogLik, X_POS, censored=CENS)
    sharded = fg.fit_mle(WeibullLogLik, X_POS, censored=CENS, shards=3)
    np.testing.assert_allclose(sharded.confint(method="profile").to_numpy(),
                               whole.confint(method="profile").to_numpy(), rtol=1e-6)
    exp_fit = fg.fit_mle(WeibullLogLik, X_POS, censored=CENS, shards=3, fixed={"shape": 1.0})
    exp_whole = fg.fit_mle(WeibullLogLik, X_POS, censored=CENS, fixed={"shape": 1.0})
    assert fg.lrt(exp_fit, sharded).statistic == pytest.approx(
        fg.lrt(exp_whole, whole).statistic, rel=1e-7)


def test_one_sharding_gives_one_answer():
    a = fg.fit_mle(StudentTLogLik, X_REAL, shards=5)
    b = fg.fit_mle(StudentTLogLik, X_REAL, shards=5)
    assert a.loglik == b.loglik and np.array_equal(a.mle, b.mle)


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, N + 1])
def test_bad_shard_counts_are_refused(bad):
    with pytest.raises(ValueError, match="shards"):
        fg.fit_mle(WeibullLogLik, X_POS, shards=bad)


def test_shards_refused_for_a_plain_function():
    with pytest.raises(ValueError, match="shards= applies to generators"):
        fg.fit_mle(lambda rate, d: fg.sum(fg.log(rate) - rate * d), X_POS,
                   start={"rate": 1.0}, constraints={"rate": "positive"}, shards=2)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 500), k=st.integers(1, 50))
def test_cuts_cover_every_row_once_in_order(n, k):
    if k > n:
        with pytest.raises(ValueError, match="at most"):
            cuts(n, k)
        return
    pieces = cuts(n, k)
    assert len(pieces) == k and pieces[0][0] == 0 and pieces[-1][1] == n
    assert all(a < b for a, b in pieces) and all(
        p[1] == q[0] for p, q in zip(pieces, pieces[1:]))
    assert max(b - a for a, b in pieces) - min(b - a for a, b in pieces) <= 1


def test_bound_rows_keep_censoring_weights_and_truncation():
    gen = WeibullLogLik(X_POS, censored=CENS, weights=W, truncation=(ENTRY, np.inf))
    part = bind_rows(gen, 100, 250)
    assert part.n == 150
    np.testing.assert_array_equal(part.censored, CENS[100:250])
    np.testing.assert_array_equal(part.weights, W[100:250])
    np.testing.assert_array_equal(part.truncation[0], ENTRY[100:250])


def test_a_slice_error_names_the_global_row():
    msg = "WeibullLogLik: data contain NaN at row 3; censored row 12 (1, 2)"
    assert global_rows(msg, 1000) == \
        "WeibullLogLik: data contain NaN at row 1003; censored row 1012 (1, 2)"


def test_sums_are_exactly_rounded_and_infinities_reject_the_point():
    f, g, h = add([(1e16, np.array([1.0]), np.eye(1)), (1.0, np.array([1e-16]), np.eye(1)),
                   (-1e16, np.array([0.0]), np.eye(1))], 2)
    assert f == 1.0 and g[0] == 1.0 + 1e-16 and h[0, 0] == 3.0
    assert add([(math.inf, None, None), (-math.inf, None, None)], 2)[0] != 0.0
    assert add([(-math.inf, None, None), (1.0, None, None)], 2) == (-math.inf, None, None)


def test_threads_fitting_different_data_at_once_agree_with_serial_fits():
    datasets = [RNG.standard_t(3 + i, 400) * (1 + i) for i in range(4)]
    serial = [fg.fit_mle(StudentTLogLik, d, shards=2).mle for d in datasets]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda d: fg.fit_mle(StudentTLogLik, d, shards=2).mle,
                                 datasets))
    for s, t in zip(serial, threaded):
        np.testing.assert_allclose(t, s, rtol=1e-10)


@pytest.mark.parametrize("cov_type", ["opg", "sandwich"])
def test_sharded_fit_keeps_row_covariances(cov_type):
    whole = fg.fit_mle(LogisticLogLik, X_REAL, weights=W, cov_type=cov_type)
    sharded = fg.fit_mle(LogisticLogLik, X_REAL, weights=W, cov_type=cov_type, shards=3)
    np.testing.assert_allclose(sharded.cov.to_numpy(), whole.cov.to_numpy(), rtol=1e-6)


def test_a_per_row_fit_judged_large_runs_summed_and_matches_one_graph(monkeypatch):
    import femtograd.fit.shards as shards
    y = np.random.default_rng(3).logistic(0.5, 2.0, 3000)
    monkeypatch.setattr(shards, "needs_blocks", lambda gen: True)
    blocked = fg.fit_mle(LogisticLogLik, y)
    assert type(blocked._objective).__name__ == "SumObjective"
    monkeypatch.setattr(shards, "needs_blocks", lambda gen: False)
    whole = fg.fit_mle(LogisticLogLik, y)
    assert type(whole._objective).__name__ == "GraphObjective"
    np.testing.assert_allclose(blocked.mle, whole.mle, rtol=1e-10)
    np.testing.assert_allclose(blocked.se, whole.se, rtol=1e-8)


def test_blocks_only_where_rows_are_evaluated_one_by_one():
    from femtograd.distributions.blocks import needs_blocks
    assert needs_blocks(LogisticLogLik(X_REAL), block_rows=100)
    assert needs_blocks(GammaLogLik(X_POS, censored=CENS), block_rows=100)
    assert needs_blocks(WeibullLogLik(X_POS, truncation=(ENTRY, np.inf)), block_rows=100)
    assert not needs_blocks(WeibullLogLik(X_POS, censored=CENS, weights=W), block_rows=100)
    assert not needs_blocks(NormalLogLik(X_REAL, truncation=(-8.0, 8.0)), block_rows=100)
    assert not needs_blocks(LogisticLogLik(X_REAL), block_rows=N)
    assert not needs_blocks(StudentTLogLik(X_REAL), block_rows=100)  # exact rows: one pass


def test_a_sharded_fit_predicts_summarizes_and_bootstraps_as_the_in_memory_fit():
    whole = fg.fit_mle(WeibullLogLik, X_POS, censored=CENS, weights=W)
    sharded = fg.fit_mle(WeibullLogLik, X_POS, censored=CENS, weights=W, shards=3)
    for what, points in [("cdf", [0.5, 2.0]), ("hazard", [0.5, 2.0]), ("quantile", [0.1, 0.9])]:
        np.testing.assert_allclose(getattr(sharded, what)(points).to_numpy(),
                                   getattr(whole, what)(points).to_numpy(), rtol=1e-8)
    assert str(sharded.summary()).splitlines()[:2] == str(whole.summary()).splitlines()[:2]
    np.testing.assert_allclose(sharded.bootstrap(4, seed=3).estimates.to_numpy(),
                               whole.bootstrap(4, seed=3).estimates.to_numpy(), rtol=1e-6)
