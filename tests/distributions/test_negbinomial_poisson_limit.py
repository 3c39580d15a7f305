"""Negative binomials of counts no more dispersed than a Poisson's: the maximum runs off to
size → ∞ (the Poisson limit), where log Γ(x + size) − log Γ(size) once lost every digit; fits
then climbed rounding to log-likelihoods above the Poisson's (up to 1e178) and NB2 said
"converged" for 51 of 300 such samples. The log-likelihood must tend to the Poisson's from
below, and the verdict must name the limit."""

import warnings

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import REGISTRY


@pytest.mark.parametrize("seed", range(40))
def test_under_dispersed_counts_end_at_the_poisson_limit_from_below(seed):
    rng = np.random.default_rng(seed)
    x = rng.binomial(rng.integers(2, 20), rng.uniform(0.1, 0.9), rng.integers(10, 300))
    if x.var() >= x.mean():  # (over-dispersed by chance: an interior maximum)
        return
    poisson = stats.poisson.logpmf(x, x.mean()).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = [fg.fit_mle(name, x) for name in ("negbinomial", "negbinomial2")]
    for fit in fits:
        assert fit.status == "boundary", fit.message
        assert "size → ∞" in fit.message, fit.message
        assert fit.loglik <= poisson + 1e-9 * abs(poisson)
        assert fit.loglik == pytest.approx(poisson, rel=1e-6)


@pytest.mark.parametrize("size", [1e3, 1e8, 1e15, 1e25])
def test_the_log_likelihood_at_huge_size_is_scipys_limit(size):
    x = np.array([2, 3, 2, 4, 3, 2, 3, 3, 4, 2, 0, 7], dtype=float)
    mu = x.mean()
    ll2 = REGISTRY["negbinomial2"](x)(mu, size)
    # scipy's nbinom loses digits too at such sizes; the Poisson is the limit, and the
    # difference is (Σ(x − μ)² − Σx) / (2 size) to first order in 1/size
    first = stats.poisson.logpmf(x, mu).sum() + (((x - mu) ** 2).sum() - x.sum()) / (2 * size)
    assert float(ll2.data) == pytest.approx(first, rel=1e-12 if size >= 1e8 else 1e-5)
    prob = size / (size + mu)
    if size <= 1e8:  # (the (size, prob) form: 1 − prob keeps ~1e-8 of its digits at 1e8 only)
        ll = REGISTRY["negbinomial"](x)(size, prob)
        assert float(ll.data) == pytest.approx(first, rel=1e-9 if size >= 1e8 else 1e-5)
