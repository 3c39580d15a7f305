"""The fit object: everything a maximum-likelihood fit reports, computed on demand.

Estimates, score and information are stored when the fit is made; the
covariance, standard errors, intervals and summary are computed when first
asked for and cached (statsmodels-style). Fixed parameters appear in `params`
with their values and zero variance; `score`, `observed_information` and `df`
cover the free parameters only (`free_names`).
"""

import copy
import math
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from .covariance import check_cov_type, covariance, score_contributions


class ConvergenceWarning(UserWarning):
    """The optimizer stopped before meeting its convergence rules."""


# What one fit may raise because of its data (numpy's LinAlgError is a ValueError;
# FloatingPointError and ZeroDivisionError are ArithmeticErrors): a bootstrap replicate or
# a DataFrame row that raises one is reported, not propagated. Programming errors propagate.
FIT_ERRORS = (ValueError, ArithmeticError)


def names_index(names):
    """A pandas Index of parameter names: a new Index object (its name is its own to set)
    over data built once per tuple of names (building it is most of a small Series' cost)."""
    return _index_of(tuple(names)).view()


@lru_cache(maxsize=256)
def _index_of(names):
    return pd.Index(list(names))


class MLEFit:
    """A maximum-likelihood fit. See `fit_mle`."""

    def __init__(self, names, constraints, fixed, free, mle, loglik, gradient, hessian, optim,
                 method, nobs, model, function, data, objective, cov_type="observed",
                 refit_options=None):
        self.param_names = tuple(names)
        self.constraints = tuple(constraints)
        self.fixed = dict(fixed)
        self.free = list(free)
        self.mle = np.asarray(mle, dtype=float)
        self.loglik = float(loglik)
        self._gradient = np.asarray(gradient, dtype=float)
        self._hessian = np.asarray(hessian, dtype=float)
        self.optim = optim
        self.method = method
        self.nobs = float(nobs)
        self.model = model
        self.function = function
        self.data = data
        self.objective = objective
        self.cov_type = check_cov_type(cov_type)
        self._refit_options = dict(refit_options or {})
        self._shared = {}  # what depends only on the MLE, shared with every with_cov view

    # -- what the optimizer found ---------------------------------------------------------
    @property
    def converged(self):
        return self.optim.converged

    @property
    def status(self):
        return self.optim.status

    @property
    def message(self):
        return self.optim.message

    @property
    def iterations(self):
        return self.optim.iterations

    @property
    def free_names(self):
        return tuple(self.param_names[i] for i in self.free)

    @property
    def df(self):
        """Number of free (estimated) parameters."""
        return len(self.free)

    @cached_property
    def params(self):
        return pd.Series(self.mle, index=names_index(self.param_names), name="estimate")

    @property
    def score(self):
        """Gradient of the log-likelihood at the MLE, free parameters, natural scale."""
        return self._gradient[self.free].copy()

    @property
    def observed_information(self):
        """Minus the Hessian at the MLE, free parameters, natural scale."""
        return self._information.copy()

    @cached_property
    def _information(self):
        if len(self.free) == len(self.param_names):
            return -self._hessian
        return -self._hessian[np.ix_(self.free, self.free)]

    @property
    def aic(self):
        return -2.0 * self.loglik + 2.0 * self.df

    @property
    def bic(self):
        return -2.0 * self.loglik + self.df * math.log(self.nobs) if self.nobs > 0 else math.nan

    # -- covariance and standard errors (lazy) -----------------------------------------------
    @cached_property
    def _cov_free(self):
        return covariance(self, self.cov_type)

    @cached_property
    def cov(self):
        """Covariance of the estimates (DataFrame); fixed parameters have zero variance."""
        p = len(self.param_names)
        full = np.zeros((p, p))
        full[np.ix_(self.free, self.free)] = self._cov_free
        return pd.DataFrame(full, index=names_index(self.param_names),
                            columns=names_index(self.param_names))

    @cached_property
    def se(self):
        se = np.zeros(len(self.param_names))
        se[self.free] = np.sqrt(np.diag(self._cov_free))
        return pd.Series(se, index=names_index(self.param_names), name="se")

    @property
    def _row_scores(self):
        """Per-row scores (n, free) and the row weights (n,) at the MLE, for the OPG and
        sandwich covariances: the per-row score graph is built and run once, on first
        request, and the result is shared with every `with_cov` view of this fit."""
        if "row_scores" not in self._shared:
            scores, weights = score_contributions(self)
            scores.flags.writeable = False
            self._shared["row_scores"] = scores, weights
        return self._shared["row_scores"]

    def covariance(self, kind="observed"):
        """The covariance of the given kind ("observed", "opg", "sandwich") as a DataFrame."""
        return self.with_cov(kind).cov

    def with_cov(self, kind):
        """This fit reporting covariance `kind`: "observed" (default), "opg" or "sandwich"."""
        check_cov_type(kind)
        if kind == self.cov_type:
            return self
        other = copy.copy(self)
        other.__dict__ = {k: v for k, v in self.__dict__.items()
                          if k not in ("_cov_free", "cov", "se", "_profilers")}
        other.cov_type = kind
        return other

    # -- inference --------------------------------------------------------------------------
    def confint(self, level=0.95, method="wald", scale="natural"):
        """Confidence intervals: DataFrame, index parameter, columns lower and upper.

        method "wald" (est ± z·se; scale="log" computes it on the log scale for
        positive parameters, so it stays positive) or "profile" (likelihood ratio,
        re-optimizing the other parameters).
        """
        from .intervals import confint
        return confint(self, level, method, scale)

    def profile_loglik(self, name, value):
        """Maximum of the log-likelihood over the other parameters with `name` held at `value`."""
        return self._profiler(self.param_names.index(self._check_name(name))).loglik(value)

    def _profiler(self, index):
        """The profiler of parameter `index`, made once per fit: its points warm-start
        one another (profile_loglik, profile intervals, plot_profile)."""
        from .intervals import Profiler
        if index not in self._profilers:
            self._profilers[index] = Profiler(self, index)
        return self._profilers[index]

    @cached_property
    def _profilers(self):
        return {}

    def summary(self, level=0.95):
        from .summary import Summary
        return Summary(self, level)

    def delta_method(self, fn, level=0.95):
        """Estimate and SE of fn(params) written with femtograd ops, gradient by autodiff."""
        from .delta import delta_method
        return delta_method(self, fn, level)

    def wald_test(self, hypothesis, value=0.0):
        """Wald test at this fit, without refitting (R's `wald_test(fit, parm, null_value)`):
        `{name: value}` (several names: jointly), a name with `value`, or `(R, r)` for R·θ = r."""
        from .wald import wald_at
        return wald_at(self, hypothesis, value)

    def se_reliable(self, max_condition=None):
        """Whether the standard errors can be trusted, with the reasons when not (R's
        `se_reliable`): converged, information positive definite with condition number
        (correlation-scaled) at most `max_condition` (default 1e8), estimate inside the
        space, SEs finite."""
        from .reliability_of_se import se_reliability
        return se_reliability(self, max_condition)

    # -- the fitted distribution at given points (femtograd.fit.predict) ---------------------
    # Each returns a DataFrame indexed by x (or p) with columns estimate, se, lower, upper: the
    # (truncated) fitted distribution's quantity, its delta-method SE from exact derivatives
    # and a Wald interval on `scale` (default logit for probabilities, log for positive ones).
    def cdf(self, x, level=0.95, scale=None):
        """F(x), the probability of a value at most x."""
        from .predict import predict
        return predict(self, "cdf", x, level, scale)

    def sf(self, x, level=0.95, scale=None):
        """S(x) = 1 − F(x), the survival probability (of a value above x)."""
        from .predict import predict
        return predict(self, "sf", x, level, scale)

    def pdf(self, x, level=0.95, scale=None):
        """f(x), the density (the mass function for a discrete family)."""
        from .predict import predict
        return predict(self, "pdf", x, level, scale)

    def logpdf(self, x, level=0.95, scale=None):
        """log f(x), with a natural-scale interval."""
        from .predict import predict
        return predict(self, "logpdf", x, level, scale)

    def hazard(self, x, level=0.95, scale=None):
        """h(x) = f(x)/S(x) (for a discrete family P(X = x | X ≥ x), a probability)."""
        from .predict import predict
        return predict(self, "hazard", x, level, scale)

    def cumhazard(self, x, level=0.95, scale=None):
        """H(x) = −log S(x), the cumulative hazard."""
        from .predict import predict
        return predict(self, "cumhazard", x, level, scale)

    def quantile(self, p, level=0.95, scale=None):
        """The q with F(q) = p (continuous families; B10 life = quantile(0.1)), its gradient by
        the implicit function theorem."""
        from .predict import quantile
        return quantile(self, p, level, scale)

    def bootstrap(self, n=200, kind="nonparametric", seed=None, max_failed=0.5):
        """Refit on `n` resamples; percentile intervals from `.confint()`.

        Replicates whose refit fails or does not converge are left out, counted
        (`.failed`, `.failures`) and warned about (`BootstrapWarning`); when more than
        `max_failed` of them (a fraction) fail, `BootstrapError` is raised instead.
        """
        from .bootstrap import bootstrap
        return bootstrap(self, n, kind, seed, max_failed)

    def diagnostics(self):
        from .diagnostics import diagnostics
        return diagnostics(self)

    # -- plots (femtograd.fit.plots; matplotlib is imported only when one is drawn) -------------
    def plot_profile(self, param, level=0.95, ax=None, points=41):
        """Profile log-likelihood of `param` with its profile interval marked; returns the Axes."""
        from .plots import plot_profile
        return plot_profile(self, param, level=level, ax=ax, points=points)

    def plot_qq(self, ax=None):
        """Fitted against observed quantiles; returns the Axes."""
        from .plots import plot_qq
        return plot_qq(self, ax=ax)

    def plot_pp(self, ax=None):
        """Fitted against empirical probabilities; returns the Axes."""
        from .plots import plot_pp
        return plot_pp(self, ax=ax)

    def plot_fit(self, ax=None):
        """Histogram with the fitted density (Kaplan-Meier vs fitted survival if censored)."""
        from .plots import plot_fit
        return plot_fit(self, ax=ax)

    def to_dict(self):
        """A JSON-ready dict of the fit."""
        def num(v):
            v = float(v)
            return v if math.isfinite(v) else None
        return {
            "model": self._model_name(),
            "params": {n: num(v) for n, v in self.params.items()},
            "se": {n: num(v) for n, v in self.se.items()},
            "cov": [[num(v) for v in row] for row in self.cov.to_numpy()],
            "param_names": list(self.param_names),
            "fixed": dict(self.fixed),
            "loglik": num(self.loglik), "aic": num(self.aic), "bic": num(self.bic),
            "nobs": num(self.nobs), "df": self.df,
            "converged": bool(self.converged), "status": self.status,
            "message": self.message, "iterations": int(self.iterations),
            "method": self.method, "cov_type": self.cov_type,
        }

    # -- helpers ----------------------------------------------------------------------------
    def _check_name(self, name):
        if name not in self.param_names:
            raise ValueError(f"unknown parameter {name!r}; the parameters are "
                             f"{list(self.param_names)}")
        return name

    def _model_name(self):
        if self.model is not None:
            return getattr(type(self.model), "name", type(self.model).__name__)
        return getattr(self.function, "__name__", "function")

    def __repr__(self):
        est = ", ".join(f"{n}={v:.6g}" for n, v in zip(self.param_names, self.mle))
        flag = "" if self.converged else ", NOT converged"
        return (f"<MLEFit {self._model_name()}: {est}; loglik={self.loglik:.6g}, "
                f"nobs={self.nobs:g}{flag}>")
