"""Profile points (femtograd.fit.intervals.Profiler.profile): the value, slope and curvature of
the profile log-likelihood equal the normal mean's closed-form profile, whatever order the
points are asked in (each warm-started from the cubic through the nearest known points, with
Newton only where that start is not yet the others' maximum, and the last Newton step applied
through the quadratic model); the bounds found from them are the closed-form ones."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import femtograd as fg
from femtograd.fit import intervals

X = np.random.default_rng(31).normal(3.0, 1.5, 400)
N, MEAN = X.size, X.mean()
SS = float(((X - MEAN) ** 2).sum())


def closed_form(mu):
    """The normal mean's profile: σ̂²(μ) = SS/n + (μ − x̄)², its value and two derivatives."""
    var = SS / N + (mu - MEAN) ** 2
    ll = -0.5 * N * (np.log(2 * np.pi * var) + 1.0)
    slope = N * (MEAN - mu) / var
    return ll, slope, -N / var + 2 * N * (MEAN - mu) ** 2 / var ** 2


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-60.0, 60.0), min_size=1, max_size=8))
def test_profile_points_in_any_order_are_the_closed_form(offsets):
    fit = fg.fit_mle("normal", X)
    profiler = fit._profiler(0)
    se = float(fit.se["mu"])
    for k in offsets:
        mu = MEAN + k * se
        check(profiler.profile(mu), closed_form(mu))


def check(got, want):
    """Value and slope to 1e-12 (the last Newton step applied through the quadratic model); the
    curvature, taken before that step, to 1e-8 (it only shapes the bound search's steps)."""
    np.testing.assert_allclose(got[:2], want[:2], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(got[2], want[2], rtol=1e-8)


def test_a_start_that_is_already_the_maximum_costs_one_evaluation(monkeypatch):
    fit = fg.fit_mle("normal", X)
    profiler = fit._profiler(0)
    runs, evaluations = [], []
    real_newton, real_evaluate = intervals.newton, profiler.objective.evaluate
    monkeypatch.setattr(intervals, "newton", lambda *a, **k: runs.append(1) or real_newton(*a, **k))
    monkeypatch.setattr(profiler.objective, "evaluate",
                        lambda *a, **k: evaluations.append(1) or real_evaluate(*a, **k))
    se = float(fit.se["mu"])
    mu = MEAN + 2 * se
    check(profiler.profile(mu), closed_form(mu))  # off the MLE: the line is not enough,
    assert 1 < len(evaluations) <= 4 and runs == []  # whole Newton steps settle it
    evaluations.clear()
    # next to a known point (as the bound search's second point is), the cubic through it and
    # the MLE is the maximum to Newton's tolerance: one evaluation, no step
    mu = MEAN + 1.99 * se
    check(profiler.profile(mu), closed_form(mu))
    assert len(evaluations) == 1 and runs == []


def test_a_start_far_off_falls_back_on_the_safeguarded_newton(monkeypatch):
    fit = fg.fit_mle("normal", X)
    profiler = fit._profiler(0)
    runs = []
    real_newton = intervals.newton
    monkeypatch.setattr(intervals, "newton", lambda *a, **k: runs.append(1) or real_newton(*a, **k))
    mu = MEAN + 400 * float(fit.se["mu"])  # σ̂ twentyfold the MLE's: whole steps overshoot
    check(profiler.profile(mu), closed_form(mu))
    assert runs == [1]


@pytest.mark.parametrize("level", [0.5, 0.95, 0.999])
def test_the_normal_means_profile_bounds_are_the_closed_form(level):
    fit = fg.fit_mle("normal", X)
    cut = stats.chi2.ppf(level, 1)
    # 2(ll_max − ll(μ)) = n log(1 + (μ − x̄)² n/SS) = cut
    half = np.sqrt(SS / N * np.expm1(cut / N))
    ci = fit.confint(level, method="profile")
    np.testing.assert_allclose(ci.loc["mu"], [MEAN - half, MEAN + half], rtol=1e-11)
