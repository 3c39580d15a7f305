"""`core.cholesky`: the small Cholesky factor and solve in floats, against numpy, and None for
matrices that are not positive definite."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from femtograd.core.cholesky import cholesky_rows, cholesky_solve


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_factor_and_solve_equal_numpy(p, seed):
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(p, p))
    a = m @ m.T + p * np.eye(p)
    b = rng.normal(size=p)
    low = cholesky_rows(a.tolist())
    np.testing.assert_allclose(low, np.linalg.cholesky(a), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(cholesky_solve(low, b.tolist()), np.linalg.solve(a, b), rtol=1e-10)


def test_not_positive_definite_or_not_finite_is_none():
    assert cholesky_rows([[1.0, 2.0], [2.0, 1.0]]) is None
    assert cholesky_rows([[0.0]]) is None
    assert cholesky_rows([[np.inf, 0.0], [0.0, 1.0]]) is None
    assert cholesky_rows([[np.nan]]) is None


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_inverse_rows_invert_the_factor_and_a_stack_gives_each_matrixs_own(p, seed):
    from femtograd.core.cholesky import inverse_factors, inverse_rows
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(7, p, p))
    a = m @ m.transpose(0, 2, 1) + 1e-2 * np.eye(p)
    a[2] *= -1  # negative definite
    a[4, 0, 0] = np.nan
    factors, ok = inverse_factors(a)
    assert ok.tolist() == [b not in (2, 4) for b in range(7)]
    for b in np.flatnonzero(ok):
        alone = np.array(inverse_rows(cholesky_rows(a[b].tolist())))
        np.testing.assert_array_equal(factors[b], alone)  # the same arithmetic, to the bit
        np.testing.assert_allclose(alone @ np.linalg.cholesky(a[b]), np.eye(p), atol=1e-8)
