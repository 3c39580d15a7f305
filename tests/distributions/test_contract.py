"""The models-layer contract other layers code against (docs/architecture.md)."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import (GENERATORS, REGISTRY, ExpLogLik, LogLikGenerator,
                                     WeibullLogLik)

from ._cases import CASES, CONTINUOUS, ids

R_NAMES = {
    "ExpLogLik": ("rate",), "NormalLogLik": ("mu", "sigma"), "WeibullLogLik": ("shape", "scale"),
    "GammaLogLik": ("shape", "rate"), "LogNormalLogLik": ("meanlog", "sdlog"),
    "PoissonLogLik": ("rate",), "BernoulliLogLik": ("prob",), "BinomialLogLik": ("prob",),
    "GeometricLogLik": ("prob",), "NegBinomialLogLik": ("size", "prob"),
    "BetaLogLik": ("shape1", "shape2"), "LogisticLogLik": ("location", "scale"),
    "LogLogisticLogLik": ("shape", "scale"), "GumbelLogLik": ("location", "scale"),
    "CauchyLogLik": ("location", "scale"), "StudentTLogLik": ("location", "scale", "df"),
    "InverseGaussianLogLik": ("mean", "shape"),
    "GenGammaLogLik": ("mu", "sigma", "Q"), "GompertzLogLik": ("shape", "rate"),
    "MakehamLogLik": ("shape", "rate", "makeham"), "ParetoLogLik": ("shape",),
    "LomaxLogLik": ("shape", "scale"), "RayleighLogLik": ("scale",),
    "ExpWeibullLogLik": ("shape", "scale", "power"), "BirnbaumSaundersLogLik": ("shape", "scale"),
    "BurrLogLik": ("shape1", "shape2", "scale"), "NegBinomial2LogLik": ("mu", "size"),
}


def test_every_generator_has_r_parameter_names_in_r_order():
    assert {cls.__name__: cls.param_names for cls in GENERATORS} == R_NAMES


@pytest.mark.parametrize("cls", GENERATORS, ids=lambda c: c.name)
def test_every_generator_is_registered_with_constraints_and_a_docstring(cls):
    assert issubclass(cls, LogLikGenerator)
    assert REGISTRY[cls.name] is cls
    assert len(cls.constraints) == len(cls.param_names)
    assert set(cls.constraints) <= {"positive", "unit", "real"}
    assert cls.__doc__ and ("density" in cls.__doc__.lower() or "P(X" in cls.__doc__)
    assert all(name in cls.__doc__ for name in cls.param_names)


def test_registry_uses_short_lowercase_names():
    assert {"exp", "normal", "weibull", "gamma", "lognormal", "poisson"} <= set(REGISTRY)
    assert all(name == name.lower() for name in REGISTRY)


def test_interval_data_is_exported_at_the_top_level():
    assert fg.IntervalData is fg.distributions.IntervalData


def test_generators_accept_pandas_series_and_lists():
    s = pd.Series([1.0, 2.0, 3.0])
    assert ExpLogLik(s)(0.5).data == pytest.approx(ExpLogLik([1.0, 2.0, 3.0])(0.5).data)
    assert ExpLogLik(s, censored=pd.Series([True, False, False])).n == 3


def test_n_nobs_and_weights():
    gen = ExpLogLik([1.0, 2.0, 3.0], weights=[1, 2, 0.5])
    assert gen.n == 3 and gen.nobs == 3.5
    np.testing.assert_array_equal(gen.weights, [1, 2, 0.5])
    np.testing.assert_array_equal(ExpLogLik([1.0, 2.0]).weights, [1.0, 1.0])


def test_the_loglik_is_a_living_graph_in_the_parameter_leaves():
    gen = WeibullLogLik([0.5, 1.5, 2.5], censored=[False, True, False])
    shape, scale = fg.val(1.0), fg.val(1.0)
    ll = gen(shape, scale)
    shape.data, scale.data = 1.7, 2.1
    assert ll.data == pytest.approx(gen(1.7, 2.1).data, rel=1e-14)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_reweighted_keeps_data_censoring_and_truncation(case):
    rng = np.random.default_rng(31)
    x = case.draw(rng, 20).astype(float)
    kw = {} if case.discrete else {"censored": rng.uniform(size=x.size) < 0.3}
    gen = case.make(x, **kw)
    w = rng.integers(0, 3, x.size).astype(float)
    p = case.params(rng)
    assert gen.reweighted(w)(*p).data == pytest.approx(case.make(x, weights=w, **kw)(*p).data)
    assert type(gen.reweighted(w)) is type(gen)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_scipy_returns_the_matching_frozen_distribution(case):
    rng = np.random.default_rng(32)
    x = case.draw(rng, 10).astype(float)
    p = case.params(rng)
    gen = case.make(x)
    frozen = gen.scipy(*p)
    ref = case.ref(*p)
    grid = np.unique(x)
    f = "logpmf" if case.discrete else "logpdf"
    np.testing.assert_allclose(getattr(frozen, f)(grid), getattr(ref, f)(grid), rtol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_simulate_draws_a_generator_of_the_same_design(case):
    rng = np.random.default_rng(33)
    x = case.draw(rng, 200).astype(float)
    w = rng.integers(1, 3, x.size)
    gen = case.make(x, weights=w)
    p = case.params(rng)
    sim = gen.simulate(p, rng=np.random.default_rng(1))
    assert type(sim) is type(gen) and sim.n == gen.n
    np.testing.assert_array_equal(sim.weights, w)
    assert np.isfinite(sim(*p).data)
    again = gen.simulate(dict(zip(case.cls.param_names, p)), rng=np.random.default_rng(1))
    assert again(*p).data == sim(*p).data


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_simulated_right_censoring_observes_the_minimum_and_flags_t_above_c(case):
    rng = np.random.default_rng(34)
    x = case.draw(rng, 300).astype(float)
    mask = np.arange(x.size) % 2 == 0
    gen = case.make(x, censored=mask)
    sim = gen.simulate(case.params(rng), rng=np.random.default_rng(2))
    obs = sim.lower
    # uncensored design rows stay uncensored; censored design rows never exceed their time
    assert not sim.censored[~mask].any()
    assert np.all(obs[mask] <= x[mask])
    assert np.all(obs[mask][sim.censored[mask]] == x[mask][sim.censored[mask]])
    assert np.all(obs[mask][~sim.censored[mask]] < x[mask][~sim.censored[mask]])


def test_simulate_respects_truncation():
    gen = WeibullLogLik([1.0, 2.0, 3.0] * 100, truncation=(0.5, 3.5))
    sim = gen.simulate((1.5, 2.0), rng=3)
    assert sim.truncation == (0.5, 3.5)
    assert sim.lower.min() >= 0.5 and sim.lower.max() <= 3.5


def test_weibull_simulation_recovers_its_parameters_on_average():
    gen = WeibullLogLik(np.ones(4000), censored=np.zeros(4000, bool))
    sim = gen.simulate({"shape": 1.7, "scale": 3.0}, rng=4)
    start = sim.start()
    assert start["shape"] == pytest.approx(1.7, rel=0.05)
    assert start["scale"] == pytest.approx(3.0, rel=0.05)


def test_simulating_a_zero_truncated_count_design_never_draws_zero():
    gen = fg.distributions.PoissonLogLik(np.arange(1, 301) % 5 + 1, truncation=(0, None))
    sim = gen.simulate((0.3,), rng=5)
    assert sim.lower.min() >= 1


def test_reweighted_keeps_interval_data():
    x = np.array([1.0, 2.0, 3.0])
    assert WeibullLogLik(x).reweighted([2, 1, 1])(1.5, 2.0).data == pytest.approx(
        WeibullLogLik([1.0, 1.0, 2.0, 3.0])(1.5, 2.0).data)
    iv = WeibullLogLik(fg.IntervalData([0.0, 1.0, 2.0], [1.0, 1.0, np.inf]))
    repeated = WeibullLogLik(fg.IntervalData([0.0, 0.0, 1.0, 2.0], [1.0, 1.0, 1.0, np.inf]))
    assert iv.reweighted([2, 1, 1])(1.5, 2.0).data == pytest.approx(repeated(1.5, 2.0).data)


def test_float64_data_are_read_in_place_through_a_read_only_view():
    x = np.array([1.0, 2.0, 3.0])
    gen = WeibullLogLik(x)
    assert np.shares_memory(gen.lower, x) and not gen.lower.flags.writeable
    assert x.flags.writeable  # the caller's own array keeps its flags
    ints = np.array([1, 2, 3])
    converted = WeibullLogLik(ints).lower
    assert converted.dtype == np.float64 and not np.shares_memory(converted, ints)
    lower, upper = np.array([0.0, 1.0]), np.array([1.0, np.inf])
    iv = WeibullLogLik(fg.IntervalData(lower, upper))
    assert np.shares_memory(iv.lower, lower) and np.shares_memory(iv.upper, upper)


def test_lower_and_upper_are_each_rows_bounds_and_read_only():
    gen = WeibullLogLik([1.0, 2.0, 3.0], censored=[False, True, False])
    np.testing.assert_array_equal(gen.lower, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(gen.upper, [1.0, np.inf, 3.0])
    interval = WeibullLogLik(fg.IntervalData([0.0, 1.0], [2.0, 1.0]))
    np.testing.assert_array_equal(interval.lower, [0.0, 1.0])
    np.testing.assert_array_equal(interval.upper, [2.0, 1.0])
    with pytest.raises(ValueError):
        gen.lower[0] = 5.0
