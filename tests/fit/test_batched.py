"""All replicates at once (fit/batched.py) equal the replicates one at a time: the batch's
values and derivatives equal each replicate's own graph, its estimates equal the per-replicate
path replicate by replicate (exponential, normal, Weibull, gamma; weights, censoring, a fixed
parameter, parametric draws), a replicate that fails is handed back and fails as before, and
the exponential's estimates equal its closed form."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import femtograd as fg
from femtograd.core import Value
from femtograd.distributions import ExpLogLik, GammaLogLik, NormalLogLik, WeibullLogLik
from femtograd.fit.batched import BATCH, CELLS
from femtograd.fit.draws import resample_counts
from femtograd.fit.refits import OnGraph
from femtograd.fit.result import ConvergenceWarning
from femtograd.fit.resample import simulate_design
from femtograd.optim import GraphObjective

RNG = np.random.default_rng(31)
X = RNG.weibull(1.3, 150) * 2.0
CENSORED = X > 3.0
WEIGHTS = RNG.integers(1, 4, X.size).astype(float)

CASES = {
    "exp censored weighted": lambda: fg.fit_mle(ExpLogLik, X, censored=CENSORED, weights=WEIGHTS),
    "normal": lambda: fg.fit_mle(NormalLogLik, np.log(X)),
    "normal weighted": lambda: fg.fit_mle(NormalLogLik, np.log(X), weights=WEIGHTS),
    "weibull": lambda: fg.fit_mle(WeibullLogLik, X),
    "weibull censored weighted": lambda: fg.fit_mle(WeibullLogLik, X, censored=CENSORED,
                                                    weights=WEIGHTS),
    "weibull shape fixed": lambda: fg.fit_mle(WeibullLogLik, X, fixed={"shape": 1.2}),
    "gamma": lambda: fg.fit_mle(GammaLogLik, X),
    "gamma weighted": lambda: fg.fit_mle(GammaLogLik, X, weights=WEIGHTS),
}


def _start(fit):
    return {k: float(v) for k, v in fit.params.items() if k not in fit.fixed}


def _draws(fit, count, seed):
    """The resamples `fit.bootstrap(seed=)` draws, a list of count rows."""
    return list(next(resample_counts(fit.model.weights, count, np.random.default_rng(seed),
                                     count)))


def _batched_only(refits, draws):
    """The batch's own verdicts and estimates (no per-replicate path behind them)."""
    batch = refits._build_batch(len(draws))
    rows = [refits.statistics(d) for d in draws]
    rows = [r if isinstance(r, tuple) else (r,) for r in rows]
    tol, max_step = refits._newton_options()
    return batch.refit(batch.rows_to_columns(rows), len(rows), tol, max_step)


@pytest.mark.parametrize("name", list(CASES))
def test_all_at_once_equals_one_at_a_time_replicate_by_replicate(name):
    fit = CASES[name]()
    draws = _draws(fit, 40, seed=3)
    passed, _ = _batched_only(OnGraph(fit, _start(fit)), draws)
    assert passed.all()  # every replicate was refitted at once: the comparison is not vacuous
    at_once = OnGraph(fit, _start(fit)).many(draws)
    one_by_one = OnGraph(fit, _start(fit))
    for draw, (ok, estimates) in zip(draws, at_once):
        ok_one, expected = one_by_one(draw)
        assert ok and ok_one
        np.testing.assert_allclose(estimates, expected, rtol=1e-12)
        assert estimates[0] == 1.2 or name != "weibull shape fixed"


@pytest.mark.parametrize("name", ["exp censored weighted", "normal", "weibull censored weighted",
                                  "gamma"])
def test_the_batch_graph_gives_each_replicate_its_own_value_gradient_and_hessian(name):
    fit = CASES[name]()
    refits = OnGraph(fit, _start(fit))
    batch = refits._build_batch(30)
    draws = _draws(fit, batch.size, seed=8)
    rows = [refits.statistics(d) for d in draws]
    batch._load(batch.rows_to_columns([r if isinstance(r, tuple) else (r,) for r in rows]),
                len(rows))
    p = len(fit.mle)
    x = np.array([s.to_unconstrained(float(v)) for s, v in zip(batch.spaces, fit.mle)])
    x = x[None, :] + 0.05 * np.random.default_rng(2).normal(size=(batch.size, p))
    f, g, h, value_bad, bad = batch.evaluate(x)
    assert not bad.any() and not value_bad.any()
    for b in (0, 7, batch.size - 1):
        leaves = [Value(s.to_natural(float(v))) for s, v in zip(batch.spaces, x[b])]
        own = GraphObjective(fit.model.loglik_from(rows[b], *leaves), leaves,
                             fit.model.constraints)
        fb, gb, hb = own.value_grad_hess(x[b])
        np.testing.assert_allclose(f[b], fb, rtol=1e-13)
        np.testing.assert_allclose(g[b], gb, rtol=1e-10, atol=1e-10 * np.abs(gb).max())
        np.testing.assert_allclose(h[b], hb, rtol=1e-12)


