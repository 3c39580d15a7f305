"""The centred sum of squares behind the normal, lognormal and generalized gamma statistics:
Σ (xᵢ − mean)² from Σ xᵢ² − n·mean² only where that cancels at most one bit, else blockwise;
either way it equals the exactly rounded sum (math.fsum of exact squares) to a few ulps."""

import math
import warnings
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from femtograd.distributions.base import BLOCK, centred_squares, weighted_moments


def exact_centred_squares(x):
    """Σ (xᵢ − x̄)² in exact rational arithmetic, rounded once."""
    xs = [Fraction(float(v)) for v in x]
    mean = sum(xs) / len(xs)
    return float(sum((v - mean) ** 2 for v in xs))


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e3), st.integers(2, 300), st.integers(0, 2**32 - 1))
def test_it_is_the_exact_centred_sum_to_a_few_ulps_whatever_the_shift(shift, spread, n, seed):
    x = shift + spread * np.random.default_rng(seed).standard_normal(n)
    total, mean, ss = weighted_moments(x, None)
    assert math.isclose(ss, exact_centred_squares(x), rel_tol=1e-13)


def test_a_large_shift_goes_blockwise_and_keeps_its_digits():
    # mean² / variance = 1e16: Σx² − n·mean² would keep no digit at all
    x = 1e8 + np.random.default_rng(3).standard_normal(1000)
    _, mean, ss = weighted_moments(x, None)
    assert math.isclose(ss, exact_centred_squares(x), rel_tol=1e-12)
    naive = float(np.dot(x, x)) - x.size * mean * mean
    assert not math.isclose(naive, ss, rel_tol=1e-6)  # what the shortcut would have given


def test_the_shortcut_equals_the_blockwise_pass_beyond_one_block():
    x = 0.5 + 2.0 * np.random.default_rng(4).standard_normal(3 * BLOCK + 17)
    mean = float(x.sum()) / x.size
    weighted = centred_squares(x, np.ones(x.size), mean)  # weights: always blockwise
    assert math.isclose(centred_squares(x, None, mean), weighted, rel_tol=1e-14)


def test_constant_data_have_zero_spread():
    x = np.full(5000, 3.25)
    assert weighted_moments(x, None)[2] == 0.0


def test_squares_beyond_float_range_go_blockwise_without_a_warning():
    # Σ xᵢ² = 2e308 overflows, n·mean² = 1e308 and the centred sum (1e308) do not
    m = math.sqrt(5e307)
    x = np.array([0.0, 2 * m])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, mean, ss = weighted_moments(x, None)
    assert math.isclose(ss, 1e308, rel_tol=1e-14)


def exact_weighted_centred_squares(x, w):
    """Σ wᵢ (xᵢ − x̄_w)² in exact rational arithmetic, rounded once."""
    xs, ws = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in w]
    mean = sum(a * b for a, b in zip(ws, xs)) / sum(ws)
    return float(sum(b * (a - mean) ** 2 for a, b in zip(xs, ws)))


@settings(max_examples=40, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e3), st.integers(2, 60), st.integers(0, 2**32 - 1))
def test_a_weight_matrix_gives_each_replicates_exact_centred_sum(shift, spread, n, seed):
    # each row of W its own replicate: resample counts, and rows whose weight sits on a few
    # far values (their mean far from the data's: the rows summed about their own means)
    rng = np.random.default_rng(seed)
    x = shift + spread * rng.standard_normal(n)
    w = rng.multinomial(n, np.full(n, 1 / n), size=6).astype(float)
    w[4] = 0.0
    w[4, np.argsort(x)[-2:]] = [1.0, 3.0]  # the two largest values only
    w[5] = rng.random(n)
    total, mean, ss = weighted_moments(x, w)
    assert ss.shape == (6,)
    for b in range(6):
        # about the rounded mean (off by δ ≈ ε·|mean|) any two-pass sum is off by Σw·δ², as
        # the one-replicate path is
        slack = 4 * total[b] * (2.3e-16 * abs(mean[b])) ** 2
        exact = exact_weighted_centred_squares(x, w[b])
        assert abs(ss[b] - exact) <= 1e-12 * exact + slack
        assert math.isclose(mean[b], float(w[b] @ x) / float(w[b].sum()), rel_tol=1e-14,
                            abs_tol=1e-300)


def test_a_weight_matrix_far_from_the_data_centre_keeps_its_digits():
    # one replicate's weight on rows around 1e8, the others' on rows around 0: about the data's
    # mean (5e7) the far one would cancel every digit; it is summed about its own mean
    x = np.concatenate([np.random.default_rng(5).standard_normal(50),
                        1e8 + np.random.default_rng(6).standard_normal(50)])
    w = np.zeros((2, 100))
    w[0, :50], w[1, 50:] = 1.0, 2.0
    _, _, ss = weighted_moments(x, w)
    assert math.isclose(ss[0], exact_weighted_centred_squares(x[:50], w[0, :50]), rel_tol=1e-12)
    assert math.isclose(ss[1], exact_weighted_centred_squares(x[50:], w[1, 50:]), rel_tol=1e-12)


def test_rows_of_one_value_have_no_spread_whatever_ulp_their_mean_is_off_by():
    # 5 · log 2 / 5 is not log 2 to the last bit: the centred sum of squares was 5e-32, and a
    # bootstrap accepted 40 of 300 lognormal replicates of one value at sdlog = 1e-16
    rng = np.random.default_rng(0)
    for value in [math.log(2.0), 0.1, 1e-200, 1e150, -7.3]:  # (ulp² finite)
        for n in (2, 3, 5, 33, 1000):
            x = np.full(n, value)
            w = rng.integers(1, 5, n).astype(float)
            assert centred_squares(x, None, float(np.mean(x))) == 0.0
            assert weighted_moments(x, w)[2] == 0.0
            W = rng.integers(0, 3, (6, n)).astype(float)
            W[:, 0] += 1.0  # (every replicate has weight)
            total = W.sum(1)
            np.testing.assert_array_equal(centred_squares(x, W, W @ x / total, total), 0.0)


def test_a_spread_above_the_rounding_of_the_mean_is_kept():
    x = np.array([1.0, 1.0 + 2**-40])  # a real spread, far above the mean's rounding
    assert centred_squares(x, None, float(np.mean(x))) == exact_centred_squares(x)


def test_a_bootstrap_accepts_no_replicate_of_one_value():
    import femtograd as fg
    x = np.array([2.0, 2.0, 2.0, 2.0, 2.0 * (1 + 1e-12)])
    for family in ("normal", "lognormal"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            boot = fg.fit_mle(family, x).bootstrap(n=300, seed=1)
        sigma = boot.estimates.iloc[:, 1]
        assert (sigma > 1e-14).all()  # a replicate of the 2.0s alone has no maximum: failed
        assert boot.failed > 60  # ((4/5)^5 of 300 draw only the 2.0s)
