"""The fitted distribution at given points: estimates are scipy's at the MLE, standard errors the
delta method's, intervals stay in range (femtograd.fit.predict)."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import REGISTRY, ExpLogLik, WeibullLogLik

from .conftest import loglike_exp
from .test_every_family import OPTIONS, simulate

CONTINUOUS = sorted(n for n in REGISTRY if not REGISTRY[n].discrete)
DISCRETE = sorted(n for n in REGISTRY if REGISTRY[n].discrete)
PROBS = np.array([0.05, 0.1, 0.4, 0.9, 0.99])

HOURS = np.array([514, 1500, 897, 1148, 1384, 1450, 1500, 172, 1334, 1102,
                  1500, 1500, 1500, 918, 546, 1022, 713, 1350, 821, 1437,
                  1500, 945, 1310, 306, 1500, 1500, 1253, 1500, 864, 1500], dtype=float)


def family_fit(name, n=200, seed=4):
    return fg.fit_mle(REGISTRY[name], simulate(name, n, seed), **OPTIONS.get(name, {}))


def bearings():
    return fg.fit_mle(WeibullLogLik, HOURS, censored=HOURS == 1500)


def points(fit):
    """Points spread over the fitted distribution (counts for a discrete family)."""
    x = fit.model.scipy(*fit.mle).ppf(PROBS)
    return np.unique(x) if fit.model.discrete else x


def delta_se(fit, fn, rel=1e-6):
    """The delta method done independently: central differences of a scipy function of the
    parameters, fn(theta) -> array, with the fit's covariance."""
    theta = fit.mle.astype(float)
    cols = []
    for i in range(theta.size):
        h = rel * max(abs(theta[i]), 1e-3)
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        cols.append((np.asarray(fn(up)) - np.asarray(fn(down))) / (2 * h))
    jac = np.column_stack(cols)
    return np.sqrt(np.einsum("ij,jk,ik->i", jac, fit.cov.to_numpy(), jac))


def truncated_scipy(fit, a, b):
    def cdf(theta, x):
        d = fit.model.scipy(*theta)
        return (d.cdf(x) - d.cdf(a)) / (d.cdf(b) - d.cdf(a))
    return cdf


# -- estimates: scipy's frozen distribution at the MLE ------------------------------------

@pytest.mark.parametrize("name", CONTINUOUS + DISCRETE)
def test_every_familys_predictions_equal_scipys_frozen_distribution_at_the_mle(name):
    fit = family_fit(name)
    dist = fit.model.scipy(*fit.mle)
    x = points(fit)
    f = dist.pmf(x) if fit.model.discrete else dist.pdf(x)
    np.testing.assert_allclose(fit.cdf(x)["estimate"], dist.cdf(x), rtol=1e-9)
    np.testing.assert_allclose(fit.sf(x)["estimate"], dist.sf(x), rtol=1e-9)
    np.testing.assert_allclose(fit.pdf(x)["estimate"], f, rtol=1e-9)
    np.testing.assert_allclose(fit.logpdf(x)["estimate"], np.log(f), rtol=1e-9)
    np.testing.assert_allclose(fit.cumhazard(x)["estimate"], -dist.logsf(x), rtol=1e-9)
    at_risk = dist.sf(x - 1) if fit.model.discrete else dist.sf(x)   # P(X >= x)
    np.testing.assert_allclose(fit.hazard(x)["estimate"], f / at_risk, rtol=1e-9)
    if not fit.model.discrete:
        np.testing.assert_allclose(fit.quantile(PROBS)["estimate"], dist.ppf(PROBS), rtol=1e-9)


