"""The families of bench_fit.py: data, a shared start, the hand-written floor, and the peers.

Parameters are femtograd's (R's) names and order on the natural scale:
exponential (rate), normal (mu, sigma), weibull (shape, scale), gamma (shape, rate),
lognormal (meanlog, sdlog), cauchy (location, scale), studentt (location, scale, df).

The floor is what a careful person writes by hand in numpy, and does what femtograd must do:
it refuses data outside the support (`_valid`: one `min` pass, +inf seen in a sum it takes
anyway); the log-likelihood at the estimate is O(1) from the statistics it holds (for Cauchy
and Student t it is computed). Its estimate: the closed form and its
analytic standard errors where one exists (exponential, normal, lognormal); otherwise
sufficient statistics plus Newton on the profile equation (gamma), or Newton with
analytic gradient and Hessian sharing one pass over the data per iteration (Weibull: one
exp pass; Cauchy and Student t: one pass of log and reciprocal of s² + (x − μ)², from the
quartiles of every k-th row, as femtograd starts). The standard errors always come from the
analytic observed information at the estimate.

The JAX peer (`jax_fit`) is the same job written the way JAX invites: the family's log
density in jax.numpy, a jitted Newton loop (`lax.while_loop`, step halving) on the log of the
positive parameters with `jax.grad` and `jax.hessian`, and SEs from `jax.hessian` on the
natural scale, started where femtograd starts.
"""

import math

import numpy as np
from scipy import special, stats

EULER = 0.5772156649015329


def _valid(x, lower, *sums, closed=False):
    """Refuse data femtograd refuses, the cheapest way: one `min` finds NaN, -inf and values
    below the support's lower end (or at it, unless `closed`); +inf shows in a sum the floor
    takes anyway."""
    low = float(x.min())
    if not (low >= lower if closed else low > lower) or not all(math.isfinite(v) for v in sums):
        raise ValueError("floor: a value outside the support, or not finite")


def _se(info):
    """Standard errors from an observed-information matrix (plain 2x2 or 1x1)."""
    return np.sqrt(np.diag(np.linalg.inv(info)))


class Family:
    name = ""
    generator = ""          # class name in femtograd.distributions
    params = ()
    truth = ()

    def simulate(self, n, rng):
        raise NotImplementedError

    def start(self, x):
        """A data-based start (used when femtograd's generator gives none)."""
        raise NotImplementedError

    def floor(self, x):
        """(estimate, se) by the hand-written route."""
        raise NotImplementedError

    def scipy_fit(self, x):
        """scipy.stats' estimate, mapped to our parameters (no standard errors)."""
        raise NotImplementedError

    def loglikeobs(self, params, x, logx):
        """Vectorized log density for statsmodels (logx: log of the data, precomputed)."""
        raise NotImplementedError

    positive = ()           # indices that must be > 0 (statsmodels gets -inf outside)


class Exponential(Family):
    name, generator, params, truth = "exponential", "ExpLogLik", ("rate",), (2.0,)
    positive = (0,)

    def simulate(self, n, rng):
        return rng.exponential(1 / self.truth[0], n)

    def start(self, x):
        return np.array([1 / x.mean()])

    def floor(self, x):
        total = float(x.sum())
        _valid(x, 0.0, total, closed=True)
        rate = x.size / total
        return np.array([rate]), np.array([rate / math.sqrt(x.size)])

    def scipy_fit(self, x):
        loc, scale = stats.expon.fit(x, floc=0)
        return np.array([1 / scale])

    def loglikeobs(self, p, x, logx):
        return np.log(p[0]) - p[0] * x

    def jax_loglik(self, jnp, jsp, p, x):
        return x.size * jnp.log(p[0]) - p[0] * jnp.sum(x)


