"""The fitted distribution of a generator fit, as the data were drawn from it.

`fitted_distribution(fit)` is the model's frozen scipy distribution at the MLE,
truncated to the generator's truncation bounds when it has them (`Truncated`):
what the plots draw, and where `femtograd.fit.predict` starts its quantiles.
"""

import numpy as np


def fitted_distribution(fit):
    """The fitted distribution the data were drawn from: the model's scipy distribution at the
    MLE, truncated to the generator's truncation bounds when it has them."""
    dist = fit.model.scipy(*np.asarray(fit.mle, dtype=float))
    if fit.model.truncation is None:
        return dist
    a, b = fit.model.truncation
    return (DiscreteTruncated if hasattr(dist, "pmf") else ContinuousTruncated)(dist, a, b)


class Truncated:
    """A frozen scipy distribution restricted to [a, b] (continuous) or (a, b] (discrete, the
    generators' convention): F_T(x) = (F(x) − F(a)) / (F(b) − F(a)) inside the bounds.

    When F(a) > 1/2 (a left truncation in the upper tail) every difference is taken between
    survival values instead, S(a) − S(x), which keeps its digits where 1 − F(a) would not.
    `ContinuousTruncated` adds the density, `DiscreteTruncated` the mass function.
    """

    def __init__(self, dist, a, b):
        self.dist, self.a, self.b = dist, float(a), float(b)
        self.upper_tail = bool(dist.cdf(self.a) > 0.5)
        self.mass = float(dist.sf(self.a) - dist.sf(self.b) if self.upper_tail
                          else dist.cdf(self.b) - dist.cdf(self.a))

    def _clip(self, x):
        return np.clip(np.asarray(x, dtype=float), self.a, self.b)

    def cdf(self, x):
        x, d = self._clip(x), self.dist
        if self.upper_tail:
            return (d.sf(self.a) - d.sf(x)) / self.mass
        return (d.cdf(x) - d.cdf(self.a)) / self.mass

    def sf(self, x):
        x, d = self._clip(x), self.dist
        if self.upper_tail:
            return (d.sf(x) - d.sf(self.b)) / self.mass
        return (d.cdf(self.b) - d.cdf(x)) / self.mass

    def ppf(self, p):
        p, d = np.asarray(p, dtype=float), self.dist
        if self.upper_tail:
            q = d.isf(d.sf(self.a) - p * self.mass)
        else:
            q = d.ppf(d.cdf(self.a) + p * self.mass)
        return self._clip(q)


class ContinuousTruncated(Truncated):
    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where((x >= self.a) & (x <= self.b), self.dist.pdf(x) / self.mass, 0.0)


class DiscreteTruncated(Truncated):
    def ppf(self, p):
        # a is excluded: a probability too small to move F(a) in floating point still maps
        # to the first count above it
        return np.maximum(super().ppf(p), self.a + 1)

    def pmf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where((x > self.a) & (x <= self.b), self.dist.pmf(x) / self.mass, 0.0)
