"""Specifications of a family apart from its rows: public, support-aware methods against scipy,
with scalar and per-row parameters, inside and beyond the support; the class-creation checks."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

import femtograd as fg
from femtograd.distributions import (BernoulliLogLik, BetaLogLik, BinomialLogLik, ExpLogLik,
                                     Family, GammaLogLik, LogLikGenerator, NormalLogLik,
                                     PoissonLogLik, Truncated, WeibullLogLik)

from ._cases import CASES, CONTINUOUS, ids


def points(case, ref):
    """Points over the distribution and beyond its support's finite ends (not on an open end)."""
    fam = case.cls.family(**case.options)
    lo, hi = fam.support
    if case.discrete:
        top = float(ref.ppf(0.999)) + 3.0
        x = np.concatenate([np.arange(-2.0, top + 1.0), [0.5, 2.5, top + 0.5]])
        return x[np.isfinite(x)]
    x = ref.ppf(np.linspace(0.001, 0.999, 23))
    beyond = [e + s for e, s in ((lo, -1.0), (hi, 1.0)) if np.isfinite(e)]
    closed = [e for e, o in zip((lo, hi), fam.support_open) if np.isfinite(e) and not o]
    return np.concatenate([x, beyond, closed])


def close(got, want):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert np.array_equal(np.isneginf(got), np.isneginf(want)), (got, want)
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_public_methods_match_scipy_inside_and_beyond_the_support(case):
    rng = np.random.default_rng(11)
    fam = case.cls.family(**case.options)
    for _ in range(3):
        p = case.params(rng)
        ref = case.ref(*p)
        x = points(case, ref)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want_pdf = ref.logpmf(x) if case.discrete else ref.logpdf(x)
            close(fam.logpdf(x, *p).data, want_pdf)
            close(fam.logcdf(x, *p).data, ref.logcdf(x))
            close(fam.logsf(x, *p).data, ref.logsf(x))
            close(fam.cdf(x, *p).data, ref.cdf(x))
            close(fam.sf(x, *p).data, ref.sf(x))


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_per_row_parameters_give_each_point_its_own_distribution(case):
    rng = np.random.default_rng(12)
    fam = case.cls.family(**case.options)
    rows = [case.params(rng) for _ in range(6)]
    per_row = [np.array(col) for col in zip(*rows)]
    refs = [case.ref(*p) for p in rows]
    x = np.array([float(r.ppf(q)) for r, q in zip(refs, np.linspace(0.1, 0.9, 6))])
    as_values = [fg.val(col) for col in per_row]
    for method, ref_method in (("logcdf", "logcdf"), ("logsf", "logsf"),
                               ("logpdf", "logpmf" if case.discrete else "logpdf")):
        want = [getattr(r, ref_method)(xi) for r, xi in zip(refs, x)]
        close(getattr(fam, method)(x, *per_row).data, want)
        close(getattr(fam, method)(x, *as_values).data, want)


def test_a_scalar_point_and_scalar_parameters_give_a_scalar_value():
    fam = WeibullLogLik.family()
    v = fam.logpdf(1.3, 1.5, 2.0)
    assert v.shape == ()
    assert float(v.data) == pytest.approx(stats.weibull_min(1.5, scale=2.0).logpdf(1.3), rel=1e-13)
    assert fam.logpdf(1.3, np.array([1.5, 2.5]), 2.0).shape == (2,)


