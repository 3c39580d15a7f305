"""Binomial: P(X = x) = choose(size, x) prob^x (1 − prob)^(size − x) (R's dbinom(x, size, prob))."""

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import log, log1p
from ..core.special import betainc
from .base import total_weight, wsum
from .counts import count_table
from .loglik import LogLikGenerator


def _log_choose(n, x):
    return special.gammaln(n + 1.0) - special.gammaln(x + 1.0) - special.gammaln(n - x + 1.0)


class BinomialLogLik(LogLikGenerator):
    """Binomial log-likelihood with known `size` (a constructor keyword, the number of trials)
    and success probability 0 < prob < 1: P(X = x) = choose(size, x) prob^x (1 − prob)^(size−x)
    for x = 0, ..., size (R's dbinom(x, size, prob)).

    Rows reduce to (Σw, Σw x, Σw log choose(size, x)), taken over the distinct counts.
    """

    name = "binomial"
    param_names = ("prob",)
    constraints = ("unit",)
    discrete = True

    def _init_options(self, size=None, **options):
        super()._init_options(**options)
        cls = type(self).__name__
        if size is None:
            raise TypeError(f"{cls} needs size= (the known number of trials)")
        try:
            size_f = float(size)
        except (TypeError, ValueError):
            raise TypeError(f"{cls}: size must be a whole number; got {size!r}") from None
        if not np.isfinite(size_f) or size_f < 1 or size_f != np.round(size_f):
            raise ValueError(f"{cls}: size must be a whole number >= 1; got {size!r}")
        self.size = size_f
        self.support = (0.0, size_f)
        return {"size": size}

    def _logpdf(self, x, prob):
        lc = self._cached("lchoose", x, lambda v: _log_choose(self.size, v))
        return lc + x * log(prob) + (self.size - x) * log1p(-prob)

    def _logcdf(self, x, prob):
        k = np.floor(x)
        return log(betainc(self.size - k, k + 1.0, 1.0 - prob))

    def _logsf(self, x, prob):
        k = np.floor(x)
        return log(betainc(k + 1.0, self.size - k, prob))

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        values, counts = count_table(x, w)
        return (total_weight(counts, values), wsum(counts, values),
                wsum(counts, _log_choose(self.size, values)))

    def _loglik_reduced(self, stats, prob):
        total, successes, lchoose = stats
        return lchoose + successes * log(prob) + (total * self.size - successes) * log1p(-prob)

    def _start(self):
        total, successes, _ = self._stats
        return {"prob": successes / (total * self.size) if total > 0 else 0.5}

    def _scipy(self, prob):
        return stats.binom(int(self.size), prob)
