"""Diagnostics at scale (issue 14): Kaplan–Meier and a probability plot at 1e6 censored rows,
Turnbull's NPMLE at 1e5 scattered inspections; lifelines' KaplanMeierFitter beside ours when
it is installed. Prints a table; nothing is asserted.

    python benchmarks/bench_diagnostics.py [--repeats 5]
"""

import argparse
import io
import warnings

from _util import git_commit, interleaved, machine, markdown_table, ms, summary  # BLAS first

import numpy as np

import femtograd as fg
from femtograd.distributions import WeibullLogLik
from femtograd.fit.nonparametric import kaplan_meier, turnbull


def censored_weibull(n, seed=0):
    rng = np.random.default_rng(seed)
    t = 100 * rng.weibull(1.5, n)
    c = rng.uniform(0, 250, n)
    return np.minimum(t, c), t > c


def inspections(n, seed=1):
    """Each unit inspected at two random times: failed before, between, or after them."""
    rng = np.random.default_rng(seed)
    t = 100 * rng.weibull(1.5, n)
    a = rng.uniform(0, 100, n)
    b = a + rng.uniform(1, 50, n)
    return (np.where(t < a, 0.0, np.where(t < b, a, b)),
            np.where(t < a, a, np.where(t < b, b, np.inf)))


def main(argv=None):
    args = _parser().parse_args(argv)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    x, censored = censored_weibull(1_000_000)
    fit = fg.fit_mle(WeibullLogLik, x, censored=censored)
    lower, upper = inspections(100_000)

    def probability_plot():
        ax = fit.plot_probability()
        ax.figure.savefig(io.BytesIO(), format="png")
        plt.close(ax.figure)

    cases = {
        "femtograd kaplan_meier, 1e6 rows": lambda: kaplan_meier(x, censored),
        "femtograd plot_probability + PNG, 1e6 rows": probability_plot,
        "femtograd turnbull, 1e5 scattered inspections": lambda: turnbull(lower, upper),
    }
    try:
        from lifelines import KaplanMeierFitter
    except ImportError:
        print("lifelines is not installed: no peer for Kaplan–Meier")
    else:
        def peer():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                KaplanMeierFitter().fit(x, ~censored)
        cases["lifelines KaplanMeierFitter, 1e6 rows"] = peer
    times = interleaved(cases, args.repeats)
    rows = [[label, ms(summary(ts)[0]), ms(summary(ts)[1])] for label, ts in times.items()]
    print(f"commit {git_commit()}; {machine()}; {args.repeats} repeats, interleaved")
    print(markdown_table(["case", "min ms", "median ms"], rows))


def _parser():
    parser = argparse.ArgumentParser(description="Diagnostics at scale (issue 14).")
    parser.add_argument("--repeats", type=int, default=5)
    return parser


if __name__ == "__main__":
    main()
