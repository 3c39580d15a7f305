"""The nonparametric bootstrap's resamples, drawn a block at a time (`rng.multinomial(...,
size=)`), are the draws one multinomial at a time from the same generator: a seed gives the
same replicates whatever the block size."""

import numpy as np

import femtograd as fg
from femtograd.fit import bootstrap as boot


def test_resamples_drawn_in_blocks_are_the_draws_one_at_a_time():
    rng = np.random.default_rng(8)
    weights = rng.integers(1, 5, 2000).astype(float)  # more rows than one block draws at once
    fit = fg.fit_mle("exp", rng.exponential(2.0, weights.size), weights=weights)
    n = 3 * (boot.BLOCK_CELLS // weights.size) + 7  # several blocks and a partial one
    chunks = boot._chunks(fit, "nonparametric", n, np.random.default_rng(3), 50)
    drawn = np.concatenate(list(chunks))
    one = np.random.default_rng(3)
    p = weights / weights.sum()
    expected = np.array([one.multinomial(round(weights.sum()), p) for _ in range(n)], float)
    np.testing.assert_array_equal(drawn, expected)
