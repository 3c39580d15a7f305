"""Issue 17: fit.quantile at many probabilities, the fixed cost of a fit + SE at n = 1e3, and
count families at n = 1e6, each timed before and after in ONE run (the earlier commit exported
with `git archive` and imported beside the working tree's package as `femtograd_before`),
beside a hand-written limit.

The limits do what femtograd must: a quantile limit is numpy's closed form with its
delta-method SEs; a fixed-cost limit is the hand-written floor of bench_fit.py (`_families.py`:
closed forms, or Newton with analytic derivatives, and analytic SEs); a count limit validates
the data (finite, inside the support, whole counts) and returns the estimate, its SE and the
full log-likelihood (Σ log x! over the distinct counts).

    python benchmarks/bench_round2.py [--before 172672a] [--repeats 7] [--write]
"""

import argparse
import atexit
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from _util import (ROOT, alternating, git_commit, interleaved, machine, markdown_table, ms,  # BLAS first
                   rel, replace_section, summary)

import numpy as np
from scipy import special

import femtograd as fg
from _families import FAMILIES
from tests.fit.test_every_family import OPTIONS as FAMILY_OPTIONS  # the data every
from tests.fit.test_every_family import simulate as simulate_family  # family's tests fit

N_COUNTS = 1_000_000
N_PROBS = 1000
N_SMALL = 1000
FIXED_REPEATS = 30  # the fits at n = 1e3 take ~0.1 ms: more repeats for a stable min
EVERY_REPEATS = 6
# fixed cost at n = 1e3: femtograd's registry name for each family with a hand-written floor
FIXED = {"exponential": "exp", "normal": "normal", "weibull": "weibull", "gamma": "gamma",
         "lognormal": "lognormal"}


