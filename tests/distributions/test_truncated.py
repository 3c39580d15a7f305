"""Specifications of truncation as a family (`Truncated`) and of per-row truncation, delayed
entry: the truncated distribution against its formula, and a Weibull fit with entry times
against the hand formula Σ log f − Σ log S(entry) maximized by scipy."""

import numpy as np
import pytest
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import (GammaLogLik, NormalLogLik, PoissonLogLik, Truncated,
                                     WeibullLogLik)


def test_a_truncated_family_is_the_family_renormalized_to_its_bounds():
    ref = stats.weibull_min(1.5, scale=2.0)
    fam = Truncated(WeibullLogLik.family(), 0.5, 3.0)
    x = np.array([0.2, 0.5, 1.0, 2.0, 3.0, 4.0])
    mass = ref.cdf(3.0) - ref.cdf(0.5)
    inside = (x >= 0.5) & (x <= 3.0)
    with np.errstate(divide="ignore"):
        want_pdf = np.where(inside, np.log(ref.pdf(x) / mass), -np.inf)
        want_cdf = np.log(np.clip((ref.cdf(x) - ref.cdf(0.5)) / mass, 0, 1))
        want_sf = np.log(np.clip((ref.cdf(3.0) - ref.cdf(x)) / mass, 0, 1))
    np.testing.assert_allclose(fam.logpdf(x, 1.5, 2.0).data, want_pdf, rtol=1e-12)
    np.testing.assert_allclose(fam.logcdf(x, 1.5, 2.0).data, want_cdf, rtol=1e-12)
    np.testing.assert_allclose(fam.logsf(x, 1.5, 2.0).data, want_sf, rtol=1e-12)
    assert fam.support == (0.5, 3.0)


def test_per_row_bounds_give_each_point_its_own_truncation():
    ref = stats.gamma(2.0, scale=1 / 1.5)
    a = np.array([0.0, 0.5, 1.0, 2.0])
    fam = Truncated(GammaLogLik.family(), a, np.inf)
    x = np.array([0.3, 0.7, 1.5, 2.5])
    want = np.log((ref.cdf(x) - ref.cdf(a)) / ref.sf(a))
    np.testing.assert_allclose(fam.logcdf(x, 2.0, 1.5).data, want, rtol=1e-12)
    np.testing.assert_allclose(fam.logpdf(x, 2.0, 1.5).data, np.log(ref.pdf(x) / ref.sf(a)),
                               rtol=1e-12)
    # one point against every row's bound
    np.testing.assert_allclose(fam.logsf(2.5, 2.0, 1.5).data, np.log(ref.sf(2.5) / ref.sf(a)),
                               rtol=1e-12)


def test_a_left_truncated_hazard_is_the_familys_own():
    fam = Truncated(WeibullLogLik.family(), np.array([1.0, 5.0]), np.inf)
    plain = WeibullLogLik.family()
    x = np.array([2.0, 1e100])
    np.testing.assert_allclose(fam.log_hazard(x, 1.5, 2.0).data,
                               plain.log_hazard(x, 1.5, 2.0).data, rtol=1e-15)


def test_zero_truncated_poisson_has_counts_above_the_lower_bound():
    ref = stats.poisson(1.3)
    fam = Truncated(PoissonLogLik.family(), 0, np.inf)
    x = np.array([0.0, 1.0, 2.0, 5.0])
    with np.errstate(divide="ignore"):
        want = np.where(x > 0, np.log(ref.pmf(x) / ref.sf(0)), -np.inf)
    np.testing.assert_allclose(fam.logpdf(x, 1.3).data, want, rtol=1e-12)
    assert fam.ppf(1e-300, 1.3) == 1.0


def test_truncated_ppf_inverts_the_truncated_cdf_even_in_the_upper_tail():
    fam = Truncated(NormalLogLik.family(), 6.0, 9.0)  # F(a) is 1 − 1e-9: the upper tail
    q = np.array([0.01, 0.5, 0.99])
    x = fam.ppf(q, 0.0, 1.0)
    np.testing.assert_allclose(np.exp(fam.logcdf(x, 0.0, 1.0).data), q, rtol=1e-9)
    draws = fam.rvs(0.0, 1.0, size=200, random_state=3)
    assert draws.min() >= 6.0 and draws.max() <= 9.0


def test_bad_truncation_bounds_are_refused():
    with pytest.raises(ValueError, match="lower bound 3.0 must be below the upper bound 1.0"):
        Truncated(WeibullLogLik.family(), 3.0, 1.0)
    with pytest.raises(ValueError,
                       match=r"lower bound 2.0 must be below the upper bound 2.0 \(row 1\)"):
        Truncated(WeibullLogLik.family(), np.array([0.0, 2.0]), 2.0)
    with pytest.raises(ValueError, match="one value per row"):
        WeibullLogLik([1.0, 2.0, 3.0], truncation=(np.array([0.0, 0.5]), np.inf))
    with pytest.raises(ValueError, match="NaN at row 1"):
        WeibullLogLik([1.0, 2.0], truncation=(np.array([0.0, np.nan]), np.inf))


