"""Long work in the fit package: bootstrap and profile intervals with progress= (a bar on a
terminal only; a callback) and n_jobs= (worker processes give the serial results), and
femtograd.fit.jobs itself (order, lazy tasks, chunks, what cannot be sent to a worker)."""

import io
import itertools
import math
import sys

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import WeibullLogLik
from femtograd.fit import jobs


class Terminal(io.StringIO):
    def isatty(self):
        return True


def loglike_exp(rate, data):
    """A module-level plain function: it pickles to worker processes."""
    return fg.sum(fg.log(rate) - rate * data)


@pytest.fixture(scope="module")
def weibull_fit():
    rng = np.random.default_rng(31)
    t = 4.0 * rng.weibull(1.3, 150)
    return fg.fit_mle(WeibullLogLik, t, censored=t > 6.0)


@pytest.fixture(scope="module")
def function_fit():
    data = np.random.default_rng(5).exponential(2.0, 80)
    return fg.fit_mle(loglike_exp, data, start={"rate": 1.0}, constraints={"rate": "positive"})


# -- n_jobs: the same results as one process -----------------------------------------------
@pytest.mark.parametrize("kind", ["nonparametric", "parametric"])
def test_a_bootstrap_in_two_processes_equals_one_for_a_seed(weibull_fit, kind):
    serial = weibull_fit.bootstrap(n=40, kind=kind, seed=8)
    parallel = weibull_fit.bootstrap(n=40, kind=kind, seed=8, n_jobs=2)
    pd.testing.assert_frame_equal(serial.estimates, parallel.estimates)
    pd.testing.assert_frame_equal(serial.failures, parallel.failures)
    pd.testing.assert_frame_equal(serial.confint(method="bca"), parallel.confint(method="bca"))


def test_a_plain_function_bootstraps_in_two_processes_as_in_one(function_fit):
    serial = function_fit.bootstrap(n=30, seed=2)
    pd.testing.assert_frame_equal(serial.estimates,
                                  function_fit.bootstrap(n=30, seed=2, n_jobs=2).estimates)


def test_profile_intervals_in_two_processes_equal_one(weibull_fit):
    fresh = fg.fit_mle(weibull_fit.model)  # no profile points remembered
    pd.testing.assert_frame_equal(fresh.confint(method="profile"),
                                  weibull_fit.confint(method="profile", n_jobs=2))


def bounded_in_a(a, b, data):
    """2·(max − ll) never exceeds 2 in `a` (< 3.84): a's profile interval is open."""
    return -data * fg.square(a) / (1 + fg.square(a)) - fg.square(b - 1.0)


def test_a_workers_profile_warning_is_raised_here():
    def fit():
        return fg.fit_mle(bounded_in_a, 1.0, start={"a": 0.3, "b": 0.5})
    with pytest.warns(UserWarning) as serial:
        expected = fit().confint(method="profile")
    with pytest.warns(UserWarning) as parallel:
        found = fit().confint(method="profile", n_jobs=2)
    pd.testing.assert_frame_equal(expected, found)
    assert expected.loc["a"].tolist() == [-math.inf, math.inf]
    said = [str(w.message) for w in serial if "profile likelihood" in str(w.message)]
    assert len(said) == 2 and said == [str(w.message) for w in parallel
                                       if "profile likelihood" in str(w.message)]


def test_a_log_likelihood_that_cannot_travel_is_a_type_error_saying_why():
    data = np.random.default_rng(5).exponential(2.0, 60)
    fit = fg.fit_mle(lambda rate, data: fg.sum(fg.log(rate) - rate * data), data,
                     start={"rate": 1.0}, constraints={"rate": "positive"})
    with pytest.raises(TypeError, match="picklable.*not a lambda"):
        fit.bootstrap(n=10, seed=1, n_jobs=2)
    two = fg.fit_mle(lambda mu, sigma, data: fg.sum(-fg.log(sigma) - 0.5 * fg.square(
        (data - mu) / sigma)), data, start={"mu": 1.0, "sigma": 1.0},
        constraints={"sigma": "positive"})
    with pytest.raises(TypeError, match="picklable"):
        two.confint(method="profile", n_jobs=2)
    assert fit.bootstrap(n=10, seed=1).succeeded == 10  # one process needs no pickling


# -- progress ----------------------------------------------------------------------------
def test_progress_draws_a_bar_on_a_terminal_and_nothing_on_a_log(weibull_fit):
    for run in (lambda p: weibull_fit.bootstrap(n=12, seed=1, progress=p),
                lambda p: weibull_fit.bootstrap(n=12, seed=1, progress=p, n_jobs=2),
                lambda p: fg.fit_mle(weibull_fit.model).confint(
                    method="profile", progress=p)):
        terminal, log = Terminal(), io.StringIO()
        run(terminal)
        run(log)
        assert "#" in terminal.getvalue() and terminal.getvalue().endswith("\n")
        assert log.getvalue() == ""
    assert "2/2" in terminal.getvalue().splitlines()[-1]  # one step per free parameter


def test_a_bar_without_tqdm_is_an_import_error_naming_the_extra(weibull_fit, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if the extra were not installed
    with pytest.raises(ImportError, match=r"femtograd\[progress\]"):
        weibull_fit.bootstrap(n=12, seed=1, progress=Terminal())
    heard = []  # a callback needs no extra
    weibull_fit.bootstrap(n=3, seed=1, progress=lambda done, total: heard.append(done))
    assert heard[-1] == 3


def test_a_callback_hears_every_replicate_in_two_processes_too(weibull_fit):
    heard = []
    weibull_fit.bootstrap(n=20, seed=1, n_jobs=2,
                          progress=lambda done, total: heard.append((done, total)))
    assert heard[0] == (0, 20) and heard[-1] == (20, 20)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)


def test_bad_progress_and_n_jobs_are_refused_before_any_work(weibull_fit):
    with pytest.raises(TypeError, match="progress must be"):
        weibull_fit.bootstrap(n=5, progress="yes")
    with pytest.raises(ValueError, match="n_jobs"):
        weibull_fit.bootstrap(n=5, n_jobs=0)
    with pytest.raises(ValueError, match="n_jobs"):
        weibull_fit.confint(method="profile", n_jobs=1.5)


# -- jobs.run itself ---------------------------------------------------------------------
def _square(x):
    return x * x


def _squares(xs):
    return [x * x for x in xs]


def test_run_keeps_task_order_in_processes_and_joins_chunks():
    tasks = [(k,) for k in range(9)]
    assert jobs.run(_square, tasks, n_jobs=2) == [k * k for k in range(9)]
    chunks = [([1, 2],), ([3],), ([4, 5, 6],)]
    assert jobs.run(_squares, chunks, n_jobs=2, total=6, chunked=True) == [1, 4, 9, 16, 25, 36]


def test_run_takes_a_lazy_stream_with_few_tasks_in_flight():
    drawn = itertools.count()
    heard = []

    def stream():
        for k in range(12):
            next(drawn)
            yield (k,)
    found = jobs.run(_square, stream(), n_jobs=2, total=12,
                     progress=lambda done, total: heard.append((done, _made(drawn))))
    assert found == [k * k for k in range(12)]
    assert all(made - done <= 2 * 2 for done, made in heard[1:])


def _made(counter):
    """How many items an itertools.count has handed out (without advancing it)."""
    return int(repr(counter)[6:-1])


def test_an_empty_run_is_an_empty_list():
    assert jobs.run(_square, [], n_jobs=2) == []
    assert jobs.run(_square, iter(()), n_jobs=2, total=0) == []
