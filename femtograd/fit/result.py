"""The fit object: everything a maximum-likelihood fit reports, computed on demand.

Estimates, score and information are stored when the fit is made; the
covariance, standard errors, intervals and summary are computed when first
asked for and cached (statsmodels-style). Fixed parameters appear in `params`
with their values and zero variance; `score`, `observed_information` and `df`
cover the free parameters only (`free_names`).
"""

import math

import numpy as np
import pandas as pd

from . import gof, lifetime, plots, probability_plot
from .base import FitBase, cached
from .bootstrap import bootstrap
from .common import names_index
from .covariance import check_cov_type, covariance, score_contributions
from .delta import delta_method
from .diagnostics import boundary_parameters, diagnostics
from .intervals import Profiler, confint
from .predict import predict, quantile
from .summary import Summary


class ConvergenceWarning(UserWarning):
    """The optimizer stopped before meeting its convergence rules."""


class MLEFit(FitBase):
    """A maximum-likelihood fit, as returned by `fit_mle`.

    Expensive parts (covariance, standard errors, profiles) are computed when first
    asked for and cached. `help(fit.<name>)` documents each property and method.

    Attributes
    ----------
    param_names : tuple of str
        The model's parameters in order; the index of `params`, `se` and `cov`.
    constraints : tuple of str
        Each parameter's space: "real", "positive" or "unit" (a probability).
    fixed : dict
        Parameters held at given values (not estimated; zero variance, not in `df`).
    mle : numpy.ndarray
        The estimates as a plain array, in the order of `param_names`.
    bse : numpy.ndarray
        The standard errors as a plain array (read-only), in the same order; `se` is the
        Series.
    loglik : float
        The maximized log-likelihood.
    nobs : float
        Number of observations (the sum of the weights when there are weights).
    method : str
        The optimizer asked for ("newton", "bfgs", ...).
    model : bound generator or None
        The fitted family bound to its rows (censoring, truncation, weights); None for
        a plain log-likelihood function, which has no distribution to ask.
    cov_type : str
        The covariance `cov`, `se`, intervals, tests and the summary use: "observed"
        (inverse observed information, the default), "opg" or "sandwich"; another kind
        through `with_cov(kind)`.
    """

    _COV_CACHE = FitBase._COV_CACHE + ("bse", "_profilers")  # profiles start from the SEs

    def __init__(self, names, constraints, fixed, free, mle, loglik, gradient, hessian, optim,
                 method, nobs, model, function, data, objective, cov_type="observed",
                 refit=None):
        self.param_names = tuple(names)
        self.constraints = tuple(constraints)
        self.fixed = dict(fixed)
        self._free = list(free)
        self.mle = np.asarray(mle, dtype=float)
        self.loglik = float(loglik)
        self._gradient = np.asarray(gradient, dtype=float)
        self._hessian_at_mle = hessian
        self._optim = optim
        self.method = method
        self.nobs = float(nobs)
        self.model = model
        self._function = function
        self._data = data
        self._objective = objective
        self.cov_type = check_cov_type(cov_type)
        self._refit = refit  # refit(model or data, start=, fixed=): fit again, same settings
        self._shared = {}  # what depends only on the MLE, shared with every with_cov view

    @property
    def free_names(self):
        """Names of the estimated (not fixed) parameters: the index of `score` and
        `observed_information`."""
        return tuple(self.param_names[i] for i in self._free)

    @cached
    def params(self):
        """The estimates (Series indexed by parameter name, index named "parameter"),
        fixed parameters included at their values."""
        return pd.Series(self.mle, index=self._index(), name="estimate")

    def _index(self):
        return _parameter_index(self.param_names)

    @property
    def score(self):
        """The score: gradient of the log-likelihood at the estimate, on the natural scale
        (Series indexed by `free_names`).

        Near zero at an interior maximum. It covers the estimated parameters only: a
        fixed parameter was not maximized over, so its gradient is not zero and belongs
        to a score test (`fg.score_test`), not here.
        """
        return pd.Series(self._gradient[self._free], index=self._free_index(), name="score")

    @property
    def observed_information(self):
        """The observed information: minus the Hessian of the log-likelihood at the
        estimate, on the natural scale (DataFrame indexed by `free_names` both ways).

        Its inverse is the default ("observed") covariance of the free parameters.
        """
        index = self._free_index()
        return pd.DataFrame(self._information.copy(), index=index, columns=index.copy())

    def _free_index(self):
        return _parameter_index(self.free_names)

    @cached
    def _hessian(self):
        return np.asarray(self._hessian_at_mle, dtype=float)

    @cached
    def _information(self):
        """Minus the Hessian over the free parameters (numpy; not to be written to)."""
        if len(self._free) == len(self.param_names):
            return -self._hessian
        return -self._hessian[np.ix_(self._free, self._free)]

    # -- covariance and standard errors (lazy) -----------------------------------------------
    @cached
    def _cov_free(self):
        return covariance(self, self.cov_type, edge=boundary_parameters)

    @cached
    def cov(self):
        """Covariance matrix of the estimates (DataFrame indexed by parameter both ways), of
        the kind `cov_type` (another kind: `with_cov(kind).cov`); fixed parameters have
        zero variance. NaN, with a `SingularInformationWarning` saying why, when the
        information cannot be inverted."""
        p = len(self.param_names)
        full = np.zeros((p, p))
        full[np.ix_(self._free, self._free)] = self._cov_free
        return pd.DataFrame(full, index=self._index(), columns=self._index())

    @cached
    def bse(self):
        """Standard errors as a plain array in the order of `param_names`, as `mle` is to
        `params` (read-only; 0 for fixed parameters): `se` without building a Series, for
        code that fits many times."""
        se = np.sqrt(self._cov_free.diagonal())
        if len(se) < len(self.param_names):  # fixed parameters among them: 0 there
            se, free = np.zeros(len(self.param_names)), se
            se[self._free] = free
        se.flags.writeable = False
        return se

    @cached
    def se(self):
        """Standard errors (Series like `params`): square roots of `cov`'s diagonal, of the
        kind `cov_type`; 0 for fixed parameters. `bse` holds the same numbers as an array."""
        return pd.Series(self.bse, index=self._index(), name="se", copy=True)

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

    def with_cov(self, kind):
        """This fit reporting covariance `kind`: "observed" (inverse observed information,
        the default), "opg" (inverse outer product of the per-row scores) or "sandwich"
        (robust, H⁻¹·OPG·H⁻¹).

        The view shares the estimates and everything that does not depend on the
        covariance; its `cov`, `se`, `confint`, `wald_test`, `summary`, predictions and
        lifetime summaries all use `kind`. `fit.with_cov("sandwich").cov` is the sandwich
        covariance matrix.
        """
        check_cov_type(kind)
        return self if kind == self.cov_type else self._with_cov_type(kind)

    # -- inference --------------------------------------------------------------------------
    def confint(self, level=0.95, method="wald", scale=None, progress=None, n_jobs=1):
        """Confidence intervals: DataFrame, index parameter, columns lower and upper.

        method "wald": symmetric on each parameter's own scale by default (log for a
        positive parameter, logit for a probability, natural for a real one), so it
        stays inside the parameter space; scale="natural" gives est ± z·se for every
        parameter, scale="log" the log scale for positive ones only. `.attrs["scale"]`
        names each interval's scale. method "profile": likelihood ratio,
        re-optimizing the other parameters (the same on any scale); `progress` and
        `n_jobs` (worker processes, one parameter each) as in `bootstrap`.
        """
        return confint(self, level, method, scale, progress, n_jobs)

    def profile_loglik(self, name, value):
        """Maximum of the log-likelihood over the other parameters with `name` held at `value`."""
        return self._profiler(self.param_names.index(self._check_name(name))).loglik(value)

    def _profiler(self, index):
        """The profiler of parameter `index`, made once per fit: its points warm-start
        one another (profile_loglik, profile intervals, plot_profile)."""
        if index not in self._profilers:
            self._profilers[index] = Profiler(self, index)
        return self._profilers[index]

    @cached
    def _profilers(self):
        return {}

    def summary(self, level=0.95, scale=None):
        """The printable table: estimate, SE, z and p (real parameters), Wald interval on
        each parameter's own scale (`scale` as in `confint`), and the rows by kind."""
        return Summary(self, level, scale)

    def delta_method(self, fn, level=0.95):
        """Estimate and SE of fn(params) written with femtograd ops, gradient by autodiff."""
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
        return predict(self, "cdf", x, level, scale)

    def sf(self, x, level=0.95, scale=None):
        """S(x) = 1 − F(x), the survival probability (of a value above x)."""
        return predict(self, "sf", x, level, scale)

    def pdf(self, x, level=0.95, scale=None):
        """f(x), the density (the mass function for a discrete family)."""
        return predict(self, "pdf", x, level, scale)

    def logpdf(self, x, level=0.95, scale=None):
        """log f(x), with a natural-scale interval."""
        return predict(self, "logpdf", x, level, scale)

    def hazard(self, x, level=0.95, scale=None):
        """h(x) = f(x)/S(x) (for a discrete family P(X = x | X ≥ x), a probability)."""
        return predict(self, "hazard", x, level, scale)

    def cumhazard(self, x, level=0.95, scale=None):
        """H(x) = −log S(x), the cumulative hazard."""
        return predict(self, "cumhazard", x, level, scale)

    def quantile(self, p, level=0.95, scale=None):
        """The q with F(q) = p (continuous families; B10 life = quantile(0.1)), its gradient by
        the implicit function theorem."""
        return quantile(self, p, level, scale)

    def bootstrap(self, n=200, kind="nonparametric", seed=None, max_failed=0.5, progress=None,
                  n_jobs=1):
        """Refit on `n` resamples (parametric ones reproduce the censoring); percentile, basic
        or BCa intervals from `.confint(method=)`, derived quantities by `.apply(fn)`.

        Replicates whose refit fails or does not converge are left out, counted
        (`.failed`, `.failures`) and warned about (`BootstrapWarning`); when more than
        `max_failed` of them (a fraction) fail, `BootstrapError` is raised instead.
        `progress=True` draws a bar on stderr when it is a terminal; a callable gets (done,
        total). `n_jobs=k` refits in k worker processes (the same results for a seed).
        """
        return bootstrap(self, n, kind, seed, max_failed, progress, n_jobs)

    def diagnostics(self):
        """Checks of the optimum: score size, information definiteness and condition, the
        parameters at the edge of their space."""
        return diagnostics(self)

    # -- plots (femtograd.fit.plots, .probability_plot; matplotlib is imported only when one is
    # drawn). Each returns the Axes; label=/color= style the fitted curve, name= names the data.
    def plot_profile(self, param, level=0.95, ax=None, points=41, label=None, color=None):
        """Profile log-likelihood of `param` with its profile interval marked."""
        return plots.plot_profile(self, param, level=level, ax=ax, points=points, label=label,
                            color=color)

    def plot_qq(self, ax=None, method=None, label=None, color=None, name=None):
        """Fitted against observed quantiles at the data's plotting positions."""
        return plots.plot_qq(self, ax=ax, method=method, label=label, color=color, name=name)

    def plot_pp(self, ax=None, method=None, label=None, color=None, name=None):
        """Fitted against empirical probabilities."""
        return plots.plot_pp(self, ax=ax, method=method, label=label, color=color, name=name)

    def plot_fit(self, ax=None, bins="auto", level=0.95, label=None, color=None, name=None,
                 data=True):
        """Histogram under the fitted density (Kaplan–Meier or Turnbull against the fitted
        survival when censored), with delta-method bands."""
        return plots.plot_fit(self, ax=ax, bins=bins, level=level, label=label, color=color,
                        name=name, data=data)

    def plot_probability(self, *others, method=None, level=0.95, paper=None, ax=None,
                         label=None, color=None, name=None):
        """Probability plot on the family's linearizing paper, `others` (fits) overlaid."""
        return probability_plot.plot_probability([self, *others], method=method, level=level, paper=paper,
                                ax=ax, label=label, color=color, name=name)

    # -- goodness of fit (femtograd.fit.gof) ------------------------------------------------
    def gof(self, n_boot=200, seed=None, progress=None, n_jobs=1):
        """Goodness-of-fit table: Kolmogorov–Smirnov, Cramér–von Mises and Anderson–Darling
        (Kaplan–Meier based when right-censored), χ² for a discrete family; p-values by a
        parametric bootstrap of `n_boot` refits that reproduces the censoring (0: none),
        with `progress` and `n_jobs` as for `bootstrap` (the same p-values in processes)."""
        return gof.gof(self, n_boot=n_boot, seed=seed, progress=progress, n_jobs=n_jobs)

    # -- lifetime summaries (femtograd.fit.lifetime): DataFrames with columns estimate, se,
    # lower, upper, like quantile(); delta-method SEs from exact gradients
    def mean(self, level=0.95):
        """Mean lifetime (MTTF), ∫ S by quadrature; an error when the mean is infinite."""
        return lifetime.mean(self, level)

    def median(self, level=0.95):
        """Median lifetime, quantile(0.5)."""
        return lifetime.median(self, level)

    def rmst(self, t, level=0.95):
        """Restricted mean survival time ∫₀ᵗ S(u) du at each t."""
        return lifetime.rmst(self, t, level)

    def mean_residual_life(self, t, level=0.95):
        """E[T − t | T > t] at each t."""
        return lifetime.mean_residual_life(self, t, level)

    def conditional_sf(self, t, s, level=0.95):
        """P(T > t + s | T > t): surviving s more after t (t and s broadcast)."""
        return lifetime.conditional_sf(self, t, s, level)

    def to_frame(self, level=0.95, ci="wald", scale=None):
        """The fit as a tidy DataFrame, one row per parameter: estimate, se, lower, upper (the
        `ci` interval at `level`) and its scale; `.attrs` records ci, level and the model."""
        interval = self.confint(level, ci, scale)
        names = list(self.param_names)
        frame = pd.DataFrame({"estimate": self.params.to_numpy(dtype=float),
                              "se": self.se.to_numpy(dtype=float),
                              "lower": interval["lower"].reindex(names).to_numpy(dtype=float),
                              "upper": interval["upper"].reindex(names).to_numpy(dtype=float),
                              "scale": [interval.attrs["scale"][n] for n in names]},
                             index=pd.Index(names, name="parameter"))
        frame.attrs.update(model=self._model_name(), ci=ci, level=float(level))
        return frame

    def to_dict(self, level=0.95, ci="wald", scale=None):
        """A JSON-ready dict of the fit; "intervals" holds `to_frame`'s rows (the `ci` interval
        at `level`, with its scale)."""
        def num(v):
            v = float(v)
            return v if math.isfinite(v) else None
        frame = self.to_frame(level, ci, scale)
        return {
            "model": self._model_name(),
            "params": {n: num(v) for n, v in self.params.items()},
            "se": {n: num(v) for n, v in self.se.items()},
            "cov": [[num(v) for v in row] for row in self.cov.to_numpy()],
            "intervals": {n: {"lower": num(r["lower"]), "upper": num(r["upper"]),
                              "scale": r["scale"]} for n, r in frame.iterrows()},
            "ci": ci, "level": float(level),
            "param_names": list(self.param_names),
            "fixed": dict(self.fixed),
            "loglik": num(self.loglik), "aic": num(self.aic), "aicc": num(self.aicc),
            "bic": num(self.bic), "nobs": num(self.nobs), "df": self.df,
            "converged": bool(self.converged), "status": self.status,
            "message": self.message, "iterations": int(self.iterations),
            "method": self.method, "cov_type": self.cov_type,
        }

    def _repr_html_(self):
        """The summary table as HTML, for notebooks."""
        return self.summary()._repr_html_()

    # -- helpers ----------------------------------------------------------------------------
    def _check_name(self, name):
        if name not in self.param_names:
            raise ValueError(f"unknown parameter {name!r}; the parameters are "
                             f"{list(self.param_names)}")
        return name

    def _model_name(self):
        if self.model is not None:  # a bound generator's class names it; a rowless model itself
            return getattr(self.model, "name", None) or type(self.model).__name__
        return getattr(self._function, "__name__", "function")

    def __repr__(self):
        est = ", ".join(f"{n}={v:.6g}" for n, v in zip(self.param_names, self.mle))
        flag = "" if self.converged else ", NOT converged"
        return (f"<MLEFit {self._model_name()}: {est}; loglik={self.loglik:.6g}, "
                f"nobs={self.nobs:g}{flag}>")


def _parameter_index(names):
    """`names` as the index of a fit's Series and tables, named "parameter" (a new Index object:
    its name is its own to set)."""
    return names_index(names, "parameter")
