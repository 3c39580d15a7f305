"""Bootstrap replicates on one graph (fit/refits.py) equal the straightforward refit: the
statistics of reweighted rows, each family's estimates, the failures, and a whole bootstrap
against a loop of `fit_mle` on the same multinomial draws."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import femtograd as fg
from femtograd.distributions import (
    ExpLogLik,
    GammaLogLik,
    LogNormalLogLik,
    NormalLogLik,
    PoissonLogLik,
    WeibullLogLik,
)
from femtograd.fit.draws import resample_counts
from femtograd.fit.refits import OnGraph, Refits
from femtograd.fit.resample import simulate_design

RNG = np.random.default_rng(2024)
X = RNG.weibull(1.4, 120) * 3.0
CENSORED = X > 4.0

CASES = {
    "exp": lambda: fg.fit_mle(ExpLogLik, X, censored=CENSORED),
    "normal": lambda: fg.fit_mle(NormalLogLik, np.log(X)),
    "weibull censored": lambda: fg.fit_mle(WeibullLogLik, X, censored=CENSORED),
    "gamma": lambda: fg.fit_mle(GammaLogLik, X),
    "lognormal": lambda: fg.fit_mle(LogNormalLogLik, X),
    "poisson": lambda: fg.fit_mle(PoissonLogLik, np.floor(X)),
    "weibull shape fixed": lambda: fg.fit_mle(WeibullLogLik, X, fixed={"shape": 1.3}),
}


def _start(fit):
    return {k: float(v) for k, v in fit.params.items() if k not in fit.fixed}


def _counts(rng, n):
    return rng.multinomial(n, np.full(n, 1.0 / n)).astype(float)


def _statistics_equal(a, b):
    a, b = (a if isinstance(a, tuple) else (a,)), (b if isinstance(b, tuple) else (b,))
    assert len(a) == len(b)
    for s, t in zip(a, b):
        if hasattr(s, "weights"):  # moment data: the same values and weights
            np.testing.assert_array_equal(s.t, t.t)
            np.testing.assert_array_equal(s.weights, t.weights)
        else:
            assert s == t


@pytest.mark.parametrize("name", list(CASES))
def test_a_replicate_on_one_graph_equals_fitting_the_reweighted_rows(name):
    fit = CASES[name]()
    refits = OnGraph(fit, _start(fit))
    assert refits.fast
    rng = np.random.default_rng(7)
    for _ in range(5):
        counts = _counts(rng, fit.model.n)
        ok, estimates = refits(counts)
        again = fg.fit_mle(fit.model.reweighted(counts), start=_start(fit), fixed=fit.fixed)
        assert ok and again.converged
        np.testing.assert_allclose(estimates, again.mle, rtol=1e-12)


def test_replicates_leave_the_fitted_graph_as_it_was():
    fit = CASES["weibull censored"]()
    before = fit.confint(method="profile")
    refits = OnGraph(fit, _start(fit))
    rng = np.random.default_rng(1)
    for _ in range(3):
        refits(_counts(rng, fit.model.n))
    assert fit._objective.evaluate(fit.mle, order=0)[0] == fit.loglik
    fresh = fg.fit_mle(fit.model)
    pd.testing.assert_frame_equal(fresh.confint(method="profile"), before)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=120, max_size=120).filter(lambda c: sum(c) > 0))
def test_statistics_under_weights_equal_the_reweighted_generators(counts):
    w = np.asarray(counts, dtype=float)
    for make in (lambda: WeibullLogLik(X, censored=CENSORED), lambda: GammaLogLik(X),
                 lambda: NormalLogLik(X)):
        model = make()
        _statistics_equal(model.statistics(w), model.reweighted(w).statistics())


def test_designs_without_statistics_alone_are_refitted_the_straightforward_way():
    truncated = fg.fit_mle(WeibullLogLik, X[X < 5], truncation=(0, 5))
    assert truncated.model.statistics() is None
    refits = OnGraph(truncated, _start(truncated))
    assert not refits.fast
    counts = _counts(np.random.default_rng(3), truncated.model.n)
    ok, estimates = refits(counts)
    again = fg.fit_mle(truncated.model.reweighted(counts), start=_start(truncated))
    assert ok and np.array_equal(estimates, again.mle)
    bfgs = fg.fit_mle(WeibullLogLik, X, method="bfgs")
    assert not OnGraph(bfgs, _start(bfgs)).fast  # only Newton's steps are retraced


def test_a_replicate_that_fails_reports_what_the_straightforward_refit_says():
    fit = fg.fit_mle(WeibullLogLik, X, censored=CENSORED)
    counts = np.where(CENSORED, 1.0, 0.0)  # only censored rows drawn: no failure at all
    fast = OnGraph(fit, _start(fit))(counts)
    plain = Refits(fit._refit, _start(fit), fit.fixed)(fit.model.reweighted(counts))
    assert fast[0] is False and fast == plain
    assert fast[1][0] == "boundary"


@pytest.mark.parametrize("name", ["exp", "weibull censored", "gamma", "normal"])
def test_a_parametric_replicate_on_one_graph_equals_fitting_the_simulated_data(name):
    fit = CASES[name]()
    refits = OnGraph(fit, _start(fit), reweighted=False)
    assert refits.fast
    rng = np.random.default_rng(5)
    for _ in range(4):
        draw = simulate_design(fit, rng)
        ok, estimates = refits(draw)
        again = fg.fit_mle(draw, start=_start(fit), fixed=fit.fixed)
        assert ok and again.converged
        np.testing.assert_allclose(estimates, again.mle, rtol=1e-12)
    boot = fit.bootstrap(n=15, kind="parametric", seed=4)
    rng = np.random.default_rng(4)
    expected = [fg.fit_mle(simulate_design(fit, rng), start=_start(fit)).mle for _ in range(15)]
    np.testing.assert_allclose(boot.estimates.to_numpy(), np.array(expected), rtol=1e-12)


@pytest.mark.parametrize("name", ["exp", "weibull censored", "gamma"])
def test_a_bootstrap_equals_a_loop_of_fits_on_the_same_draws(name):
    fit = CASES[name]()
    boot = fit.bootstrap(n=25, seed=11)
    w = np.asarray(fit.model.weights, dtype=float)
    expected = []
    for counts in next(resample_counts(w, 25, np.random.default_rng(11), 25)):
        again = fg.fit_mle(fit.model.reweighted(counts), start=_start(fit), fixed=fit.fixed)
        expected.append(again.mle)
    assert boot.failed == 0
    np.testing.assert_allclose(boot.estimates.to_numpy(), np.array(expected), rtol=1e-12)


def test_moment_data_moved_into_a_holder_gives_the_new_moments():
    from femtograd.core.moments import ExpMomentData
    rng = np.random.default_rng(9)
    old, new = ExpMomentData(-rng.random(50)), ExpMomentData(-rng.random(50), rng.random(50))
    held = ExpMomentData(old.t)
    assert held.moment(1.5, 1) == old.moment(1.5, 1)  # cached at k = 1.5
    held.assign(new)
    assert [held.moment(1.5, m) for m in range(3)] == [new.moment(1.5, m) for m in range(3)]
    assert held.moment(1.5, 0) == pytest.approx(np.sum(new.weights * np.exp(1.5 * new.t)))