def test_per_row_gradients_are_each_points_own_and_match_finite_differences():
    fam = GammaLogLik.family()
    x = np.array([0.5, 1.5, 4.0])
    shape, rate = fg.val(np.array([1.2, 2.5, 0.7])), fg.val(np.array([0.8, 1.1, 2.0]))
    fg.sum(fam.logsf(x, shape, rate)).backward()
    h = 1e-6
    for i in range(3):
        k, r = shape.data[i], rate.data[i]
        d = (stats.gamma(k + h, scale=1 / r).logsf(x[i])
             - stats.gamma(k - h, scale=1 / r).logsf(x[i])) / (2 * h)
        assert shape.grad[i] == pytest.approx(d, rel=1e-6)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_log_mass_is_the_log_probability_of_a_half_open_interval(case):
    rng = np.random.default_rng(13)
    fam = case.cls.family(**case.options)
    p = case.params(rng)
    ref = case.ref(*p)
    qs = ref.ppf([0.05, 0.3, 0.6, 0.95])
    lo, hi = fam.support
    a = np.array([qs[0], qs[1], lo - 1 if np.isfinite(lo) else -1e308, qs[2], qs[3]])
    b = np.array([qs[2], qs[3], qs[1], np.inf, qs[0]])
    want = np.log(np.maximum(ref.cdf(b) - ref.cdf(a), 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = fam.log_mass(a, b, *p).data
    close(got, want)


def test_log_mass_of_counts_is_p_of_a_below_x_at_most_b():
    fam = PoissonLogLik.family()
    ref = stats.poisson(2.0)
    got = fam.log_mass(np.array([-1.0, 0.0, 2.5, 3.0]), np.array([3.0, 3.0, 3.0, 3.0]), 2.0).data
    want = np.log([ref.cdf(3), ref.cdf(3) - ref.pmf(0), ref.pmf(3), 0.0])
    close(got, want)


def test_weibull_hazard_is_right_far_in_the_tail():
    fam = WeibullLogLik.family()
    k, lam = 1.5, 2.0
    for x in (1e100, 1e300):
        want = np.log(k / lam) + (k - 1) * np.log(x / lam)
        assert float(fam.log_hazard(x, k, lam).data) == pytest.approx(want, rel=1e-14)
    assert float(fam.hazard(1e100, k, lam).data) == pytest.approx(k / lam * (1e100 / lam) ** 0.5,
                                                                   rel=1e-13)
    assert float(ExpLogLik.family().hazard(1e300, 0.25).data) == pytest.approx(0.25, rel=1e-15)


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_hazard_is_density_over_survival(case):
    fam = case.cls.family(**case.options)
    p = case.params(np.random.default_rng(14))
    ref = case.ref(*p)
    x = ref.ppf([0.1, 0.5, 0.9])
    np.testing.assert_allclose(fam.hazard(x, *p).data, ref.pdf(x) / ref.sf(x), rtol=1e-8)
    np.testing.assert_allclose(fam.cumhazard(x, *p).data, -ref.logsf(x), rtol=1e-8)


def test_discrete_hazard_is_the_probability_of_x_given_at_least_x():
    fam = PoissonLogLik.family()
    ref = stats.poisson(3.0)
    x = np.array([0.0, 2.0, 5.0])
    np.testing.assert_allclose(fam.hazard(x, 3.0).data, ref.pmf(x) / ref.sf(x - 1), rtol=1e-12)


def test_ppf_and_rvs_are_scipys():
    fam = GammaLogLik.family()
    ref = stats.gamma(2.0, scale=1 / 1.5)
    q = np.array([0.01, 0.5, 0.99])
    np.testing.assert_allclose(fam.ppf(q, 2.0, 1.5), ref.ppf(q), rtol=1e-14)
    np.testing.assert_array_equal(fam.rvs(2.0, 1.5, size=5, random_state=7),
                                  ref.rvs(size=5, random_state=np.random.default_rng(7)))
    with pytest.raises(ValueError, match="probabilities must lie in"):
        fam.ppf([0.5, 1.5], 2.0, 1.5)


def test_parameters_outside_their_space_and_wrong_counts_are_refused():
    fam = WeibullLogLik.family()
    with pytest.raises(ValueError, match="parameter scale must be positive; got -1.0 at index 1"):
        fam.logpdf([1.0, 2.0], 1.5, np.array([1.0, -1.0]))
    with pytest.raises(TypeError, match="takes 2 parameter"):
        fam.logpdf(1.0, 1.5)
    with pytest.raises(ValueError, match="points contain NaN at position 1"):
        fam.cdf([1.0, np.nan], 1.5, 2.0)


def test_support_text_is_derived_from_the_support():
    assert WeibullLogLik.family().support_text == "x > 0"
    assert ExpLogLik.family().support_text == "x >= 0"
    assert BetaLogLik.family().support_text == "0 < x < 1"
    assert NormalLogLik.family().support_text == "a real number"
    assert PoissonLogLik.family().support_text == "counts 0, 1, 2, ..."
    assert BernoulliLogLik.family().support_text == "0 or 1"
    assert BinomialLogLik.family(size=12).support_text == "counts 0, ..., 12"
    with pytest.raises(ValueError, match=r"support of binomial \(counts 0, \.\.\., 12\)"):
        BinomialLogLik([3, 13], size=12)


def test_a_family_without_survival_hooks_is_a_type_error_at_definition():
    with pytest.raises(TypeError, match="must define _logsf.*or _logcdf"):
        class NoSurvival(LogLikGenerator):
            name = "nosurvival"
            param_names = ("rate",)
            constraints = ("positive",)

            def _logpdf(self, x, rate):
                return fg.log(rate) - rate * x
    with pytest.raises(TypeError, match="must define _logpdf"):
        class NoDensity(Family):
            param_names = ("rate",)
            constraints = ("positive",)

            def _logsf(self, x, rate):
                return -rate * x
    with pytest.raises(ValueError, match="unknown constraint 'integer'"):
        class BadSpace(Family):
            param_names = ("n",)
            constraints = ("integer",)

            def _logpdf(self, x, n):
                return x

            def _logsf(self, x, n):
                return x


def test_a_family_with_one_survival_hook_derives_the_other():
    class Exp(Family):
        param_names = ("rate",)
        constraints = ("positive",)
        support = (0.0, np.inf)

        def _logpdf(self, x, rate):
            return fg.log(rate) - rate * x

        def _logsf(self, x, rate):
            return -rate * x

    x = np.array([-1.0, 0.5, 2.0])
    np.testing.assert_allclose(Exp().logcdf(x, 0.7).data, stats.expon(scale=1 / 0.7).logcdf(x))


def test_the_family_alone_is_not_a_log_likelihood():
    with pytest.raises(TypeError, match="no rows"):
        WeibullLogLik.family()(1.0, 2.0)


positive = st.floats(min_value=0.05, max_value=20.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-5.0, 60.0), min_size=3, max_size=3), positive, positive,
       st.floats(0.0, 3.0))