@pytest.mark.parametrize("name", CONTINUOUS + DISCRETE)
def test_every_familys_standard_errors_are_the_delta_method_of_scipys_functions(name):
    fit = family_fit(name)
    x = points(fit)
    dist = fit.model.scipy
    np.testing.assert_allclose(fit.cdf(x)["se"], delta_se(fit, lambda t: dist(*t).cdf(x)),
                               rtol=1e-5)
    np.testing.assert_allclose(fit.sf(x)["se"], delta_se(fit, lambda t: dist(*t).sf(x)),
                               rtol=1e-5)
    if fit.model.discrete:
        np.testing.assert_allclose(fit.pdf(x)["se"], delta_se(fit, lambda t: dist(*t).pmf(x)),
                                   rtol=1e-5)
        return
    np.testing.assert_allclose(fit.pdf(x)["se"], delta_se(fit, lambda t: dist(*t).pdf(x)),
                               rtol=1e-5)
    np.testing.assert_allclose(fit.hazard(x)["se"],
                               delta_se(fit, lambda t: dist(*t).pdf(x) / dist(*t).sf(x)),
                               rtol=1e-5)
    np.testing.assert_allclose(fit.quantile(PROBS)["se"],
                               delta_se(fit, lambda t: dist(*t).ppf(PROBS)), rtol=1e-5)


def test_a_student_t_fits_median_has_a_finite_standard_error():
    fit = family_fit("studentt")
    assert np.isfinite(fit.quantile(0.5)["se"]).all()


def test_a_censored_weibull_b10_is_the_reliability_pages_closed_form():
    fit = bearings()
    shape, scale = fit.mle
    b10 = fit.quantile(0.1)
    assert b10.index.name == "p" and list(b10.columns) == ["estimate", "se", "lower", "upper"]
    assert b10.attrs["scale"] == "log" and fit.sf(500.0).attrs["scale"] == "logit"
    assert fit.quantile(0.1, scale="natural").attrs["scale"] == "natural"
    row = b10.loc[0.1]
    assert row["estimate"] == pytest.approx(scale * (-math.log(0.9)) ** (1 / shape), rel=1e-12)
    closed = fit.delta_method(lambda shape, scale: scale * (-np.log(0.9)) ** (1 / shape))
    assert row["se"] == pytest.approx(closed.se, rel=1e-9)
    # the log-scale interval: the docs' B10 = 555.6 h, 95% CI [373.3, 826.9]
    assert (round(row["estimate"], 1), round(row["lower"], 1), round(row["upper"], 1)) \
        == (555.6, 373.3, 826.9)
    natural = fit.quantile(0.1, scale="natural").loc[0.1]
    assert (natural["lower"], natural["upper"]) == pytest.approx(closed.confint(), rel=1e-9)


def test_a_censored_weibulls_survival_is_scipys_with_its_delta_method_se():
    fit = bearings()
    x = np.array([200.0, 555.6, 1000.0, 1500.0, 3000.0])
    out = fit.sf(x)
    assert out.index.name == "x" and out.index.tolist() == x.tolist()
    np.testing.assert_allclose(out["estimate"], fit.model.scipy(*fit.mle).sf(x), rtol=1e-12)
    np.testing.assert_allclose(out["se"], delta_se(fit, lambda t: fit.model.scipy(*t).sf(x)),
                               rtol=1e-6)


def test_exponential_survival_se_is_x_exp_minus_rate_x_times_the_rates_se():
    times = np.random.default_rng(5).exponential(2.0, 40)
    fit = fg.fit_mle(ExpLogLik, times)
    rate, se_rate = fit.params["rate"], fit.se["rate"]
    x = np.array([0.1, 1.0, 3.0, 10.0])
    out = fit.sf(x, level=0.9)
    np.testing.assert_allclose(out["estimate"], np.exp(-rate * x), rtol=1e-13)
    np.testing.assert_allclose(out["se"], x * np.exp(-rate * x) * se_rate, rtol=1e-12)
    # logit scale: logit S = log S − log F, with derivative −x·(1 + S/F) in the rate
    s = np.exp(-rate * x)
    z = stats.norm.ppf(0.95)
    centre, half = np.log(s / (1 - s)), z * x * (1 + s / (1 - s)) * se_rate
    np.testing.assert_allclose(out["lower"], 1 / (1 + np.exp(-(centre - half))), rtol=1e-10)
    np.testing.assert_allclose(out["upper"], 1 / (1 + np.exp(-(centre + half))), rtol=1e-10)
    # the cumulative hazard is rate·x, its se x·se(rate)
    np.testing.assert_allclose(fit.cumhazard(x)["se"], x * se_rate, rtol=1e-12)
    np.testing.assert_allclose(fit.hazard(x)["estimate"], rate, rtol=1e-13)


