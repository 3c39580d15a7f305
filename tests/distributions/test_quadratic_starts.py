"""The Cauchy and Student t starts are the MLE when every row is exact: Newton steps in floats
on the quadratic pass (`QuadraticData.sums`, `starts.newton_ascent`) land where a fit from a far
start ends, so that a fit from them takes no Newton step; censored rows keep the simple start."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

import femtograd as fg
from femtograd.core.quadratic import QuadraticData
from femtograd.distributions import CauchyLogLik, StudentTLogLik
from femtograd.distributions.spaces import space_for
from femtograd.distributions.starts import newton_ascent, sample_quantiles

REAL = (space_for("real"), space_for("real"))


def far_start(gen_cls, x, w=None):
    """The median and half the interquartile range (the t's at df 4): where the starts began."""
    q1, median, q3 = np.quantile(x, (0.25, 0.5, 0.75), method="inverted_cdf")
    if gen_cls is CauchyLogLik:
        return {"location": float(median), "scale": float(q3 - q1) / 2}
    return {"location": float(median), "scale": float(q3 - q1) / 2 / special.stdtrit(4, 0.75),
            "df": 4.0}


def fit(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fg.fit_mle(*args, **kw)


def assert_same_fit(a, b):
    """Estimates within 1e-6 standard errors (the fit's own tolerance is far below; or to
    rounding, where weights of 1e300 make the errors tiny), SEs and log-likelihood to
    rounding. Where the maximum is at df → ∞ (both say "boundary"), location and scale to
    1e-4: along the df ridge each fit stops where the rise falls below rounding."""
    assert a.status == b.status
    if a.status == "boundary":
        np.testing.assert_allclose(a.mle[:2], b.mle[:2], rtol=1e-4)
        return
    assert a.converged
    np.testing.assert_array_less(np.abs(a.mle - b.mle),
                                 1e-6 * np.asarray(a.se) + 1e-13 * np.abs(a.mle))
    np.testing.assert_allclose(a.se, b.se, rtol=1e-6)
    assert a.loglik == pytest.approx(b.loglik, rel=1e-13, abs=1e-12)


def draw(family, rng, n, df):
    return rng.standard_cauchy(n) if family is CauchyLogLik else rng.standard_t(df, n)


@settings(max_examples=60, deadline=None)
@given(family=st.sampled_from([CauchyLogLik, StudentTLogLik]), n=st.integers(200, 3000),
       df=st.sampled_from([0.8, 1.5, 3.0, 6.0]), location=st.floats(-1e6, 1e6),
       log_scale=st.floats(-40.0, 40.0), weighted=st.booleans(),
       seed=st.integers(0, 2**31 - 1))
def test_the_start_is_the_mle_and_a_fit_from_it_equals_one_from_a_far_start(
        family, n, df, location, log_scale, weighted, seed):
    rng = np.random.default_rng(seed)
    x = math.exp(log_scale) * (location + draw(family, rng, n, df))  # location in scale units
    w = rng.uniform(0.2, 3.0, n) if weighted else None
    gen = family(x, weights=w)
    start = gen.start()
    reference = fit(family, x, weights=w, start=far_start(family, x))
    if family is StudentTLogLik and not reference.mle[2] < 50:
        return  # a df past the start's reach: the fit takes over (tested below)
    from_start = fit(gen)
    if abs(location) <= 1e3:  # (beyond, the rows' own rounding is more than the test allows)
        assert from_start.iterations == 0  # the fit only confirms the start
    assert_same_fit(from_start, reference)
    se = np.asarray(reference.se)
    np.testing.assert_array_less(np.abs(np.array(list(start.values())) - reference.mle),
                                 1e-6 * se if abs(location) <= 1e3 else 1e-3 * se)


@pytest.mark.parametrize("family", [CauchyLogLik, StudentTLogLik])
def test_a_start_at_n_1e3_takes_a_few_passes_and_the_fit_one_more(family):
    x = 3.0 + 2.0 * draw(family, np.random.default_rng(4), 1000, 5.0)
    gen = family(x)
    passes = []
    original = QuadraticData._pass
    try:
        QuadraticData._pass = lambda self, a, c, q, direct: (
            passes.append((a, c)) or original(self, a, c, q, direct))
        gen.start()
        in_start = len(passes)
        passes.clear()
        fitted = fg.fit_mle(gen)  # (it makes the start again)
    finally:
        QuadraticData._pass = original
    assert in_start <= 6  # from the quartiles' start, the fit took 5 or 6
    assert fitted.iterations == 0
    assert len(passes) <= in_start + 1  # the start's last pass serves the fit's first evaluation


@pytest.mark.parametrize("family", [CauchyLogLik, StudentTLogLik])
@pytest.mark.parametrize("case", ["outliers", "ties", "censored", "censored_weighted",
                                  "weights_1e300", "units_1e-150", "units_1e150", "tiny"])
def test_hard_data_fit_as_from_a_far_start(family, case):
    rng = np.random.default_rng(11)
    x = 2.0 + draw(family, rng, 400, 3.0)
    kw = {}
    if case == "outliers":
        x[:5] = [1e12, -1e12, 1e15, 3e9, -7e10]
    elif case == "ties":
        x = np.round(x, 0)  # many rows equal, fewer than half at any one value
    elif case.startswith("censored"):
        kw["censored"] = rng.random(x.size) < 0.3
        if case == "censored_weighted":
            kw["weights"] = rng.uniform(0.5, 2.0, x.size)
    elif case == "weights_1e300":
        kw["weights"] = np.full(x.size, 1e300)
    elif case.startswith("units"):
        x = x * float(case[6:])
    elif case == "tiny":
        x = x[:12]
    assert_same_fit(fit(family, x, **kw), fit(family, x, start=far_start(family, x), **kw))


def test_a_normal_sample_leaves_the_t_fit_where_it_went_before():
    # no finite maximum in df: the start stops its steps at df = 100 and the fit goes on
    x = np.random.default_rng(3).normal(1.0, 2.0, 2000)
    start = StudentTLogLik(x).start()
    assert start["df"] <= 100.0 * (1 + 1e-15)
    assert fit(StudentTLogLik, x).status == fit(StudentTLogLik, x, start=far_start(
        StudentTLogLik, x)).status


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 200), a=st.floats(-5, 5), log_c=st.floats(-3, 3), weighted=st.booleans(),
       seed=st.integers(0, 2**31 - 1))
