"""Student t, location-scale: f(x) = t_df((x − location)/scale) / scale
(scipy's t(df, loc, scale))."""

import math

import numpy as np
from scipy import special

from ..core.lazy import stats
from ..core.ops import lgamma_half_ratio, log, log1p, sign, sqrt, square, where
from ..core.ops import lgamma_half_ratio_plain as half_ratio
from ..core.quadratic import QuadraticData, log1p_square_sum
from ..core.special import betainc
from .base import total_weight
from .loglik import LogLikGenerator
from .starts import newton_ascent, sample_quantiles, start_data, start_sample


class StudentTLogLik(LogLikGenerator):
    """Location-scale Student t log-likelihood with location μ, scale s > 0 and degrees of
    freedom ν > 0: density Γ((ν+1)/2) / (Γ(ν/2) √(νπ) s) · (1 + z²/ν)^(−(ν+1)/2),
    z = (x − μ)/s (R's dt(z, df) / s; scipy's t(df, loc, scale)).

    Exact rows enter through Σ wᵢ log(1 + zᵢ²/ν), a `log1p_square_sum` node in (μ, s√ν): value,
    gradient and Hessian share one pass per (μ, s, ν).
    Censored rows use F(z) = I_x(ν/2, ν/2), x = (1 + z/√(ν+z²))/2 (derivatives in ν exact,
    see `femtograd.core.special`).
    """

    name = "studentt"
    param_names = ("location", "scale", "df")
    constraints = ("real", "positive", "positive")

    def _logpdf(self, x, location, scale, df):
        z = (x - location) / scale
        return (_log_constant(df) - log(scale) - 0.5 * (df + 1.0) * log1p(square(z) / df))

    def _logcdf_z(self, z, df):
        """log F(z) of the standard t through the tail beyond |z|, u = F(−|z|) = I_x(ν/2, ν/2)
        with x = (1 − |z|/√(ν+z²))/2: log u for z < 0, log(1 − u) for z ≥ 0 (no cancellation).
        x moves smoothly through 1/2 at z = 0, so the derivatives stay finite there (through
        ν/(ν+z²) they were 0·inf); −|z| is taken as a selection (−z or z), whose derivative on
        each side is exact. One incomplete beta per row serves both branches."""
        upper = sign(z) + 1.0  # z ≥ 0
        half = 0.5 * df
        tail = betainc(half, half, _cdf_x(where(upper, -z, z), df))
        return where(upper, log1p(-tail), log(tail))

    def _logcdf(self, x, location, scale, df):
        return self._logcdf_z((x - location) / scale, df)

    def _logsf(self, x, location, scale, df):
        return self._logcdf_z((location - x) / scale, df)

    def _reduce(self, x, w, cx, cw):
        # the max stands for the data's: a +inf row shows in it (see LogLikGenerator)
        return total_weight(w, x), float(x.max()), QuadraticData(x, w)

    def _loglik_reduced(self, stats, location, scale, df):
        total, _, data = stats
        return (total * (_log_constant(df) - log(scale))
                - 0.5 * (df + 1.0) * log1p_square_sum(location, scale * sqrt(df), data))

    def _start(self):
        """Location the median and scale the quartiles' half-distance over the t's, at the df of
        a grid whose log-likelihood there is largest, on a `start_sample` of the rows. Then,
        with every row exact, Newton steps in floats towards the MLE (so that a fit from there
        only confirms it; they stop at df = _DF_MAX), else EM steps for location and scale at
        that df."""
        reduced = self._reduced_only()
        x, w = (self._stats[2].x, self._stats[2].weights) if reduced \
            else self._start_values(sample=True)
        x, w = start_sample(x, w)
        q1, med, q3 = sample_quantiles(x, w, (0.25, 0.5, 0.75))
        total = x.size if w is None else w.sum()

        def wsum(v, axis=None):
            return v.sum(axis=axis) if w is None else np.einsum("...i,i->...", v, w)

        half = 0.5 * (q3 - q1)
        if not half > 0:
            return {"location": med, "scale": 1.0, "df": _DFS[0]}
        scales = half / _QUARTILES  # scale at each df of the grid
        u = np.square((x - med) / half)
        lls = total * (_LOG_C - np.log(scales)) - 0.5 * (_DFS + 1.0) * wsum(
            np.log1p(np.multiply.outer(_QUARTILES ** 2 / _DFS, u)), axis=-1)
        i = int(np.argmax(np.where(np.isfinite(lls), lls, -np.inf)))
        df, loc, scale = float(_DFS[i]), med, float(scales[i])
        if 0 < i < _DFS.size - 1 and np.all(np.isfinite(lls[i - 1:i + 2])):
            df = _vertex(np.log(_DFS[i - 1:i + 2]), lls[i - 1:i + 2], df)
            scale = half / float(special.stdtrit(df, 0.75))
        if reduced:
            data = start_data(self._stats[2])
            loc, scale, df = newton_ascent(_local_derivatives(data), _move, (loc, scale, df),
                                           self._spaces, last_step=data is self._stats[2])
            return {"location": loc, "scale": scale, "df": df}
        for _ in range(5):  # EM steps for location and scale at this df
            v = (df + 1.0) / (df + ((x - loc) / scale) ** 2)
            loc = wsum(v * x) / wsum(v)  # (a floor relative to the data's spread)
            scale = max(np.sqrt(wsum(v * (x - loc) ** 2) / total), 1e-12 * half)
        return {"location": float(loc), "scale": float(scale), "df": df}

    def _ppf(self, q, location, scale, df):
        t = np.where(q > 0, special.stdtrit(df, q), -np.inf)  # stdtrit(df, 0) is +inf
        return location + scale * t

    def _scipy(self, location, scale, df):
        return stats.t(df, loc=location, scale=scale)


