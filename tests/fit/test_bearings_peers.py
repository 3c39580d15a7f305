"""The bearings of docs/reliability.md (30 units, 10 suspended at 1500 h) against the numbers
reliability 0.9.0 (Fit_Weibull_2P, Fit_Lognormal_2P) and lifelines 0.30.3 (WeibullFitter)
print for the same rows, so the page's claim that they agree stays true."""

import numpy as np
import pytest

import femtograd as fg

HOURS = np.array([514, 1500, 897, 1148, 1384, 1450, 1500, 172, 1334, 1102,
                  1500, 1500, 1500, 918, 546, 1022, 713, 1350, 821, 1437,
                  1500, 945, 1310, 306, 1500, 1500, 1253, 1500, 864, 1500], dtype=float)
RUNNING = HOURS == 1500

# reliability 0.9.0: Fit_Weibull_2P(failures=HOURS[~RUNNING], right_censored=HOURS[RUNNING])
WEIBULL = dict(alpha=1464.0829951470805, beta=2.322365475450573, alpha_se=143.36881313610166,
               beta_se=0.4708523171789578, loglik=-162.6439796454985, aicc=329.73240373544144,
               bic=332.09035405432127, b10=555.5654691380938, mean=1297.206823277385,
               alpha_ci=(1208.41, 1773.86), beta_ci=(1.56082, 3.45548))
# reliability 0.9.0: Fit_Lognormal_2P on the same rows
LOGNORMAL = dict(mu=7.112816407739897, sigma=0.6909548859311622, loglik=-164.47698416860192,
                 aicc=333.3984127816483)
# lifelines 0.30.3: WeibullFitter().fit(HOURS, event_observed=~RUNNING)
LIFELINES = dict(lambda_=1464.083043610543, rho_=2.3223655008521495,
                 loglik=-162.64397964549852, aic=329.28795929099704)


@pytest.fixture(scope="module")
def weibull():
    return fg.fit_mle("weibull", HOURS, censored=RUNNING)


def test_weibull_estimates_ses_and_criteria_are_reliabilitys_and_lifelines(weibull):
    p, se = weibull.params, weibull.se
    assert p["scale"] == pytest.approx(WEIBULL["alpha"], rel=1e-6)
    assert p["shape"] == pytest.approx(WEIBULL["beta"], rel=1e-6)
    assert se["scale"] == pytest.approx(WEIBULL["alpha_se"], rel=1e-5)
    assert se["shape"] == pytest.approx(WEIBULL["beta_se"], rel=1e-5)
    assert weibull.loglik == pytest.approx(WEIBULL["loglik"], rel=1e-9)
    assert weibull.aicc == pytest.approx(WEIBULL["aicc"], rel=1e-9)
    assert weibull.bic == pytest.approx(WEIBULL["bic"], rel=1e-9)
    assert p["scale"] == pytest.approx(LIFELINES["lambda_"], rel=1e-6)
    assert p["shape"] == pytest.approx(LIFELINES["rho_"], rel=1e-6)
    assert weibull.aic == pytest.approx(LIFELINES["aic"], rel=1e-9)


def test_weibull_log_scale_wald_intervals_are_reliabilitys(weibull):
    ci = weibull.confint()
    assert tuple(ci.loc["scale"]) == pytest.approx(WEIBULL["alpha_ci"], abs=0.01)
    assert tuple(ci.loc["shape"]) == pytest.approx(WEIBULL["beta_ci"], abs=1e-5)


def test_b10_and_mttf_are_reliabilitys(weibull):
    assert weibull.quantile(0.1)["estimate"].iloc[0] == pytest.approx(WEIBULL["b10"], rel=1e-6)
    assert weibull.mean()["estimate"].iloc[0] == pytest.approx(WEIBULL["mean"], rel=1e-6)


def test_lognormal_is_reliabilitys():
    fit = fg.fit_mle("lognormal", HOURS, censored=RUNNING)
    assert fit.params["meanlog"] == pytest.approx(LOGNORMAL["mu"], rel=1e-6)
    assert fit.params["sdlog"] == pytest.approx(LOGNORMAL["sigma"], rel=1e-5)
    assert fit.loglik == pytest.approx(LOGNORMAL["loglik"], rel=1e-9)
    assert fit.aicc == pytest.approx(LOGNORMAL["aicc"], rel=1e-9)


def test_lifelines_natural_scale_intervals_are_confint_natural(weibull):
    # lifelines 0.30.3: WeibullFitter.confidence_intervals_ (Wald, natural scale)
    ci = weibull.confint(scale="natural")
    assert tuple(ci.loc["scale"]) == pytest.approx((1183.085, 1745.081), abs=0.01)
    assert tuple(ci.loc["shape"]) == pytest.approx((1.399512, 3.245219), abs=1e-5)


def test_reliabilitys_smallest_extreme_value_is_gumbel_of_minus_x_left_censored():
    # reliability 0.9.0: Fit_Gumbel_2P(failures=..., right_censored=...) mu, sigma, loglik
    left = np.where(RUNNING, -np.inf, -HOURS)
    fit = fg.fit_mle("gumbel", fg.IntervalData(left, -HOURS))
    assert -fit.params["location"] == pytest.approx(1448.876017837194, rel=1e-6)
    assert fit.params["scale"] == pytest.approx(403.11594370342874, rel=1e-5)
    assert fit.loglik == pytest.approx(-163.52987011150876, rel=1e-9)


def test_reliabilitys_gamma_alpha_is_one_over_rate():
    # reliability 0.9.0: Fit_Gamma_2P alpha 424.7084856973555, beta 3.2388731154385604
    fit = fg.fit_mle("gamma", HOURS, censored=RUNNING)
    assert 1 / fit.params["rate"] == pytest.approx(424.7084856973555, rel=1e-5)
    assert fit.params["shape"] == pytest.approx(3.2388731154385604, rel=1e-5)