def test_sums_are_the_moments_of_the_rows(n, a, log_c, weighted, seed):
    rng = np.random.default_rng(seed)
    x, c = rng.standard_cauchy(n), math.exp(log_c)
    w = rng.uniform(0, 2, n) if weighted else np.ones(n)
    z = (x - a) / c
    r = 1 / (1 + z * z)
    expected = [np.sum(w * np.log1p(z * z)), np.sum(w * r), np.sum(w * z * r),
                np.sum(w * r * r), np.sum(w * z * r * r)]
    got = QuadraticData(x, w if weighted else None).sums(a, c)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * np.sum(w))


def test_newton_ascent_climbs_a_concave_function_to_its_maximum_and_stops_where_told():
    # f(p) = −(p0 − 3)² − 2(p1 + 1)⁴, local coordinates = the plain ones
    def evaluate(p):
        a, b = p
        return (-(a - 3) ** 2 - 2 * (b + 1) ** 4 - 1.0, [-2 * (a - 3), -8 * (b + 1) ** 3],
                [[-2.0, 0.0], [0.0, -24 * (b + 1) ** 2]])

    def move(p, d):
        return p[0] + d[0], p[1] + d[1]
    a, b = newton_ascent(evaluate, move, (0.0, 2.0), REAL)
    assert a == pytest.approx(3.0, abs=1e-12) and b == pytest.approx(-1.0, abs=1e-3)
    # a move refused (None) stops the ascent where it is
    assert newton_ascent(evaluate, lambda p, d: None, (0.0, 2.0), REAL) == (0.0, 2.0)


@settings(max_examples=100, deadline=None)
@given(x=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=300),
       probs=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6), ties=st.booleans())
def test_unweighted_sample_quantiles_are_numpys_inverted_cdf(x, probs, ties):
    x = np.round(np.array(x), 0) if ties else np.array(x)
    expected = [float(q) for q in np.quantile(x, probs, method="inverted_cdf")]
    assert sample_quantiles(x, None, probs) == expected
