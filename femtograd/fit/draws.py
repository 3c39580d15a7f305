"""The nonparametric bootstrap's resamples: how many times each row is drawn, as counts.

A resample draws N = round(Σw) rows with replacement, row i with probability pᵢ = wᵢ / Σw, so
its counts are Multinomial(N, p). Two ways give that law, chosen by cost (`resample_counts`):

- index draws: N row indices per resample, counted by one `np.add.at` into a block of
  resamples' rows (each resample's indices offset by its row). Uniform indices (`rng.integers`) when all
  weights are equal; else Walker's alias table from one uniform a draw (its integer part the
  cell, its fraction the coin). About 3 ns (equal weights) or 9 ns (alias) a draw: O(N)
  per resample.
- numpy's multinomial, one binomial per row (about 40–90 ns each): O(rows) per resample,
  the cheaper way when N is many times the number of rows (frequency-weighted grouped data).

Index draws are used while N ≤ INDEX_RATIO · rows. Either way each resample takes its draws
from the generator in order, one after another, a block of at most BLOCK_CELLS cells (indices
or counts) at a time: a seed gives the same resamples whatever the chunk size, the number of
worker processes or the number of replicates (the first ones do not change when more are
asked), and memory stays bounded.
"""

import numpy as np

MAX_ROWS = np.iinfo(np.int64).max  # the most rows one draw can place
BLOCK_CELLS = 1 << 18  # indices (or counts) drawn at once, at most
INDEX_RATIO = 4  # index draws while N ≤ this many times the rows (a binomial costs ~4 draws)


def resample_size(w):
    """How many rows a resample draws: round(Σw). A resample of no rows or of copies of one
    row says nothing about the spread of the estimates (it would report SE 0), and beyond
    int64 no draw can be made: both are refused."""
    total = float(w.sum())
    if not total < MAX_ROWS:
        raise ValueError(f"the weights sum to {total:.6g}: a resample of that many rows cannot "
                         f"be drawn (at most {MAX_ROWS}); no nonparametric bootstrap")
    if round(total) < 2 or np.count_nonzero(w) < 2:
        raise ValueError(f"a resample would hold {round(total)} row(s) drawn from "
                         f"{np.count_nonzero(w)} row(s) of positive weight (the weights sum to "
                         f"{total:.6g}): replicates need at least 2 rows from at least 2 "
                         "distinct rows, or every one repeats the same data (SE 0 from nothing)")
    return round(total)


def resample_counts(w, n, rng, size):
    """n resamples of the rows of weights `w` (module docstring), lazily, as float matrices
    of up to `size` resamples, one resample's counts a row (whole counts: the refits take
    them as frequency weights)."""
    w = np.asarray(w, dtype=float)
    total = resample_size(w)
    fill = _multinomial(w, total) if total > INDEX_RATIO * w.size else _indexed(w, total)
    for start in range(0, n, size):
        out = np.empty((min(size, n - start), w.size))
        fill(out, rng)
        yield out


def _multinomial(w, total):
    """fill(out, rng): each row of `out` one multinomial draw of `total` over p ∝ w."""
    p = w / w.sum()
    step = max(1, BLOCK_CELLS // w.size)

    def fill(out, rng):
        for i in range(0, len(out), step):
            out[i:i + step] = rng.multinomial(total, p, size=min(step, len(out) - i))
    return fill


def _indexed(w, total):
    """fill(out, rng): each row of `out` the counts of `total` row indices drawn with
    probabilities ∝ w, added into it (`np.add.at`, each resample's indices offset by its row)
    a block of at most BLOCK_CELLS indices at a time (a resample of more indices than that in
    pieces)."""
    rows = w.size
    draw = _uniform(rows) if np.all(w == w[0]) else _alias(w)
    step, span = max(1, BLOCK_CELLS // total), min(total, BLOCK_CELLS)
    offsets = np.arange(0, step * rows, rows)[:, None]

    def fill(out, rng):
        for i in range(0, len(out), step):
            m = min(step, len(out) - i)
            counts = out[i:i + m].reshape(-1)  # (a view: the rows of `out` are contiguous)
            counts.fill(0.0)
            for j in range(0, total, span):
                index = draw(rng, (m, min(span, total - j)))
                index += offsets[:m]
                np.add.at(counts, index.ravel(), 1.0)
    return fill


def _uniform(rows):
    """draw(rng, shape): row indices, each row equally likely."""
    return lambda rng, shape: rng.integers(0, rows, size=shape)


def _alias(w):
    """draw(rng, shape): row indices, row i with probability wᵢ / Σw, by Walker's alias table
    (`alias_table`) from one uniform u a draw: cell ⌊u·rows⌋, kept when the fraction of u·rows
    is below its probability, else its alias. (u < 1 makes u·rows < rows in floating point.)"""
    keep, alias = alias_table(w)
    rows = w.size

    def draw(rng, shape):
        u = rng.random(shape)
        u *= rows
        cell = u.astype(np.intp)
        u -= cell
        return np.where(u < keep[cell], cell, alias[cell])
    return draw


def alias_table(w):
    """(keep, alias) of Walker's alias method for p ∝ w: cell i yields row i with probability
    keep[i], else row alias[i], so that (keep[i] + Σ_{alias[c]=i} (1 − keep[c])) / rows = pᵢ.

    Vose's pairing, in arrays: with qᵢ = rows·pᵢ, the light rows (q < 1) in order take their
    deficits 1 − q, one after another, from the heavy rows (q ≥ 1) in order. A light row is
    aliased to the first heavy row whose cumulative excess Σ(q − 1) covers the deficits before
    it; a heavy row, once the deficits pass its cumulative excess, keeps what is left and is
    aliased to the next heavy row (which first pays that row's own deficit)."""
    rows = w.size
    q = w * (rows / w.sum())
    light, heavy = np.flatnonzero(q < 1), np.flatnonzero(q >= 1)
    keep, alias = np.ones(rows), np.arange(rows)
    if light.size == 0 or heavy.size == 0:  # (none heavy: every q is 1 to rounding)
        return keep, alias
    deficits = np.cumsum(1 - q[light])
    excess = np.cumsum(q[heavy] - 1)
    before = np.concatenate(([0.0], deficits[:-1]))  # the deficits taken before each light
    # row's: the very sums `passed` reads, so that a tie sends a deficit to one heavy row in both
    donor = np.minimum(np.searchsorted(excess, before, side="left"), heavy.size - 1)
    keep[light], alias[light] = q[light], heavy[donor]
    passed = np.searchsorted(deficits, excess[:-1], side="right")  # first deficit beyond it
    spent = passed < light.size
    j = np.flatnonzero(spent)
    keep[heavy[j]] = 1 - (deficits[passed[j]] - excess[j])
    alias[heavy[j]] = heavy[j + 1]
    return keep, alias
