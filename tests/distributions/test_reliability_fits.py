"""Threshold, mixture, competing-risks and cure fits against reliability's Fit_Weibull_3P,
Fit_Gamma_3P, Fit_Lognormal_3P, Fit_Loglogistic_3P, Fit_Exponential_2P, Fit_Weibull_Mixture,
Fit_Weibull_CR and Fit_Weibull_DS on the same data (skipped without reliability). Run in a
subprocess: importing reliability changes numpy's error state, warning filters and pandas'
display options for the whole process. Where reliability's optimizer stops short, the
log-likelihood here must be at least as high."""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import (CompetingRisks, Cure, Exp2LogLik, Gamma3LogLik,
                                     LogLogistic3LogLik, LogNormal3LogLik, Mixture,
                                     Weibull3LogLik, WeibullLogLik)
from femtograd.fit.result import ConvergenceWarning

SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
import matplotlib; matplotlib.use("Agg")
import numpy as np
from reliability import Fitters as F
d = json.load(sys.stdin)
opts = dict(show_probability_plot=False, print_results=False)
f = F.Fit_Weibull_3P(failures=np.array(d["three"]), **opts)
b = F.Fit_Weibull_3P(failures=np.array(d["below_one"]), **opts)
m = F.Fit_Weibull_Mixture(failures=np.array(d["mixture"]), **opts)
c = F.Fit_Weibull_CR(failures=np.array(d["cr"]), **opts)
y = np.array(d["shifted"])
g = F.Fit_Gamma_3P(failures=y, **opts)
ln = F.Fit_Lognormal_3P(failures=y, **opts)
ll = F.Fit_Loglogistic_3P(failures=y, **opts)
e = F.Fit_Exponential_2P(failures=y, **opts)
t, cens = np.array(d["cure"]), np.array(d["cured"], bool)
ds = F.Fit_Weibull_DS(failures=t[~cens], right_censored=t[cens], **opts)
print(json.dumps({"three": [f.beta, f.alpha, f.gamma, f.loglik],
                  "below_one": [b.beta, b.alpha, b.gamma, b.loglik, b.beta_SE, b.alpha_SE],
                  "mixture": [m.proportion_1, m.beta_1, m.alpha_1, m.beta_2, m.alpha_2, m.loglik],
                  "cr": [c.beta_1, c.alpha_1, c.beta_2, c.alpha_2, c.loglik],
                  "gamma3": [g.beta, 1 / g.alpha, g.gamma, g.loglik],
                  "lognormal3": [ln.mu, ln.sigma, ln.gamma, ln.loglik],
                  "loglogistic3": [ll.beta, ll.alpha, ll.gamma, ll.loglik],
                  "exp2": [e.Lambda, e.gamma, e.loglik],
                  "cure": [1 - ds.DS, ds.beta, ds.alpha, ds.loglik]}))
