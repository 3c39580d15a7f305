"""What every maximum-likelihood fit reports the same way, written once for `MLEFit` and
the regression fit: the optimizer's verdict, the information criteria, covariance views.

A subclass sets `loglik`, `nobs`, `cov_type`, `_optim` (the optimizer's result, judged)
and `_free` (positions of the estimated parameters), and names in `_COV_CACHE` what
depends on the covariance kind.
"""

import copy
import math


class cached:
    """A property computed when first asked for and kept in the instance's `__dict__` under
    its name, as `functools.cached_property` does, without the lock Python 3.11's takes on
    every first access (a fit reads a chain of them: `se` → `_cov_free` → `_information`).
    Two threads asking at once may both compute it; either value is the same."""

    def __init__(self, fn):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class FitBase:
    """The shared surface of a fit; see `MLEFit` and `RegressionFit`."""

    _COV_CACHE = ("_cov_free", "cov", "se")  # cached values that depend on `cov_type`

    @property
    def converged(self):
        """True only at an interior maximum: the Newton decrement is small beside |loglik|
        and no parameter is at the edge of its space or undetermined (see `status` and
        `message`). A fit that did not converge also warns (`ConvergenceWarning`)."""
        return self._optim.converged

    @property
    def status(self):
        """The verdict as a short code: "converged", "boundary" (the log-likelihood still
        rises toward an edge of the space or infinity), "flat" (a direction the data do
        not determine), "not_stationary", "line_search_failed", "max_iterations" or
        "non_finite"."""
        return self._optim.status

    @property
    def message(self):
        """Why the optimizer stopped, in words (naming the parameters at an edge)."""
        return self._optim.message

    def report_verdict(self, status, message, edge=()):
        """Replace this fit's verdict: the status, message and parameters at an edge another
        run judged (a threshold family's boundary estimate is reported as the boundary the
        free fit reached, not as the held fit's own "converged"). Returns the fit."""
        self._optim.status, self._optim.message, self._optim.edge = status, message, tuple(edge)
        return self

    @property
    def iterations(self):
        """Number of optimizer iterations taken (fallback optimizers' included)."""
        return self._optim.iterations

    @property
    def df(self):
        """Degrees of freedom of the model: the number of free (estimated) parameters,
        as counted by AIC, BIC and likelihood-ratio tests."""
        return len(self._free)

    @property
    def aic(self):
        """Akaike's information criterion, −2·loglik + 2·df (smaller is better)."""
        return -2.0 * self.loglik + 2.0 * self.df

    @property
    def aicc(self):
        """AIC corrected for small samples, AIC + 2·df·(df + 1)/(nobs − df − 1) (Hurvich and
        Tsai); NaN when nobs ≤ df + 1, where the correction is undefined."""
        room = self.nobs - self.df - 1
        return self.aic + 2.0 * self.df * (self.df + 1) / room if room > 0 else math.nan

    @property
    def bic(self):
        """Schwarz's criterion, −2·loglik + df·log(nobs) (smaller is better)."""
        return -2.0 * self.loglik + self.df * math.log(self.nobs) if self.nobs > 0 else math.nan

    def _with_cov_type(self, kind):
        """A shallow copy reporting covariance `kind`: it shares everything but the cached
        values named in `_COV_CACHE`, which it computes afresh on request."""
        other = copy.copy(self)
        other.__dict__ = {k: v for k, v in self.__dict__.items() if k not in self._COV_CACHE}
        other.cov_type = kind
        return other
