"""The Student t at large df: its constant and its kernel keep their digits, so nearly normal
data either have a maximum at a finite df or say that df runs off to infinity — never a
"converged" fit at a df where rounding made a false maximum."""

import math
import warnings

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.core import Value, grad_nodes
from femtograd.core.ops import lgamma_half_ratio
from femtograd.core.quadratic import QuadraticData
from femtograd.distributions import NormalLogLik, StudentTLogLik


def _h(a):
    return mp.loggamma(a + mp.mpf(1) / 2) - mp.loggamma(a) - mp.log(a) / 2


@pytest.mark.parametrize("a", [0.05, 0.7, 3.0, 7.99, 8.0, 30.0, 1e4, 3.7e9])
@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_the_half_ratio_and_its_derivatives_against_mpmath(a, n):
    mp.mp.dps = 60
    ref = _h(mp.mpf(a)) if n == 0 else mp.diff(_h, mp.mpf(a), n, h=mp.mpf(a) * mp.mpf(10) ** -15)
    assert lgamma_half_ratio(Value(a), n=n).data == pytest.approx(float(ref), rel=3e-13)


def test_its_derivative_is_the_next_order():
    a = Value(123.4)
    (g,) = grad_nodes(lgamma_half_ratio(a), [a])
    (h,) = grad_nodes(g, [a])
    assert g.data == lgamma_half_ratio(123.4, n=1).data
    assert h.data == lgamma_half_ratio(123.4, n=2).data


def test_log1p_of_a_square_below_rounding_keeps_its_digits():
    x = np.random.default_rng(0).normal(size=1000)
    data = QuadraticData(x)
    for c in (1.0, 1e6, 1e12, 1e100):
        want = math.fsum(np.log1p(((x - 0.3) / c) ** 2))
        assert data.log_sum(0.3, c) == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize("df", [30.0, 1e3, 1e8])
def test_the_log_likelihood_is_scipys(df):
    x = np.random.default_rng(1).normal(3.0, 2.0, 500)
    want = math.fsum(stats.t.logpdf(x, df, 3.0, 2.0))
    assert StudentTLogLik(x)(3.0, 2.0, df).data == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("df", [1e12, 1e15, 1e100])
def test_at_a_huge_df_it_is_the_normals(df):
    x = np.random.default_rng(1).normal(3.0, 2.0, 500)
    normal = NormalLogLik(x)(3.0, 2.0).data  # the t differs by O(n/df)
    assert StudentTLogLik(x)(3.0, 2.0, df).data == pytest.approx(normal, abs=1e-9)


def test_nearly_normal_samples_converge_at_a_finite_df_or_say_df_runs_off():
    seen = set()
    for seed in range(60):
        x = np.random.default_rng(seed).normal(3.0, 2.0, 1000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fg.fit_mle(StudentTLogLik, x)
        seen.add(fit.status)
        if fit.converged:
            assert fit.params["df"] < 1e4, (seed, fit.params["df"])
        else:
            assert fit.status == "boundary" and "df → ∞" in fit.message, (seed, fit.message)
    assert seen == {"converged", "boundary"}