def test_a_truncated_weibull_predicts_the_truncated_distribution():
    a, b = 2.0, 15.0
    x = stats.weibull_min.rvs(1.5, scale=10, size=600, random_state=np.random.default_rng(2))
    x = x[(x >= a) & (x <= b)]
    fit = fg.fit_mle(WeibullLogLik, x, truncation=(a, b))
    cdf = truncated_scipy(fit, a, b)
    pts = np.array([2.5, 5.0, 10.0, 14.0])
    np.testing.assert_allclose(fit.cdf(pts)["estimate"], cdf(fit.mle, pts), rtol=1e-10)
    np.testing.assert_allclose(fit.sf(pts)["estimate"], 1 - cdf(fit.mle, pts), rtol=1e-10)
    np.testing.assert_allclose(fit.cdf(pts)["se"], delta_se(fit, lambda t: cdf(t, pts)),
                               rtol=1e-5)
    d = fit.model.scipy(*fit.mle)
    np.testing.assert_allclose(fit.pdf(pts)["estimate"], d.pdf(pts) / (d.cdf(b) - d.cdf(a)),
                               rtol=1e-10)
    # the quantile of the truncated distribution, and its se (differences of its inverse)
    q = fit.quantile(PROBS)
    np.testing.assert_allclose(cdf(fit.mle, q["estimate"].to_numpy()), PROBS, rtol=1e-10)

    def ppf(theta):
        dt = fit.model.scipy(*theta)
        return dt.ppf(dt.cdf(a) + PROBS * (dt.cdf(b) - dt.cdf(a)))
    np.testing.assert_allclose(q["se"], delta_se(fit, ppf), rtol=1e-5)
    # beyond the bounds the truncated distribution is known exactly
    out = fit.cdf([1.0, 20.0])
    assert out["estimate"].tolist() == [0.0, 1.0] and out["se"].tolist() == [0.0, 0.0]
    assert fit.pdf([1.0, 20.0])["estimate"].tolist() == [0.0, 0.0]


def test_a_zero_truncated_poisson_predicts_counts_in_the_truncated_support():
    k = np.random.default_rng(9).poisson(1.2, 400)
    k = k[k > 0].astype(float)
    fit = fg.fit_mle(REGISTRY["poisson"], k, truncation=(0, None))
    mu = fit.params["rate"]
    counts = np.array([0.0, 1.0, 2.0, 5.0])
    cdf = (stats.poisson.cdf(counts, mu) - stats.poisson.cdf(0, mu)) / stats.poisson.sf(0, mu)
    np.testing.assert_allclose(fit.cdf(counts)["estimate"], cdf, rtol=1e-12, atol=0)
    pmf = np.where(counts > 0, stats.poisson.pmf(counts, mu) / stats.poisson.sf(0, mu), 0.0)
    np.testing.assert_allclose(fit.pdf(counts)["estimate"], pmf, rtol=1e-12)
    assert fit.pdf(1.5)["estimate"].tolist() == [0.0]   # not a count


# -- all points in one graph ---------------------------------------------------------------

def truncated_family_fit(name, n=300, seed=4):
    """A fit truncated to the middle of the simulated data ((a, b] for counts)."""
    x = np.asarray(simulate(name, n, seed), dtype=float)
    a, b = np.quantile(x, [0.05, 0.95])
    if REGISTRY[name].discrete:
        a, b = np.floor(a) - 1, np.ceil(b)
    keep = ((x > a) if REGISTRY[name].discrete else (x >= a)) & (x <= b)
    return fg.fit_mle(REGISTRY[name], x[keep], truncation=(a, b), **OPTIONS.get(name, {}))


