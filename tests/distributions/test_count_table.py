"""Count families reduce their rows over the distinct counts (femtograd.distributions.counts):
the table equals np.unique's, and every statistic, log-likelihood and fit equals the per-row
formulas (one gammaln per row) to rounding, weighted or not, by bincount or by sort."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats

import femtograd as fg
from femtograd.distributions import (BinomialLogLik, NegBinomial2LogLik, NegBinomialLogLik,
                                     PoissonLogLik)
from femtograd.distributions.counts import SPAN_FLOOR, count_table

COUNTS = st.lists(st.integers(0, 60), min_size=1, max_size=80)


def unique_table(x, w):
    values, inverse = np.unique(x, return_inverse=True)
    tally = np.bincount(inverse, weights=w, minlength=values.size)
    return values[tally > 0], tally[tally > 0]


@given(COUNTS, st.booleans(), st.integers(0, 2 ** 31))
def test_the_table_is_np_uniques_with_zero_weight_counts_left_out(counts, weighted, seed):
    x = np.array(counts, dtype=float)
    w = None
    if weighted:
        w = np.random.default_rng(seed).choice([0.0, 0.5, 2.0, 3.25], size=x.size)
    values, tally = count_table(x, w)
    want_values, want_tally = unique_table(x, w)
    np.testing.assert_array_equal(values, want_values)
    np.testing.assert_allclose(tally, want_tally, rtol=1e-15)
    assert values.dtype == tally.dtype == np.float64


def test_counts_far_beyond_the_rows_go_through_the_sort_not_a_huge_tally():
    x = np.array([0.0, 3.0, 3.0, 1e12, 2.0 ** 53])
    values, tally = count_table(x, None)
    np.testing.assert_array_equal(values, [0.0, 3.0, 1e12, 2.0 ** 53])
    np.testing.assert_array_equal(tally, [1.0, 2.0, 1.0, 1.0])
    assert x.max() > SPAN_FLOOR


def per_row_statistics(x, w, size=None):
    """Σw, Σw x and Σw log x! (log choose(size, x) for the binomial), one gammaln per row."""
    w = np.ones_like(x) if w is None else w
    const = (special.gammaln(size + 1) - special.gammaln(x + 1) - special.gammaln(size - x + 1)
             if size is not None else special.gammaln(x + 1))
    return w.sum(), w @ x, w @ const


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_poisson_and_negative_binomial_statistics_equal_the_per_row_sums(weighted, big):
    rng = np.random.default_rng(1)
    x = rng.poisson(4.0, 5000).astype(float) + (1e9 if big else 0.0)  # big: the sort path
    w = rng.uniform(0, 3, x.size) * (rng.uniform(size=x.size) > 0.1) if weighted else None
    want = per_row_statistics(x, w)
    for cls in (PoissonLogLik, NegBinomialLogLik, NegBinomial2LogLik):
        got = cls(x, weights=w)._stats[:3]
        np.testing.assert_allclose(got, want, rtol=1e-13)


@pytest.mark.parametrize("weighted", [False, True])
def test_binomial_log_choose_equals_the_per_row_sum_and_the_loglik_scipys(weighted):
    rng = np.random.default_rng(2)
    x = rng.binomial(12, 0.3, 4000).astype(float)
    w = rng.uniform(0, 2, x.size) if weighted else None
    gen = BinomialLogLik(x, weights=w, size=12)
    np.testing.assert_allclose(gen._stats, per_row_statistics(x, w, size=12), rtol=1e-13)
    ww = np.ones_like(x) if w is None else w
    assert float(gen(0.3).data) == pytest.approx(ww @ stats.binom.logpmf(x, 12, 0.3), rel=1e-13)


def test_negative_binomial_loglik_over_the_distinct_counts_is_scipys_and_its_fit_converges():
    rng = np.random.default_rng(3)
    x = rng.negative_binomial(2.5, 0.3, 20000).astype(float)
    gen = NegBinomialLogLik(x)
    assert float(gen(2.5, 0.3).data) == pytest.approx(stats.nbinom.logpmf(x, 2.5, 0.3).sum(),
                                                      rel=1e-13)
    fit = fg.fit_mle(NegBinomialLogLik, x)
    assert fit.converged
    # the score of scipy's log-likelihood vanishes at the MLE (central differences)
    size, prob = fit.mle
    for i, h in ((0, 1e-5 * size), (1, 1e-7)):
        up, down = [size, prob], [size, prob]
        up[i] += h
        down[i] -= h
        slope = (stats.nbinom.logpmf(x, *up).sum() - stats.nbinom.logpmf(x, *down).sum()) / (2 * h)
        assert abs(slope) * h < 1e-6


@pytest.mark.parametrize("name", sorted(n for n in fg.distributions.REGISTRY
                                        if fg.distributions.REGISTRY[n].discrete))
@pytest.mark.parametrize("censored", [False, True])
def test_every_count_family_names_the_first_non_integer_row(name, censored):
    cls = fg.distributions.REGISTRY[name]
    options = {"size": 3} if name == "binomial" else {}
    x = np.array([0.0, 1.0, 0.5, 1.0, 0.25])
    mask = np.array([False, False, False, True, False]) if censored else None
    with pytest.raises(ValueError, match=r"non-integer count at row 2 \(0.5\)"):
        cls(x, censored=mask, **options)
