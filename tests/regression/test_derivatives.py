"""The regression's exact gradient and Hessian against finite differences, and the score at
the MLE against zero."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import BernoulliLogLik, NormalLogLik, WeibullLogLik


def central(f, x, h):
    """Central differences of f (scalar or vector valued) at x, step h[i] in coordinate i."""
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h[i]
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h[i]))
    return np.stack(cols, axis=-1)


def check_derivatives(fit, shift=0.5):
    """At the MLE moved by `shift` standard errors (where the gradient is not 0), steps of
    1e-4 standard errors: each coefficient on the scale of its own covariate."""
    se = fit.se.to_numpy()[fit._free]
    coef = fit.mle[fit._free] + shift * se
    f, g, h = fit.derivatives(coef)
    step = 1e-4 * se
    fd_g = central(lambda c: fit.derivatives(c)[0], coef, step)
    fd_h = central(lambda c: fit.derivatives(c)[1], coef, step)
    # compared in the coefficients' own units (per standard error): scale-free tolerances
    np.testing.assert_allclose(g * se, fd_g * se, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(h * np.outer(se, se), fd_h * np.outer(se, se), rtol=1e-6,
                               atol=1e-6)
    np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-12)


def test_weibull_with_shape_on_covariates_and_censoring(rossi):
    fit = fg.regress(WeibullLogLik, "week ~ fin + age + prio", rossi, event="arrest",
                     params={"shape": "~ age + wexp"})
    check_derivatives(fit)
    assert np.max(np.abs(fit.score)) < 1e-6


def test_bernoulli_logit_regression():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(300, 2))
    y = (rng.uniform(size=300) < 1 / (1 + np.exp(-(0.3 + x @ [1.0, -0.5])))).astype(float)
    fit = fg.regress(BernoulliLogLik, y, design={"prob": np.column_stack([np.ones(300), x])})
    check_derivatives(fit)
    # the logistic score equations: Xᵀ(y − p) = 0 at the MLE
    p = 1 / (1 + np.exp(-(np.column_stack([np.ones(300), x]) @ fit.params["prob"].to_numpy())))
    np.testing.assert_allclose(np.column_stack([np.ones(300), x]).T @ (y - p), 0, atol=1e-7)


def test_heteroscedastic_normal_with_uncentred_covariates():
    rng = np.random.default_rng(8)
    n = 500
    df = pd.DataFrame({"year": rng.uniform(1990, 2020, n), "dose": rng.uniform(0, 5e4, n)})
    df["y"] = 3 + 0.01 * (df.year - 2000) + rng.normal(size=n) * np.exp(0.5 + 2e-5 * df.dose)
    fit = fg.regress(NormalLogLik, "y ~ year + dose", df, params={"sigma": "~ dose"})
    assert fit.converged
    check_derivatives(fit)
    assert fit.params["sigma", "dose"] == pytest.approx(2e-5, abs=3 * fit.se["sigma", "dose"])
