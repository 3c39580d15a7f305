"""Kaplan–Meier, Greenwood, Nelson–Aalen and Turnbull against published tables, hand formulas
and naive implementations."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from femtograd.fit.nonparametric import kaplan_meier, turnbull

# Freireich's 6-MP arm (Klein & Moeschberger, section 1.2): weeks in remission, + censored
SIX_MP = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_CENSORED = np.array([0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1], bool)


def test_kaplan_meier_of_the_6mp_arm_is_the_published_table_with_greenwood_and_log_log_bands():
    # R: summary(survfit(Surv(time, status) ~ 1, conf.type = "log-log")), as in
    # Klein & Moeschberger table 4.1A (the band: exponential Greenwood, lifelines' default)
    km = kaplan_meier(SIX_MP, SIX_MP_CENSORED)
    np.testing.assert_array_equal(km.time, [6, 7, 10, 13, 16, 22, 23])
    np.testing.assert_array_equal(km.at_risk, [21, 17, 15, 12, 11, 7, 6])
    np.testing.assert_allclose(km.survival, [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448],
                               atol=5e-4)
    np.testing.assert_allclose(km.se, [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346],
                               atol=5e-5)
    lower, upper = km.confint(0.95)
    np.testing.assert_allclose(lower, [0.620, 0.563, 0.503, 0.432, 0.368, 0.268, 0.188],
                               atol=5e-4)
    np.testing.assert_allclose(upper, [0.952, 0.923, 0.889, 0.849, 0.805, 0.747, 0.680],
                               atol=5e-4)


def test_greenwood_and_nelson_aalen_by_hand_on_six_rows():
    km = kaplan_meier([1, 2, 2, 3, 4, 5], [False, True, False, False, True, False])
    # at risk 6, 5, 3, 1 at the failure times 1, 2, 3, 5 (the censoring at 2 still at risk)
    s = np.cumprod([5 / 6, 4 / 5, 2 / 3, 0.0])
    np.testing.assert_allclose(km.survival, s)
    np.testing.assert_allclose(km.variance[:3], s[:3] ** 2 * np.cumsum(
        [1 / (6 * 5), 1 / (5 * 4), 1 / (3 * 2)]))
    assert np.isnan(km.variance[3])  # S = 0 after the last row fails: Greenwood undefined
    np.testing.assert_allclose(km.cumhazard, np.cumsum([1 / 6, 1 / 5, 1 / 3, 1 / 1]))
    np.testing.assert_allclose(km([0.5, 1, 1.5, 4.9, 5, 9]), [1, s[0], s[0], s[2], 0, 0])


def naive_kaplan_meier(t, c, w):
    out = []
    s = 1.0
    for u in sorted(set(t[~c])):
        deaths = w[(t == u) & ~c].sum()
        if deaths > 0:
            s *= 1 - deaths / w[t >= u].sum()
            out.append((u, s))
    return np.array(out).reshape(-1, 2)


rows = st.lists(st.tuples(st.integers(0, 6), st.booleans(), st.integers(1, 3)),
                min_size=1, max_size=25)


@given(rows)
def test_kaplan_meier_agrees_with_a_naive_loop_on_ties_censoring_and_weights(data):
    t, c, w = (np.array(v) for v in zip(*data))
    t, c, w = t.astype(float), c.astype(bool), w.astype(float)
    km = kaplan_meier(t, c, w)
    expected = naive_kaplan_meier(t, c, w)
    np.testing.assert_allclose(km.time, expected[:, 0])
    np.testing.assert_allclose(km.survival, expected[:, 1], atol=1e-12)
    # a weight w counts as w rows
    again = kaplan_meier(np.repeat(t, w.astype(int)), np.repeat(c, w.astype(int)))
    np.testing.assert_allclose(again.survival, km.survival)
    np.testing.assert_allclose(again.variance, km.variance, equal_nan=True)


@given(rows)
def test_turnbull_on_exact_and_right_censored_rows_is_kaplan_meier(data):
    t, c, w = (np.array(v) for v in zip(*data))
    t, c, w = t.astype(float), c.astype(bool), w.astype(float)
    km = kaplan_meier(t, c, w)
    tb = turnbull(t, np.where(c, np.inf, t), w)
    probe = np.arange(-1, 8) + 0.0
    np.testing.assert_allclose(tb(probe), km(probe), atol=1e-7)


def pava(y, w):
    """Weighted isotonic (non-decreasing) regression by pooling adjacent violators."""
    blocks = []  # [mean, weight, count]
    for yi, wi in zip(y, w):
        blocks.append([yi, wi, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    return np.concatenate([[m] * k for m, _, k in blocks])


def test_turnbull_on_current_status_data_is_the_isotonic_regression_of_the_indicators():
    # current status: each unit inspected once, failed (left-censored) or not (right-censored);
    # the NPMLE of F at the inspection times is the isotonic regression of the indicators
    rng = np.random.default_rng(3)
    inspect = np.sort(rng.choice(np.arange(1, 200) / 10.0, 60, replace=False))
    failed = rng.uniform(size=60) < 1 - np.exp(-inspect / 8.0)
    w = rng.integers(1, 4, 60).astype(float)
    lower = np.where(failed, 0.0, inspect)
    upper = np.where(failed, inspect, np.inf)
    tb = turnbull(lower, upper, w)
    np.testing.assert_allclose(1 - tb(inspect), pava(failed.astype(float), w), atol=1e-6)


def test_turnbull_puts_the_mass_of_overlapping_intervals_on_their_innermost_intervals():
    # (0, 2], (1, 3], (2, 4], and (1, 3] again: innermost intervals (1, 2] and (2, 3];
    # by symmetry of the likelihood p(1,2] = p(2,3] = 1/2
    tb = turnbull([0, 1, 2, 1], [2, 3, 4, 3])
    np.testing.assert_array_equal(tb.left, [1, 2])
    np.testing.assert_array_equal(tb.time, [2, 3])
    np.testing.assert_allclose(tb.survival, [0.5, 0.0], atol=1e-9)


def test_bad_input_is_refused_with_the_row():
    with pytest.raises(ValueError, match=r"times\[1\] is nan"):
        kaplan_meier([1.0, np.nan])
    with pytest.raises(ValueError, match="censored has shape"):
        kaplan_meier([1.0, 2.0], [True])
    with pytest.raises(ValueError, match=r"weights\[0\]"):
        kaplan_meier([1.0, 2.0], weights=[-1.0, 1.0])
    with pytest.raises(ValueError, match="row 1 is not an interval"):
        turnbull([0.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="Turnbull's NPMLE has none"):
        turnbull([0.0], [1.0]).se


def test_turnbull_on_scattered_inspections_matches_a_dense_self_consistency_loop():
    # the textbook algorithm, written out with the full (rows × intervals) indicator matrix
    rng = np.random.default_rng(12)
    t = 10 * rng.weibull(1.5, 150)
    a = rng.uniform(0, 10, 150)
    b = a + rng.uniform(1, 5, 150)
    lower = np.where(t < a, 0.0, np.where(t < b, a, b))
    upper = np.where(t < a, a, np.where(t < b, b, np.inf))
    tb = turnbull(lower, upper)
    inside = (lower[:, None] <= tb.left[None, :]) & (tb.time[None, :] <= upper[:, None])
    p = np.full(tb.time.size, 1 / tb.time.size)
    for _ in range(20000):   # EM creeps: still 5e-5 away after 20000 passes, 5e-6 after 2e5
        p = p * (inside / (inside @ p)[:, None]).mean(axis=0)
    np.testing.assert_allclose(tb.survival, 1 - np.cumsum(p), atol=1e-4)
    ours = np.r_[1.0, tb.survival[:-1]] - tb.survival
    assert np.sum(np.log(inside @ ours)) >= np.sum(np.log(inside @ p)) - 1e-9


def test_kaplan_meier_and_its_band_are_lifelines_on_tied_censored_data():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(0)
    t = np.round(100 * rng.weibull(1.5, 300))
    c = np.round(rng.uniform(0, 200, 300))
    x, event = np.minimum(t, c), t <= c
    ref = lifelines.KaplanMeierFitter().fit(x, event)
    km = kaplan_meier(x, ~event)
    np.testing.assert_allclose(km.survival, ref.survival_function_["KM_estimate"].loc[km.time],
                               atol=1e-13)
    lower, upper = km.confint(0.95)
    band = ref.confidence_interval_survival_function_.loc[km.time]
    np.testing.assert_allclose(lower, band.iloc[:, 0], atol=1e-13)
    np.testing.assert_allclose(upper, band.iloc[:, 1], atol=1e-13)


def test_turnbull_reaches_at_least_the_likelihood_of_lifelines_npmle():
    # lifelines' interval-censored Kaplan–Meier is the same NPMLE by plain EM, stopped earlier
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(12)
    t = 10 * rng.weibull(1.5, 150)
    a = rng.uniform(0, 10, 150)
    b = a + rng.uniform(1, 5, 150)
    lower = np.where(t < a, 0.0, np.where(t < b, a, b))
    upper = np.where(t < a, a, np.where(t < b, b, np.inf))
    ref = lifelines.KaplanMeierFitter().fit_interval_censoring(lower, upper)
    steps = ref.survival_function_["NPMLE_estimate_lower"]

    def theirs(x):
        return steps.to_numpy()[np.searchsorted(steps.index.to_numpy(), x, side="right") - 1]

    def loglik(s):
        return np.sum(np.log(s(lower) - np.where(np.isinf(upper), 0.0,
                                                 s(np.where(np.isinf(upper), 0.0, upper)))))
    ours = turnbull(lower, upper)
    assert loglik(ours) >= loglik(theirs)
    # the same curve, up to where lifelines stopped (0.022 at most on these data)
    np.testing.assert_allclose(ours(ours.time), theirs(ours.time), atol=0.03)
