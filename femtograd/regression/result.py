"""The regression fit: coefficients indexed by (parameter, term), their covariance of the
kind asked for, the summary, tests and predictions. Covariances are computed in the
standardized coordinates the fit ran in and mapped back exactly (C = A C' Aᵀ)."""

from functools import cached_property

import numpy as np
import pandas as pd

from ..core.lazy import stats
from ..fit.base import FitBase
from ..fit.covariance import safe_inverse
from ..fit.html import table_html
from ..fit.likelihood_tests import HypothesisTest

COV_TYPES = ("observed", "opg", "sandwich", "cluster")


class RegressionFit(FitBase):
    """A regression fit, as returned by `regress`: each distribution parameter is a link
    of a linear predictor, and the coefficients are on that link scale.

    Coefficients are indexed by (parameter, term). Expensive parts (covariance, standard
    errors) are computed when first asked for and cached. `help(fit.<name>)` documents
    each property and method.

    Attributes
    ----------
    family : generator class
        The fitted family (e.g. `WeibullLogLik`).
    generator : bound generator
        The family bound to the response (censoring, truncation, weights).
    param_names : tuple of str
        The family's parameters, each with its own linear predictor.
    links : dict
        Each parameter's link (`links[p].name`: "identity", "log", "logit", ...).
    designs : dict
        Each parameter's design (its columns are the terms of `index`).
    index : pandas.MultiIndex
        The coefficients, (parameter, term); the index of `params`, `se` and `cov`.
    fixed : dict
        Coefficients held at given values, keyed by (parameter, term).
    mle : numpy.ndarray
        The coefficients as a plain array, in the order of `index`.
    loglik : float
        The maximized log-likelihood.
    nobs : float
        Number of observations (the sum of the weights when there are weights).
    location : str
        The family's location parameter (the one `offset=` applies to).
    options : dict
        The keywords the family was built with.
    cov_type : str
        The covariance `cov`, `se`, intervals, tests and the summary use: "observed"
        (the default), "opg", "sandwich" or "cluster"; another through `with_cov(kind)`.
    """

    def __init__(self, family, generator, names, links, designs, free_columns, fixed, amap,
                 objective, result, nobs, cov_type, cluster, offsets, location, refit,
                 options):
        self.family = family
        self.generator = generator  # the family bound to the response (censoring, weights)
        self.options = dict(options)  # the family's constructor keywords
        self.param_names = names
        self.links = dict(zip(names, links))
        self.designs = designs
        self.fixed = dict(fixed)
        self.location = location
        self._optim = result
        self.nobs = nobs
        self.cov_type = cov_type
        self._amap = amap
        self._objective = objective
        self._cluster = cluster
        self._offsets = offsets
        self._refit = refit  # the same regress call with other fixed=, start=, weights=
        self._beta_std = np.asarray(result.x, dtype=float)
        self.index = pd.MultiIndex.from_tuples(
            [(p, c) for p in names for c in designs[p].columns], names=["parameter", "term"])
        free = set((p, c) for p, cols in zip(names, free_columns) for c in cols)
        self._free = [i for i, key in enumerate(self.index) if key in free]
        self.mle = np.zeros(len(self.index))
        for i, key in enumerate(self.index):
            if key in self.fixed:
                self.mle[i] = self.fixed[key]
        self.mle[self._free] = amap @ self._beta_std
        self.loglik, g_std, h_std = objective.evaluate(self._beta_std, 2)
        self._g_std, self._h_std = g_std, h_std
        # the per-row derivatives at the MLE stay cached (scores, covariances); the graphs
        # that made them are rebuilt only if asked about another point (`derivatives`)
        objective.release()

    @property
    def n(self):
        """Number of rows of data (`nobs` counts them by weight)."""
        return self._objective.n

    @property
    def weights(self):
        """The frequency weights (None when each row counts once)."""
        return self._objective.weights

    @property
    def free_names(self):
        """The free (estimated) coefficients' (parameter, term) keys, in the order of
        `score`, `observed_information` and `derivatives`."""
        return self.index[self._free]

    @cached_property
    def params(self):
        """The estimated coefficients (Series indexed by (parameter, term)), on each
        parameter's link scale; fixed ones included."""
        return pd.Series(self.mle, index=self.index, name="estimate")

    @cached_property
    def _inverse_amap(self):
        return np.linalg.inv(self._amap)

    @property
    def score(self):
        """The score: gradient of the log-likelihood at the estimate (Series indexed by
        `free_names`, the coefficients on the original covariate scale). Near zero at an
        interior maximum; fixed coefficients were not maximized over and are left out."""
        return pd.Series(self._inverse_amap.T @ self._g_std, index=self.free_names,
                         name="score")

    @property
    def observed_information(self):
        """The observed information: minus the Hessian of the log-likelihood at the estimate
        (DataFrame indexed by `free_names` both ways, original covariate scale)."""
        inv = self._inverse_amap
        return pd.DataFrame(inv.T @ (-self._h_std) @ inv, index=self.free_names,
                            columns=self.free_names)

    def derivatives(self, coef):
        """(log-likelihood, gradient, Hessian) at free coefficients `coef` (original scale, in
        the order of `index[free]`): exact, from the per-row derivatives."""
        coef = np.asarray(coef, dtype=float)
        if coef.shape != (self.df,):
            raise ValueError(f"coef must have one value per free coefficient ({self.df}); got "
                             f"shape {coef.shape}")
        inv = self._inverse_amap
        f, g, h = self._objective.evaluate(inv @ coef, 2)
        if g is None:
            return f, None, None
        return f, inv.T @ g, inv.T @ h @ inv

    # -- covariance ---------------------------------------------------------------------------
    @cached_property
    def _cov_free(self):
        names = [f"{p}:{t}" for p, t in self.index[self._free]]
        bread = safe_inverse(-self._h_std, names)
        if self.cov_type == "observed":
            c = bread
        elif self.cov_type == "opg":
            c = safe_inverse(self._meat(), names, "outer product of the scores")
        else:
            c = bread @ self._meat() @ bread
        return self._amap @ c @ self._amap.T

    def _meat(self):
        """Σ w s sᵀ of the per-row scores (standardized), or for clusters Σ_g u_g u_gᵀ ·
        G/(G−1) with u_g the weighted score sum of cluster g."""
        obj = self._objective
        if self.cov_type != "cluster":
            return obj.score_products(self._beta_std)
        codes, groups = self._cluster
        if groups < 2:
            raise ValueError("cluster-robust covariance needs at least two clusters")
        u = obj.cluster_sums(self._beta_std, codes, groups)
        return u.T @ u * (groups / (groups - 1.0))

    @cached_property
    def cov(self):
        """Covariance of the coefficients (DataFrame indexed by (parameter, term) both ways),
        of the kind `cov_type`; fixed coefficients have zero variance."""
        p = len(self.index)
        full = np.zeros((p, p))
        full[np.ix_(self._free, self._free)] = self._cov_free
        return pd.DataFrame(full, index=self.index, columns=self.index)

    @cached_property
    def se(self):
        """Standard errors of the coefficients (Series like `params`): square roots of
        `cov`'s diagonal."""
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.index, name="se")

    def with_cov(self, kind, cluster=None):
        """This fit reporting covariance `kind`: "observed" (inverse observed information,
        the default), "opg" (inverse outer product of the per-row scores), "sandwich"
        (robust) or "cluster" (cluster-robust; `cluster=` an array of ids, one per row,
        unless the fit was made with one).

        The view shares the estimates; its `cov`, `se`, `confint`, `wald_test`, `summary`
        and predictions all use `kind`.
        """
        if kind not in COV_TYPES:
            raise ValueError(f"unknown covariance type {kind!r}; use one of {list(COV_TYPES)}")
        other = self._with_cov_type(kind)
        if cluster is not None:
            from .inputs import cluster_codes
            other._cluster = cluster_codes(None, cluster, self.n)
        if kind == "cluster" and other._cluster is None:
            raise ValueError("cluster-robust covariance needs cluster= (an array of ids)")
        return other

    def scores(self):
        """Per-row scores (unweighted) of the free coefficients at the MLE, original scale:
        a DataFrame (n rows, one column per free coefficient)."""
        obj = self._objective
        _, g, _ = obj.per_row(self._beta_std, 1)
        s_std = np.hstack([(xt * gj).T for xt, gj in zip(obj.xts, g)])
        return pd.DataFrame(s_std @ self._inverse_amap, columns=self.index[self._free])

    # -- inference ----------------------------------------------------------------------------
    def confint(self, level=0.95, method="wald", coefficients=None):
        """Intervals on the link scale: DataFrame indexed by (parameter, term), columns lower
        and upper. method "wald" (est ± z·se) or "profile" (likelihood ratio: a refit per
        trial value; `coefficients` limits it to some (parameter, term) keys)."""
        if not 0 < level < 1:
            raise ValueError(f"level must be strictly between 0 and 1; got {level}")
        if method == "wald":
            z = stats.norm.ppf(0.5 + level / 2)
            est, se = self.params, self.se
            out = pd.DataFrame({"lower": est - z * se, "upper": est + z * se})
            return out if coefficients is None else out.loc[list(coefficients)]
        if method != "profile":
            raise ValueError(f"unknown interval method {method!r}; use 'wald' or 'profile'")
        from .inference import profile_interval
        keys = [k for i, k in enumerate(self.index) if i in self._free] if coefficients is None \
            else [tuple(k) for k in coefficients]
        for k in keys:
            if k not in self.index or self.index.get_loc(k) not in self._free:
                raise ValueError(f"{k!r} is not a free coefficient of this fit")
        ends = [profile_interval(self, k, level) for k in keys]
        return pd.DataFrame(ends, columns=["lower", "upper"],
                            index=pd.MultiIndex.from_tuples(keys, names=self.index.names))

    def delta_method(self, fn, level=0.95):
        """Estimate and SE of fn(coef) written with femtograd ops, `coef` a mapping
        (parameter, term) -> Value; the gradient by autodiff."""
        from .inference import delta_method
        return delta_method(self, fn, level)

    def bootstrap(self, n=200, seed=None, max_failed=0.5, progress=None, n_jobs=1):
        """Nonparametric bootstrap (rows resampled with their covariates, each replicate
        refitted); percentile intervals from `.confint()`. Failed replicates are counted and
        warned about, as for `MLEFit.bootstrap`; `progress=` and `n_jobs=` as there (the same
        replicates whatever `n_jobs`)."""
        from .inference import bootstrap
        return bootstrap(self, n, seed, max_failed, progress, n_jobs)

    def summary(self, level=0.95):
        """The printable table: estimate, se, z, p and the Wald interval per coefficient."""
        return RegressionSummary(self, level)

    def wald_test(self, term, param=None):
        """Wald test that the coefficients of `term` (a factor's columns together, in every
        parameter or in `param`) are jointly zero; a `HypothesisTest`."""
        keys = []
        for p in self.param_names if param is None else [param]:
            if p not in self.designs:
                raise ValueError(f"unknown parameter {p!r}; the parameters are "
                                 f"{list(self.param_names)}")
            d = self.designs[p]
            cols = d.terms.get(term, [d.columns.index(term)] if term in d.columns else [])
            keys += [(p, d.columns[i]) for i in cols]
        idx = [self.index.get_loc(k) for k in keys if self.index.get_loc(k) in self._free]
        if not idx:
            raise ValueError(f"no free coefficient of term {term!r}")
        b = self.mle[idx]
        cov = self.cov.to_numpy()[np.ix_(idx, idx)]
        inv = safe_inverse(cov, [f"{p}:{t}" for p, t in self.index[idx]],
                           "covariance of the tested coefficients")
        stat = float(b @ inv @ b)
        return HypothesisTest("Wald", stat, len(idx), float(stats.chi2.sf(stat, len(idx))))

    # -- predictions --------------------------------------------------------------------------
    def predict(self, newdata, what="param", x=None, p=None, level=0.95, offset=None):
        """Predictions for the rows of `newdata` (a DataFrame for a formula fit; for an array
        fit a dict {param: X}), each with a delta-method SE and a Wald interval:

        - "param": each distribution parameter per row (columns (parameter, statistic));
        - "sf", "cdf", "hazard", "logpdf" at `x` (a number or one per row);
        - "quantile" at probability `p`, "median" (continuous families; untruncated).
        """
        from .predict import predict
        return predict(self, newdata, what, x, p, level, offset)

    def _repr_html_(self):
        """The summary table as HTML, for notebooks."""
        return self.summary()._repr_html_()

    def __repr__(self):
        flag = "" if self.converged else ", NOT converged"
        return (f"<RegressionFit {self.family.__name__}: {self.df} coefficients; "
                f"loglik={self.loglik:.6g}, nobs={self.nobs:g}{flag}>")


