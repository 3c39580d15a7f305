"""Issue 17: `fit.quantile` at 1000 probabilities for every continuous family, each beside its own
limit, in one run.

A limit does what `fit.quantile` must: the quantiles and their delta-method standard errors at
the fit's estimate and covariance. Where the family's quantile is a closed form, the limit is
that formula in numpy (scipy.special for Φ⁻¹) with its analytic gradient. Where it is not, the
limit is the best a user has without femtograd: scipy's inverse (`gammaincinv`, `betaincinv`,
`stdtrit`, `invgauss.ppf`) with the gradient by central differences of it, or, for the
Gompertz–Makeham (no scipy counterpart), a hand-written vectorized Newton solve of H(x) =
−log(1 − p) from above, with the gradient −∂H/∂θ / h by the implicit function theorem.
Calls alternate between two probability grids (no call repeats its predecessor's points); the
answers are compared on a third.

    python benchmarks/bench_quantiles.py [--repeats 30] [--write]
"""

import argparse
import time
import warnings
from pathlib import Path

from _util import (alternating, git_commit, interleaved, machine, markdown_table, ms, rel,
                   replace_section, summary)

import numpy as np
from scipy import special, stats

import femtograd as fg
from tests.fit.test_every_family import simulate as simulate_family  # the data every family's tests fit

N_PROBS = 1000
N_SMALL = 1000
GOAL = 10.0  # issue 17: at most 10× the limit


# ------------------------------------------------------------------ closed forms, analytic gradients

def _exp(p, rate):
    q = -np.log1p(-p) / rate
    return q, [-q / rate]


def _weibull(p, k, lam):
    c = -np.log1p(-p)
    q = lam * c ** (1 / k)
    return q, [-q * np.log(c) / k ** 2, q / lam]


def _normal(p, mu, sigma):
    z = special.ndtri(p)
    return mu + sigma * z, [np.ones_like(z), z]


def _lognormal(p, mu, sigma):
    z = special.ndtri(p)
    q = np.exp(mu + sigma * z)
    return q, [q, q * z]


def _logistic(p, mu, s):
    z = special.logit(p)
    return mu + s * z, [np.ones_like(z), z]


def _gumbel(p, mu, s):
    z = -np.log(-np.log(p))
    return mu + s * z, [np.ones_like(z), z]


def _cauchy(p, mu, s):  # (tan(π(p − ½)) loses a few digits in the tails, as users write it)
    z = np.tan(np.pi * (p - 0.5))
    return mu + s * z, [np.ones_like(z), z]


def _loglogistic(p, k, lam):
    z = special.logit(p)
    q = lam * np.exp(z / k)
    return q, [-q * z / k ** 2, q / lam]


def _rayleigh(p, sigma):
    q = sigma * np.sqrt(-2.0 * np.log1p(-p))
    return q, [q / sigma]


def _lomax(p, k, lam):
    c = -np.log1p(-p)
    excess = np.expm1(c / k)
    return lam * excess, [-lam * (excess + 1.0) * c / k ** 2, excess]


def _gompertz(p, a, b):
    c = -np.log1p(-p)
    r = a * c / b
    q = np.log1p(r) / a
    return q, [c / (b * (1.0 + r) * a) - q / a, -c / (b * b * (1.0 + r))]


def _burr(p, k, c, lam):
    h = -np.log1p(-p)
    e = np.expm1(h / k)
    q = lam * np.exp(np.log(e) / c)
    return q, [-q / c * (e + 1.0) / e * h / k ** 2, -q * np.log(e) / c ** 2, q / lam]


def _expweibull(p, k, lam, a):
    u = np.log(p) / a
    m = -np.log(-np.expm1(u))
    q = lam * np.exp(np.log(m) / k)
    dm = np.exp(u) / -np.expm1(u) * (-np.log(p) / a ** 2)
    return q, [-q * np.log(m) / k ** 2, q / lam, q / (k * m) * dm]


def _birnbaumsaunders(p, alpha, beta):
    z = special.ndtri(p)
    w = 0.5 * alpha * z
    s = np.sqrt(w * w + 1.0)
    q = beta * (w + s) ** 2
    return q, [q * z / s, q / beta]


def _pareto(scale):
    def quantile(p, k):
        c = -np.log1p(-p)
        q = scale * np.exp(c / k)
        return q, [-q * c / k ** 2]
    return quantile


CLOSED = {"exp": _exp, "weibull": _weibull, "normal": _normal, "lognormal": _lognormal,
          "logistic": _logistic, "gumbel": _gumbel, "cauchy": _cauchy,
          "loglogistic": _loglogistic, "rayleigh": _rayleigh, "lomax": _lomax,
          "gompertz": _gompertz, "burr": _burr, "expweibull": _expweibull,
          "birnbaumsaunders": _birnbaumsaunders}


# ------------------------------------------------------------------ solved: scipy's inverse

def _gamma(p, k, rate):
    return special.gammaincinv(k, p) / rate


def _beta(p, a, b):
    return special.betaincinv(a, b, p)


def _studentt(p, mu, s, df):
    return mu + s * special.stdtrit(df, p)


def _inversegaussian(p, mean, shape):
    return stats.invgauss.ppf(p, mean / shape, scale=shape)


