"""The verdict's rule over arrays factors −H of every end point at once
(`core.cholesky.stacked_inverse_factors`): for the small matrices of a batch by
`inverse_factor`'s own arithmetic over the stack, so each factor is the one that end point gets
alone, to the last bit."""

import numpy as np
import pytest

from femtograd.core.cholesky import SMALL, inverse_factor, stacked_inverse_factors


def _stack(m, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(60, m, m))
    a = a @ a.transpose(0, 2, 1) + 1e-3 * np.eye(m)
    a[::5] *= -1                      # negative definite: no factor
    a[1, 0, 0], a[2, -1, -1] = np.nan, np.inf
    a[3] = np.outer(np.ones(m), np.ones(m))  # singular (positive semi-definite only)
    return a


@pytest.mark.parametrize("m", [1, 2, 3, 4, 6])
def test_the_stacked_inverse_factors_are_each_matrixs_own(m):
    a = _stack(m, m)
    factors, ok = stacked_inverse_factors(a)
    for b in range(len(a)):
        one = inverse_factor(a[b]) if np.isfinite(a[b]).all() else None
        assert ok[b] == (one is not None)
        if one is None:
            np.testing.assert_array_equal(factors[b], np.eye(m))
        elif m <= SMALL:  # the same arithmetic over the stack: the same numbers
            np.testing.assert_array_equal(factors[b], one)
        else:
            np.testing.assert_allclose(factors[b], one, rtol=1e-12)
        if one is not None:  # and L⁻¹ really inverts a's Cholesky factor
            low = np.linalg.cholesky(a[b])
            np.testing.assert_allclose(factors[b] @ low, np.eye(m), atol=1e-9)