@pytest.mark.parametrize("truncated", [False, True], ids=["plain", "truncated"])
@pytest.mark.parametrize("name", CONTINUOUS + DISCRETE)
def test_every_quantity_at_many_points_equals_each_point_evaluated_alone(name, truncated):
    # the points share one graph (per-point parameter leaves, pieces for the points beyond
    # the support or the truncation); alone, each is a graph of its own
    fit = truncated_family_fit(name) if truncated else family_fit(name)
    x = fit.model.scipy(*fit.mle).ppf([1e-6, 0.01, 0.3, 0.5, 0.7, 0.99])
    x = np.concatenate([x, x + 0.5, [-3.0, 0.0, 1e-3, 1.0, np.inf, -np.inf]])
    if truncated:
        a, b = fit.model.truncation
        x = np.concatenate([x, [a, b, a - 1.0, b + 1.0, a + 1.0, b - 1.0]])
    for what in ("cdf", "sf", "pdf", "logpdf", "hazard", "cumhazard"):
        together = getattr(fit, what)(x).to_numpy()
        alone = np.vstack([getattr(fit, what)(v).to_numpy() for v in x])
        # se of a quantity known exactly (a discrete hazard of 1 at the last count) is 0 up
        # to rounding: an absolute tolerance far below any se that is not
        np.testing.assert_allclose(together, alone, rtol=1e-12, atol=1e-14, err_msg=what)
    if not fit.model.discrete:
        p = np.array([1e-9, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-9])
        together = fit.quantile(p).to_numpy()
        alone = np.vstack([fit.quantile(v).to_numpy() for v in p])
        np.testing.assert_allclose(together, alone, rtol=1e-12, err_msg="quantile")


def test_a_discrete_familys_infinite_points_are_beyond_its_support():
    fit = family_fit("poisson")
    out = fit.cdf([-np.inf, np.inf])
    assert out["estimate"].tolist() == [0.0, 1.0] and out["se"].tolist() == [0.0, 0.0]


def test_predictions_leave_the_generators_data_cache_as_it_was():
    fit = family_fit("weibull")
    cache = dict(fit.model.__dict__.get("_data_cache", {}))
    fit.pdf(np.linspace(0.1, 5.0, 50))
    fit.quantile([0.1, 0.9])
    assert fit.model.__dict__.get("_data_cache", {}) == cache


# -- intervals stay in range ---------------------------------------------------------------

def test_intervals_stay_inside_the_range_of_each_quantity():
    fit = bearings()
    x = np.array([1.0, 50.0, 500.0, 1500.0, 4000.0, 8000.0])
    for what in ("cdf", "sf"):
        out = getattr(fit, what)(x)
        assert ((out["lower"] >= 0) & (out["upper"] <= 1)).all()
        assert ((out["lower"] <= out["estimate"]) & (out["estimate"] <= out["upper"])).all()
    for what in ("pdf", "hazard", "cumhazard"):
        out = getattr(fit, what)(x)
        assert (out["lower"] > 0).all()
        assert ((out["lower"] <= out["estimate"]) & (out["estimate"] <= out["upper"])).all()
    q = fit.quantile([1e-6, 0.001, 0.5, 0.999])
    assert (q["lower"] > 0).all()
    # a natural-scale interval may leave the range: that is what the default avoids
    assert (fit.sf(x, scale="natural")["upper"] > 1).any()


def test_a_real_valued_quantile_takes_a_natural_interval_by_default():
    fit = family_fit("normal")
    mu, sigma = fit.mle
    out = fit.quantile(0.5)
    row = out.loc[0.5]
    z = stats.norm.ppf(0.975)
    assert row["estimate"] == pytest.approx(mu, rel=1e-12)
    assert row["se"] == pytest.approx(fit.se["mu"], rel=1e-9)
    assert (row["lower"], row["upper"]) == pytest.approx((mu - z * row["se"], mu + z * row["se"]))
    with pytest.raises(ValueError, match="scale 'log' does not suit quantile"):
        fit.quantile(0.5, scale="log")


