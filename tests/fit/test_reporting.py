"""What a fit reports: summary table, diagnostics, to_dict."""

import json

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import NormalLogLik, WeibullLogLik


def test_summary_prints_estimates_se_z_p_ci_and_the_fit_statistics(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    s = fit.summary()
    text = str(s)
    for word in ("mu", "sigma", "estimate", "se", "log-likelihood", "AIC", "BIC", "100 rows",
                 "converged: yes"):
        assert word in text
    t = s.table
    assert list(t.columns[:4]) == ["estimate", "se", "z", "p"]
    assert t.loc["mu", "z"] == pytest.approx(fit.params["mu"] / fit.se["mu"])
    assert t.loc["mu", "p"] == pytest.approx(2 * stats.norm.sf(abs(t.loc["mu", "z"])))


def test_summary_marks_fixed_parameters(normal_data):
    text = str(fg.fit_mle(NormalLogLik, normal_data, fixed={"mu": 3.0}).summary())
    assert "fixed: mu = 3" in text


def test_diagnostics_report_gradient_eigenvalues_condition_and_definiteness(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    d = fit.diagnostics()
    info = fit.observed_information
    assert d.converged and d.positive_definite and d.at_boundary == []
    assert d.gradient_norm < 1e-6
    np.testing.assert_allclose(d.eigenvalues, np.linalg.eigvalsh(info))
    assert d.condition_number == pytest.approx(np.linalg.cond(info))
    assert "positive definite" in str(d)


def test_to_dict_is_json_serializable_and_complete():
    x = stats.weibull_min.rvs(2.0, scale=3.0, size=40, random_state=np.random.default_rng(0))
    fit = fg.fit_mle(WeibullLogLik, x)
    d = json.loads(json.dumps(fit.to_dict()))
    assert d["params"]["shape"] == pytest.approx(fit.params["shape"])
    assert d["se"]["scale"] == pytest.approx(fit.se["scale"])
    for key in ("loglik", "aic", "bic", "nobs", "df", "converged", "status", "iterations",
                "method", "cov"):
        assert key in d
    assert d["df"] == 2 and d["converged"] is True


def test_repr_is_one_line_with_estimates(normal_data):
    r = repr(fg.fit_mle(NormalLogLik, normal_data))
    assert r.startswith("<MLEFit normal") and "mu=" in r and "\n" not in r


def test_params_se_cov_and_summary_each_have_their_own_index(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    fit.summary()
    assert fit.params.index.name == "parameter" and fit.se.index.name == "parameter"
    fit.params.index.name = "p"
    assert fit.se.index.name == "parameter" and fit.cov.index.name == "parameter"
    other = fg.fit_mle(NormalLogLik, normal_data)
    assert other.params.index.name == "parameter"
    assert list(fit.se.index) == list(fit.cov.columns) == list(other.params.index) == ["mu", "sigma"]