def test_a_replicate_that_fails_is_handed_back_and_fails_as_one_at_a_time():
    fit = CASES["weibull censored weighted"]()
    draws = _draws(fit, 6, seed=4)
    draws.insert(2, np.where(CENSORED, 1.0, 0.0))  # only censored rows: no maximum
    passed, _ = _batched_only(OnGraph(fit, _start(fit)), draws)
    assert passed.tolist() == [True, True, False, True, True, True, True]
    at_once = OnGraph(fit, _start(fit)).many(draws)
    one_by_one = [OnGraph(fit, _start(fit))(d) for d in draws]
    assert at_once[2] == one_by_one[2] and at_once[2][1][0] == "boundary"
    for a, b in zip(at_once[:2] + at_once[3:], one_by_one[:2] + one_by_one[3:]):
        np.testing.assert_allclose(a[1], b[1], rtol=1e-12)


def test_a_replicate_whose_newton_leaves_the_path_is_handed_back_to_one_at_a_time(monkeypatch):
    # five copies of one row: no spread (its sum of squares, rounding of 6e-32, is 0), so sigma
    # runs down towards 0 from the estimates, by capped and halved steps the batch does not
    # take; one at a time decides: no maximum, as the fit alone says. (From the family's own
    # maximum, below, there is no path to leave.)
    fit = CASES["normal"]()
    monkeypatch.setattr(type(fit.model), "maximum_from", lambda self, stats: None)
    refits = OnGraph(fit, _start(fit))
    one = np.zeros(X.size)
    one[0] = 5.0
    draws = [one] + _draws(fit, 3, seed=1)
    passed, _ = _batched_only(refits, draws)
    assert passed.tolist() == [False, True, True, True]
    at_once = refits.many(draws)
    with pytest.warns(ConvergenceWarning, match="sigma → 0"):
        alone = fg.fit_mle(fit.model.reweighted(one), start=_start(fit))
    assert at_once[0][0] is False and alone.converged is False
    assert at_once[0][1][0] == alone.status == "boundary" and "sigma → 0" in at_once[0][1][1]


def test_a_replicate_started_at_the_familys_maximum_ends_where_one_at_a_time_does():
    # two distinct rows, far from the data's estimates: a maximum by construction, which the
    # batch starts at (the normal's own `maximum_from`) and passes, with the outcome the
    # one-at-a-time path reaches from the estimates
    fit = CASES["normal"]()
    two = np.zeros(X.size)
    two[np.argmin(X)], two[np.argmax(X)] = 3.0, 2.0
    draws = [two] + _draws(fit, 3, seed=1)
    passed, found = _batched_only(OnGraph(fit, _start(fit)), draws)
    assert passed.all()
    alone = fg.fit_mle(fit.model.reweighted(two), start=_start(fit))
    assert alone.converged
    np.testing.assert_allclose(found[0], alone.mle, rtol=1e-12)


@pytest.mark.parametrize("name", ["exp censored weighted", "normal", "weibull censored weighted",
                                  "gamma"])
def test_parametric_replicates_at_once_equal_one_at_a_time(name):
    fit = CASES[name]()
    rng = np.random.default_rng(12)
    draws = [simulate_design(fit, rng) for _ in range(20)]
    refits = OnGraph(fit, _start(fit), reweighted=False)
    passed, _ = _batched_only(refits, draws)
    assert passed.all()  # each draw its own data (the Weibull's moment rows too), at once
    at_once = refits.many(draws)
    for draw, (ok, estimates) in zip(draws, at_once):
        again = fg.fit_mle(draw, start=_start(fit), fixed=fit.fixed)
        assert ok and again.converged
        np.testing.assert_allclose(estimates, again.mle, rtol=1e-12)


def test_a_seeded_bootstrap_equals_a_loop_of_fits_across_several_batches():
    fit = CASES["normal weighted"]()
    n = BATCH + 50  # more than one batch
    boot = fit.bootstrap(n=n, seed=21)
    expected = [fg.fit_mle(fit.model.reweighted(c), start=_start(fit)).mle
                for c in _draws(fit, n, seed=21)]
    np.testing.assert_allclose(boot.estimates.to_numpy(), np.array(expected), rtol=1e-12)
    two = fit.bootstrap(n=n, seed=21, n_jobs=2)
    np.testing.assert_allclose(two.estimates.to_numpy(), boot.estimates.to_numpy(), rtol=1e-12)


