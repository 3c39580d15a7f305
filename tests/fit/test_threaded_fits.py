"""Fits in several threads at once (Dask's threaded workers, n_jobs) through the core alone,
without the shard driver: each equals its fit alone."""

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import femtograd as fg
from femtograd.core import derivatives, tape
from femtograd.distributions import GammaLogLik, StudentTLogLik, WeibullLogLik


def test_threads_fitting_different_data_at_once_agree_with_serial_fits():
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        _compare()
    finally:
        sys.setswitchinterval(before)


def _compare():
    rng = np.random.default_rng(11)
    jobs = []
    for i in range(3):
        t = rng.standard_t(3 + i, 300) * (1 + i)
        w = rng.weibull(1.2 + i, 300) * (2 + i)
        g = rng.gamma(2.0 + i, 1.0, 300)
        jobs += [lambda t=t: fg.fit_mle(StudentTLogLik, t).mle,
                 lambda w=w: fg.fit_mle(WeibullLogLik, w, censored=w > np.quantile(w, 0.7)).mle,
                 lambda g=g: fg.fit_mle(GammaLogLik, g, censored=g > np.quantile(g, 0.8)).mle]
    serial = [job() for job in jobs]
    derivatives._TEMPLATES.clear()
    tape._TAPES.clear()
    with ThreadPoolExecutor(len(jobs)) as pool:
        threaded = list(pool.map(lambda job: job(), jobs))
    for got, want in zip(threaded, serial):
        np.testing.assert_allclose(got, want, rtol=1e-10)
