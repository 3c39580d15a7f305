"""The five families of bench_fit.py: data, a shared start, the hand-written floor, and the peers.

Parameters are femtograd's (R's) names and order on the natural scale:
exponential (rate), normal (mu, sigma), weibull (shape, scale), gamma (shape, rate),
lognormal (meanlog, sdlog).

The floor is what a careful person writes by hand in numpy: the closed form and its
analytic standard errors where one exists (exponential, normal, lognormal); otherwise
sufficient statistics plus Newton on the profile equation (gamma), or Newton with
analytic gradient and Hessian sharing one exp pass per iteration (Weibull). The
standard errors always come from the analytic observed information at the estimate.
"""

import math

import numpy as np
from scipy import special, stats

EULER = 0.5772156649015329


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
        rate = 1.0 / x.mean()
        return np.array([rate]), np.array([rate / math.sqrt(x.size)])

    def scipy_fit(self, x):
        loc, scale = stats.expon.fit(x, floc=0)
        return np.array([1 / scale])

    def loglikeobs(self, p, x, logx):
        return np.log(p[0]) - p[0] * x


class Normal(Family):
    name, generator, params, truth = "normal", "NormalLogLik", ("mu", "sigma"), (1.0, 2.0)
    positive = (1,)

    def simulate(self, n, rng):
        return rng.normal(self.truth[0], self.truth[1], n)

    def start(self, x):
        return np.array([x.mean(), x.std()])

    def floor(self, x):
        mu = x.mean()
        d = x - mu
        sigma = math.sqrt(np.dot(d, d) / x.size)
        n = x.size
        return np.array([mu, sigma]), np.array([sigma / math.sqrt(n), sigma / math.sqrt(2 * n)])

    def scipy_fit(self, x):
        return np.array(stats.norm.fit(x))

    def loglikeobs(self, p, x, logx):
        mu, sigma = p
        return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)


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
        m = L.mean()
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
        m = x.mean()
        s = math.log(m) - float(np.log(x).mean())
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


FAMILIES = {f.name: f for f in (Exponential(), Normal(), Weibull(), Gamma(), LogNormal())}


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
