"""Specifications of the rows a log-likelihood is bound to: event= as censored='s complement,
per-row parameters in the call, and data too large for the statistics' arithmetic."""

import warnings

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import NegBinomialLogLik, NormalLogLik, WeibullLogLik


def test_event_is_the_complement_of_censored():
    x = np.array([1.0, 2.5, 0.7, 4.0])
    event = np.array([1, 0, 1, 0])
    a = WeibullLogLik(x, event=event)
    b = WeibullLogLik(x, censored=event == 0)
    assert np.array_equal(a.censored, event == 0)
    assert float(a(1.3, 2.0).data) == float(b(1.3, 2.0).data)
    again = a.reweighted(np.full(4, 2.0))
    assert np.array_equal(again.censored, event == 0)


def test_event_and_censored_together_or_malformed_are_refused():
    with pytest.raises(TypeError, match="either censored= or event="):
        WeibullLogLik([1.0, 2.0], censored=[0, 1], event=[1, 0])
    with pytest.raises(ValueError, match=r"event mask must be boolean \(1 = observed event.*"
                                         r"row 1 is 2.0"):
        WeibullLogLik([1.0, 2.0], event=[1, 2])
    with pytest.raises(ValueError, match="event mask has length 3 but the data have 2 rows"):
        WeibullLogLik([1.0, 2.0], event=[1, 0, 1])
    with pytest.raises(TypeError, match="not both"):
        WeibullLogLik(fg.IntervalData([1.0], [2.0]), event=[1])


def test_per_row_parameters_in_the_call_are_the_weighted_sum_of_contributions():
    rng = np.random.default_rng(8)
    x = rng.weibull(1.5, 20) * 2
    cens = rng.uniform(size=20) < 0.3
    w = rng.uniform(0.5, 2.0, 20)
    gen = WeibullLogLik(x, censored=cens, weights=w, truncation=(0.01, None))
    shape = fg.val(rng.uniform(1.0, 2.0, 20))
    ll = gen(shape, 2.0)
    ref = stats.weibull_min(shape.data, scale=2.0)
    terms = np.where(cens, ref.logsf(x), ref.logpdf(x)) - ref.logsf(0.01)
    assert float(ll.data) == pytest.approx(float(np.dot(w, terms)), rel=1e-12)
    ll.backward()
    h = 1e-6
    for i in (0, 7):
        up, down = shape.data.copy(), shape.data.copy()
        up[i] += h
        down[i] -= h
        fd = (float(gen(up, 2.0).data) - float(gen(down, 2.0).data)) / (2 * h)
        assert shape.grad[i] == pytest.approx(fd, rel=1e-6)
    # a scalar parameter at every row's value gives the fast path's answer
    same = gen(np.full(20, 1.4), np.full(20, 2.0))
    assert float(same.data) == pytest.approx(float(gen(1.4, 2.0).data), rel=1e-12)


def test_huge_weights_do_not_overflow_the_statistics():
    x = np.array([1.0, 2.0, 3.0])
    for w in ([1e300, 1.0, 1.0], [1e300] * 3):
        gen = NormalLogLik(x, weights=w)
        start = gen.start()
        assert all(np.isfinite(list(start.values())))


def test_negative_binomial_counts_beyond_1e154_start_without_overflow():
    x = np.array([1e155, 2e154, 0.0, 3e155])
    start = NegBinomialLogLik(x).start()
    assert all(np.isfinite(list(start.values())))
    mean = x.mean()  # size = mean² / (var − mean), with var − mean beyond float64 here
    assert start["size"] == pytest.approx(1 / (np.var(x / mean) - 1 / mean), rel=1e-9)
    fit = fg.fit_mle(NegBinomialLogLik, x)  # no OverflowError; a finite log-likelihood
    assert np.isfinite(fit.loglik)


@pytest.mark.parametrize("gen", [WeibullLogLik, NormalLogLik, NegBinomialLogLik],
                         ids=lambda g: g.name)
def test_weights_of_1e300_give_the_unweighted_mle_without_overflow(gen):
    x = np.array([1.0, 2.0, 3.0, 7.0, 2.0])
    cens = np.array([False, True, False, True, False])
    for c in (None, cens):
        plain = fg.fit_mle(gen, x, censored=c)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the stopping rule's verdict is not the point here
            heavy = fg.fit_mle(gen, x, censored=c, weights=np.full(x.size, 1e300))
        np.testing.assert_allclose(heavy.mle, plain.mle, rtol=1e-6)


def test_a_generator_and_its_rows_form_no_cycle_so_their_arrays_free_at_once():
    """Without a cycle the data-sized arrays (statistics, groups) go when the last reference
    does, not at the cyclic collector's next pass: a fit at 1e6 rows reuses warm memory."""
    import gc
    import weakref
    x = np.array([0.5, 1.0, 2.0, 4.0])
    enabled = gc.isenabled()
    gc.disable()
    try:
        for kw in ({}, {"censored": x > 1.5, "truncation": (0.1, None)}):
            gen = WeibullLogLik(x, **kw)
            gen(1.5, 2.0)
            ref = weakref.ref(gen)
            del gen
            assert ref() is None
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("design", ["exact", "right", "interval"])
def test_censored_mask_and_reweighted_copy_keep_every_kind_of_row(design):
    rng = np.random.default_rng(21)
    x = rng.weibull(1.5, 12) * 2 + 0.2
    if design == "exact":
        data, kw = x, {}
    elif design == "right":
        data, kw = x, {"censored": rng.uniform(size=12) < 0.4}
    else:  # exact, right, left, interval and open-at-both-ends rows
        lower = np.where(np.arange(12) % 5 == 2, 0.0, x)
        upper = np.choose(np.arange(12) % 5, [x, x + 1.0, x + 0.5, np.inf, x])
        lower[11], upper[11] = 0.0, np.inf
        data, kw = fg.IntervalData(lower, upper), {}
    gen = WeibullLogLik(data, truncation=(0.1, None), **kw)
    assert np.array_equal(gen.censored, gen.lower != gen.upper)
    w = rng.uniform(0.5, 2.0, size=12)
    again = gen.reweighted(w)
    assert np.array_equal(again.lower, gen.lower) and np.array_equal(again.upper, gen.upper)
    assert np.array_equal(again.censored, gen.censored)
    direct = WeibullLogLik(data, weights=w, truncation=(0.1, None), **kw)
    assert float(again(1.3, 2.0).data) == pytest.approx(float(direct(1.3, 2.0).data), rel=1e-14)