def test_a_row_observed_before_its_entry_time_is_named():
    with pytest.raises(ValueError, match=r"truncation \[1.5, inf\] excludes row 1 \(1.0\)"):
        WeibullLogLik([2.0, 1.0, 3.0], truncation=(np.array([0.5, 1.5, 0.0]), np.inf))
    with pytest.raises(ValueError, match=r"truncation \(0.0, 0.5\) excludes censored row 1"):
        WeibullLogLik([2.0, 1.0], censored=[False, True],
                      truncation=(0.0, np.array([3.0, 0.5])))


def delayed_entry_sample(n=150, seed=5):
    """Weibull(1.7, 3) lifetimes seen only past a uniform entry time, censored at a uniform time."""
    rng = np.random.default_rng(seed)
    ref = stats.weibull_min(1.7, scale=3.0)
    entry = rng.uniform(0.0, 2.0, n)
    t = ref.isf(rng.uniform(size=n) * ref.sf(entry))
    c = entry + rng.uniform(0.5, 6.0, n)
    return entry, np.minimum(t, c), t > c


def hand_loglik(k, lam, entry, x, cens):
    ref = stats.weibull_min(k, scale=lam)
    return (np.sum(np.where(cens, ref.logsf(x), ref.logpdf(x))) - np.sum(ref.logsf(entry)))


def test_delayed_entry_log_likelihood_is_the_hand_formula():
    entry, x, cens = delayed_entry_sample()
    gen = WeibullLogLik(x, censored=cens, truncation=(entry, np.inf))
    for k, lam in ((1.7, 3.0), (0.8, 5.0), (3.0, 1.5)):
        assert float(gen(k, lam).data) == pytest.approx(hand_loglik(k, lam, entry, x, cens),
                                                        rel=1e-12)
    contrib = gen.contributions(1.7, 3.0).data
    assert contrib.sum() == pytest.approx(hand_loglik(1.7, 3.0, entry, x, cens), rel=1e-12)


def test_delayed_entry_fit_equals_the_hand_formula_maximized_by_scipy():
    entry, x, cens = delayed_entry_sample()
    fit = fg.fit_mle(WeibullLogLik, x, censored=cens, truncation=(entry, None))
    res = optimize.minimize(lambda th: -hand_loglik(*np.exp(th), entry, x, cens), [0.0, 1.0],
                            method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-12, maxiter=4000))
    assert fit.converged
    np.testing.assert_allclose(fit.mle, np.exp(res.x), rtol=1e-6)
    assert fit.loglik == pytest.approx(-res.fun, rel=1e-12)
    # the entry times move the estimate: ignoring them is a different (biased) fit
    naive = fg.fit_mle(WeibullLogLik, x, censored=cens)
    assert abs(naive.mle[0] - fit.mle[0]) > 1e-3


def test_delayed_entry_simulation_and_reweighting_keep_each_rows_entry():
    entry, x, cens = delayed_entry_sample(n=400)
    gen = WeibullLogLik(x, censored=cens, truncation=(entry, np.inf))
    sim = gen.simulate({"shape": 1.7, "scale": 3.0}, rng=9)
    assert np.all(sim.lower >= entry)
    assert sim.truncation[0] is gen.truncation[0]
    assert np.array_equal(sim.censored, sim.censored & cens)  # only censored rows can be
    again = gen.reweighted(np.full(x.size, 2.0))
    assert float(again(1.7, 3.0).data) == pytest.approx(2 * float(gen(1.7, 3.0).data), rel=1e-12)


def test_predictions_of_a_per_row_truncated_fit_ask_for_the_bounds():
    entry, x, cens = delayed_entry_sample()
    fit = fg.fit_mle(WeibullLogLik, x, censored=cens, truncation=(entry, None))
    with pytest.raises(ValueError, match="truncation is per row"):
        fit.cdf([1.0, 2.0])


def test_delayed_entry_fit_matches_lifelines_weibull_fitter_with_entry():
    """lifelines 0.30.3: WeibullFitter().fit(T, E, entry=entry) gives rho_ 1.538709, lambda_
    9.193169 (se 0.532562, 2.142309), log-likelihood −27.035584488659 (its rho is our shape,
    its lambda our scale); it stops at its own tolerance, so the estimates agree to ~1e-5."""
    t = np.array([5.0, 8.0, 12.0, 3.5, 9.0, 15.0, 7.0, 4.0, 11.0, 6.0, 13.0, 2.5])
    event = np.array([1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1])
    entry = np.array([0.0, 2.0, 4.0, 1.0, 0.0, 6.0, 3.0, 0.5, 5.0, 2.0, 0.0, 1.0])
    fit = fg.fit_mle(WeibullLogLik, t, event=event, truncation=(entry, None))
    np.testing.assert_allclose(fit.mle, [1.538709, 9.193169], rtol=2e-5)
    np.testing.assert_allclose(fit.se, [0.532562, 2.142309], rtol=2e-5)
    assert fit.loglik == pytest.approx(-27.035584488659, abs=1e-9)
