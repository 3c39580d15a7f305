"""Frequency weights count rows; edge-case data give finite values where the math allows."""

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import (BetaLogLik, CauchyLogLik, ExpLogLik, GammaLogLik,
                                     InverseGaussianLogLik, LogisticLogLik, LogLogisticLogLik,
                                     LogNormalLogLik, NormalLogLik, PoissonLogLik, StudentTLogLik,
                                     WeibullLogLik)

from ._cases import CASES, CONTINUOUS, ids


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_integer_weights_equal_the_same_rows_repeated(case):
    rng = np.random.default_rng(21)
    x = case.draw(rng, 30).astype(float)
    w = rng.integers(0, 4, x.size)
    w[0] = 2
    p = case.params(rng)
    weighted = case.make(x, weights=w)
    repeated = case.make(np.repeat(x, w))
    assert weighted(*p).data == pytest.approx(repeated(*p).data, rel=1e-12)
    np.testing.assert_allclose(fg.gradient(weighted, list(p)), fg.gradient(repeated, list(p)),
                               rtol=1e-10, atol=1e-10)
    assert weighted.nobs == repeated.nobs == w.sum()
    assert weighted.n == x.size


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_weighted_censored_rows_equal_repeated_censored_rows(case):
    rng = np.random.default_rng(22)
    x = case.draw(rng, 30).astype(float)
    mask = rng.uniform(size=x.size) < 0.4
    w = rng.integers(1, 4, x.size)
    p = case.params(rng)
    a = case.make(x, censored=mask, weights=w)(*p).data
    b = case.make(np.repeat(x, w), censored=np.repeat(mask, w))(*p).data
    assert a == pytest.approx(b, rel=1e-12)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_all_censored_data_give_a_finite_loglik_and_start(case):
    rng = np.random.default_rng(23)
    x = case.draw(rng, 20).astype(float)
    gen = case.make(x, censored=np.ones(x.size, bool))
    p = case.params(rng)
    assert np.isfinite(gen(*p).data)
    assert np.isfinite(fg.gradient(gen, list(p))).all()
    assert all(np.isfinite(v) for v in gen.start().values())


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_a_single_observation_gives_finite_loglik_and_start(case):
    rng = np.random.default_rng(24)
    x = case.draw(rng, 1).astype(float)
    gen = case.make(x)
    start = gen.start()
    assert list(start) == list(case.cls.param_names)
    assert np.isfinite(gen(*start.values()).data)
    assert np.isfinite(gen(*case.params(rng)).data)


@pytest.mark.parametrize("cls, params", [
    (ExpLogLik, (1.0,)), (WeibullLogLik, (0.5, 1.0)), (WeibullLogLik, (1.0, 3.0)),
    (GammaLogLik, (2.0, 1.0)), (LogNormalLogLik, (0.0, 1.0)), (LogLogisticLogLik, (1.5, 1.0)),
    (InverseGaussianLogLik, (1.0, 2.0)),
], ids=lambda v: getattr(v, "name", str(v)))
def test_lifetimes_from_1e_minus_300_to_1e300_give_finite_values(cls, params):
    x = np.array([1e-300, 1.0, 1e300, 3.0])
    for gen in (cls(x), cls(x, censored=[False, False, False, True]),
                cls(x, weights=[1, 2, 3, 4])):
        assert np.isfinite(gen(*params).data)
        assert np.isfinite(gen.contributions(*params).data).all()
        assert np.isfinite(fg.gradient(gen, list(params))).all()


@pytest.mark.parametrize("cls, params", [
    (NormalLogLik, (0.0, 1.0)), (LogisticLogLik, (0.0, 1.0)), (CauchyLogLik, (0.0, 1.0)),
    (StudentTLogLik, (0.0, 1.0, 3.0)),
], ids=lambda v: getattr(v, "name", str(v)))
def test_real_data_far_in_both_tails_give_finite_values(cls, params):
    x = np.array([-1e150, 0.0, 1e150])
    gen = cls(x)
    assert np.isfinite(gen(*params).data)
    assert np.isfinite(fg.gradient(gen, list(params))).all()


def test_beta_data_next_to_0_and_1_give_finite_values():
    gen = BetaLogLik([1e-300, 0.5, 1 - 1e-16])
    assert np.isfinite(gen(0.7, 1.3).data)
    assert np.isfinite(fg.hessian(gen, [0.7, 1.3])).all()


def test_huge_counts_give_finite_poisson_values():
    gen = PoissonLogLik([0, 1e15, 3])
    assert np.isfinite(gen(1e14).data)


def test_weibull_centred_log_data_keep_the_cumulative_hazard_finite_at_large_shape():
    x = np.array([1e100, 2e100, 3e100])
    gen = WeibullLogLik(x)
    # (x/scale)^shape with x/scale near 1 although x^shape alone would overflow
    assert np.isfinite(gen(50.0, 2e100).data)
    assert np.isfinite(fg.hessian(gen, [50.0, 2e100])).all()


def test_zero_weight_rows_count_for_nothing():
    x = np.array([1.0, 2.0, 7.0])
    gen = ExpLogLik(x, weights=[1, 1, 0])
    assert gen(0.5).data == pytest.approx(ExpLogLik(x[:2])(0.5).data)
    assert gen.nobs == 2.0


def test_rows_known_only_to_lie_in_the_support_contribute_nothing():
    gen = WeibullLogLik(fg.IntervalData([0.0, 1.0], [np.inf, 1.0]))
    assert gen(1.5, 2.0).data == pytest.approx(WeibullLogLik([1.0])(1.5, 2.0).data)