def _log_constant(df):
    """log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ), the density's constant, as
    h(ν/2) − ½ log 2π with h(a) = log Γ(a + ½) − log Γ(a) − ½ log a (`lgamma_half_ratio`):
    the two log Γ grow like ν log ν, and their difference lost all but a few digits at the
    large df of nearly normal data, enough to give the log-likelihood false maxima there."""
    return lgamma_half_ratio(0.5 * df) - _HALF_LOG_2PI


_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)

_DFS = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 100.0])  # the start's grid of df values
_QUARTILES = special.stdtrit(_DFS, 0.75)  # the standard t's upper quartile at each
_LOG_C = special.gammaln(0.5 * (_DFS + 1.0)) - special.gammaln(0.5 * _DFS) - 0.5 * np.log(_DFS * np.pi)
_DF_MAX = float(_DFS[-1])  # the start's Newton steps stop there (see `_move`)


def _vertex(log_dfs, lls, df):
    """The df at the top of the parabola in log df through three grid points whose middle
    one is highest (`df`, kept where the three are collinear)."""
    (x0, x1, x2), (y0, y1, y2) = log_dfs.tolist(), lls.tolist()
    below = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0)
    if not below > 0:
        return df
    top = x1 - 0.5 * ((x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0)) / below
    return math.exp(min(max(top, x0), x2))


def _local_derivatives(data):
    """evaluate(point) for `newton_ascent`: at (μ, s, ν), the log-likelihood (less
    n log √π) and its derivatives in the shift of μ in units of c = s√ν, in log s and in
    log ν, from one pass over `data` at (μ, c) (`QuadraticData.sums`: z = (x − μ)/c,
    r = 1/(1 + z²), S_pq = Σ w zᵖ rᵠ, T = Σ w, L = Σ w log(1 + z²), k = (ν + 1)/2).

    In (μ, c, ν) the log-likelihood is T(log Γ(k) − log Γ(ν/2) − log c) − k L: the Cauchy's
    kernel times k, with ν apart from it (log Γ(k) − log Γ(ν/2) = h(ν/2) + ½ log(ν/2), h the
    `lgamma_half_ratio`, and its derivatives ψ(k) − ψ(ν/2) = h′ + 1/ν and
    ψ′(k) − ψ′(ν/2) = h″ − 2/ν²); the derivatives are taken in log c and log ν, then
    carried to log s = log c − ½ log ν (along log ν at fixed s, log c moves by half as much),
    where s and ν are less entangled for large ν."""
    total = data.total

    def evaluate(point):
        location, scale, df = point
        c = scale * math.sqrt(df)  # as the log-likelihood computes it: the same pass
        log_sum, s01, s11, s02, s12 = data.sums(location, c)
        k, half = 0.5 * (df + 1.0), 0.5 * df
        f = total * (half_ratio(half) + 0.5 * math.log(half) - math.log(c)) - k * log_sum
        g_a, g_c = 2.0 * k * s11, df * total - (df + 1.0) * s01
        g_df = 0.5 * df * (total * (half_ratio(half, n=1) + 1.0 / df) - log_sum)
        h_aa, h_ac, h_cc = 2.0 * k * (s01 - 2.0 * s02), -4.0 * k * s12, -4.0 * k * (s01 - s02)
        h_adf, h_cdf = df * s11, df * (total - s01)
        h_dfdf = 0.25 * df * df * total * (half_ratio(half, n=2) - 2.0 / (df * df)) + g_df
        h_cdf_s = h_cdf + 0.5 * h_cc  # (log c, log ν) → (log s, log ν)
        return f, [g_a, g_c, g_df + 0.5 * g_c], [
            [h_aa, h_ac, h_adf + 0.5 * h_ac],
            [h_ac, h_cc, h_cdf_s],
            [h_adf + 0.5 * h_ac, h_cdf_s, h_dfdf + h_cdf + 0.25 * h_cc]]
    return evaluate


def _move(point, d):
    """The point a local step leads to; None past df = _DF_MAX, where the log-likelihood is
    all but flat in df (its maximum may lie at infinity): the fit takes over there."""
    location, scale, df = point
    df_new = df * math.exp(d[2])
    if not df_new <= _DF_MAX:
        return None
    return location + scale * math.sqrt(df) * d[0], scale * math.exp(d[1]), df_new


def _cdf_x(z, df):
    """x with F(z) = I_x(ν/2, ν/2) for z ≤ 0: (s + z)/(2s) = ν/(2s(s − z)), s = √(ν + z²), in
    the form that does not cancel."""
    s = sqrt(df + square(z))
    return df / (2.0 * s * (s - z))
