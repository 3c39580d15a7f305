"""The fit objects' public surface: one way to a covariance, labelled score and information,
every public member documented, internals private, HTML that parses and holds the numbers."""

import inspect
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import femtograd as fg
from femtograd.distributions import NormalLogLik
from femtograd.fit import COV_TYPES, MLEFit
from femtograd.regression.result import RegressionFit, RegressionSummary

INTERNALS = ("optim", "free", "function", "data", "objective")


@pytest.fixture(scope="module")
def weibull():
    times = 10.0 * np.random.default_rng(7).weibull(1.6, 60)
    return fg.fit_mle("weibull", np.minimum(times, 14.0), censored=times > 14.0)


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": rng.normal(size=80), "g": rng.choice(["a", "b"], 80)})
    df["y"] = rng.normal(1.0 + 0.5 * df["x"], 1.2)
    return fg.regress(NormalLogLik, "y ~ x + g", df)


# -- one way to a covariance ---------------------------------------------------------------
def test_there_is_one_covariance_accessor_and_with_cov_views_use_their_kind(weibull):
    assert not hasattr(weibull, "covariance")
    robust = weibull.with_cov("sandwich")
    assert weibull.cov_type == "observed" and robust.cov_type == "sandwich"
    assert weibull.with_cov("observed") is weibull
    np.testing.assert_allclose(robust.se, np.sqrt(np.diag(robust.cov)), rtol=1e-14)
    assert not np.allclose(robust.se, weibull.se)  # the kinds differ on these data
    # intervals: Wald on the log scale, half-width z·se/estimate
    z = stats.norm.ppf(0.975)
    ci = robust.confint()
    np.testing.assert_allclose(np.log(ci["upper"] / robust.params),
                               z * robust.se / robust.params, rtol=1e-10)
    # the summary and the Wald test read the view's covariance
    np.testing.assert_allclose(robust.summary().table["se"], robust.se, rtol=1e-14)
    test = robust.wald_test({"shape": 1.0})
    assert test.statistic == pytest.approx(
        ((robust.params["shape"] - 1) / robust.se["shape"]) ** 2, rel=1e-10)
    # the original is untouched
    np.testing.assert_allclose(weibull.summary().table["se"], weibull.se, rtol=1e-14)


def test_the_regression_fit_has_the_same_single_accessor(regression):
    assert not hasattr(regression, "covariance")
    robust = regression.with_cov("sandwich")
    assert robust.cov_type == "sandwich" and regression.cov_type == "observed"
    np.testing.assert_allclose(robust.summary().table["se"], robust.se, rtol=1e-14)
    np.testing.assert_allclose(robust.se, np.sqrt(np.diag(robust.cov)), rtol=1e-14)


# -- score and information: labelled, free parameters only --------------------------------
def test_score_and_information_are_labelled_by_the_free_parameters(weibull):
    x = weibull.model.lower
    held = fg.fit_mle("weibull", x, censored=weibull.model.upper == np.inf,
                      fixed={"shape": 1.5})
    assert held.free_names == ("scale",)
    assert list(held.score.index) == ["scale"] and held.score.index.name == "parameter"
    info = held.observed_information
    assert list(info.index) == list(info.columns) == ["scale"]
    assert list(weibull.score.index) == ["shape", "scale"]
    # the values: minus a central difference of the gradient, and the gradient of loglik
    h = 1e-5 * held.params["scale"]

    def loglik(scale):  # the bound generator's log-likelihood at shape 1.5
        return float(held.model(1.5, scale))
    numeric = -(loglik(held.params["scale"] + h) - 2 * held.loglik
                + loglik(held.params["scale"] - h)) / h ** 2
    assert info.loc["scale", "scale"] == pytest.approx(numeric, rel=1e-5)
    assert abs(held.score["scale"]) < 1e-6 * info.loc["scale", "scale"] * held.se["scale"]
    # a copy: writing to it does not change the fit
    info.loc["scale", "scale"] = 0.0
    assert held.observed_information.loc["scale", "scale"] > 0


def test_regression_score_and_information_are_labelled_by_free_coefficients(regression):
    keys = list(regression.free_names)
    assert keys == list(regression.index)
    assert list(regression.score.index) == keys
    info = regression.observed_information
    assert list(info.index) == list(info.columns) == keys
    np.testing.assert_allclose(np.linalg.inv(info), regression.cov.loc[keys, keys], rtol=1e-8)


