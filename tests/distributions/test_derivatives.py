"""Exact gradients and Hessians of every generator agree with central finite differences,
on plain, weighted, censored, interval-censored and truncated data."""

import numpy as np
import pytest

import femtograd as fg

from ._cases import CASES, CONTINUOUS, DISCRETE, ids, interval_around
from ._numeric import check_derivatives


def data(case, seed, n=30):
    rng = np.random.default_rng(seed)
    return rng, case.draw(rng, n).astype(float)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_gradient_and_hessian_match_finite_differences(case):
    rng, x = data(case, 11)
    gen = case.make(x)
    for _ in range(2):
        check_derivatives(gen, case.params(rng))


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_weighted_gradient_and_hessian_match_finite_differences(case):
    rng, x = data(case, 12)
    gen = case.make(x, weights=rng.uniform(0, 3, x.size))
    check_derivatives(gen, case.params(rng))


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_censored_gradient_and_hessian_match_finite_differences(case):
    rng, x = data(case, 13)
    mask = rng.uniform(size=x.size) < 0.4
    gen = case.make(x, censored=mask, weights=rng.integers(1, 3, x.size))
    check_derivatives(gen, case.params(rng), rtol=1e-4)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_interval_censored_gradient_and_hessian_match_finite_differences(case):
    rng, x = data(case, 14)
    lo_s = case.cls.support[0]
    lower, upper = interval_around(case, x, rng)
    lower[::3] = lo_s if np.isfinite(lo_s) else -np.inf
    upper[1::3] = np.inf
    lower[1::3] = x[1::3]
    gen = case.make(fg.IntervalData(lower, upper))
    check_derivatives(gen, case.params(rng), rtol=1e-4)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_truncated_gradient_and_hessian_match_finite_differences(case):
    rng, x = data(case, 15, n=40)
    a, b = np.quantile(x, [0.15, 0.85])
    x = x[(x >= a) & (x <= b)]
    mask = rng.uniform(size=x.size) < 0.3
    gen = case.make(x, censored=mask, truncation=(a, b))
    check_derivatives(gen, case.params(rng), rtol=1e-4)


@pytest.mark.parametrize("case", DISCRETE, ids=ids(DISCRETE))
def test_discrete_truncated_gradient_and_hessian_match_finite_differences(case):
    rng, x = data(case, 16, n=40)
    gen = case.make(x[x > 0], truncation=(0, None))
    check_derivatives(gen, case.params(rng), rtol=1e-4)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_per_row_parameters_give_per_row_scores(case):
    rng, x = data(case, 17, n=12)
    mask = (rng.uniform(size=x.size) < 0.3) if not case.discrete else None
    gen = case.make(x, censored=mask)
    p = case.params(rng)
    rows = [fg.val(np.full(x.size, v)) for v in p]
    total = fg.sum(gen.contributions(*rows))
    scores = fg.grad_nodes(total, rows)
    for i in (0, 5, 11):
        single = case.make(x[i:i + 1], censored=None if mask is None else mask[i:i + 1])
        expected = fg.gradient(single, list(p))
        got = np.array([s.data[i] for s in scores])
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.array([s.data.sum() for s in scores]),
                               fg.gradient(gen, list(p)), rtol=1e-9, atol=1e-9)


def test_weibull_loglik_gradient_and_hessian_share_one_exp_pass_per_shape(monkeypatch):
    from femtograd.core.moments import ExpMomentData
    rng = np.random.default_rng(18)
    x = 2 * rng.weibull(1.5, 1000)
    gen = fg.distributions.WeibullLogLik(x, censored=rng.uniform(size=x.size) < 0.3)
    shape, scale = fg.val(1.2), fg.val(2.0)
    ll = gen(shape, scale)
    grads = fg.grad_nodes(ll, [shape, scale])
    hess = [h for g in grads for h in fg.grad_nodes(g, [shape, scale])]
    plan = fg.core.Plan([ll, *grads, *hess])
    passes = []
    original = ExpMomentData.moment

    def counting(self, k, m):
        if k != self._k:
            passes.append(k)
        return original(self, k, m)

    monkeypatch.setattr(ExpMomentData, "moment", counting)
    shape.data = 1.3
    scale.data = 2.2
    plan.run()
    assert passes == [1.3]
    assert np.isfinite([ll.data, *(g.data for g in grads), *(h.data for h in hess)]).all()


@pytest.mark.parametrize("cls, params, lower, upper", [
    ("GammaLogLik", (2.0, 1.0), [6.0, 0.1, 2.0], [7.0, 0.2, 2.5]),
    ("BetaLogLik", (2.0, 3.0), [0.8, 0.01, 0.3], [0.9, 0.02, 0.4]),
    ("CauchyLogLik", (0.0, 1.0), [5.0, -6.0, -0.5], [6.0, -5.0, 0.5]),
    ("StudentTLogLik", (0.0, 1.0, 3.0), [5.0, -6.0, -0.5], [6.0, -5.0, 0.5]),
])
def test_interval_derivatives_hold_in_both_halves_of_the_distribution(cls, params, lower, upper):
    gen = getattr(fg.distributions, cls)(fg.IntervalData(lower, upper))
    check_derivatives(gen, params, rtol=1e-5)
