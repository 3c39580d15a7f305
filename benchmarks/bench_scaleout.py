"""Scale-out: memory of per-row graphs in blocks, and Weibull passes on Dask against memory.

    python benchmarks/bench_scaleout.py [--tn 1e7] [--rn 1e6] [--ns 1e6,1e7,1e8]
                                        [--chunks 2] [--repeats 5] [--write]
                                        [--sections weibull,regression,studentt]

1. Weibull with 30 % right censoring at each n of --ns on a Dask LocalCluster with 2 worker
   processes: the data are generated on the workers (dask.array random, never in this
   process) and persisted; build time (each chunk's bound model, `fit.dask.dask_spec`)
   apart from the time per Newton pass (loglik, gradient, Hessian at a moved point), the
   full fit, and this driver process's RSS after each n. Then the same n in memory (numpy
   arrays here, one graph): build, pass, and the pass ratio Dask / memory.
2. `fg.regress` of a Weibull AFT (n = --rn, 3 scale coefficients) from Dask arrays generated
   on the workers against the same law in memory: fit time and time per pass
   (`fit.derivatives` at moved coefficients).
3. Student t fitted in memory (n = --tn), uncensored (a fused pass), 30 % right-censored and
   mixed exact / right / interval rows (exact rows in a fused pass, censored rows through
   blocks of a per-row graph): tracemalloc peak beyond the data (x and the censoring array,
   or IntervalData's two arrays) and (data + peak) as a multiple of the data, and fit time;
   up to 2e6 rows also with blocks switched off (one graph), for comparison.
"""

import argparse
import contextlib
import math
import os
import resource
import time
import tracemalloc
from datetime import datetime, timezone

import _util
import numpy as np
from scipy import integrate, optimize

import femtograd as fg
import femtograd.fit.shards as shards
from femtograd.distributions import StudentTLogLik, WeibullLogLik
from femtograd.fit.dask import dask_spec
from femtograd.optim.shards import add

CENSORED = 0.3
POINTS = ([1.45, 2.05], [1.55, 1.95])  # (shape, scale) near the truth (1.5, 2.0)
AFT_BETA = [np.log(2.0), 0.3, -0.2]  # the regression's log scale: intercept, x1, x2


def _student_t_cases(n):
    """(label, x, censoring keywords, bytes of the data the caller holds) for each Student t
    case: uncensored, 30 % right-censored, and mixed (60 % exact, 25 % right-censored, 15 % in
    intervals of width 1, as IntervalData)."""
    rng = np.random.default_rng(0)
    x = rng.standard_t(5, n)
    cens = rng.random(n) < CENSORED
    kind = rng.random(n)
    lower = np.where(kind < 0.85, x, x - 0.5)
    upper = np.where(kind < 0.6, x, np.where(kind < 0.85, np.inf, x + 0.5))
    return [("uncensored", x, {}, x.nbytes),
            ("30 % censored", x, {"censored": cens}, x.nbytes + cens.nbytes),
            ("mixed exact / right / interval", fg.IntervalData(lower, upper), {},
             lower.nbytes + upper.nbytes)]


def student_t_memory(n):
    """Student t fitted in memory: uncensored (a fused pass over the rows, no per-row graph),
    30 % right-censored and mixed exact / right / interval rows (the exact rows in one fused
    pass, the censored ones through blocks of a per-row graph)."""
    rows = []
    for label, x, censoring, data in _student_t_cases(n):
        for blocks in (False, True):
            if not blocks and (label == "uncensored" or n > 2_000_000):
                continue  # no per-row graph to compare; about 600 bytes per row: gigabytes
            keep = shards.needs_blocks
            if not blocks:  # switch blocks off for the comparison
                shards.needs_blocks = lambda gen: False
            try:
                tracemalloc.start()
                t0 = time.perf_counter()
                fit = fg.fit_mle(StudentTLogLik, x, **censoring)
                seconds = time.perf_counter() - t0
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            finally:
                shards.needs_blocks = keep
            how = "one graph" if not blocks else "blocks" if label != "uncensored" \
                else "fused pass"
            rows.append((label, how, f"{peak / 1e6:.0f}", f"{peak / data:.2f}",
                         f"{(data + peak) / data:.2f}", f"{seconds:.2f}", fit.converged))
    header = [f"Student t, n = {n:.0e}", "evaluation", "peak beyond data MB", "peak / data",
              "(data + peak) / data", "fit s (under tracemalloc)", "converged"]
    return _util.markdown_table(header, rows)


def _censoring_end():
    """C such that censoring times Uniform(0, C) censor 30 % of Weibull(1.5, 2.0) rows:
    P(T > C·U) = ∫₀¹ exp(−(C u / 2)^1.5) du = 0.3."""
    def share(c):
        return integrate.quad(lambda u: np.exp(-(c * u / 2.0) ** 1.5), 0, 1)[0] - CENSORED
    return optimize.brentq(share, 0.1, 100.0)


