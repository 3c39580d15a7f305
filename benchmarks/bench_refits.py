"""Issue 17, refits: a 1000-replicate nonparametric bootstrap and profile intervals at n = 1e3,
femtograd against hand-written numpy peers, in one run (interleaved repeats, min and median).

The bootstrap peer draws the same resamples as `fit.bootstrap(seed=)`, and draws them as it
does (row indices from `np.random.default_rng(seed)`, a block of replicates at a time, added
into the count matrix by `np.add.at`: the draw costs every contender the same) and refits each
with the weighted closed form (exponential, normal) or Newton on the profile score warm-started at the
estimate (Weibull shape, gamma shape); its estimates are compared with femtograd's. The profile
peer finds both ends of each parameter's likelihood-ratio interval by `brentq` on a profile
log-likelihood written by hand (closed-form inner maximum where there is one, else Newton).
With JAX installed (the `bench` extra), the bootstrap has a second peer: the same draws, then
every replicate refitted by `jax.vmap` of the jitted Newton of bench_fit.py (`_families.
jax_newton`) on the weighted log-likelihood, compiled before timing (warm).

    python benchmarks/bench_refits.py [--repeats 5] [--replicates 1000] [--before REF] [--write]

`--before REF` also times the package as of commit REF (exported with `git archive`, imported
beside the working tree's as `femtograd_before`).
"""

import argparse
import time

from _util import (ROOT, git_commit, interleaved, machine, markdown_table, ms,  # BLAS first
                   ratio, replace_section, summary)

import numpy as np
from scipy import optimize, special, stats

import femtograd as fg
from _families import FAMILIES as FIT_FAMILIES, jax_modules, jax_newton

N = 1000
LEVEL = 0.95


# ------------------------------------------------------------------ numpy peers

def _weibull_shape(logx, c, d, k):
    """Newton on the weighted Weibull shape equation from k (logx centred at its max)."""
    cl = c @ logx
    for _ in range(50):
        e = c * np.exp(k * logx)
        s0, s1, s2 = e.sum(), e @ logx, e @ (logx * logx)
        m1, m2 = s1 / s0, s2 / s0
        step = (d / k + cl - d * m1) / (-d / k ** 2 - d * (m2 - m1 * m1))
        k -= step
        if abs(step) < 1e-10 * k:
            break
    return k, np.log(np.sum(c * np.exp(k * logx)) / d) / k


def _gamma_shape(c, d, mean, mean_log, k):
    """Newton on log k − ψ(k) = log mean − mean log, from k."""
    s = np.log(mean) - mean_log
    for _ in range(50):
        step = (np.log(k) - special.digamma(k) - s) / (1 / k - special.polygamma(1, k))
        k -= step
        if abs(step) < 1e-10 * k:
            break
    return k


def peer_refits(name, x, mle):
    """refit(counts) -> estimates, the weighted MLE on resample counts `c`."""
    if name == "exp":
        return lambda c: (c.sum() / (c @ x),)
    if name == "normal":
        def normal(c):
            d = c.sum()
            mu = c @ x / d
            return mu, np.sqrt(c @ (x - mu) ** 2 / d)
        return normal
    if name == "weibull":
        top = np.log(x).max()
        logx = np.log(x) - top

        def weibull(c):
            k, log_scale = _weibull_shape(logx, c, c.sum(), mle[0])
            return k, np.exp(top + log_scale)
        return weibull
    logx = np.log(x)

    def gamma(c):
        d = c.sum()
        mean = c @ x / d
        k = _gamma_shape(c, d, mean, c @ logx / d, mle[0])
        return k, k / mean
    return gamma


def peer_bootstrap(name, x, mle, replicates, seed):
    refit = peer_refits(name, x, mle)
    return np.array([refit(c) for c in _draws(x, replicates, seed)])


