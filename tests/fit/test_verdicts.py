"""Specifications of the verdict: "converged" means a maximum, in any units.

A fit whose log-likelihood has no maximum (a supremum toward an edge of the space or
at infinity, a flat direction) ends with converged=False, a status and a message naming
the parameter and the direction; one that has a maximum is converged, whatever the
units of the data and whatever the total weight.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.distributions import REGISTRY, WeibullLogLik
from femtograd.fit import ConvergenceWarning


def quiet_fit(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fg.fit_mle(*args, **kwargs)


RNG = np.random.default_rng(5)
POSITIVE = RNG.weibull(1.5, 40) * 3 + 0.1
REAL = RNG.normal(1, 2, 40)
UNIT = RNG.beta(2, 3, 40)
SAMPLE = {"exp": POSITIVE, "weibull": POSITIVE, "gamma": POSITIVE, "lognormal": POSITIVE,
          "loglogistic": POSITIVE, "inversegaussian": POSITIVE, "normal": REAL,
          "logistic": REAL, "gumbel": REAL, "cauchy": REAL, "studentt": REAL, "beta": UNIT}


# -- a published interior maximum far from 1 ----------------------------------------------------
def test_the_heavily_censored_electronics_sample_is_an_interior_maximum():
    # 10 failures and 4,072 suspensions (the `electronics` data set of the reliability
    # package); published Weibull MLE: shape 0.1537, scale 6.19e21
    failures = [220, 179, 123, 146, 199, 181, 191, 216, 1, 73]
    times = np.array(failures + [44798, 62715, 81474, 80632, 62716], dtype=float)
    weights = np.array([1] * 10 + [817, 823, 815, 813, 804], dtype=float)
    censored = np.arange(15) >= 10
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fg.fit_mle(WeibullLogLik, times, censored=censored, weights=weights)
    assert fit.converged and fit.status == "converged" and fit.diagnostics().at_boundary == []
    shape, scale = fit.params["shape"], fit.params["scale"]
    assert shape == pytest.approx(0.1537, abs=5e-5) and scale == pytest.approx(6.19e21, rel=1e-3)
    # the scale equation of the censored Weibull MLE holds at the reported shape
    assert scale ** shape == pytest.approx((weights * times ** shape).sum() / 10, rel=1e-9)
    assert np.all(np.isfinite(fit.se))


# -- the stopping rule has no units ---------------------------------------------------------------
@pytest.mark.parametrize("factor", [1e-300, 1e-100, 1e100, 1e300])
@pytest.mark.parametrize("method", ["newton", "bfgs"])
def test_total_weight_changes_neither_the_estimate_nor_the_verdict(factor, method):
    y = np.random.default_rng(2).standard_cauchy(40) + 3
    start = quartile_start(y)  # (the generator's start is the MLE already)
    base = quiet_fit(REGISTRY["cauchy"], y, method=method, start=start)
    fit = quiet_fit(REGISTRY["cauchy"], y, weights=np.full(40, factor), method=method,
                    start=start)
    assert base.converged and fit.converged
    np.testing.assert_allclose(fit.mle, base.mle, rtol=1e-7)
    assert not np.allclose(fit.mle, list(start.values()), rtol=1e-3)  # it did move


def quartile_start(y):
    """A Cauchy start away from the maximum: the median and half the interquartile range."""
    q1, median, q3 = np.quantile(y, (0.25, 0.5, 0.75), method="inverted_cdf")
    return {"location": float(median), "scale": float(q3 - q1) / 2}


def test_gradient_ascent_stopped_by_its_tolerance_far_from_the_maximum_is_not_converged():
    # the vignette's rule |g| < tol has the units of the log-likelihood: with weights of
    # 1e-300 it holds at the start, which the verdict does not call a maximum
    y = np.random.default_rng(2).standard_cauchy(40) + 3
    with pytest.warns(ConvergenceWarning, match="not_stationary"):
        fit = fg.fit_mle(REGISTRY["cauchy"], y, weights=np.full(40, 1e-300),
                         method="gradient_ascent", start=quartile_start(y))
    assert not fit.converged and fit.status == "not_stationary"
    assert "Newton decrement" in fit.message


def test_a_linear_log_likelihood_has_no_maximum():
    def linear(a, data):
        return 3.0 * a
    with pytest.warns(ConvergenceWarning, match="boundary"):
        fit = fg.fit_mle(linear, None, start={"a": 1.0})
    assert not fit.converged and fit.status == "boundary"
    assert "a → +∞" in fit.message and fit.diagnostics().at_boundary == ["a"]


def test_a_constant_log_likelihood_is_flat_not_converged():
    def constant(a, b, data):
        return 0 * a + 0 * b + 2.5
    with pytest.warns(ConvergenceWarning, match="flat"):
        fit = fg.fit_mle(constant, None, start={"a": 1.0, "b": 2.0})
    assert not fit.converged and fit.status == "flat"
    assert "along a, b" in fit.message


def test_a_parameter_that_does_not_enter_is_named_flat():
    x = np.random.default_rng(1).exponential(0.2, 30)

    def unidentified(rate, offset, data):
        return fg.log(rate) * len(data) - rate * fg.sum(data) + 0 * offset
    fit = quiet_fit(unidentified, x, start={"rate": 1.0, "offset": 0.0},
                    constraints={"rate": "positive"})
    assert fit.status == "flat" and "along offset:" in fit.message
    assert fit.params["rate"] == pytest.approx(1 / x.mean(), rel=1e-9)


def logistic_loglik(b0, b1, data):
    x, y = data
    eta = b0 + b1 * x
    return fg.sum(y * eta - fg.softplus(eta))


def test_a_perfectly_separated_logistic_regression_has_no_maximum():
    x = np.array([-2, -1, -0.5, 0.5, 1, 2])
    y = (x > 0).astype(float)
    fit = quiet_fit(logistic_loglik, (x, y), start={"b0": 0.0, "b1": 0.0}, nobs=len(y))
    assert not fit.converged and fit.status == "boundary"
    assert "b1 → +∞" in fit.message


def test_an_overlapping_logistic_regression_converges_to_the_glm_fit():
    # the same function with overlapping classes: statsmodels' Logit gives these
    x = np.array([-2, -1, -0.5, 0.5, 1, 2, -0.2, 0.3])
    y = np.array([0, 0, 1, 1, 1, 1, 0, 0], dtype=float)
    fit = quiet_fit(logistic_loglik, (x, y), start={"b0": 0.0, "b1": 0.0}, nobs=len(y))
    assert fit.converged
    p = 1 / (1 + np.exp(-(fit.mle[0] + fit.mle[1] * x)))
    np.testing.assert_allclose([np.sum(y - p), np.sum((y - p) * x)], 0, atol=1e-10)


# -- data that cannot identify the model ----------------------------------------------------------
@pytest.mark.parametrize("name", ["weibull", "lognormal", "normal", "logistic", "loglogistic",
                                  "gumbel", "studentt", "exp", "gamma", "inversegaussian"])
def test_every_row_right_censored_has_no_maximum(name):
    x = SAMPLE[name]
    fit = quiet_fit(REGISTRY[name], x, censored=np.ones(len(x), dtype=bool))
    assert not fit.converged and fit.status == "boundary"
    assert "still increases as" in fit.message and fit.diagnostics().at_boundary


@pytest.mark.parametrize("name", ["exp", "weibull", "gamma", "lognormal", "loglogistic",
                                  "inversegaussian", "normal", "logistic", "gumbel", "cauchy",
                                  "studentt", "beta"])
def test_every_row_left_censored_has_no_maximum(name):
    x, gen = SAMPLE[name], REGISTRY[name]
    lower = np.full(len(x), gen.support[0])
    fit = quiet_fit(gen, fg.IntervalData(lower, x))
    assert not fit.converged and fit.status == "boundary"


@pytest.mark.parametrize("name", ["normal", "weibull", "gumbel", "poisson"])
def test_zero_total_weight_is_flat(name):
    x = SAMPLE.get(name, np.arange(10.0))
    fit = quiet_fit(REGISTRY[name], x, weights=np.zeros(len(x)))
    assert not fit.converged and fit.status == "flat"
    assert all(p in fit.message for p in REGISTRY[name].param_names)


@pytest.mark.parametrize("name", ["normal", "weibull", "gumbel"])
def test_rows_that_carry_no_information_are_flat(name):
    n = 12
    fit = quiet_fit(REGISTRY[name], fg.IntervalData(np.full(n, -np.inf), np.full(n, np.inf)))
    assert not fit.converged and fit.status == "flat"


def test_a_gumbel_truncated_to_its_sample_window_whose_location_runs_off_is_a_boundary():
    rng = np.random.default_rng(0)
    g = rng.gumbel(2, 1.5, 20)
    lo, hi = np.quantile(g, [0.1, 0.9])
    x = g[(g >= lo) & (g <= hi)]
    fit = quiet_fit(REGISTRY["gumbel"], x, truncation=(lo, hi))
    assert not fit.converged and fit.status == "boundary"
    assert "location → −∞" in fit.message
    # and the profile log-likelihood indeed still rises that way
    assert fit.profile_loglik("location", 1.5 * fit.params["location"]) >= fit.loglik - 1e-9


def test_an_estimate_running_off_to_infinity_is_not_converged():
    # under-dispersed counts: the negative binomial size goes to infinity (the Poisson limit)
    x = np.array([2, 3, 2, 4, 3, 2, 3, 3, 4, 2], dtype=float)
    fit = quiet_fit(REGISTRY["negbinomial"], x)
    assert fit.status == "boundary" and "size → ∞" in fit.message


@pytest.mark.parametrize("name, factor, censored", [
    ("exp", 1e30, False),               # was "boundary": a rate below 1e-12
    ("gamma", 1e30, True),              # was refused: the start clamped to 1e-8
    ("gumbel", 1e-30, False), ("cauchy", 1e-30, False),  # were wrong estimates
    ("studentt", 1e-30, False), ("inversegaussian", 1e-30, False),
    ("studentt", 1e-100, True)])      # the Hessian's units once broke the modified Newton step
def test_the_unit_defects_reported_are_gone(name, factor, censored):
    x, cens, base = base_fit(name, censored)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fg.fit_mle(REGISTRY[name], x * factor, censored=cens)
    assert base.converged and fit.converged
    assert same_up_to_units(base, fit, factor)


# -- properties ---------------------------------------------------------------------------------
SCALE_FAMILIES = ["exp", "weibull", "gamma", "lognormal", "loglogistic", "inversegaussian",
                  "normal", "logistic", "gumbel", "cauchy", "studentt"]
BASE_FITS = {}


def base_fit(name, censored):
    key = (name, censored)
    if key not in BASE_FITS:
        x = SAMPLE[name] if name != "studentt" else np.random.default_rng(8).standard_t(4, 60)
        cens = (np.arange(len(x)) % 4 == 0) if censored else None
        BASE_FITS[key] = (x, cens, quiet_fit(REGISTRY[name], x, censored=cens))
    return BASE_FITS[key]


def same_up_to_units(base, fit, c):
    """Each estimate is the base one, or times c, or divided by c, or plus log c (meanlog)."""
    for v0, v in zip(base.mle, fit.mle):
        options = [v0, v0 * c, v0 / c, v0 + math.log(c)]
        if not any(math.isclose(v, o, rel_tol=1e-6, abs_tol=1e-9 * abs(o)) for o in options):
            return False
    return True


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SCALE_FAMILIES), st.integers(-100, 100), st.booleans())
def test_a_fit_is_the_same_in_any_units(name, exponent, censored):
    x, cens, base = base_fit(name, censored)
    c = 10.0 ** exponent
    fit = quiet_fit(REGISTRY[name], x * c, censored=cens)
    assert fit.status == base.status == "converged"
    assert same_up_to_units(base, fit, c)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["weibull", "lognormal", "normal", "logistic", "gumbel", "exp", "gamma"]),
       st.lists(st.floats(0.1, 100.0), min_size=2, max_size=15),
       st.sampled_from(["right", "left", "zero weight"]))
def test_no_maximum_is_never_converged(name, values, kind):
    x = np.array(values)
    if name in ("normal", "logistic", "gumbel"):
        x = x - 30.0
    gen = REGISTRY[name]
    if kind == "right":
        fit = quiet_fit(gen, x, censored=np.ones(len(x), dtype=bool))
    elif kind == "left":
        fit = quiet_fit(gen, fg.IntervalData(np.full(len(x), gen.support[0]), x))
    else:
        fit = quiet_fit(gen, x, weights=np.zeros(len(x)))
    assert not fit.converged
    assert fit.status in ("boundary", "flat") and fit.message


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.05, 5.0), min_size=1, max_size=6),
       st.lists(st.floats(0.05, 5.0), min_size=1, max_size=6), st.floats(-3, 3))
def test_separated_classes_are_never_converged(negatives, positives, cut):
    x = np.array([cut - v for v in negatives] + [cut + v for v in positives])
    y = np.array([0.0] * len(negatives) + [1.0] * len(positives))
    fit = quiet_fit(logistic_loglik, (x, y), start={"b0": 0.0, "b1": 0.0}, nobs=len(y))
    assert not fit.converged and fit.status == "boundary"
    assert "still increases as b" in fit.message and fit.params["b1"] > 0


def test_a_location_near_its_start_with_a_million_rows_is_an_interior_maximum():
    # |loglik| ≈ 2e6 makes PROFILE·size large: a location ending 0.36 SE from its start used
    # to read as "running off to −∞", though Newton's last step had shrunk to rounding
    x = np.random.default_rng(6).logistic(0.0, 1.0, 1_000_000)
    fit = fg.fit_mle("logistic", x)
    assert fit.converged, fit.message
    assert abs(fit.params["location"]) < 2 * fit.se["location"]


def test_many_coefficients_started_at_zero_end_at_an_interior_maximum():
    rng = np.random.default_rng(3)
    n, p = 2000, 120
    X = rng.normal(size=(n, p)) / np.sqrt(p)
    y = rng.poisson(np.exp(0.5 + X @ rng.normal(0, 0.3, p)))

    def loglik(intercept, beta, data):
        X, y = data
        eta = intercept + fg.matmul(X, beta)
        return fg.sum(y * eta - fg.exp(eta))

    fit = fg.fit_mle(loglik, (X, y), start={"intercept": 0.0, "beta": np.zeros(p)}, nobs=n)
    assert fit.converged, fit.message
    assert np.max(np.abs(fit.score.to_numpy())) < 1e-6


@pytest.mark.parametrize("n", [2, 3, 5, 10])
@pytest.mark.parametrize("value", np.logspace(-4, 4, 17).tolist() + [2.0, 3.727593720314938])
def test_identical_gamma_rows_run_off_to_infinite_shape_and_rate_and_say_so(value, n):
    # the gamma concentrates on the one value as shape and rate grow together; at shape 1e11
    # its log-likelihood's terms are 1e12 times their sum, and the rounding of their values
    # made a flat direction seem to climb either way: the message named "→ 0" for both. The
    # run's own travel (a factor e^25 in both, rising) says where it went. A spread of a few
    # ulps (the rounding of log x̄ − mean(log x)) once started the run at a "maximum" of
    # shape 1e15, with no travel to read, where two fits of 576 said "converged"
    fit = quiet_fit("gamma", np.full(n, value))
    assert fit.status == "boundary" and not fit.converged
    assert "shape → ∞" in fit.message and "rate → ∞" in fit.message, fit.message
    assert fit.params["shape"] > 1e6 and fit.params["shape"] / fit.params["rate"] == \
        pytest.approx(value, rel=1e-4)  # (the mean, to what an end point so far out keeps)
