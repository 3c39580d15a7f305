"""The core's shared state under threads (Dask's threaded workers, n_jobs): the version clock,
the sharing context, the derivative templates and the quadrature cache."""

import importlib
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy import special

import femtograd as fg
from femtograd.core import Plan, Value, derivatives, exp, gammaincc, log

primitive = importlib.import_module("femtograd.core.primitive")  # the module, not the decorator


@pytest.fixture
def contention():
    """Switch threads as often as the interpreter can, so that races show."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _run(jobs):
    with ThreadPoolExecutor(len(jobs)) as pool:
        return [f.result() for f in [pool.submit(job) for job in jobs]]


def test_sharing_is_per_thread():
    inside, done = threading.Event(), threading.Event()
    x, y = Value(2.0), Value(3.0)

    def derive():
        with primitive.sharing():
            assert x * y is x * y  # shared within the thread's context
            inside.set()
            done.wait(5)
            assert primitive.SHARED.table is not None

    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(derive)
        assert inside.wait(5)
        try:
            assert primitive.SHARED.table is None  # this thread is outside any context
            assert x * y is not x * y
        finally:
            done.set()
        other.result()
    assert primitive.SHARED.table is None


def _living_graph(seed):
    """A thread's own graph: moves its leaves many times, checking value, gradient and
    Hessian (built from the shared templates) against closed forms after every move."""
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 1.5 + seed, 300)
    a, b = Value(1.0), Value(1.0)
    out = fg.sum(a * log(x) - exp(b) * x + gammaincc(a, Value.constant(x)))
    grads, hess, orders = derivatives.derivative_nodes(out, [a, b])
    plan = Plan.ordered(orders[2])
    for _ in range(60):
        av, bv = rng.uniform(0.5, 3.0, 2)
        a.data, b.data = av, bv
        plan.run()
        want = np.sum(av * np.log(x) - np.exp(bv) * x + special.gammaincc(av, x))
        assert out.data == pytest.approx(want, rel=1e-12)
        assert grads[1].data == pytest.approx(-np.exp(bv) * x.sum(), rel=1e-12)
        assert hess[1][1].data == pytest.approx(-np.exp(bv) * x.sum(), rel=1e-12)
        assert hess[0][1].data == 0.0
    return True


def test_threads_moving_their_own_graphs_at_once_stay_exact(contention):
    derivatives._TEMPLATES.clear()  # every thread records or replays the same structure
    assert all(_run([lambda s=s: _living_graph(s) for s in range(4)]))