class Normal(Family):
    name, generator, params, truth = "normal", "NormalLogLik", ("mu", "sigma"), (1.0, 2.0)
    positive = (1,)

    def simulate(self, n, rng):
        return rng.normal(self.truth[0], self.truth[1], n)

    def start(self, x):
        return np.array([x.mean(), x.std()])

    def floor(self, x):
        mu = float(x.mean())
        _valid(x, -math.inf, mu)
        d = x - mu
        sigma = math.sqrt(np.dot(d, d) / x.size)
        n = x.size
        return np.array([mu, sigma]), np.array([sigma / math.sqrt(n), sigma / math.sqrt(2 * n)])

    def scipy_fit(self, x):
        return np.array(stats.norm.fit(x))

    def loglikeobs(self, p, x, logx):
        mu, sigma = p
        return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)

    def jax_loglik(self, jnp, jsp, p, x):
        z = (x - p[0]) / p[1]
        return -0.5 * jnp.sum(z * z) - x.size * (jnp.log(p[1]) + 0.5 * math.log(2 * math.pi))


class LogNormal(Family):
    name, generator, params, truth = "lognormal", "LogNormalLogLik", ("meanlog", "sdlog"), (0.5, 0.8)
    positive = (1,)

    def simulate(self, n, rng):
        return rng.lognormal(self.truth[0], self.truth[1], n)

    def start(self, x):
        L = np.log(x)
        return np.array([L.mean(), L.std()])

    def floor(self, x):
        L = np.log(x)
        m = float(L.mean())
        _valid(x, 0.0, m)
        L -= m
        s = math.sqrt(np.dot(L, L) / x.size)
        n = x.size
        return np.array([m, s]), np.array([s / math.sqrt(n), s / math.sqrt(2 * n)])

    def scipy_fit(self, x):
        s, loc, scale = stats.lognorm.fit(x, floc=0)
        return np.array([math.log(scale), s])

    def loglikeobs(self, p, x, logx):
        m, s = p
        return -0.5 * ((logx - m) / s) ** 2 - np.log(s) - logx - 0.5 * math.log(2 * math.pi)

    def jax_loglik(self, jnp, jsp, p, x):
        logx = jnp.log(x)
        z = (logx - p[0]) / p[1]
        return (-0.5 * jnp.sum(z * z) - jnp.sum(logx)
                - x.size * (jnp.log(p[1]) + 0.5 * math.log(2 * math.pi)))


class Gamma(Family):
    name, generator, params, truth = "gamma", "GammaLogLik", ("shape", "rate"), (2.5, 1.5)
    positive = (0, 1)

    def simulate(self, n, rng):
        return rng.gamma(self.truth[0], 1 / self.truth[1], n)

    def start(self, x):
        m, v = x.mean(), x.var()
        return np.array([m * m / v, m / v])

    def floor(self, x):
        """Sufficient statistics (mean, mean log), Newton on log k - digamma(k) = s."""
        n = x.size
        m = float(x.mean())
        s = math.log(m) - float(np.log(x).mean())
        _valid(x, 0.0, s)
        k = (3 - s + math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)   # Minka's start
        for _ in range(50):
            f = math.log(k) - special.digamma(k) - s
            step = f / (1 / k - special.polygamma(1, k))
            k_new = k - step
            k = k_new if k_new > 0 else k / 2
            if abs(step) < 1e-12 * k:
                break
        rate = k / m
        info = n * np.array([[special.polygamma(1, k), -1 / rate], [-1 / rate, k / rate ** 2]])
        return np.array([k, rate]), _se(info)

    def scipy_fit(self, x):
        a, loc, scale = stats.gamma.fit(x, floc=0)
        return np.array([a, 1 / scale])

    def loglikeobs(self, p, x, logx):
        k, r = p
        return k * np.log(r) + (k - 1) * logx - r * x - special.gammaln(k)

    def jax_loglik(self, jnp, jsp, p, x):
        k, r = p
        return (x.size * (k * jnp.log(r) - jsp.gammaln(k)) + (k - 1) * jnp.sum(jnp.log(x))
                - r * jnp.sum(x))


