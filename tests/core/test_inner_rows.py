"""`ops.inner` and `ops.inner_rows`: thread-free stacked dots equal to numpy's products, at every
length around the slice size and for strided views."""

import numpy as np
import pytest

from femtograd.core import ops


@pytest.mark.parametrize("n", [1, 7, ops.DOT_SLICE - 1, ops.DOT_SLICE, ops.DOT_SLICE + 1,
                               3 * ops.DOT_SLICE, 3 * ops.DOT_SLICE + 17])
def test_equal_to_numpy_products(n):
    rng = np.random.default_rng(n)
    x, y = rng.uniform(0.5, 2.0, n), rng.uniform(0.5, 2.0, n)  # positive: no cancellation
    w = rng.uniform(0.5, 2.0, (4, n))
    assert ops.inner(x, y) == pytest.approx(float(np.dot(x, y)), rel=1e-13)
    assert isinstance(ops.inner(x, y), float)
    np.testing.assert_allclose(ops.inner_rows(w, y), w @ y, rtol=1e-13)
    np.testing.assert_allclose(ops.inner_rows(w[:, ::-1], y[::-1]), w @ y, rtol=1e-13)
    assert ops.inner(x[::2], y[::2]) == pytest.approx(float(np.dot(x[::2], y[::2])), rel=1e-13)