def test_moment_data_bound_the_batch_and_many_rows_take_several_batches():
    x = np.random.default_rng(5).weibull(1.5, 6000)
    fit = fg.fit_mle(WeibullLogLik, x)
    refits = OnGraph(fit, _start(fit))
    batch = refits._build_batch(BATCH)
    assert batch.size == CELLS // x.size  # replicate × row entries held: at most CELLS
    draws = _draws(fit, batch.size + 3, seed=6)
    at_once = refits.many(draws)
    for b in (0, len(draws) - 1):  # one from each batch
        again = fg.fit_mle(fit.model.reweighted(draws[b]), start=_start(fit))
        assert at_once[b][0] and again.converged
        np.testing.assert_allclose(at_once[b][1], again.mle, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=30, max_size=30).filter(
    lambda c: sum(c[i] for i in range(30) if not CENSORED[i]) > 0))
def test_exponential_replicates_at_once_are_the_closed_form(counts):
    w = np.asarray(counts, dtype=float)
    fit = fg.fit_mle(ExpLogLik, X[:30], censored=CENSORED[:30])
    (ok, rate), = OnGraph(fit, _start(fit)).many([w])
    assert ok
    np.testing.assert_allclose(rate[0], w[~CENSORED[:30]].sum() / (w @ X[:30]), rtol=1e-12)


FAMILIES = {  # every other family whose statistics a batch holds, on data of its support
    "lognormal": lambda x: x, "gumbel": lambda x: x, "rayleigh": lambda x: x,
    "pareto": lambda x: x + 1.0, "inversegaussian": lambda x: x,
    "poisson": lambda x: np.floor(3 * x), "geometric": lambda x: np.floor(3 * x),
    "bernoulli": lambda x: (x > 1).astype(float), "beta": lambda x: x / (x.max() + 0.1),
    "binomial": lambda x: np.minimum(np.floor(3 * x), 10),
}


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_family_with_numeric_or_moment_statistics_at_once_equals_one_at_a_time(name):
    from femtograd.distributions import REGISTRY
    options = {"size": 10} if name == "binomial" else {}
    fit = fg.fit_mle(REGISTRY[name], FAMILIES[name](X[:80]), **options)
    draws = _draws(fit, 25, seed=9)
    passed, _ = _batched_only(OnGraph(fit, _start(fit)), draws)
    assert passed.all()
    one_by_one = OnGraph(fit, _start(fit))
    for draw, (ok, estimates) in zip(draws, OnGraph(fit, _start(fit)).many(draws)):
        ok_one, expected = one_by_one(draw)
        assert ok and ok_one
        np.testing.assert_allclose(estimates, expected, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=30, max_size=30).filter(
    lambda c: sum(1 for v in c if v > 0) >= 2))
def test_normal_replicates_at_once_are_the_weighted_mean_and_sd(counts):
    w = np.asarray(counts, dtype=float)
    y = np.log(X[:30])
    fit = fg.fit_mle(NormalLogLik, y)
    (ok, (mu, sigma)), = OnGraph(fit, _start(fit)).many([w])
    mean = w @ y / w.sum()
    assert ok
    np.testing.assert_allclose(mu, mean, rtol=1e-12, atol=1e-12 * np.abs(y).max())
    np.testing.assert_allclose(sigma, np.sqrt(w @ (y - mean) ** 2 / w.sum()), rtol=1e-12)


def test_a_replicate_whose_family_maximum_lies_outside_starts_at_the_estimates_and_fails_alone():
    # only censored rows: the exponential's maximum d / Σwx is a rate of 0, outside the space;
    # that replicate starts at the estimates, leaves the batch and fails as one at a time does
    fit = CASES["exp censored weighted"]()
    draws = _draws(fit, 5, seed=8)
    draws.insert(1, np.where(CENSORED, 1.0, 0.0))
    passed, found = _batched_only(OnGraph(fit, _start(fit)), draws)
    assert passed.tolist() == [True, False, True, True, True, True]
    at_once = OnGraph(fit, _start(fit)).many(draws)
    one_by_one = [OnGraph(fit, _start(fit))(d) for d in draws]
    assert at_once[1] == one_by_one[1] and at_once[1][0] is False
    for a, b in zip(at_once[:1] + at_once[2:], one_by_one[:1] + one_by_one[2:]):
        np.testing.assert_allclose(a[1], b[1], rtol=1e-12)


def test_with_a_parameter_fixed_the_replicates_start_at_the_estimates():
    # the family's maximum is over every parameter: with sigma held it is not the refit's
    fit = fg.fit_mle("normal", X, fixed={"sigma": 1.2})
    refits = OnGraph(fit, _start(fit))
    batch = refits._build_batch(8)
    assert batch.maximum is None
    draws = _draws(fit, 8, seed=9)
    at_once = refits.many(draws)
    for d, (good, est) in zip(draws, at_once):
        alone = fg.fit_mle(fit.model.reweighted(d), start=_start(fit), fixed={"sigma": 1.2})
        assert good and alone.converged
        np.testing.assert_allclose(est, alone.mle, rtol=1e-12)
