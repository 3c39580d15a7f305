"""Covariance choices, singular information and non-convergence."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.distributions import ExpLogLik, NormalLogLik
from femtograd.fit import ConvergenceWarning, SingularInformationWarning

from .conftest import loglike_exp


def test_opg_and_sandwich_covariances_of_the_exponential_rate_match_hand_formulas(exp_data):
    x, fit = exp_data, fg.fit_mle(ExpLogLik, exp_data)
    rate = fit.params["rate"]
    scores = 1 / rate - x                      # per-row d/drate of log(rate) − rate·x
    opg = np.sum(scores ** 2)
    info = len(x) / rate ** 2
    assert fit.with_cov("opg").cov.loc["rate", "rate"] == pytest.approx(1 / opg, rel=1e-10)
    assert fit.with_cov("sandwich").cov.loc["rate", "rate"] == pytest.approx(opg / info ** 2,
                                                                           rel=1e-10)
    assert fit.with_cov("observed").cov.loc["rate", "rate"] == pytest.approx(1 / info, rel=1e-10)


def test_with_cov_switches_se_intervals_and_summary_to_the_robust_covariance(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    robust = fit.with_cov("sandwich")
    assert robust.cov_type == "sandwich" and fit.cov_type == "observed"
    np.testing.assert_allclose(robust.se ** 2, np.diag(fit.with_cov("sandwich").cov))
    assert "sandwich" in str(robust.summary())
    cfit = fg.fit_mle(NormalLogLik, normal_data, cov_type="opg")
    np.testing.assert_allclose(cfit.cov, fit.with_cov("opg").cov)


def test_sandwich_with_weights_equals_the_expanded_data():
    x, w = np.array([0.5, 1.5, 2.0, 0.1]), np.array([3, 1, 2, 1])
    a = fg.fit_mle(ExpLogLik, x, weights=w.astype(float)).with_cov("sandwich").cov
    b = fg.fit_mle(ExpLogLik, np.repeat(x, w)).with_cov("sandwich").cov
    assert a.iloc[0, 0] == pytest.approx(b.iloc[0, 0], rel=1e-10)


def test_robust_covariance_of_a_plain_function_is_a_clear_error(exp_data):
    fit = fg.fit_mle(loglike_exp, exp_data, start={"rate": 1.0}, constraints={"rate": "positive"})
    with pytest.raises(TypeError, match="per-row scores .* plain log-likelihood function"):
        fit.with_cov("opg").cov
    with pytest.raises(ValueError, match="unknown covariance type 'hc3'"):
        fit.with_cov("hc3").cov


def test_singular_information_gives_nan_se_and_a_warning_naming_the_parameter(exp_data):
    def unidentified(rate, offset, data):   # offset does not enter the likelihood
        return loglike_exp(rate, data) + 0 * offset
    fit = fg.fit_mle(unidentified, exp_data, start={"rate": 1.0, "offset": 0.0},
                     constraints={"rate": "positive"})
    with pytest.warns(SingularInformationWarning, match=r"singular.*\['offset'\]"):
        se = fit.se
    assert se.isna().all()
    d = fit.diagnostics()
    assert not d.positive_definite and d.condition_number == math.inf


def test_non_convergence_is_a_warning_and_converged_false_never_an_exception(exp_data):
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        fit = fg.fit_mle(ExpLogLik, exp_data, method="gradient_ascent", lr=1e-4, iterations=5,
                         start={"rate": 1.0})
    assert fit.converged is False and fit.status == "max_iterations"
    assert "5 iterations" in fit.message
    assert np.isfinite(fit.se["rate"])


def test_newton_falls_back_when_it_does_not_converge(exp_data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fg.fit_mle(ExpLogLik, exp_data, max_iter=1, start={"rate": 1.0})
    assert fit.converged
    assert fit.params["rate"] == pytest.approx(1 / exp_data.mean(), rel=1e-9)


def test_an_estimate_running_off_to_infinity_is_reported_at_the_boundary():
    # under-dispersed counts: the negative binomial size goes to infinity (the Poisson limit)
    from femtograd.distributions import REGISTRY
    x = np.array([2, 3, 2, 4, 3, 2, 3, 3, 4, 2], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = fg.fit_mle(REGISTRY["negbinomial"], x)
    with pytest.warns(SingularInformationWarning, match=r"'size'.*at the edge"):
        assert fit.se.isna().all()
    assert "size" in fit.diagnostics().at_boundary


def test_a_large_uncertain_but_interior_estimate_is_not_called_a_boundary():
    # 4 events and 3 censored times over three decades: the scale is poorly determined
    # (log-scale SE ~ 1.1) yet the maximum is inside the parameter space
    from femtograd.distributions import WeibullLogLik
    x = np.array([129.961781, 142.772073, 463.030627, 4551.96353, 13205.1496, 14767.2912,
                  169236.594])
    censored = np.array([0, 0, 1, 0, 1, 0, 1], dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fg.fit_mle(WeibullLogLik, x, censored=censored)
        assert np.all(np.isfinite(fit.se))
    assert fit.converged and fit.diagnostics().at_boundary == []
    assert fit.profile_loglik("scale", 1e8) < fit.loglik - 2


@settings(max_examples=300, deadline=None)
@given(st.floats(1e-8, 1e8), st.floats(1e-8, 1e8), st.floats(-0.999999, 0.999999),
       st.floats(-1e-9, 1e-9))
def test_the_plain_float_inverse_for_two_parameters_equals_the_general_path(a, c, rho, skew):
    """A well-conditioned 2x2 (and 1x1) information is inverted in floats; the numpy path
    (correlation-scaled inverse, symmetrized) gives the same covariance."""
    from femtograd.fit.covariance import _small_inverse, correlation_scaled
    b = rho * np.sqrt(a * c)
    info = np.array([[a, b * (1 + skew)], [b, c]])  # an OPG matrix is symmetric only to rounding
    small = _small_inverse(info)
    sc, r = correlation_scaled(info)
    general = np.linalg.inv(r) * np.outer(sc, sc)
    np.testing.assert_allclose(small, (general + general.T) / 2, rtol=1e-9,
                               atol=1e-12 * np.max(np.abs(general)))
    np.testing.assert_allclose(_small_inverse(info[:1, :1]), [[1 / a]], rtol=1e-15)


def test_the_plain_float_inverse_leaves_every_doubtful_matrix_to_the_general_path():
    from femtograd.fit.covariance import _small_inverse
    for info in ([[0.0]], [[-1.0]], [[np.inf]], [[np.nan]], [[1.0, 1.0], [1.0, 1.0]],
                 [[1.0, 0.0], [0.0, 0.0]], [[1.0, np.nan], [np.nan, 1.0]],
                 [[-1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]):
        assert _small_inverse(np.array(info)) is None
    assert _small_inverse(np.eye(3)) is None


def counting_contributions(gen):
    """Make the bound generator count the calls of its per-row graph builder."""
    calls = []
    build = gen.contributions

    def contributions(*params):
        calls.append(1)
        return build(*params)
    gen.contributions = contributions
    return calls


def test_the_per_row_score_graph_is_built_once_per_fit_and_shared_by_its_views(normal_data):
    from femtograd.fit.covariance import score_contributions
    gen = NormalLogLik(normal_data, weights=np.arange(1.0, 101.0) % 3 + 1)
    calls = counting_contributions(gen)
    fit = fg.fit_mle(gen)
    assert calls == []                                  # lazily: nothing until asked
    first = {k: fit.with_cov(k).cov.to_numpy() for k in ("opg", "sandwich")}
    again = [fit.with_cov("opg").cov, fit.with_cov("sandwich").cov, fit.with_cov("opg").se,
             fit.with_cov("sandwich").with_cov("opg").cov, fit.with_cov("sandwich").cov]
    assert len(calls) == 1                              # one graph for every request and view
    np.testing.assert_array_equal(again[0], first["opg"])      # identical, not just close
    np.testing.assert_array_equal(again[1], first["sandwich"])
    np.testing.assert_array_equal(again[4], first["sandwich"])
    # the cached scores are what a fresh computation gives, and cannot be altered in place
    scores, w = score_contributions(fit)
    cached, cached_w = fit._row_scores
    np.testing.assert_array_equal(cached, scores)
    np.testing.assert_array_equal(cached_w, w)
    with pytest.raises(ValueError, match="read-only"):
        cached[0, 0] = 0.0
    fresh = fg.fit_mle(NormalLogLik, normal_data, weights=np.arange(1.0, 101.0) % 3 + 1)
    np.testing.assert_allclose(first["opg"], fresh.with_cov("opg").cov, rtol=1e-12)
    np.testing.assert_allclose(first["sandwich"], fresh.with_cov("sandwich").cov, rtol=1e-12)
    np.testing.assert_allclose(first["opg"], np.linalg.inv((scores * w[:, None]).T @ scores),
                               rtol=1e-12)


def test_a_fit_made_with_a_robust_covariance_builds_the_score_graph_once(normal_data):
    gen = NormalLogLik(normal_data)
    calls = counting_contributions(gen)
    fit = fg.fit_mle(gen, cov_type="sandwich")
    se = fit.se.copy()
    fit.with_cov("opg").cov, fit.with_cov("observed").with_cov("sandwich").se
    assert len(calls) == 1
    np.testing.assert_array_equal(fit.with_cov("observed").with_cov("sandwich").se, se)
