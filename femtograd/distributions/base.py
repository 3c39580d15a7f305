"""Shared helpers for the families' sufficient statistics and starts: weighted sums,
moments and quantiles (a weight array None means every row counts once). The statistics'
helpers also take a weight matrix (R, n), the weights of R replicates of the same rows (a
bootstrap's resamples), and then give one number per replicate, an array of length R.
"""

import numpy as np

from ..core.ops import inner, inner_rows, log, sign, where

INF = np.inf


def total_weight(w, x):
    """Σ wᵢ over the rows of `x`: their number when `w` is None (each row counted once); for a
    weight matrix, one per replicate by `inner_rows` (a third of the time of `w.sum(axis=1)`,
    whose pairwise sums along short rows are slow)."""
    if w is None:
        return float(x.size)
    return float(w.sum()) if w.ndim == 1 else inner_rows(w, np.ones(w.shape[-1]))


def wsum(w, v):
    """Σ wᵢ vᵢ, or Σ vᵢ when `w` is None (each row counted once); `inner`, a BLAS dot without
    its threads (they stall when the machine is busy); for a weight matrix, one sum per row
    of it (of `v`'s row too when `v` is a matrix)."""
    if w is None:
        return float(v.sum())
    if w.ndim == 1:
        return inner(w, v)
    return np.einsum("rn,rn->r", w, v) if v.ndim == 2 else inner_rows(w, v)


BLOCK = 1 << 16  # rows per block of a blockwise pass: 512 KiB of float64, cache-sized


def weighted_moments(x, w, total=None):
    """Total weight, weighted mean and centred sum of squares (two-pass, so accurate).

    `w` None counts each row once; `total`, Σw, when the caller has it. The second pass
    centres one cache-sized block at a time: no temporary the size of the data, and each
    block is squared while it is in cache.
    """
    total = total_weight(w, x) if total is None else total
    mean = wsum(w, x) / total
    return total, mean, centred_squares(x, w, mean, total)


EPS = float(np.finfo(float).eps)
ROUNDING_ULPS = 8.0
"""A spread within this many ulps of its terms is their rounding: rows of one value, whose
computed mean (or mean log) is off by a few ulps; no maximum is found from it (the gamma's
`spread`; `centred_squares` per √n rows: 23 ulps seen in the mean of 1000 weighted rows, as a
sum's rounding grows with its length)."""


def centred_squares(x, w, mean, total=None):
    """Σ wᵢ (xᵢ − mean)² about the (weighted) mean of `x` (`_centred_squares`), and 0 where that
    is at most Σw·n·(ROUNDING_ULPS·eps·mean)², the rounding of the mean over n rows: rows of
    one value have no spread, whatever ulps their mean is off by (a normal's σ would
    otherwise have a "maximum" at 1e-16 of the mean). `total`, Σw (per replicate for a
    weight matrix), when the caller has it."""
    if total is None:
        total = x.size if w is None else total_weight(w, x)
    ss = _centred_squares(x, w, mean, total)
    floor = total * x.size * (ROUNDING_ULPS * EPS * mean) ** 2
    return np.where(ss <= floor, 0.0, ss) if isinstance(ss, np.ndarray) else \
        (0.0 if ss <= floor else ss)


def _centred_squares(x, w, mean, total):
    """Σ wᵢ (xᵢ − mean)². Unweighted, as Σ xᵢ² − n·mean² (one dot, nothing subtracted row by
    row) when that cancels at most one bit (n·mean² ≤ the result, so Σ xᵢ² is at most twice
    it); otherwise one cache-sized block at a time (see `weighted_moments`). For a weight
    matrix, each replicate about its own mean (`_centred_squares_of_many`)."""
    if w is None:
        with np.errstate(over="ignore", invalid="ignore"):  # then blockwise
            shift = x.size * mean * mean
            ss = inner(x, x) - shift
        if shift <= ss < INF:  # (Σ xᵢ² overflows before the result would)
            return ss
    if w is not None and w.ndim == 2:
        return _centred_squares_of_many(x, w, mean, total)
    ss = 0.0
    buf = np.empty(min(x.size, BLOCK))
    wd = None if w is None else np.empty_like(buf)
    for i in range(0, x.size, BLOCK):
        block = x[i:i + BLOCK]
        d = np.subtract(block, mean, out=buf[:block.size])
        ss += inner(d, d if w is None else np.multiply(w[i:i + BLOCK], d, out=wd[:d.size]))
    return ss


def _centred_squares_of_many(x, w, mean, total):
    """Σᵢ w_ri (xᵢ − mean_r)² for each row r of a weight matrix, from two products about one
    centre c for all of them (the data's mean): with S₁ = Σ w (x − c), S₂ = Σ w (x − c)² and
    t = mean − c, the sum is S₂ − t (2 S₁ − t Σw), an identity, so no (R, n) temporary. Where
    t² Σw exceeds the result (more than one bit cancelled: weights far from the data's
    centre) those rows are summed about their own means."""
    c = float(np.mean(x)) if x.size else 0.0
    d = x - c
    s1, s2 = wsum(w, d), wsum(w, d * d)
    t = mean - c
    with np.errstate(invalid="ignore", over="ignore"):
        ss = s2 - t * (2.0 * s1 - t * total)
        redo = ~(t * t * total <= ss)
    if redo.any():
        e = x - mean[redo, None]
        ss[redo] = wsum(w[redo], e * e)
    return ss


def weighted_mean_var(x, w):
    """Weighted mean and variance (divisor Σw) of a start's values `x` and weights `w`."""
    total, mean, ss = weighted_moments(x, w)
    return mean, ss / total


def weighted_quantiles(x, w, probs):
    """For each probability in `probs`, the smallest value of `x` whose share of the total
    weight, counted from the smallest value up, reaches it."""
    order = np.argsort(x)
    cum = np.cumsum(w[order]) / w.sum()
    return [x[order][min(np.searchsorted(cum, q), x.size - 1)] for q in probs]


def log_interval_by_halves(cdf_lo, cdf_hi, sf_lo, sf_hi):
    """log(F(hi) − F(lo)) as F(hi) − F(lo) while F(lo) < 1/2 and as S(lo) − S(hi) from there
    on, so that neither difference cancels; the choice follows the parameters as they move."""
    upper_half = sign(cdf_lo - 0.5) + 1.0
    return log(where(upper_half, sf_lo - sf_hi, cdf_hi - cdf_lo))
