"""Statistics of many replicates at once: `model.statistics(W)` for a weight matrix W (R, n)
gives, for every family whose statistics a batch holds, each statistic as an array of length R
(moment data as one object with a weight row per replicate) equal to `statistics(W[b])`
replicate by replicate, with weights, right censoring and distinct counts; a matrix that is
not weights is refused by name, and a replicate without statistics makes the matrix give
none."""

import numpy as np
import pytest

from femtograd.core import ExpMomentData
from femtograd.distributions import REGISTRY
from femtograd.distributions.counts import count_table

RNG = np.random.default_rng(41)
X = RNG.weibull(1.3, 120) * 2.0
CENSORED = X > 2.5
WEIGHTS = RNG.integers(1, 4, X.size).astype(float)
RESAMPLES = RNG.multinomial(X.size, np.full(X.size, 1.0 / X.size), size=30).astype(float)

DATA = {  # each family on data of its support
    "exp": lambda x: x, "normal": np.log, "gamma": lambda x: x, "weibull": lambda x: x,
    "lognormal": lambda x: x, "gumbel": lambda x: x, "rayleigh": lambda x: x,
    "pareto": lambda x: x + 1.0, "inversegaussian": lambda x: x,
    "poisson": lambda x: np.floor(3 * x), "geometric": lambda x: np.floor(3 * x),
    "bernoulli": lambda x: (x > 1).astype(float), "beta": lambda x: x / (x.max() + 0.1),
    "binomial": lambda x: np.minimum(np.floor(3 * x), 10),
}
REDUCES_RIGHT = ("exp", "weibull", "rayleigh", "pareto")  # censored rows in the statistics
CASES = [(name, design) for name in DATA for design in ("plain", "weighted", "censored")
         if design != "censored" or name in REDUCES_RIGHT]


def _model(name, design):
    options = {"size": 10} if name == "binomial" else {}
    extra = {"weighted": {"weights": WEIGHTS}, "censored": {"censored": CENSORED}}.get(design, {})
    return REGISTRY[name](DATA[name](X), **extra, **options)


def _entries(stats):
    return stats if isinstance(stats, tuple) else (stats,)


@pytest.mark.parametrize("name,design", CASES)
def test_statistics_of_a_weight_matrix_are_each_replicates_own(name, design):
    model = _model(name, design)
    many = _entries(model.statistics(RESAMPLES))
    for b, w in enumerate(RESAMPLES):
        one = _entries(model.statistics(w))
        assert len(one) == len(many)
        for a, o in zip(many, one):
            if isinstance(o, ExpMomentData):  # the same rows, this replicate's weight row
                assert isinstance(a, ExpMomentData) and a.weights.shape == RESAMPLES.shape
                np.testing.assert_array_equal(a.t, o.t)
                np.testing.assert_array_equal(a.weights[b], 1.0 if o.weights is None
                                              else o.weights)
            else:
                value = np.broadcast_to(a, (len(RESAMPLES),))[b]
                np.testing.assert_allclose(value, o, rtol=1e-13, atol=1e-11)  # (sums near 0)


@pytest.mark.parametrize("name", ["normal", "lognormal", "inversegaussian"])
def test_a_replicate_with_no_weight_makes_the_matrix_give_no_statistics(name):
    model = _model(name, "plain")
    w = RESAMPLES.copy()
    w[3] = 0.0  # (its statistics, a mean of nothing, are undefined)
    assert model.statistics(w[3]) is None
    assert model.statistics(w) is None
    assert model.statistics(w[[0, 1, 2]]) is not None


def test_a_weight_matrix_is_checked_as_weights_are():
    model = _model("gamma", "plain")
    with pytest.raises(ValueError, match=r"one column per row \(120\).*\(30, 119\)"):
        model.statistics(RESAMPLES[:, 1:])
    bad = RESAMPLES.copy()
    bad[4, 7] = -1.0
    with pytest.raises(ValueError, match="negative weight in replicate 4"):
        model.statistics(bad)
    bad[4, 7] = np.nan
    with pytest.raises(ValueError, match="weights must be finite; replicate 4"):
        model.statistics(bad)


def test_truncated_rows_have_no_statistics_for_many_replicates_either():
    model = REGISTRY["exp"](X, truncation=(0.0, 10.0))
    assert model.statistics(RESAMPLES) is None


def test_count_table_of_a_weight_matrix_tallies_each_replicate():
    x = np.floor(3 * X)
    values, tally = count_table(x, RESAMPLES)
    assert tally.shape == (len(RESAMPLES), values.size)
    for w, row in zip(RESAMPLES, tally):
        v, t = count_table(x, w)  # (leaves out counts of zero weight)
        expected = np.zeros(values.size)
        expected[np.searchsorted(values, v)] = t
        np.testing.assert_array_equal(row, expected)
        np.testing.assert_allclose(row @ values, w @ x, rtol=1e-14)


def test_a_family_whose_reduction_takes_one_weight_vector_gives_none_for_a_matrix():
    from femtograd.distributions import ExpLogLik

    class OneAtATime(ExpLogLik):  # a family written before weight matrices (w.sum() is all)
        reduces_many = False

        def _reduce(self, x, w, cx, cw):
            return (float(x.size) if w is None else float(w.sum())), float(x.sum() if w is None
                                                                           else w @ x)
    model = OneAtATime(X)
    assert model.statistics(RESAMPLES) is None
    np.testing.assert_allclose(model.statistics(RESAMPLES[2])[1], RESAMPLES[2] @ X)


def test_a_bad_weight_of_the_matrix_is_named_by_replicate_and_row():
    model = _model("gamma", "plain")
    bad = RESAMPLES.copy()
    bad[2, 9] = -0.5
    with pytest.raises(ValueError, match=r"negative weight in replicate 2, row 9 \(-0.5\)"):
        model.statistics(bad)
    bad[2, 9], bad[6, 3] = 1.0, np.inf
    with pytest.raises(ValueError, match=r"weights must be finite; replicate 6, row 3 is inf"):
        model.statistics(bad)