def _weibull_numpy(n, seed=1):
    """The in-memory sample: Weibull(1.5, 2.0) lifetimes, right-censored at independent
    Uniform(0, C) times (30 % censored)."""
    rng = np.random.default_rng(seed)
    t, c = 2.0 * rng.weibull(1.5, n), _censoring_end() * rng.random(n)
    return np.minimum(t, c), t > c


def _weibull_dask(n, chunks):
    """The same law, generated chunk by chunk on the workers."""
    import dask.array as da
    rng = da.random.default_rng(1)
    size = -(-n // chunks)
    t, c = 2.0 * rng.weibull(1.5, n, chunks=size), _censoring_end() * rng.random(n, chunks=size)
    return da.minimum(t, c), t > c


def _passes(run, repeats):
    """Seconds per Newton pass (loglik, gradient, Hessian), alternating two points."""
    out = []
    for i in range(repeats):
        t0 = time.perf_counter()
        f, g, h = add(run(POINTS[i % 2], 2), 2)
        out.append(time.perf_counter() - t0)
        assert math.isfinite(f) and np.all(np.isfinite(h))
    return out


def _rss_mb():
    """(this process's resident memory now, its peak so far), MB."""
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return now / 1e6, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def weibull_on_dask(ns, chunks, repeats):
    from distributed import Client, LocalCluster, wait
    rows = {}
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        for n in ns:
            x, cens = _weibull_dask(n, chunks)
            x, cens = client.persist([x, cens])
            wait([x, cens])
            t0 = time.perf_counter()
            spec = dask_spec(WeibullLogLik, x, {"censored": cens}, None, {})
            build = time.perf_counter() - t0
            passes = _passes(spec["run"], repeats)
            del spec  # its parts (bound models on the workers) go before the fit's
            t0 = time.perf_counter()
            fit = fg.fit_mle(WeibullLogLik, x, censored=cens)
            seconds = time.perf_counter() - t0
            rows[n] = dict(build=build, passes=passes, fit=seconds, rss=_rss_mb(),
                           converged=fit.converged, mle=fit.mle, iterations=fit.iterations)
            del fit, x, cens
    return rows


def weibull_in_memory(n, repeats):
    x, cens = _weibull_numpy(n)
    t0 = time.perf_counter()
    fit = fg.fit_mle(WeibullLogLik, x, censored=cens)
    seconds = time.perf_counter() - t0
    objective = fit._objective

    def run(point, order):
        return [objective.evaluate(point, order)]
    return dict(fit=seconds, passes=_passes(run, repeats), converged=fit.converged,
                mle=fit.mle)


def weibull_table(ns, chunks, repeats):
    on_dask = weibull_on_dask(ns, chunks, repeats)
    rows = []
    for n in ns:
        d, m = on_dask[n], weibull_in_memory(n, repeats)
        (dlo, dmed), (mlo, mmed) = _util.summary(d["passes"]), _util.summary(m["passes"])
        rows.append((f"{n:.0e}", f"{d['build']:.2f}", f"{_util.ms(dlo)} / {_util.ms(dmed)}",
                     f"{d['fit']:.2f}", f"{_util.ms(mlo)} / {_util.ms(mmed)}",
                     f"{dlo / mlo:.2f} / {dmed / mmed:.2f}", f"{m['fit']:.2f}",
                     "%.0f / %.0f" % d["rss"], f"{d['converged'] and m['converged']}"))
        for mle in (d["mle"], m["mle"]):  # both near the truth (1.5, 2.0)
            assert np.allclose(mle, [1.5, 2.0], rtol=20 / math.sqrt(n)), mle
    header = ["n", "Dask build s", "Dask pass ms (min / median)", "Dask fit s",
              "memory pass ms", "pass Dask / memory", "memory fit s", "driver RSS MB (now / peak)",
              "converged"]
    return _util.markdown_table(header, rows)


def _aft_numpy(n, seed=2):
    """A Weibull AFT sample: scale exp(0.3 x1 − 0.2 x2), shape 1.5, Uniform(0, 6) censoring."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(n), rng.normal(size=(n, 2))])
    t = rng.weibull(1.5, n) * np.exp(x @ AFT_BETA)
    c = 6.0 * rng.random(n)
    return np.minimum(t, c), x, t > c


def _aft_dask(n, chunks):
    """The same law, generated chunk by chunk on the workers."""
    import dask.array as da
    rng = da.random.default_rng(2)
    size = -(-n // chunks)
    x = da.concatenate([da.ones((n, 1), chunks=(size, 1)),
                        rng.normal(size=(n, 2), chunks=(size, 2))], axis=1)
    t = rng.weibull(1.5, n, chunks=size) * da.exp(x @ np.asarray(AFT_BETA))
    c = 6.0 * rng.random(n, chunks=size)
    return da.minimum(t, c), x.rechunk({1: -1}), t > c


def _regression_passes(fit, repeats):
    coef = fit.params[fit.free_names].to_numpy()
    out = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fit.derivatives(coef + 0.01 * (1 + i % 2))  # two points off the MLE, in turn
        out.append(time.perf_counter() - t0)
    return out


@contextlib.contextmanager
def _worker_environment(trim):
    """Dask's nanny environment for new workers: its default (MALLOC_TRIM_THRESHOLD_=65536,
    which on glibc turns off the allocator's adaptive mmap threshold, so that every large
    temporary array is a fresh mmap whose pages fault in again) or that variable removed —
    from the configuration and from this process's environment, which a nanny sets too and
    which takes precedence for the workers started after it."""
    import dask
    env = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    saved = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    if not trim:
        env.pop("MALLOC_TRIM_THRESHOLD_", None)
        os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
            yield
    finally:
        if saved is not None:
            os.environ["MALLOC_TRIM_THRESHOLD_"] = saved


def _regress_on_dask(n, chunks, repeats, trim):
    from distributed import Client, LocalCluster, wait
    with _worker_environment(trim), \
            LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                         dashboard_address=":0") as cluster, Client(cluster) as client:
        y, x, cens = client.persist(list(_aft_dask(n, chunks)))
        wait([y, x, cens])
        t0 = time.perf_counter()
        fit = fg.regress(WeibullLogLik, y, design={"scale": x}, censored=cens)
        return fit, time.perf_counter() - t0, _regression_passes(fit, repeats)


def regression_table(n, chunks, repeats):
    """`fg.regress` of a Weibull AFT (3 scale coefficients, shape constant) on Dask arrays
    generated on the workers, against the same law in memory: fit and pass times, with
    Dask's default worker environment and with MALLOC_TRIM_THRESHOLD_ removed from it."""
    y, x, cens = _aft_numpy(n)
    t0 = time.perf_counter()
    whole = fg.regress(WeibullLogLik, y, design={"scale": x}, censored=cens)
    m_fit = time.perf_counter() - t0
    m_passes = _regression_passes(whole, repeats)
    mlo, mmed = _util.summary(m_passes)
    header = ["Weibull AFT regress, n", "workers' MALLOC_TRIM_THRESHOLD_", "Dask fit s",
              "Dask pass ms (min / median)", "memory fit s", "memory pass ms",
              "pass Dask / memory", "iterations"]
    rows = []
    for trim in (True, False):
        on_dask, d_fit, d_passes = _regress_on_dask(n, chunks, repeats, trim)
        for fit in (on_dask, whole):
            scale = fit.params.loc["scale"].to_numpy()
            assert fit.converged and np.allclose(scale, AFT_BETA, atol=20 / math.sqrt(n)), scale
        dlo, dmed = _util.summary(d_passes)
        rows.append((f"{n:.0e}", "65536 (Dask's default)" if trim else "unset", f"{d_fit:.2f}",
                     f"{_util.ms(dlo)} / {_util.ms(dmed)}", f"{m_fit:.2f}",
                     f"{_util.ms(mlo)} / {_util.ms(mmed)}",
                     f"{dlo / mlo:.2f} / {dmed / mmed:.2f}",
                     f"{on_dask.iterations} / {whole.iterations}"))
    return _util.markdown_table(header, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tn", type=float, default=1e6)
    ap.add_argument("--rn", type=float, default=1e5, help="rows of the regression case")
    ap.add_argument("--ns", default="1e5,1e6")
    ap.add_argument("--chunks", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="write the tables to README.md")
    ap.add_argument("--sections", default="weibull,regression,studentt",
                    help="which tables to run (--write needs all three)")
    args = ap.parse_args()
    sections = set(args.sections.split(","))
    if args.write and sections != {"weibull", "regression", "studentt"}:
        ap.error("--write needs every section")
    ns = [int(float(v)) for v in args.ns.split(",")]
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    base = "driver RSS before any data: %.0f MB now, %.0f MB peak" % _rss_mb()
    print(base, flush=True)
    if "weibull" in sections:
        w_table = weibull_table(ns, args.chunks, args.repeats)  # first: the driver's peak RSS
        print(w_table, flush=True)
    if "regression" in sections:
        r_table = regression_table(int(args.rn), args.chunks, args.repeats)
        print(r_table, flush=True)
    if "studentt" in sections:
        t_table = student_t_memory(int(args.tn))
        print(t_table)
    if args.write:
        command = (f"python benchmarks/bench_scaleout.py --tn {args.tn:.0e} --rn {args.rn:.0e} "
                   f"--ns {args.ns} "
                   f"--chunks {args.chunks} --repeats {args.repeats} --write")
        text = (f"`{command}` — {started}, commit {_util.git_commit()}, {_util.machine()}; "
                f"Dask: LocalCluster, 2 worker processes, 1 thread each, {args.chunks} chunks; "
                f"{args.repeats} passes per case; {base}.\n\n{w_table}\n\n{r_table}\n\n{t_table}\n")
        _util.replace_section(_util.ROOT / "benchmarks" / "README.md", "bench_scaleout", text)


if __name__ == "__main__":
    main()
