"""The predictions' table rows (femtograd.fit.predict._rows): the delta-method standard error
sqrt(∇gᵀ·cov·∇g) of each point and its Wald interval on the natural, log or logit scale, all
points at once, equal the same quantities written out point by point."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from femtograd.fit import predict

LEVEL = 0.9
Z = special.ndtri(0.5 + LEVEL / 2)


def covariance(seed, k):
    """A positive semi-definite k × k covariance (a fixed parameter: a zero row and column)."""
    rng = np.random.default_rng(seed)
    root = rng.normal(size=(k, k))
    cov = root @ root.T
    if seed % 3 == 0:
        cov[0, :] = cov[:, 0] = 0.0
    return cov


def stored(grad):
    """(n, k) gradients stored a parameter at a time, as `_values_and_grads` keeps them."""
    return np.ascontiguousarray(grad.T).T


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 30), st.integers(0, 10_000),
       st.sampled_from(["natural", "log", "logit"]))
def test_rows_are_the_delta_method_written_point_by_point(k, n, seed, scale):
    rng = np.random.default_rng(seed)
    cov = covariance(seed, k)
    grad = rng.normal(size=(n, k)) * rng.choice([0.0, 1.0, 1e3], size=(n, 1))
    centre = rng.normal(size=n) * 3
    estimate = {"natural": centre, "log": np.exp(centre), "logit": special.expit(centre)}[scale]
    with np.errstate(over="ignore"):  # (far-off bounds are inf on the log scale)
        block = predict._rows(estimate, scale, centre, stored(grad), cov, LEVEL)
    back = {"natural": lambda v: v, "log": np.exp, "logit": special.expit}[scale]
    for i in range(n):
        se_centre = np.sqrt(grad[i] @ cov @ grad[i])
        se = estimate[i] * se_centre if scale == "log" else se_centre
        with np.errstate(over="ignore"):
            want = [estimate[i], se, back(centre[i] - Z * se_centre),
                    back(centre[i] + Z * se_centre)]
        np.testing.assert_allclose(block[:, i], want, rtol=1e-12, atol=1e-300)
        if not grad[i].any():  # a point that does not move is its own interval, exactly
            assert block[1, i] == 0.0 and not np.signbit(block[1, i])
            assert block[2, i] == block[3, i] == back(centre[i])


def test_a_zero_gradient_is_its_own_interval_even_under_a_nan_covariance():
    cov = np.full((2, 2), np.nan)
    grad = stored(np.array([[0.0, 0.0], [1.0, 0.5]]))
    block = predict._rows(np.array([0.2, 0.3]), "logit", special.logit([0.2, 0.3]), grad, cov,
                          LEVEL)
    np.testing.assert_allclose(block[:, 0], [0.2, np.nan, 0.2, 0.2])
    assert np.isnan(block[1:, 1]).all()
