"""Shared helpers for the benchmark scripts: timing rounds, machine facts, table formatting."""

import os

# Single-threaded BLAS for every method: the elementwise numpy work is single-threaded
# anyway, and on a shared 2-core machine a 2-thread dot product stalls whenever the
# other core is busy (we saw 50x outliers). Set before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import itertools
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def interleaved(cases, repeats, before=None, seed=0):
    """Time each case `repeats` times, round-robin so that load changes hit all cases alike.

    Each round takes the cases in a new order (shuffled from `seed`): a call pays for the
    caches its predecessor emptied (a 50 ms statsmodels fit at 1e6 leaves the next call
    ~0.3 ms of cold Python objects and code to fetch), and a fixed order would bill the same
    case for the same neighbour every round.

    `cases` maps a label to a zero-argument callable; `before(label, rep)` (optional)
    runs untimed before each call (to move leaves, say). Returns label -> list of seconds.
    """
    times = {label: [] for label in cases}
    order = list(cases)
    shuffle = random.Random(seed).shuffle
    for rep in range(repeats):
        shuffle(order)
        for label in order:
            if before is not None:
                before(label, rep)
            fn = cases[label]
            t0 = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - t0)
    return times


def alternating(fn, grids):
    """A call of fn at each of `grids` in turn, so that no call repeats its predecessor's
    points: what a package keeps from its last call is not timed as if it were free."""
    cycle = itertools.cycle(grids)
    return lambda: fn(next(cycle))


def rel(a, b):
    """The largest relative difference of a from b, elementwise (numbers or arrays; b = 0
    counts as 1e-300)."""
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def summary(ts):
    """(min, median) of a list of seconds."""
    return min(ts), statistics.median(ts)


def ms(t):
    return f"{1e3 * t:.3g}" if t < 1 else f"{1e3 * t:.0f}"


def ratio(a, b):
    """'min-ratio / median-ratio' of two timing lists (a over b)."""
    (amin, amed), (bmin, bmed) = summary(a), summary(b)
    return f"{amin / bmin:.2f} / {amed / bmed:.2f}"


def machine():
    """One line naming the machine: cores, CPU, python, numpy (and scipy) versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import scipy
    return (f"nproc={os.cpu_count()}, {cpu}, Python {platform.python_version()}, "
            f"numpy {np.__version__}, scipy {scipy.__version__}, "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")


def git_commit():
    """The commit measured: $BENCH_COMMIT (for a `git archive` export), else git's HEAD,
    marked '+dirty' when femtograd/ has uncommitted changes."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        import subprocess
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "femtograd"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return (head or "?") + ("+dirty" if dirty else "")
    except OSError:
        return "?"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def replace_section(path, marker, text):
    """Write `text` between `<!-- marker -->` and `<!-- /marker -->` in `path`, keeping the rest."""
    path = Path(path)
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    old = path.read_text() if path.exists() else ""
    if start in old and end in old:
        head, rest = old.split(start, 1)
        _, tail = rest.split(end, 1)
        new = head + block + tail
    else:
        new = old.rstrip() + ("\n\n" if old else "") + block + "\n"
    path.write_text(new)
