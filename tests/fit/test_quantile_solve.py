"""fit.quantile solves every probability at once (femtograd.fit.predict._solve): each quantile
equals a per-point brentq root of the family's own log CDF (log survival above the median), for
every continuous family, truncated or not, and its delta-method gradient is unchanged."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize

import femtograd as fg
from femtograd.distributions import REGISTRY, WeibullLogLik

from .test_every_family import OPTIONS, simulate

CONTINUOUS = sorted(n for n in REGISTRY if not REGISTRY[n].discrete)
PROBS = np.array([1e-12, 1e-6, 0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-6, 1 - 1e-12])


def per_point(fit, probs):
    """The old way: one brentq per probability on the family's public log CDF / log survival,
    bracketed by stepping out from scipy's quantile."""
    dist = fit.model.distribution
    theta = [float(v) for v in fit.mle]
    lo, hi = dist.support
    out = []
    for p in probs:
        upper = p > 0.5

        def gap(q, p=p, upper=upper):
            if upper:
                return float(np.log1p(-p) - dist.logsf(q, *theta).data)
            return float(dist.logcdf(q, *theta).data - np.log(p))

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            start = float(dist.ppf(p, *theta))
        if gap(start) == 0.0:
            out.append(start)
            continue
        step = max(abs(start), 1.0) * 1e-6
        a = b = start
        while gap(a) > 0:
            a = max(a - step, lo + (a - lo) / 16 if np.isfinite(lo) else a - step)
            step *= 4
        step = max(abs(start), 1.0) * 1e-6
        while gap(b) < 0:
            b = min(b + step, hi - (hi - b) / 16 if np.isfinite(hi) else b + step)
            step *= 4
        out.append(optimize.brentq(lambda q: float(np.clip(gap(q), -1e300, 1e300)), a, b,
                                   xtol=1e-300, rtol=4 * np.finfo(float).eps))
    return np.array(out)


@pytest.mark.parametrize("name", CONTINUOUS)
def test_every_quantile_at_once_equals_its_own_per_point_root(name):
    fit = fg.fit_mle(REGISTRY[name], simulate(name, 300, 11), **OPTIONS.get(name, {}))
    with np.errstate(all="ignore"):
        got = fit.quantile(PROBS)["estimate"].to_numpy()
    np.testing.assert_allclose(got, per_point(fit, PROBS), rtol=1e-12, atol=1e-300)


def test_a_truncated_fits_quantiles_equal_per_point_roots_of_the_truncated_cdf():
    x = 2.0 * np.random.default_rng(5).weibull(1.5, 2000)
    x = x[(x > 0.5) & (x < 4.0)]
    fit = fg.fit_mle(WeibullLogLik, x, truncation=(0.5, 4.0))
    assert fit.converged
    got = fit.quantile(PROBS)["estimate"].to_numpy()
    np.testing.assert_allclose(got, per_point(fit, PROBS), rtol=1e-12)
    assert np.all((got >= 0.5) & (got <= 4.0))


@given(st.lists(st.floats(1e-15, 1 - 1e-15), min_size=1, max_size=30))
def test_quantiles_at_once_equal_one_at_a_time_with_the_same_intervals(probs):
    fit = fg.fit_mle(WeibullLogLik, simulate("weibull", 200, 2))
    together = fit.quantile(probs)
    alone = [fit.quantile(p).iloc[0] for p in probs]
    for (_, row), single in zip(together.iterrows(), alone):
        np.testing.assert_allclose(row.to_numpy(), single.to_numpy(), rtol=1e-13)


def test_the_quantile_and_its_se_equal_the_weibull_closed_form_and_its_delta_method():
    fit = fg.fit_mle(WeibullLogLik, simulate("weibull", 200, 9))
    k, lam = fit.mle
    p = np.array([0.01, 0.5, 0.99])
    # closed form q = λ (−log(1 − p))^(1/k): the delta method on it by hand
    c = -np.log1p(-p)
    q = lam * c ** (1 / k)
    grad = np.column_stack([-q * np.log(c) / k ** 2, q / lam])
    se = np.sqrt(np.einsum("ij,jk,ik->i", grad, fit.cov.to_numpy(), grad))
    table = fit.quantile(p)
    np.testing.assert_allclose(table["estimate"], q, rtol=1e-13)
    np.testing.assert_allclose(table["se"], se, rtol=1e-10)


@pytest.mark.parametrize("start", [np.nan, 1e-300, 1.0, 1e300])
def test_points_from_a_poor_start_are_bracketed_and_refined_together(start):
    # every point takes the bracket and Newton/bisection path, some stepping up, some down
    from femtograd.fit.predict import _solve
    fit = fg.fit_mle(WeibullLogLik, simulate("weibull", 200, 7))
    k, lam = (float(v) for v in fit.mle)
    probs = np.array([1e-9, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-9])
    exact = lam * (-np.log1p(-probs)) ** (1 / k)
    with np.errstate(all="ignore"):
        got = _solve(fit.model.distribution, [k, lam], probs, np.full(probs.size, start),
                     0.0, np.inf)
    np.testing.assert_allclose(got, exact, rtol=1e-13)