def load_before(ref):
    """The package as of commit `ref`, importable beside the current one."""
    tmp = Path(tempfile.mkdtemp(prefix="femtograd_before_"))
    atexit.register(shutil.rmtree, tmp, True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "femtograd"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    spec = importlib.util.spec_from_file_location(
        "femtograd_before", tmp / "femtograd" / "__init__.py",
        submodule_search_locations=[str(tmp / "femtograd")])
    module = importlib.util.module_from_spec(spec)
    sys.modules["femtograd_before"] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ the limits

def _checked_counts(x, top=np.inf):
    """The validation femtograd does: finite, inside [0, top], whole counts."""
    lo, hi = x.min(), x.max()
    if not (np.isfinite(lo) and np.isfinite(hi) and lo >= 0 and hi <= top):
        raise ValueError("counts outside the support")
    if np.any(x != np.round(x)):
        raise ValueError("non-integer count")
    tally = np.bincount(x.astype(np.intp))
    values = np.flatnonzero(tally)
    return values.astype(float), tally[values].astype(float)


def limit_poisson(x):
    v, c = _checked_counts(x)
    n, s = c.sum(), c @ v
    rate = s / n
    return [rate], [np.sqrt(rate / n)], s * np.log(rate) - n * rate - c @ special.gammaln(v + 1)


def limit_binomial(x, size=10):
    v, c = _checked_counts(x, size)
    n, s = c.sum(), c @ v
    p = s / (n * size)
    lchoose = special.gammaln(size + 1) - special.gammaln(v + 1) - special.gammaln(size - v + 1)
    ll = c @ lchoose + s * np.log(p) + (n * size - s) * np.log1p(-p)
    return [p], [np.sqrt(p * (1 - p) / (n * size))], ll


def limit_geometric(x):
    lo, hi = x.min(), x.max()
    if not (np.isfinite(lo) and np.isfinite(hi) and lo >= 0) or np.any(x != np.round(x)):
        raise ValueError("bad counts")
    n, s = x.size, x.sum()
    p = 1 / (1 + s / n)
    return [p], [p * np.sqrt((1 - p) / n)], n * np.log(p) + s * np.log1p(-p)


def limit_bernoulli(x):
    lo, hi = x.min(), x.max()
    if not (lo >= 0 and hi <= 1) or np.any(x != np.round(x)):
        raise ValueError("bad counts")
    n, s = x.size, x.sum()
    p = s / n
    return [p], [np.sqrt(p * (1 - p) / n)], s * np.log(p) + (n - s) * np.log1p(-p)


def limit_negbinomial(x):
    """Newton on size's profile score over the distinct counts (prob = size / (size + mean)),
    then the analytic 2 × 2 information."""
    v, c = _checked_counts(x)
    n, s = c.sum(), c @ v
    m = s / n
    var = (c @ (v - m) ** 2) / n
    r = m * m / (var - m)
    for _ in range(100):
        score = c @ special.digamma(v + r) - n * special.digamma(r) + n * np.log(r / (r + m))
        slope = (c @ special.polygamma(1, v + r) - n * special.polygamma(1, r)
                 + n * m / (r * (r + m)))
        step = score / slope
        r -= step
        if abs(step) <= 1e-12 * r:
            break
    p = r / (r + m)
    h_rr = c @ special.polygamma(1, v + r) - n * special.polygamma(1, r)
    h_rp = n / p
    h_pp = -n * r / p ** 2 - s / (1 - p) ** 2
    info = -np.array([[h_rr, h_rp], [h_rp, h_pp]])
    ll = (c @ special.gammaln(v + r) - n * special.gammaln(r) - c @ special.gammaln(v + 1)
          + n * r * np.log(p) + s * np.log1p(-p))
    return [r, p], list(np.sqrt(np.diag(np.linalg.inv(info)))), ll


COUNT_CASES = {  # family: (simulate, options, limit)
    "poisson": (lambda rng: rng.poisson(3.0, N_COUNTS), {}, limit_poisson),
    "binomial": (lambda rng: rng.binomial(10, 0.3, N_COUNTS), {"size": 10}, limit_binomial),
    "negbinomial": (lambda rng: rng.negative_binomial(2.0, 0.4, N_COUNTS), {}, limit_negbinomial),
    "geometric": (lambda rng: rng.geometric(0.3, N_COUNTS) - 1, {}, limit_geometric),
    "bernoulli": (lambda rng: rng.binomial(1, 0.3, N_COUNTS), {}, limit_bernoulli),
}


def weibull_quantiles(k, lam, cov, p):
    """Numpy's closed form q = λ (−log(1 − p))^(1/k) with its delta-method SEs."""
    c = -np.log1p(-p)
    q = lam * c ** (1 / k)
    grad = np.column_stack([-q * np.log(c) / k ** 2, q / lam])
    return q, np.sqrt(np.einsum("ij,jk,ik->i", grad, cov, grad))


def gamma_quantiles(k, rate, cov, p, h=1e-6):
    """scipy's inverse q = gammaincinv(k, p)/rate with delta-method SEs, ∂q/∂k by a central
    difference of gammaincinv (scipy has no shape derivative of the incomplete gamma)."""
    q = special.gammaincinv(k, p) / rate
    dk = (special.gammaincinv(k * (1 + h), p) - special.gammaincinv(k * (1 - h), p)) / (
        2 * h * k * rate)
    grad = np.column_stack([dk, -q / rate])
    return q, np.sqrt(np.einsum("ij,jk,ik->i", grad, cov, grad))


# ------------------------------------------------------------------ the run

def fitter(pkg, name, x, options):
    def run():
        fit = pkg.fit_mle(pkg.distributions.REGISTRY[name], x, **options)
        return fit.mle, (fit.bse if hasattr(fit, "bse") else fit.se.to_numpy()), fit.loglik
    return run


def main(argv=None):
    args = _parser().parse_args(argv)
    before = load_before(args.before)
    started = time.time()
    rng = np.random.default_rng(0)
    rows = []

    # 1. quantiles at 1000 probabilities of a Weibull fit at n = 1e3 (a closed form), and of a
    #    gamma fit (no closed form: the vectorized solve), beside numpy's Weibull closed form
    sections = set(args.sections.split(","))
    x = 3.0 * rng.weibull(1.5, 1000)
    p = np.linspace(0.5, N_PROBS - 0.5, N_PROBS) / N_PROBS
    grids = (p, p - 0.25 / N_PROBS)  # calls alternate between them (`alternating`)
    # the answers are compared at a third grid, so that no timed call follows one at its own
    # probabilities (the gamma keeps its shape derivative's nodes for its last limits)
    check = p + 0.25 / N_PROBS
    now = fg.fit_mle(fg.distributions.WeibullLogLik, x)
    old = before.fit_mle(before.distributions.WeibullLogLik, x)
    k, lam = now.mle
    cov = now.cov.to_numpy()
    limit = alternating(lambda q: weibull_quantiles(k, lam, cov, q), grids)
    cases = {"after": alternating(now.quantile, grids), "before": alternating(old.quantile, grids),
             "limit": limit}
    times = interleaved(cases, args.repeats if "quantiles" in sections else 1)
    q_after, q_before = now.quantile(check), old.quantile(check)
    q_limit, se_limit = weibull_quantiles(k, lam, cov, check)
    rows.append(_row(f"weibull quantile, {N_PROBS} probabilities", times,
                     max(rel(q_after["estimate"], q_before["estimate"]),
                         rel(q_after["se"], q_before["se"])),
                     max(rel(q_after["estimate"], q_limit), rel(q_after["se"], se_limit))))
    xg = rng.gamma(2.0, 1.5, 1000)
    now_g = fg.fit_mle(fg.distributions.GammaLogLik, xg)
    old_g = before.fit_mle(before.distributions.GammaLogLik, xg)
    cases = {"after": alternating(now_g.quantile, grids),
             "before": alternating(old_g.quantile, grids), "limit": limit}
    times = interleaved(cases, args.repeats if "quantiles" in sections else 1)
    g_after, g_before = now_g.quantile(check), old_g.quantile(check)
    rows.append(_row(f"gamma quantile (an inverse op), {N_PROBS} probabilities; limit: weibull's",
                     times, max(rel(g_after["estimate"], g_before["estimate"]),
                                rel(g_after["se"], g_before["se"])), None))
    kg, rg = now_g.mle
    cov_g = now_g.cov.to_numpy()
    cases["limit"] = alternating(lambda q: gamma_quantiles(kg, rg, cov_g, q), grids)
    times = interleaved(cases, args.repeats)
    q_limit, se_limit = gamma_quantiles(kg, rg, cov_g, check)
    rows.append(_row(f"gamma quantile (an inverse op), {N_PROBS} probabilities; limit: scipy's "
                     "gammaincinv, SEs by differences", times,
                     max(rel(g_after["estimate"], g_before["estimate"]),
                         rel(g_after["se"], g_before["se"])),
                     max(rel(g_after["estimate"], q_limit), rel(g_after["se"], se_limit))))

    # 1b. every continuous family whose quantile is solved (no closed form): after against before
    solved = []
    for name in (sorted(fg.distributions.REGISTRY) if "quantiles" in sections else ()):
        family = fg.distributions.REGISTRY[name]
        if family.discrete or family.closed_quantile:
            continue
        x = simulate_family(name, N_SMALL, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits = {"after": fg.fit_mle(name, x), "before": before.fit_mle(name, x)}
            cases = {k: alternating(f.quantile, grids) for k, f in fits.items()}
            for fn in cases.values():
                fn()
            times = interleaved(cases, args.repeats)
            q1, q0 = fits["after"].quantile(check), fits["before"].quantile(check)
        (a, am), (b, bm) = summary(times["after"]), summary(times["before"])
        solved.append([name, f"{ms(a)} ({ms(am)})", f"{ms(b)} ({ms(bm)})",
                       f"{b / a:.2f} / {bm / am:.2f}",
                       f"{max(rel(q1['estimate'], q0['estimate']), rel(q1['se'], q0['se'])):.1e}"])

    # 2. the fixed cost: fit + SE at n = 1e3, against the hand-written floor
    for label, name in (FIXED.items() if "fixed" in sections else ()):
        family = FAMILIES[label]
        x = family.simulate(N_SMALL, np.random.default_rng(2))
        cases = {"after": fitter(fg, name, x, {}), "before": fitter(before, name, x, {}),
                 "limit": lambda x=x, family=family: family.floor(x)}
        for fn in cases.values():  # warm: templates recorded, imports done
            fn()
        times = interleaved(cases, args.repeats * FIXED_REPEATS)
        (m1, s1, l1), (m0, s0, l0) = cases["after"](), cases["before"]()
        mL, sL = cases["limit"]()
        rows.append(_row(f"{name} fit + SE, n = 1e3", times, max(rel(m1, m0), rel(s1, s0)),
                         max(rel(m1, mL), rel(s1, sL))))

    # 3. count families at n = 1e6: estimate + SE + log-likelihood
    for name, (simulate, options, limit) in (COUNT_CASES.items() if "counts" in sections
                                             else ()):
        x = simulate(np.random.default_rng(1)).astype(float)
        cases = {"after": fitter(fg, name, x, options), "before": fitter(before, name, x, options),
                 "limit": lambda x=x, limit=limit: limit(x)}
        for fn in cases.values():  # warm: templates recorded, imports done
            fn()
        times = interleaved(cases, args.repeats)
        (m1, s1, l1), (m0, s0, l0) = cases["after"](), cases["before"]()
        mL, sL, lL = cases["limit"]()
        rows.append(_row(f"{name} fit + SE, n = 1e6", times,
                         max(rel(m1, m0), rel(s1, s0), rel(l1, l0)),
                         max(rel(m1, mL), rel(s1, sL), rel(l1, lL))))

    # 4. every family's fit + SE at n = 1e3, after against before (no limit: a regression check)
    every = []
    for name in (sorted(fg.distributions.REGISTRY) if "every" in sections else ()):
        x = simulate_family(name, N_SMALL, 3)
        options = FAMILY_OPTIONS.get(name, {})
        cases = {"after": fitter(fg, name, x, options), "before": fitter(before, name, x, options)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (a peer's warning is not this table's business)
            for fn in cases.values():
                fn()
            times = interleaved(cases, args.repeats * EVERY_REPEATS)
            (m1, s1, _), (m0, s0, _) = cases["after"](), cases["before"]()
        (a, am), (b, bm) = summary(times["after"]), summary(times["before"])
        every.append([name, f"{ms(a)} ({ms(am)})", f"{ms(b)} ({ms(bm)})",
                      f"{b / a:.2f} / {bm / am:.2f}", f"{max(rel(m1, m0), rel(s1, s0)):.1e}"])

    header = ["case", "after ms", "before ms", "limit ms", "before / after",
              "after / limit", "after vs before (max rel)", "after vs limit (max rel)"]
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = (f"Command: `python benchmarks/bench_round2.py --before {args.before}"
            f"{' --write' if args.write else ''}`, {stamp}, "
            f"commit {git_commit()} against {args.before}, {time.time() - started:.0f} s.  \n"
            f"Machine: {machine()}.  \n"
            f"{args.repeats} repeats per case ({args.repeats * FIXED_REPEATS} for the fits at "
            "n = 1e3), interleaved; times min (median) in ms; ratios min / median.\n\n"
            + markdown_table(header, rows)
            + (f"\n\nEvery family whose quantile is solved, `fit.quantile` at {N_PROBS} "
               f"probabilities ({args.repeats} repeats; the fit to data simulated as in "
               "tests/fit/test_every_family.py):\n\n"
               + markdown_table(["family", "after ms", "before ms", "before / after",
                                 "after vs before (max rel)"], solved) if solved else "")
            + f"\n\nEvery family, fit + SE at n = 1e3 ({args.repeats * EVERY_REPEATS} repeats, "
            "data simulated as in tests/fit/test_every_family.py):\n\n"
            + markdown_table(["family", "after ms", "before ms", "before / after",
                              "after vs before (max rel)"], every))
    print(text)
    if args.write:
        replace_section(ROOT / "benchmarks" / "README.md", "bench_round2", text)


def _row(label, times, diff_before, diff_limit):
    """A table row; `diff_limit` None when the limit computes something else (no comparison)."""
    (a, am), (b, bm), (c, cm) = (summary(times[k]) for k in ("after", "before", "limit"))
    return [label, f"{ms(a)} ({ms(am)})", f"{ms(b)} ({ms(bm)})", f"{ms(c)} ({ms(cm)})",
            f"{b / a:.2f} / {bm / am:.2f}", f"{a / c:.2f} / {am / cm:.2f}",
            f"{diff_before:.1e}", "—" if diff_limit is None else f"{diff_limit:.1e}"]


def _parser():
    parser = argparse.ArgumentParser(
        description="Issue 17: quantiles, fixed cost, counts; before and after in one run.")
    parser.add_argument("--before", default="172672a", help="the commit to compare against")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="write the table to README.md")
    parser.add_argument("--sections", default="quantiles,fixed,counts,every",
                        help="which parts to time (comma-separated; the quantile rows are "
                             "timed once when left out)")
    return parser


if __name__ == "__main__":
    main()
