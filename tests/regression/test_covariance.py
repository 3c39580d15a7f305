"""Covariances of a regression: sandwich and OPG against a hand computation, cluster-robust
with its G/(G−1) factor, frequency weights as repeated rows, and standardization invariance."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import femtograd as fg
from femtograd.distributions import WeibullLogLik

FORMULA = "week ~ fin + age + prio"


def per_row_loglik(coef, x, t, observed):
    """Rossi Weibull rows written out with scipy: coef = (log shape, scale coefficients)."""
    law = stats.weibull_min(np.exp(coef[0]), scale=np.exp(x @ coef[1:]))
    return np.where(observed, law.logpdf(t), law.logsf(t))


def hand_scores(fit, rossi):
    x = np.column_stack([np.ones(len(rossi)), rossi[["fin", "age", "prio"]].to_numpy(float)])
    t, d = rossi.week.to_numpy(float), rossi.arrest.to_numpy() == 1
    coef = fit.mle[fit._free]
    cols = []
    for i in range(coef.size):
        h = 1e-6 * max(1.0, abs(coef[i]))
        e = np.zeros(coef.size)
        e[i] = h
        cols.append((per_row_loglik(coef + e, x, t, d) - per_row_loglik(coef - e, x, t, d))
                    / (2 * h))
    return np.column_stack(cols)


def test_sandwich_and_opg_match_a_hand_computation(rossi):
    fit = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest")
    s = hand_scores(fit, rossi)
    np.testing.assert_allclose(fit.scores().to_numpy(), s, rtol=1e-5, atol=1e-7)
    meat = s.T @ s
    bread = np.linalg.inv(fit.observed_information)
    np.testing.assert_allclose(fit.with_cov("sandwich").cov.to_numpy(), bread @ meat @ bread,
                               rtol=1e-5)
    np.testing.assert_allclose(fit.with_cov("opg").cov.to_numpy(), np.linalg.inv(meat),
                               rtol=1e-5)
    robust = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest", cov_type="sandwich")
    np.testing.assert_allclose(robust.se, fit.with_cov("sandwich").se, rtol=1e-12)


def test_cluster_of_singletons_is_the_sandwich_times_n_over_n_minus_1(rossi):
    fit = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest")
    n = len(rossi)
    single = fit.with_cov("cluster", cluster=np.arange(n)).cov.to_numpy()
    np.testing.assert_allclose(single, fit.with_cov("sandwich").cov.to_numpy() * n / (n - 1),
                               rtol=1e-10)


def test_cluster_sums_scores_within_clusters(rossi):
    groups = np.arange(len(rossi)) % 20
    fit = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest", cov_type="cluster",
                     cluster=groups)
    s = fit.scores().to_numpy()
    u = np.stack([s[groups == g].sum(axis=0) for g in range(20)])
    bread = np.linalg.inv(fit.observed_information)
    expected = bread @ (u.T @ u * 20 / 19) @ bread
    np.testing.assert_allclose(fit.cov.to_numpy(), expected, rtol=1e-9)


def test_frequency_weights_equal_repeated_rows(rossi):
    w = np.tile([1.0, 2.0, 3.0], len(rossi) // 3)
    weighted = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest", weights=w,
                          params={"shape": "~ fin"})
    repeated = rossi.loc[rossi.index.repeat(w.astype(int))].reset_index(drop=True)
    plain = fg.regress(WeibullLogLik, FORMULA, repeated, event="arrest",
                       params={"shape": "~ fin"})
    assert weighted.nobs == plain.nobs == w.sum()
    assert weighted.loglik == pytest.approx(plain.loglik, rel=1e-10)
    np.testing.assert_allclose(weighted.params, plain.params, rtol=1e-7, atol=1e-9)
    for kind in ("observed", "opg", "sandwich"):
        np.testing.assert_allclose(weighted.with_cov(kind).se, plain.with_cov(kind).se,
                                   rtol=1e-6)


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(1e-3, 1e4), shift=st.floats(-1e5, 1e5))
def test_affine_change_of_a_covariate_maps_estimates_and_errors_exactly(rossi, scale, shift):
    base = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest")
    moved = rossi.assign(age=rossi.age * scale + shift)
    fit = fg.regress(WeibullLogLik, FORMULA, moved, event="arrest")
    assert fit.converged
    assert fit.loglik == pytest.approx(base.loglik, rel=1e-10)
    assert fit.params["scale", "age"] == pytest.approx(base.params["scale", "age"] / scale,
                                                       rel=1e-6)
    assert fit.se["scale", "age"] == pytest.approx(base.se["scale", "age"] / scale, rel=1e-6)
    for term in ("fin", "prio"):
        assert fit.se["scale", term] == pytest.approx(base.se["scale", term], rel=1e-6)


def test_blocks_of_rows_give_the_same_fit(rossi, monkeypatch):
    import importlib
    one = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest", params={"shape": "~ fin"})
    monkeypatch.setattr(importlib.import_module("femtograd.regression.fitting"), "BLOCK_ROWS",
                        100)
    blocked = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest", params={"shape": "~ fin"})
    assert blocked._objective.rows.blocks == 5
    np.testing.assert_allclose(blocked.params, one.params, rtol=1e-9)
    np.testing.assert_allclose(blocked.cov, one.cov, rtol=1e-8)
    # graphs kept for the first two blocks only: the others are rebuilt at each evaluation
    monkeypatch.setattr(importlib.import_module("femtograd.regression.rows"), "KEEP_ROWS", 200)
    bounded = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest", params={"shape": "~ fin"})
    np.testing.assert_allclose(bounded.params, one.params, rtol=1e-9)
    np.testing.assert_allclose(bounded.with_cov("sandwich").cov, one.with_cov("sandwich").cov,
                               rtol=1e-8)
    f, g, h = bounded.derivatives(bounded.mle[bounded._free] + 0.01)
    f1, g1, h1 = one.derivatives(one.mle[one._free] + 0.01)
    assert f == pytest.approx(f1, rel=1e-12)
    np.testing.assert_allclose(h, h1, rtol=1e-10)


def test_tiny_weights_give_the_same_estimates(rossi):
    # a gradient rule relative to |loglik| would stop at the start with weights this small
    plain = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest")
    tiny = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest",
                      weights=np.full(len(rossi), 1e-7))
    assert tiny.converged
    np.testing.assert_allclose(tiny.params, plain.params, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(tiny.se, plain.se * np.sqrt(1e7), rtol=1e-6)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2 ** 16))
def test_the_order_of_the_rows_does_not_matter(rossi, seed):
    base = fg.regress(WeibullLogLik, FORMULA, rossi, event="arrest", params={"shape": "~ fin"})
    order = np.random.default_rng(seed).permutation(len(rossi))
    shuffled = fg.regress(WeibullLogLik, FORMULA, rossi.iloc[order].reset_index(drop=True),
                          event="arrest", params={"shape": "~ fin"})
    assert shuffled.loglik == pytest.approx(base.loglik, rel=1e-12)
    np.testing.assert_allclose(shuffled.params, base.params, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(shuffled.with_cov("sandwich").se, base.with_cov("sandwich").se,
                               rtol=1e-7)
