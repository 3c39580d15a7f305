"""Goodness of fit: statistics against scipy, bootstrap null distributions against Stephens'
published critical points, the censored versions against their uncensored special case."""

import warnings

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import (REGISTRY, IntervalData, NormalLogLik,
                                     PoissonLogLik, WeibullLogLik)
from femtograd.fit.gof import chi_square, edf_statistics
from femtograd.fit.resample import simulate_design


@pytest.mark.parametrize("family, dist, draw, known", [
    ("weibull", stats.weibull_min, lambda r: 10 * r.weibull(1.5, 60),
     lambda m: dict(c=m[0], scale=m[1], loc=0)),
    ("normal", stats.norm, lambda r: r.normal(3, 2, 60), lambda m: dict(loc=m[0], scale=m[1])),
    ("lognormal", stats.lognorm, lambda r: r.lognormal(1, 0.5, 60),
     lambda m: dict(s=m[1], scale=np.exp(m[0]), loc=0)),
    ("gumbel", stats.gumbel_r, lambda r: r.gumbel(1, 2, 60), lambda m: dict(loc=m[0], scale=m[1])),
])
def test_uncensored_statistics_are_scipys(family, dist, draw, known):
    x = draw(np.random.default_rng(21))
    fit = fg.fit_mle(REGISTRY[family], x)
    ours = edf_statistics(fit)
    for key in ("ks", "cvm", "ad"):
        ref = stats.goodness_of_fit(dist, x, known_params=known(fit.mle), statistic=key,
                                    n_mc_samples=1, random_state=0).statistic
        assert ours[key] == pytest.approx(ref, rel=1e-10), key


def test_frequency_weights_count_as_repeated_rows():
    rng = np.random.default_rng(5)
    x = np.round(10 * rng.weibull(1.5, 40), 1)
    w = rng.integers(1, 4, 40)
    weighted = edf_statistics(fg.fit_mle(WeibullLogLik, x, weights=w))
    repeated = edf_statistics(fg.fit_mle(WeibullLogLik, np.repeat(x, w)))
    for key in weighted:
        assert weighted[key] == pytest.approx(repeated[key], rel=1e-6), key


def test_censored_statistics_are_the_integrals_of_kaplan_meier_against_the_fit():
    # independent of the closed forms: quadrature of n∫(F̂ − F)² w(F) dF up to the last time
    from scipy import integrate
    from femtograd.fit.nonparametric import kaplan_meier
    rng = np.random.default_rng(8)
    t = 10 * rng.weibull(1.3, 30)
    c = rng.uniform(2, 14, 30)
    x, cens = np.minimum(t, c), t > c
    fit = fg.fit_mle(WeibullLogLik, x, censored=cens)
    ours = edf_statistics(fit)
    km = kaplan_meier(x, cens)
    ref = stats.weibull_min(fit.mle[0], scale=fit.mle[1])
    knots = np.r_[0.0, km.time, x.max()]

    def integral(weight):
        total = 0.0
        for a, b in zip(knots[:-1], knots[1:]):
            level = 1 - km(a)
            total += integrate.quad(lambda s: (level - ref.cdf(s)) ** 2 * weight(ref.cdf(s))
                                    * ref.pdf(s), a, b, epsabs=1e-13, epsrel=1e-11)[0]
        return 30 * total
    assert ours["cvm"] == pytest.approx(integral(lambda u: 1.0), rel=1e-7)
    assert ours["ad"] == pytest.approx(integral(lambda u: 1 / (u * (1 - u))), rel=1e-7)
    grid = np.linspace(0, x.max(), 200001)
    dense = np.max(np.abs(1 - km(grid) - ref.cdf(grid)))
    assert ours["ks"] == pytest.approx(dense, abs=1e-4)
    assert ours["ks"] >= dense


def test_the_bootstrap_null_of_a_normal_fit_matches_stephens_critical_points():
    # D'Agostino & Stephens (1986), table 4.7: normal, both parameters estimated:
    # the upper 5% points of A² and W² are 0.752 and 0.126 for A²(1 + 0.75/n + 2.25/n²) and
    # W²(1 + 0.5/n)
    n = 40
    fit = fg.fit_mle(NormalLogLik, np.random.default_rng(0).normal(0, 1, n))
    result = fit.gof(n_boot=800, seed=1)
    ad = np.quantile(result.replicates["ad"], 0.95) * (1 + 0.75 / n + 2.25 / n ** 2)
    cvm = np.quantile(result.replicates["cvm"], 0.95) * (1 + 0.5 / n)
    assert ad == pytest.approx(0.752, rel=0.08)
    assert cvm == pytest.approx(0.126, rel=0.08)


