"""Predictions of a regression fit against a direct computation."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import PoissonLogLik, WeibullLogLik


@pytest.fixture(scope="module")
def fit(rossi):
    return fg.regress(WeibullLogLik, "week ~ fin + age + prio", rossi, event="arrest",
                      params={"shape": "~ fin"})


@pytest.fixture
def new():
    return pd.DataFrame({"fin": [0, 1, 1], "age": [20, 30, 45], "prio": [0, 3, 10]},
                        index=["a", "b", "c"])


def direct(fit, new):
    """(shape, scale) per row, and the design rows, computed by hand from the coefficients."""
    xs = np.column_stack([np.ones(len(new)), new[["fin", "age", "prio"]].to_numpy(float)])
    zs = np.column_stack([np.ones(len(new)), new.fin.to_numpy(float)])
    shape = np.exp(zs @ fit.params["shape"].to_numpy())
    scale = np.exp(xs @ fit.params["scale"].to_numpy())
    return shape, scale, zs, xs


def test_parameters_per_row_with_delta_method_errors(fit, new):
    pred = fit.predict(new, what="param")
    shape, scale, zs, xs = direct(fit, new)
    np.testing.assert_allclose(pred["shape", "estimate"], shape, rtol=1e-12)
    np.testing.assert_allclose(pred["scale", "estimate"], scale, rtol=1e-12)
    cov = fit.cov.loc["scale", "scale"].to_numpy()
    se_eta = np.sqrt(np.einsum("ij,jk,ik->i", xs, cov, xs))
    np.testing.assert_allclose(pred["scale", "se"], scale * se_eta, rtol=1e-10)
    np.testing.assert_allclose(pred["scale", "lower"], scale * np.exp(-1.959963984540054 * se_eta),
                               rtol=1e-9)
    assert list(pred.index) == ["a", "b", "c"]


def test_survival_cdf_and_hazard_against_scipy(fit, new):
    shape, scale, zs, xs = direct(fit, new)
    law = stats.weibull_min(shape, scale=scale)
    sf = fit.predict(new, what="sf", x=26.0)
    np.testing.assert_allclose(sf.estimate, law.sf(26.0), rtol=1e-10)
    cdf = fit.predict(new, what="cdf", x=26.0)
    np.testing.assert_allclose(cdf.estimate, law.cdf(26.0), rtol=1e-10)
    np.testing.assert_allclose(cdf.se, sf.se, rtol=1e-12)
    assert np.all((sf.lower < sf.estimate) & (sf.estimate < sf.upper) & (sf.upper < 1))
    hz = fit.predict(new, what="hazard", x=[5.0, 26.0, 50.0])
    t = np.array([5.0, 26.0, 50.0])
    np.testing.assert_allclose(hz.estimate, law.pdf(t) / law.sf(t), rtol=1e-9)


def test_survival_error_by_the_delta_method_with_numeric_gradient(fit, new):
    # S(26) as a function of the coefficients, differentiated numerically
    zs = np.column_stack([np.ones(3), new.fin.to_numpy(float)])
    xs = np.column_stack([np.ones(3), new[["fin", "age", "prio"]].to_numpy(float)])

    def surv(coef):
        shape = np.exp(zs @ coef[:2])
        return np.exp(-(26.0 / np.exp(xs @ coef[2:])) ** shape)
    coef = fit.mle.copy()
    jac = np.column_stack([(surv(coef + e) - surv(coef - e)) / 2e-7
                           for e in np.eye(coef.size) * 1e-7])
    se = np.sqrt(np.einsum("ij,jk,ik->i", jac, fit.cov.to_numpy(), jac))
    np.testing.assert_allclose(fit.predict(new, what="sf", x=26.0).se, se, rtol=1e-5)


def test_unseen_factor_level_is_a_clear_error(counts):
    fit = fg.regress(PoissonLogLik, "y ~ x1 + C(g)", counts)
    with pytest.raises(ValueError, match="unseen factor level"):
        fit.predict(pd.DataFrame({"x1": [0.0], "g": ["zzz"]}))


def test_poisson_rate_prediction_uses_the_offset_column_of_new_data(counts):
    fit = fg.regress(PoissonLogLik, "y ~ x1", counts, offset="log_exposure")
    new = pd.DataFrame({"x1": [0.0, 1.0], "log_exposure": [0.0, np.log(3.0)]})
    pred = fit.predict(new)
    b = fit.params["rate"]
    np.testing.assert_allclose(pred["rate", "estimate"],
                               np.exp(b["Intercept"] + b["x1"] * new.x1 + new.log_exposure),
                               rtol=1e-12)


def test_bad_prediction_requests(fit, new):
    with pytest.raises(ValueError, match="unknown prediction"):
        fit.predict(new, what="mode")
    with pytest.raises(ValueError, match="needs x="):
        fit.predict(new, what="sf")
    with pytest.raises(ValueError, match=r"lack the column\(s\) \['age'\]"):
        fit.predict(new.drop(columns="age"))


def test_quantiles_and_median_with_implicit_function_errors(fit, new):
    shape, scale, zs, xs = direct(fit, new)
    q = fit.predict(new, what="quantile", p=0.25)
    np.testing.assert_allclose(q.estimate, stats.weibull_min(shape, scale=scale).ppf(0.25),
                               rtol=1e-10)
    med = fit.predict(new, what="median")
    np.testing.assert_allclose(med.estimate, scale * np.log(2) ** (1 / shape), rtol=1e-10)

    def median(coef):
        return np.exp(xs @ coef[2:]) * np.log(2) ** (1 / np.exp(zs @ coef[:2]))
    coef = fit.mle.copy()
    jac = np.column_stack([(median(coef + e) - median(coef - e)) / 2e-7
                           for e in np.eye(coef.size) * 1e-7])
    se = np.sqrt(np.einsum("ij,jk,ik->i", jac, fit.cov.to_numpy(), jac))
    np.testing.assert_allclose(med.se, se, rtol=1e-5)
    assert np.all(med.lower < med.estimate) and np.all(med.estimate < med.upper)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        fit.predict(new, what="quantile", p=1.5)
    with pytest.raises(ValueError, match="needs p="):
        fit.predict(new, what="quantile")


def test_an_array_offset_must_be_given_again_for_new_rows(counts):
    fit = fg.regress(PoissonLogLik, "y ~ x1", counts, offset=counts.log_exposure.to_numpy())
    new = pd.DataFrame({"x1": [0.5]})
    with pytest.raises(ValueError, match="pass offset="):
        fit.predict(new)
    pred = fit.predict(new, offset=[np.log(2.0)])
    b = fit.params["rate"]
    expected = 2.0 * np.exp(b["Intercept"] + 0.5 * b["x1"])
    assert pred["rate", "estimate"][0] == pytest.approx(expected)


def test_an_unseen_level_is_refused_whatever_the_warnings_filters(counts):
    # formulaic only warns about a level it has not seen (and encodes the row as the reference
    # level); a filter that ignores warnings, as another thread may set, must not let it through
    fit = fg.regress(PoissonLogLik, "y ~ x1 + C(g)", counts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"factor C\(g\) has level\(s\) \['zzz'\] not seen"):
            fit.predict(pd.DataFrame({"x1": [0.0, 1.0], "g": ["a", "zzz"]}))
    seen = fit.predict(pd.DataFrame({"x1": [0.0], "g": ["b"]}))
    assert np.isfinite(seen.to_numpy(dtype=float)).all()
