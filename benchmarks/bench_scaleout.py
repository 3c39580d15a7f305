"""Scale-out: memory of per-row graphs in blocks, and time per pass over shards and Dask.

    python benchmarks/bench_scaleout.py [--n 1e6] [--tn 1e6] [--chunks 2] [--repeats 3]

1. Student t fitted in memory (n = --tn): tracemalloc peak and fit time, one graph (blocks
   switched off) against blocks of 131 072 rows, each as a multiple of the data's bytes.
2. Weibull with 30 % right censoring (n = --n): build time (bound models) and time per
   Newton pass (loglik, gradient, Hessian at a moved point) for one graph, in-memory shards
   and a Dask LocalCluster with 2 workers (threads), as min / median milliseconds.
"""

import argparse
import time
import tracemalloc

import _util
import numpy as np

import femtograd as fg
import femtograd.fit.shards as shards
from femtograd.distributions import StudentTLogLik, WeibullLogLik


def student_t_memory(n):
    x = np.random.default_rng(0).standard_t(5, n)
    rows = []
    for label, blocks in (("one graph", False), ("blocks", True)):
        keep = shards.needs_blocks
        if not blocks:  # switch blocks off for the comparison
            shards.needs_blocks = lambda gen: False
        try:
            tracemalloc.start()
            t0 = time.perf_counter()
            fit = fg.fit_mle(StudentTLogLik, x)
            seconds = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        finally:
            shards.needs_blocks = keep
        rows.append((label, peak / 1e6, peak / x.nbytes, seconds, fit.converged))
    print(f"Student t, n = {n:.0e} (data {x.nbytes / 1e6:.0f} MB)")
    print(f"{'':10} {'peak MB':>9} {'x data':>7} {'fit s':>7} converged")
    for label, mb, times, seconds, ok in rows:
        print(f"{label:10} {mb:9.1f} {times:7.1f} {seconds:7.2f} {ok}")


def weibull_passes(n, chunks, repeats):
    rng = np.random.default_rng(1)
    t = 2.0 * rng.weibull(1.5, n)
    c = np.quantile(t, 0.7) * 1.5 * rng.random(n) + 0.5
    x, cens = np.minimum(t, c), t > c
    points = ([1.4, 2.0], [1.5, 2.1])
    cases, builds = {}, {}

    def add(label, make):
        t0 = time.perf_counter()
        fit = make()
        builds[label] = time.perf_counter() - t0
        obj = fit._objective
        state = {"i": 0}

        def one_pass():
            state["i"] ^= 1
            obj.evaluate(points[state["i"]], order=2)
        cases[label] = one_pass
    add("one graph", lambda: fg.fit_mle(WeibullLogLik, x, censored=cens))
    add(f"{chunks} shards", lambda: fg.fit_mle(WeibullLogLik, x, censored=cens, shards=chunks))
    try:
        import dask.array as da
        from distributed import Client, LocalCluster
    except ImportError:
        cluster = None
        print("(Dask not installed: pip install femtograd[scaleout])")
    else:
        cluster = LocalCluster(n_workers=2, processes=False, threads_per_worker=1,
                               dashboard_address=":0")
        client = Client(cluster)
        size = -(-n // chunks)
        add(f"dask {chunks} chunks", lambda: fg.fit_mle(
            WeibullLogLik, da.from_array(x, chunks=size).persist(),
            censored=da.from_array(cens, chunks=size).persist()))
    times = _util.interleaved(cases, repeats)
    print(f"\nWeibull, 30 % censored, n = {n:.0e}: fit (build + optimize) and one Newton pass")
    print(f"{'':16} {'fit s':>7} {'pass ms (min / median)':>24}")
    for label, ts in times.items():
        lo, med = _util.summary(ts)
        print(f"{label:16} {builds[label]:7.2f} {_util.ms(lo):>11} / {_util.ms(med)}")
    if cluster is not None:
        client.close()
        cluster.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=float, default=1e6)
    ap.add_argument("--tn", type=float, default=1e6)
    ap.add_argument("--chunks", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(_util.machine())
    student_t_memory(int(args.tn))
    weibull_passes(int(args.n), args.chunks, args.repeats)


if __name__ == "__main__":
    main()
