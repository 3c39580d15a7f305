"""The standardization of a design held in parts (Dask partitions) equals the whole one."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from femtograd.regression.standardize import (Scaling, centred_squares, column_sums,
                                              standardize, transposed)


def _parts_scaling(x, cuts, names):
    """Scaling and X'ᵀ from the parts x[a:b], as the Dask regression builds them."""
    parts = np.split(x, cuts)
    sums = [column_sums(p) for p in parts]
    scaling = Scaling(np.min([s[0] for s in sums], axis=0), np.max([s[1] for s in sums], axis=0),
                      np.sum([s[2] for s in sums], axis=0), len(x), names, "design")
    scaling.set_spread(np.sum([centred_squares(p, scaling.centre) for p in parts], axis=0))
    xts = [transposed(p, scaling.centre, scaling.spread) for p in parts]
    scaling.check_rank(sum(xt @ xt.T for xt in xts))
    return scaling, np.hstack(xts)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(8, 60), seed=st.integers(0, 2**31), intercept=st.booleans(),
       parts=st.integers(1, 5))
def test_parts_give_the_whole_designs_standardization(n, seed, intercept, parts):
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 2.0, (n, 3)) * [1.0, 1e4, 1e-3]
    if intercept:
        x[:, 0] = 1.0
    cuts = np.sort(rng.choice(np.arange(1, n), size=min(parts, n - 1) - 1, replace=False))
    names = ["a", "b", "c"]
    xt, amap = standardize(x, names, "design")
    scaling, xt_parts = _parts_scaling(x, cuts, names)
    np.testing.assert_allclose(scaling.amap(), amap, rtol=1e-10, atol=1e-14 * np.abs(amap).max())
    np.testing.assert_allclose(xt_parts, xt, rtol=1e-10, atol=1e-12)
    # the map back: X β = X' β' for β = A β'
    beta_std = rng.normal(size=3)
    np.testing.assert_allclose(x @ (amap @ beta_std), xt.T @ beta_std, rtol=1e-9, atol=1e-9)


def test_an_aliased_column_is_found_from_the_summed_gram():
    x = np.random.default_rng(1).normal(size=(50, 2))
    x = np.column_stack([np.ones(50), x, x[:, 0] - 2 * x[:, 1]])
    with pytest.raises(ValueError, match="rank deficient: column 'd' is aliased"):
        _parts_scaling(x, [20, 35], ["a", "b", "c", "d"])


def test_an_all_zero_column_is_refused():
    x = np.column_stack([np.ones(10), np.zeros(10)])
    with pytest.raises(ValueError, match="column 'z' is all zeros"):
        _parts_scaling(x, [5], ["a", "z"])
