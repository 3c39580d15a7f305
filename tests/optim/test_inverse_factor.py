"""The one factorization Newton's direction and every solve of the verdict share
(core/cholesky.py `inverse_factor`): L⁻¹ of the Cholesky factor of the information, in plain
floats up to a few parameters, equal to numpy's, and None exactly where numpy's Cholesky fails."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from femtograd.fit.verdict import _solve
from femtograd.optim import newton_direction
from femtograd.core.cholesky import inverse_factor


@given(st.integers(1, 6), st.integers(0, 2**32 - 1), st.integers(-300, 300))
def test_the_inverse_factor_is_numpys_inverse_of_the_cholesky_factor(p, seed, log10):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(p, p))
    info = (a @ a.T + 0.1 * np.eye(p)) * 10.0 ** log10  # in any units
    factor = inverse_factor(info)
    want = np.linalg.inv(np.linalg.cholesky(info))
    np.testing.assert_allclose(factor, want, rtol=1e-8, atol=1e-12 * np.abs(want).max())
    g = rng.normal(size=p) * 10.0 ** log10
    np.testing.assert_allclose(_solve(factor, g), np.linalg.solve(info, g), rtol=1e-6)
    d, modified = newton_direction(g, -info)
    assert not modified
    np.testing.assert_allclose(d, np.linalg.solve(info, g), rtol=1e-6)


@pytest.mark.parametrize("info", [[[1.0, 2.0], [2.0, 1.0]], [[0.0]], [[-1.0]], [[np.nan]],
                                  [[np.inf]], np.diag([1.0, 1.0, -1e-300]),
                                  np.eye(6) - 2 * np.eye(6)[::-1]])
def test_the_inverse_factor_is_none_where_the_information_is_not_positive_definite(info):
    info = np.array(info, dtype=float)
    assert inverse_factor(info) is None
    if np.all(np.isfinite(info)):  # Newton's direction: the modified step, an ascent direction
        g = np.arange(1.0, len(info) + 1)
        d, modified = newton_direction(g, -info)
        assert modified and float(g @ d) > 0
    if np.all(np.isfinite(info)):
        with pytest.raises(np.linalg.LinAlgError):
            np.linalg.cholesky(info)


def test_a_tiny_information_gives_a_finite_newton_step():
    """Every row certain: a log-likelihood and information of 1e-311 (subnormal). The step
    solved in two halves stays finite where (−H)⁻¹ itself overflows."""
    info = np.array([[3e-311, 1e-311], [1e-311, 2e-311]])
    g = np.array([1e-311, -2e-311])
    d = _solve(inverse_factor(info), g)
    assert np.all(np.isfinite(d))
    np.testing.assert_allclose(info @ d, g, rtol=1e-6)
