"""fit.quantile's interior path (`Family.quantile_inside`): at probabilities inside (0, 1) it is
the graph the support-aware `Family.quantile` builds there, without its masks and checks, so for
every family that inverts its CDF in closed form `fit.quantile` gives the values, standard errors
and intervals of the masked path (the delta method on per-point leaves, written out here from
public pieces)."""

from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import femtograd as fg
from femtograd.core import grad_nodes
from femtograd.distributions import REGISTRY

from .test_every_family import OPTIONS, TRUE, simulate

CLOSED = sorted(n for n in REGISTRY if REGISTRY[n].closed_quantile)
PROBS = np.array([1e-12, 1e-6, 0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-6, 1 - 1e-12])
INTERIOR = st.floats(0.0, 1.0, exclude_min=True, exclude_max=True)


@lru_cache(maxsize=None)
def fitted(name):
    return fg.fit_mle(REGISTRY[name], simulate(name, 300, 11), **OPTIONS.get(name, {}))


def per_point_leaves(theta, n):
    return [fg.val(np.full(n, float(v))) for v in theta]


def value_and_gradient(node, leaves):
    """The node's values and each point's gradient (n, k) from the reverse pass of its sum."""
    return (np.asarray(node.data, dtype=float),
            np.column_stack([np.asarray(g.data, dtype=float) for g in grad_nodes(node, leaves)]))


def masked_path(fit, probs, scale, level=0.95):
    """(q, se, lower, upper) from the support-aware `Family.quantile` on per-point leaves: the
    delta method on the natural or the log scale, its Wald interval transformed back."""
    leaves = per_point_leaves(fit.mle, probs.size)
    with np.errstate(all="ignore"):
        q, grad = value_and_gradient(fit.model.distribution.quantile(probs, *leaves), leaves)
    cov, z = fit.cov.to_numpy(), stats.norm.ppf(0.5 + level / 2)
    if scale == "log":
        grad = grad / q[:, None]
    se = np.sqrt(np.einsum("ij,jk,ik->i", grad, cov, grad))
    if scale == "log":
        return q, q * se, q * np.exp(-z * se), q * np.exp(z * se)
    return q, se, q - z * se, q + z * se


@pytest.mark.parametrize("name", CLOSED)
@pytest.mark.parametrize("scale", [None, "natural"])
def test_fit_quantile_equals_the_masked_path_of_family_quantile(name, scale):
    fit = fitted(name)
    got = fit.quantile(PROBS, level=0.9, scale=scale)
    default = "log" if fit.model.distribution.support[0] >= 0 else "natural"
    assert got.attrs["scale"] == (scale or default)
    q, se, lower, upper = masked_path(fit, PROBS, got.attrs["scale"], level=0.9)
    np.testing.assert_array_equal(got["estimate"], q)  # the same graph: the same numbers
    # (the standard errors and bounds to the rounding of a differently ordered sum)
    np.testing.assert_allclose(got["se"], se, rtol=1e-13, atol=0)
    np.testing.assert_allclose(got["lower"], lower, rtol=1e-13, atol=0)
    np.testing.assert_allclose(got["upper"], upper, rtol=1e-13, atol=0)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CLOSED), st.lists(INTERIOR, min_size=1, max_size=8),
       st.floats(0.5, 2.0))
def test_quantile_inside_is_family_quantile_at_interior_probabilities(name, probs, stretch):
    """The same values and per-point gradients, bit for bit, at any interior probabilities and
    parameters about the true ones (a Gompertz quantile that does not exist is refused alike)."""
    dist = REGISTRY[name](simulate(name, 20, 6), **OPTIONS.get(name, {}))
    theta = [v * stretch if v > 0 else v for v in TRUE[name]]
    probs = np.array(probs)
    outcomes = []
    for method in (dist.quantile, dist.quantile_inside):
        leaves = per_point_leaves(theta, probs.size)
        try:
            with np.errstate(all="ignore"):
                outcomes.append(value_and_gradient(method(probs, *leaves), leaves))
        except ValueError as err:
            outcomes.append(str(err))
    masked, inside = outcomes
    if isinstance(masked, str):
        assert inside == masked
        return
    np.testing.assert_array_equal(inside[0], masked[0])
    np.testing.assert_array_equal(inside[1], masked[1])


def test_quantile_inside_takes_scalar_parameters_as_numbers_or_values():
    dist = REGISTRY["weibull"](simulate("weibull", 20, 6))
    probs = np.array([0.1, 0.5, 0.9])
    want = stats.weibull_min(0.7, scale=3.0).ppf(probs)
    np.testing.assert_allclose(dist.quantile_inside(probs, 0.7, 3.0).data, want, rtol=1e-14)
    np.testing.assert_allclose(dist.quantile_inside(probs, fg.val(0.7), 3.0).data, want,
                               rtol=1e-14)


def test_a_family_without_a_closed_form_has_no_interior_quantile():
    dist = REGISTRY["beta"](np.array([0.5]))
    assert not dist.closed_quantile
    with pytest.raises(NotImplementedError, match="no closed-form quantile"):
        dist.quantile_inside(np.array([0.5]), 2.0, 3.0)