def test_points_beyond_the_support_are_known_exactly():
    fit = bearings()
    out = fit.cdf([-1.0, 0.0])
    assert out["estimate"].tolist() == [0.0, 0.0] and out["se"].tolist() == [0.0, 0.0]
    assert fit.sf(-1.0)[["estimate", "lower", "upper"]].iloc[0].tolist() == [1.0, 1.0, 1.0]
    assert fit.cumhazard(-1.0)["estimate"].tolist() == [0.0]


def test_points_known_exactly_keep_their_interval_when_the_covariance_is_not_finite():
    # under-dispersed counts: the negative binomial size runs off to infinity, the covariance
    # is NaN; a point beyond the support is still its own interval (0 · NaN is not its spread)
    x = np.array([2, 3, 2, 4, 3, 2, 3, 3, 4, 2], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fg.fit_mle(REGISTRY["negbinomial"], x)
        assert fit.cov.isna().all().all()
        out = fit.cdf([-1.0, 3.0, 1e9])
    assert out["estimate"].iloc[[0, 2]].tolist() == [0.0, 1.0]
    assert out["lower"].iloc[[0, 2]].tolist() == [0.0, 1.0]
    assert out["upper"].iloc[[0, 2]].tolist() == [0.0, 1.0]
    assert out[["se", "lower", "upper"]].iloc[1].isna().all()  # an unknown spread stays unknown


def test_the_covariance_of_a_with_cov_view_carries_over():
    fit = bearings()
    sandwich = fit.with_cov("sandwich")
    x = [500.0, 1000.0]
    np.testing.assert_allclose(sandwich.sf(x)["se"],
                               delta_se(sandwich, lambda t: fit.model.scipy(*t).sf(x)),
                               rtol=1e-6)
    assert not np.allclose(sandwich.sf(x)["se"], fit.sf(x)["se"])


def test_a_fixed_parameter_adds_no_variance():
    fit = fg.fit_mle(WeibullLogLik, HOURS, censored=HOURS == 1500, fixed={"shape": 2.0})
    x = np.array([500.0, 1000.0])
    scale = fit.params["scale"]
    # S = exp(−(x/λ)^k): dS/dλ = S·k·(x/λ)^k/λ
    s = np.exp(-(x / scale) ** 2)
    np.testing.assert_allclose(fit.sf(x)["se"], s * 2 * (x / scale) ** 2 / scale
                               * fit.se["scale"], rtol=1e-10)


# -- what is refused -----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["cdf", "sf", "pdf", "logpdf", "hazard", "cumhazard",
                                    "quantile"])
def test_a_plain_function_fit_has_no_fitted_distribution(method):
    data = np.random.default_rng(1).exponential(0.5, 30)
    fit = fg.fit_mle(loglike_exp, data, start={"rate": 1.0})
    with pytest.raises(TypeError, match="plain log-likelihood function"):
        getattr(fit, method)(0.5)


def test_a_discrete_familys_quantile_is_refused_clearly():
    fit = family_fit("poisson")
    with pytest.raises(TypeError, match="'poisson' is discrete"):
        fit.quantile(0.5)


def test_bad_points_levels_and_scales_are_refused():
    fit = bearings()
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
        fit.sf(100.0, level=95)
    with pytest.raises(ValueError, match="unknown scale 'probit'"):
        fit.cdf(100.0, scale="probit")
    with pytest.raises(ValueError, match="scale 'logit' does not suit pdf"):
        fit.pdf(100.0, scale="logit")
    with pytest.raises(ValueError, match=r"x contains NaN at position 1"):
        fit.sf([1.0, np.nan])
    with pytest.raises(ValueError, match="1-d array"):
        fit.sf(np.ones((2, 2)))
    with pytest.raises(TypeError, match="number or a 1-d array"):
        fit.sf("soon")
    with pytest.raises(ValueError, match=r"strictly between 0 and 1; p\[1\] is 1.0"):
        fit.quantile([0.5, 1.0])
    with pytest.raises(ValueError, match=r"p contains NaN at position 2"):  # before the range
        fit.quantile([0.5, 1.0, np.nan])