# -- every public member documented; internals private -------------------------------------
def public_members(cls):
    """Public names of the class and its bases (the shared FitBase), object's left out."""
    return [n for n in dir(cls) if not n.startswith("_")]


@pytest.mark.parametrize("cls", [MLEFit, RegressionFit])
def test_every_public_property_and_method_has_a_docstring(cls):
    members = public_members(cls)
    assert {"converged", "status", "aic", "aicc", "bic", "df", "params", "se", "cov", "score",
            "observed_information", "free_names", "with_cov", "summary"} <= set(members)
    undocumented = [n for n in members if not (inspect.getdoc(getattr(cls, n)) or "").strip()]
    assert undocumented == []
    doc = inspect.getdoc(cls)
    plain = [n for n in ("param_names", "fixed", "mle", "loglik", "nobs", "cov_type")]
    assert all(f"{n} :" in doc for n in plain)  # plain attributes listed under Attributes


def test_internals_are_private_on_both_fit_objects(weibull, regression):
    for fit in (weibull, regression):
        leaked = [n for n in INTERNALS if hasattr(fit, n)]
        assert leaked == []
    assert weibull.model is not None  # the fitted family stays public


# -- notebooks ---------------------------------------------------------------------------------
def test_a_regression_fit_shows_as_an_html_table_with_its_numbers(regression, html_cells):
    shown = html_cells(regression._repr_html_())
    for value in (*regression.params, *regression.se, regression.loglik, regression.aic,
                  regression.aicc, regression.bic):
        assert f"{value:.6g}" in shown
    assert "mu" in shown and "x" in shown  # the (parameter, term) levels, one cell each
    assert "Wald, level 0.9" in html_cells(RegressionSummary(regression, 0.9)._repr_html_())


def test_a_regression_fits_aicc_is_the_small_sample_correction(regression):
    k, n = regression.df, regression.nobs
    assert regression.aicc == pytest.approx(regression.aic + 2 * k * (k + 1) / (n - k - 1))


def test_gof_and_a_comparison_table_show_as_html_with_their_numbers(weibull, html_cells):
    x = weibull.model.lower[weibull.model.upper != np.inf]
    exact = fg.fit_mle("weibull", x)
    result = exact.gof(n_boot=0)
    shown = html_cells(result._repr_html_())
    for value in result.table["statistic"]:
        assert f"{value:.6g}" in shown
    table = fg.compare(x, ["weibull", "lognormal"])
    shown = html_cells(table._repr_html_())
    numbers = [float(c) for c in shown if _is_number(c)]
    for aic in table["aic"]:
        assert any(v == pytest.approx(aic, rel=1e-5) for v in numbers)


def _is_number(text):
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def test_a_plain_function_fit_and_a_robust_view_show_as_html_with_their_numbers(html_cells):
    x = np.arange(1.0, 10.0)
    plain = fg.fit_mle(lambda rate, data: fg.sum(fg.log(rate) - rate * data), x,
                       start={"rate": 1.0}, constraints={"rate": "positive"})
    shown = html_cells(plain._repr_html_())
    assert f"{plain.params['rate']:.6g}" in shown and f"{plain.se['rate']:.6g}" in shown
    assert "n 9" in shown
    robust = fg.fit_mle("exp", x).with_cov("opg")
    shown = html_cells(robust._repr_html_())
    assert "opg" in shown and f"{robust.se['rate']:.6g}" in shown


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(8, 60),
       held=st.sampled_from([None, "mu", "sigma"]), kind=st.sampled_from(COV_TYPES))
def test_labels_and_the_covariance_view_agree_for_any_sample(seed, n, held, kind):
    y = np.random.default_rng(seed).normal(2.0, 1.5, n)
    fixed = {} if held is None else {held: {"mu": 2.0, "sigma": 1.5}[held]}
    fit = fg.fit_mle(NormalLogLik, y, fixed=fixed)
    free = [p for p in ("mu", "sigma") if p not in fixed]
    assert list(fit.score.index) == list(fit.free_names) == free
    view = fit.with_cov(kind)
    cov = view.cov.loc[free, free].to_numpy()
    np.testing.assert_allclose(view.se[free], np.sqrt(np.diag(cov)), rtol=1e-12)
    np.testing.assert_allclose(view.summary().table["se"][free], view.se[free], rtol=1e-12)
    if kind == "observed":
        np.testing.assert_allclose(np.linalg.inv(fit.observed_information), cov, rtol=1e-8)
    assert (view.cov.loc[list(fixed)] == 0).all().all()
