"""The nonparametric bootstrap hands its refits whole matrices of counts (`_chunks`), drawn a
cache-sized piece at a time: the same resamples, in the same order, as the draws one at a
time. The batched Newton's row-wise folds equal numpy's reductions."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import femtograd as fg
from femtograd.fit import batched, jobs
from femtograd.fit import bootstrap as boot
from femtograd.fit import draws
from femtograd.fit.refits import OnGraph, Outcomes, Refits
from femtograd.fit.result import ConvergenceWarning


@pytest.mark.parametrize("size", [1, 5, 200, 1000])
def test_count_chunks_are_the_draws_of_one_block_in_order(size):
    rng = np.random.default_rng(8)
    weights = rng.integers(1, 5, 1500).astype(float)  # a block holds BLOCK_CELLS // N draws
    fit = fg.fit_mle("exp", rng.exponential(2.0, weights.size), weights=weights)
    n = 2 * (draws.BLOCK_CELLS // round(weights.sum())) + 3
    chunks = list(boot._chunks(fit, "nonparametric", n, np.random.default_rng(3), size))
    assert all(isinstance(c, np.ndarray) and c.dtype == float for c in chunks)
    assert [len(c) for c in chunks] == [min(size, n - i) for i in range(0, n, size)]
    expected = next(draws.resample_counts(weights, n, np.random.default_rng(3), n))
    np.testing.assert_array_equal(np.concatenate(chunks), expected)


def test_other_draws_come_in_lists_of_size():
    rng = np.random.default_rng(2)
    fit = fg.fit_mle("exp", rng.exponential(2.0, 40))
    chunks = list(boot._chunks(fit, "parametric", 7, np.random.default_rng(1), 3))
    assert [len(c) for c in chunks] == [3, 3, 1] and all(isinstance(c, list) for c in chunks)


def test_a_bootstrap_refitted_from_count_chunks_equals_the_refits_one_at_a_time():
    rng = np.random.default_rng(4)
    x = rng.gamma(2.5, 1 / 1.5, 300)
    fit = fg.fit_mle("gamma", x)
    result = fit.bootstrap(40, seed=6)
    counts = next(draws.resample_counts(np.ones(x.size), 40, np.random.default_rng(6), 40))
    expected = [fg.fit_mle("gamma", x, weights=c.astype(float), start=dict(fit.params)).mle
                for c in counts]
    np.testing.assert_allclose(result.estimates.to_numpy(), np.array(expected), rtol=1e-10)
    assert result.estimates.index.tolist() == list(range(40))
    assert result.failures.empty and list(result.failures.columns) == ["status", "message"]
    assert result.failures.index.dtype == np.int64


def test_replicates_the_batch_does_not_pass_are_failures_with_their_reasons_in_order():
    # over-dispersed counts: on some resamples the negative binomial size runs to infinity
    from femtograd.distributions import REGISTRY
    rng = np.random.default_rng(1)
    x = rng.negative_binomial(20, 20 / 23, 40).astype(float)
    fit = fg.fit_mle(REGISTRY["negbinomial"], x)
    with pytest.warns(boot.BootstrapWarning):
        result = fit.bootstrap(40, seed=1)
    failed = result.failures
    assert 0 < result.failed < 20 and list(failed.columns) == ["status", "message"]
    assert failed.index.dtype == np.int64 and failed.index.name == "replicate"
    assert (failed["status"] == "boundary").all() and failed["message"].map(type).eq(str).all()
    assert sorted([*failed.index, *result.estimates.index]) == list(range(40))
    counts = next(draws.resample_counts(np.ones(x.size), 40, np.random.default_rng(1), 40))
    for b in failed.index:  # each one fails on its own too
        with pytest.warns(ConvergenceWarning):
            alone = fg.fit_mle(REGISTRY["negbinomial"], x, weights=counts[b].astype(float),
                               start=dict(fit.params))
        assert alone.status == "boundary"


rows = hnp.arrays(float, st.tuples(st.integers(1, 40), st.integers(1, 5)),
                  elements=st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64)))


@settings(max_examples=200, deadline=None)
@given(rows)
def test_rowwise_folds_equal_numpys_reductions(a):
    np.testing.assert_array_equal(batched._rows_max(a), np.max(a, axis=1))
    c = a > 0
    np.testing.assert_array_equal(batched._rows_all(c), np.all(c, axis=1))



def test_gathered_outcomes_are_each_draws_own_outcome_in_order():
    from femtograd.distributions import REGISTRY
    rng = np.random.default_rng(1)
    x = rng.negative_binomial(20, 20 / 23, 40).astype(float)
    fit = fg.fit_mle(REGISTRY["negbinomial"], x)
    draws = np.random.default_rng(1).multinomial(x.size, np.full(x.size, 1 / x.size), size=25)
    refits = OnGraph(fit, {k: float(v) for k, v in fit.params.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gathered = refits.gathered(draws.astype(float))
        one_by_one = [Refits.__call__(refits, d) for d in draws.astype(float)]
    assert len(gathered) == 25 and 0 < len(gathered.failures) < 25
    assert gathered.ok.tolist() == [b for b, (ok, _) in enumerate(one_by_one) if ok]
    for (ok, value), (ok_one, value_one) in zip(gathered.as_list(), one_by_one):
        assert ok == ok_one
        if ok:
            np.testing.assert_allclose(value, value_one, rtol=1e-10)
        else:
            assert value[0] == value_one[0] == "boundary"
    assert Outcomes.of(one_by_one).failures == [(b, *v) for b, (ok, v) in enumerate(one_by_one)
                                               if not ok]


def test_kept_chunks_come_back_as_they_are_and_progress_counts_their_items():
    seen = []
    chunks = jobs.run(lambda k: Outcomes(np.arange(k), np.zeros((k, 1)), []),
                      ((k,) for k in (3, 4, 2)), progress=lambda done, total: seen.append(done),
                      total=9, chunked="kept")
    assert [len(c) for c in chunks] == [3, 4, 2] and all(isinstance(c, Outcomes) for c in chunks)
    assert seen == [0, 3, 7, 9]


def test_the_result_builds_its_frames_once_on_first_use_and_they_match_its_counts():
    rng = np.random.default_rng(9)
    fit = fg.fit_mle("normal", rng.normal(1.0, 2.0, 200))
    result = fit.bootstrap(30, seed=2)
    assert "estimates" not in vars(result) and "failures" not in vars(result)  # none yet
    assert result.succeeded == 30 and result.failed == 0
    assert repr(result).endswith("30 used, 0 failed>") and "estimates" not in vars(result)
    est = result.estimates
    assert est is result.estimates and list(est.columns) == ["mu", "sigma"]
    assert est.index.name == "replicate" and est.index.tolist() == list(range(30))
    derived = result.apply(lambda mu, sigma: mu / sigma, name="ratio")
    np.testing.assert_allclose(derived.estimates["ratio"], est["mu"] / est["sigma"], rtol=1e-15)
    assert derived.estimates.index.equals(est.index) and derived.failures.empty
