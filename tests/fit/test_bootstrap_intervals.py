"""Bootstrap breadth: basic and BCa intervals, derived quantities, censoring-faithful parametric
replicates, progress reports."""

import math

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import ExpLogLik, NormalLogLik, WeibullLogLik


@pytest.fixture(scope="module")
def exp_fit():
    return fg.fit_mle(ExpLogLik, np.random.default_rng(3).exponential(2.0, 20))


@pytest.fixture(scope="module")
def exp_boot(exp_fit):
    return exp_fit.bootstrap(n=2000, seed=5)


def test_the_basic_interval_reflects_the_percentile_one_about_the_estimate(exp_fit, exp_boot):
    pct = exp_boot.confint(0.9)
    basic = exp_boot.confint(0.9, method="basic")
    rate = exp_fit.params["rate"]
    assert basic.loc["rate", "lower"] == pytest.approx(2 * rate - pct.loc["rate", "upper"])
    assert basic.loc["rate", "upper"] == pytest.approx(2 * rate - pct.loc["rate", "lower"])


def test_the_acceleration_of_the_normal_mean_is_efrons_skewness_formula():
    x = np.random.default_rng(1).gamma(2.0, 1.0, 40)         # skewed data
    fit = fg.fit_mle(NormalLogLik, x)
    boot = fit.bootstrap(n=20, seed=1)
    d = x - x.mean()
    # Efron & Tibshirani (1993) eq. 14.15: for the mean, a = Σdᵢ³ / (6 (Σdᵢ²)^{3/2})
    assert boot._acceleration()[0] == pytest.approx(np.sum(d ** 3) / (6 * np.sum(d ** 2) ** 1.5),
                                                    rel=1e-9)


def test_bca_follows_the_exact_interval_of_an_exponential_rate_closer_than_percentile(
        exp_fit, exp_boot):
    # 2 λ Σx ~ χ²(2n): the exact 90% interval of the rate
    x_sum = exp_fit.nobs / exp_fit.params["rate"]
    n = exp_fit.nobs
    exact = stats.chi2.ppf([0.05, 0.95], 2 * n) / (2 * x_sum)
    pct = exp_boot.confint(0.9).loc["rate"].to_numpy()
    bca = exp_boot.confint(0.9, method="bca").loc["rate"].to_numpy()
    assert np.abs(bca - exact).sum() < 0.6 * np.abs(pct - exact).sum()
    # the BCa levels by hand: z0 from the share below the estimate, a from the influence
    values = exp_boot.estimates["rate"].to_numpy()
    z0 = stats.norm.ppf(np.mean(values < exp_fit.params["rate"]))
    a = exp_boot._acceleration()[0]
    z = stats.norm.ppf([0.05, 0.95])
    np.testing.assert_allclose(bca, np.quantile(values, stats.norm.cdf(
        z0 + (z0 + z) / (1 - a * (z0 + z)))))


def test_apply_bootstraps_the_b10_life_with_every_interval():
    rng = np.random.default_rng(7)
    t = 100 * rng.weibull(1.8, 60)
    fit = fg.fit_mle(WeibullLogLik, np.minimum(t, 150), censored=t > 150)
    boot = fit.bootstrap(n=200, seed=2)

    def b10(shape, scale):
        return scale * (-math.log(0.9)) ** (1 / shape)
    life = boot.apply(b10)
    expected = [b10(*row) for row in boot.estimates.to_numpy()]
    np.testing.assert_allclose(life.estimates["b10"], expected)
    assert life.estimate["b10"] == pytest.approx(fit.quantile(0.1)["estimate"].iloc[0], rel=1e-9)
    ref = fit.delta_method(lambda shape, scale: scale * (-math.log(0.9)) ** (1 / shape))
    np.testing.assert_allclose(life.gradient[0], ref.gradient, rtol=1e-5)
    for method in ("percentile", "basic", "bca"):
        lo, hi = life.confint(method=method).loc["b10"]
        assert lo < life.estimate["b10"] < hi
    assert life.se["b10"] == pytest.approx(fit.quantile(0.1)["se"].iloc[0], rel=0.3)


def test_a_parametric_bootstrap_censors_its_replicates_as_often_as_the_data(monkeypatch):
    from femtograd.fit import bootstrap as module
    rng = np.random.default_rng(11)
    t = 10 * rng.weibull(1.5, 150)
    c = rng.exponential(12.0, 150)
    fit = fg.fit_mle(WeibullLogLik, np.minimum(t, c), censored=t > c)
    shares, draw = [], module.simulate_design

    def recording(fit, rng):
        model = draw(fit, rng)
        shares.append(np.mean(model.censored))
        return model
    monkeypatch.setattr(module, "simulate_design", recording)
    boot = fit.bootstrap(n=200, kind="parametric", seed=4)
    assert len(shares) == 200
    assert np.mean(shares) == pytest.approx(np.mean(t > c), abs=0.02)   # 68 of 150 censored
    # so the replicates spread as the information says (thinned censoring made them narrow)
    assert boot.se["shape"] == pytest.approx(fit.se["shape"], rel=0.15)
    assert boot.se["scale"] == pytest.approx(fit.se["scale"], rel=0.15)


def test_progress_is_reported_as_each_batch_of_replicates_finishes(exp_fit, capsys):
    from femtograd.fit.batched import BATCH
    seen = []
    exp_fit.bootstrap(n=12, seed=1, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 12), (12, 12)]  # the twelve refitted at once
    seen = []
    n = 2 * BATCH + 5
    exp_fit.bootstrap(n=n, seed=1, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, n), (BATCH, n), (2 * BATCH, n), (n, n)]
    exp_fit.bootstrap(n=20, seed=1, progress=True)  # stderr is no terminal here: no bar
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match="progress must be"):
        exp_fit.bootstrap(n=5, progress="yes")


def test_an_unknown_interval_method_is_refused(exp_boot):
    with pytest.raises(ValueError, match="unknown bootstrap interval 'student'"):
        exp_boot.confint(method="student")

