"""fit_mle's methods agree; profiles of two-parameter and unit-interval models."""

import math

import numpy as np
import pytest
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import REGISTRY, WeibullLogLik

from .conftest import loglike_normal


def test_newton_bfgs_and_gradient_ascent_fits_agree(normal_data):
    kw = dict(start={"mu": 2.0, "sigma": 1.5}, constraints={"sigma": "positive"})
    newton = fg.fit_mle(loglike_normal, normal_data, **kw)
    bfgs = fg.fit_mle(loglike_normal, normal_data, method="bfgs", **kw)
    ascent = fg.fit_mle(loglike_normal, normal_data, method="gradient_ascent", lr=0.005,
                        iterations=20000, tol=1e-7, **kw)
    assert newton.converged and bfgs.converged and ascent.converged
    assert (newton.method, bfgs.method, ascent.method) == ("newton", "bfgs", "gradient_ascent")
    np.testing.assert_allclose(bfgs.mle, newton.mle, rtol=1e-7)
    np.testing.assert_allclose(ascent.mle, newton.mle, rtol=1e-6)
    np.testing.assert_allclose(bfgs.se, newton.se, rtol=1e-6)


def weibull_profile(x, k):
    """Closed-form profile over the scale: λ(k) = (mean x^k)^(1/k)."""
    n = len(x)
    lam = np.mean(x ** k) ** (1 / k)
    return n * math.log(k) - n * k * math.log(lam) + (k - 1) * np.log(x).sum() - n


def test_weibull_shape_profile_interval_equals_the_independent_lr_interval():
    x = stats.weibull_min.rvs(1.4, scale=5, size=60, random_state=np.random.default_rng(9))
    fit = fg.fit_mle(WeibullLogLik, x)
    k = fit.params["shape"]
    cut = stats.chi2.ppf(0.9, 1) / 2
    top = weibull_profile(x, k)
    lower = optimize.brentq(lambda s: top - weibull_profile(x, s) - cut, k / 3, k, xtol=1e-14)
    upper = optimize.brentq(lambda s: top - weibull_profile(x, s) - cut, k, 3 * k, xtol=1e-14)
    ci = fit.confint(0.9, method="profile")
    assert ci.loc["shape"].tolist() == pytest.approx([lower, upper], rel=1e-8)
    assert fit.profile_loglik("shape", 1.2) == pytest.approx(weibull_profile(x, 1.2), rel=1e-11)


def test_profile_interval_of_a_probability_stays_in_the_unit_interval():
    x = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    fit = fg.fit_mle(REGISTRY["bernoulli"], x)
    ll = lambda p: math.log(p) + 9 * math.log(1 - p)
    cut = stats.chi2.ppf(0.95, 1) / 2
    lower = optimize.brentq(lambda p: ll(0.1) - ll(p) - cut, 1e-12, 0.1, xtol=1e-15)
    upper = optimize.brentq(lambda p: ll(0.1) - ll(p) - cut, 0.1, 1 - 1e-12, xtol=1e-15)
    ci = fit.confint(method="profile")
    assert ci.loc["prob"].tolist() == pytest.approx([lower, upper], rel=1e-8)
    assert fit.confint(scale="natural").loc["prob", "lower"] < 0 < ci.loc["prob", "lower"]


def test_profile_loglik_of_an_unknown_parameter_lists_the_valid_ones(normal_data):
    fit = fg.fit_mle(loglike_normal, normal_data, start={"mu": 0.0, "sigma": 1.0},
                     constraints={"sigma": "positive"})
    with pytest.raises(ValueError, match=r"unknown parameter 'tau'.*\['mu', 'sigma'\]"):
        fit.profile_loglik("tau", 1.0)


# -- warm starts: each profile point starts from the previous point's nuisance estimates, moved
# along their derivative in the profiled parameter ------------------------------------------

def _profile_families():
    rng = np.random.default_rng(12)
    return {
        "weibull": (WeibullLogLik, stats.weibull_min.rvs(1.6, scale=4, size=80, random_state=rng)),
        "gamma": (REGISTRY["gamma"], rng.gamma(2.5, 1 / 0.7, 80)),
        "studentt": (REGISTRY["studentt"], 1.0 + 2.0 * rng.standard_t(4.0, 300)),
    }


@pytest.fixture
def recorded_newton(monkeypatch):
    """Every Newton run of the profiler: (start, result)."""
    from femtograd.fit import intervals
    runs = []

    def newton(objective, x0, *args, **kwargs):
        res = real(objective, x0, *args, **kwargs)
        runs.append((np.array(x0, dtype=float), res))
        return res
    real = intervals.newton
    monkeypatch.setattr(intervals, "newton", newton)
    return runs


