"""A tape (core/tape.py): a log-likelihood recorded once per structure from its statistics
and evaluated on plain numbers for each data set. Its value, gradient and Hessian equal the
straightforward graph's for every family with statistics, for the data set it was recorded
on and for other data sets of the same structure, as the parameters move back and forth;
fits on it equal fits on the graph; structures that are not functions of their inputs are
refused."""

import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import femtograd as fg
from femtograd.core import tape as tapes
from femtograd.core import ExpMomentData
from femtograd.core.primitive import primitive
from femtograd.core.tape import Tape
from femtograd.distributions import REGISTRY, WeibullLogLik
from femtograd.distributions.loglik import LogLikGenerator

from tests.fit.test_every_family import OPTIONS, TRUE, simulate
from ._numeric import property_settings

KEYED = {**OPTIONS, "pareto": {"scale": 1.0}}  # (by default its scale is the data's minimum)
TAPED = [name for name in sorted(REGISTRY)
         if REGISTRY[name](simulate(name, 20, 0), **OPTIONS.get(name, {})).structure()]


@pytest.fixture(autouse=True)
def no_tapes():
    tapes._TAPES.clear()
    yield
    tapes._TAPES.clear()


def test_the_families_with_statistics_are_taped():
    assert {"exp", "normal", "weibull", "gamma", "lognormal", "cauchy", "studentt",
            "poisson"} <= set(TAPED)


def _near_truth(name, z):
    """A point near the family's true parameters, moved by z (one number per parameter) on
    each parameter's own scale."""
    out = []
    for v, c, dz in zip(TRUE[name], REGISTRY[name].constraints, z):
        if c == "positive":
            out.append(v * np.exp(dz))
        elif c == "unit":
            logit = np.log(v / (1 - v)) + dz
            out.append(1 / (1 + np.exp(-logit)))
        else:
            out.append(v + dz)
    return out


def _generator(name, n, seed, censor, weights):
    x = simulate(name, n, seed)
    kw = dict(KEYED.get(name, {}))
    if censor and not REGISTRY[name].discrete:
        kw["censored"] = x > np.quantile(x, 0.7)
    if weights:
        kw["weights"] = np.random.default_rng(seed).integers(1, 4, n).astype(float)
    return REGISTRY[name](x, **kw)


def _straightforward(gen, point):
    """Value, gradient and Hessian of the generator's own graph at `point`."""
    with np.errstate(all="ignore"):
        f = float(gen(*point).data)
        return f, fg.gradient(gen, point), fg.hessian(gen, point)


def _assert_equal(got, want, what):
    f, g, h = got
    scale = max(1.0, abs(want[0]))  # rounding is relative to the log-likelihood's size
    np.testing.assert_allclose(f, want[0], rtol=1e-11, atol=0, err_msg=f"value {what}")
    np.testing.assert_allclose(g, want[1], rtol=1e-9, atol=1e-11 * scale,
                               err_msg=f"gradient {what}")
    np.testing.assert_allclose(np.array(h).reshape(len(g), len(g)), want[2], rtol=1e-9,
                               atol=1e-11 * scale, err_msg=f"Hessian {what}")


@st.composite
def cases(draw):
    name = draw(st.sampled_from(TAPED))
    p = len(REGISTRY[name].param_names)
    flags = dict(censor=draw(st.booleans()), weights=draw(st.booleans()))
    n = draw(st.integers(5, 60))
    seeds = draw(st.lists(st.integers(0, 10_000), min_size=2, max_size=2, unique=True))
    z = st.floats(-0.4, 0.4)
    points = [_near_truth(name, draw(st.lists(z, min_size=p, max_size=p))) for _ in range(3)]
    return name, n, seeds, flags, points


@property_settings(120)
@given(cases())
def test_a_tape_equals_the_straightforward_graph_across_data_sets_and_moves(case):
    name, n, seeds, flags, points = case
    first, second = (_generator(name, n, s, **flags) for s in seeds)
    structure = first.structure()
    if structure is None:  # rows the statistics do not hold (censored, for some families)
        assert second.structure() is None
        return
    key, inputs, build = structure
    assert second.structure()[0] == key  # the same structure, whatever the data
    tape = Tape.record(build, points[0], inputs)
    assert tape is not None
    for gen in (first, second):
        bound = tape.bind(points[0], gen.structure()[1])
        # a move, another, back to the first point; orders up and down
        for point, order in ((points[0], 0), (points[0], 2), (points[1], 1), (points[2], 2),
                             (points[0], 2), (points[1], 2)):
            got = bound.evaluate(point, order)
            want = _straightforward(gen, point)
            assert got[0] == pytest.approx(want[0], rel=1e-11)
            if order == 2:
                _assert_equal(got, want, f"{name} at {point}")