class Weibull(Family):
    name, generator, params, truth = "weibull", "WeibullLogLik", ("shape", "scale"), (1.7, 2.5)
    positive = (0, 1)

    def simulate(self, n, rng):
        return rng.weibull(self.truth[0], n) * self.truth[1]

    def start(self, x):
        L = np.log(x)
        k = math.pi / (math.sqrt(6.0) * L.std())
        return np.array([k, math.exp(L.mean() + EULER / k)])

    def floor(self, x, start=None, tol=1e-10, maxiter=100):
        """Newton on (shape, scale) with step halving; one exp pass per iteration.

        With t = log x - c (centred once) and e = exp(k t), the sums A_m = sum t^m e
        (m = 0, 1, 2) give the value, gradient and Hessian at any scale.
        """
        n = x.size
        t = np.log(x)
        S = float(t.sum())
        _valid(x, 0.0, S)
        c = S / n
        t -= c                      # centred log x, in place: keeps exp(k t) finite
        t2 = t * t

        def derivs(k, lam, hessian=True):
            loglam = math.log(lam)
            d = c - loglam
            if k * d > 700:
                return -math.inf, None, None
            s = math.exp(k * d)
            e = np.multiply(k, t)
            with np.errstate(over="ignore"):
                np.exp(e, out=e)
            A0 = float(e.sum())
            if not math.isfinite(A0):
                return -math.inf, None, None
            B0 = s * A0
            ll = n * math.log(k) - n * loglam + (k - 1) * (S - n * loglam) - B0
            if not hessian:
                return ll, None, None
            A1, A2 = float(np.dot(t, e)), float(np.dot(t2, e))
            B1 = s * (A1 + d * A0)
            B2 = s * (A2 + 2 * d * A1 + d * d * A0)
            g0, g1 = n / k + S - n * loglam - B1, k * (B0 - n) / lam
            h00 = -n / k ** 2 - B2
            h01 = (-n + B0 + k * B1) / lam
            h11 = (k * n - k * B0 - k * k * B0) / lam ** 2
            return ll, (g0, g1), (h00, h01, h11)

        if start is None:   # the moment start on the log scale, from sums we already have
            k = math.pi / math.sqrt(6.0 * float(t2.sum()) / n)
            lam = math.exp(c + EULER / k)
        else:
            k, lam = start
        ll, g, h = derivs(k, lam)
        for _ in range(maxiter):
            h00, h01, h11 = h
            det = h00 * h11 - h01 * h01
            if h00 < 0 and det > 0:      # Newton direction (ascent): -H^{-1} g
                s0 = -(h11 * g[0] - h01 * g[1]) / det
                s1 = -(h00 * g[1] - h01 * g[0]) / det
            else:                        # not concave here: a scaled gradient step
                s0, s1 = g[0] * k * k / n, g[1] * lam * lam / n
            step = 1.0
            while True:
                k1, lam1 = k + step * s0, lam + step * s1
                if k1 > 0 and lam1 > 0:
                    ll1, g1, h1 = derivs(k1, lam1)
                    if ll1 >= ll - 1e-12 * abs(ll):
                        break
                step /= 2
                if step < 1e-12:
                    raise RuntimeError("weibull floor: line search failed")
            k, lam, ll, g, h = k1, lam1, ll1, g1, h1
            if abs(step * s0) <= tol * k and abs(step * s1) <= tol * lam:
                break
        h00, h01, h11 = h
        return np.array([k, lam]), _se(-np.array([[h00, h01], [h01, h11]]))

    def scipy_fit(self, x):
        c, loc, scale = stats.weibull_min.fit(x, floc=0)
        return np.array([c, scale])

    def loglikeobs(self, p, x, logx):
        k, lam = p
        u = logx - math.log(lam)
        return math.log(k) - math.log(lam) + (k - 1) * u - np.exp(k * u)

    def jax_loglik(self, jnp, jsp, p, x):
        k, lam = p
        u = jnp.log(x) - jnp.log(lam)
        return x.size * (jnp.log(k) - jnp.log(lam)) + jnp.sum((k - 1) * u - jnp.exp(k * u))


