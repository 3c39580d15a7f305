"""progress= shows a bar on a terminal only and calls a callback; n_jobs=2 gives n_jobs=1's
tables."""

import io

import numpy as np
import pandas as pd
import pytest

import femtograd as fg


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(scope="module")
def groups():
    rng = np.random.default_rng(13)
    return pd.DataFrame({"g": np.repeat(list("abcd"), 25),
                         "t": np.concatenate([s * rng.weibull(k, 25) for s, k in
                                              ((5, 1.2), (7, 2.0), (3, 0.9), (9, 3.1))])})


def test_a_bar_is_drawn_on_a_terminal_and_nothing_on_a_log(groups):
    terminal, log = Terminal(), io.StringIO()
    fg.fit_groups(groups, "g", "t", "weibull", progress=terminal)
    fg.fit_groups(groups, "g", "t", "weibull", progress=log)
    assert "4/4" in terminal.getvalue() and "#" in terminal.getvalue()
    assert log.getvalue() == ""


def test_a_callback_hears_every_finished_task(groups):
    heard = []
    fg.compare(groups, ["weibull", "exp"], column="t", by="g",
               progress=lambda done, total: heard.append((done, total)))
    assert heard == [(k, 8) for k in range(9)]


def test_bad_progress_and_n_jobs_are_refused(groups):
    with pytest.raises(TypeError, match="progress"):
        fg.fit_groups(groups, "g", "t", "weibull", progress=3)
    with pytest.raises(ValueError, match="n_jobs"):
        fg.fit_groups(groups, "g", "t", "weibull", n_jobs=0)
    with pytest.raises(ValueError, match="return_fits=True needs n_jobs=1"):
        fg.compare(groups, ["weibull"], column="t", by="g", return_fits=True, n_jobs=2)


def test_two_worker_processes_give_the_same_tables_as_one(groups):
    serial = fg.fit_groups(groups, "g", "t", ["weibull", "gamma"])
    parallel = fg.fit_groups(groups, "g", "t", ["weibull", "gamma"], n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    assert parallel.attrs == serial.attrs
    ranked = fg.compare(groups, ["weibull", "lognormal"], column="t", by="g")
    pd.testing.assert_frame_equal(ranked, fg.compare(groups, ["weibull", "lognormal"],
                                                     column="t", by="g", n_jobs=2))


def test_a_local_function_with_n_jobs_above_1_is_a_type_error_saying_why(groups):
    def loglike_exp(rate, data):
        return fg.sum(fg.log(rate) - rate * data)
    with pytest.raises(TypeError, match="picklable"):
        fg.fit_groups(groups, "g", "t", loglike_exp, start={"rate": 1.0},
                      constraints={"rate": "positive"}, n_jobs=2)
    serial = fg.fit_groups(groups, "g", "t", loglike_exp, start={"rate": 1.0},
                           constraints={"rate": "positive"})
    assert serial["converged"].all()
