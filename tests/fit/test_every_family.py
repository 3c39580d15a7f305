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
TRUE.update({"gengamma": (0.5, 0.6, 0.8), "gompertz": (0.6, 0.2), "makeham": (1.5, 0.03, 0.5),
             "pareto": (2.5,), "lomax": (3.0, 2.0), "rayleigh": (2.0,),
             "expweibull": (1.5, 2.0, 2.0), "birnbaumsaunders": (0.5, 2.0),
             "burr": (1.5, 3.0, 2.0), "negbinomial2": (4.0, 2.0)})
OPTIONS = {"binomial": {"size": 10}}


def simulate(name, n, seed):
    cls = REGISTRY[name]
    dummy = cls(np.array([0.5 if name == "beta" else 1.0]), **OPTIONS.get(name, {}))
    return dummy.scipy(*TRUE[name]).rvs(size=n, random_state=np.random.default_rng(seed))


def test_every_registered_family_has_a_true_parameter_here():
    assert set(REGISTRY) <= set(TRUE)


@pytest.mark.parametrize("name", sorted(REGISTRY))
@pytest.mark.parametrize("n", [30, 1000])
def test_default_fit_converges_with_finite_standard_errors(name, n):
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


CASES = [(name, censor) for name in sorted(REGISTRY) for censor in (False, True)
         if not (censor and REGISTRY[name].discrete)]  # counts take no censoring mask


@pytest.mark.parametrize("name, censor", CASES)
def test_a_fit_on_replayed_derivatives_equals_one_on_derivatives_built_afresh(name, censor):
    """The second fit of a model reuses the derivative nodes recorded for the first
    (`core.derivatives.derivative_nodes`), or the tape recorded for its statistics
    (`core.tape`); it must equal a fit that records them anew."""
    from femtograd.core import derivatives, tape
    records = (derivatives._TEMPLATES, tape._TAPES)
    cls = REGISTRY[name]
    # the same size: rows that enter one by one (censored rows, families without
    # sufficient statistics) make the number of rows part of the structure
    samples = [simulate(name, 200, seed=seed) for seed in (1, 2)]
    kw = dict(OPTIONS.get(name, {}))

    def fit(x):
        extra = {"censored": x > np.quantile(x, 0.8)} if censor else {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = fg.fit_mle(cls, x, **kw, **extra)
            return f.mle, f.se.to_numpy(), f.loglik, f.iterations

    for r in records:
        r.clear()
    fit(samples[0])
    assert [t for r in records for t in r.values() if t is not None]  # recorded
    replayed = fit(samples[1])
    # (counts enter once per distinct value; Pareto's scale option is the data's minimum)
    if name not in ("negbinomial", "negbinomial2", "pareto"):
        assert sum(map(len, records)) == 1  # the same structure: replayed
    for r in records:
        r.clear()
    fresh = fit(samples[1])
    np.testing.assert_allclose(replayed[0], fresh[0], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(replayed[1], fresh[1], rtol=1e-11, atol=1e-15)
    assert replayed[2] == pytest.approx(fresh[2], rel=1e-14)
    assert replayed[3] == fresh[3]
