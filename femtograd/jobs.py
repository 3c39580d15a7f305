"""Many independent fits (one per column, group or family): in order, with progress, in
worker processes when asked.

`progress=True` draws a one-line bar on standard error when it is a terminal (silent in CI
logs and pipes); a stream draws on that stream when it is a terminal; a callable is called
with (done, total) after each task (for notebooks). `n_jobs=k` runs the tasks in k worker
processes (separate processes, since the autodiff core keeps per-process state); results
come back in task order, so they equal a serial run's.
"""

import numbers
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor


def check_n_jobs(n_jobs):
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a whole number of processes, at least 1; got {n_jobs!r}")
    return int(n_jobs)


def reporter(progress, total, label):
    """report(done) for `progress=`: None/False, True (standard error), a stream, or a
    callable (done, total)."""
    if progress is None or progress is False:
        return lambda done: None
    if callable(progress) and not hasattr(progress, "write"):
        return lambda done: progress(done, total)
    stream = sys.stderr if progress is True else progress
    if not hasattr(stream, "write"):
        raise TypeError(f"progress must be None, True, a stream or a callable (done, total); "
                        f"got {progress!r}")
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return lambda done: None  # a log or a pipe: no bar

    def report(done):
        filled = round(30 * done / total) if total else 30
        stream.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()
    return report


def run(task, jobs, n_jobs=1, progress=None, label="fits"):
    """[task(*args) for args in jobs], in order; in `n_jobs` processes when above 1 (`task`
    and its arguments must then pickle: a module-level function, generator classes)."""
    n_jobs = check_n_jobs(n_jobs)
    jobs = list(jobs)
    report = reporter(progress, len(jobs), label)
    report(0)
    results = []
    if n_jobs == 1 or len(jobs) < 2:
        for args in jobs:
            results.append(task(*args))
            report(len(results))
        return results
    try:
        pickle.dumps((task, jobs[0]))
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        raise TypeError(f"n_jobs={n_jobs} sends each fit to a worker process, so the "
                        "log-likelihood must be picklable (a generator class, a registry name "
                        f"or a module-level function; not a lambda or a local function): {err}"
                        ) from None
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(jobs))) as pool:
        for result in pool.map(task, *zip(*jobs)):
            results.append(result)
            report(len(results))
    return results
