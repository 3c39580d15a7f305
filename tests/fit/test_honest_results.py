"""Honest results: intervals inside the parameter space, rows counted, event= beside censored=,
nobs for plain functions, and a bootstrap that refuses replicates that say nothing."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special, stats

import femtograd as fg
from femtograd.distributions import (REGISTRY, ExpLogLik, IntervalData, NormalLogLik,
                                     WeibullLogLik)
from femtograd.fit.intervals import wald_interval

from .conftest import loglike_exp

Z95 = stats.norm.ppf(0.975)


# -- Wald intervals on each parameter's own scale -----------------------------------------
def test_default_wald_interval_of_a_rate_is_on_the_log_scale_and_stays_positive(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data[:3])
    est, se = fit.params["rate"], fit.se["rate"]
    natural = fit.confint(scale="natural")
    assert natural.loc["rate", "lower"] < 0  # what the natural scale gives: outside the space
    ci = fit.confint()
    assert ci.loc["rate"].tolist() == pytest.approx([est * math.exp(-Z95 * se / est),
                                                     est * math.exp(Z95 * se / est)], rel=1e-12)
    assert ci.attrs["scale"] == {"rate": "log"}
    assert natural.attrs["scale"] == {"rate": "natural"}


def test_default_wald_interval_of_a_probability_is_on_the_logit_scale():
    x = np.array([1.0] + [0.0] * 19)  # p = 0.05: the natural-scale interval is [-0.046, 0.146]
    fit = fg.fit_mle(REGISTRY["bernoulli"], x)
    p, se = 0.05, math.sqrt(0.05 * 0.95 / 20)
    assert fit.se["prob"] == pytest.approx(se, rel=1e-9)
    assert fit.confint(scale="natural").loc["prob"].tolist() == pytest.approx(
        [p - Z95 * se, p + Z95 * se], rel=1e-9)
    half = Z95 * se / (p * (1 - p))
    ci = fit.confint()
    assert ci.loc["prob"].tolist() == pytest.approx(
        [special.expit(special.logit(p) - half), special.expit(special.logit(p) + half)],
        rel=1e-9)
    assert 0 < ci.loc["prob", "lower"] < p < ci.loc["prob", "upper"] < 1
    assert ci.attrs["scale"] == {"prob": "logit"}


def test_real_parameters_keep_the_natural_scale_and_positive_ones_take_the_log(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    ci, natural = fit.confint(), fit.confint(scale="natural")
    assert ci.attrs["scale"] == {"mu": "natural", "sigma": "log"}
    assert ci.loc["mu"].tolist() == pytest.approx(natural.loc["mu"].tolist(), rel=1e-12)
    s, se = fit.params["sigma"], fit.se["sigma"]
    assert ci.loc["sigma", "upper"] == pytest.approx(s * math.exp(Z95 * se / s), rel=1e-12)


def test_an_unknown_scale_is_a_value_error_listing_the_choices(exp_data):
    with pytest.raises(ValueError, match="unknown scale 'logit'.*'natural' or 'log'"):
        fg.fit_mle(ExpLogLik, exp_data).confint(scale="logit")


@settings(max_examples=200, deadline=None)
@given(est=st.floats(1e-100, 1e100), ratio=st.floats(0, 1e6), level=st.floats(0.01, 0.999))
def test_log_scale_wald_interval_is_always_inside_the_positive_half_line(est, ratio, level):
    lower, upper = wald_interval(est, ratio * est, level, "log")
    assert 0 <= lower <= est <= upper
    half = ratio * stats.norm.ppf(0.5 + level / 2)
    if abs(math.log(est)) + half < 700:  # both ends representable as floats
        assert 0 < lower and upper < math.inf


@settings(max_examples=200, deadline=None)
@given(p=st.floats(1e-9, 1 - 1e-9), se=st.floats(0, 1e3), level=st.floats(0.01, 0.999))
def test_logit_scale_wald_interval_is_always_inside_the_unit_interval(p, se, level):
    lower, upper = wald_interval(p, se, level, "logit")
    assert 0 <= lower <= p * (1 + 1e-12) and p * (1 - 1e-12) <= upper <= 1


@pytest.mark.parametrize("level", ["0.95", b"0.9", None, True])
def test_a_level_that_is_not_a_number_is_a_type_error(exp_data, level):
    fit = fg.fit_mle(ExpLogLik, exp_data)
    for call in (lambda: fit.confint(level), lambda: fit.summary(level),
                 lambda: fit.delta_method(lambda rate: 1 / rate, level=level),
                 lambda: fit.confint(level, method="profile")):
        with pytest.raises(TypeError, match="level must be a number strictly between 0 and 1"):
            call()


def test_a_profile_that_does_not_cross_the_cutoff_consistently_gives_nan_and_a_warning(
        normal_data, monkeypatch):
    # the profile is re-optimized at each point: when the same point comes out differently
    # (a warm start that lands elsewhere), the bracket stops bracketing; root-finding's own
    # "f(a) and f(b) must have different signs" must not be what the user sees
    fit = fg.fit_mle(NormalLogLik, normal_data)
    profiler = fit._profiler(0)
    calls = iter(range(10 ** 6))
    real = profiler.profile
    monkeypatch.setattr(profiler, "profile",
                        lambda v: real(v) if next(calls) < 1 else (fit.loglik - 100.0, 0.0, 0.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lower, upper = profiler.interval(0.95)
    assert math.isnan(lower) and math.isnan(upper)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2
    for side, message in zip(("lower", "upper"), messages):
        assert message.startswith(f"profile likelihood of 'mu' does not cross the 95% cut-off "
                                  f"consistently on the {side} side")
        assert message.endswith(f"the {side} bound is NaN")


# -- the summary: z and p only where 0 is a value, and the rows by kind ---------------------
def test_summary_drops_z_and_p_for_constrained_parameters(normal_data):
    fit = fg.fit_mle(NormalLogLik, normal_data)
    t = fit.summary().table
    assert t.loc["mu", "z"] == pytest.approx(fit.params["mu"] / fit.se["mu"])
    assert np.isnan(t.loc["sigma", "z"]) and np.isnan(t.loc["sigma", "p"])
    text = str(fit.summary())
    assert "Wald intervals: natural scale for mu; log scale for sigma" in text
    assert "shown for real-valued parameters only" in text


def test_summary_of_positive_parameters_prints_no_z_column():
    x = stats.weibull_min.rvs(1.5, scale=100, size=40, random_state=np.random.default_rng(4))
    text = str(fg.fit_mle(WeibullLogLik, x).summary())
    header = next(line for line in text.splitlines() if "estimate" in line)
    assert header.split() == ["estimate", "se", "lower", "0.95", "upper", "0.95"]


def test_summary_counts_failures_and_right_censored_rows_like_the_issue_example():
    rng = np.random.default_rng(7)
    x = 100 * rng.weibull(1.5, 163)
    censored = np.zeros(163, bool)
    censored[rng.choice(163, 7, replace=False)] = True
    text = str(fg.fit_mle(WeibullLogLik, x, censored=censored).summary())
    assert "163 rows: 156 failures, 7 right-censored" in text.splitlines()[1]


def test_summary_counts_left_and_interval_rows_and_says_weighted_counts_are_weights():
    lower = np.array([1.0, 2.0, 0.0, 3.0, 4.0, 2.5])
    upper = np.array([1.0, 2.0, 1.5, np.inf, 5.0, 2.5])
    w = np.array([2.0, 1.0, 3.0, 1.0, 1.0, 1.0])
    fit = fg.fit_mle(WeibullLogLik, IntervalData(lower, upper), weights=w)
    assert ("6 rows, total weight 9: 4 failures, 1 right-censored, 3 left-censored, "
            "1 interval-censored (counted by weight)") in str(fit.summary())


def test_exact_rows_of_a_family_on_the_real_line_are_observed_not_failures(normal_data):
    assert "100 rows: 100 observed" in str(fg.fit_mle(NormalLogLik, normal_data).summary())


# -- event= (1 = observed event) beside censored= -------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), min_size=12, max_size=12))
def test_event_is_censored_turned_over_for_any_mask(events):
    x = np.array([3.1, 0.4, 5.0, 1.2, 2.2, 7.5, 0.9, 4.4, 6.1, 1.7, 2.9, 3.6])
    e = np.array(events)
    if not e.any():
        e[0] = True  # at least one failure, or there is no maximum to compare
    a = WeibullLogLik(x, event=e)(1.3, 3.0)
    b = WeibullLogLik(x, censored=~e)(1.3, 3.0)
    assert float(a.data) == float(b.data)
    assert fg.fit_mle(WeibullLogLik, x, event=e.astype(int)).loglik == \
        fg.fit_mle(WeibullLogLik, x, censored=~e).loglik


def test_event_and_censored_together_are_a_type_error(exp_data):
    e = np.ones(exp_data.size)
    with pytest.raises(TypeError, match="either as censored= .* or as event= .*not both"):
        fg.fit_mle(ExpLogLik, exp_data, censored=e == 0, event=e)
    with pytest.raises(TypeError, match="not both"):
        ExpLogLik(exp_data, censored=e == 0, event=e)


def test_an_event_indicator_that_is_not_zero_one_names_the_row(exp_data):
    e = np.ones(exp_data.size)
    e[4] = 2
    with pytest.raises(ValueError, match=r"event mask must be boolean \(1 = observed event, "
                                         r"0 = censored\); row 4 is 2.0"):
        fg.fit_mle(ExpLogLik, exp_data, event=e)
    with pytest.raises(ValueError, match="event mask has length 3 but the data have 30"):
        fg.fit_mle(ExpLogLik, exp_data, event=[1, 0, 1])


def test_event_for_a_plain_function_or_a_bound_generator_is_refused(exp_data):
    with pytest.raises(ValueError, match="event= applies to generators"):
        fg.fit_mle(loglike_exp, exp_data, start={"rate": 1.0}, event=np.ones(30))
    with pytest.raises(ValueError, match="already holds its data"):
        fg.fit_mle(ExpLogLik(exp_data), event=np.ones(30))


# -- nobs for plain functions ---------------------------------------------------------------
def _loglike_xy(slope, sigma, data):
    x, y = data
    return fg.sum(-0.5 * fg.square((y - slope * x) / sigma) - fg.log(sigma)
                  - 0.5 * math.log(2 * math.pi))


def test_columns_as_a_tuple_warn_that_nobs_counts_them_and_nobs_fixes_bic():
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    data = (x, 2 * x + rng.normal(size=50))
    start = {"slope": 1.0, "sigma": 1.0}
    with pytest.warns(UserWarning, match=r"len\(data\) = 2, but the data are 2 arrays of 50 "
                                         r"values each.*pass nobs=50"):
        wrong = fg.fit_mle(_loglike_xy, data, start=start, constraints={"sigma": "positive"})
    assert wrong.nobs == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fg.fit_mle(_loglike_xy, data, start=start, constraints={"sigma": "positive"},
                         nobs=50)
    assert fit.nobs == 50
    assert fit.bic == pytest.approx(-2 * fit.loglik + 2 * math.log(50), rel=1e-12)
    assert fit.bic > fit.aic


def test_one_array_of_observations_or_a_list_of_rows_needs_no_nobs_and_gives_no_warning(
        exp_data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fg.fit_mle(loglike_exp, exp_data, start={"rate": 1.0},
                         constraints={"rate": "positive"})
        rows = fg.fit_mle(lambda slope, data: -fg.sum(fg.square(slope - np.asarray(data)[:, 1])),
                          [[float(i), 1.0 + i] for i in range(10)], start={"slope": 0.0})
    assert fit.nobs == 30 and rows.nobs == 10


def test_columns_in_a_dict_also_warn():
    rng = np.random.default_rng(3)
    data = {"x": rng.normal(size=40), "y": rng.normal(size=40)}
    with pytest.warns(UserWarning, match=r"len\(data\) = 2, but the data are 2 arrays of 40"):
        fg.fit_mle(lambda mu, data: -fg.sum(fg.square(data["y"] - mu)), data, start={"mu": 0.0})


@pytest.mark.parametrize("nobs, error, match", [
    (0, ValueError, "positive finite"), (-3, ValueError, "positive finite"),
    (math.inf, ValueError, "positive finite"), ("50", TypeError, "must be a number")])
def test_a_bad_nobs_is_refused(exp_data, nobs, error, match):
    with pytest.raises(error, match=match):
        fg.fit_mle(loglike_exp, exp_data, start={"rate": 1.0}, nobs=nobs)


def test_nobs_for_a_generator_is_refused(exp_data):
    with pytest.raises(ValueError, match="nobs= is for plain functions"):
        fg.fit_mle(ExpLogLik, exp_data, nobs=30)


# -- the bootstrap refuses replicates that would say nothing --------------------------------
def test_bootstrap_with_weights_summing_below_one_half_is_refused(exp_data):
    fit = fg.fit_mle(ExpLogLik, exp_data, weights=np.full(exp_data.size, 0.01))
    with pytest.raises(ValueError, match=r"a resample would hold 0 row\(s\).*SE 0 from nothing"):
        fit.bootstrap(20, seed=1)


def test_bootstrap_with_weights_too_large_to_draw_is_a_value_error_not_an_overflow(exp_data):
    with warnings.catch_warnings():  # the fit's own verdict is not what is tested here
        warnings.simplefilter("ignore")
        fit = fg.fit_mle(ExpLogLik, exp_data, weights=np.full(exp_data.size, 1e30))
    with pytest.raises(ValueError, match="the weights sum to 3e\\+31: a resample of that many "
                                         "rows cannot be drawn"):
        fit.bootstrap(20, seed=1)


def test_bootstrap_of_one_weighted_row_among_zero_weights_is_refused(exp_data):
    w = np.zeros(exp_data.size)
    w[3] = 50.0
    fit = fg.fit_mle(ExpLogLik, exp_data, weights=w)
    with pytest.raises(ValueError, match=r"from 1 row\(s\) of positive weight"):
        fit.bootstrap(20, seed=1)


def test_bootstrap_of_a_plain_function_refuses_data_whose_rows_are_not_the_observations():
    rng = np.random.default_rng(3)
    x = rng.normal(size=50)
    fit = fg.fit_mle(_loglike_xy, (x, 2 * x + rng.normal(size=50)),
                     start={"slope": 1.0, "sigma": 1.0}, constraints={"sigma": "positive"},
                     nobs=50)
    with pytest.raises(ValueError, match=r"resamples the first axis .*\(2 entries\), but nobs "
                                         r"is 50.*np.column_stack"):
        fit.bootstrap(20, seed=1)


def test_bootstrap_of_a_plain_function_with_nobs_refits_with_the_same_nobs(exp_data):
    fit = fg.fit_mle(loglike_exp, exp_data, start={"rate": 1.0},
                     constraints={"rate": "positive"}, nobs=30)
    boot = fit.bootstrap(30, seed=2)
    assert boot.succeeded == 30 and boot.se["rate"] > 0
