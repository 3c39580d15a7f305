"""Rows held in bounded memory: right-censored data keep no upper-bound copy and no index
arrays, a start reads only its sample, and the incomplete beta's shape derivatives at one pair
of shapes and many limits (a censored Student t's rows) come from a running sum over the gaps
between the sorted limits, checked against mpmath."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special, stats

import femtograd as fg
import femtograd.core.special as special_module
from femtograd.core.special import betainc_shape_derivative
from femtograd.distributions import PoissonLogLik, StudentTLogLik, WeibullLogLik
from femtograd.distributions.rows import KINDS
from femtograd.distributions.starts import start_sample

RNG = np.random.default_rng(20261204)
RUNNING = special_module._beta_running_setup


def _censored_t(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_t(5, n), rng.random(n) < 0.3


def test_right_censored_rows_keep_no_upper_copy_nor_index_arrays():
    x, cens = _censored_t(5000)
    gen = StudentTLogLik(x, censored=cens)
    assert gen.rows._upper is None  # made when asked
    np.testing.assert_array_equal(gen.upper, np.where(cens, np.inf, x))
    np.testing.assert_array_equal(gen.censored, cens)
    assert gen.rows.kinds.dtype == np.uint8
    for kind, grp in gen.rows.present():
        rows = np.flatnonzero(~cens if kind == "exact" else cens)
        np.testing.assert_array_equal(grp.idx, rows)
        np.testing.assert_array_equal(grp.x, x[rows])
        np.testing.assert_array_equal(grp.at(np.arange(x.size)), rows)
    assert {k for k, _ in gen.rows.present()} == {"exact", "right"}


def test_a_mask_with_no_censored_row_is_the_exact_path():
    x, _ = _censored_t(300)
    gen = StudentTLogLik(x, censored=np.zeros(x.size, bool))
    assert gen._upper is gen._lower and gen.rows.kinds is None
    assert gen(0.1, 1.2, 4.0).data == pytest.approx(StudentTLogLik(x)(0.1, 1.2, 4.0).data,
                                                     rel=1e-14)


def _bind_and_start(n):
    """(data bytes, held after binding, binding's peak, the start's peak) under tracemalloc."""
    x, cens = _censored_t(n)
    tracemalloc.start()
    try:
        gen = StudentTLogLik(x, censored=cens)
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        gen.start()
        start_peak = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    return x.nbytes + cens.nbytes, held, peak, start_peak


def test_binding_censored_rows_takes_about_the_data_once():
    small, large = _bind_and_start(100_000), _bind_and_start(400_000)
    for data, held, peak, _ in (small, large):
        # the gathered exact and censored values (8 bytes a row), one byte a row of kinds
        assert held < 1.15 * data
        assert peak < 1.5 * data  # the checks make no upper-bound array
    # the start reads a sample of the rows: its memory does not grow with them
    assert large[3] - small[3] < 0.02 * (large[0] - small[0])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 70_000), seed=st.integers(0, 2 ** 16), weighted=st.booleans(),
       interval=st.booleans())
def test_a_sampled_start_reads_the_rows_a_full_one_samples(n, seed, weighted, interval):
    rng = np.random.default_rng(seed)
    lower = rng.weibull(1.5, n) + 0.1
    kind = rng.integers(0, 4, n)
    upper = np.select([kind == 0, kind == 1, kind == 2], [lower, np.inf, lower + 0.5], lower)
    lower = np.where(kind == 3, 0.0, lower)  # left-censored
    w = rng.integers(1, 4, n).astype(float) if weighted else None
    if interval:
        gen = WeibullLogLik(fg.IntervalData(lower, upper), weights=w)
    else:
        gen = WeibullLogLik(np.where(kind == 3, upper, lower), censored=kind == 1, weights=w)
    x, wx = gen._start_values(sample=True)
    full_x, full_w = start_sample(*gen._start_values())
    np.testing.assert_array_equal(x, full_x)
    np.testing.assert_array_equal(wx, full_w)


def test_rebound_slices_are_views_of_the_bound_rows():
    from femtograd.distributions.blocks import bind_rows
    x, cens = _censored_t(1000)
    gen = StudentTLogLik(x, censored=cens)
    part = bind_rows(gen, 200, 700)
    assert np.shares_memory(part.lower, x)
    np.testing.assert_array_equal(part.censored, cens[200:700])
    counts = np.floor(np.abs(x) * 3)
    gen = PoissonLogLik(counts, censored=cens)
    assert bind_rows(gen, 10, 20).censored.tolist() == cens[10:20].tolist()


# -- the running quadrature of the incomplete beta's shape derivatives -----------------------
def _beta_reference(a, b, x, i, j):
    """∂ᵃⁱ∂ᵇʲ I_x(a, b) from mpmath at 40 digits, on the side holding less probability."""
    mp = pytest.importorskip("mpmath")
    with mp.workdps(40):
        point = (mp.mpf(a), mp.mpf(b))
        if special.betainc(a, b, x) <= 0.5:
            return float(mp.diff(lambda s, t: mp.betainc(s, t, 0, x, regularized=True),
                                 point, (i, j)))
        rest = 1 - mp.mpf(x)
        return -float(mp.diff(lambda s, t: mp.betainc(t, s, 0, rest, regularized=True),
                              point, (i, j)))


def _limits(n, rng, a, b):
    """Limits spread over the beta(a, b) law's bulk and far into both its tails."""
    p = np.concatenate([rng.random(n), 10.0 ** rng.uniform(-14, -1, n // 4),
                        1 - 10.0 ** rng.uniform(-12, -1, n // 4)])
    x = special.betaincinv(a, b, p)
    return x[(x > 0) & (x < 1)]


@pytest.mark.parametrize("a, b, n", [(2.5, 2.5, 3000), (0.05, 0.05, 3000), (0.4, 6.0, 3000),
                                     (60.0, 3.0, 3000), (500.0, 500.0, 3000),
                                     (2.5, 2.5, 40_000)])  # limits integrated in chunks
def test_running_beta_shape_derivatives_match_mpmath(a, b, n, monkeypatch):
    running = []
    monkeypatch.setattr(special_module._beta_nodes, "running",
                        lambda *args: running.append(1) or RUNNING(*args))
    rng = np.random.default_rng(7)
    x = _limits(n, rng, a, b)
    checked = rng.choice(x.size, 12, replace=False)
    orders = [(1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]
    refs = {o: np.array([_beta_reference(a, b, x[i], *o) for i in checked]) for o in orders}
    for order in orders:
        got = betainc_shape_derivative(a, b, x, *order)[checked]  # every limit in one call
        # gauge: the largest derivative of the same total order at the point (one may cancel)
        scale = np.max([np.abs(r) for o, r in refs.items() if sum(o) == sum(order)], axis=0)
        np.testing.assert_array_less(np.abs(got - refs[order]), 1e-10 * scale + 1e-300)
    assert running  # the running sum served these limits


def test_huge_shapes_over_far_apart_limits_take_the_quadrature_per_limit():
    x = np.array([1e-9, 0.2, 0.4999, 0.5, 0.7, 1 - 1e-6])
    for a in (1e4, 5e7):
        got = betainc_shape_derivative(a, a, x, 1, 0)  # no gap cut into a billion pieces
        assert np.all(np.isfinite(got))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 16), half=st.floats(0.1, 200.0), keep=st.floats(0.05, 0.9))
def test_a_limits_derivative_does_not_depend_on_the_other_limits(seed, half, keep):
    rng = np.random.default_rng(seed)
    x = _limits(400, rng, half, half)
    subset = rng.random(x.size) < keep
    if subset.sum() < 3:
        return
    for order in [(1, 0), (1, 1)]:
        whole = betainc_shape_derivative(half, half, x, *order)
        alone = betainc_shape_derivative(half, half, x[subset], *order)
        gauge = np.abs(betainc_shape_derivative(half, half, x[subset], sum(order), 0)) \
            + np.abs(alone) + 1e-300
        np.testing.assert_array_less(np.abs(whole[subset] - alone), 1e-11 * gauge)


def test_student_t_log_cdf_through_one_tail_matches_scipy_and_is_smooth_at_the_centre():
    z = np.array([-1e8, -40.0, -3.0, -1e-9, 0.0, 1e-9, 0.7, 30.0, 1e6])
    gen = StudentTLogLik(z, censored=np.ones(z.size, bool))
    for df in (0.7, 5.0, 80.0):
        got = gen.logcdf(z, 0.0, 1.0, df).data
        np.testing.assert_allclose(got, stats.t.logcdf(z, df), rtol=1e-12)
        np.testing.assert_allclose(gen.logsf(z, 0.0, 1.0, df).data, stats.t.logsf(z, df),
                                   rtol=1e-12)
    # the censored row at the location: d/dμ log S((x − μ)/s) = f(0)/(s S(0)) = 2 f(0) / s
    one = StudentTLogLik(np.array([1.0]), censored=np.array([True]))
    mu = fg.val(1.0)
    ll = one(mu, 2.0, 5.0)
    ll.backward()
    assert mu.grad == pytest.approx(2 * stats.t.pdf(0.0, 5.0) / 2.0, rel=1e-12)
    assert set(KINDS) >= {k for k, _ in one.rows.present()}
