"""Threshold (three-parameter) lifetime families: a two-parameter family shifted to start at a
threshold γ, X = γ + T. `Weibull3LogLik`, `LogNormal3LogLik`, `Gamma3LogLik`,
`LogLogistic3LogLik` and the two-parameter `Exp2LogLik`; the threshold is the last parameter.

The threshold's space depends on the data: every row with a finite upper bound (an exact
value, a left- or interval-censored row) must lie above it, so it is `bounded(-inf, m)` with m
the smallest such bound, and it is optimized on the scale −log(m − γ) (the bound is part of the
bound log-likelihood; `Family.family()` alone leaves the threshold any real number).

The threshold MLE is non-regular. With a shape below 1 (Weibull, gamma, log-logistic; the
log-normal along a path with sdlog → ∞) the density is infinite at γ, so the likelihood grows
without bound as γ → m: no maximum exists, and the fit's verdict says so (status "boundary",
"threshold → m"). The fitting layer then asks `boundary_estimate` for the reliability
literature's answer (Smith 1985): γ held at m, the smallest failure, and the other parameters
fitted to the rows above it shifted by it (a row at m, where the density is infinite, left
out); the fit reports that estimate, still with status "boundary" and a message saying what
was done. `boundary_estimate=False` (a constructor option, so `fit_mle(..., boundary_estimate=
False)`) keeps the run's own end point instead. reliability's Fit_Weibull_3P bounds γ at
m − 0.0001 instead (a unit constant) and keeps every row; the same estimate here is
`fixed={"threshold": m - 0.0001}`. For the two-parameter exponential the density at γ is the
rate, finite: its supremum is attained at γ = m with every row, which is what is returned.
With a shape above 1 the local maximum is the MLE (regular for a Weibull shape above 2) — see
docs/models.md.
"""

import numpy as np

from ..core.derivatives import gradient
from ..core.lazy import stats
from ..core.ops import exp, lgamma, log, log_ndtr, softplus, square, LOG_SQRT_2PI
from ..core.special import gammainc, gammaincc
from .base import INF, log_interval_by_halves
from .exponential import ExpLogLik
from .gamma import GammaLogLik
from .interval import IntervalData
from .loglik import LogLikGenerator
from .loglogistic import LogLogisticLogLik
from .lognormal import LogNormalLogLik
from .spaces import bounded, space_for
from .weibull import WeibullLogLik

GRID = np.geomspace(1e-3, 3.0, 16)  # threshold starts: m − GRID · (spread of the data)