def _fit(gen_cls, x, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fg.fit_mle(gen_cls, x, **kw)
    return fit.mle, fit.se.to_numpy(), fit.loglik, fit.converged, fit.status


@pytest.mark.parametrize("name", TAPED)
def test_fits_on_a_tape_equal_fits_on_the_graph_for_two_data_sets_in_a_row(name, monkeypatch):
    samples = [simulate(name, 200, seed) for seed in (3, 4)]
    kw = OPTIONS.get(name, {})
    taped = [_fit(REGISTRY[name], x, **kw) for x in samples]  # the second binds the first's
    assert len(tapes._TAPES) == (2 if name == "pareto" else 1)  # (its scale is the data's min)
    monkeypatch.setattr(LogLikGenerator, "structure", lambda self: None)
    graph = [_fit(REGISTRY[name], x, **kw) for x in samples]
    for t, g in zip(taped, graph):
        np.testing.assert_allclose(t[0], g[0], rtol=1e-10)
        np.testing.assert_allclose(t[1], g[1], rtol=1e-8)
        assert t[2] == pytest.approx(g[2], rel=1e-12)
        assert t[3:] == g[3:]


def test_a_fits_profile_interval_on_a_tape_equals_the_graphs(monkeypatch):
    x = np.random.default_rng(5).weibull(1.3, 300) * 2.0
    taped = fg.fit_mle(WeibullLogLik, x).confint(method="profile")
    monkeypatch.setattr(LogLikGenerator, "structure", lambda self: None)
    graph = fg.fit_mle(WeibullLogLik, x).confint(method="profile")
    np.testing.assert_allclose(taped.to_numpy(), graph.to_numpy(), rtol=1e-8)


def test_generators_whose_options_differ_have_different_keys():
    x = np.array([1.0, 3.0, 4.0])
    ten, twelve = (REGISTRY["binomial"](x, size=s).structure()[0] for s in (10, 12))
    assert ten != twelve
    assert REGISTRY["exp"](x).structure()[0] != REGISTRY["poisson"](x).structure()[0]


def test_rows_the_statistics_do_not_hold_have_no_structure():
    x = np.random.default_rng(0).weibull(1.5, 50)
    assert WeibullLogLik(x, truncation=(0.0, 5.0)).structure() is None
    assert REGISTRY["gamma"](x, censored=x > 1).structure() is None  # censored: row by row


def test_a_builder_that_reads_an_input_as_a_number_is_not_recorded():
    # float(d) would bake the first data set's d into the record
    assert Tape.record(lambda p, held: p[0] * float(held[0]), [1.0], [2.0]) is None


def test_an_op_whose_rules_read_data_is_not_recorded():
    peek = primitive("tape_test_peek", lambda x: x * x,
                     lambda g, ans, x: g * (2.0 * x.data))  # reads .data: not replayable
    assert Tape.record(lambda p, held: peek(p[0]) * held[0], [1.0], [2.0]) is None


def test_a_data_object_the_inputs_do_not_hold_is_not_recorded():
    other = ExpMomentData(np.array([-1.0, 0.0]))  # data outside the inputs
    assert Tape.record(lambda p, held: fg.exp_moments(p[0], other) * held[0],
                       [1.0], [2.0]) is None


def test_the_cache_keeps_one_tape_per_key_and_stays_bounded(monkeypatch):
    monkeypatch.setattr(tapes, "_MAX_TAPES", 3)
    for s in range(10):
        gen = REGISTRY["binomial"](np.array([1.0, 2.0]), size=3 + s)
        fg.fit_mle(gen)
        assert len(tapes._TAPES) <= 3


def test_threads_recording_and_fitting_one_structure_at_once_agree_with_serial_fits():
    import sys
    from concurrent.futures import ThreadPoolExecutor
    rng = np.random.default_rng(8)
    data = [rng.weibull(0.8 + 0.3 * i, 300) * (1 + i) for i in range(8)]

    def job(x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fg.fit_mle(WeibullLogLik, x, censored=x > np.quantile(x, 0.8))
            return np.concatenate([fit.mle, fit.se.to_numpy(), [fit.loglik]])

    serial = [job(x) for x in data]
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        for _ in range(3):
            tapes._TAPES.clear()  # every thread may find the structure unrecorded
            with ThreadPoolExecutor(len(data)) as pool:
                threaded = list(pool.map(job, data))
            for got, want in zip(threaded, serial):
                np.testing.assert_allclose(got, want, rtol=1e-12)
    finally:
        sys.setswitchinterval(before)


def test_a_tape_keeps_no_data_set_alive():
    x = np.random.default_rng(9).weibull(1.4, 500)
    gen = WeibullLogLik(x)
    data = gen.structure()[1][3]  # the ExpMomentData the tape is recorded on
    assert fg.fit_mle(gen).converged
    (tape,) = tapes._TAPES.values()
    for _, forward, args, kw in tape.fixed + [s for steps in tape.moving for s in steps]:
        if forward is None:  # a constant the rules made: a number, never the data
            assert np.ndim(args._data) == 0
        assert all(v is not data for v in (kw or {}).values())  # data enter by slot
