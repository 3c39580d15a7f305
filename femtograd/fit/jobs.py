"""Many independent tasks (fits per column, group or family; bootstrap refits; profile
bounds): in order, with progress, in worker processes when asked.

`progress=True` draws tqdm's bar on standard error when it is a terminal (silent in CI
logs and pipes); a stream draws on that stream when it is a terminal; a callable is called
with (done, total) after each item (for notebooks). `n_jobs=k` runs the tasks in k worker
processes (separate processes, since the autodiff core keeps per-process state); results
come back in task order, so they equal a serial run's.

It lives in the fitting layer so that the fit package (bootstrap, profiles) and the
interfaces above it share one mechanism.
"""

import itertools
import numbers
import pickle
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor


def check_n_jobs(n_jobs):
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a whole number of processes, at least 1; got {n_jobs!r}")
    return int(n_jobs)


def reporter(progress, total, label):
    """report(done) for `progress=`: None/False, True (standard error), a stream, or a
    callable (done, total). A stream gets tqdm's bar (the `progress` extra), drawn only
    when the stream is a terminal."""
    if progress is None or progress is False:
        return lambda done: None
    if callable(progress) and not hasattr(progress, "write"):
        return lambda done: progress(done, total)
    stream = sys.stderr if progress is True else progress
    if not hasattr(stream, "write"):
        raise TypeError(f"progress must be None, True, a stream or a callable (done, total); "
                        f"got {progress!r}")
    try:
        from tqdm import tqdm
    except ImportError:
        raise ImportError("a progress bar is drawn by tqdm, an optional dependency: "
                          "pip install 'femtograd[progress]' (or pass a callable "
                          "progress(done, total))") from None
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return lambda done: None  # a log or a pipe: no bar
    bar = tqdm(total=total, desc=label, file=stream, leave=True, ascii=" #")

    def report(done):
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
    return report


def check_picklable(n_jobs, *objects):
    """A TypeError saying why, when what a worker process needs (the log-likelihood above
    all) cannot be sent to one."""
    try:
        pickle.dumps(objects)
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        raise TypeError(f"n_jobs={n_jobs} sends each fit to a worker process, so the "
                        "log-likelihood must be picklable (a generator class, a registry name "
                        f"or a module-level function; not a lambda or a local function): {err}"
                        ) from None


def chunks(items, size):
    """Consecutive lists of `size` items (the last may be shorter), lazily: tasks that each
    take a chunk of many small items (replicates), so that a worker process gets fewer, larger
    tasks."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(task, jobs, n_jobs=1, progress=None, label="fits", total=None, chunked=False):
    """[task(*args) for args in jobs], in order; in `n_jobs` processes when above 1 (`task`
    and its arguments must then pickle: a module-level function, generator classes).

    `jobs` may be a lazy iterable (`total`: how many items it stands for, when it has no
    length): at most 2·n_jobs tasks are in flight, so large arguments are made as they are
    needed. `chunked=True`: each task returns a list (a chunk of items), the lists are
    joined and progress counts items; `chunked="kept"`: each returns a sized chunk of items
    in any form, the chunks are returned as they are and progress counts their items."""
    n_jobs = check_n_jobs(n_jobs)
    if total is None:
        jobs = list(jobs)
        total = len(jobs)
    report = reporter(progress, total, label)
    report(0)
    results, done = [], 0

    def take(result):
        nonlocal done
        if chunked is True:
            results.extend(result)
        else:
            results.append(result)
        done = done + len(result) if chunked == "kept" else len(results)
        report(done)

    jobs = iter(jobs)
    first = next(jobs, None)
    if first is None:
        return results
    second = next(jobs, None)
    jobs = itertools.chain([first] + ([] if second is None else [second]), jobs)
    if n_jobs == 1 or second is None:
        for args in jobs:
            take(task(*args))
        return results
    check_picklable(n_jobs, task, first)
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        pending = deque()
        for args in jobs:
            pending.append(pool.submit(task, *args))
            if len(pending) >= 2 * n_jobs:
                take(pending.popleft().result())
        while pending:
            take(pending.popleft().result())
    return results
