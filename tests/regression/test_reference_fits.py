"""Regression fits against published fits and closed forms."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import (LogLogisticLogLik, LogNormalLogLik, NormalLogLik,
                                     PoissonLogLik, WeibullLogLik)

from .conftest import RHS

COLUMNS = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def test_rossi_weibull_aft_matches_the_published_fit(rossi):
    # lifelines' WeibullAFTFitter on load_rossi() (its documentation, print_summary(3)),
    # the same model as R's survreg(Surv(week, arrest) ~ ..., dist = "weibull")
    fit = fg.regress(WeibullLogLik, "week ~ " + RHS, rossi, event="arrest")
    assert fit.converged
    assert fit.loglik == pytest.approx(-679.917, abs=5e-4)
    scale = fit.params["scale"]
    published = {"fin": 0.272, "age": 0.041, "race": -0.225, "wexp": 0.107, "mar": 0.311,
                 "paro": 0.059, "prio": -0.066, "Intercept": 3.990}
    for term, value in published.items():
        assert scale[term] == pytest.approx(value, abs=5e-4), term
    se = {"fin": 0.138, "age": 0.016, "race": 0.220, "wexp": 0.152, "mar": 0.273, "paro": 0.140,
          "prio": 0.021, "Intercept": 0.419}
    for term, value in se.items():
        assert fit.se["scale", term] == pytest.approx(value, abs=5e-4), term
    assert fit.params["shape", "Intercept"] == pytest.approx(0.339, abs=5e-4)  # log shape
    assert fit.aic == pytest.approx(2 * 679.917 + 2 * 9, abs=1e-3)


def test_rossi_weibull_with_the_shape_on_covariates_matches_the_published_fit(rossi):
    # lifelines' documentation, WeibullAFTFitter with ancillary_df=True: log-likelihood -669.40
    fit = fg.regress(WeibullLogLik, "week ~ " + RHS, rossi, event="arrest",
                     params={"shape": "~ " + RHS})
    assert fit.converged
    assert fit.loglik == pytest.approx(-669.40, abs=5e-3)
    shape = {"fin": -0.01, "age": -0.05, "race": -0.46, "wexp": 0.56, "mar": 0.10, "paro": 0.02,
             "prio": 0.03, "Intercept": 1.48}
    scale = {"fin": 0.24, "age": 0.10, "race": 0.07, "wexp": -0.34, "mar": 0.26, "paro": 0.09,
             "prio": -0.08, "Intercept": 2.68}
    for param, table in (("shape", shape), ("scale", scale)):
        for term, value in table.items():
            assert fit.params[param, term] == pytest.approx(value, abs=5e-3 + 1e-9), (param, term)
    assert fg.lrt(fg.regress(WeibullLogLik, "week ~ " + RHS, rossi, event="arrest"), fit).df == 7


def test_normal_regression_is_ordinary_least_squares():
    rng = np.random.default_rng(3)
    n = 200
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.uniform(0, 100, n)])
    y = x @ [1.0, 2.0, -0.03] + rng.normal(0, 1.5, n)
    fit = fg.regress(NormalLogLik, y, design={"mu": pd.DataFrame(x, columns=["Intercept", "a",
                                                                            "b"])})
    beta, rss = np.linalg.lstsq(x, y, rcond=None)[:2]
    sigma2 = rss[0] / n  # the MLE of the variance
    np.testing.assert_allclose(fit.params["mu"].to_numpy(), beta, rtol=1e-9)
    assert np.exp(fit.params["sigma", "Intercept"]) == pytest.approx(np.sqrt(sigma2), rel=1e-9)
    cov = sigma2 * np.linalg.inv(x.T @ x)  # observed information at the MLE
    np.testing.assert_allclose(fit.cov.loc["mu", "mu"].to_numpy(), cov, rtol=1e-7)
    assert fit.se["sigma", "Intercept"] == pytest.approx(np.sqrt(1 / (2 * n)), rel=1e-7)


def test_poisson_regression_with_exposure_matches_statsmodels_glm(counts):
    sm = pytest.importorskip("statsmodels.api")
    fit = fg.regress(PoissonLogLik, "y ~ x1 + x2 + C(g)", counts, offset="log_exposure")
    x = pd.get_dummies(counts[["x1", "x2", "g"]], columns=["g"], drop_first=True, dtype=float)
    glm = sm.GLM(counts.y, sm.add_constant(x), family=sm.families.Poisson(),
                 exposure=counts.exposure).fit(tol=1e-12)
    np.testing.assert_allclose(fit.params["rate"].to_numpy(), glm.params.to_numpy(), rtol=1e-7)
    np.testing.assert_allclose(fit.se["rate"].to_numpy(), glm.bse.to_numpy(), rtol=1e-6)
    assert fit.loglik == pytest.approx(glm.llf, rel=1e-10)


def test_poisson_cluster_robust_matches_statsmodels_without_its_small_sample_factor(counts):
    sm = pytest.importorskip("statsmodels.api")
    fit = fg.regress(PoissonLogLik, "y ~ x1 + x2", counts, offset="log_exposure",
                     cov_type="cluster", cluster="site")
    x = sm.add_constant(counts[["x1", "x2"]])
    glm = sm.GLM(counts.y, x, family=sm.families.Poisson(), offset=counts.log_exposure)
    res = glm.fit(tol=1e-12, cov_type="cluster",
                  cov_kwds={"groups": counts.site.to_numpy(), "use_correction": False})
    groups = counts.site.nunique()
    expected = res.cov_params().to_numpy() * groups / (groups - 1)  # Stata's vce(cluster)
    np.testing.assert_allclose(fit.cov.loc["rate", "rate"].to_numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("family, location, dist", [
    (LogNormalLogLik, "meanlog", "lognormal"), (LogLogisticLogLik, "scale", "loglogistic")])
def test_lognormal_and_loglogistic_aft_agree_with_a_direct_maximization(rossi, family, location,
                                                                       dist):
    # the same likelihood written out with scipy and maximized by a general-purpose optimizer
    from scipy import optimize, stats
    fit = fg.regress(family, "week ~ fin + age + prio", rossi, event="arrest")
    x = np.column_stack([np.ones(len(rossi)), rossi[["fin", "age", "prio"]].to_numpy(float)])
    t, d = rossi.week.to_numpy(float), rossi.arrest.to_numpy() == 1

    def negll(theta):
        beta, log_other = theta[:4], theta[4]
        if dist == "lognormal":  # meanlog is the linear predictor itself (identity link)
            law = stats.lognorm(np.exp(log_other), scale=np.exp(x @ beta))
        else:
            law = stats.fisk(np.exp(log_other), scale=np.exp(x @ beta))
        return -(law.logpdf(t)[d].sum() + law.logsf(t)[~d].sum())
    other = [p for p in family.param_names if p != location][0]
    theta0 = np.r_[fit.params[location].to_numpy(), fit.params[other, "Intercept"]]
    best = optimize.minimize(negll, theta0 + 0.05, method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000,
                                      "maxfev": 40000})
    assert fit.loglik == pytest.approx(-best.fun, abs=1e-6)
    assert -negll(theta0) == pytest.approx(fit.loglik, rel=1e-12)
    np.testing.assert_allclose(theta0, best.x, atol=2e-4)


def test_logistic_regression_matches_statsmodels_logit():
    sm = pytest.importorskip("statsmodels.api")
    from femtograd.distributions import BernoulliLogLik
    rng = np.random.default_rng(21)
    df = pd.DataFrame({"dose": rng.uniform(0, 2000, 300), "male": rng.integers(0, 2, 300)})
    df["y"] = (rng.uniform(size=300) < 1 / (1 + np.exp(-(-2 + 0.002 * df.dose + 0.5 * df.male)))
               ).astype(float)
    fit = fg.regress(BernoulliLogLik, "y ~ dose + male", df)
    logit = sm.Logit(df.y, sm.add_constant(df[["dose", "male"]])).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(fit.params["prob"].to_numpy(), logit.params.to_numpy(), rtol=1e-7)
    np.testing.assert_allclose(fit.se["prob"].to_numpy(), logit.bse.to_numpy(), rtol=1e-6)
    assert fit.loglik == pytest.approx(logit.llf, rel=1e-10)


def test_identity_link_and_another_location(rossi):
    # a log-normal AFT with an identity link on sdlog, and the main formula on sdlog instead
    log_sd = fg.regress(LogNormalLogLik, "week ~ fin", rossi, event="arrest")
    plain = fg.regress(LogNormalLogLik, "week ~ fin", rossi, event="arrest",
                       link={"sdlog": "identity"})
    assert plain.loglik == pytest.approx(log_sd.loglik, rel=1e-10)
    assert plain.params["sdlog", "Intercept"] == pytest.approx(
        np.exp(log_sd.params["sdlog", "Intercept"]), rel=1e-7)
    spread = fg.regress(LogNormalLogLik, "week ~ fin", rossi, event="arrest", location="sdlog")
    assert list(spread.params["sdlog"].index) == ["Intercept", "fin"]
    assert list(spread.params["meanlog"].index) == ["Intercept"]
    with pytest.raises(ValueError, match="location='rate' is not a parameter"):
        fg.regress(LogNormalLogLik, "week ~ fin", rossi, event="arrest", location="rate")


def test_a_design_without_intercept_is_scaled_but_not_centred():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"x": rng.uniform(1, 5, 100), "z": rng.normal(10, 2, 100)})
    df["y"] = 2.0 * df.x - 0.3 * df.z + rng.normal(size=100)
    fit = fg.regress(NormalLogLik, "y ~ 0 + x + z", df)
    beta = np.linalg.lstsq(df[["x", "z"]].to_numpy(), df.y.to_numpy(), rcond=None)[0]
    assert list(fit.params["mu"].index) == ["x", "z"]
    np.testing.assert_allclose(fit.params["mu"].to_numpy(), beta, rtol=1e-9)


def test_an_offset_on_another_parameter_than_the_location(rossi):
    # log shape = 0.2 + offset: the same as fixing the shape intercept at 0.2 + c for constant c
    moved = fg.regress(WeibullLogLik, "week ~ fin", rossi, event="arrest",
                       offset={"shape": np.full(len(rossi), 0.2)})
    plain = fg.regress(WeibullLogLik, "week ~ fin", rossi, event="arrest")
    assert moved.loglik == pytest.approx(plain.loglik, rel=1e-10)
    assert moved.params["shape", "Intercept"] == pytest.approx(
        plain.params["shape", "Intercept"] - 0.2, abs=1e-8)
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['rho'\] in offset"):
        fg.regress(WeibullLogLik, "week ~ fin", rossi, event="arrest", offset={"rho": 0.0})


def test_binomial_regression_with_its_size_option_matches_statsmodels_glm():
    sm = pytest.importorskip("statsmodels.api")
    from femtograd.distributions import BinomialLogLik
    rng = np.random.default_rng(9)
    df = pd.DataFrame({"x": rng.normal(size=200)})
    df["k"] = rng.binomial(12, 1 / (1 + np.exp(-(0.4 - 0.8 * df.x))))
    fit = fg.regress(BinomialLogLik, "k ~ x", df, options={"size": 12})
    glm = sm.GLM(np.column_stack([df.k, 12 - df.k]), sm.add_constant(df.x),
                 family=sm.families.Binomial()).fit(tol=1e-12)
    np.testing.assert_allclose(fit.params["prob"].to_numpy(), glm.params.to_numpy(), rtol=1e-7)
    np.testing.assert_allclose(fit.se["prob"].to_numpy(), glm.bse.to_numpy(), rtol=1e-6)


def test_nb2_regression_matches_statsmodels_negative_binomial():
    """Mean-parameterized negative binomial (NB2): log mu = b0 + b1 x, size = 1/alpha."""
    sm = pytest.importorskip("statsmodels.api")
    from femtograd.distributions import REGISTRY
    rng = np.random.default_rng(1)
    x = rng.normal(size=2000)
    mu = np.exp(0.5 + 0.3 * x)
    y = rng.negative_binomial(2.0, 2.0 / (2.0 + mu))
    fit = fg.regress(REGISTRY["negbinomial2"], "y ~ x", pd.DataFrame({"y": y, "x": x}))
    ref = sm.NegativeBinomial(y, sm.add_constant(x)).fit(disp=0, maxiter=200)
    assert fit.converged
    assert ref.llf <= fit.loglik <= ref.llf + 1e-6  # at least as high: statsmodels stops early
    np.testing.assert_allclose(fit.params["mu"].to_numpy(), ref.params[:2], rtol=1e-4)
    assert np.exp(fit.params[("size", "Intercept")]) == pytest.approx(1 / ref.params[2], rel=1e-4)
    np.testing.assert_allclose(fit.se["mu"].to_numpy(), ref.bse[:2], rtol=1e-3)