class ThresholdLogLik(LogLikGenerator):
    """Base class: `base` (a positive-support family) shifted by a threshold, the last
    parameter. Subclasses give the formulae in z = x − threshold."""

    base = None
    support = (-INF, INF)  # of the family alone; a point at or below the threshold has f = 0
    support_text = "x > threshold"
    finite_at_threshold = False  # is the density finite at the threshold for every parameter?

    def __init__(self, x, censored=None, weights=None, truncation=None, event=None,
                 boundary_estimate=True, hold=None):
        super().__init__(x, censored=censored, weights=weights, truncation=truncation,
                         event=event, boundary_estimate=boundary_estimate, hold=hold)
        upper = self._upper[np.isfinite(self._upper)]
        if hold is not None:
            if (upper < hold).any():
                raise ValueError(f"{type(self).__name__}: hold={hold:g} lies above a row's "
                                 f"value {upper[upper < hold].min():g}; the threshold must "
                                 "lie at or below every row")
            upper = upper[upper > hold]
        self.threshold_bound = float(upper.min()) if upper.size else INF
        self.constraints = type(self).constraints[:-1] + (bounded(-INF, self.threshold_bound),)
        self._spaces = tuple(space_for(c) for c in self.constraints)

    def _init_options(self, boundary_estimate=True, hold=None, **options):
        """`boundary_estimate`: give the literature's estimate where no maximum exists (see
        the module); `hold`: a value at or below every row at which a fit may hold the
        threshold (fixed=) with the rows there included — the threshold's space then reaches
        up to the next row above it."""
        super()._init_options(**options)
        if not isinstance(boundary_estimate, (bool, np.bool_)):
            raise TypeError(f"{type(self).__name__}: boundary_estimate must be True or False; "
                            f"got {boundary_estimate!r}")
        if hold is not None:
            try:
                hold = float(hold)
            except (TypeError, ValueError):
                raise TypeError(f"{type(self).__name__}: hold must be a number; got "
                                f"{hold!r}") from None
            if not np.isfinite(hold):
                raise ValueError(f"{type(self).__name__}: hold must be a finite number; got "
                                 f"{hold}")
        return {"boundary_estimate": bool(boundary_estimate), "hold": hold}

    def boundary_estimate(self, edge, estimates):
        """Where a fit found no maximum because the log-likelihood still rises as the threshold
        approaches the smallest value m (`edge` names the parameters at the edge, `estimates`
        maps every parameter to where the run ended): the literature's estimate, as
        (model, fixed, note) for the fitting layer to fit — this family bound to the rows
        without those at m (kept when `finite_at_threshold`), the threshold held at m, and
        what was done in words. None when the threshold is not running to m, the rows give no
        finite estimate there (a censored row ending at m), or `boundary_estimate=False`."""
        m = self.threshold_bound
        if not (self.options["boundary_estimate"] and "threshold" in edge and np.isfinite(m)):
            return None
        with np.errstate(all="ignore"):
            slope = gradient(lambda *p: self(*p), [estimates[n] for n in self.param_names])[-1]
        lo, up = self._lower, self._upper
        at = up == m
        if not slope > 0 or (at & (lo != up)).any():
            return None
        keep = np.ones(self.n, bool) if self.finite_at_threshold else ~at
        if not keep.any():
            return None
        truncation = None if self.truncation is None else tuple(
            v[keep] if np.ndim(v) else v for v in self.truncation)  # per-row bounds follow
        held = type(self)(IntervalData(lo[keep], up[keep]),
                          weights=None if self._weights is None else self._weights[keep],
                          truncation=truncation,
                          **dict(self.options, boundary_estimate=False, hold=m))
        others = ", ".join(self.param_names[:-1])
        if self.finite_at_threshold:
            note = (f"returned the supremum: threshold at the smallest value {m:g} (the density "
                    f"is finite there), {others} fitted to every row")
        else:
            left_out = float(self.weights[at].sum())
            note = (f"returned the literature's estimate (Smith 1985): threshold held at the "
                    f"smallest value {m:g}, {others} fitted to the rows above it "
                    f"({left_out:g} row(s) at {m:g}, where the density is infinite, left out)")
        return held, {"threshold": m}, note + (
            " (the threshold, taken from the data, counts as fixed in df, AIC and BIC); "
            "boundary_estimate=False keeps the run's end")

    def _ends(self, args):
        return args[-1].data, INF

    def _start(self):
        """The best, by log-likelihood, of thresholds m − r·spread (r on a geometric grid), each
        with the base family's data-based start on the rows shifted by it."""
        lo, hi = self._lower, self._upper
        finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)]])
        m = self.threshold_bound if np.isfinite(self.threshold_bound) else float(finite.max())
        if self.options["hold"] is not None:  # rows may lie at the held value
            m = min(m, self.options["hold"])
        spread = float(finite.max() - finite.min()) or abs(m) or 1.0
        best, best_ll = None, -INF
        for r in GRID:
            t = m - r * spread
            with np.errstate(all="ignore"):
                base = self.base(IntervalData(lo - t, hi - t), weights=self._weights)
                start = base.start()
                ll = float(self(*start.values(), t).data)
            if np.isfinite(ll) and ll > best_ll:
                best, best_ll = dict(start, threshold=t), ll
        return best if best is not None else dict(base.start(), threshold=m - spread)

    def _z(self, x, threshold):
        return x - threshold


class Weibull3LogLik(ThresholdLogLik):
    """Three-parameter Weibull: density (k/λ)((x−γ)/λ)^(k−1) exp(−((x−γ)/λ)^k) for x > γ, with
    shape k > 0, scale λ > 0 and threshold γ (reliability's Weibull_3P alpha=λ, beta=k,
    gamma=γ; scipy's weibull_min(k, loc=γ, scale=λ))."""

    name = "weibull3"
    param_names = ("shape", "scale", "threshold")
    constraints = ("positive", "positive", "real")
    base = WeibullLogLik

    def _logpdf(self, x, shape, scale, threshold):
        z = log(self._z(x, threshold)) - log(scale)
        return log(shape) - log(scale) + (shape - 1.0) * z - exp(shape * z)

    def _logsf(self, x, shape, scale, threshold):
        return -exp(shape * (log(self._z(x, threshold)) - log(scale)))

    def _loghazard(self, x, shape, scale, threshold):
        z = log(self._z(x, threshold)) - log(scale)
        return log(shape) - log(scale) + (shape - 1.0) * z

    def _scipy(self, shape, scale, threshold):
        return stats.weibull_min(shape, loc=threshold, scale=scale)