def test_p_values_reject_a_wrong_family_and_accept_the_right_one():
    x = np.random.default_rng(4).lognormal(0, 1.0, 150)
    wrong = fg.fit_mle(REGISTRY["normal"], x).gof(n_boot=99, seed=2)
    right = fg.fit_mle(REGISTRY["lognormal"], x).gof(n_boot=99, seed=2)
    assert (wrong.table["p_value"] == 0.01).all()          # (1 + 0) / (99 + 1)
    assert (right.table["p_value"] > 0.05).all()
    assert list(right.table.index) == ["Kolmogorov-Smirnov", "Cramer-von Mises",
                                       "Anderson-Darling"]
    again = fg.fit_mle(REGISTRY["lognormal"], x).gof(n_boot=99, seed=2)
    assert again.table.equals(right.table)                  # seeded


def test_the_bootstrap_reproduces_the_censoring_of_the_data():
    rng = np.random.default_rng(6)
    t = 10 * rng.weibull(1.5, 200)
    c = rng.uniform(0, 15, 200)
    fit = fg.fit_mle(WeibullLogLik, np.minimum(t, c), censored=t > c)
    draws = np.random.default_rng(7)
    share = np.mean([simulate_design(fit, draws).censored.mean() for _ in range(100)])
    assert share == pytest.approx(np.mean(t > c), abs=0.03)
    result = fit.gof(n_boot=49, seed=3)
    assert (result.table["p_value"] > 0.05).all()


def test_worker_processes_give_the_same_p_values_and_progress_hears_every_refit():
    rng = np.random.default_rng(8)
    t, c = 10 * rng.weibull(1.5, 80), rng.uniform(0, 15, 80)
    fit = fg.fit_mle(WeibullLogLik, np.minimum(t, c), censored=t > c)
    heard = []
    serial = fit.gof(n_boot=19, seed=5, progress=lambda done, total: heard.append((done, total)))
    parallel = fit.gof(n_boot=19, seed=5, n_jobs=2)
    assert parallel.table.equals(serial.table)
    assert parallel.replicates.equals(serial.replicates)
    assert heard[0] == (0, 19) and heard[-1] == (19, 19)
    with pytest.raises(ValueError, match="n_jobs"):
        fit.gof(n_boot=19, n_jobs=0)


def test_chi_square_of_a_poisson_fit_merges_cells_to_five_expected():
    k = np.random.default_rng(9).poisson(3.0, 300)
    fit = fg.fit_mle(PoissonLogLik, k)
    stat, df, cells = chi_square(fit)
    mu = fit.mle[0]
    n = k.size
    expected, observed = [], []
    for lo, hi in cells:
        first = lo == k.min()
        last = hi == k.max()
        p = (stats.poisson.cdf(hi, mu) - (0 if first else stats.poisson.cdf(lo - 1, mu))
             + (stats.poisson.sf(hi, mu) if last else 0))
        expected.append(n * p)
        observed.append(np.sum((k >= lo) & (k <= hi)))
    assert min(expected) >= 5
    ref = stats.chisquare(observed, expected, ddof=1)
    assert stat == pytest.approx(ref.statistic, rel=1e-10)
    table = fit.gof().table
    assert table.loc["chi-square", "p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert df == len(cells) - 2


def test_interval_censored_data_and_plain_functions_are_refused():
    lo = np.array([0.0, 1, 2, 3, 1, 2])
    fit = fg.fit_mle(WeibullLogLik, IntervalData(lo, lo + 1.5))
    with pytest.raises(ValueError, match="interval-censored rows"):
        fit.gof()

    def loglike_exp(rate, data):
        return fg.log(rate) * len(data) - rate * fg.sum(data)
    plain = fg.fit_mle(loglike_exp, np.array([1.0, 2.0]), start={"rate": 1.0},
                       constraints={"rate": "positive"})
    with pytest.raises(TypeError, match="plain log-likelihood function"):
        plain.gof()
    x = np.random.default_rng(1).weibull(2, 20)
    with pytest.raises(ValueError, match="n_boot must be a non-negative integer"):
        fg.fit_mle(WeibullLogLik, x).gof(n_boot=2.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = fg.fit_mle(WeibullLogLik, x).gof(n_boot=0).table
    assert table["p_value"].isna().all()
