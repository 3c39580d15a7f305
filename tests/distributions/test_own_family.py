"""A user's own family (issue 15 item 5): formulae only, and censoring, fits, predictions and
quantiles follow (the Lindley distribution of docs/models.md, which has no scipy counterpart)."""

import numpy as np
import pytest
from scipy import integrate, optimize

import femtograd as fg
from femtograd.distributions import LogLikGenerator


class LindleyLogLik(LogLikGenerator):
    """Lindley: density θ²/(1 + θ) (1 + x) e^(−θx) for x > 0."""
    name = "lindley"
    param_names = ("theta",)
    constraints = ("positive",)
    support = (0.0, np.inf)
    support_open = (True, False)

    def _logpdf(self, x, theta):
        return 2 * fg.log(theta) - fg.log1p(theta) + np.log1p(x) - theta * x

    def _logsf(self, x, theta):
        return fg.log1p(theta + theta * x) - fg.log1p(theta) - theta * x

    def _start(self):
        return {"theta": 1.0}


def _pdf(x, th):
    return th ** 2 / (1 + th) * (1 + x) * np.exp(-th * x)


def test_formulae_are_a_distribution():
    fam = LindleyLogLik.family()
    assert integrate.quad(lambda v: _pdf(v, 1.3), 0, np.inf)[0] == pytest.approx(1.0)
    for v in (0.3, 1.0, 4.0):
        tail = integrate.quad(lambda u: _pdf(u, 1.3), v, np.inf)[0]
        assert float(fam.sf(v, 1.3).data) == pytest.approx(tail, rel=1e-9)


def test_exact_mle_is_the_closed_form_and_censored_mle_a_direct_maximization():
    x = np.random.default_rng(1).gamma(2.0, 0.8, 300)
    m = x.mean()
    fit = fg.fit_mle(LindleyLogLik, x)
    assert fit.params["theta"] == pytest.approx((1 - m + np.sqrt((m - 1) ** 2 + 8 * m)) / (2 * m),
                                                rel=1e-8)
    c = 2.0
    t, cens = np.minimum(x, c), x > c
    fit = fg.fit_mle(LindleyLogLik, t, censored=cens)

    def nll(th):
        sf = (1 + th + th * t[cens]) / (1 + th) * np.exp(-th * t[cens])
        return -(np.log(_pdf(t[~cens], th)).sum() + np.log(sf).sum())
    res = optimize.minimize_scalar(nll, bounds=(0.01, 10), method="bounded",
                                   options=dict(xatol=1e-12))
    assert fit.params["theta"] == pytest.approx(res.x, rel=1e-6)


def test_quantile_without_scipy_solves_the_own_cdf():
    x = np.random.default_rng(2).gamma(2.0, 0.8, 200)
    fit = fg.fit_mle(LindleyLogLik, x)
    q = fit.quantile([0.1, 0.5, 0.9])
    np.testing.assert_allclose(fit.cdf(q["estimate"].to_numpy())["estimate"], [0.1, 0.5, 0.9],
                               rtol=1e-9)
    assert np.all(q["lower"] < q["estimate"]) and np.all(q["estimate"] < q["upper"])
