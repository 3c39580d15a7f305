"""The default path needs no hand-tuned start: every family fits ordinary simulated data."""

import warnings

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import REGISTRY

TRUE = {"exp": (2.0,), "normal": (1.0, 2.0), "weibull": (0.7, 3.0), "gamma": (0.5, 2.0),
        "lognormal": (1.0, 1.5), "poisson": (3.5,), "bernoulli": (0.3,), "binomial": (0.2,),
        "geometric": (0.3,), "negbinomial": (2.0, 0.4), "beta": (0.5, 2.0),
        "logistic": (1.0, 2.0), "loglogistic": (3.0, 2.0), "gumbel": (1.0, 2.0),
        "cauchy": (0.0, 1.0), "studentt": (1.0, 2.0, 2.0), "inversegaussian": (2.0, 3.0)}
OPTIONS = {"binomial": {"size": 10}}


def simulate(name, n, seed):
    cls = REGISTRY[name]
    dummy = cls(np.array([0.5 if name == "beta" else 1.0]), **OPTIONS.get(name, {}))
    return dummy.scipy(*TRUE[name]).rvs(size=n, random_state=np.random.default_rng(seed))


def test_every_registered_family_has_a_true_parameter_here():
    assert set(REGISTRY) <= set(TRUE)


@pytest.mark.parametrize("name", sorted(TRUE))
@pytest.mark.parametrize("n", [30, 1000])
def test_default_fit_converges_with_finite_standard_errors(name, n):
    if name not in REGISTRY:
        pytest.skip(f"{name} is not registered")
    x = simulate(name, n, seed=n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fg.fit_mle(REGISTRY[name], x, **OPTIONS.get(name, {}))
        se = fit.se
    assert fit.converged, fit.message
    assert np.all(np.isfinite(se)) and np.all(se > 0)
    assert fit.diagnostics().positive_definite
    if n == 1000:  # near the truth: within 5 standard errors
        assert np.all(np.abs(fit.mle - TRUE[name]) < 5 * se)