def _draws(x, replicates, seed, block=256):
    """The resamples `fit.bootstrap(seed=)` draws for equally weighted rows, drawn and counted
    as it does, so that the draw costs the peers what it costs femtograd: each replicate's n
    row indices from `np.random.default_rng(seed).integers`, in order, a block of replicates
    at a time, added into their rows of the count matrix by one `np.add.at` (each replicate's
    indices offset by its row; a block's counts stay in cache)."""
    rng = np.random.default_rng(seed)
    n = x.size
    counts = np.zeros((replicates, n))
    offsets = np.arange(0, block * n, n)[:, None]
    for start in range(0, replicates, block):
        m = min(block, replicates - start)
        index = rng.integers(0, n, size=(m, n))
        index += offsets[:m]
        np.add.at(counts[start:start + m].reshape(-1), index.ravel(), 1.0)
    return counts


def jax_loglik(name, jnp, jsp):
    """loglik(theta, (x, c)) in jax.numpy: the rows x counted c times."""
    def exp(p, xc):
        x, c = xc
        return jnp.sum(c) * jnp.log(p[0]) - p[0] * (c @ x)

    def normal(p, xc):
        x, c = xc
        z = (x - p[0]) / p[1]
        return -0.5 * (c @ (z * z)) - jnp.sum(c) * (jnp.log(p[1]) + 0.5 * np.log(2 * np.pi))

    def weibull(p, xc):
        x, c = xc
        logz = jnp.log(x) - jnp.log(p[1])
        return c @ (jnp.log(p[0] / p[1]) + (p[0] - 1) * logz - jnp.exp(p[0] * logz))

    def gamma(p, xc):
        x, c = xc
        return (jnp.sum(c) * (p[0] * jnp.log(p[1]) - jsp.gammaln(p[0]))
                + (p[0] - 1) * (c @ jnp.log(x)) - p[1] * (c @ x))
    return {"exp": exp, "normal": normal, "weibull": weibull, "gamma": gamma}[name]


def jax_bootstrap(name, x, mle):
    """bootstrap(replicates, seed) -> estimates: the same draws, then all replicates refitted by
    jax.vmap of the jitted Newton (compiled here, so that the timed calls are warm); None
    without JAX."""
    mods = jax_modules()
    if mods is None:
        return None
    jax, jnp, jsp = mods
    family = FIT_FAMILIES["exponential" if name == "exp" else name]
    fit = jax_newton(jax_loglik(name, jnp, jsp), family.positive, len(family.params))
    refit_all = jax.jit(jax.vmap(lambda c, x, start: fit((x, c), start)[0],
                                 in_axes=(0, None, None)))
    xj, start = jnp.asarray(x), jnp.asarray(mle, dtype=float)

    def bootstrap(replicates, seed):
        counts = _draws(x, replicates, seed)
        return np.asarray(refit_all(jnp.asarray(counts), xj, start))
    bootstrap(2, 0)  # trace and compile
    return bootstrap


def _lr_bounds(profile, ll_max, centre, se, lower=-np.inf):
    """Both roots of 2(ll_max − profile(θ)) = χ²₁ quantile, bracketed outward from the
    estimate in steps of the SE (as a hand-written profile would)."""
    cut = stats.chi2.ppf(LEVEL, 1)
    excess = lambda t: 2 * (ll_max - profile(t)) - cut
    out = []
    for direction in (-1, 1):
        inner, k = centre, 1.0
        while True:
            outer = centre + direction * k * se
            if direction < 0 and outer <= lower:
                outer = 0.5 * (inner + lower)
            if excess(outer) > 0:
                break
            inner, k = outer, 2 * k
        out.append(optimize.brentq(excess, min(inner, outer), max(inner, outer), xtol=1e-12,
                                   rtol=1e-12))
    return out