def test_log_masses_add_up_and_truncation_renormalizes(cuts, shape, scale, entry):
    """P(a < X ≤ b) + P(b < X ≤ c) = P(a < X ≤ c), for the family and for it truncated."""
    a, b, c = np.sort(cuts)
    for fam in (WeibullLogLik.family(), Truncated(WeibullLogLik.family(), entry, np.inf)):
        whole = np.exp(fam.log_mass(a, c, shape, scale).data)
        parts = np.exp(fam.log_mass(np.array([a, b]), np.array([b, c]), shape, scale).data)
        assert np.isclose(parts.sum(), whole, rtol=1e-9, atol=1e-300)
        x = np.array([a, b, c])
        total = np.exp(fam.logcdf(x, shape, scale).data) + np.exp(fam.logsf(x, shape, scale).data)
        np.testing.assert_allclose(total, 1.0, rtol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_every_family_takes_per_row_parameters_over_every_kind_of_row(case):
    """gen(*per-row Values) is Σ wᵢ log P(row i) under row i's own parameters: exact, right-,
    left- and interval-censored rows (inclusive count bounds for a discrete family)."""
    rng = np.random.default_rng(15)
    rows = [case.params(rng) for _ in range(8)]
    refs = [case.ref(*p) for p in rows]
    q = rng.uniform(0.15, 0.85, 8)
    x = np.array([float(r.ppf(v)) for r, v in zip(refs, q)])
    lower, upper = x.copy(), x.copy()
    kinds = ["exact", "right", "left", "interval"] * 2
    for i, kind in enumerate(kinds):
        step = 1.0 if case.discrete else 0.5 * abs(x[i]) + 0.1
        if kind == "right":
            upper[i] = np.inf
        elif kind == "left":
            lower[i] = -np.inf
        elif kind == "interval":
            upper[i] = x[i] + step
    if case.cls.family(**case.options).support[0] == 0.0:
        lower = np.where(np.isneginf(lower), 0.0, lower)
    if case.id in ("bernoulli", "binomial"):
        upper = np.minimum(upper, case.cls.family(**case.options).support[1])
    w = rng.uniform(0.5, 2.0, 8)
    gen = case.make(fg.IntervalData(lower, upper), weights=w)
    per_row = [fg.val(np.array(col)) for col in zip(*rows)]
    want = 0.0
    for r, lo, hi, wi in zip(refs, lower, upper, w):
        if lo == hi:
            want += wi * (r.logpmf(lo) if case.discrete else r.logpdf(lo))
        else:
            below = r.cdf(lo - 1) if case.discrete else r.cdf(lo)
            want += wi * np.log(r.cdf(hi) - below)
    assert float(gen(*per_row).data) == pytest.approx(want, rel=1e-9)
