"""Every log-likelihood equals the sum of scipy.stats log densities (and log survival,
log CDF, CDF differences) — full densities, constants included."""

import numpy as np
import pytest

import femtograd as fg

from ._cases import CASES, CONTINUOUS, DISCRETE, ids, interval_around

RTOL = 1e-10
N_PARAMS = 8


def close(value, ref, rtol=RTOL):
    assert np.isfinite(value)
    assert value == pytest.approx(ref, rel=rtol, abs=rtol)


def log_mass(ref, lo, hi):
    """log P(lo < X <= hi) from scipy, by CDF or survival differences, whichever is accurate."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    upper = ref.cdf(lo) > 0.5
    return np.log(np.where(upper, ref.sf(lo) - ref.sf(hi), ref.cdf(hi) - ref.cdf(lo)))


def draws(case, seed, n=40):
    rng = np.random.default_rng(seed)
    x = case.draw(rng, n).astype(float)
    return rng, x


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_loglik_equals_sum_of_scipy_logpdf(case):
    rng, x = draws(case, 1)
    gen = case.make(x)
    for _ in range(N_PARAMS):
        p = case.params(rng)
        ref = case.ref(*p)
        expected = (ref.logpmf(x) if case.discrete else ref.logpdf(x)).sum()
        close(gen(*p).data, expected)
        close(gen(*[fg.val(v) for v in p]).data, expected)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_sufficient_statistics_equal_the_elementwise_contributions(case):
    rng, x = draws(case, 2)
    w = rng.integers(0, 4, x.size).astype(float)
    for gen in (case.make(x), case.make(x, weights=w)):
        for _ in range(3):
            p = case.params(rng)
            contrib = gen.contributions(*p).data
            assert contrib.shape == (x.size,)
            close(gen(*p).data, float(np.dot(gen.weights, contrib)))


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_right_censored_rows_contribute_log_survival(case):
    rng, x = draws(case, 3)
    mask = rng.uniform(size=x.size) < 0.4
    gen = case.make(x, censored=mask)
    for _ in range(N_PARAMS):
        p = case.params(rng)
        ref = case.ref(*p)
        close(gen(*p).data, ref.logpdf(x[~mask]).sum() + ref.logsf(x[mask]).sum())
        close(float(gen.contributions(*p).data.sum()), gen(*p).data)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_interval_data_mix_exact_right_left_and_interval_rows(case):
    rng, x = draws(case, 4, n=60)
    lo_s = case.cls.support[0]
    lower, upper = x.copy(), x.copy()
    kind = np.arange(x.size) % 4          # 0 exact, 1 right, 2 left, 3 interval
    upper[kind == 1] = np.inf
    lower[kind == 2] = lo_s if np.isfinite(lo_s) else -np.inf
    il, iu = interval_around(case, x, rng)
    lower[kind == 3], upper[kind == 3] = il[kind == 3], iu[kind == 3]
    gen = case.make(fg.IntervalData(lower, upper))
    for _ in range(N_PARAMS):
        p = case.params(rng)
        ref = case.ref(*p)
        expected = (ref.logpdf(x[kind == 0]).sum() + ref.logsf(x[kind == 1]).sum()
                    + ref.logcdf(x[kind == 2]).sum()
                    + log_mass(ref, il[kind == 3], iu[kind == 3]).sum())
        close(gen(*p).data, expected, rtol=1e-9)
        close(float(gen.contributions(*p).data.sum()), gen(*p).data, rtol=1e-9)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_left_censoring_at_minus_infinity_equals_log_cdf(case):
    rng, x = draws(case, 5)
    gen = case.make(fg.IntervalData(np.full(x.size, -np.inf), x))
    p = case.params(rng)
    close(gen(*p).data, case.ref(*p).logcdf(x).sum())


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_truncation_subtracts_log_probability_of_the_window_per_observation(case):
    rng, x = draws(case, 6, n=60)
    a, b = np.quantile(x, [0.1, 0.9])
    keep = (x >= a) & (x <= b)
    x = x[keep]
    w = rng.integers(1, 4, x.size).astype(float)
    gen = case.make(x, truncation=(a, b), weights=w)
    for _ in range(N_PARAMS):
        p = case.params(rng)
        ref = case.ref(*p)
        expected = np.dot(w, ref.logpdf(x) - log_mass(ref, a, b))
        close(gen(*p).data, expected, rtol=1e-9)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_one_sided_truncation_uses_survival_or_cdf(case):
    rng, x = draws(case, 7)
    a = float(np.quantile(x, 0.2))
    b = float(np.quantile(x, 0.8))
    p = case.params(rng)
    ref = case.ref(*p)
    above = x[x >= a]
    close(case.make(above, truncation=(a, None))(*p).data,
          (ref.logpdf(above) - ref.logsf(a)).sum(), rtol=1e-9)
    below = x[x <= b]
    close(case.make(below, truncation=(None, b))(*p).data,
          (ref.logpdf(below) - ref.logcdf(b)).sum(), rtol=1e-9)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_censoring_inside_truncation_is_clipped_to_the_window(case):
    rng, x = draws(case, 8, n=60)
    a, b = np.quantile(x, [0.1, 0.9])
    x = x[(x >= a) & (x <= b)]
    mask = rng.uniform(size=x.size) < 0.4
    gen = case.make(x, censored=mask, truncation=(a, b))
    for _ in range(4):
        p = case.params(rng)
        ref = case.ref(*p)
        norm = log_mass(ref, a, b)
        expected = (ref.logpdf(x[~mask]).sum() + log_mass(ref, x[mask], b).sum()
                    - x.size * norm)
        close(gen(*p).data, expected, rtol=1e-8)


@pytest.mark.parametrize("case", DISCRETE, ids=ids(DISCRETE))
def test_discrete_truncation_conditions_on_a_below_x_at_most_b(case):
    rng, x = draws(case, 9, n=80)
    p = case.params(rng)
    ref = case.ref(*p)
    pos = x[x > 0]
    close(case.make(pos, truncation=(0, None))(*p).data,
          (ref.logpmf(pos) - ref.logsf(0)).sum(), rtol=1e-9)
    if case.id != "bernoulli":
        a, b = 1, int(np.quantile(x, 0.8))
        inside = x[(x > a) & (x <= b)]
        close(case.make(inside, truncation=(a, b))(*p).data,
              (ref.logpmf(inside) - log_mass(ref, a, b)).sum(), rtol=1e-9)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_weighted_right_censored_rows_are_weighted(case):
    rng, x = draws(case, 10)
    mask = rng.uniform(size=x.size) < 0.5
    w = rng.uniform(0, 3, x.size)
    gen = case.make(x, censored=mask, weights=w)
    p = case.params(rng)
    ref = case.ref(*p)
    expected = np.dot(w, np.where(mask, ref.logsf(x), ref.logpdf(x)))
    close(gen(*p).data, expected)


@pytest.mark.parametrize("cls, params, lower, upper", [
    ("WeibullLogLik", (1.5, 1.0), [8.0, 1e-6], [9.0, 2e-6]),
    ("ExpLogLik", (1.0,), [30.0, 1e-9], [31.0, 3e-9]),
    ("NormalLogLik", (0.0, 1.0), [8.0, -9.0], [9.0, -8.0]),
    ("LogNormalLogLik", (0.0, 1.0), [np.exp(7.0), np.exp(-8.0)], [np.exp(8.0), np.exp(-7.0)]),
    ("LogisticLogLik", (0.0, 1.0), [30.0, -31.0], [31.0, -30.0]),
    ("LogLogisticLogLik", (2.0, 1.0), [1e3, 1e-6], [2e3, 2e-6]),
    ("GumbelLogLik", (0.0, 1.0), [30.0, -3.0], [31.0, -2.5]),
    ("GammaLogLik", (2.0, 1.0), [40.0, 1e-6], [41.0, 2e-6]),
    ("BetaLogLik", (2.0, 3.0), [1 - 1e-5, 1e-6], [1 - 1e-6, 2e-6]),
    ("CauchyLogLik", (0.0, 1.0), [1e7, -2e7], [2e7, -1e7]),
    ("StudentTLogLik", (0.0, 1.0, 3.0), [1e3, -2e3], [2e3, -1e3]),
])
def test_interval_rows_deep_in_either_tail_keep_their_precision(cls, params, lower, upper):
    gen = getattr(fg.distributions, cls)(fg.IntervalData(lower, upper))
    ref = gen.scipy(*params)
    close(gen(*params).data, log_mass(ref, lower, upper).sum(), rtol=1e-9)


def test_log_logistic_interval_far_in_the_upper_tail_matches_exact_arithmetic():
    # scipy's fisk loses this to cancellation; S(x) = 1 / (1 + x²) in exact arithmetic
    from fractions import Fraction
    gen = fg.distributions.LogLogisticLogLik(fg.IntervalData([1e6], [2e6]))
    exact = 1 / (1 + Fraction(10**6) ** 2) - 1 / (1 + Fraction(2 * 10**6) ** 2)
    close(gen(2.0, 1.0).data, np.log(float(exact)), rtol=1e-12)
