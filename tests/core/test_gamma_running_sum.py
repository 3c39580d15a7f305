"""The incomplete gamma's shape derivatives at one shape and many limits (a censored gamma's
rows, the quantiles' standard errors) come from a running sum over the gaps between the sorted
limits: checked against mpmath, independent of the other limits in the call, and leaving a
censored fit and its quantiles' standard errors as the quadrature per limit gives them."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

import femtograd as fg
import femtograd.core.special as special_module
from femtograd.core.special import gammainc_shape_derivative

RUNNING = special_module._gamma_running_setup


def _reference(a, x, m):
    """∂ᵐ/∂aᵐ P(a, x) from mpmath at 40 digits, on the side holding less probability."""
    mp = pytest.importorskip("mpmath")
    with mp.workdps(40):
        x = mp.mpf(x)
        if special.gammainc(a, float(x)) <= 0.5:
            return float(mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a, m))
        return -float(mp.diff(lambda s: mp.gammainc(s, x, mp.inf, regularized=True), a, m))


def _gauge(a, x, m):
    """The size of the integral of |∂ᵐf/∂aᵐ| over the side where it cancels (the bulk): the
    side's probability times ψ′(a)^(m/2), the scale of the Bell polynomial there."""
    p = special.gammainc(a, x)
    return np.minimum(p, 1 - p) * special.polygamma(1, a) ** (m / 2)


def _limits(kind, a, rng):
    """Limits of the gamma(a) law: dense over the bulk and both tails, sparse, or tails only."""
    if kind == "dense":
        p = np.concatenate([rng.random(3000), 10.0 ** rng.uniform(-14, -1, 700),
                            1 - 10.0 ** rng.uniform(-12, -1, 700)])
    elif kind == "sparse":
        p = np.array([1e-12, 1e-4, 0.3, 0.5, 0.9, 1 - 1e-9])
    else:  # both tails, nothing in between
        p = np.concatenate([10.0 ** rng.uniform(-14, -3, 300), 1 - 10.0 ** rng.uniform(-12, -3, 300)])
    x = special.gammaincinv(a, p)
    return x[(x > 0) & np.isfinite(x)]


@pytest.fixture
def counted(monkeypatch):
    """How often the running sum served."""
    served = []
    monkeypatch.setattr(special_module._gamma_nodes, "running",
                        lambda *args: served.append(1) or RUNNING(*args))
    return served


@pytest.mark.parametrize("a", [0.05, 0.5, 3.0, 60.0, 1e3, 1e4])
@pytest.mark.parametrize("kind", ["dense", "sparse", "tails"])
def test_running_gamma_shape_derivatives_match_mpmath(a, kind, counted):
    rng = np.random.default_rng(17)
    x = _limits(kind, a, rng)
    checked = rng.choice(x.size, min(x.size, 8), replace=False)
    for m in (1, 2):
        got = gammainc_shape_derivative(a, x, m)[checked]  # every limit in one call
        ref = np.array([_reference(a, x[i], m) for i in checked])
        gauge = np.abs(ref) + _gauge(a, x[checked], m)
        np.testing.assert_array_less(np.abs(got - ref), 1e-11 * gauge + 1e-300)
    assert counted  # the running sum served these limits (far apart ones with tails of their own)


@pytest.mark.parametrize("a", [0.3, 40.0])
def test_third_order_and_chunked_limits_match_mpmath(a, counted):
    rng = np.random.default_rng(3)
    x = special.gammaincinv(a, np.concatenate([rng.random(45_000), 10.0 ** rng.uniform(-12, -1, 50)]))
    checked = rng.choice(x.size, 6, replace=False)
    got = gammainc_shape_derivative(a, x, 3)[checked]  # more limits than a chunk
    ref = np.array([_reference(a, x[i], 3) for i in checked])
    np.testing.assert_array_less(np.abs(got - ref),
                                 1e-11 * (np.abs(ref) + _gauge(a, x[checked], 3)))
    assert counted


def test_upper_incomplete_gamma_takes_the_opposite_derivative():
    a, x = 2.5, special.gammaincinv(2.5, np.linspace(0.001, 0.999, 500))
    for m in (1, 2):
        lower = special_module._gammainc(a, x, order=m).data
        upper = special_module._gammaincc(a, x, order=m).data
        np.testing.assert_array_equal(upper, -lower)
        np.testing.assert_allclose(lower, gammainc_shape_derivative(a, x, m), rtol=0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 16), a=st.floats(0.05, 5e3), keep=st.floats(0.05, 0.9))
def test_a_limits_derivative_does_not_depend_on_the_other_limits(seed, a, keep):
    rng = np.random.default_rng(seed)
    x = _limits("dense", a, rng)[::10]
    subset = rng.random(x.size) < keep
    if subset.sum() < 3:
        return
    for m in (1, 2):
        whole = gammainc_shape_derivative(a, x, m)[subset]
        alone = gammainc_shape_derivative(a, x[subset], m)
        gauge = np.abs(alone) + _gauge(a, x[subset], m) + 1e-300
        np.testing.assert_array_less(np.abs(whole - alone), 1e-11 * gauge)


def _censored_gamma(n, seed=5):
    rng = np.random.default_rng(seed)
    t = rng.gamma(2.3, 1 / 0.4, n)
    c = rng.gamma(2.3, 1 / 0.3, n)
    return np.minimum(t, c), c < t


def test_censored_gamma_fit_and_quantile_errors_match_the_quadrature_per_limit(counted):
    y, cens = _censored_gamma(4000)
    p = np.linspace(0.001, 0.999, 300)
    fit = fg.fit_mle("gamma", y, censored=cens)
    q = fit.quantile(p)
    assert counted and fit.converged
    counted.clear()
    special_module._gamma_nodes.last = None  # no kept nodes from the running sum
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(special_module._gamma_nodes, "running", special_module._gamma_setup)
        per_limit = fg.fit_mle("gamma", y, censored=cens)
        q_per_limit = per_limit.quantile(p)
    np.testing.assert_allclose(fit.params.to_numpy(), per_limit.params.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(fit.cov.to_numpy(), per_limit.cov.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(q.to_numpy(), q_per_limit.to_numpy(), rtol=1e-12)
