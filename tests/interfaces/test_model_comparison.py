"""Model comparison beyond AIC: AICc on the fit and in compare, Vuong's test, mixed families."""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import LogNormalLogLik, WeibullLogLik


@pytest.fixture(scope="module")
def lifetimes():
    return 12.0 * np.random.default_rng(11).weibull(1.6, 300)


def test_aicc_is_aic_plus_the_hurvich_tsai_correction():
    x = np.arange(1.0, 10.0)  # n = 9, k = 2: the correction is 2·2·3/6 = 2
    fit = fg.fit_mle("weibull", x)
    assert fit.aicc == pytest.approx(fit.aic + 2.0, rel=1e-14)
    assert fit.to_dict()["aicc"] == pytest.approx(fit.aicc)


def test_aicc_is_nan_when_the_sample_is_too_small_for_the_correction():
    fit = fg.fit_mle("normal", np.array([1.0, 2.5, 4.0]))  # n = 3 = k + 1
    assert math.isnan(fit.aicc) and math.isfinite(fit.aic)


def test_compare_reports_each_fits_aicc(lifetimes):
    table = fg.compare(lifetimes[:20], ["weibull", "lognormal", "exp"])
    for name, row in table.set_index("distribution").iterrows():
        assert row["aicc"] == pytest.approx(fg.fit_mle(name, lifetimes[:20]).aicc, rel=1e-12)


def test_compare_warns_when_ranking_a_count_family_against_a_continuous_one():
    counts = np.random.default_rng(3).poisson(4.0, 60).astype(float) + 1.0
    with pytest.warns(UserWarning, match="count families \\(poisson\\).*different scales"):
        fg.compare(counts, ["poisson", "gamma"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fg.compare(counts, ["poisson", "negbinomial"])  # counts against counts: no warning


def _vuong_by_hand(x, a, b):
    m = a.logpdf(x) - b.logpdf(x)
    n = len(x)
    return m.sum() / (math.sqrt(n) * m.std())  # Vuong's variance has divisor n


def test_vuong_matches_the_statistic_computed_from_scipy_log_densities(lifetimes):
    wb = fg.fit_mle(WeibullLogLik, lifetimes)
    ln = fg.fit_mle(LogNormalLogLik, lifetimes)
    test = fg.vuong(wb, ln)
    shape, scale = wb.mle
    meanlog, sdlog = ln.mle
    z = _vuong_by_hand(lifetimes, stats.weibull_min(shape, scale=scale),
                       stats.lognorm(sdlog, scale=math.exp(meanlog)))
    assert test.statistic == pytest.approx(z, rel=1e-10)
    assert test.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-10)
    assert test.preferred() == "weibull"  # Weibull data: the Weibull is closer
    assert "weibull vs lognormal" in str(test)


def test_vuong_is_antisymmetric_and_its_corrections_penalize_extra_parameters(lifetimes):
    wb = fg.fit_mle("weibull", lifetimes)
    ex = fg.fit_mle("exp", lifetimes)
    plain = fg.vuong(wb, ex)
    assert fg.vuong(ex, wb).statistic == pytest.approx(-plain.statistic, rel=1e-12)
    n = len(lifetimes)
    scale = plain.statistic / (wb.loglik - ex.loglik)  # 1 / (sqrt(n) omega)
    assert fg.vuong(wb, ex, "aic").statistic == pytest.approx(
        (wb.loglik - ex.loglik - 1) * scale, rel=1e-10)
    assert fg.vuong(wb, ex, "bic").statistic == pytest.approx(
        (wb.loglik - ex.loglik - math.log(n) / 2) * scale, rel=1e-10)


def test_vuong_with_frequency_weights_equals_vuong_on_the_repeated_rows():
    values = np.array([0.7, 1.3, 2.2, 3.1, 4.8, 6.0, 9.5])
    counts = np.array([3, 1, 4, 2, 5, 1, 2])
    repeated = np.repeat(values, counts)
    weighted = fg.vuong(fg.fit_mle("weibull", values, weights=counts),
                        fg.fit_mle("lognormal", values, weights=counts))
    plain = fg.vuong(fg.fit_mle("weibull", repeated), fg.fit_mle("lognormal", repeated))
    assert weighted.statistic == pytest.approx(plain.statistic, rel=1e-6)


def test_vuong_with_right_censoring_uses_each_rows_log_likelihood_term(lifetimes):
    censored = lifetimes > 15.0
    times = np.minimum(lifetimes, 15.0)
    wb = fg.fit_mle("weibull", times, censored=censored)
    ln = fg.fit_mle("lognormal", times, censored=censored)
    a = stats.weibull_min(wb.mle[0], scale=wb.mle[1])
    b = stats.lognorm(ln.mle[1], scale=math.exp(ln.mle[0]))
    m = np.where(censored, a.logsf(times) - b.logsf(times), a.logpdf(times) - b.logpdf(times))
    z = m.sum() / (math.sqrt(len(m)) * m.std())
    assert fg.vuong(wb, ln).statistic == pytest.approx(z, rel=1e-9)


def test_vuong_refuses_fits_of_different_data_or_mixed_kinds_or_plain_functions(lifetimes):
    wb = fg.fit_mle("weibull", lifetimes)
    with pytest.raises(ValueError, match="different rows"):
        fg.vuong(wb, fg.fit_mle("lognormal", lifetimes[:-1]))
    counts = np.random.default_rng(1).poisson(3.0, 50).astype(float) + 1
    with pytest.raises(ValueError, match="count"):
        fg.vuong(fg.fit_mle("poisson", counts), fg.fit_mle("gamma", counts))

    def loglike_exp(rate, data):
        return fg.sum(fg.log(rate) - rate * data)
    plain = fg.fit_mle(loglike_exp, lifetimes, start={"rate": 0.1},
                       constraints={"rate": "positive"})
    with pytest.raises(TypeError, match="generator"):
        fg.vuong(wb, plain)
    with pytest.raises(ValueError, match="correction"):
        fg.vuong(wb, wb, correction="hqic")
    with pytest.raises(ValueError, match="same log-likelihood"):
        fg.vuong(wb, wb)


def test_registry_names_work_in_fit_mle_in_any_case():
    x = np.arange(1.0, 10.0)
    assert fg.fit_mle(" Weibull", x).mle == pytest.approx(fg.fit_mle(WeibullLogLik, x).mle)
    with pytest.raises(ValueError, match="'weibul'.*weibull"):
        fg.fit_mle("weibul", x)