def outward_grid(fit, name, points=9):
    """`points` values each side of the MLE, out to beyond the 95% Wald interval."""
    est, se = float(fit.params[name]), float(fit.se[name])
    lo = max(est - 2.5 * se, est / 3) if fit.constraints[fit.param_names.index(name)] == \
        "positive" else est - 2.5 * se
    return [est, *np.linspace(est, est + 2.5 * se, points + 1)[1:],
            *np.linspace(est, lo, points + 1)[1:]]


@pytest.mark.parametrize("family", ["weibull", "gamma", "studentt"])
def test_profile_points_warm_start_from_the_previous_point_and_agree_with_cold_starts(
        family, recorded_newton):
    from femtograd.fit.intervals import Profiler
    generator, x = _profile_families()[family]
    fit = fg.fit_mle(generator, x)
    assert fit.converged and fit.df in (2, 3)
    for name in fit.param_names:
        grid = outward_grid(fit, name)
        recorded_newton.clear()
        warm = [fit.profile_loglik(name, v) for v in grid]
        warm_runs = list(recorded_newton)
        assert len(warm_runs) == len(grid) and all(r.converged for _, r in warm_runs)
        # the walk up starts from the MLE, then each point from the one before it; the walk
        # down starts again from the MLE's point (its nearest), then from the one before it;
        # each moved along the others' derivative there, -H_oo^-1 H_oi (implicit functions)
        i = fit.param_names.index(name)
        profiler = fit._profiler(i)
        o = profiler.others
        up = len(grid) // 2 + 1
        for k in [*range(1, up), *range(up, len(grid))]:
            prev = 0 if k == up else k - 1
            before = np.asarray(profiler.objective.natural(warm_runs[prev][1].x))
            before[i] = grid[prev]  # (natural() reads the profiled leaf where it is now)
            _, _, h = fit._objective.evaluate(before, order=2)
            moved = before.copy()
            moved[i] = grid[k]
            moved[o] += (grid[k] - grid[prev]) * -np.linalg.solve(h[np.ix_(o, o)], h[o, i])
            np.testing.assert_allclose(warm_runs[k][0], profiler.objective.unconstrained(moved),
                                       rtol=1e-9, atol=1e-12, err_msg=f"{name} point {k}")
        # the same profile from cold starts (a fresh profiler per point starts at the MLE)
        recorded_newton.clear()
        cold_profilers = [Profiler(fit, i) for _ in grid]
        cold = [p.loglik(v) for p, v in zip(cold_profilers, grid)]
        np.testing.assert_allclose(warm, cold, rtol=1e-11, atol=1e-9, err_msg=name)
        warm_profiler = fit._profiler(i)
        for p, v in zip(cold_profilers, grid):
            np.testing.assert_allclose(warm_profiler.warm_start(v), p.warm_start(v),
                                       rtol=1e-6, err_msg=f"nuisance of {name} at {v}")
        # the moves along the derivative bring the starts nearer their points' optima than
        # the previous points' optima themselves, over the walk (first-order against
        # zeroth-order accurate; where the path of the optima turns, one move can overshoot)
        moved, unmoved = 0.0, 0.0
        for k in range(1, len(grid)):
            optimum = warm_runs[k][1].x
            moved += np.linalg.norm(warm_runs[k][0] - optimum)
            unmoved += np.linalg.norm(warm_runs[0 if k == up else k - 1][1].x - optimum)
        assert moved < 0.5 * unmoved, name


def test_profile_intervals_and_profile_loglik_share_one_warm_profiler(recorded_newton):
    generator, x = _profile_families()["studentt"]
    fit = fg.fit_mle(generator, x)
    ci = fit.confint(method="profile")
    profiler = fit._profiler(fit.param_names.index("df"))
    assert fit._profiler(fit.param_names.index("df")) is profiler
    recorded_newton.clear()
    upper = ci.loc["df", "upper"]
    assert fit.profile_loglik("df", upper) == pytest.approx(
        fit.loglik - stats.chi2.ppf(0.95, 1) / 2, abs=1e-8)
    # the interval search profiled points next to the bound: the start is theirs, not the MLE's
    start = recorded_newton[0][0]
    assert not np.allclose(start, fit._objective.with_free(profiler.others).unconstrained(
        fit.mle), rtol=1e-3)
    assert recorded_newton[0][1].iterations <= 2
    # a view with another covariance has its own profilers (their step uses its SE)
    assert fit.with_cov("sandwich")._profiler(0) is not fit._profiler(0)
