"""The Gompertz–Makeham law as a scipy.stats distribution, for what femtograd asks of scipy
(sampling, quantiles, moments); a module apart so that `import femtograd` does not import scipy.stats."""

import numpy as np
from scipy import integrate, stats

from .makeham import makeham_quantile


class MakehamRV(stats.rv_continuous):
    """The Gompertz–Makeham distribution at fixed parameters, from its cumulative hazard."""

    def __init__(self, shape, rate, lam):
        super().__init__(a=0.0, name="makeham")
        self.params = (float(shape), float(rate), float(lam))

    def _cumhaz(self, x):
        a, b, lam = self.params
        with np.errstate(over="ignore"):  # beyond float range: H = inf, S = 0
            return lam * x + (b * x if a == 0 else b * np.expm1(a * x) / a)

    def _pdf(self, x):
        return np.exp(self._logpdf(x))

    def _logpdf(self, x):
        a, b, lam = self.params
        with np.errstate(over="ignore"):
            return np.log(lam + b * np.exp(a * x)) - self._cumhaz(x)

    def _sf(self, x):
        return np.exp(-self._cumhaz(x))

    def _cdf(self, x):
        return -np.expm1(-self._cumhaz(x))

    def _logsf(self, x):
        return -self._cumhaz(x)

    def _isf(self, q):
        return self._ppf(1.0 - q)

    def _ppf(self, q):
        return makeham_quantile(q, *self.params)

    def _munp(self, n):
        return integrate.quad(lambda x: n * x ** (n - 1) * self._sf(x), 0.0, np.inf)[0]
