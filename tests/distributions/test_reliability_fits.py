"""Threshold, mixture and competing-risks fits against reliability's Fit_Weibull_3P,
Fit_Weibull_Mixture and Fit_Weibull_CR on the same data (skipped without reliability). Run in a
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
from femtograd.distributions import CompetingRisks, Mixture, Weibull3LogLik, WeibullLogLik

SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
import matplotlib; matplotlib.use("Agg")
import numpy as np
from reliability.Fitters import Fit_Weibull_3P, Fit_Weibull_Mixture, Fit_Weibull_CR
d = json.load(sys.stdin)
opts = dict(show_probability_plot=False, print_results=False)
f = Fit_Weibull_3P(failures=np.array(d["three"]), **opts)
m = Fit_Weibull_Mixture(failures=np.array(d["mixture"]), **opts)
c = Fit_Weibull_CR(failures=np.array(d["cr"]), **opts)
print(json.dumps({"three": [f.beta, f.alpha, f.gamma, f.loglik],
                  "mixture": [m.proportion_1, m.beta_1, m.alpha_1, m.beta_2, m.alpha_2, m.loglik],
                  "cr": [c.beta_1, c.alpha_1, c.beta_2, c.alpha_2, c.loglik]}))
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
    data = {"three": three.tolist(), "mixture": mixture.tolist(), "cr": cr.tolist()}
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


def test_weibull_mixture_matches_fit_weibull_mixture(data_and_reference):
    data, ref = data_and_reference
    _agree(fg.fit_mle(Mixture([WeibullLogLik, WeibullLogLik]), np.array(data["mixture"])),
           ref["mixture"])


def test_competing_risks_matches_fit_weibull_cr(data_and_reference):
    data, ref = data_and_reference
    _agree(fg.fit_mle(CompetingRisks([WeibullLogLik, WeibullLogLik]), np.array(data["cr"])),
           ref["cr"])