def _gengamma(p, mu, sigma, Q):
    """flexsurv's generalized gamma: γ = Q⁻², w = log(Q²·G)/Q with G the gamma(γ) quantile of
    p (of 1 − p for Q < 0), x = exp(μ + σw)."""
    g = 1.0 / (Q * Q)
    tail = special.gammaincinv(g, p) if Q > 0 else special.gammainccinv(g, p)
    return np.exp(mu + sigma * np.log(Q * Q * tail) / Q)


SCIPY = {"gamma": _gamma, "beta": _beta, "studentt": _studentt,
         "inversegaussian": _inversegaussian, "gengamma": _gengamma}


def by_differences(inverse, h=1e-6):
    """The limit of a family without a closed form: the inverse at the estimate and its
    gradient by central differences (a relative step h; absolute, h, for a parameter near 0)."""
    def quantile(p, *theta):
        q = inverse(p, *theta)
        grad = []
        for i, v in enumerate(theta):
            step = h * max(abs(v), 1.0)
            up, down = list(theta), list(theta)
            up[i], down[i] = v + step, v - step
            grad.append((inverse(p, *up) - inverse(p, *down)) / (2 * step))
        return q, grad
    return quantile


def _makeham(p, a, b, lam):
    """Makeham (no scipy counterpart): Newton on the convex, increasing H(x) = λx + (b/a)(e^(ax) − 1)
    = −log(1 − p) from the smaller of the two roots of its terms (each an upper bound: H exceeds
    either term alone), which descends to the root; the gradient −∂H/∂θ / h."""
    if not a > 0:
        raise NotImplementedError("the limit's Newton from above needs shape > 0")
    c = -np.log1p(-p)
    x = np.minimum(c / lam, np.log1p(a * c / b) / a)
    for _ in range(100):
        grow = np.exp(a * x)
        step = (lam * x + b / a * (grow - 1.0) - c) / (lam + b * grow)
        x = x - step
        if np.all(np.abs(step) <= 1e-15 * x):
            break
    grow = np.exp(a * x)
    h = lam + b * grow
    d_shape = b * (x * grow / a - (grow - 1.0) / (a * a))
    return x, [-d_shape / h, -(grow - 1.0) / (a * h), -x / h]


def limit_for(name, fit):
    """(kind, quantile(p, *theta) -> (q, list of ∂q/∂θᵢ)) for a family, or None."""
    if name in CLOSED:
        return "numpy closed form", CLOSED[name]
    if name == "pareto":
        return "numpy closed form", _pareto(float(fit.model.distribution.scale))
    if name in SCIPY:
        return "scipy inverse, SEs by differences", by_differences(SCIPY[name])
    if name == "makeham":
        return "vectorized Newton (no scipy), implicit gradient", _makeham
    return None


def with_se(quantile, theta, cov):
    def run(p):
        q, grad = quantile(p, *theta)
        g = np.column_stack(grad)
        return q, np.sqrt(np.einsum("ij,jk,ik->i", g, cov, g))
    return run


def main(argv=None):
    args = _parser().parse_args(argv)
    started = time.time()
    p = np.linspace(0.5, N_PROBS - 0.5, N_PROBS) / N_PROBS
    grids = (p, p - 0.25 / N_PROBS)
    check = p + 0.25 / N_PROBS
    rows = []
    for name in sorted(fg.distributions.REGISTRY):
        family = fg.distributions.REGISTRY[name]
        if family.discrete:
            continue
        x = simulate_family(name, N_SMALL, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fg.fit_mle(name, x)
        kind, quantile = limit_for(name, fit)
        limit = with_se(quantile, [float(v) for v in fit.mle], fit.cov.to_numpy())
        cases = {"femtograd": alternating(fit.quantile, grids), "limit": alternating(limit, grids)}
        for fn in cases.values():
            fn()
        times = interleaved(cases, args.repeats)
        ours = fit.quantile(check)
        q, se = limit(check)
        (a, am), (b, bm) = summary(times["femtograd"]), summary(times["limit"])
        rows.append([name, "closed form" if family.closed_quantile else "solved", kind,
                     f"{ms(a)} ({ms(am)})", f"{ms(b)} ({ms(bm)})", f"{a / b:.2f} / {am / bm:.2f}",
                     "yes" if a / b <= GOAL else "**no**",
                     f"{rel(ours['estimate'], q):.1e}", f"{rel(ours['se'], se):.1e}"])
        print(*rows[-1], sep=" | ", flush=True)
    table = markdown_table(
        ["family", "femtograd's quantile", "limit", "femtograd ms", "limit ms",
         "femtograd / limit", f"≤ {GOAL:g}×", "estimate vs limit (max rel)", "SE vs limit (max rel)"],
        rows)
    header = (f"Command: `python benchmarks/bench_quantiles.py --repeats {args.repeats}"
              f"{' --write' if args.write else ''}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
              f"commit {git_commit()}, {time.time() - started:.0f} s.  \nMachine: {machine()}.  \n"
              f"{args.repeats} repeats per case, interleaved; times min (median) in ms; ratios "
              "min / median. Each fit is to n = 1e3 rows simulated as in "
              "tests/fit/test_every_family.py.")
    text = header + "\n\n" + table
    print(text)
    if args.write:
        replace_section(Path(__file__).with_name("README.md"), "bench_quantiles", text)


def _parser():
    parser = argparse.ArgumentParser(
        description="Issue 17: fit.quantile at 1000 probabilities, every family beside its limit.")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="write the table to README.md")
    return parser


if __name__ == "__main__":
    main()
