"""Dask data: chunks are shards built where they lie; fits equal the in-memory fit."""

import subprocess
import sys

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import StudentTLogLik, WeibullLogLik
from tests.dask_cluster import local_client

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

client = pytest.fixture(scope="module")(local_client)

RNG = np.random.default_rng(7)
X = RNG.weibull(1.5, 2000) * 2.0
CENS = RNG.random(2000) < 0.3
W = RNG.integers(1, 4, 2000).astype(float)
Y = RNG.standard_t(5, 1500)


def _close(a, b):
    np.testing.assert_allclose(b.mle, a.mle, rtol=1e-8)
    assert b.loglik == pytest.approx(a.loglik, rel=1e-10)
    np.testing.assert_allclose(b.se, a.se, rtol=1e-6)
    assert b.nobs == a.nobs and b.converged


def test_weibull_on_a_local_cluster_equals_the_in_memory_fit(client):
    whole = fg.fit_mle(WeibullLogLik, X, censored=CENS, weights=W)
    on_dask = fg.fit_mle(WeibullLogLik, da.from_array(X, chunks=600),
                         censored=da.from_array(CENS, chunks=600),
                         weights=da.from_array(W, chunks=600))
    _close(whole, on_dask)
    np.testing.assert_allclose(on_dask.confint(method="profile").to_numpy(),
                               whole.confint(method="profile").to_numpy(), rtol=1e-6)


def test_student_t_from_a_dask_series_on_a_local_cluster(client):
    series = dd.from_pandas(__import__("pandas").Series(Y), npartitions=3)
    _close(fg.fit_mle(StudentTLogLik, Y), fg.fit_mle(StudentTLogLik, series))


def test_without_a_client_the_chunks_are_evaluated_here():
    _close(fg.fit_mle(StudentTLogLik, Y), fg.fit_mle(StudentTLogLik, da.from_array(Y, chunks=500)))


def test_misaligned_chunks_are_refused_before_any_work():
    with pytest.raises(ValueError, match="different chunks.*rechunk"):
        fg.fit_mle(WeibullLogLik, da.from_array(X, chunks=500),
                   censored=da.from_array(CENS, chunks=600))


def test_a_bad_row_in_a_late_chunk_names_the_global_row():
    bad = X.copy()
    bad[1703] = -1.0
    with pytest.raises(ValueError, match=r"row 1703\b.*chunk starting at row 1500"):
        fg.fit_mle(WeibullLogLik, da.from_array(bad, chunks=500))


def test_in_memory_per_row_inputs_beside_dask_data_are_refused():
    with pytest.raises(TypeError, match="censored is an in-memory array"):
        fg.fit_mle(WeibullLogLik, da.from_array(X, chunks=500), censored=CENS)


def test_shards_with_dask_data_are_refused():
    with pytest.raises(ValueError, match="shards are its chunks"):
        fg.fit_mle(WeibullLogLik, da.from_array(X, chunks=500), shards=2)


def test_femtograd_does_not_import_dask_for_numpy_data():
    code = ("import sys, numpy as np, femtograd as fg\n"
            "from femtograd.distributions import WeibullLogLik\n"
            "fg.fit_mle(WeibullLogLik, np.arange(1.0, 50.0), shards=2)\n"
            "assert 'dask' not in sys.modules, 'dask imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")


def test_worker_processes_receive_pickled_parts():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster):
        on_dask = fg.fit_mle(WeibullLogLik, da.from_array(X, chunks=1000),
                             censored=da.from_array(CENS, chunks=1000))
    _close(fg.fit_mle(WeibullLogLik, X, censored=CENS), on_dask)


PREDICTIONS = [("cdf", [0.5, 2.0, 6.0]), ("sf", [0.5, 2.0, 6.0]), ("pdf", [0.5, 2.0]),
               ("hazard", [0.5, 2.0]), ("cumhazard", [0.5, 2.0]), ("quantile", [0.1, 0.5, 0.9])]


def _dask_weibull(**kw):
    return fg.fit_mle(WeibullLogLik, da.from_array(X, chunks=600),
                      censored=da.from_array(CENS, chunks=600), **kw)


@pytest.mark.parametrize("truncation", [None, (0.1, 9.0)])
def test_a_dask_fit_predicts_as_the_in_memory_fit(truncation):
    x = np.clip(X, 0.11, 8.9)  # inside the truncation either way
    whole = fg.fit_mle(WeibullLogLik, x, censored=CENS, truncation=truncation)
    on_dask = fg.fit_mle(WeibullLogLik, da.from_array(x, chunks=600),
                         censored=da.from_array(CENS, chunks=600), truncation=truncation)
    assert on_dask.model.truncation == truncation
    np.testing.assert_allclose(on_dask.mean().to_numpy(), whole.mean().to_numpy(), rtol=1e-8)
    for what, points in PREDICTIONS:
        np.testing.assert_allclose(getattr(on_dask, what)(points).to_numpy(),
                                   getattr(whole, what)(points).to_numpy(), rtol=1e-8)


def test_a_dask_fit_on_a_cluster_predicts_and_summarizes(client):
    whole = fg.fit_mle(WeibullLogLik, X, censored=CENS)
    on_dask = _dask_weibull()
    np.testing.assert_allclose(on_dask.sf([1.0, 3.0]).to_numpy(),
                               whole.sf([1.0, 3.0]).to_numpy(), rtol=1e-8)
    text = str(on_dask.summary())
    assert text.startswith("Maximum-likelihood fit: weibull\n")
    assert "n 2000 in 4 Dask chunks" in text
    np.testing.assert_allclose(on_dask.summary().table.to_numpy(),
                               whole.summary().table.to_numpy(), rtol=1e-6)


@pytest.mark.parametrize("ask", [lambda f: f.bootstrap(3, seed=1),
                                 lambda f: f.bootstrap(3, kind="parametric", seed=1),
                                 lambda f: f.with_cov("opg").se,
                                 lambda f: f.gof(n_boot=3, seed=1),
                                 lambda f: f.plot_qq(), lambda f: f.plot_probability()])
def test_what_reads_rows_of_a_dask_fit_refuses_and_says_why(ask):
    pytest.importorskip("matplotlib").use("Agg")
    with pytest.raises(ValueError, match="rows lie in 4 Dask chunks and are not read back"):
        ask(_dask_weibull())


def test_per_row_dask_truncation_refuses_one_distribution():
    a = da.from_array(X * 0.5, chunks=600)  # delayed entry: each row seen from half its age
    fit = fg.fit_mle(WeibullLogLik, da.from_array(X, chunks=600), truncation=(a, np.inf))
    with pytest.raises(ValueError, match="truncation is per row"):
        fit.cdf(1.0)
    with pytest.raises(ValueError, match="per row and lies in 4 Dask chunks"):
        fit.model.distribution