class LogNormal3LogLik(ThresholdLogLik):
    """Three-parameter log-normal: log(X − γ) is normal with mean meanlog and sd sdlog, x > γ
    (reliability's Lognormal_3P mu, sigma, gamma; scipy's lognorm(sdlog, loc=γ,
    scale=exp(meanlog))). Its likelihood is unbounded as γ → the smallest value for every
    sample (Hill 1963); the local maximum, where there is one, is the estimate in use."""

    name = "lognormal3"
    param_names = ("meanlog", "sdlog", "threshold")
    constraints = ("real", "positive", "real")
    base = LogNormalLogLik

    def _logpdf(self, x, meanlog, sdlog, threshold):
        logz = log(self._z(x, threshold))
        return -0.5 * square((logz - meanlog) / sdlog) - log(sdlog) - LOG_SQRT_2PI - logz

    def _logcdf(self, x, meanlog, sdlog, threshold):
        return log_ndtr((log(self._z(x, threshold)) - meanlog) / sdlog)

    def _logsf(self, x, meanlog, sdlog, threshold):
        return log_ndtr((meanlog - log(self._z(x, threshold))) / sdlog)

    def _scipy(self, meanlog, sdlog, threshold):
        return stats.lognorm(sdlog, loc=threshold, scale=np.exp(meanlog))


class Gamma3LogLik(ThresholdLogLik):
    """Three-parameter gamma: density r^k (x−γ)^(k−1) e^(−r(x−γ)) / Γ(k) for x > γ, with shape
    k > 0, rate r > 0 and threshold γ (scipy's gamma(k, loc=γ, scale=1/r))."""

    name = "gamma3"
    param_names = ("shape", "rate", "threshold")
    constraints = ("positive", "positive", "real")
    base = GammaLogLik

    def _logpdf(self, x, shape, rate, threshold):
        z = self._z(x, threshold)
        return shape * log(rate) + (shape - 1.0) * log(z) - rate * z - lgamma(shape)

    def _logcdf(self, x, shape, rate, threshold):
        return log(gammainc(shape, rate * self._z(x, threshold)))

    def _logsf(self, x, shape, rate, threshold):
        return log(gammaincc(shape, rate * self._z(x, threshold)))

    def _log_interval(self, lo, hi, shape, rate, threshold):
        z_lo, z_hi = rate * self._z(lo, threshold), rate * self._z(hi, threshold)
        return log_interval_by_halves(gammainc(shape, z_lo), gammainc(shape, z_hi),
                                      gammaincc(shape, z_lo), gammaincc(shape, z_hi))

    def _scipy(self, shape, rate, threshold):
        return stats.gamma(shape, loc=threshold, scale=1.0 / rate)


class LogLogistic3LogLik(ThresholdLogLik):
    """Three-parameter log-logistic: F(x) = 1 / (1 + ((x−γ)/α)^(−β)) for x > γ, with shape β > 0,
    scale α > 0 and threshold γ (reliability's Loglogistic_3P; scipy's fisk(β, loc=γ,
    scale=α))."""

    name = "loglogistic3"
    param_names = ("shape", "scale", "threshold")
    constraints = ("positive", "positive", "real")
    base = LogLogisticLogLik

    def _y(self, x, shape, scale, threshold):
        return shape * (log(self._z(x, threshold)) - log(scale))

    def _logpdf(self, x, shape, scale, threshold):
        y = self._y(x, shape, scale, threshold)
        return log(shape) - log(self._z(x, threshold)) + y - 2.0 * softplus(y)

    def _logcdf(self, x, shape, scale, threshold):
        return -softplus(-self._y(x, shape, scale, threshold))

    def _logsf(self, x, shape, scale, threshold):
        return -softplus(self._y(x, shape, scale, threshold))

    def _scipy(self, shape, scale, threshold):
        return stats.fisk(shape, loc=threshold, scale=scale)


class Exp2LogLik(ThresholdLogLik):
    """Two-parameter exponential: density rate·exp(−rate(x−γ)) for x > γ (reliability's
    Exponential_2P Lambda, gamma; scipy's expon(loc=γ, scale=1/rate)). Its likelihood rises
    in γ up to the smallest value m, so with exact rows the MLE is γ = m, at the edge of the
    space: a fit reports "boundary" there and returns γ = m with rate = d / Σ w (x − m), the
    exponential fitted to every row shifted by m."""

    name = "exponential2"
    param_names = ("rate", "threshold")
    constraints = ("positive", "real")
    base = ExpLogLik
    finite_at_threshold = True

    def _logpdf(self, x, rate, threshold):
        return log(rate) - rate * self._z(x, threshold)

    def _logsf(self, x, rate, threshold):
        return -rate * self._z(x, threshold)

    def _scipy(self, rate, threshold):
        return stats.expon(loc=threshold, scale=1.0 / rate)