def _newton(derivs, theta, positive, gtol=1e-9, maxiter=100):
    """Newton ascent with step halving from `theta`: `derivs(theta)` gives (ll, g, H) (ll -inf
    outside the space). Stops when the Newton decrement gᵀ(−H)⁻¹g is below gtol²·|ll| (as
    femtograd does), taking that last step without another pass; returns (theta, ll, H)."""
    theta = np.asarray(theta, dtype=float)
    ll, g, h = derivs(theta)
    if not math.isfinite(ll):
        raise ValueError("floor: the log-likelihood at the start is not finite")
    for _ in range(maxiter):
        try:
            step = -np.linalg.solve(h, g)
        except np.linalg.LinAlgError:
            step = g.copy()
        gain = float(np.dot(step, g))
        if gain <= 0:                    # not an ascent direction: a scaled gradient step
            step = g * (np.abs(theta) + 1.0) ** 2 / max(abs(ll), 1.0)
        elif gain <= gtol * gtol * abs(ll):
            return theta + step, ll, h
        t = 1.0
        while True:
            new = theta + t * step
            if all(new[i] > 0 for i in positive):
                ll1, g1, h1 = derivs(new)
                if ll1 >= ll - 1e-12 * abs(ll):
                    break
            t /= 2
            if t < 1e-12:
                raise RuntimeError("floor: line search failed")
        theta, ll, g, h = new, ll1, g1, h1
    raise RuntimeError("floor: Newton did not converge")


START_ROWS = 20000


