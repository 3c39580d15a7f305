"""fit_mle(method="lbfgs" | "steepest_ascent") reaches Newton's fit on every family and on a
user model with many parameters, and the fit says which method made it."""

import inspect

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import REGISTRY

from .test_every_family import OPTIONS, simulate


def away_from(fit):
    """A start away from the MLE: each free parameter moved on its optimizer's scale."""
    start = {}
    for name, c, v in zip(fit.param_names, fit.constraints, fit.mle):
        if c == "positive":
            start[name] = v * 1.4
        elif c == "unit":
            start[name] = 1.0 / (1.0 + np.exp(-(np.log(v / (1 - v)) + 0.4)))
        else:
            start[name] = v + 0.4 * max(1.0, abs(v))
    return start


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_lbfgs_reaches_the_newton_fit_on_every_family(name):
    x = simulate(name, 300, seed=7)
    kw = OPTIONS.get(name, {})
    newton = fg.fit_mle(REGISTRY[name], x, **kw)
    fit = fg.fit_mle(REGISTRY[name], x, method="lbfgs", start=away_from(newton), fallback=False,
                     max_iter=2000, **kw)
    assert fit.converged, fit.message
    assert fit.method == "lbfgs" and fit.to_dict()["method"] == "lbfgs"
    np.testing.assert_allclose(fit.mle, newton.mle, rtol=2e-6)
    np.testing.assert_allclose(fit.se, newton.se, rtol=1e-4)
    assert fit.loglik == pytest.approx(newton.loglik, rel=1e-11, abs=1e-9)


@pytest.mark.parametrize("name", ["exp", "normal", "weibull", "gamma", "poisson", "beta"])
def test_gradient_ascent_with_the_line_search_reaches_the_newton_fit(name):
    x = simulate(name, 300, seed=8)
    newton = fg.fit_mle(REGISTRY[name], x)
    fit = fg.fit_mle(REGISTRY[name], x, method="steepest_ascent", start=away_from(newton),
                     fallback=False, max_iter=20000)
    assert fit.converged, fit.message
    assert fit.method == "steepest_ascent"
    np.testing.assert_allclose(fit.mle, newton.mle, rtol=1e-5)


def group_means_model(groups):
    """loglik(mu_0, ..., mu_{g-1}, sigma, data): normal groups with their own means and one
    standard deviation, written as a plain function of g + 1 scalar parameters."""
    def loglik(*args):
        *mus, sigma, data = args
        total = 0.0
        for mu, rows in zip(mus, data):
            total = total + fg.sum(fg.square(rows - mu))
        n = sum(len(rows) for rows in data)
        return -0.5 * total / fg.square(sigma) - n * fg.log(sigma) - 0.5 * n * np.log(2 * np.pi)
    names = [f"mu_{j}" for j in range(groups)] + ["sigma", "data"]
    loglik.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
    return loglik


def test_lbfgs_fits_a_user_model_with_many_parameters_to_its_closed_form():
    groups = 40
    rng = np.random.default_rng(9)
    data = [rng.normal(j / 4.0, 1.5, 25) for j in range(groups)]
    loglik = group_means_model(groups)
    start = {f"mu_{j}": 0.0 for j in range(groups)} | {"sigma": 1.0}
    fit = fg.fit_mle(loglik, data, start=start, constraints={"sigma": "positive"},
                     method="lbfgs", fallback=False)
    assert fit.converged, fit.message
    means = np.array([rows.mean() for rows in data])
    pooled = np.sqrt(np.mean(np.concatenate([rows - m for rows, m in zip(data, means)]) ** 2))
    np.testing.assert_allclose(fit.mle, np.append(means, pooled), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(fit.se[:groups], pooled / 5.0, rtol=1e-6)  # σ/√25
    newton = fg.fit_mle(loglik, data, start=start, constraints={"sigma": "positive"})
    np.testing.assert_allclose(fit.mle, newton.mle, rtol=1e-7, atol=1e-8)


def test_an_unknown_method_lists_the_new_ones():
    with pytest.raises(ValueError, match="lbfgs.*steepest_ascent"):
        fg.fit_mle(REGISTRY["exp"], np.ones(3), method="adam")


LAMBDA = 1e-3


def coupled_poisson(beta, data):
    """Poisson rates e^βⱼ tied by a penalty on Σβ: a vector-parameter user model whose
    information diag(e^β) + λ11ᵀ is dense."""
    s = fg.sum(beta)
    return fg.sum(data * beta - fg.exp(beta)) - 0.5 * LAMBDA * s * s


def test_lbfgs_on_a_200_vector_parameter_model_reaches_newton_judged_by_the_exact_hessian():
    p = 200
    y = np.random.default_rng(5).poisson(4.0, p) + 1.0
    start = {"beta": np.zeros(p)}
    newton = fg.fit_mle(coupled_poisson, y, start=start, nobs=p)
    fit = fg.fit_mle(coupled_poisson, y, start=start, nobs=p, method="lbfgs", fallback=False)
    assert newton.converged and fit.converged, fit.message
    np.testing.assert_allclose(fit.mle, newton.mle, rtol=0, atol=1e-6)
    # the maximum solves y − e^β − λΣβ = 0 (Newton to rounding)
    np.testing.assert_allclose(y - np.exp(newton.mle) - LAMBDA * newton.mle.sum(), 0.0,
                               atol=1e-9)
    info = np.diag(np.exp(fit.mle)) + LAMBDA  # the closed-form information the verdict used
    np.testing.assert_allclose(fit.observed_information, info, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fit.se, newton.se, rtol=1e-6)


def test_an_lbfgs_fit_of_a_vector_parameter_stopped_at_a_saddle_is_not_converged():
    def saddle(b, data):  # stationary at 0, where it is a minimum along b[0]
        return b[0] * b[0] - fg.sum(b[1:] * b[1:])

    with pytest.warns(fg.fit.ConvergenceWarning):
        fit = fg.fit_mle(saddle, np.zeros(1), start={"b": np.zeros(5)}, nobs=1,
                         method="lbfgs", fallback=False)
    assert not fit.converged and fit.status != "converged", fit.message