def peer_profile(name, x, mle, se):
    """[(lower, upper)] per parameter, by hand."""
    n, sx, logx = x.size, x.sum(), np.log(x)
    if name == "exp":
        ll = lambda r: n * np.log(r) - r * sx
        return [_lr_bounds(ll, ll(mle[0]), mle[0], se[0], 0.0)]
    if name == "normal":
        def at(mu, sigma):
            return -n * np.log(sigma) - ((x - mu) ** 2).sum() / (2 * sigma ** 2) \
                - 0.5 * n * np.log(2 * np.pi)
        ll_max = at(*mle)
        mu_prof = lambda mu: at(mu, np.sqrt(((x - mu) ** 2).mean()))
        sigma_prof = lambda s: at(mle[0], s)
        return [_lr_bounds(mu_prof, ll_max, mle[0], se[0]),
                _lr_bounds(sigma_prof, ll_max, mle[1], se[1], 0.0)]
    if name == "weibull":
        sl = logx.sum()

        def at(k, lam):
            return n * np.log(k / lam) + (k - 1) * (sl - n * np.log(lam)) \
                - np.sum(np.exp(k * (logx - np.log(lam))))
        ll_max = at(*mle)
        shape_prof = lambda k: at(k, np.mean(np.exp(k * logx)) ** (1 / k))

        def scale_prof(lam):  # Newton in the shape with the scale held
            z, k = logx - np.log(lam), mle[0]
            for _ in range(50):
                e = np.exp(k * z)
                g = n / k + z.sum() - e @ z
                h = -n / k ** 2 - e @ (z * z)
                k -= g / h
                if abs(g / h) < 1e-10 * k:
                    break
            return at(k, lam)
        return [_lr_bounds(shape_prof, ll_max, mle[0], se[0], 0.0),
                _lr_bounds(scale_prof, ll_max, mle[1], se[1], 0.0)]
    slx = logx.sum()

    def at(k, r):
        return n * (k * np.log(r) - special.gammaln(k)) + (k - 1) * slx - r * sx
    ll_max = at(*mle)
    shape_prof = lambda k: at(k, k * n / sx)

    def rate_prof(r):  # Newton in the shape: ψ(k) = log r + mean log x
        target, k = np.log(r) + slx / n, mle[0]
        for _ in range(50):
            step = (special.digamma(k) - target) / special.polygamma(1, k)
            k -= step
            if abs(step) < 1e-10 * k:
                break
        return at(k, r)
    return [_lr_bounds(shape_prof, ll_max, mle[0], se[0], 0.0),
            _lr_bounds(rate_prof, ll_max, mle[1], se[1], 0.0)]


# ------------------------------------------------------------------ the run

FAMILIES = ("exp", "normal", "weibull", "gamma")


def data(name, rng):
    if name == "exp":
        return rng.exponential(2.0, N)
    if name == "normal":
        return rng.normal(3.0, 1.5, N)
    if name == "weibull":
        return 2.0 * rng.weibull(1.5, N)
    return rng.gamma(2.5, 1 / 1.5, N)


