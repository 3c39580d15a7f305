"""Array parameters in fit_mle for a plain function: f(beta, sigma, data) with beta one Value of
its start's shape. Checked against the OLS closed form, statsmodels' logistic regression and
element-wise fits; every optimizer reaches the same maximum; bad shapes are clear errors."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
import statsmodels.api as sm

import femtograd as fg
from femtograd.optim.objective import ArrayGraphObjective

METHODS = ("newton", "bfgs", "lbfgs", "steepest_ascent")


def _regression(n=300, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, p - 1))])
    y = X @ np.linspace(1.0, -1.0, p) + 0.7 * rng.normal(size=n)
    return X, y


def normal_linear(beta, sigma, data):
    X, y = data
    r = y - X @ beta
    return -len(y) * fg.log(sigma) - fg.sum(r * r) / (2.0 * sigma ** 2)


def logistic(beta, data):
    X, y = data
    eta = X @ beta
    return fg.sum(y * fg.log_sigmoid(eta) + (1.0 - y) * fg.log_sigmoid(-eta))


def _ols(X, y):
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    s2 = float(np.sum((y - X @ beta) ** 2)) / len(y)  # the MLE of σ²
    return beta, s2


@pytest.mark.parametrize("method", METHODS)
def test_linear_regression_with_a_vector_beta_is_ols_with_its_standard_errors(method):
    X, y = _regression()
    fit = fg.fit_mle(normal_linear, (X, y), start={"beta": np.zeros(4), "sigma": 1.0},
                     constraints={"sigma": "positive"}, nobs=len(y), method=method)
    beta, s2 = _ols(X, y)
    assert fit.converged
    assert list(fit.params.index) == ["beta[0]", "beta[1]", "beta[2]", "beta[3]", "sigma"]
    tol = 1e-6 if method == "steepest_ascent" else 1e-8
    np.testing.assert_allclose(fit.params.to_numpy(), [*beta, np.sqrt(s2)], rtol=tol)
    # observed information of (beta, sigma) at the MLE: XᵀX/σ² and 2n/σ², uncorrelated
    np.testing.assert_allclose(fit.se.to_numpy()[:4], np.sqrt(np.diag(s2 * np.linalg.inv(X.T @ X))),
                               rtol=1e-5)
    assert fit.se["sigma"] == pytest.approx(np.sqrt(s2 / (2 * len(y))), rel=1e-5)
    assert list(fit.cov.index) == list(fit.params.index)
    assert list(fit.confint().index) == list(fit.params.index)
    assert "beta[3]" in str(fit.summary())


def test_the_exact_hessian_comes_from_one_vector_leaf():
    X, y = _regression(n=50)
    fit = fg.fit_mle(normal_linear, (X, y), start={"beta": np.zeros(4), "sigma": 1.0},
                     constraints={"sigma": "positive"}, nobs=50)
    objective = fit._objective
    assert isinstance(objective, ArrayGraphObjective)
    assert [leaf.shape for leaf in objective.leaves] == [(4,), ()]
    _, s2 = _ols(X, y)
    info = fit.observed_information.to_numpy()
    np.testing.assert_allclose(info[:4, :4], X.T @ X / s2, rtol=1e-10)
    np.testing.assert_allclose(info[:4, 4], 0.0, atol=1e-8 * np.abs(info).max())


def test_logistic_regression_with_a_vector_beta_equals_statsmodels():
    rng = np.random.default_rng(3)
    X = sm.add_constant(rng.normal(size=(400, 3)))
    y = (rng.random(400) < 1 / (1 + np.exp(-(X @ [0.3, 1.0, -0.8, 0.4])))).astype(float)
    ref = sm.Logit(y, X).fit(disp=0)
    for method in ("newton", "lbfgs"):
        fit = fg.fit_mle(logistic, (X, y), start={"beta": np.zeros(4)}, nobs=400, method=method)
        assert fit.converged
        np.testing.assert_allclose(fit.params.to_numpy(), ref.params, rtol=1e-6)
        np.testing.assert_allclose(fit.se.to_numpy(), ref.bse, rtol=1e-5)
        assert fit.loglik == pytest.approx(ref.llf, rel=1e-10)


def test_scalar_and_vector_parameters_mix_with_constraints_per_element():
    rng = np.random.default_rng(5)
    rates = np.array([0.5, 2.0, 7.0])
    x = rng.exponential(1.0 / rates[:, None], size=(3, 200))  # three groups' rows

    def f(rate, shift, data):  # shift is a scalar that must come out 0
        return fg.sum(200.0 * fg.log(rate) - rate * fg.sum(data, axis=1)) - shift ** 2

    fit = fg.fit_mle(f, x, start={"rate": np.ones(3), "shift": 1.0},
                     constraints={"rate": "positive"}, nobs=600)
    assert fit.converged
    np.testing.assert_allclose(fit.params[["rate[0]", "rate[1]", "rate[2]"]],
                               200.0 / x.sum(axis=1), rtol=1e-9)
    assert fit.params["shift"] == pytest.approx(0.0, abs=1e-9)
    assert fit.constraints == ("positive",) * 3 + ("real",)
    np.testing.assert_allclose(fit.se[["rate[0]", "rate[1]", "rate[2]"]],
                               (200.0 / x.sum(axis=1)) / np.sqrt(200.0), rtol=1e-6)


def test_a_matrix_parameter_is_named_row_major():
    def f(m, data):
        return -fg.sum((m - data) ** 2)

    target = np.arange(6.0).reshape(2, 3)
    fit = fg.fit_mle(f, target, start={"m": np.zeros((2, 3))}, nobs=6)
    assert list(fit.params.index) == [f"m[{i},{j}]" for i in range(2) for j in range(3)]
    np.testing.assert_allclose(fit.params.to_numpy(), target.ravel(), atol=1e-10)


def test_fixed_holds_a_whole_vector_or_one_element():
    X, y = _regression()
    start = {"beta": np.zeros(4), "sigma": 1.0}
    held = np.array([1.0, 0.0, 0.0, 0.0])
    fit = fg.fit_mle(normal_linear, (X, y), start=start, fixed={"beta": held},
                     constraints={"sigma": "positive"}, nobs=len(y))
    assert fit.df == 1 and fit.free_names == ("sigma",)
    assert fit.params["sigma"] == pytest.approx(np.sqrt(np.mean((y - X @ held) ** 2)), rel=1e-9)
    one = fg.fit_mle(normal_linear, (X, y), start=start, fixed={"beta[0]": 0.0},
                     constraints={"sigma": "positive"}, nobs=len(y))
    beta, _ = _ols(X[:, 1:], y)
    np.testing.assert_allclose(one.params[["beta[1]", "beta[2]", "beta[3]"]], beta, rtol=1e-8)
    assert one.params["beta[0]"] == 0.0 and one.df == 4


def test_a_bootstrap_refits_with_the_vector_shapes():
    X, y = _regression(n=80)
    fit = fg.fit_mle(lambda beta, data: -fg.sum((data[1] - data[0] @ beta) ** 2), (X, y),
                     start={"beta": np.zeros(4)}, nobs=80)
    refit = fit._refit((X[::-1], y[::-1]), start=dict(fit.params), fixed={})
    np.testing.assert_allclose(refit.params, fit.params, rtol=1e-10)


@pytest.mark.parametrize("fixed, message", [
    ({"beta": np.zeros(3)}, r"fixed beta has shape \(3,\); the parameter beta has shape \(4,\)"),
    ({"beta": 0.0}, r"fixed beta has shape \(\); the parameter beta has shape \(4,\)"),
])
def test_a_fixed_value_of_the_wrong_shape_is_a_clear_error(fixed, message):
    X, y = _regression(n=20)
    with pytest.raises(ValueError, match=message):
        fg.fit_mle(normal_linear, (X, y), start={"beta": np.zeros(4), "sigma": 1.0},
                   fixed=fixed, constraints={"sigma": "positive"}, nobs=20)


def test_bad_shapes_are_clear_errors():
    X, y = _regression(n=20)
    with pytest.raises(ValueError, match=r"start beta has shape \(0,\)"):
        fg.fit_mle(normal_linear, (X, y), start={"beta": np.zeros(0), "sigma": 1.0}, nobs=20)
    with pytest.raises(ValueError, match="matmul|mismatch|shape"):  # X is 20×4, beta has 3
        fg.fit_mle(normal_linear, (X, y), start={"beta": np.zeros(3), "sigma": 1.0}, nobs=20)
    with pytest.raises(ValueError, match=r"sigma=-1.0 is outside the parameter space"):
        fg.fit_mle(normal_linear, (X, y), start={"beta": np.zeros(4), "sigma": -1.0},
                   constraints={"sigma": "positive"}, nobs=20)
    with pytest.raises(ValueError, match=r"rate\[1\]=-2.0 is outside the parameter space"):
        fg.fit_mle(lambda rate, data: fg.sum(fg.log(rate)), None,
                   start={"rate": np.array([1.0, -2.0])}, constraints={"rate": "positive"},
                   nobs=2)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(st.integers(1, 6), st.integers(0, 2**31), st.sampled_from(["newton", "lbfgs"]))
def test_any_least_squares_fit_with_a_vector_beta_is_the_lstsq_solution(p, seed, method):
    rng = np.random.default_rng(seed)
    n = 3 * p + 5
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 5.0, p)  # columns in different units
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    fit = fg.fit_mle(normal_linear, (X, y), start={"beta": np.zeros(p), "sigma": 1.0},
                     constraints={"sigma": "positive"}, nobs=n, method=method)
    beta, s2 = _ols(X, y)
    assert fit.converged
    np.testing.assert_allclose(fit.mle, [*beta, np.sqrt(s2)], rtol=1e-6, atol=1e-8)
