"""The fitted distribution of a generator fit as plain arrays, for the plots.

`fitted_distribution(fit)` holds the family the rows were drawn from
(`fit.model.distribution`: truncated to the generator's truncation bounds when it has
them) at the MLE, and answers cdf, sf, pdf/pmf and ppf as float arrays through the
family's public methods: the truncation arithmetic lives in the models layer alone.
"""

import numpy as np


def fitted_distribution(fit):
    """The fitted distribution the data were drawn from, at the MLE (float arrays in and out)."""
    family = fit.model.distribution
    kind = DiscreteFitted if family.discrete else ContinuousFitted
    return kind(family, np.asarray(fit.mle, dtype=float))


class FittedDistribution:
    """A family at fixed parameter values, evaluated on float arrays."""

    def __init__(self, family, params):
        self.family, self.params = family, [float(v) for v in params]

    def _at(self, method, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            values = getattr(self.family, method)(np.atleast_1d(np.asarray(x, dtype=float)),
                                                  *self.params)
        return np.asarray(values.data, dtype=float).reshape(np.shape(x))

    def cdf(self, x):
        return self._at("cdf", x)

    def sf(self, x):
        return self._at("sf", x)

    def ppf(self, p):
        return self.family.ppf(p, *self.params)


class ContinuousFitted(FittedDistribution):
    def pdf(self, x):
        return self._at("pdf", x)


class DiscreteFitted(FittedDistribution):
    def pmf(self, x):
        return self._at("pdf", x)