def measure(name, x, replicates, repeats, before=None):
    """Table rows (bootstrap, profile) for one family's data; `before`: an earlier package."""
    fit = fg.fit_mle(name, x)
    old = None if before is None else before.fit_mle(name, x)
    mle, se = fit.mle, fit.se.to_numpy()
    ours = fit.bootstrap(replicates, seed=5).estimates.to_numpy()
    theirs = peer_bootstrap(name, x, mle, replicates, 5)
    boot_diff = float(np.max(np.abs(ours - theirs) / np.abs(theirs)))
    assert boot_diff < 1e-10, f"{name}: the numpy loop's estimates differ by {boot_diff:.1e}"
    jax_boot = jax_bootstrap(name, x, mle)
    if jax_boot is not None:  # its estimates agree with the peer's to its own tolerance
        jax_diff = np.max(np.abs(jax_boot(replicates, 5) - theirs) / np.abs(theirs))
        assert jax_diff < 1e-8, f"{name}: JAX vmap's estimates differ by {jax_diff:.1e}"
    fresh = {}

    def untimed(label, rep):  # a fresh fit: no profile points remembered
        if label == "femtograd profile":
            fresh["fit"] = fg.fit_mle(name, x)
        elif label == "before profile":
            fresh["old"] = before.fit_mle(name, x)
    cases = {
        "femtograd bootstrap": lambda: fit.bootstrap(replicates, seed=5),
        "numpy bootstrap": lambda: peer_bootstrap(name, x, mle, replicates, 5),
        "femtograd profile": lambda: fresh["fit"].confint(LEVEL, method="profile"),
        "numpy profile": lambda: peer_profile(name, x, mle, se),
    }
    if jax_boot is not None:
        cases["jax bootstrap"] = lambda: jax_boot(replicates, 5)
    if before is not None:
        cases["before bootstrap"] = lambda: old.bootstrap(replicates, seed=5)
        cases["before profile"] = lambda: fresh["old"].confint(LEVEL, method="profile")
    times = interleaved(cases, repeats, untimed)
    ci = fresh["fit"].confint(LEVEL, method="profile").to_numpy()
    prof_diff = float(np.max(np.abs(ci - np.array(peer_profile(name, x, mle, se)))
                             / np.abs(ci)))
    rows = []
    for what, diff in (("bootstrap", boot_diff), ("profile", prof_diff)):
        a, b = times[f"femtograd {what}"], times[f"numpy {what}"]
        (amin, amed), (bmin, bmed) = summary(a), summary(b)
        label = (f"{name}: {replicates}-replicate bootstrap" if what == "bootstrap"
                 else f"{name}: profile intervals, every parameter")
        row = [label, f"{ms(amin)} ({ms(amed)})", f"{ms(bmin)} ({ms(bmed)})", ratio(a, b)]
        jax_times = times.get(f"jax {what}")
        if jax_boot is not None:
            row += ["–", "–"] if jax_times is None else \
                ["{} ({})".format(*map(ms, summary(jax_times))), ratio(a, jax_times)]
        if before is not None:
            row.append(ratio(times[f"before {what}"], b))
        rows.append((*row, f"{diff:.1e}"))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--replicates", type=int, default=1000)
    p.add_argument("--before", metavar="REF", help="also time the package as of commit REF")
    p.add_argument("--write", action="store_true", help="write the table into benchmarks/README.md")
    args = p.parse_args()
    before = None
    if args.before:
        from bench_round2 import load_before
        before = load_before(args.before)
    t_start = time.time()
    rng = np.random.default_rng(17)
    rows = []
    for name in FAMILIES:
        rows += measure(name, data(name, rng), args.replicates, args.repeats, before)
        print(*rows[-2:], sep="\n", flush=True)
    header = ["case (n = 1e3)", "femtograd ms", "numpy peer ms", "femtograd / peer (min / median)"]
    jax = jax_modules()
    if jax is not None:
        header += ["JAX vmap ms", "femtograd / JAX vmap"]
    if before is not None:
        header.append(f"{args.before} / peer")
    table = markdown_table(header + ["max rel difference"], rows)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(t_start))
    text = (f"Command: `python benchmarks/bench_refits.py --repeats {args.repeats} --replicates "
            f"{args.replicates}{f' --before {args.before}' if args.before else ''}"
            f"{' --write' if args.write else ''}`, {stamp}, commit "
            f"{git_commit()}, {time.time() - t_start:.0f} s.  \n"
            f"Machine: {machine()}"
            f"{f', jax {jax[0].__version__} (CPU, float64)' if jax else ', JAX not installed'}.  \n"
            f"{args.repeats} repeats per case, interleaved; times min (median) in ms.\n\n{table}")
    print(text)
    if args.write:
        replace_section(ROOT / "benchmarks" / "README.md", "bench_refits", text)


if __name__ == "__main__":
    main()
