"""The nonparametric bootstrap's resamples (`fit.draws`): counts with the Multinomial(N, p) law,
p ∝ w and N = round(Σw), by index draws (uniform, or Walker's alias table) or by numpy's
multinomial, chosen by cost; a seed gives the same resamples whatever the chunk size, the
block size or the number of replicates asked."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

import femtograd as fg
from femtograd.fit import bootstrap as boot
from femtograd.fit import draws


def _all(w, n, seed, size):
    return np.concatenate(list(draws.resample_counts(w, n, np.random.default_rng(seed), size)))


def _implied(keep, alias):
    """The probability of each row under an alias table."""
    p = keep.copy()
    np.add.at(p, alias, 1 - keep)
    return p / keep.size


weights = hnp.arrays(float, st.integers(1, 60),
                     elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e6)))
# weights whose running deficits and excesses tie in exact arithmetic (whole frequency weights,
# simple fractions): the ties a table built from rounded sums gets wrong
tied = hnp.arrays(float, st.integers(2, 40),
                  elements=st.one_of(st.integers(0, 4).map(float),
                                     st.sampled_from([0.1, 0.3, 0.7, 1 / 3, 2 / 3, 1.3, 1.7])))


@settings(max_examples=600, deadline=None)
@given(st.one_of(weights, tied))
def test_the_alias_table_gives_each_row_its_probability(w):
    if w.sum() == 0:
        return
    keep, alias = draws.alias_table(w)
    assert np.all((keep >= -1e-12) & (keep <= 1)) and np.all((alias >= 0) & (alias < w.size))
    np.testing.assert_allclose(_implied(keep, alias), w / w.sum(), rtol=1e-9, atol=1e-15)
    assert np.all(keep[w == 0] == 0)  # a row of weight 0 is never drawn from its own cell


def test_the_alias_table_at_a_tie_that_rounding_once_broke():
    w = np.array([2 / 3, 1.7, 0, 0.3, 1.3, 0.7, 0])  # row 1 got 0.507 of the draws, not 0.364
    keep, alias = draws.alias_table(w)
    np.testing.assert_allclose(_implied(keep, alias), w / w.sum(), rtol=1e-12)


@pytest.mark.parametrize("w", [np.ones(300), np.full(300, 2.0),
                               np.random.default_rng(1).integers(0, 4, 300).astype(float)],
                         ids=["equal", "equal 2", "unequal with zeros"])
def test_counts_have_the_multinomial_law(w):
    n = 4000
    counts = _all(w, n, 7, 1000)
    total, p = round(w.sum()), w / w.sum()
    assert counts.dtype == float and np.all(counts == np.round(counts))
    assert np.all(counts.sum(axis=1) == total) and np.all(counts[:, w == 0] == 0)
    # means N·p and variances N·p(1 − p), each row's counts over the n resamples
    mean, var = counts.mean(axis=0), counts.var(axis=0, ddof=1)
    live = p > 0
    z = (mean[live] - total * p[live]) / np.sqrt(total * p[live] * (1 - p[live]) / n)
    assert stats.kstest(z, "norm").pvalue > 1e-3
    np.testing.assert_allclose(var[live] / (total * p[live] * (1 - p[live])), 1, atol=0.15)
    # covariances −N·pᵢpⱼ: the counts of two rows of one resample are negatively correlated
    c = np.cov(counts[:, 0], counts[:, 1])[0, 1]
    if live[0] and live[1]:
        expected = -total * p[0] * p[1]
        assert abs(c - expected) < 6 * np.sqrt(total ** 2 * p[0] * p[1] / n)
    # one pooled χ² over the rows
    pooled = counts.sum(axis=0)[live]
    assert stats.chisquare(pooled, n * total * p[live]).pvalue > 1e-3


@pytest.mark.parametrize("w", [np.ones(700), np.random.default_rng(2).integers(1, 5, 700) * 1.0,
                               np.random.default_rng(3).integers(50, 60, 40) * 1.0],
                         ids=["uniform", "alias", "multinomial"])
def test_a_seed_gives_the_same_resamples_whatever_the_chunks_and_the_number_asked(w, monkeypatch):
    n = 3 * (draws.BLOCK_CELLS // round(w.sum())) + 7  # several blocks and a partial one
    first = _all(w, n, 3, 50)
    np.testing.assert_array_equal(_all(w, n, 3, 1), first)
    np.testing.assert_array_equal(_all(w, n, 3, n), first)
    np.testing.assert_array_equal(_all(w, n + 31, 3, 64)[:n], first)  # more asked: same first
    monkeypatch.setattr(draws, "BLOCK_CELLS", 1000)  # blocks of other sizes
    np.testing.assert_array_equal(_all(w, n, 3, 50), first)


@pytest.mark.parametrize("w", [np.ones(50), np.arange(1.0, 51.0)], ids=["uniform", "alias"])
def test_a_resample_of_more_indices_than_a_block_is_drawn_in_pieces_the_same(w, monkeypatch):
    whole = _all(w, 9, 5, 4)
    monkeypatch.setattr(draws, "BLOCK_CELLS", 64)  # < N: each resample in pieces
    np.testing.assert_array_equal(_all(w, 9, 5, 4), whole)


def test_index_draws_while_they_are_cheaper_else_the_multinomial():
    # N ≤ INDEX_RATIO·rows: index draws; N beyond (grouped data): numpy's multinomial
    few = np.full(100, float(draws.INDEX_RATIO))
    many = np.full(100, float(draws.INDEX_RATIO) + 1)
    p = np.full(100, 0.01)
    multinomial = np.random.default_rng(4).multinomial(round(many.sum()), p, size=20)
    np.testing.assert_array_equal(_all(many, 20, 4, 8), multinomial)
    indices = np.random.default_rng(4).integers(0, 100, size=(20, round(few.sum())))
    counted = np.array([np.bincount(r, minlength=100) for r in indices], dtype=float)
    np.testing.assert_array_equal(_all(few, 20, 4, 8), counted)


def test_equal_weights_draw_uniform_indices_and_unequal_ones_the_alias_table():
    w = np.r_[np.ones(30), 3.0 * np.ones(30)]
    keep, alias = draws.alias_table(w)
    u = np.random.default_rng(6).random((5, round(w.sum()))) * w.size
    cell = u.astype(int)
    index = np.where(u - cell < keep[cell], cell, alias[cell])
    counted = np.array([np.bincount(r, minlength=w.size) for r in index], dtype=float)
    np.testing.assert_array_equal(_all(w, 5, 6, 5), counted)


def test_the_bootstrap_of_a_model_draws_these_resamples():
    rng = np.random.default_rng(8)
    w = rng.integers(1, 5, 200).astype(float)
    fit = fg.fit_mle("exp", rng.exponential(2.0, w.size), weights=w)
    chunks = list(boot._chunks(fit, "nonparametric", 30, np.random.default_rng(3), 7))
    assert [len(c) for c in chunks] == [7, 7, 7, 7, 2]
    np.testing.assert_array_equal(np.concatenate(chunks), _all(w, 30, 3, 30))


@pytest.mark.parametrize("w, match", [(np.array([0.4, 0.4]), "at least 2 rows"),
                                      (np.array([5.0, 0.0]), "at least 2 distinct"),
                                      (np.array([1e300, 1.0]), "cannot be drawn")])
def test_resamples_that_say_nothing_or_cannot_be_drawn_are_refused(w, match):
    with pytest.raises(ValueError, match=match):
        next(draws.resample_counts(w, 3, np.random.default_rng(0), 3))
