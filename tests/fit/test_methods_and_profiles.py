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
def test_profile_points_warm_start_from_the_nearest_points_and_agree_with_cold_starts(
        family, recorded_newton):
    from femtograd.fit.intervals import Profiler
    generator, x = _profile_families()[family]
    fit = fg.fit_mle(generator, x)
    assert fit.converged and fit.df in (2, 3)
    for name in fit.param_names:
        grid = outward_grid(fit, name)
        i = fit.param_names.index(name)
        profiler = fit._profiler(i)
        o = profiler.others
        recorded_newton.clear()
        starts, warm = [], []
        for v in grid:
            # what is known before v: each profiled point (and the MLE) with the others'
            # optimum there and its derivative -H_oo^-1 H_oi (implicit functions)
            known = [(float(fit.mle[i]), fit.mle[o], _implicit(fit, fit.mle, i, o))]
            for u, others in zip(profiler._values, profiler._starts):
                at = fit.mle.copy()
                at[i], at[o] = u, others
                known.append((u, others, _implicit(fit, at, i, o)))
            known.sort(key=lambda p: abs(p[0] - v))
            starts.append((_expected_start(known, v), known[0]))
            got = profiler.warm_start(v)
            warm.append(fit.profile_loglik(name, v))
            if got is not None:
                np.testing.assert_allclose(got, starts[-1][0], rtol=1e-9, atol=1e-12,
                                           err_msg=f"{name} at {v}")
        assert len(recorded_newton) <= len(grid)  # a start already at the optimum runs none
        assert all(r.converged for _, r in recorded_newton)
        # the same profile from cold starts (a fresh profiler per point starts at the MLE)
        recorded_newton.clear()
        cold_profilers = [Profiler(fit, i) for _ in grid]
        cold = [p.loglik(v) for p, v in zip(cold_profilers, grid)]
        np.testing.assert_allclose(warm, cold, rtol=1e-11, atol=1e-9, err_msg=name)
        # where the cubic through the two nearest points applies, it starts nearer each point's
        # optimum than the nearest point moved along its derivative (third- against first-order)
        cubic, line, size = 0.0, 0.0, 0.0  # (an optimum linear in v: both exact to rounding)
        for v, p, (start, (u, others, t)) in zip(grid, cold_profilers, starts):
            optimum = p._starts[p._values.index(v)]
            moved = others + (v - u) * t
            if not np.array_equal(start, moved):
                cubic += np.linalg.norm(start - optimum)
                line += np.linalg.norm(moved - optimum)
                size += np.linalg.norm(optimum)
        assert size > 0 and cubic <= 0.2 * line + 1e-12 * size, name


def _implicit(fit, natural, i, o):
    _, _, h = fit._objective.evaluate(natural, order=2)
    return -np.linalg.solve(h[np.ix_(o, o)], h[o, i])


def _expected_start(known, v):
    """The cubic (Hermite) through the two nearest known points when v lies within one span of
    them, else the nearest point moved along its derivative."""
    if len(known) > 1:
        (a, ya, da), (b, yb, db) = sorted(known[:2], key=lambda p: p[0])
        h = b - a
        if a - h <= v <= b + h:
            s = (v - a) / h
            return ((2 * s**3 - 3 * s**2 + 1) * ya + (s**3 - 2 * s**2 + s) * h * da
                    + (3 * s**2 - 2 * s**3) * yb + (s**3 - s**2) * h * db)
    u, others, t = known[0]
    return others + (v - u) * t


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
    # (near enough that Newton takes at most two iterations, or none runs at all)
    start = profiler.warm_start(upper)
    assert start is not None and not np.allclose(start, fit.mle[profiler.others], rtol=1e-3)
    assert all(r.iterations <= 2 for _, r in recorded_newton)
    # a view with another covariance has its own profilers (their step uses its SE)
    assert fit.with_cov("sandwich")._profiler(0) is not fit._profiler(0)
