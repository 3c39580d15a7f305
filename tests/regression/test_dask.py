"""`regress` on Dask: partitions bound where they lie; fits equal the in-memory fit."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import BernoulliLogLik, PoissonLogLik, WeibullLogLik
from tests.dask_cluster import local_client

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")

client = pytest.fixture(scope="module")(local_client)

N = 3000


def _survival():
    """A Weibull AFT sample, 30 % censored, with a factor level seen only in the last rows."""
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": rng.normal(size=N), "g": rng.choice(["a", "b", "c"], N),
                       "w": rng.integers(1, 4, N).astype(float)})
    df.loc[N - 100:, "g"] = "d"
    t = rng.weibull(1.5, N) * np.exp(0.5 + 0.3 * df.x + np.where(df.g == "b", 0.4, 0.0))
    c = rng.exponential(4.0, N)
    df["t"], df["e"] = np.minimum(t, c), (t <= c).astype(int)
    df["entry"] = np.minimum(rng.uniform(0, 0.5, N), df.t * 0.5)
    return df


SURV = _survival()
WEIBULL = {"formula": "t ~ x + g", "event": "e", "weights": "w", "params": {"shape": "~ x"}}


def _counts():
    rng = np.random.default_rng(11)
    x = np.column_stack([np.ones(N), rng.normal(size=N), rng.uniform(0, 3, N)])
    exposure = rng.uniform(0.5, 4.0, N)
    y = rng.poisson(np.exp(x @ [0.3, 0.5, -0.2]) * exposure).astype(float)
    return x, y, np.log(exposure)


def _same(whole, on_dask, sandwich=True):
    assert on_dask.converged and whole.converged
    np.testing.assert_allclose(on_dask.params.to_numpy(), whole.params.to_numpy(), rtol=1e-8,
                               atol=1e-12)
    assert on_dask.loglik == pytest.approx(whole.loglik, rel=1e-10)
    assert on_dask.nobs == whole.nobs
    np.testing.assert_allclose(on_dask.se.to_numpy(), whole.se.to_numpy(), rtol=1e-6)
    if sandwich:
        np.testing.assert_allclose(on_dask.with_cov("sandwich").se.to_numpy(),
                                   whole.with_cov("sandwich").se.to_numpy(), rtol=1e-6)
        np.testing.assert_allclose(on_dask.with_cov("opg").se.to_numpy(),
                                   whole.with_cov("opg").se.to_numpy(), rtol=1e-6)


def _weibull(data, **kw):
    args = {**WEIBULL, **kw}
    return fg.regress(WeibullLogLik, args.pop("formula"), data, **args)


def test_weibull_aft_from_a_dask_dataframe_on_a_local_cluster_equals_the_in_memory_fit(client):
    whole = _weibull(SURV)
    on_dask = _weibull(dd.from_pandas(SURV, npartitions=3))
    _same(whole, on_dask)
    assert ("scale", "g[T.d]") in on_dask.params.index  # a level only in the last partition
    new = SURV.head(5)
    for what, kw in (("param", {}), ("median", {}), ("sf", {"x": 1.0})):
        np.testing.assert_allclose(on_dask.predict(new, what, **kw).to_numpy(),
                                   whole.predict(new, what, **kw).to_numpy(), rtol=1e-7)
    text = str(on_dask.summary())
    assert f"n {whole.nobs:g}" in text and "converged: yes" in text


def test_poisson_with_an_offset_from_dask_arrays_on_a_local_cluster(client):
    x, y, log_exposure = _counts()
    whole = fg.regress(PoissonLogLik, y, design={"rate": x}, offset=log_exposure)
    on_dask = fg.regress(PoissonLogLik, da.from_array(y, chunks=700),
                         design={"rate": da.from_array(x, chunks=(700, 3))},
                         offset=da.from_array(log_exposure, chunks=700))
    _same(whole, on_dask)
    np.testing.assert_allclose(on_dask.params.to_numpy(), [0.3, 0.5, -0.2], atol=0.05)


def test_logit_from_a_dask_dataframe_design_and_series(client):
    rng = np.random.default_rng(5)
    design = pd.DataFrame({"Intercept": 1.0, "u": rng.normal(size=N), "v": rng.normal(size=N)})
    y = pd.Series((rng.random(N) < 1 / (1 + np.exp(-(design.u - 0.5 * design.v)))) * 1.0)
    whole = fg.regress(BernoulliLogLik, y.to_numpy(), design={"prob": design})
    on_dask = fg.regress(BernoulliLogLik, dd.from_pandas(y, npartitions=4),
                         design={"prob": dd.from_pandas(design, npartitions=4)})
    _same(whole, on_dask)
    assert list(on_dask.params.index.get_level_values("term")) == ["Intercept", "u", "v"]


def test_without_a_client_the_partitions_are_evaluated_here():
    _same(_weibull(SURV), _weibull(dd.from_pandas(SURV, npartitions=2)), sandwich=False)


def test_delayed_entry_and_interval_rows_on_dask_equal_the_in_memory_fits():
    kw = {"formula": "t ~ x", "weights": None, "params": None, "truncation": ("entry", None)}
    _same(_weibull(SURV, **kw), _weibull(dd.from_pandas(SURV, npartitions=3), **kw),
          sandwich=False)
    boxed = SURV.assign(lo=SURV.t * 0.9, hi=np.where(SURV.e == 1, SURV.t, np.inf))
    kw = {"formula": "(lo, hi) ~ x + g", "event": None}
    _same(_weibull(boxed, **kw), _weibull(dd.from_pandas(boxed, npartitions=3), **kw),
          sandwich=False)


def test_differently_split_inputs_are_refused_before_any_work():
    x, y, _ = _counts()
    with pytest.raises(ValueError, match="split differently.*rechunk or repartition"):
        fg.regress(PoissonLogLik, da.from_array(y, chunks=700),
                   design={"rate": da.from_array(x, chunks=(1000, 3))})
    ddf = dd.from_pandas(SURV, npartitions=3)
    event = dd.from_pandas(SURV.e, npartitions=2)
    with pytest.raises(ValueError, match="data and event are split differently"):
        fg.regress(WeibullLogLik, "t ~ x", ddf, event=event)


def test_a_bad_row_in_a_late_partition_names_the_global_row():
    bad = SURV.copy()
    bad.loc[2503, "t"] = -1.0
    with pytest.raises(ValueError, match=r"row 2503\b.*partition starting at row 2000"):
        _weibull(dd.from_pandas(bad, npartitions=3))
    bad = SURV.copy()
    bad.loc[2711, "x"] = np.nan
    with pytest.raises(ValueError, match=r"'x' has a missing value at row 2711\b"):
        _weibull(dd.from_pandas(bad, npartitions=3))


def test_a_numeric_factor_level_unknown_to_the_first_partition_is_refused_saying_why():
    data = SURV.assign(k=np.where(np.arange(N) < 2500, np.arange(N) % 2, 2))
    whole = fg.regress(WeibullLogLik, "t ~ C(k)", data, event="e")
    assert ("scale", "C(k)[T.2]") in whole.params.index
    with pytest.raises(ValueError, match="levels are learned over the whole frame"):
        fg.regress(WeibullLogLik, "t ~ C(k)", dd.from_pandas(data, npartitions=2), event="e")
    # as strings its levels are learned over the whole frame first
    on_dask = fg.regress(WeibullLogLik, "t ~ C(k)", dd.from_pandas(data.astype({"k": str}),
                                                                    npartitions=2), event="e")
    _same(whole, on_dask, sandwich=False)


def test_a_stateful_transform_is_refused():
    with pytest.raises(ValueError, match="stateful transform.*learn from one partition"):
        fg.regress(WeibullLogLik, "t ~ center(x)", dd.from_pandas(SURV, npartitions=2),
                   event="e")


@pytest.mark.parametrize("ask", [lambda f: f.scores(), lambda f: f.bootstrap(3, seed=1)])
def test_what_reads_rows_of_a_dask_regression_refuses_and_says_why(ask):
    fit = _weibull(dd.from_pandas(SURV, npartitions=3))
    with pytest.raises(ValueError, match="rows lie in 3 Dask partitions and are not read back"):
        ask(fit)


def test_in_memory_per_row_inputs_beside_dask_data_are_refused():
    x, y, _ = _counts()
    with pytest.raises(TypeError, match="offset rate is an in-memory array"):
        fg.regress(PoissonLogLik, da.from_array(y, chunks=700),
                   design={"rate": da.from_array(x, chunks=(700, 3))}, offset=np.zeros(N))
    with pytest.raises(ValueError, match="give cluster= to regress"):
        _weibull(dd.from_pandas(SURV, npartitions=3)).with_cov("cluster",
                                                               cluster=np.arange(N) % 9).se


def test_cluster_robust_covariance_sums_each_partitions_cluster_scores(client):
    data = SURV.assign(site=np.random.default_rng(4).integers(0, 40, N))
    whole = _weibull(data, cov_type="cluster", cluster="site")
    ddf = dd.from_pandas(data, npartitions=3)
    by_column = _weibull(ddf, cov_type="cluster", cluster="site")
    by_series = _weibull(ddf, cov_type="cluster", cluster=ddf.site)
    for on_dask in (by_column, by_series):
        np.testing.assert_allclose(on_dask.se.to_numpy(), whole.se.to_numpy(), rtol=1e-6)
    assert not np.allclose(whole.se, whole.with_cov("sandwich").se, rtol=1e-3)


def test_worker_processes_receive_pickled_parts():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster):
        on_dask = _weibull(dd.from_pandas(SURV, npartitions=3))
    _same(_weibull(SURV), on_dask, sandwich=False)


def test_a_profile_interval_on_dask_refits_over_the_partitions():
    key, rows = [("scale", "x")], SURV.head(500)
    kw = {"formula": "t ~ x", "weights": None, "params": None}
    whole = _weibull(rows, **kw).confint(method="profile", coefficients=key)
    on_dask = _weibull(dd.from_pandas(rows, npartitions=2), **kw).confint(method="profile",
                                                                          coefficients=key)
    np.testing.assert_allclose(on_dask.to_numpy(), whole.to_numpy(), rtol=1e-7)


def test_per_row_inputs_as_dask_series_and_arrays_beside_the_frame():
    ddf = dd.from_pandas(SURV, npartitions=3)
    whole = fg.regress(WeibullLogLik, "t ~ x", SURV, event=SURV.e.to_numpy(),
                       weights=SURV.w.to_numpy(), truncation=(SURV.entry.to_numpy(), None))
    on_dask = fg.regress(WeibullLogLik, "t ~ x", ddf, event=ddf.e, weights=ddf.w,
                         truncation=(ddf.entry.to_dask_array(lengths=True), None))
    _same(whole, on_dask, sandwich=False)
