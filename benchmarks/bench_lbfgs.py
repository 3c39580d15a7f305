"""L-BFGS against Newton on an objective with many parameters and a dense Hessian.

    python benchmarks/bench_lbfgs.py [--sizes 100,500,2000] [--repeats 3] [--write]

The objective: Σ (yⱼβⱼ − e^βⱼ) − ½ λ (Σ βⱼ)², Poisson rates tied by a penalty on their
sum, so −H = diag(e^β) + λ 11ᵀ is dense (p² entries to form and factor each Newton step)
while the gradient costs O(p). Both optimizers get exact derivatives from numpy; the
table reports the min (median) time of a full optimization, iterations, evaluations and
the largest difference between the two answers.

The second table fits the same model as a femtograd user would write it, a plain function
of one vector parameter through `fit_mle(method=...)`: derivatives by femtograd's reverse
mode (Newton's Hessian is p reverse sweeps per step; L-BFGS builds none while it runs), started
at 0. Both fits end with the exact p × p Hessian at the estimate, which the verdict judges the
end point by and the standard errors come from: its cost is part of both times.
"""

import argparse
import time

import _util  # noqa: F401  (single-threaded BLAS, set before numpy is imported)
import numpy as np

import femtograd as fg
from femtograd.optim import FunctionObjective, lbfgs, newton

LAMBDA = 1e-5


def coupled_poisson(p, seed=5):
    y = np.random.default_rng(seed).poisson(4.0, p) + 1.0
    f = lambda b: float(y @ b - np.exp(b).sum() - 0.5 * LAMBDA * b.sum() ** 2)
    g = lambda b: y - np.exp(b) - LAMBDA * b.sum()
    h = lambda b: -np.diag(np.exp(b)) - LAMBDA
    return FunctionObjective(f, g, h), FunctionObjective(f, g, None)


def coupled_poisson_loglik(beta, y):
    """The same objective as a femtograd user's plain function of a vector parameter."""
    s = fg.sum(beta)
    return fg.sum(y * beta - fg.exp(beta)) - 0.5 * LAMBDA * s * s


def fit_mle_rows(sizes, repeats):
    rows = []
    for p in sizes:
        y = np.random.default_rng(5).poisson(4.0, p) + 1.0
        start = {"beta": np.zeros(p)}
        fits = {}

        def fit(method):
            fits[method] = fg.fit_mle(coupled_poisson_loglik, y, start=start, nobs=p,
                                      method=method)
            fits[method].se

        times = _util.interleaved({"newton": lambda: fit("newton"), "lbfgs": lambda: fit("lbfgs")},
                                  repeats)
        n, lb = fits["newton"], fits["lbfgs"]
        assert n.converged and lb.converged, (n.message, lb.message)
        (nmin, nmed), (lmin, lmed) = _util.summary(times["newton"]), _util.summary(times["lbfgs"])
        rows.append([p, f"{_util.ms(nmin)} ({_util.ms(nmed)})", f"{_util.ms(lmin)} ({_util.ms(lmed)})",
                     f"{nmin / lmin:.0f}", f"{n.iterations}",
                     f"{lb.iterations}",
                     f"{np.max(np.abs(n.mle - lb.mle)):.1e}"])
    return _util.markdown_table(
        ["p", "Newton fit + SE ms", "L-BFGS fit + SE ms", "Newton / L-BFGS", "Newton iter",
         "L-BFGS iter", "largest difference"], rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,500,2000")
    ap.add_argument("--fit-sizes", default="100,500,2000",
                    help="sizes of the fit_mle table (empty: skip it)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="write the table to README.md")
    args = ap.parse_args(argv)
    rows = []
    for p in [int(float(s)) for s in args.sizes.split(",")]:
        with_hessian, gradient_only = coupled_poisson(p)
        x0 = np.zeros(p)
        results = {}
        times = _util.interleaved({
            "newton": lambda: results.__setitem__("newton", newton(with_hessian, x0)),
            "lbfgs": lambda: results.__setitem__("lbfgs", lbfgs(gradient_only, x0)),
        }, args.repeats)
        n, lb = results["newton"], results["lbfgs"]
        (nmin, nmed), (lmin, lmed) = _util.summary(times["newton"]), _util.summary(times["lbfgs"])
        rows.append([p, f"{_util.ms(nmin)} ({_util.ms(nmed)})", f"{_util.ms(lmin)} ({_util.ms(lmed)})",
                     f"{nmin / lmin:.0f}", f"{n.iterations} / {n.evaluations}",
                     f"{lb.iterations} / {lb.evaluations}", f"{np.max(np.abs(n.x - lb.x)):.1e}"])
    table = _util.markdown_table(
        ["p", "Newton ms", "L-BFGS ms", "Newton / L-BFGS", "Newton iter / evals",
         "L-BFGS iter / evals", "largest difference"], rows)
    if args.fit_sizes:
        sizes = [int(float(s)) for s in args.fit_sizes.split(",")]
        table += ("\n\nThrough `fit_mle` with one vector parameter (`start={\"beta\": ...}`):\n\n"
                  + fit_mle_rows(sizes, args.repeats))
    text = (f"Command: `python benchmarks/bench_lbfgs.py --sizes {args.sizes} --fit-sizes "
            f"{args.fit_sizes} --repeats {args.repeats}`, "
            f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, commit "
            f"{_util.git_commit()}.  \nMachine: {_util.machine()}.\n\n{table}\n")
    print(text)
    if args.write:
        _util.replace_section(_util.ROOT / "benchmarks" / "README.md", "bench_lbfgs", text)


if __name__ == "__main__":
    main()