def test_a_scalar_point_gives_a_one_row_frame_and_a_series_keeps_its_values():
    fit = bearings()
    out = fit.sf(1000)
    assert out.shape == (1, 4) and out.index.tolist() == [1000.0]
    series = fit.sf(pd.Series([100.0, 200.0]))
    assert series.index.tolist() == [100.0, 200.0]


def test_a_far_tail_quantile_is_refined_on_the_librarys_own_cdf_past_scipys_start():
    fit = family_fit("loglogistic")
    shape, scale = fit.mle
    p = np.array([1e-10, 0.3, 0.999, 1 - 1e-9])
    exact = scale * (p / (1 - p)) ** (1 / shape)   # F(q) = 1 / (1 + (q/scale)^-shape)
    np.testing.assert_allclose(fit.quantile(p)["estimate"], exact, rtol=4e-15)


@pytest.mark.parametrize("name, p", [("inversegaussian", 1e-100), ("inversegaussian", 1 - 1e-16),
                                     ("beta", 1e-300)])
def test_a_quantile_whose_scipy_start_is_far_off_or_beside_a_support_end_is_still_found(name, p):
    # scipy's invgauss ppf(1e-100) is ~1e248 and its isf(1e-16) ~1e61 (the roots are below 1
    # and near 100); a bracket stepped out to the support's end 0 (log F = -inf there) or
    # spanning 60 decades was brentq's RuntimeError
    rng = np.random.default_rng(3)
    x = rng.wald(2.0, 5.0, 300) if name == "inversegaussian" else rng.beta(2.0, 5.0, 300)
    fit = fg.fit_mle(REGISTRY[name], x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy's complaints about its start stay inside
        q = fit.quantile(p)["estimate"].iloc[0]
    assert 0 < q < np.inf
    tail = fit.cdf(q) if p < 0.5 else fit.sf(q)
    assert tail["estimate"].iloc[0] == pytest.approx(min(p, 1 - p), rel=1e-6)


def test_a_weibull_hazard_far_in_the_tail_is_the_closed_form_with_its_delta_method_se():
    x = stats.weibull_min.rvs(1.5, scale=2.0, size=200, random_state=np.random.default_rng(6))
    fit = fg.fit_mle(WeibullLogLik, x)
    k, lam = fit.mle
    t = 1e100
    log_h = math.log(k / lam) + (k - 1) * math.log(t / lam)
    row = fit.hazard(t).iloc[0]
    assert row["estimate"] == pytest.approx(math.exp(log_h), rel=1e-12)
    # d log h / d(k, λ) = (1/k + log(t/λ), −k/λ): the delta method on the log scale
    grad = np.array([1 / k + math.log(t / lam), -k / lam])
    se_log = math.sqrt(grad @ fit.cov.to_numpy() @ grad)
    assert row["se"] == pytest.approx(math.exp(log_h) * se_log, rel=1e-8)


def test_a_delayed_entry_fit_refuses_a_single_fitted_distribution():
    x = np.array([1.0, 2.0, 3.0, 4.0, 2.5])
    fit = fg.fit_mle(WeibullLogLik, x, truncation=(np.array([0.5, 0.0, 1.0, 2.0, 0.0]), None))
    with pytest.raises(ValueError, match="per row"):
        fit.quantile(0.5)


def test_no_prediction_frame_can_rename_another_s_columns():
    # the frames share one array of labels (a view each): a write into one frame's columns'
    # values renamed the columns of every later prediction; the labels are read-only now,
    # and renaming a frame's columns the pandas way touches no other frame
    fit = fg.fit_mle("weibull", np.random.default_rng(0).weibull(1.5, 200))
    first = fit.cdf([1.0])
    with pytest.raises(ValueError, match="read-only"):
        first.columns.values[0] = "changed"
    first.columns = ["a", "b", "c", "d"]
    renamed = fit.sf([1.0]).rename(columns={"se": "SE"})
    assert list(renamed.columns) == ["estimate", "SE", "lower", "upper"]
    for frame in (fit.pdf([1.0]), fit.quantile([0.5]), fit.cdf([1.0])):
        assert list(frame.columns) == ["estimate", "se", "lower", "upper"]