class RegressionSummary:
    """`str(summary)` prints the table; `.table` is the DataFrame behind it."""

    def __init__(self, fit, level=0.95):
        self.fit = fit
        self.level = level
        ci = fit.confint(level)
        se = fit.se.copy()
        held = [k for k in fit.index if k in fit.fixed]
        se[held] = np.nan
        z = fit.params / se
        self.table = pd.DataFrame({"estimate": fit.params, "se": se, "z": z,
                                   "p": 2 * stats.norm.sf(np.abs(z)),
                                   f"lower {level:.3g}": ci["lower"],
                                   f"upper {level:.3g}": ci["upper"]})

    def __str__(self):
        fit = self.fit
        links = ", ".join(f"{p}: {fit.links[p].name}" for p in fit.param_names)
        head = [f"Regression: {fit.family.__name__} (links {links})",
                f"  log-likelihood {fit.loglik:.6g}   AIC {fit.aic:.6g}   BIC {fit.bic:.6g}",
                f"  n {fit.nobs:g}   coefficients {fit.df}   covariance {fit.cov_type}",
                f"  converged: {'yes' if fit.converged else 'NO'} after {fit.iterations} "
                f"iterations ({fit.message})"]
        body = self.table.to_string(float_format=lambda v: f"{v:.6g}", na_rep="")
        lines = head + ["", body]
        if fit.fixed:
            lines.append("  fixed: " + ", ".join(f"{p}:{t} = {v:g}"
                                                 for (p, t), v in fit.fixed.items()))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        fit = self.fit
        facts = [("links", ", ".join(f"{p}: {fit.links[p].name}" for p in fit.param_names)),
                 ("n", fit.nobs), ("log-likelihood", fit.loglik), ("AIC", fit.aic),
                 ("AICc", fit.aicc), ("BIC", fit.bic), ("coefficients", fit.df),
                 ("covariance", fit.cov_type),
                 ("converged", f"{'yes' if fit.converged else 'NO'} after {fit.iterations} "
                               f"iterations ({fit.message})"),
                 ("intervals", f"Wald, level {self.level:g}")]
        notes = ["fixed: " + ", ".join(f"{p}:{t} = {v:g}" for (p, t), v in fit.fixed.items())
                 ] if fit.fixed else []
        return table_html(f"Regression: {fit.family.__name__}", facts, self.table, notes)
