"""Negative binomial by its mean (NB2): P(X = x) = Γ(x + size)/(Γ(size) x!) p^size (1 − p)^x with
p = size/(size + mu), so E X = mu and Var X = mu + mu²/size (R's dnbinom(x, size, mu = mu))."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import log, log1p
from ..core.ops import sum as fsum
from ..core.rising import lgamma_rising
from ..core.special import betainc
from .base import INF, weighted_mean_var
from .counts import count_table
from .loglik import LogLikGenerator


class NegBinomial2LogLik(LogLikGenerator):
    """Negative binomial log-likelihood by mean mu > 0 and size > 0 (NB2: variance
    mu + mu²/size): P(X = x) = Γ(x + size)/(Γ(size) x!) (size/(size+mu))^size (mu/(size+mu))^x
    for x = 0, 1, ... (R's dnbinom(x, size, mu = mu); MASS's glm.nb calls size theta).
    size → ∞ is the Poisson, a boundary of this space: data no more dispersed than the
    Poisson have no interior MLE.

    Rows reduce to their distinct counts with summed weights, as for `NegBinomialLogLik`.
    """

    name = "negbinomial2"
    param_names = ("mu", "size")
    constraints = ("positive", "positive")
    support = (0.0, INF)
    support_text = "counts 0, 1, 2, ..."
    discrete = True

    def _log_probs(self, mu, size):
        """(log p, log(1 − p)) with p = size/(size + mu), the success probability, as
        −log1p(mu/size) and −log1p(size/mu): neither cancels (at size → ∞, size·log p → −mu)."""
        return -log1p(mu / size), -log1p(size / mu)

    def _logpdf(self, x, mu, size):
        lfact = self._cached("lfact", x, lambda v: special.gammaln(v + 1.0))
        log_p, log_q = self._log_probs(mu, size)
        return lgamma_rising(size, x) - lfact + size * log_p + x * log_q

    def _logcdf(self, x, mu, size):
        return log(betainc(size, np.floor(x) + 1.0, size / (size + mu)))

    def _logsf(self, x, mu, size):
        return log(betainc(np.floor(x) + 1.0, size, mu / (size + mu)))

    def _reduce(self, x, w, cx, cw):
        values, counts = count_table(x, w)
        return (float(counts.sum()), float(counts @ values),
                float(counts @ special.gammaln(values + 1.0)), values, counts)

    def _loglik_reduced(self, stats, mu, size):
        total, sum_x, sum_lfact, values, counts = stats
        distinct = fsum(lgamma_rising(size, values) * counts) if values.size else 0.0
        log_p, log_q = self._log_probs(mu, size)
        return distinct - sum_lfact + total * size * log_p + sum_x * log_q

    def _start(self):
        """The sample mean, and size from the excess of the variance over the mean (over the
        distinct counts when the statistics hold every row)."""
        x, w = self._stats[3:] if self._reduced_only() else self._start_values()
        mean, var = weighted_mean_var(x, w)
        if mean <= 0:
            return {"mu": 0.5, "size": 1.0}
        size = mean ** 2 / (var - mean) if var > mean * 1.0001 else 100.0 * max(mean, 1.0)
        return {"mu": mean, "size": size}

    def _scipy(self, mu, size):
        return stats.nbinom(size, size / (size + mu))