def _quartiles(x):
    """Quartiles of every k-th row (at most START_ROWS of them), as femtograd's starts take."""
    return np.quantile(x[::-(-x.size // START_ROWS)], (0.25, 0.5, 0.75), method="inverted_cdf")


BLOCK = 1 << 16


def _quadratic_sums(x, a, b):
    """Σ log D, Σ 1/D, Σ d/D, Σ 1/D², Σ d/D², Σ d²/D² for d = x − a, D = b + d²: one pass,
    a cache-sized block at a time, into buffers made once."""
    size = min(x.size, BLOCK)
    d, dd, r, e = np.empty(size), np.empty(size), np.empty(size), np.empty(size)
    sums = np.zeros(6)
    for i in range(0, x.size, BLOCK):
        xb = x[i:i + BLOCK]
        m = xb.size
        db, ddb, rb, eb = d[:m], dd[:m], r[:m], e[:m]
        np.subtract(xb, a, out=db)
        np.multiply(db, db, out=ddb)
        np.add(ddb, b, out=rb)
        np.log(rb, out=eb)
        sums[0] += eb.sum()
        np.reciprocal(rb, out=rb)
        sums[1] += rb.sum()
        sums[2] += np.dot(rb, db)
        rb *= rb
        sums[3] += rb.sum()
        sums[4] += np.dot(rb, db)
        sums[5] += np.dot(rb, ddb)
    return sums


def _t_floor(x, start, fixed_df=None):
    """Newton on (location, scale[, df]) for the Student t (Cauchy: df fixed at 1), with the
    log-likelihood L = n c(ν) − n log s − h G(μ, b), h = (ν + 1)/2, b = ν s²,
    G = Σ log(b + d²) − n log b, c(ν) = lgamma(h) − lgamma(ν/2) − ½ log(νπ); the derivatives
    of G in (μ, b) are the sums of one pass, the chain rule through b gives the rest."""
    n = x.size

    def derivs(theta):
        mu, s = theta[0], theta[1]
        nu = fixed_df if fixed_df is not None else theta[2]
        h, b = 0.5 * (nu + 1.0), nu * s * s
        log_sum, r01, r11, r02, r12, r22 = _quadratic_sums(x, mu, b)
        G = log_sum - n * math.log(b)
        c = special.gammaln(h) - special.gammaln(0.5 * nu) - 0.5 * math.log(nu * math.pi)
        ll = n * c - n * math.log(s) - h * G
        if not math.isfinite(ll):
            return -math.inf, None, None
        G_m, G_b = -2.0 * r11, r01 - n / b
        G_mm, G_mb, G_bb = 2.0 * r01 - 4.0 * r22, 2.0 * r12, -r02 + n / b ** 2
        b_s, b_ss = 2.0 * nu * s, 2.0 * nu
        g = [-h * G_m, -n / s - h * G_b * b_s]
        H = [[-h * G_mm, -h * G_mb * b_s], [-h * G_mb * b_s, n / s ** 2 - h * (G_bb * b_s ** 2 + G_b * b_ss)]]
        if fixed_df is None:
            b_n, b_sn = s * s, 2.0 * s
            c1 = 0.5 * special.digamma(h) - 0.5 * special.digamma(0.5 * nu) - 0.5 / nu
            c2 = 0.25 * special.polygamma(1, h) - 0.25 * special.polygamma(1, 0.5 * nu) + 0.5 / nu ** 2
            g.append(n * c1 - 0.5 * G - h * G_b * b_n)
            H[0].append(-0.5 * G_m - h * G_mb * b_n)
            H[1].append(-0.5 * G_b * b_s - h * (G_bb * b_s * b_n + G_b * b_sn))
            H.append([H[0][2], H[1][2], n * c2 - G_b * b_n - h * G_bb * b_n ** 2])
        return ll, np.array(g), np.array(H)

    _valid(x, -math.inf)   # +inf: a log-likelihood at the start that is not finite (_newton)
    theta, _, H = _newton(derivs, start, positive=(1,) if fixed_df is not None else (1, 2))
    return theta, _se(-H)


class Cauchy(Family):
    name, generator, params, truth = "cauchy", "CauchyLogLik", ("location", "scale"), (1.0, 2.0)
    positive = (1,)

    def simulate(self, n, rng):
        return self.truth[0] + self.truth[1] * rng.standard_cauchy(n)

    def start(self, x):
        q1, med, q3 = _quartiles(x)
        return np.array([med, (q3 - q1) / 2])

    def floor(self, x):
        """Newton from the quartiles of every k-th row, one pass per iteration."""
        return _t_floor(x, self.start(x), fixed_df=1.0)

    def scipy_fit(self, x):
        return np.array(stats.cauchy.fit(x))

    def loglikeobs(self, p, x, logx):
        mu, s = p
        return -np.log1p(((x - mu) / s) ** 2) - math.log(s) - math.log(math.pi)

    def jax_loglik(self, jnp, jsp, p, x):
        z = (x - p[0]) / p[1]
        return -jnp.sum(jnp.log1p(z * z)) - x.size * (jnp.log(p[1]) + math.log(math.pi))


class StudentT(Family):
    name, generator, params, truth = "studentt", "StudentTLogLik", ("location", "scale", "df"), \
        (1.0, 2.0, 5.0)
    positive = (1, 2)

    def simulate(self, n, rng):
        return self.truth[0] + self.truth[1] * rng.standard_t(self.truth[2], n)

    def start(self, x):
        q1, med, q3 = _quartiles(x)
        return np.array([med, (q3 - q1) / (2 * stats.t.ppf(0.75, 4.0)), 4.0])

    def floor(self, x):
        """Newton in (location, scale, df) from the quartiles of every k-th row and df = 4,
        one pass per iteration."""
        return _t_floor(x, self.start(x))

    def scipy_fit(self, x):
        df, loc, scale = stats.t.fit(x)
        return np.array([loc, scale, df])

    def loglikeobs(self, p, x, logx):
        return stats.t.logpdf(x, p[2], p[0], p[1])

    def jax_loglik(self, jnp, jsp, p, x):
        mu, s, nu = p
        z = (x - mu) / s
        return (x.size * (jsp.gammaln(0.5 * (nu + 1)) - jsp.gammaln(0.5 * nu)
                          - 0.5 * jnp.log(nu * math.pi) - jnp.log(s))
                - 0.5 * (nu + 1) * jnp.sum(jnp.log1p(z * z / nu)))


FAMILIES = {f.name: f for f in (Exponential(), Normal(), Weibull(), Gamma(), LogNormal(), Cauchy(),
                                StudentT())}


# -- statsmodels GenericLikelihoodModel ---------------------------------------------------
def statsmodels_fit(family, x, start, method="nm", maxiter=5000):
    """statsmodels' fit + bse with a vectorized loglikeobs; (estimate, se)."""
    from statsmodels.base.model import GenericLikelihoodModel

    logx = np.log(x) if x.min() > 0 else None
    n = x.size

    class Model(GenericLikelihoodModel):
        def loglikeobs(self, params):
            if any(params[i] <= 0 for i in family.positive):
                return np.full(n, -np.inf)
            return family.loglikeobs(params, x, logx)

    model = Model(x, extra_params_names=list(family.params))
    res = model.fit(start_params=np.asarray(start, dtype=float), method=method,
                    maxiter=maxiter, disp=0)
    return np.asarray(res.params), np.asarray(res.bse)


# -- JAX: a jitted Newton loop with jax.grad / jax.hessian ----------------------------------
def jax_modules():
    """(jax, jax.numpy, jax.scipy.special) with float64 on, or None when JAX is not installed."""
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax.scipy import special as jsp
    return jax, jnp, jsp


def jax_fit(family, tol=1e-10, maxiter=100):
    """A jitted fit(x, start) -> (estimate, se, loglik) for `family`, or None without JAX.

    Newton on u (the log of the positive parameters, the rest as they are) with step halving,
    stopped when a step moves no u by more than tol (relative); SEs from the Hessian of the
    log-likelihood in the natural parameters at the estimate. Each call of `jax_fit` makes a
    new function, so its first call traces and compiles (the cold time)."""
    mods = jax_modules()
    if mods is None:
        return None
    jax, jnp, jsp = mods
    fit = jax_newton(lambda theta, x: family.jax_loglik(jnp, jsp, theta, x), family.positive,
                     len(family.params), tol, maxiter)
    jitted = jax.jit(fit)

    def run(x, start):
        theta, se, _ = jitted(jnp.asarray(x), jnp.asarray(start, dtype=float))  # (and the loglik)
        return np.asarray(theta), np.asarray(se)

    return run


def jax_newton(loglik, positive, p, tol=1e-10, maxiter=100):
    """fit(x, start) -> (estimate, se, loglik), not jitted (`jax_fit`; a bootstrap vmaps it),
    for loglik(theta, x) in jax.numpy over p parameters, those in `positive` on the log scale."""
    jax, jnp, _ = jax_modules()
    positive = set(positive)

    def natural(u):
        return jnp.stack([jnp.exp(u[i]) if i in positive else u[i] for i in range(p)])

    def unconstrained(theta):
        return jnp.stack([jnp.log(theta[i]) if i in positive else theta[i] for i in range(p)])

    def nll(u, x):
        f = -loglik(natural(u), x)
        return jnp.where(jnp.isfinite(f), f, jnp.inf)

    grad, hess = jax.grad(nll), jax.hessian(nll)

    def fit(x, start):
        def step(state):
            u, f, it, _ = state
            g, h = grad(u, x), hess(u, x)
            d = -jnp.linalg.solve(h, g)
            d = jnp.where(jnp.dot(d, g) < 0, d, -g)   # not a descent direction: the gradient

            def worse(c):
                t, ft = c
                return (ft > f + 1e-12 * jnp.abs(f)) & (t > 1e-12)

            t, ft = jax.lax.while_loop(worse, lambda c: (c[0] / 2, nll(u + c[0] / 2 * d, x)),
                                       (1.0, nll(u + d, x)))
            small = jnp.all(jnp.abs(t * d) <= tol * jnp.maximum(jnp.abs(u), 1.0))
            return u + t * d, ft, it + 1, small

        u0 = unconstrained(start)
        u, f, _, _ = jax.lax.while_loop(lambda s: (~s[3]) & (s[2] < maxiter), step,
                                         (u0, nll(u0, x), 0, False))
        theta = natural(u)
        info = -jax.hessian(loglik)(theta, x)
        return theta, jnp.sqrt(jnp.diag(jnp.linalg.inv(info))), -f

    return fit