"""


@pytest.fixture(scope="module")
def data_and_reference():
    if importlib.util.find_spec("reliability") is None:
        pytest.skip("reliability is not installed")
    rng = np.random.default_rng(1)
    three = stats.weibull_min(2.5, loc=100, scale=50).rvs(200, random_state=rng)
    first = rng.uniform(size=600) < 0.3
    mixture = np.where(first, stats.weibull_min(3, scale=10).rvs(600, random_state=rng),
                       stats.weibull_min(5, scale=40).rvs(600, random_state=rng))
    cr = np.minimum(stats.weibull_min(0.8, scale=60).rvs(500, random_state=rng),
                    stats.weibull_min(4.0, scale=30).rvs(500, random_state=rng))
    shifted = 10 + rng.lognormal(1, 0.4, 300)
    t = stats.weibull_min(1.5, scale=10).rvs(500, random_state=rng)
    t[rng.uniform(size=500) < 0.3] = np.inf
    c = rng.uniform(5, 40, 500)
    below_one = stats.weibull_min(0.6, loc=100, scale=50).rvs(100, random_state=rng)
    data = {"three": three.tolist(), "below_one": below_one.tolist(),
            "mixture": mixture.tolist(), "cr": cr.tolist(),
            "shifted": shifted.tolist(), "cure": np.minimum(t, c).tolist(),
            "cured": (t > c).tolist()}
    done = subprocess.run([sys.executable, "-c", SCRIPT], input=json.dumps(data),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return data, json.loads(done.stdout.strip().splitlines()[-1])


def _agree(fit, ref):
    *params, loglik = ref
    assert fit.converged
    assert fit.loglik >= loglik - 1e-6
    np.testing.assert_allclose(fit.mle, params, rtol=1e-3)


def test_weibull3_matches_fit_weibull_3p(data_and_reference):
    data, ref = data_and_reference
    _agree(fg.fit_mle(Weibull3LogLik, np.array(data["three"])), ref["three"])


def test_weibull3_below_shape_one_is_reliabilitys_estimate_with_its_threshold(
        data_and_reference):
    """reliability bounds the threshold at 0.0001 below the smallest failure and fits shape and
    scale there; held at that threshold, the fit here gives its numbers (estimates, standard
    errors, log-likelihood). The default estimate holds it at the smallest failure itself and
    leaves that failure out (Smith 1985)."""
    data, ref = data_and_reference
    x = np.array(data["below_one"])
    beta, alpha, gamma, loglik, beta_se, alpha_se = ref["below_one"]
    assert gamma == pytest.approx(x.min() - 1e-4, abs=1e-9)
    held = fg.fit_mle(Weibull3LogLik, x, fixed={"threshold": gamma})
    assert held.converged and held.loglik == pytest.approx(loglik, abs=1e-6)
    np.testing.assert_allclose(held.mle[:2], [beta, alpha], rtol=1e-5)
    np.testing.assert_allclose(held.se[:2], [beta_se, alpha_se], rtol=1e-3)
    with pytest.warns(ConvergenceWarning, match="Smith 1985"):
        fit = fg.fit_mle(Weibull3LogLik, x)
    assert fit.status == "boundary" and fit.params["threshold"] == x.min()
    assert fit.params["shape"] < 1 and beta < 1


def test_weibull_mixture_matches_fit_weibull_mixture(data_and_reference):
    """reliability's components come in the order of their scales too (alpha_1 < alpha_2)."""
    data, ref = data_and_reference
    model = Mixture([WeibullLogLik, WeibullLogLik])
    p1, b1, a1, b2, a2, loglik = ref["mixture"]
    fit = fg.fit_mle(model, np.array(data["mixture"]))
    assert a1 < a2
    _agree(fit, [*fit.model.parameters([p1, 1 - p1], [dict(shape=b1, scale=a1),
                                                      dict(shape=b2, scale=a2)]), loglik])


def test_competing_risks_matches_fit_weibull_cr(data_and_reference):
    data, ref = data_and_reference
    _agree(fg.fit_mle(CompetingRisks([WeibullLogLik, WeibullLogLik]), np.array(data["cr"])),
           ref["cr"])


@pytest.mark.parametrize("cls", [Gamma3LogLik, LogNormal3LogLik, LogLogistic3LogLik],
                         ids=["gamma3", "lognormal3", "loglogistic3"])
def test_threshold_families_match_reliabilitys_3p_fitters(data_and_reference, cls):
    data, ref = data_and_reference
    _agree(fg.fit_mle(cls, np.array(data["shifted"])), ref[cls.name])


def test_exp2_reaches_at_least_fit_exponential_2p(data_and_reference):
    """reliability stops its threshold just short of the smallest value; the supremum is
    there, which the fit returns and reports as a boundary, with a log-likelihood at least as
    high."""
    data, ref = data_and_reference
    with pytest.warns(ConvergenceWarning, match="threshold"):
        fit = fg.fit_mle(Exp2LogLik, np.array(data["shifted"]))
    assert fit.status == "boundary" and fit.params["threshold"] == min(data["shifted"])
    assert fit.loglik >= ref["exp2"][-1] - 1e-9
    np.testing.assert_allclose(fit.mle, ref["exp2"][:2], rtol=1e-3)


def test_cure_matches_fit_weibull_ds(data_and_reference):
    data, ref = data_and_reference
    fit = fg.fit_mle(Cure(WeibullLogLik), np.array(data["cure"]), censored=data["cured"])
    _agree(fit, ref["cure"])
