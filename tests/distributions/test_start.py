"""Start values are inside the parameter space and close to the MLE on ordinary data."""

import numpy as np
import pytest
from scipy import optimize

import femtograd as fg
from femtograd.distributions import ExpLogLik, WeibullLogLik

from ._cases import CASES, ids

# how far the start may be from the MLE (relative), by family; closed forms are exact
TOLERANCE = {"exp": 1e-9, "normal": 1e-9, "lognormal": 1e-9, "poisson": 1e-9,
             "bernoulli": 1e-9, "binomial": 1e-9, "geometric": 1e-9, "inversegaussian": 1e-9,
             "weibull": 1e-7, "gamma": 0.02, "negbinomial": 0.1, "beta": 0.15,
             "logistic": 0.15, "loglogistic": 0.1, "gumbel": 0.1, "cauchy": 0.15,
             "studentt": 0.5}


def mle(gen, start):
    """The MLE by scipy's optimizer on the generator's log-likelihood (log scale for
    positive parameters, logit for probabilities)."""
    kinds = gen.constraints

    def natural(z):
        return [np.exp(v) if k == "positive" else 1 / (1 + np.exp(-v)) if k == "unit" else v
                for v, k in zip(z, kinds)]

    def unconstrained(p):
        return [np.log(v) if k == "positive" else np.log(v / (1 - v)) if k == "unit" else v
                for v, k in zip(p, kinds)]

    res = optimize.minimize(lambda z: -gen(*natural(z)).data, unconstrained(start),
                            method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    return np.array(natural(res.x))


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_start_is_in_the_parameter_space_and_near_the_mle(case):
    rng = np.random.default_rng(41)
    x = case.draw(rng, 500).astype(float)
    gen = case.make(x)
    start = gen.start()
    assert list(start) == list(case.cls.param_names)
    values = np.array(list(start.values()))
    for v, kind in zip(values, case.cls.constraints):
        assert np.isfinite(v)
        assert v > 0 if kind == "positive" else (0 < v < 1 if kind == "unit" else True)
    best = mle(gen, values)
    np.testing.assert_allclose(values, best, rtol=max(TOLERANCE[case.id], 1e-6), atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_newton_converges_from_the_start(case):
    rng = np.random.default_rng(42)
    x = case.draw(rng, 300).astype(float)
    gen = case.make(x)
    p = np.array(list(gen.start().values()))
    for _ in range(30):
        g = fg.gradient(gen, list(p))
        h = fg.hessian(gen, list(p))
        step = np.linalg.solve(h, -g)
        t = 1.0
        while True:
            trial = p + t * step
            ok = all(v > 0 if k == "positive" else (0 < v < 1 if k == "unit" else True)
                     for v, k in zip(trial, gen.constraints))
            if ok and gen(*trial).data >= gen(*p).data - 1e-12:
                break
            t /= 2
        p = trial
        if np.abs(fg.gradient(gen, list(p))).max() < 1e-8 * max(1.0, abs(gen(*p).data)):
            break
    assert np.abs(fg.gradient(gen, list(p))).max() < 1e-6 * max(1.0, abs(gen(*p).data))
    assert np.all(np.linalg.eigvalsh(fg.hessian(gen, list(p))) < 0)


def test_weibull_start_solves_the_censored_profile_equation():
    rng = np.random.default_rng(43)
    x = 2 * rng.weibull(1.5, 400)
    mask = rng.uniform(size=x.size) < 0.3
    gen = WeibullLogLik(x, censored=mask, weights=rng.integers(1, 3, x.size))
    start = gen.start()
    np.testing.assert_allclose(fg.gradient(gen, list(start.values())), 0.0, atol=1e-6)


def test_exponential_start_is_the_censored_mle():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    gen = ExpLogLik(x, censored=[False, True, False, True])
    assert gen.start()["rate"] == pytest.approx(2 / 10)


def test_start_with_interval_censoring_is_inside_the_space():
    gen = WeibullLogLik(fg.IntervalData([0.0, 1.0, 2.0], [1.0, 3.0, np.inf]))
    start = gen.start()
    assert start["shape"] > 0 and start["scale"] > 0
    assert np.isfinite(gen(*start.values()).data)
