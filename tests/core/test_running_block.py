"""The running sum over sorted limits (one set of shapes) integrates its tails and its gaps as
one block of nodes: checked against the quadrature per limit for the incomplete gamma and beta,
orders 1 to 3, dense and sparse limits and both tails; the pieces of a gap come from a scale
per limit whose larger end bounds the log weight's slope and curvature across the gap."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

import femtograd.core.special as special_module
from femtograd.core.special import betainc_shape_derivative, gammainc_shape_derivative


def _per_limit(quadrature, monkeypatch):
    """Route the running setup of `quadrature` to its per-limit setup (and drop kept nodes)."""
    monkeypatch.setattr(quadrature, "running", quadrature.build)
    quadrature.last = None


def _probabilities(kind, rng):
    if kind == "dense":  # a quantile grid with both tails
        return np.concatenate([np.linspace(0.0005, 0.9995, 1000), 10.0 ** -rng.uniform(4, 13, 40),
                               1 - 10.0 ** -rng.uniform(4, 12, 40)])
    return np.array([1e-12, 1e-5, 0.02, 0.3, 0.5, 0.55, 0.9, 0.999, 1 - 1e-9])


def _gauge(p, scale):
    """The size of the integral of |∂ᵐf| over the side where it cancels."""
    return np.minimum(p, 1 - p) * scale


@pytest.mark.parametrize("a", [0.05, 0.4, 1.94061781, 12.0, 300.0, 1e4])
@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_running_gamma_block_matches_the_quadrature_per_limit(a, kind, monkeypatch):
    p = _probabilities(kind, np.random.default_rng(11))
    x = np.unique(special.gammaincinv(a, p))
    x = x[(x > 0) & np.isfinite(x)]
    running = [gammainc_shape_derivative(a, x, m) for m in (1, 2, 3)]
    _per_limit(special_module._gamma_nodes, monkeypatch)
    for m, got in zip((1, 2, 3), running):
        ref = gammainc_shape_derivative(a, x, m)
        gauge = np.abs(ref) + _gauge(special.gammainc(a, x), special.polygamma(1, a) ** (m / 2))
        np.testing.assert_array_less(np.abs(got - ref), 1e-13 * gauge + 1e-300)


@pytest.mark.parametrize("a, b", [(0.3, 2.0), (2.5, 2.5), (40.0, 7.0)])
def test_running_beta_block_matches_the_quadrature_per_limit(a, b, monkeypatch):
    x = np.unique(special.betaincinv(a, b, _probabilities("dense", np.random.default_rng(2))))
    x = x[(x > 0) & (x < 1)]
    running = [betainc_shape_derivative(a, b, x, da, db) for da, db in ((1, 0), (0, 1), (1, 1))]
    _per_limit(special_module._beta_nodes, monkeypatch)
    for (da, db), got in zip(((1, 0), (0, 1), (1, 1)), running):
        ref = betainc_shape_derivative(a, b, x, da, db)
        scale = special.polygamma(1, a) ** (da / 2) * special.polygamma(1, b) ** (db / 2)
        gauge = np.abs(ref) + _gauge(special.betainc(a, b, x), scale)
        np.testing.assert_array_less(np.abs(got - ref), 1e-12 * gauge + 1e-300)


@pytest.mark.parametrize("p", [
    [1e-14, 1e-9, 1e-4, 0.2, 0.45, 0.6, 0.97, 1 - 1e-8, 1 - 1e-13],  # both sides, several
    [1e-12, 1e-4, 1.1e-4, 1.2e-4],  # the lower side only, one head inside it
    [0.6, 0.61, 0.62, 0.97]])  # the upper side only, one head inside it
def test_far_apart_limits_restart_with_tails_of_their_own(p, monkeypatch):
    """Gaps wider than the pieces allow (a large shape, limits far apart) make heads inside a
    side; the sums restart there and still match the quadrature per limit."""
    a = 5e3
    x = special.gammaincinv(a, np.array(p))
    gaps = np.diff(special_module._gamma_end(a, x))
    scale = np.maximum(np.maximum(1.0, np.abs(x - a)), np.sqrt(x))
    wide = np.abs(gaps) * 8 * np.maximum(scale[:-1], scale[1:]) > special_module._RUN_PIECES
    assert wide.any()
    got = gammainc_shape_derivative(a, x, 1)
    _per_limit(special_module._gamma_nodes, monkeypatch)
    ref = gammainc_shape_derivative(a, x, 1)
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=0)


@settings(max_examples=200, deadline=None)
@given(st.floats(np.log(0.05), np.log(1e4)), st.floats(-30.0, 8.0), st.floats(1e-6, 3.0))
def test_the_larger_scale_at_a_gaps_limits_bounds_it_across_the_gap(log_a, start, width):
    """The gamma's pieces: max(1, |a − t|, √t) at the gap's two limits bounds it at every t
    between them (in u = log(t/a), the log weight's slope a − t and curvature −t)."""
    a = float(np.exp(log_a))
    t = a * np.exp(np.linspace(start, start + width, 2001))
    scale = np.maximum(np.maximum(1.0, np.abs(a - t)), np.sqrt(t))
    assert scale.max() <= max(scale[0], scale[-1]) * (1 + 1e-12)


def test_limits_whose_ratio_to_the_shape_underflows_keep_their_log():
    """u = log(x/a) for the running sum's limits, against mpmath, where x/a underflows (a log
    of each) and where it does not (one log of the ratio)."""
    mp = pytest.importorskip("mpmath")
    for a, x in ((1e10, np.array([1e-310, 1e-300, 2.0])), (2.0, np.array([1e-300, 0.5, 9.0]))):
        ref = [float(mp.log(mp.mpf(float(xi)) / mp.mpf(a))) for xi in x]
        np.testing.assert_allclose(special_module._gamma_end(a, x), ref, rtol=4e-16, atol=0)


@settings(max_examples=200, deadline=None)
@given(st.floats(np.log(1e-3), np.log(1e5)), st.floats(-40.0, 40.0), st.sampled_from([1.0, -1.0]),
       st.booleans())
def test_the_tails_search_in_floats_is_the_arrays_one(log_a, u, direction, beta):
    """A few rows search in plain floats (`math`): the same distances and scales as the
    arrays' search to rounding (shapes to 1e5, limits to e^±40 of the mode: beyond, the
    weight's own rounding exceeds the span's nats either way)."""
    a = float(np.exp(log_a))
    weight, params = (special_module._beta_weight, (np.array([a]), np.array([2.5]))) if beta \
        else (special_module._gamma_weight, (np.array([a]),))
    ref, away = np.array([u]), np.array([direction])
    floats = special_module._reaches(weight, params, ref, away, special_module._SPAN)
    with np.errstate(all="ignore"):
        arrays = special_module._reach_and_scale(weight, params, ref, away, special_module._SPAN)
    np.testing.assert_allclose(np.ravel(floats), np.ravel(arrays), rtol=1e-10)


@pytest.mark.parametrize("a", [1e-3, 1.0, 1e5, 1e8])
@pytest.mark.parametrize("x", [1e-320, 1e-300, 1e-5, 1e300, 1e308])
def test_a_point_alone_far_out_takes_the_quadrature_without_overflow(a, x, monkeypatch):
    """Alone, a point searches its tail in floats: no exception where an exponential
    overflows (infinite, as numpy's) or the limit lies beyond e^±700 of the mode (the arrays'
    search takes it), and the arrays' values."""
    with np.errstate(all="ignore"):
        alone = gammainc_shape_derivative(a, np.array([x]), 1)
        monkeypatch.setattr(special_module, "_FEW", 0)  # the arrays' search
        arrays = gammainc_shape_derivative(a, np.array([x]), 1)
    np.testing.assert_array_equal(np.isnan(alone), np.isnan(arrays))
    np.testing.assert_allclose(alone, arrays, rtol=1e-12, atol=1e-300)
