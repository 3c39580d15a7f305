"""Pareto type I: S(x) = (x/scale)^(−shape), x ≥ scale (actuar's dpareto1(x, shape, min)),
with the scale held fixed: by default the smallest value in the data."""

import numpy as np

from ..core.lazy import stats
from ..core.ops import exp, log
from ..core.value import Value
from .base import INF, total_weight, wsum
from .loglik import LogLikGenerator
from .interval import IntervalData


class ParetoLogLik(LogLikGenerator):
    """Pareto (type I) log-likelihood: density α θ^α / x^(α+1) for x ≥ θ, with shape α > 0 and a
    known scale θ > 0, the lower end of the support (actuar's dpareto1(x, shape, min); scipy's
    pareto(α, scale=θ)). The only parameter fitted is the shape.

    The scale is a constructor keyword, `scale=`. Its MLE is the smallest observation: the
    likelihood increases in θ up to the data's minimum and is zero beyond it, a non-regular
    estimate (it converges at rate n, not √n, and lies above θ; no information matrix, no Wald
    interval). So the scale is not a parameter of the fit: given, it is known; omitted, it is
    the smallest value in the data (exact values, censoring times and finite interval ends),
    which with exact data is its MLE. The shape's MLE and standard error are then those
    conditional on the scale; with exact data the shape's MLE, d / Σ w log(x/θ), equals the
    joint MLE (its bias is then a factor n/(n − 2): (n − 2)/n times it is unbiased). AIC and
    BIC count the shape only: a scale taken from the data is one more estimated parameter when
    comparing with families that fit all of theirs.
    """

    name = "pareto"
    param_names = ("shape",)
    constraints = ("positive",)
    support = (0.0, INF)  # of the family; a generator's own starts at its scale
    support_text = "x >= scale"
    reduces_right = True

    def __init__(self, x, censored=None, weights=None, truncation=None, scale=None):
        if scale is None:
            scale = _smallest(x, type(self).__name__)
        super().__init__(x, censored=censored, weights=weights, truncation=truncation,
                         scale=scale)

    def _init_options(self, scale=None, **options):
        super()._init_options(**options)
        cls = type(self).__name__
        try:
            scale_f = float(scale)
        except (TypeError, ValueError):
            raise TypeError(f"{cls}: scale must be a number; got {scale!r}") from None
        if not (np.isfinite(scale_f) and scale_f > 0):
            raise ValueError(f"{cls}: scale must be positive and finite; got {scale!r}")
        self.scale = scale_f
        self.support = (scale_f, INF)
        self.support_text = f"x >= scale = {scale_f:g}"
        return {"scale": scale_f}

    def _logpdf(self, x, shape):
        return log(shape) - self._cached("log_ratio", x, self._log_ratio) * (shape + 1.0) \
            - np.log(self.scale)

    def _logsf(self, x, shape):
        return -shape * self._cached("log_ratio", x, self._log_ratio)

    def _log_ratio(self, x):
        """log(x/θ) as log1p((x − θ)/θ): x − θ is exact near θ, where x/θ would round."""
        return np.log1p((x - self.scale) / self.scale)

    reduces_many = True  # `_reduce` takes a weight matrix too (`statistics`)

    def _reduce(self, x, w, cx, cw):
        """(d, Σ_exact w r, Σ w r) with r = log(x/θ): over the exact rows (d their weight), then
        with the right-censored ones too. The log-likelihood is
        d(log α − log θ) − α Σ w r − Σ_exact w r."""
        exact = wsum(w, self._log_ratio(x))
        right = 0.0 if cx is None else wsum(cw, self._log_ratio(cx))
        return total_weight(w, x), exact, exact + right

    def _loglik_reduced(self, stats, shape):
        d, exact, every = stats
        return d * (log(shape) - np.log(self.scale)) - shape * every - exact

    def _start(self):
        """The closed-form MLE d / Σ w log(x/θ) when the statistics hold every row, otherwise
        the same from each row's representative value."""
        if self._reduced_only() and self._stats[2] > 0:
            d, _, every = self._stats
        else:
            x, w = self._start_values()
            d, every = w.sum(), np.dot(w, np.log(np.maximum(x, self.scale) / self.scale))
        return {"shape": d / every if every > 0 else 1.0}

    def _quantile(self, q, shape):
        return self.scale * exp(-np.log1p(-q) / shape)

    def _scipy(self, shape):
        return stats.pareto(shape, scale=self.scale)


def _smallest(x, cls):
    """The smallest finite value among the rows' bounds (the default scale)."""
    if isinstance(x, IntervalData):
        values = np.concatenate([x.lower, x.upper])
    else:
        values = np.asarray(x.data if isinstance(x, Value) else x, dtype=float).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        raise ValueError(f"{cls}: no positive finite value in the data to take as the scale; "
                         "give scale=")
    return float(values.min())
