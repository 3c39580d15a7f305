"""Rows in blocks: a bound log-likelihood cut into runs of rows.

A log-likelihood, its gradient and its Hessian are sums over rows, so a generator bound to
n rows equals the sum of generators bound to any partition of them. Shards (in memory or on
Dask) cut the rows into consecutive slices (`bind_rows`); the bounded-memory evaluation of
per-row graphs (`row_pieces`) keeps the rows the sufficient statistics hold in one generator
and cuts only the rows evaluated one by one into blocks, kind by kind.
"""

import re
from functools import partial

import numpy as np

from .interval import IntervalData
from .rows import truncated_per_row, truncation_at
from .truncated import Truncated

BLOCK_ROWS = 1 << 14  # rows per block of a per-row graph
_ROW = re.compile(r"\brow (\d+)\b")


def cuts(n, k):
    """The k (start, stop) pairs that cut n rows into consecutive, nearly equal runs."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"the number of shards must be a positive integer; got {k!r}")
    if k > n:
        raise ValueError(f"cannot cut {n} rows into {k} shards: give at most {n}")
    edges = [n * i // k for i in range(k + 1)]
    return list(zip(edges[:-1], edges[1:]))


def needs_blocks(gen, block_rows=BLOCK_ROWS):
    """True when `gen` evaluates more than `block_rows` rows one by one (rows its sufficient
    statistics do not hold, or rows under per-row truncation), so its graph should run in
    blocks."""
    if gen.n <= block_rows:
        return False
    return sum(grp.x.size for kind, grp in gen.rows.present()
               if not _reduced(gen, kind)) > block_rows


def _reduced(gen, kind):
    """Do the sufficient statistics of `gen` hold its rows of this kind (with the truncation
    a number for every row)?"""
    if gen._stats is None or truncated_per_row(gen.truncation):
        return False
    return kind == "exact" or (kind == "right" and gen.reduces_right)


def row_pieces(gen, block_rows=BLOCK_ROWS):
    """Generators whose log-likelihoods sum to `gen`'s, each bound when called: for each kind of
    row, one generator of all its rows when the sufficient statistics hold them (an evaluation
    costs O(1) in the rows), otherwise one per run of at most `block_rows` of its rows.
    Returns [(kept, bind)]: `kept` is True for the statistics' generators (bound once and kept).

    A piece reads views of the rows' bounds as `gen` holds them (clipped to the truncation), so
    binding it copies no more than its rows' censoring and (per-row) truncation bounds."""
    pieces = []
    for kind, grp in gen.rows.present():
        truncation = gen.truncation
        if truncated_per_row(truncation):  # this kind's bounds gathered once, sliced per block
            truncation = tuple(grp.at(b) for b in truncation)
        if _reduced(gen, kind):
            pieces.append((True, partial(_bind_group, gen, kind, grp, slice(None), truncation)))
            continue
        for a, b in cuts(grp.x.size, -(-grp.x.size // block_rows)):
            pieces.append((False, partial(_bind_group, gen, kind, grp, slice(a, b), truncation)))
    return pieces


def _bind_group(gen, kind, grp, rows, truncation):
    """The generator of `gen`'s family and options bound to the rows `rows` (a slice) of its
    group `grp` of this kind."""
    x, censored = grp.x[rows], None
    if kind == "right":  # (a count's bound is inclusive, X ≥ x, as `grp.x` holds it)
        censored = np.ones(x.size, bool)
    elif kind == "left":
        x = IntervalData(np.full(x.size, -np.inf), x)
    elif kind == "interval":
        x = IntervalData(x, grp.u[rows])
    return type(gen)(x, censored=censored, weights=None if grp.w is None else grp.w[rows],
                     truncation=truncation_at(truncation, rows), **gen.options)


def bind_rows(gen, start, stop):
    """The generator of `gen`'s family and options bound to its rows start..stop-1 (with their
    censoring, weights and truncation): views of `gen`'s arrays where they can be."""
    rows = slice(start, stop)
    x, censored = gen.rows.rebound(rows)
    weights = None if gen.rows.weights is None else gen.rows.weights[rows]
    return type(gen)(x, censored=censored, weights=weights,
                     truncation=truncation_at(gen.truncation, rows), **gen.options)


def global_rows(message, offset):
    """A data error's message with each "row i" of a slice read as the row of the whole data
    (the slice starts at row `offset`)."""
    return _ROW.sub(lambda m: f"row {int(m.group(1)) + offset}", message)


class RowsElsewhere:
    """The model of a fit whose rows lie elsewhere (Dask chunks): the family without rows and
    its truncation, so that predictions (which need no rows) and the summary work, while
    whatever reads rows (nonparametric or parametric bootstrap, per-row scores, plots,
    Kaplan–Meier, gof) refuses: reading them would pull every row into this process.
    Anything else is the family's (`param_names`, `support`, `logpdf`, ...)."""

    READS_ROWS = frozenset({"rows", "n", "lower", "upper", "weights", "censored", "simulate",
                            "contributions", "reweighted", "start"})

    def __init__(self, family, truncation, where, nobs):
        self.family = family
        self.name = family.name
        self.truncation = truncation  # (a, b) numbers, per-row collections, or None
        self.where = where
        self.nobs = nobs
        self.rows_text = f"n {nobs:g} in {where} (rows read where they lie)"

    @property
    def distribution(self):
        """The family the rows were drawn from (truncated when they were)."""
        if self.truncation is None:
            return self.family
        if truncated_per_row(self.truncation):
            raise ValueError(f"this fit's truncation is per row and lies in {self.where}; "
                             "give Truncated(fit.model.family, a, b) the bounds you mean")
        return Truncated(self.family, *self.truncation)

    def __getattr__(self, name):  # only for names not set above
        family = self.__dict__.get("family")
        if family is None or name.startswith("__"):
            raise AttributeError(name)
        if name in self.READS_ROWS:
            raise ValueError(f"this fit's rows lie in {self.where} and are not read back into "
                             f"this process (its model's .{name} would pull every row here): "
                             "estimates, the observed covariance, tests, predictions and summary work; for "
                             "what reads rows (bootstrap, per-row scores, plots, Kaplan–Meier, "
                             "gof) fit the rows in memory, or a sample of them")
        return getattr(family, name)

    def __repr__(self):
        return f"RowsElsewhere({self.family!r}, {self.where})"
