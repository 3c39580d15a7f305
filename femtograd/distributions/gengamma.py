"""Generalized gamma in Prentice's stable parameterization (flexsurv's dgengamma(x, mu, sigma,
Q)): with w = (log x − mu)/sigma, Q⁻² exp(Q·w) is gamma with shape Q⁻², x > 0."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import LOG_SQRT_2PI, exp, expm1, lgamma, log, log1p, sign, where
from ..core.special import gammainc, gammaincc
from .base import INF, log_interval_by_halves, weighted_moments
from .loglik import LogLikGenerator


class GenGammaLogLik(LogLikGenerator):
    """Generalized gamma log-likelihood (Prentice 1974; flexsurv's dgengamma(x, mu, sigma, Q)):
    with w = (log x − μ)/σ, k = Q⁻² and u = k·e^(Q·w), the density is

        |Q| k^k e^(k(Q·w − e^(Q·w))) / (σ x Γ(k))    (u is gamma with shape k and rate 1),

    for x > 0, with real mu μ, sigma σ > 0 and real Q ≠ 0. Q = 1 is the Weibull (shape 1/σ,
    scale e^μ), Q = σ the gamma (shape σ⁻², rate e^(−μ)/σ²), Q → 0 the lognormal (meanlog μ,
    sdlog σ) and Q = −1 the inverse Weibull: comparing fits across Q is how one chooses among
    them (scipy's gengamma(k, Q/σ, scale=e^μ k^(−σ/Q))).

    F(x) is P(k, u) for Q > 0 and Q(k, u) = 1 − P for Q < 0 (the regularized incomplete gamma),
    so log F and log S each take the side that does not cancel. Q = 0 itself is the lognormal
    limit, not a point the formulae can be evaluated at (k = ∞). The log density is written so
    that no terms of size k cancel near it (see `_logpdf`): against 50-digit arithmetic it is
    off by about 1e-13 at |Q| = 1e-3 and 4e-10 at |Q| = 1e-6. The CDF side is the incomplete
    gamma function at shape k, whose shape derivatives are exact to about 1e-13 up to k = 1e5
    (|Q| ≥ 3e-3): censored rows are best fitted away from the lognormal limit, which the
    lognormal itself (and a likelihood-ratio test against this family) covers.
    """

    name = "gengamma"
    param_names = ("mu", "sigma", "Q")
    constraints = ("real", "positive", "real")
    support = (0.0, INF)
    support_open = (True, False)
    support_text = "x > 0"

    def _k_qw(self, x, mu, sigma, Q):
        """(k, Q·w) at these rows."""
        return 1.0 / (Q * Q), Q * (self._cached("log", x, np.log) - mu) / sigma

    def _logpdf(self, x, mu, sigma, Q):
        """log|Q| + k log k − log Γ(k) − k (Stirling: −½ log 2π − r(k)) plus
        k(Q·w − e^(Q·w)) + k = −k(expm1(Q·w) − Q·w): no term of size k is left to cancel."""
        k, qw = self._k_qw(x, mu, sigma, Q)
        return (-LOG_SQRT_2PI - _stirling_remainder(k) - k * (expm1(qw) - qw) - log(sigma)
                - self._cached("log", x, np.log))

    def _cdf_sf(self, x, mu, sigma, Q):
        """(F, S) at these rows: (P(k, u), Q(k, u)) for Q > 0 and the reverse for Q < 0, where
        u decreases in x (P, Q the regularized incomplete gamma and its complement)."""
        k, qw = self._k_qw(x, mu, sigma, Q)
        u = k * exp(qw)
        p, q = gammainc(k, u), gammaincc(k, u)
        positive = 0.5 * (sign(Q) + 1.0)  # 1 for Q > 0, 0 for Q < 0; no gradient
        return positive * p + (1.0 - positive) * q, positive * q + (1.0 - positive) * p

    def _logcdf(self, x, mu, sigma, Q):
        cdf, sf = self._cdf_sf(x, mu, sigma, Q)
        return _log_one_of(cdf, sf)

    def _logsf(self, x, mu, sigma, Q):
        cdf, sf = self._cdf_sf(x, mu, sigma, Q)
        return _log_one_of(sf, cdf)

    def _log_interval(self, lo, hi, mu, sigma, Q):
        cdf_lo, sf_lo = self._cdf_sf(lo, mu, sigma, Q)
        cdf_hi, sf_hi = self._cdf_sf(hi, mu, sigma, Q)
        return log_interval_by_halves(cdf_lo, cdf_hi, sf_lo, sf_hi)

    def _start(self):
        """Q from the skewness of log x (about −Q), kept |Q| ≥ 0.1; then μ and σ matching the
        mean and variance of log x, which are μ + σ(ψ(k) − log k)/Q and σ²ψ′(k)/Q²."""
        x, w = self._start_values()
        logx = np.log(np.maximum(x, 1e-300))
        total, mean, ss = weighted_moments(logx, w)
        var = ss / total
        if not var > 0:
            return {"mu": mean, "sigma": 1.0, "Q": 1.0}
        skew = np.dot(w, (logx - mean) ** 3) / total / var ** 1.5
        Q = float(np.clip(-skew, -3.0, 3.0))
        Q = Q if abs(Q) >= 0.1 else (0.1 if Q >= 0 else -0.1)
        k = 1.0 / Q ** 2
        sigma = np.sqrt(var) * abs(Q) / np.sqrt(special.polygamma(1, k))
        mu = mean - sigma * (special.digamma(k) - np.log(k)) / Q
        return {"mu": mu, "sigma": sigma, "Q": Q}

    def _ppf(self, q, mu, sigma, Q):
        # u = k e^(Q·w) is gamma(k, 1): F(x) = P(k, u) for Q > 0, Q(k, u) for Q < 0; Q = 0 is
        # the lognormal
        q, mu, sigma, Q = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                                for v in (q, mu, sigma, Q)))
        w = np.array(special.ndtri(q))
        with np.errstate(divide="ignore"):  # u = 0 at an end of the support
            for side, inverse in ((Q > 0, special.gammaincinv), (Q < 0, special.gammainccinv)):
                k = 1.0 / Q[side] ** 2
                w[side] = np.log(inverse(k, q[side]) / k) / Q[side]
        return np.exp(mu + sigma * w)[()]

    def _scipy(self, mu, sigma, Q):
        if Q == 0:
            return stats.lognorm(sigma, scale=np.exp(mu))
        k = 1.0 / Q ** 2
        return stats.gengamma(k, Q / sigma, scale=np.exp(mu) * k ** (-sigma / Q))


def _log_one_of(prob, complement):
    """log(prob) for two probabilities summing to one: as log1p(−complement) while the
    complement is below 1/2, so that a prob near 1 keeps its digits."""
    small = sign(0.5 - complement) + 1.0
    return where(small, log1p(-complement), log(prob))


def _stirling_remainder(k):
    """r(k) = log Γ(k) − (k − ½) log k + k − ½ log 2π: directly up to k = 30, by its asymptotic
    series 1/(12k) − 1/(360k³) + 1/(1260k⁵) beyond (next term below 3e-14 there), where the
    direct form would cancel terms of size k log k. Both branches are finite for every k > 0."""
    direct = lgamma(k) - (k - 0.5) * log(k) + k - LOG_SQRT_2PI
    inv = 1.0 / k
    inv2 = inv * inv
    series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0))
    return where(sign(k - 30.0) + 1.0, series, direct)
